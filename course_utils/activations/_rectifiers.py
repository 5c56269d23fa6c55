"""Rectifiers: ReLU and the variants that keep a gradient for x < 0 (lessons 03–05).

Convention at the kink x = 0: the derivative takes the left-hand value (ReLU'(0) = 0,
LeakyReLU'(0) = negative_slope, ELU'(0) = alpha), as PyTorch's backward passes do. JAX
(`jax.grad`, and so Keras on the JAX backend) agrees for ReLU and ELU but gives
LeakyReLU'(0) = 1: `jax.nn.leaky_relu` is where(x >= 0, x, negative_slope·x).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .._validate import real
from ._base import Activation, as_real_array


class ReLU(Activation):
    r"""Rectified linear unit: passes positives through, zeroes negatives.

    Formula:
        relu(x) = max(x, 0),    relu'(x) = 1 if x > 0 else 0

    Args:
        x: array-like of real numbers, any shape.

    Returns:
        max(x, 0), same shape and float dtype (exact: no rounding at all).

    Example:
        >>> import numpy as np
        >>> from course_utils.activations import relu, ReLU
        >>> relu(np.array([-2.0, 0.0, 3.0]))
        array([0., 0., 3.])
        >>> ReLU().derivative(np.array([-2.0, 0.0, 3.0]))   # ReLU'(0) = 0 by convention
        array([0., 0., 1.])

    Derivative convention: ReLU'(0) = 0.

    Reference:
        Nair & Hinton (2010), "Rectified Linear Units Improve Restricted Boltzmann Machines",
        ICML; Glorot, Bordes & Bengio (2011), "Deep Sparse Rectifier Neural Networks", AISTATS.
    """

    name = "relu"
    formula = r"\operatorname{relu}(x) = \max(x, 0)"
    derivative_formula = r"\operatorname{relu}'(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}"
    exact = True  # max(x, 0) and a step never round

    def _forward(self, x):
        return np.maximum(x, 0)

    def _derivative(self, x):
        return np.heaviside(x, 0)  # 1 for x > 0, 0 for x ≤ 0 (ReLU'(0) = 0), NaN for NaN


class LeakyReLU(Activation):
    r"""Leaky ReLU: like ReLU, but a small slope for negative inputs so units cannot die.

    Formula:
        leaky_relu(x) = x if x > 0 else negative_slope·x
        leaky_relu'(x) = 1 if x > 0 else negative_slope

    Args:
        x: array-like of real numbers, any shape.
        negative_slope: slope for x ≤ 0, a finite number (default 0.01, as in PyTorch;
            Keras's defaults differ: `keras.activations.leaky_relu` 0.2, `layers.LeakyReLU` 0.3).

    Returns:
        The activation, same shape and float dtype.

    Example:
        >>> import numpy as np
        >>> from course_utils.activations import leaky_relu, LeakyReLU
        >>> leaky_relu(np.array([-2.0, 0.0, 3.0]))
        array([-0.02,  0.  ,  3.  ])
        >>> LeakyReLU(negative_slope=0.1).derivative(np.array([-2.0, 0.0, 3.0]))
        array([0.1, 0.1, 1. ])

    Derivative convention: leaky_relu'(0) = negative_slope (the left-hand slope), as in
    PyTorch; JAX's autodiff (and Keras on JAX) gives 1 there (`x >= 0` picks the right side).

    Reference:
        Maas, Hannun & Ng (2013), "Rectifier Nonlinearities Improve Neural Network Acoustic
        Models", ICML Workshop on Deep Learning for Audio, Speech and Language Processing.
    """

    name = "leaky_relu"
    formula = r"\operatorname{LeakyReLU}(x) = \begin{cases} x & x > 0 \\ a\,x & x \le 0 \end{cases}"
    derivative_formula = r"\operatorname{LeakyReLU}'(x) = \begin{cases} 1 & x > 0 \\ a & x \le 0 \end{cases}"
    def __init__(self, negative_slope: float = 0.01):
        self.negative_slope = real(negative_slope, self.name, "negative_slope")

    @property
    def params(self):
        return {"negative_slope": self.negative_slope}

    def _slope(self, x):
        return self.negative_slope

    def _forward(self, x):
        slope = self._slope(x)
        # The slope only multiplies x ≤ 0; where it is 0, 0·(−inf) would be NaN: write 0.
        with np.errstate(over="ignore", invalid="ignore"):  # a slope > 1 may overflow to −inf
            return np.where(x > 0, x, np.where(slope == 0, 0, slope * x))

    def _derivative(self, x):
        slope = self._slope(x)
        return np.where(x > 0, 1, np.where(x <= 0, slope, np.nan))  # NaN in, NaN out


class PReLU(LeakyReLU):
    r"""Parametric ReLU: a Leaky ReLU whose negative slope `alpha` is learned.

    Formula:
        prelu(x) = x if x > 0 else alpha·x
        ∂prelu/∂x = 1 if x > 0 else alpha,    ∂prelu/∂alpha = min(x, 0)

    Args:
        x: array-like of real numbers, any shape.
        alpha: the slope for x ≤ 0 (default 0.25, as in the paper and PyTorch), a finite
            number or an array that broadcasts against x (one slope per channel).

    Returns:
        The activation, same shape and float dtype. `alpha_gradient(x, grad_output)` gives
        dL/dalpha with alpha's shape, for learning it.

    Example:
        >>> import numpy as np
        >>> from course_utils.activations import PReLU
        >>> act = PReLU(alpha=0.25)
        >>> act(np.array([-2.0, 3.0]))
        array([-0.5,  3. ])
        >>> float(act.alpha_gradient(np.array([-2.0, 3.0]), np.array([1.0, 1.0])))
        -2.0

    Derivative convention: prelu'(0) = alpha (the left-hand slope).

    Reference:
        He, Zhang, Ren & Sun (2015), "Delving Deep into Rectifiers: Surpassing Human-Level
        Performance on ImageNet Classification", ICCV.
    """

    name = "prelu"
    formula = r"\operatorname{prelu}(x) = \begin{cases} x & x > 0 \\ \alpha\,x & x \le 0 \end{cases}"
    derivative_formula = r"\operatorname{prelu}'(x) = \begin{cases} 1 & x > 0 \\ \alpha & x \le 0 \end{cases}"

    def __init__(self, alpha=0.25):
        self.alpha = alpha

    @property
    def alpha(self):
        return self._alpha

    @alpha.setter
    def alpha(self, value):
        if np.ndim(value) == 0:
            self._alpha = real(value, self.name, "alpha")
            return
        arr = as_real_array(value, self.name, "alpha").astype(np.float64)
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{self.name}: alpha must be finite numbers, got {arr}")
        self._alpha = arr

    @property
    def params(self):
        return {"alpha": self.alpha}

    def __repr__(self):
        a = self.alpha
        shown = a if np.ndim(a) == 0 else f"array(shape={np.shape(a)})"
        return f"PReLU(alpha={shown})"

    def _slope(self, x):
        a = self.alpha
        if np.ndim(a):
            try:
                np.broadcast_shapes(np.shape(a), x.shape)
            except ValueError:
                raise ValueError(
                    f"prelu: alpha of shape {np.shape(a)} does not broadcast against x of shape {x.shape}"
                ) from None
        return a

    @property
    def blocks(self):
        return np.ndim(self.alpha) == 0  # a per-channel alpha broadcasts against the whole x

    def alpha_gradient(self, x, grad_output):
        """dL/dalpha = Σ grad_output · min(x, 0), summed down to alpha's shape."""
        _, xc, _ = self._prepare(x)
        g = self._prepare_grad(grad_output, xc)
        per_element = np.minimum(xc, 0) * g
        shape = np.shape(self.alpha)
        if shape == ():
            return float(per_element.sum())
        lead = per_element.ndim - len(shape)
        axes = tuple(range(lead)) + tuple(
            lead + i for i, n in enumerate(shape) if n == 1 and per_element.shape[lead + i] != 1
        )
        return per_element.sum(axis=axes).reshape(shape)


class ELU(Activation):
    r"""Exponential linear unit: identity for x > 0, a smooth exponential approach to −alpha below.

    Formula:
        elu(x) = x if x > 0 else alpha·(eˣ − 1)
        elu'(x) = 1 if x > 0 else alpha·eˣ

    Computed as where(x > 0, x, alpha·expm1(min(x, 0))): `expm1` keeps eˣ − 1 exact near 0,
    and min(x, 0) keeps a large positive x away from the exponential (`where` evaluates both
    branches: on the naive formula it would compute exp(1000) and warn).

    Args:
        x: array-like of real numbers, any shape.
        alpha: the negative saturation value, finite and ≥ 0 (default 1.0).

    Returns:
        The activation, same shape and float dtype.

    Example:
        >>> import numpy as np
        >>> from course_utils.activations import elu, ELU
        >>> elu(np.array([-1000.0, -1.0, 0.0, 2.0]))
        array([-1.        , -0.63212056,  0.        ,  2.        ])
        >>> ELU(alpha=0.5).derivative(np.array([-1.0, 0.0, 2.0]))
        array([0.18393972, 0.5       , 1.        ])

    Derivative convention: elu'(0) = alpha (the left-hand value; with alpha = 1 the derivative
    is continuous).

    Reference:
        Clevert, Unterthiner & Hochreiter (2016), "Fast and Accurate Deep Network Learning by
        Exponential Linear Units (ELUs)", ICLR.
    """

    name = "elu"
    formula = r"\operatorname{elu}(x) = \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases}"
    derivative_formula = r"\operatorname{elu}'(x) = \begin{cases} 1 & x > 0 \\ \alpha\,e^{x} & x \le 0 \end{cases}"

    def __init__(self, alpha: float = 1.0):
        self.alpha = real(alpha, self.name, "alpha", at_least=0)

    @property
    def params(self):
        return {"alpha": self.alpha}

    def _forward(self, x):
        # expm1 keeps eˣ − 1 exact near 0; min(x, 0) keeps exp away from a large positive x.
        return np.where(x > 0, x, self.alpha * np.expm1(np.minimum(x, 0)))

    def _derivative(self, x):
        return np.where(x > 0, 1, self.alpha * np.exp(np.minimum(x, 0)))


class SELU(ELU):
    r"""Scaled ELU: λ·elu(x, α) with constants chosen so activations self-normalise.

    Formula:
        selu(x) = λ·x if x > 0 else λα·(eˣ − 1)
        selu'(x) = λ if x > 0 else λα·eˣ
        with α ≈ 1.6732632423543772 and λ ≈ 1.0507009873554805 (fixed, not hyperparameters).

    Args:
        x: array-like of real numbers, any shape.

    Returns:
        The activation, same shape and float dtype.

    Example:
        >>> import numpy as np
        >>> from course_utils.activations import selu
        >>> selu(np.array([-1000.0, 0.0, 1.0]))
        array([-1.75809934,  0.        ,  1.05070099])

    Derivative convention: selu'(0) = λα (the left-hand value).

    Reference:
        Klambauer, Unterthiner, Mayr & Hochreiter (2017), "Self-Normalizing Neural Networks",
        NeurIPS.
    """

    name = "selu"
    formula = r"\operatorname{selu}(x) = \lambda \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases}"
    derivative_formula = r"\operatorname{selu}'(x) = \lambda \begin{cases} 1 & x > 0 \\ \alpha\,e^{x} & x \le 0 \end{cases}"
    # The paper's constants to 32 digits: the one place they are written (the 50-digit
    # references in `course_utils.reference` use these digits too).
    ALPHA_DIGITS = "1.6732632423543772848170429916717"
    SCALE_DIGITS = "1.0507009873554804934193349852946"
    ALPHA = float(ALPHA_DIGITS)
    SCALE = float(SCALE_DIGITS)
    # λα rounded once from the exact product (not λ·α rounded twice).
    _SCALE_ALPHA = float(Fraction(ALPHA_DIGITS) * Fraction(SCALE_DIGITS))

    def __init__(self):
        self.alpha = self.ALPHA
        self.scale = self.SCALE

    @property
    def params(self):
        return {}

    def _forward(self, x):
        with np.errstate(over="ignore"):  # λ·x overflows only where the exact result does
            return np.where(x > 0, self.SCALE * x, self._SCALE_ALPHA * np.expm1(np.minimum(x, 0)))

    def _derivative(self, x):
        return np.where(x > 0, self.SCALE, self._SCALE_ALPHA * np.exp(np.minimum(x, 0)))
