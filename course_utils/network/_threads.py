"""Run NumPy's BLAS on one thread while training these small networks.

The matrices here are tiny (a batch of 32 × a few hundred units): starting BLAS threads costs
more than it saves, and on a busy machine idle threads spin and slow everything down
(measured: a 15-layer digits run took 3–4× the CPU time with two threads than with one).
`threadpoolctl` ships with scikit-learn; without it this does nothing.

The thread pools are looked up once (a `ThreadpoolController`, made on first use, when NumPy's
BLAS is loaded): scanning the loaded libraries on every call cost ~2 ms, as much as a
playground training step (lesson 12).
"""

from __future__ import annotations

import contextlib
import warnings

_CONTROLLER = []  # the ThreadpoolController, once made


def _controller():
    if not _CONTROLLER:
        from threadpoolctl import ThreadpoolController

        with warnings.catch_warnings():  # e.g. its notice about mixed OpenMP runtimes
            warnings.simplefilter("ignore")
            _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0]


@contextlib.contextmanager
def single_blas_thread():
    """Limit BLAS to one thread inside the block (restored afterwards)."""
    try:
        controller = _controller()
    except ImportError:  # pragma: no cover - scikit-learn always brings it
        yield
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        limiter = controller.limit(limits=1, user_api="blas")
    try:
        yield
    finally:
        limiter.restore_original_limits()
