"""Softmax and log-softmax: activations of a whole vector, not of each number (lesson 07)."""

from __future__ import annotations

import numpy as np

from ._base import Activation, finish, result_dtype


class _VectorActivation(Activation):
    """Shared machinery for functions of a vector along `axis` (no elementwise derivative)."""

    elementwise = False

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
        return super()._prepare_grad(np.reshape(grad_output, -1) if np.ndim(grad_output) == 0 else grad_output, xc)

    def _shifted(self, x):
        """z = x − max(x) along the axis, and a mask of the slices holding +inf."""
        m = np.max(x, axis=self.axis, keepdims=True)
        inf_slices = np.isposinf(m)
        if inf_slices.any():
            m = np.where(inf_slices, 0.0, m).astype(x.dtype)
        with np.errstate(invalid="ignore"):  # an all -inf slice is undefined: NaN
            return x - m, inf_slices

    def _infinite_limit(self, x, inf_slices):
        """In a slice with +inf entries the limit shares all mass equally among them."""
        hot = np.isposinf(x)
        return hot / np.sum(hot, axis=self.axis, keepdims=True)

    def _softmax(self, x):
        if x.size == 0:
            return np.empty_like(x)
        z, inf_slices = self._shifted(x)
        with np.errstate(invalid="ignore"):  # exp(+inf)/inf in +inf slices, replaced below
            np.exp(z, out=z)
            total = np.sum(z, axis=self.axis, keepdims=True)
            np.divide(z, total, out=z)
        if inf_slices.any():
            z = np.where(inf_slices, self._infinite_limit(x, inf_slices), z).astype(x.dtype)
        return z


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
        s = self._softmax(x)
        dot = np.sum(g * s, axis=self.axis, keepdims=True)
        return s * (g - dot)


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
        if x.size == 0:
            return np.empty_like(x)
        z, inf_slices = self._shifted(x)
        e = np.exp(z)
        # Remove one copy of the max's exp(0) = 1 exactly, then log1p of the rest.
        k = np.argmax(x, axis=self.axis)
        np.put_along_axis(e, np.expand_dims(k, self.axis), 0.0, axis=self.axis)
        with np.errstate(invalid="ignore"):  # inf − inf in +inf slices, replaced below
            rest = np.sum(e, axis=self.axis, keepdims=True)
            np.subtract(z, np.log1p(rest), out=z)
        if inf_slices.any():
            with np.errstate(divide="ignore"):
                limit = np.log(self._infinite_limit(x, inf_slices))
            z = np.where(inf_slices, limit, z).astype(x.dtype)
        return z

    def _backward(self, x, g):
        s = self._softmax(x)
        return g - s * np.sum(g, axis=self.axis, keepdims=True)
