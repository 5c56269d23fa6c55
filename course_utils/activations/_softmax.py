"""Softmax and log-softmax: activations of a whole vector, not of each number (lesson 07)."""

from __future__ import annotations

import numpy as np

from . import _kernels
from ._base import FLOATS, Activation, as_real_array, finish, result_dtype


class _VectorActivation(Activation):
    """Shared machinery for functions of a vector along `axis` (no elementwise derivative)."""

    elementwise = False
    native = FLOATS  # the row kernels convert float32/float16 block by block

    def __init__(self, axis: int = -1):
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
            raise ValueError(f"{self.name}: axis must be an integer, got {axis!r}")
        self.axis = int(axis)

    @property
    def params(self):
        return {"axis": self.axis}

    def derivative(self, x):
        raise NotImplementedError(
            f"{self.name} has no elementwise derivative: each output depends on every input "
            f"along the axis (its derivative is a Jacobian matrix). Use "
            f"{type(self).__name__}().backward(x, grad_output) for the vector-Jacobian product, "
            f"or jacobian(x) for the full matrix of a 1-D x."
        )

    def jacobian(self, x):
        """The full Jacobian ∂f_i/∂x_j of a 1-D x (n × n; for teaching, O(n²) memory)."""
        arr, xc, _ = self._prepare(x)
        if xc.ndim != 1:
            raise ValueError(f"{self.name}.jacobian: x must be 1-D, got shape {xc.shape}")
        eye = np.eye(xc.size, dtype=xc.dtype)
        last_axis = type(self)(axis=-1)
        rows = last_axis._backward(np.broadcast_to(xc, eye.shape), eye)  # row i = e_iᵀ J
        return finish(rows, result_dtype(arr), False)

    def _prepare(self, x):
        arr, xc, scalar = super()._prepare(x)  # a scalar arrives as a vector of one
        if not -xc.ndim <= self.axis < xc.ndim:
            raise ValueError(
                f"{self.name}: axis={self.axis} is out of range for an input with "
                f"{xc.ndim} dimension(s) (shape {xc.shape})"
            )
        return arr, xc, scalar

    def _prepare_grad(self, grad_output, xc):
        g = as_real_array(grad_output, f"{self.name}.backward", "grad_output")
        return super()._prepare_grad(g.reshape(1) if g.ndim == 0 else g, xc)  # scalar x is (1,)

    def _softmax(self, x, dtype=None):
        """softmax(x) along the axis, in `dtype` (default x's dtype)."""
        kernel = _softmax_rows if x.dtype == np.float64 else _softmax_rows32
        return _rowwise(kernel, x, self.axis, dtype)


def _rowwise(kernel, x, axis, dtype=None):
    """`kernel(xb, out, z, lo)` over blocks of rows of x with `axis` moved last.

    xb is a float64 (rows, n) block (read-only), out the block of the result (`dtype`), z and
    lo float64 scratch of xb's shape. Blocks of about _kernels.BLOCK elements stay in cache.
    """
    dtype = np.dtype(dtype or x.dtype)
    xm = np.moveaxis(x, axis, -1)
    out = np.empty(xm.shape, dtype)
    n = xm.shape[-1] if xm.ndim else 1
    if out.size:
        x2 = np.ascontiguousarray(xm).reshape(-1, n)
        o2 = out.reshape(-1, n)
        rows = x2.shape[0]
        k = min(rows, max(1, _kernels.BLOCK // n))
        z, lo = np.empty((k, n)), np.empty((k, n))
        convert = np.empty((k, n)) if x2.dtype != np.float64 else None
        # inf − inf, 0/0 and x − max = −inf arise only next to ±inf or ±1e308, repaired below.
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            for start in range(0, rows, k):
                stop = min(start + k, rows)
                m = stop - start
                xb = x2[start:stop]
                if convert is not None:
                    xb = convert[:m]
                    np.copyto(xb, x2[start:stop])
                kernel(xb, o2[start:stop], z[:m], lo[:m])
    out = np.moveaxis(out, -1, axis)
    return out if out.flags.c_contiguous else np.ascontiguousarray(out)


def _shift(x, z, lo):
    """z + lo = x − max(x) exactly (Knuth's two-sum), row by row; returns the maxima.

    The rounding of x − max (up to 2⁻⁴⁴ for |x − max| ≈ 700) would be multiplied by up to
    700 in exp; keeping it (lo) and using exp(z + lo) = exp(z)·(1 + lo) removes that error.
    lo is NaN only next to infinities (inf − inf); it is set to −1 there, which is harmless:
    such entries have exp(z) = 0 or lie in a slice repaired by `_infinite_rows`.
    """
    m = np.max(x, axis=1, keepdims=True)
    np.subtract(x, m, out=z)
    np.subtract(z, x, out=lo)  # bb = z − x (the part of −m that made it into z)
    t = np.subtract(z, lo)
    np.subtract(x, t, out=t)  # x − (z − bb)
    np.negative(m, out=m)
    np.subtract(m, lo, out=lo)  # −m − bb
    np.add(lo, t, out=lo)
    np.fmax(lo, -1.0, out=lo)
    np.negative(m, out=m)
    return m


def _exp_shifted(z, lo):
    """exp(z + lo) into z (lo ≪ 1: exp(z)·(1 + lo), with the product added, not rounded in)."""
    np.exp(z, out=z)
    np.multiply(lo, z, out=lo)
    np.add(z, lo, out=z)


def _infinite_rows(xb, m):
    """Rows whose maximum is +inf, and the limit there: the mass shared equally by the +infs."""
    rows = np.flatnonzero(np.isposinf(m[:, 0]))
    if rows.size == 0:
        return rows, None
    hot = np.isposinf(xb[rows])
    return rows, hot / np.sum(hot, axis=1, keepdims=True)


def _normalise(z, xb, m, out):
    """out = z / Σz row by row (z = the exponentials); rows whose maximum m is +inf get the limit."""
    total = np.sum(z, axis=1, keepdims=True)
    np.divide(z, total, out=out)
    rows, limit = _infinite_rows(xb, m)
    if rows.size:
        out[rows] = limit


def _softmax_rows(xb, out, z, lo):
    m = _shift(xb, z, lo)
    _exp_shifted(z, lo)
    _normalise(z, xb, m, out)


def _softmax_rows32(xb, out, z, lo):
    """float32 rows, in float64: exp amplifies the rounding of x − max to at most 745·2⁻⁵³,
    far below float32's 2⁻²⁴, so the two-sum correction of `_shift` is not needed."""
    m = np.max(xb, axis=1, keepdims=True)
    np.subtract(xb, m, out=z)
    np.exp(z, out=z)
    _normalise(z, xb, m, out)


def _log_softmax_rows(xb, out, z, lo):
    m = _shift(xb, z, lo)
    e = np.copy(z)
    _exp_shifted(e, lo.copy())
    # The maximum's term is exp(0) = 1 exactly: drop one copy of it and use log1p of the rest,
    # so a dominant class keeps all its digits (log of 1 + tiny would round to 0).
    k = np.argmax(xb, axis=1)[:, None]
    np.put_along_axis(e, k, 0.0, axis=1)
    rest = np.sum(e, axis=1, keepdims=True)
    np.log1p(rest, out=rest)
    np.subtract(z, rest, out=z)
    np.add(z, lo, out=out)  # (x − max) − log Σ, with x − max's rounding added back
    rows, limit = _infinite_rows(xb, m)
    if rows.size:
        out[rows] = np.log(limit)


class Softmax(_VectorActivation):
    r"""Softmax: turns a vector of scores (logits) into probabilities that sum to 1.

    Formula:
        softmax(x)_i = e^{x_i} / Σ_j e^{x_j} = e^{x_i − m} / Σ_j e^{x_j − m},  m = max_j x_j
        Jacobian: ∂s_i/∂x_j = s_i(δ_ij − s_j);  VJP: s ⊙ (g − Σ_j g_j s_j)

    Subtracting the maximum changes nothing mathematically and keeps every exponent ≤ 0, so
    exp never overflows. −inf entries (masked scores) get probability 0.

    Args:
        x: array-like of real numbers (a scalar counts as a vector of one).
        axis: the axis along which the outputs sum to 1 (default -1, the last).

    Returns:
        Probabilities, same shape and float dtype as x.

    Example:
        >>> import numpy as np
        >>> from course_utils.activations import softmax, Softmax
        >>> softmax(np.array([1000.0, 1001.0, 1002.0]))   # naive exp(1000) would overflow
        array([0.09003057, 0.24472847, 0.66524096])
        >>> Softmax().backward(np.array([0.0, 0.0]), np.array([1.0, 0.0]))
        array([ 0.25, -0.25])

    Derivative convention: `derivative` is not defined (each output depends on every input);
    use `backward` (vector-Jacobian product) or `jacobian`.

    Reference:
        Bridle (1990), "Probabilistic Interpretation of Feedforward Classification Network
        Outputs, with Relationships to Statistical Pattern Recognition", Neurocomputing.
    """

    name = "softmax"
    formula = r"\operatorname{softmax}(x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}}"
    derivative_formula = r"\frac{\partial s_i}{\partial x_j} = s_i\,(\delta_{ij} - s_j)"

    def _forward(self, x):
        return self._softmax(x)

    def _backward(self, x, g):
        s = self._softmax(x, np.float64)  # float32 in: compute in float64, round once
        g = g.astype(np.float64)  # a fresh copy (g may be a broadcast view)
        dot = np.sum(g * s, axis=self.axis, keepdims=True)
        np.subtract(g, dot, out=g)
        return np.multiply(s, g, out=s)


class LogSoftmax(_VectorActivation):
    r"""Log-softmax: the logarithm of softmax, computed without ever forming softmax.

    Formula:
        log_softmax(x)_i = x_i − log Σ_j e^{x_j} = z_i − log1p(Σ_{j≠k} e^{z_j}),
        z = x − max(x), k = argmax(x);  VJP: g − softmax(x)·Σ_j g_j

    Writing the sum as 1 + (the rest) and using log1p keeps the dominant class exact, where
    log(softmax(x)) would round to 0.

    Args:
        x: array-like of real numbers (a scalar counts as a vector of one).
        axis: the axis to normalise over (default -1, the last).

    Returns:
        Log-probabilities (≤ 0), same shape and float dtype as x.

    Example:
        >>> import numpy as np
        >>> from course_utils.activations import log_softmax
        >>> log_softmax(np.array([0.0, 0.0]))
        array([-0.69314718, -0.69314718])
        >>> log_softmax(np.array([0.0, 1000.0]))        # log(softmax) would give -inf
        array([-1000.,     0.])

    Derivative convention: `derivative` is not defined; use `backward` or `jacobian`.

    Reference:
        Goodfellow, Bengio & Courville (2016), "Deep Learning", MIT Press, §6.2.2.3.
    """

    name = "log_softmax"
    formula = r"\operatorname{log\_softmax}(x)_i = x_i - \log \sum_j e^{x_j}"
    derivative_formula = r"\frac{\partial \ell_i}{\partial x_j} = \delta_{ij} - \operatorname{softmax}(x)_j"

    def _forward(self, x):
        return _rowwise(_log_softmax_rows, x, self.axis)

    def _backward(self, x, g):
        s = self._softmax(x, np.float64)
        np.multiply(s, np.sum(g, axis=self.axis, keepdims=True, dtype=np.float64), out=s)
        return np.subtract(g, s, out=s, dtype=np.float64)
