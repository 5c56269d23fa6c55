"""Loading Keras quietly, and the only backend-specific code in the course (lesson 10).

Everything else in `keras_compare` uses `keras.ops`, so it runs on any Keras backend. Two jobs
need the backend itself, because Keras 3 has no backend-neutral gradient API:

- `float64()`: JAX computes in float32 unless 64-bit mode is on; the context manager turns it
  on for the comparisons only (TensorFlow and PyTorch have float64 natively: nothing to do).
- automatic differentiation through Keras ops, written with `jax.grad`/`jax.vjp`: `grad` (an
  elementwise function's derivative), `autodiff_derivative` and `autodiff_vjp` (a `Pair`'s
  Keras function, in float64) and `weight_gradients` (a model's dL/dW). On another backend
  they raise `BackendNotSupported`, whose message says what to use there instead.
"""

from __future__ import annotations

import contextlib
import os
import sys

AUTODIFF_BACKENDS = ("jax",)


class BackendNotSupported(NotImplementedError):
    """The helper differentiates with JAX; the active Keras backend is another one."""


def _fallback_environment() -> None:
    """For a kernel started outside the course's environment (which sets these already).

    The course's Jupyter kernel, `make lab`, `make test` and environment.yml set KERAS_BACKEND
    and JAX_PLATFORMS for every process they start. A kernel started some other way (an IDE's
    own Python) gets them here, before Keras is first imported: setdefault only, so a choice
    the user made wins, and nothing happens once Keras is imported.
    """
    if "keras" in sys.modules:
        return
    os.environ.setdefault("KERAS_BACKEND", "jax")
    # Do not probe for GPUs/TPUs: the probe prints "falling back to cpu" warnings on stderr,
    # and the lesson's models are tiny (a CPU is faster than the transfer to a GPU).
    os.environ.setdefault("JAX_PLATFORMS", "cpu")


def keras():
    """The `keras` module, imported on first use.

    Raises:
        ImportError: Keras or its backend is missing, with the backend named in the message.
    """
    _fallback_environment()
    try:
        import keras as _keras
    except ImportError as err:
        name = os.environ.get("KERAS_BACKEND")
        raise ImportError(
            f"keras_compare: could not import Keras with KERAS_BACKEND={name!r} ({err}). "
            "This course installs Keras with JAX; unset KERAS_BACKEND or set it to 'jax'."
        ) from err
    return _keras


def backend() -> str:
    """The name of the Keras backend in use: 'jax', 'tensorflow' or 'torch'."""
    return keras().backend.backend()


def set_seed(seed: int = 0) -> None:
    """Seed Python, NumPy and the Keras backend at once (`keras.utils.set_random_seed`)."""
    keras().utils.set_random_seed(int(seed))


@contextlib.contextmanager
def float64():
    """A context in which Keras ops compute in float64 when given float64 input.

    JAX: turns on `jax_enable_x64` for the block only, so models trained outside it keep
    Keras's float32 default. Other backends: nothing to do.
    """
    if backend() != "jax":
        yield
        return
    import jax

    try:
        enable_x64 = jax.enable_x64  # jax >= 0.8
    except AttributeError:  # jax 0.6, the newest for Python 3.10
        from jax.experimental import enable_x64
    with enable_x64(True):
        yield


def _require_autodiff(what: str) -> None:
    name = backend()
    if name not in AUTODIFF_BACKENDS:
        raise BackendNotSupported(
            f"{what} is written with JAX (jax.grad), but the Keras backend is {name!r}. "
            "Run the lesson with KERAS_BACKEND=jax, or differentiate with your backend's own "
            "tool (tf.GradientTape for TensorFlow, torch.autograd.grad for PyTorch)."
        )


def grad(fn, x, dtype="float32"):
    """f'(x) for an elementwise function built from keras.ops, by autodiff (JAX), per point.

    Args:
        fn: a function of one scalar built from `keras.ops` / `keras.activations`, e.g.
            `lambda x: keras.ops.relu(x) + 0.5 * keras.ops.tanh(x)`.
        x: the points, a 1-D array.
        dtype: "float32" (what a model computes in, default) or "float64".

    Returns:
        A NumPy array of f'(x) in `dtype`, one value per point.
    """
    _require_autodiff("grad")
    import jax
    import numpy as np

    x = np.asarray(x, dtype=dtype)
    # jit: one compiled kernel instead of op-by-op dispatch (~10x faster on a first call).
    derivative = jax.jit(jax.vmap(jax.grad(fn)))
    if dtype == "float64":
        with float64():
            return np.asarray(derivative(jax.numpy.asarray(x)))
    return np.asarray(derivative(jax.numpy.asarray(x)))


def autodiff_derivative(pair, x):
    """f'(x) of the Keras function of a `Pair` (e.g. `pair("sigmoid")`) by autodiff, in float64."""
    return grad(pair.keras_fn, x, "float64")


def autodiff_vjp(pair, x, grad_output):
    """gᵀ·J of the Keras function of a vector `Pair` (softmax, log_softmax) by autodiff, float64."""
    import numpy as np

    with float64():
        return vjp(pair.keras_fn, np.asarray(x, dtype=np.float64),
                   np.asarray(grad_output, dtype=np.float64))


def vjp(fn, x, grad_output):
    """The vector-Jacobian product gᵀ·∂fn/∂x by autodiff (JAX `vjp`), for vector functions.

    Args:
        fn: a function of an array built from `keras.ops` (e.g. softmax along the last axis).
        x: the input array.
        grad_output: g, the same shape as fn(x).

    Returns:
        A NumPy array shaped like x.
    """
    _require_autodiff("vjp")
    import jax
    import numpy as np

    @jax.jit
    def product(x, g):
        _, pullback = jax.vjp(fn, x)
        return pullback(g)[0]

    x = jax.numpy.asarray(np.asarray(x))
    return np.asarray(product(x, jax.numpy.asarray(np.asarray(grad_output), dtype=x.dtype)))


def weight_gradients(model, loss_fn, x, y) -> list:
    """dL/dW for every trainable weight of a Keras model on one batch (JAX, stateless call).

    Args:
        model: a built Keras model.
        loss_fn: a Keras loss, called as loss_fn(y, model(x)).
        x, y: the batch.

    Returns:
        A list of NumPy arrays in `model.trainable_variables` order.
    """
    _require_autodiff("weight_gradients")
    import jax
    import numpy as np

    trainable = [v.value for v in model.trainable_variables]
    frozen = [v.value for v in model.non_trainable_variables]

    def loss(weights):
        logits, _ = model.stateless_call(weights, frozen, x, training=False)
        return loss_fn(y, logits)

    return [np.asarray(g) for g in jax.jit(jax.grad(loss))(trainable)]
