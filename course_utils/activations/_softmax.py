"""Softmax and log-softmax: activations of a whole vector, not of each number (lesson 07)."""

from __future__ import annotations

import numpy as np

from .._validate import integer
from ._base import Activation, as_real_array, finish, result_dtype


class _VectorActivation(Activation):
    """Shared machinery for functions of a vector along `axis` (no elementwise derivative)."""

    elementwise = False
    blocks = False  # each output depends on a whole slice along the axis

    def __init__(self, axis: int = -1):
        self.axis = integer(axis, self.name, "axis")

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
        arr, values, _ = self._prepare(x)
        if values.ndim != 1:
            raise ValueError(f"{self.name}.jacobian: x must be 1-D, got shape {values.shape}")
        eye = np.eye(values.size)
        last_axis = type(self)(axis=-1)
        rows = last_axis._backward(np.broadcast_to(values.astype(np.float64), eye.shape), eye)
        return finish(rows, result_dtype(arr), False)  # row i is e_iᵀ J

    def _evaluate(self, formula, arr, *arrays):
        if arrays[0].size == 0:  # nothing to normalise (and max() of nothing is an error)
            return np.empty(arrays[0].shape)
        return super()._evaluate(formula, arr, *arrays)

    def _prepare(self, x):
        arr, values, scalar = super()._prepare(x)  # a scalar arrives as a vector of one
        if not -values.ndim <= self.axis < values.ndim:
            raise ValueError(
                f"{self.name}: axis={self.axis} is out of range for an input with "
                f"{values.ndim} dimension(s) (shape {values.shape})"
            )
        return arr, values, scalar

    def _prepare_grad(self, grad_output, values):
        g = as_real_array(grad_output, f"{self.name}.backward", "grad_output")
        return super()._prepare_grad(g.reshape(1) if g.ndim == 0 else g, values)  # scalar x is (1,)

    def _shift(self, x):
        """(z, m): z = x − m, m = max(x) along the axis: every exponent ≤ 0, so exp(z) cannot overflow."""
        m = np.max(x, axis=self.axis, keepdims=True)
        with np.errstate(invalid="ignore", over="ignore"):  # inf − inf: see `_at_infinity`
            return x - m, m

    def _softmax(self, x):
        z, m = self._shift(x)
        e = np.exp(z)
        return self._at_infinity(x, m, e / np.sum(e, axis=self.axis, keepdims=True))

    def _at_infinity(self, x, m, result, log=False):
        """Slices whose maximum m is +inf get the limit: their +infs share the probability equally."""
        top = np.isposinf(m)
        if not top.any():
            return result
        hot = np.isposinf(x)
        with np.errstate(invalid="ignore", divide="ignore"):  # 0/0 in the other slices (unused)
            limit = hot / np.sum(hot, axis=self.axis, keepdims=True)
            return np.where(top, np.log(limit) if log else limit, result)


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
        return self._softmax(x)  # e^z / Σ e^z with z = x − max(x)

    def _backward(self, x, g):
        s = self._softmax(x)  # s ⊙ (g − g·s): the Jacobian diag(s) − s sᵀ, never formed
        return s * (g - np.sum(g * s, axis=self.axis, keepdims=True))


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
        z, m = self._shift(x)
        e = np.exp(z)
        # Σ e^z = 1 + (the rest): the maximum's own term is e^0 = 1 exactly. log1p of the rest
        # keeps a dominant class exact, where log(1 + 1e-20) would round to 0.
        np.put_along_axis(e, np.argmax(x, axis=self.axis, keepdims=True), 0, axis=self.axis)
        rest = np.sum(e, axis=self.axis, keepdims=True)
        return self._at_infinity(x, m, z - np.log1p(rest), log=True)

    def _backward(self, x, g):
        return g - self._softmax(x) * np.sum(g, axis=self.axis, keepdims=True)
