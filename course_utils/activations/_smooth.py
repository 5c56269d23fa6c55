"""Smooth rectifiers: softplus, SiLU/swish and GELU (lesson 06)."""

from __future__ import annotations

import numpy as np
from scipy import special

from .._validate import flag
from ._base import Activation
from ._saturating import Sigmoid

SQRT_HALF = 0.7071067811865476  # 1/√2
INV_SQRT_2PI = 0.3989422804014327  # 1/√(2π)
# The tanh form in terms of v = 2u = A·x + B·x³, since (1 + tanh u)/2 = σ(2u).
TANH_A = 1.5957691216057308  # 2·√(2/π)
TANH_B = 0.07135481627260025  # 2·√(2/π)·0.044715
_SIGMOID = Sigmoid()


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
        # log(1 + eˣ) = max(x, 0) + log(1 + e^{−|x|}): exp never overflows, log1p keeps tiny values
        return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))

    def _derivative(self, x):
        return _SIGMOID._forward(x)


class SiLU(Activation):
    r"""Sigmoid linear unit (also called swish): x·σ(x).

    Formula:
        silu(x) = x·σ(x),    silu'(x) = σ(x) + x·σ'(x) = σ(x)·(1 + x·σ(−x))

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
        x = np.maximum(x, -800)  # below, x·σ(x) underflows to −0 anyway; −inf·0 would be NaN
        return x * _SIGMOID._forward(x)

    def _derivative(self, x):
        # Product rule: σ(x) + x·σ'(x), both from e = exp(−|x|) (σ' = e/(1 + e)², no 1 − σ).
        x = np.clip(x, -800, 800)  # beyond, the result is 0 or 1 already; ±inf·0 would be NaN
        e = np.exp(-np.abs(x))
        return (np.where(x >= 0, 1, e) + x * e / (1 + e)) / (1 + e)


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
            used by BERT and GPT-2. The libraries differ: `keras.activations.gelu` defaults to
            the exact form, `keras.ops.gelu` and `jax.nn.gelu` to the tanh form: pass it.

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
        self.approximate = flag(approximate, self.name, "approximate")
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
            # (x/2)·(1 + tanh u) = x·σ(v), v = 2u: the sigmoid form does not cancel for x < 0.
            xc = np.clip(x, -1e4, 1e4)  # beyond ±1e4 the result is x or −0; keeps x³ finite
            return np.maximum(x, -1e4) * _SIGMOID._forward(xc * (TANH_A + TANH_B * xc * xc))
        # Φ(x) = erfc(−x/√2)/2: the textbook (1 + erf(x/√2))/2 cancels to 0 for x < −6.
        x = np.maximum(x, -40)  # below, x·Φ(x) underflows to −0; −inf·0 would be NaN
        return 0.5 * x * special.erfc(-x * SQRT_HALF)

    def _derivative(self, x):
        if self.approximate:  # d/dx x·σ(v) = σ(v) + x·v'·σ'(v)
            x = np.clip(x, -1e4, 1e4)
            v = x * (TANH_A + TANH_B * x * x)
            return _SIGMOID._forward(v) + x * (TANH_A + 3 * TANH_B * x * x) * _SIGMOID._derivative(v)
        x = np.clip(x, -40, 40)  # beyond, the result is 0 or 1 already
        return 0.5 * special.erfc(-x * SQRT_HALF) + x * INV_SQRT_2PI * np.exp(-0.5 * x * x)
