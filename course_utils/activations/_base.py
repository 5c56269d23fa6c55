"""The `Activation` base class and the input/output rules every activation shares.

Rules (one place, so every activation behaves the same):
- any array-like of real numbers; float32 stays float32, float64 stays float64, float16 stays
  float16; ints and bools compute in float64; a scalar in gives a NumPy scalar out;
- complex, strings, objects and None raise TypeError naming the activation and what was given;
- the input is never modified.
"""

from __future__ import annotations

import numbers

import numpy as np

_REAL_KINDS = "biuf"
# `native` for activations whose kernels take any float dtype (they convert block by block).
FLOATS = (np.float64, np.float32, np.float16)


def describe(value) -> str:
    """A short description of what a user passed, for error messages."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of dtype {value.dtype}"
    if isinstance(value, (list, tuple)):
        kinds = sorted({type(v).__name__ for v in value}) or ["nothing"]
        return f"a {type(value).__name__} of {'/'.join(kinds)}"
    return f"{type(value).__name__} {value!r}"[:80]


def as_real_array(x, name: str, argname: str = "x") -> np.ndarray:
    """`x` as an ndarray of real numbers (a view when possible), or a clear TypeError."""
    if x is None:
        raise TypeError(f"{name}: {argname} must be real numbers (a number, list or array), got None")
    try:
        arr = np.asarray(x)
    except ValueError as err:  # ragged nested lists
        raise ValueError(f"{name}: could not make an array from {argname} ({err})") from None
    if arr.dtype.kind not in _REAL_KINDS:
        raise TypeError(
            f"{name}: {argname} must be real numbers (float, int or bool), got {describe(x)}"
        )
    return arr


def compute_dtype(arr: np.ndarray, native: tuple = (np.float64,)) -> np.dtype:
    """The dtype to compute in: float64 unless the input's float type is listed in `native`."""
    if arr.dtype.kind == "f" and any(arr.dtype == d for d in native):
        return arr.dtype
    return np.dtype(np.float64)


def result_dtype(arr: np.ndarray) -> np.dtype:
    """Floats keep their type (longdouble computes and returns in float64); the rest give float64."""
    if arr.dtype.kind == "f" and arr.dtype.itemsize <= 8:
        return arr.dtype
    return np.dtype(np.float64)


def finish(result: np.ndarray, dtype: np.dtype, scalar: bool):
    """Cast once to the output dtype; a 0-d input gives a NumPy scalar like a ufunc does."""
    result = np.asarray(result)
    if result.dtype != dtype:
        result = result.astype(dtype)
    return result.reshape(())[()] if scalar else result


def check_finite_param(value, name: str, param: str, minimum=None) -> float:
    """A hyperparameter as a float, or ValueError naming it and the value given."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name}: {param} must be a real number, got {describe(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name}: {param} must be finite, got {value}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name}: {param} must be >= {minimum}, got {value}")
    return value


class Activation:
    """One activation function: forward, derivative and vector-Jacobian product side by side.

    Subclasses set `name`, `formula` (LaTeX), `derivative_formula` and implement `_forward`
    and `_derivative` on a float array of the compute dtype. `native` lists the float dtypes a
    subclass computes in directly (exact or accurate enough); others compute in float64.
    """

    name = "activation"
    formula = ""
    derivative_formula = ""
    elementwise = True
    native: tuple = (np.float64,)

    # --- public API -------------------------------------------------------------------
    def __call__(self, x):
        arr, xc, scalar = self._prepare(x)
        return finish(self._forward(xc), result_dtype(arr), scalar)

    def derivative(self, x):
        """Elementwise derivative f'(x), same shape and dtype as the output."""
        arr, xc, scalar = self._prepare(x)
        return finish(self._derivative(xc), result_dtype(arr), scalar)

    def backward(self, x, grad_output):
        """Vector-Jacobian product: the gradient w.r.t. `x` given dL/df = `grad_output`."""
        arr, xc, scalar = self._prepare(x)
        g = self._prepare_grad(grad_output, xc)
        return finish(self._backward(xc, g), result_dtype(arr), scalar)

    @property
    def params(self) -> dict:
        """The hyperparameters, by name."""
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and repr(self) == repr(other)

    __hash__ = None  # mutable (PReLU learns alpha)

    # --- hooks for subclasses ---------------------------------------------------------
    def _forward(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _derivative(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _backward(self, x: np.ndarray, g: np.ndarray) -> np.ndarray:
        d = self._derivative(x)
        return np.multiply(d, g, out=d)

    # --- helpers ----------------------------------------------------------------------
    def _prepare(self, x):
        arr = as_real_array(x, self.name)
        xc = arr.astype(compute_dtype(arr, self.native), copy=False)
        if xc.ndim == 0:  # compute on shape (1,) so out= works; `finish` turns it back
            xc = xc.reshape(1)
        return arr, xc, arr.ndim == 0

    def _prepare_grad(self, grad_output, xc: np.ndarray) -> np.ndarray:
        g = as_real_array(grad_output, f"{self.name}.backward", "grad_output")
        try:
            shape = np.broadcast_shapes(g.shape, xc.shape)
        except ValueError:
            shape = None
        if shape != xc.shape:
            raise ValueError(
                f"{self.name}.backward: grad_output has shape {g.shape}, "
                f"which does not match x's shape {xc.shape}"
            )
        g = g.astype(xc.dtype, copy=False)
        return np.broadcast_to(g, xc.shape)
