"""Smooth rectifiers: softplus, SiLU/swish and GELU (lesson 06)."""

from __future__ import annotations

import numpy as np
from scipy import special

from . import _kernels
from ._base import Activation

_INV_SQRT2 = 0.70710678118654752440084436210485
_INV_SQRT_2PI = 0.39894228040143267793994605993438
_SQRT_2_OVER_PI = 0.79788456080286535587989211986876
_GELU_CUBIC = 0.044715
# Beyond these the result is already exact (gelu(x) = x or an underflowed 0), so clamping
# changes nothing but keeps x², x³ and inf·0 from producing inf or NaN.
_GELU_CLAMP = 40.0
_TANH_GELU_CLAMP = 1.0e4
_SILU_CLAMP = 750.0


class Softplus(Activation):
    r"""Softplus: a smooth ReLU, log(1 + eˣ).

    Formula:
        softplus(x) = log(1 + eˣ),    softplus'(x) = σ(x)

    Computed as max(x, 0) + log1p(exp(−|x|)): the textbook log(1 + exp(x)) is inf for x > 709
    and loses every digit for x < −37.

    Args:
        x: array-like of real numbers, any shape.

    Returns:
        softplus(x) > 0, same shape and float dtype.

    Example:
        >>> import numpy as np
        >>> from course_utils.activations import softplus
        >>> softplus(np.array([-40.0, 0.0, 1000.0]))
        array([4.24835426e-18, 6.93147181e-01, 1.00000000e+03])

    Derivative convention: smooth everywhere; softplus'(x) = sigmoid(x).

    Reference:
        Dugas, Bengio, Bélisle, Nadeau & Garcia (2001), "Incorporating Second-Order Functional
        Knowledge for Better Option Pricing", NeurIPS.
    """

    name = "softplus"
    formula = r"\operatorname{softplus}(x) = \log\left(1 + e^{x}\right)"
    derivative_formula = r"\operatorname{softplus}'(x) = \sigma(x)"

    def _forward(self, x):
        return _kernels.softplus(x)

    def _derivative(self, x):
        return _kernels.sigmoid(x)


class SiLU(Activation):
    r"""Sigmoid linear unit (also called swish): x·σ(x).

    Formula:
        silu(x) = x·σ(x),    silu'(x) = σ(x)·(1 + x·σ(−x))

    Args:
        x: array-like of real numbers, any shape.

    Returns:
        silu(x), same shape and float dtype.

    Example:
        >>> import numpy as np
        >>> from course_utils.activations import silu
        >>> silu(np.array([-1000.0, 0.0, 1.0]))
        array([-0.        ,  0.        ,  0.73105858])

    Derivative convention: smooth everywhere; silu'(0) = 1/2, minimum ≈ −0.0998 at x ≈ −2.4.

    Reference:
        Elfwing, Uchibe & Doya (2018), "Sigmoid-Weighted Linear Units for Neural Network
        Function Approximation in Reinforcement Learning", Neural Networks 107;
        Ramachandran, Zoph & Le (2017), "Searching for Activation Functions" (swish).
    """

    name = "silu"
    formula = r"\operatorname{silu}(x) = x\,\sigma(x)"
    derivative_formula = r"\operatorname{silu}'(x) = \sigma(x)\,\bigl(1 + x\,(1 - \sigma(x))\bigr)"

    def _forward(self, x):
        s = _kernels.sigmoid(x)
        return np.multiply(s, np.maximum(x, -_SILU_CLAMP), out=s)

    def _derivative(self, x):
        xc = np.clip(x, -_SILU_CLAMP, _SILU_CLAMP)
        t = _kernels.sigmoid(-xc)          # σ(−x) = 1 − σ(x), without the cancellation
        np.multiply(t, xc, out=t)
        np.add(t, 1.0, out=t)
        return np.multiply(t, _kernels.sigmoid(xc), out=t)


class GELU(Activation):
    r"""Gaussian error linear unit: x weighted by the standard normal CDF Φ(x).

    Formula:
        gelu(x) = x·Φ(x) = (x/2)·erfc(−x/√2),    gelu'(x) = Φ(x) + x·φ(x)
        approximate=True: (x/2)·(1 + tanh(u)) = x·σ(2u), u = √(2/π)·(x + 0.044715x³)

    `erfc(−x/√2)` replaces the textbook `1 + erf(x/√2)`, which cancels to 0 for x < −6;
    (1 + tanh u)/2 = σ(2u) exactly, which does the same for the tanh form.

    Args:
        x: array-like of real numbers, any shape.
        approximate: False (default) for the exact erf form, True for the tanh approximation
            used by BERT and GPT-2 (Keras's `gelu` defaults to approximate=True: pass it).

    Returns:
        gelu(x), same shape and float dtype.

    Example:
        >>> import numpy as np
        >>> from course_utils.activations import gelu
        >>> gelu(np.array([-3.0, 0.0, 1.0]))
        array([-0.00404969,  0.        ,  0.84134475])
        >>> gelu(np.array([-3.0, 0.0, 1.0]), approximate=True)
        array([-0.00363739,  0.        ,  0.84119199])

    Derivative convention: smooth everywhere; gelu'(0) = 1/2.

    Reference:
        Hendrycks & Gimpel (2016), "Gaussian Error Linear Units (GELUs)", arXiv:1606.08415.
    """

    name = "gelu"
    formula = r"\operatorname{gelu}(x) = x\,\Phi(x) = \frac{x}{2}\left(1 + \operatorname{erf}\frac{x}{\sqrt{2}}\right)"
    derivative_formula = r"\operatorname{gelu}'(x) = \Phi(x) + x\,\varphi(x)"

    def __init__(self, approximate: bool = False):
        if not isinstance(approximate, (bool, np.bool_)):
            raise ValueError(f"gelu: approximate must be True or False, got {approximate!r}")
        self.approximate = bool(approximate)
        if self.approximate:
            self.formula = (
                r"\operatorname{gelu}(x) \approx \frac{x}{2}\left(1 + \tanh\left("
                r"\sqrt{2/\pi}\,(x + 0.044715\,x^{3})\right)\right)"
            )
            self.derivative_formula = (
                r"\operatorname{gelu}'(x) \approx \sigma(2u) + 2x\,u'\,\sigma(2u)\,\sigma(-2u),"
                r"\quad u = \sqrt{2/\pi}\,(x + 0.044715\,x^{3})"
            )

    @property
    def params(self):
        return {"approximate": self.approximate}

    def _forward(self, x):
        if self.approximate:
            xc = np.clip(x, -_TANH_GELU_CLAMP, _TANH_GELU_CLAMP)
            s = _kernels.sigmoid(2.0 * _tanh_arg(xc))
            return np.multiply(s, np.maximum(x, -_TANH_GELU_CLAMP), out=s)
        xc = np.maximum(x, -_GELU_CLAMP)
        t = special.erfc(xc * -_INV_SQRT2)
        np.multiply(t, xc, out=t)
        return np.multiply(t, 0.5, out=t)

    def _derivative(self, x):
        if self.approximate:
            xc = np.clip(x, -_TANH_GELU_CLAMP, _TANH_GELU_CLAMP)
            two_u = 2.0 * _tanh_arg(xc)
            du = xc * xc
            np.multiply(du, 3.0 * _GELU_CUBIC, out=du)
            np.add(du, 1.0, out=du)
            np.multiply(du, 2.0 * _SQRT_2_OVER_PI, out=du)     # 2u'
            np.multiply(du, xc, out=du)
            np.multiply(du, _kernels.sigmoid(-two_u), out=du)
            np.add(du, 1.0, out=du)                            # 1 + 2x·u'·σ(−2u)
            return np.multiply(du, _kernels.sigmoid(two_u), out=du)
        xc = np.clip(x, -_GELU_CLAMP, _GELU_CLAMP)
        pdf = np.multiply(xc, xc)
        np.multiply(pdf, -0.5, out=pdf)
        np.exp(pdf, out=pdf)
        np.multiply(pdf, _INV_SQRT_2PI, out=pdf)
        np.multiply(pdf, xc, out=pdf)                          # x·φ(x)
        cdf = special.erfc(xc * -_INV_SQRT2)
        np.multiply(cdf, 0.5, out=cdf)                         # Φ(x)
        return np.add(cdf, pdf, out=cdf)


def _tanh_arg(x):
    """u = √(2/π)·(x + 0.044715·x³), written as x·(a + b·x²) (x·x·x, not x**3: faster)."""
    u = np.multiply(x, x)
    np.multiply(u, _SQRT_2_OVER_PI * _GELU_CUBIC, out=u)
    np.add(u, _SQRT_2_OVER_PI, out=u)
    return np.multiply(u, x, out=u)
