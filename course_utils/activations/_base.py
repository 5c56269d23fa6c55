"""The `Activation` base class and the input/output rules every activation shares.

Rules (one place, so every activation behaves the same):
- any array-like of real numbers; float32 stays float32, float64 stays float64, float16 stays
  float16; ints and bools compute in float64; a scalar in gives a NumPy scalar out;
- every formula computes in float64 and the result is rounded once to the output type, so a
  float32 result is the float64 one rounded (within 1/2 ULP plus the float64 error, whatever
  CPU NumPy's float32 kernels run on); only a formula that never rounds (ReLU) runs as it is;
- complex, strings, objects and None raise TypeError naming the activation and what was given;
- the input is never modified.
"""

from __future__ import annotations

import numpy as np

from .._validate import describe

_REAL_KINDS = "biuf"
# Elements per block: a formula's few float64 temporaries (128 KiB each) stay in the CPU cache,
# where evaluating it on the whole array would stream each one through main memory (~2x slower).
BLOCK = 1 << 14


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


def result_dtype(arr: np.ndarray) -> np.dtype:
    """Floats keep their type (longdouble computes and returns in float64); the rest give float64."""
    if arr.dtype.kind == "f" and arr.dtype.itemsize <= 8:
        return arr.dtype
    return np.dtype(np.float64)


def finish(result: np.ndarray, dtype: np.dtype, scalar: bool):
    """Cast once to the output dtype; a 0-d input gives a NumPy scalar like a ufunc does."""
    result = np.asarray(result)
    if result.dtype != dtype:
        with np.errstate(over="ignore"):  # a float32 result beyond 3.4e38 rounds to ±inf
            result = result.astype(dtype)
    return result.reshape(())[()] if scalar else result


def in_blocks(formula, dtype, *arrays) -> np.ndarray:
    """`formula(*blocks)` over float64 blocks of same-shape `arrays`, stored as `dtype`.

    Gives the same numbers as `formula(*arrays)` on whole float64 arrays (the formulas are
    elementwise), just faster; the store into the `dtype` output is the one rounding.
    """
    out = np.empty(arrays[0].shape, dtype)
    flats = [np.ravel(a) for a in arrays]
    flat_out = out.reshape(-1)
    for start in range(0, flat_out.size, BLOCK):
        block = [f[start:start + BLOCK].astype(np.float64, copy=False) for f in flats]
        y = formula(*block)
        with np.errstate(over="ignore"):  # a float32 result beyond 3.4e38 rounds to ±inf
            flat_out[start:start + BLOCK] = y
    return out


class Activation:
    """One activation function: forward, derivative and vector-Jacobian product side by side.

    Subclasses set `name`, `formula` (LaTeX), `derivative_formula` and implement `_forward`
    and `_derivative` as NumPy formulas of a float64 array (elementwise activations get blocks
    of it; set `blocks = False` for a formula that needs the whole array, `exact = True` for one
    that never rounds, which then runs on float32 or float16 input as it is).
    """

    name = "activation"
    formula = ""
    derivative_formula = ""
    elementwise = True
    blocks = True
    exact = False  # True: no rounding at all, so the formula runs on the input's own float type

    # --- public API -------------------------------------------------------------------
    def __call__(self, x):
        arr, x64, scalar = self._prepare(x)
        return finish(self._evaluate(self._forward, arr, x64), result_dtype(arr), scalar)

    def derivative(self, x):
        """Elementwise derivative f'(x), same shape and dtype as the output."""
        arr, x64, scalar = self._prepare(x)
        return finish(self._evaluate(self._derivative, arr, x64), result_dtype(arr), scalar)

    def backward(self, x, grad_output):
        """Vector-Jacobian product: the gradient w.r.t. `x` given dL/df = `grad_output`."""
        arr, x64, scalar = self._prepare(x)
        g = self._prepare_grad(grad_output, x64)
        return finish(self._evaluate(self._backward, arr, x64, g), result_dtype(arr), scalar)

    @property
    def params(self) -> dict:
        """The hyperparameters, by name."""
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other) -> bool:
        """Same class and the same hyperparameters, compared by value (arrays element by element)."""
        if type(self) is not type(other):
            return False
        mine, theirs = self.params, other.params
        return mine.keys() == theirs.keys() and all(
            np.shape(mine[k]) == np.shape(theirs[k]) and np.array_equal(mine[k], theirs[k])
            for k in mine)

    __hash__ = None  # mutable (PReLU learns alpha)

    # --- hooks for subclasses: NumPy formulas of float64 arrays --------------------------
    def _forward(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _derivative(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _backward(self, x: np.ndarray, g: np.ndarray) -> np.ndarray:
        return self._derivative(x) * g  # chain rule, one element at a time

    # --- helpers ----------------------------------------------------------------------
    def _evaluate(self, formula, arr, *arrays):
        """`formula(*arrays)`, in blocks where the activation allows it."""
        if self.exact:  # the same numbers in any float type: skip the float64 round trip
            return formula(*arrays)
        if self.blocks and arrays[0].size > BLOCK:
            return in_blocks(formula, result_dtype(arr), *arrays)
        return formula(*(a.astype(np.float64, copy=False) for a in arrays))

    def _prepare(self, x):
        """(the input as an array, the values to compute on, was it a scalar?)"""
        arr = as_real_array(x, self.name)
        values = arr if arr.ndim else arr.reshape(1)  # `finish` turns it back into a scalar
        if arr.dtype.kind != "f" or arr.dtype.itemsize > 8:
            values = values.astype(np.float64)
        return arr, values, arr.ndim == 0

    def _prepare_grad(self, grad_output, values: np.ndarray) -> np.ndarray:
        g = as_real_array(grad_output, f"{self.name}.backward", "grad_output")
        try:
            shape = np.broadcast_shapes(g.shape, values.shape)
        except ValueError:
            shape = None
        if shape != values.shape:
            raise ValueError(
                f"{self.name}.backward: grad_output has shape {g.shape}, "
                f"which does not match x's shape {values.shape}"
            )
        return np.broadcast_to(g, values.shape)
