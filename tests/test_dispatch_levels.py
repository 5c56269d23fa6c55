"""The accuracy tests, once per NumPy dispatch level this CPU can emulate.

NumPy picks its SIMD kernels (exp, expm1, log1p, tanh, …) by CPU at import; each has its own
last-bit errors. `NPY_DISABLE_CPU_FEATURES` (spelled for the installed NumPy: tests/numpy_levels.py)
switches the better targets off, so one machine runs what an AVX2 or an SSE-only CPU runs. It
must be set before NumPy is imported: each level runs the accuracy tests in a subprocess, which
first checks that the level took effect (NumPy's float64 exp kernel is none of the disabled
targets). A level above the CPU's own cannot be emulated (the test says so and skips); ARM has
other kernels again (NEON/SVE), covered by the derived bounds of tests/accuracy_reference.py,
not by a run.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest

import numpy_levels

ROOT = Path(__file__).resolve().parent.parent
ACCURACY_TESTS = ["tests/test_activations_accuracy.py", "tests/test_softmax_accuracy.py"]

_RUN = """
import sys
sys.path.insert(0, "tests")
import numpy_levels, pytest
current, off = numpy_levels.exp_target(), sys.argv[1].split()
if current in off:
    sys.exit(f"the level did not take effect: NumPy still dispatches float64 exp to {current}")
print(f"NumPy dispatches float64 exp to {current}")
sys.exit(pytest.main(sys.argv[2:]))
"""


def environment(disabled: str) -> dict:
    """This process's environment for a child at a level (pytest's own variables removed)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "NPY_DISABLE"))}
    if disabled:
        env["NPY_DISABLE_CPU_FEATURES"] = disabled
    return env


@functools.lru_cache(maxsize=None)
def best_level() -> str:
    """The level of this CPU: where NumPy dispatches float64 exp with nothing disabled."""
    code = "import sys; sys.path.insert(0, 'tests'); import numpy_levels as n; print(n.level_of(n.exp_target()))"
    out = subprocess.run([sys.executable, "-c", code], env=environment(""), cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def levels_here() -> list:
    """[(level, NPY_DISABLE_CPU_FEATURES)] for each level this CPU can run, best first."""
    best = numpy_levels.LEVELS.index(best_level())
    return [(level, numpy_levels.disabled(level)) for level in numpy_levels.LEVELS[best:]]


@pytest.mark.slow
@pytest.mark.parametrize("level", numpy_levels.LEVELS)
def test_accuracy_contract_holds_at_dispatch_level(level):
    if not numpy_levels.is_x86():
        pytest.skip("x86 dispatch levels do not apply here; ARM's kernels are covered by the "
                    "derived bounds, not by a run")
    if level not in dict(levels_here()):
        pytest.skip(f"this CPU's own level is {best_level()}: the {level} level cannot be "
                    "emulated upward here")
    disabled = numpy_levels.disabled(level)
    run = subprocess.run(
        [sys.executable, "-c", _RUN, disabled, "-q", "-n", "0", "-p", "no:cacheprovider", *ACCURACY_TESTS],
        env=environment(disabled), cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, f"{level} level failed:\n{run.stdout[-4000:]}\n{run.stderr[-2000:]}"
    assert "NumPy dispatches float64 exp to" in run.stdout
