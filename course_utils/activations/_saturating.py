"""The S-shaped, saturating activations: sigmoid and tanh (lessons 01 and 02)."""

from __future__ import annotations

import numpy as np

from ._base import Activation


class Sigmoid(Activation):
    r"""Logistic sigmoid: squashes any real number into (0, 1).

    Formula:
        σ(x) = 1 / (1 + e^{-x}),    σ'(x) = σ(x)·(1 − σ(x)) = σ(x)·σ(−x)

    Computed split by sign with e = exp(−|x|) ≤ 1, which never overflows: σ(x) = 1/(1 + e)
    for x ≥ 0 and e/(1 + e) for x < 0 (the textbook 1/(1 + e^{−x}) overflows for x < −709).
    σ'(x) = e/(1+e)², which stays exact in the tails where σ(1−σ) cancels to 0.

    Args:
        x: array-like of real numbers, any shape.

    Returns:
        σ(x), same shape; float32 stays float32, ints compute in float64.

    Example:
        >>> import numpy as np
        >>> from course_utils.activations import sigmoid, Sigmoid
        >>> sigmoid(np.array([-1000.0, 0.0, 2.0]))     # no overflow warning
        array([0.        , 0.5       , 0.88079708])
        >>> float(Sigmoid().derivative(0.0))           # the steepest point: 1/4
        0.25

    Derivative convention: smooth everywhere; σ'(0) = 1/4 is the maximum.

    Reference:
        Rumelhart, Hinton & Williams (1986), "Learning representations by back-propagating
        errors", Nature 323.
    """

    name = "sigmoid"
    formula = r"\sigma(x) = \frac{1}{1 + e^{-x}}"
    derivative_formula = r"\sigma'(x) = \sigma(x)\,\bigl(1 - \sigma(x)\bigr)"

    def _forward(self, x):
        e = np.exp(-np.abs(x))  # split by sign: exp only ever sees −|x|, so it cannot overflow
        return np.where(x >= 0, 1, e) / (1 + e)

    def _derivative(self, x):
        e = np.exp(-np.abs(x))  # σ'(x) = σ(x)·σ(−x) = e/(1 + e)², never σ·(1 − σ), which cancels
        return e / (1 + e) ** 2


class Tanh(Activation):
    r"""Hyperbolic tangent: a zero-centred sigmoid with outputs in (−1, 1).

    Formula:
        tanh(x) = (e^{x} − e^{−x}) / (e^{x} + e^{−x}) = 2σ(2x) − 1,    tanh'(x) = 1 − tanh²(x)

    The value is NumPy's `tanh`; the derivative is computed as 4e/(1+e)² with e = exp(−2|x|),
    which stays exact in the tails where 1 − tanh² cancels to 0.

    Args:
        x: array-like of real numbers, any shape.

    Returns:
        tanh(x), same shape and float dtype.

    Example:
        >>> import numpy as np
        >>> from course_utils.activations import tanh, Tanh
        >>> tanh(np.array([-1000.0, 0.0, 0.5]))
        array([-1.        ,  0.        ,  0.46211716])
        >>> float(Tanh().derivative(0.0))               # four times sigmoid's maximum slope
        1.0

    Derivative convention: smooth everywhere; tanh'(0) = 1 is the maximum.

    Reference:
        LeCun, Bottou, Orr & Müller (1998), "Efficient BackProp", in Neural Networks: Tricks
        of the Trade, Springer.
    """

    name = "tanh"
    formula = r"\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}"
    derivative_formula = r"\tanh'(x) = 1 - \tanh^2(x)"

    def _forward(self, x):
        return np.tanh(x)

    def _derivative(self, x):
        # tanh'(x) = 1 − tanh² = 4e/(1 + e)² with e = exp(−2|x|): no cancellation in the tails.
        # (|x| ≤ 400 keeps 2|x| finite; beyond, e is 0 either way.)
        e = np.exp(-2 * np.minimum(np.abs(x), 400))
        return 4 * e / (1 + e) ** 2
