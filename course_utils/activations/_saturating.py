"""The S-shaped, saturating activations: sigmoid and tanh (lessons 01 and 02)."""

from __future__ import annotations

import numpy as np

from . import _kernels
from ._base import FLOATS, Activation


class Sigmoid(Activation):
    r"""Logistic sigmoid: squashes any real number into (0, 1).

    Formula:
        σ(x) = 1 / (1 + e^{-x}),    σ'(x) = σ(x)·(1 − σ(x)) = σ(x)·σ(−x)

    Computed as 1/(1 + e^{−x}), which keeps every digit for any sign of x (by scipy's
    `expit`, a C loop of this same formula); where e^{−x} would overflow (x < −709) the
    result is eˣ, equal to σ(x) there to the last bit, so there is no overflow warning.
    σ'(x) = e/(1+e)² with e = exp(−|x|), which stays exact
    in the tails where σ(1−σ) cancels to 0.

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

    native = FLOATS

    def _forward(self, x):
        return sigmoid_forward(x)

    def _derivative(self, x):
        if x.dtype == np.float64:
            return _kernels.blockwise(_kernels.sigmoid_prime, x, 3)
        return _kernels.blockwise(_kernels.sigmoid_prime32, x, 2)


class Tanh(Activation):
    r"""Hyperbolic tangent: a zero-centred sigmoid with outputs in (−1, 1).

    Formula:
        tanh(x) = (e^{x} − e^{−x}) / (e^{x} + e^{−x}) = 2σ(2x) − 1,    tanh'(x) = 1 − tanh²(x)

    The derivative is computed as 4e/(1+e)² with e = exp(−2|x|), which stays exact in the
    tails where 1 − tanh² cancels to 0.

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

    native = FLOATS

    def _forward(self, x):
        if x.dtype in (np.float64, np.float32):  # float32: ≤ 1.37 ULP, checked for every input
            return np.tanh(x)
        return _kernels.blockwise(_tanh, x, 0)

    def _derivative(self, x):
        if x.dtype == np.float64:
            return _kernels.blockwise(_kernels.tanh_prime, x, 3)
        return _kernels.blockwise(_kernels.tanh_prime32, x, 2)


def _tanh(x, out):
    np.tanh(x, out=out)


def sigmoid_forward(x):
    """σ(x): scipy's expit (one C loop) for float64/float32, the blockwise kernel otherwise."""
    if x.dtype in (np.float64, np.float32):
        return _kernels.expit(x)
    return _kernels.blockwise(_kernels.sigmoid, x, 1, over="ignore")
