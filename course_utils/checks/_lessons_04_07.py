"""Function exercises of lessons 04–07: Leaky ReLU/PReLU, ELU, GELU/softplus/SiLU, softmax."""

from __future__ import annotations

import numpy as np
from scipy import special

from .. import activations
from . import _probes
from ._exercise import FunctionExercise, Probe, Variant
from ._isolation import Own

_arr = np.asarray


# --- 04: Leaky ReLU and PReLU ---------------------------------------------------------
def _leaky_relu(x, negative_slope=0.01):
    return activations.LeakyReLU(negative_slope)(x)


def _leaky_relu_prime(x, negative_slope=0.01):
    return activations.LeakyReLU(negative_slope).derivative(x)


def _prelu_alpha_gradient(x, grad_output):
    return activations.PReLU().alpha_gradient(x, grad_output)


_SLOPE = {"negative_slope": 0.2}

LEAKY_RELU = FunctionExercise(
    "leaky_relu", "leaky_relu(x, negative_slope)", "04", _leaky_relu,
    _probes.elementwise() + [Probe("negative_slope=0.2", (_probes.ORDINARY.copy(),), dict(_SLOPE))],
    elementwise=True,
    own=[Own("the course's own Leaky ReLU (activations.leaky_relu)", activations.LeakyReLU._forward)],
    variants=[
        Variant("Use the negative_slope argument you are given instead of a fixed number.",
                fn=lambda x, negative_slope=0.01: _leaky_relu(x, 0.01)),
        Variant("The branches are swapped: x for x > 0, negative_slope·x otherwise.",
                fn=lambda x, negative_slope=0.01: np.where(_arr(x) > 0, negative_slope * _arr(x), x)),
        Variant("Sign error: the negative side is negative_slope·x (negative for x < 0).",
                fn=lambda x, negative_slope=0.01: np.where(_arr(x) > 0, x, -negative_slope * _arr(x))),
    ],
    speed=_probes.big_input(),
)

LEAKY_RELU_DERIVATIVE = FunctionExercise(
    "leaky_relu_derivative", "leaky_relu_derivative(x, negative_slope)", "04", _leaky_relu_prime,
    _probes.elementwise(compare_nan=False)
    + [Probe("negative_slope=0.2", (_probes.ORDINARY.copy(),), dict(_SLOPE), nan=False)],
    elementwise=True, keep_dtype=True,
    own=[Own("the course's own derivative (activations.LeakyReLU().derivative)",
             activations.LeakyReLU._derivative)],
    variants=[
        Variant("Convention at the kink: the derivative at 0 is the left-hand slope, "
                "negative_slope (as for ReLU, where relu'(0) = 0): use x > 0, not x >= 0.",
                fn=lambda x, negative_slope=0.01: np.where(_arr(x) >= 0, 1, negative_slope).astype(_arr(x).dtype)),
        Variant("Use the negative_slope argument you are given instead of a fixed number.",
                fn=lambda x, negative_slope=0.01: _leaky_relu_prime(x, 0.01)),
        Variant("np.where(x > 0, 1.0, negative_slope) gives float64 for float32 input; convert "
                "once at the end with .astype(x.dtype).", kinds=("dtype",),
                fn=lambda x, negative_slope=0.01: np.where(_arr(x) > 0, 1.0, np.float64(negative_slope))),
        Variant("That is leaky_relu itself; its derivative is 1 for x > 0 and negative_slope "
                "otherwise.", fn=_leaky_relu),
    ],
    speed=_probes.big_input(),
)

_X = np.array([[-2.0, 0.5, -0.25], [3.0, -1.0, 0.0]])
_G = np.array([[0.5, -1.0, 2.0], [1.0, 0.25, -3.0]])

PRELU_ALPHA_GRADIENT = FunctionExercise(
    "prelu_alpha_gradient", "prelu_alpha_gradient(x, grad_output)", "04", _prelu_alpha_gradient,
    [Probe("a vector", (np.array([-2.0, -0.5, 0.0, 1.0, 3.0]), np.array([1.0, 2.0, 5.0, -1.0, 4.0]))),
     Probe("a 2-D batch", (_X.copy(), _G.copy())),
     Probe("Python lists", ([-1.0, 2.0, -3.0], [0.5, 0.5, 1.0])),
     Probe("all-positive inputs", (np.array([1.0, 2.0]), np.array([3.0, -4.0])))],
    output="number",
    own=[Own("the course's own gradient (activations.PReLU().alpha_gradient)",
             activations.PReLU.alpha_gradient)],
    variants=[
        Variant("alpha only multiplies the inputs with x ≤ 0 (prelu(x) = x for x > 0), so only "
                "those terms count: Σ grad_output · min(x, 0).",
                fn=lambda x, g: float(np.sum(_arr(x) * _arr(g)))),
        Variant("∂prelu/∂alpha = x (for x ≤ 0), not 1: multiply each grad_output by its x.",
                fn=lambda x, g: float(np.sum(_arr(g)[_arr(x) < 0]))),
        Variant("alpha is one parameter shared by every element, so its gradient is the SUM of "
                "the contributions, not their mean.",
                fn=lambda x, g: float(np.mean(np.minimum(x, 0) * _arr(g)))),
        Variant("Return one number (alpha is a single parameter): sum the per-element "
                "contributions.", fn=lambda x, g: np.minimum(x, 0) * _arr(g)),
    ],
    summary="dL/dalpha = Σ grad_output · min(x, 0), summed over every element.",
)


# --- 05: ELU --------------------------------------------------------------------------
def _elu(x, alpha=1.0):
    return activations.ELU(alpha)(x)


def _elu_prime(x, alpha=1.0):
    return activations.ELU(alpha).derivative(x)


_TINY = np.array([-1e-12, -1e-9, -1e-6])

ELU = FunctionExercise(
    "elu", "elu(x, alpha)", "05", _elu,
    _probes.elementwise()[:2]
    + [Probe("tiny negative inputs (−1e-12 … −1e-6, 9 digits)", (_TINY.copy(),), rtol=1e-9, atol=0.0,
             tag="tiny negatives to 9 digits"),
       Probe("alpha=0.5", (_probes.ORDINARY.copy(),), {"alpha": 0.5})]
    + _probes.elementwise()[2:],
    elementwise=True,
    own=[Own("the course's own ELU (activations.elu)", activations.ELU._forward)],
    variants=[
        Variant("exp(x) − 1 loses digits when exp(x) is close to 1 (x near 0): at x = −1e-12 "
                "only about 4 digits are right. np.expm1(x) computes eˣ − 1 exactly.",
                fn=lambda x, alpha=1.0: np.where(_arr(x) > 0, x, alpha * (np.exp(np.minimum(x, 0)) - 1))),
        Variant("np.where evaluates both branches for every element, so exp(1000) is computed "
                "(and overflows) even though that branch is discarded. Clamp first: "
                "alpha * np.expm1(np.minimum(x, 0)).", kinds=("warning",),
                fn=lambda x, alpha=1.0: np.where(_arr(x) > 0, x, alpha * np.expm1(x))),
        Variant("Use the alpha argument you are given instead of a fixed 1.0.",
                fn=lambda x, alpha=1.0: _elu(x, 1.0)),
        Variant("The negative side is alpha·(eˣ − 1), which tends to −alpha (not 0).",
                fn=lambda x, alpha=1.0: np.where(_arr(x) > 0, x, alpha * np.exp(np.minimum(x, 0)))),
    ],
    speed=_probes.big_input(),
)

ELU_DERIVATIVE = FunctionExercise(
    "elu_derivative", "elu_derivative(x, alpha)", "05", _elu_prime,
    _probes.elementwise(compare_nan=False)
    + [Probe("alpha=0.5", (_probes.ORDINARY.copy(),), {"alpha": 0.5}, nan=False)],
    elementwise=True, keep_dtype=True,
    own=[Own("the course's own derivative (activations.ELU().derivative)", activations.ELU._derivative)],
    variants=[
        Variant("np.where evaluates both branches, so alpha·exp(x) overflows at x = 1000 even "
                "though it is discarded: use alpha * np.exp(np.minimum(x, 0)).", kinds=("warning",),
                fn=lambda x, alpha=1.0: np.where(_arr(x) > 0, 1, alpha * np.exp(x))),
        Variant("Convention at the kink: elu'(0) = alpha (the left-hand value), so use x > 0.",
                fn=lambda x, alpha=1.0: np.where(_arr(x) >= 0, 1, alpha * np.exp(np.minimum(x, 0)))),
        Variant("Use the alpha argument you are given instead of a fixed 1.0.",
                fn=lambda x, alpha=1.0: _elu_prime(x, 1.0)),
        Variant("For x ≤ 0 the derivative of alpha·(eˣ − 1) is alpha·eˣ (the −1 disappears).",
                fn=lambda x, alpha=1.0: np.where(_arr(x) > 0, 1, alpha * np.expm1(np.minimum(x, 0)))),
    ],
    speed=_probes.big_input(),
)


# --- 06: GELU, softplus, SiLU -----------------------------------------------------------
def _gelu_tanh(x):
    return activations.gelu(x, approximate=True)


def _softplus(x):
    return activations.softplus(x)


def _silu_prime(x):
    return activations.SiLU().derivative(x)


def _gelu_textbook(x, k=np.sqrt(2 / np.pi), power=3):
    x = _arr(x)
    return 0.5 * x * (1 + np.tanh(k * (x + 0.044715 * x**power)))


GELU_TANH = FunctionExercise(
    "gelu_tanh", "gelu_tanh(x)", "06", _gelu_tanh, _probes.elementwise(inf=False), elementwise=True,
    keep_dtype=True, own=[Own("the course's own GELU (activations.gelu)", activations.GELU._forward)],
    variants=[
        Variant("The constant is √(2/π) ≈ 0.798, not √(2π) ≈ 2.507.",
                fn=lambda x: _gelu_textbook(x, k=np.sqrt(2 * np.pi))),
        Variant("The cubic term is 0.044715·x³ (x cubed).", fn=lambda x: _gelu_textbook(x, power=2)),
        Variant("That is the exact GELU x·Φ(x) (with erf); this exercise asks for the tanh "
                "approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).",
                fn=lambda x: activations.gelu(x)),
        Variant("Don't forget the factor 0.5 (the tanh term runs from 0 to 2).",
                fn=lambda x: 2 * _gelu_textbook(x)),
        Variant("np.sqrt(2 / np.pi) is a NumPy float64 scalar, and NumPy 2 turns float32 arrays "
                "mixed with it into float64. Use a Python float (math.sqrt(2 / math.pi)) or "
                "cast once at the end with .astype(x.dtype).", source=r"np\.(sqrt|pi)", kinds=("dtype",)),
    ],
    speed=_probes.big_input(),
)

SOFTPLUS = FunctionExercise(
    "softplus", "softplus(x)", "06", _softplus,
    _probes.elementwise()
    + [Probe("very negative inputs (−40, −100, −700; 9 digits)", (np.array([-40.0, -100.0, -700.0]),),
             rtol=1e-9, atol=0.0, tag="very negative inputs to 9 digits")],
    elementwise=True,
    own=[Own("the course's own softplus (activations.softplus)", activations.Softplus._forward)],
    variants=[
        Variant("log(1 + eˣ) overflows for large x (e^1000 = inf). Rewrite it as "
                "max(x, 0) + log(1 + e^(−|x|)), where the exponent is never positive.",
                fn=lambda x: np.log(1 + np.exp(x))),
        Variant("log(1 + tiny) rounds to log(1) = 0 when eˣ is below 1e-16. np.log1p(t) "
                "computes log(1 + t) exactly: max(x, 0) + np.log1p(np.exp(-np.abs(x))).",
                fn=lambda x: np.maximum(x, 0) + np.log(1 + np.exp(-np.abs(_arr(x))))),
        Variant("Almost: the identity is log(1 + eˣ) = max(x, 0) + log1p(e^(−|x|)) — the "
                "exponent is −|x|, and max(x, 0) is added back.",
                fn=lambda x: np.log1p(np.exp(-np.abs(_arr(x))))),
    ],
    speed=_probes.big_input(),
)

SILU_DERIVATIVE = FunctionExercise(
    "silu_derivative", "silu_derivative(x)", "06", _silu_prime,
    _probes.elementwise(compare_nan=False, inf=False), elementwise=True,
    own=[Own("the course's own derivative (activations.SiLU().derivative)", activations.SiLU._derivative)],
    variants=[
        Variant("silu(x) = x·σ(x) is a product: by the product rule its derivative is "
                "σ(x) + x·σ'(x) = σ(x)·(1 + x·(1 − σ(x))).", fn=lambda x: special.expit(x)),
        Variant("That is σ'(x) = σ(x)(1 − σ(x)), the sigmoid's derivative; silu(x) = x·σ(x) "
                "needs the product rule: σ(x) + x·σ'(x).",
                fn=lambda x: special.expit(x) * (1 - special.expit(x))),
        Variant("Sign error: σ'(x) = σ(x)·(1 − σ(x)), so silu'(x) = σ(x)·(1 + x·(1 − σ(x))).",
                fn=lambda x: special.expit(x) * (1 + _arr(x) * (1 + special.expit(x)))),
        Variant("Build it on a stable sigmoid (activations.sigmoid): 1/(1 + exp(−x)) overflows "
                "at x = −1000.", kinds=("warning",),
                fn=lambda x: 1 / (1 + np.exp(-_arr(x)))),
    ],
    speed=_probes.big_input(),
)


# --- 07: softmax ----------------------------------------------------------------------
def _softmax(x, axis=-1):
    return activations.softmax(x, axis=axis)


def _softmax_jacobian(x):
    return activations.Softmax().jacobian(x)


def _softmax_vjp(x, grad_output):
    return activations.Softmax().backward(x, grad_output)


def _no_max(x, axis=-1):
    e = np.exp(_arr(x))
    return e / np.sum(e, axis=axis, keepdims=True)


def _global_max(x, axis=-1):
    e = np.exp(_arr(x) - np.max(x))
    return e / np.sum(e, axis=axis, keepdims=True)


_ROWS = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
_SCALES = np.array([[1000.0, 1001.0], [-1000.0, -999.0]])

SOFTMAX = FunctionExercise(
    "softmax", "softmax(x, axis)", "07", _softmax,
    [Probe("a vector of ordinary logits", (np.array([1.0, 2.0, 0.5, -1.0]),)),
     Probe("a 2-D batch (one row per example)", (_ROWS.copy(),)),
     Probe("axis=0 (columns sum to 1)", (_ROWS.copy(),), {"axis": 0}),
     Probe("a Python list", ([0.5, 1.5, -1.0],)),
     Probe("float32 logits", (np.array([0.5, 1.5, -1.0], np.float32),), rtol=2e-5, atol=1e-6),
     Probe("large logits (1000, 1001, 1002)", (np.array([1000.0, 1001.0, 1002.0]),)),
     Probe("rows on very different scales", (_SCALES.copy(),)),
     Probe("a masked logit (−inf)", (np.array([0.0, -np.inf, 1.0]),))],
    own=[Own("the course's own softmax (activations.softmax)", activations.Softmax._forward),
         Own("the course's own log-softmax (activations.log_softmax)", activations.LogSoftmax._forward),
         Own("SciPy's softmax (scipy.special.softmax)", special.softmax)],
    variants=[
        Variant("Missing max-subtraction: exp(1000) overflows. Subtract the maximum first, "
                "x − np.max(x, axis=axis, keepdims=True): softmax is unchanged by a shift and "
                "every exponent becomes ≤ 0.", fn=_no_max),
        Variant("Subtract the maximum of each row (np.max(x, axis=axis, keepdims=True)), not "
                "the global maximum: a row far below the global maximum underflows to 0/0.",
                fn=_global_max),
        Variant("Summing over the wrong axis: normalise along `axis` only, "
                "np.sum(e, axis=axis, keepdims=True) (you summed every element).",
                fn=lambda x, axis=-1: np.exp(_arr(x) - np.max(x)) / np.sum(np.exp(_arr(x) - np.max(x)))),
        Variant("Summing over the wrong axis: use the `axis` argument (default −1, the last "
                "axis), not a fixed axis.",
                fn=lambda x, axis=-1: _softmax(x, axis=0 if axis in (-1, 1) else -1)),
        Variant("Without keepdims=True the sum loses its axis and broadcasts against the wrong "
                "dimension: np.sum(e, axis=axis, keepdims=True).",
                fn=lambda x, axis=-1: np.exp(_arr(x) - np.max(x, axis=axis, keepdims=True))
                / np.sum(np.exp(_arr(x) - np.max(x, axis=axis, keepdims=True)), axis=axis)),
        Variant("Softmax exponentiates first: exp(x_i) / Σ exp(x_j), not x_i / Σ x_j.",
                fn=lambda x, axis=-1: _arr(x) / np.sum(x, axis=axis, keepdims=True)),
    ],
    hints={"warning": "exp of a large logit overflows: subtract the maximum along the axis first "
                      "(softmax(x) = softmax(x − max))."},
    speed=_probes.big_matrix(),
)

SOFTMAX_JACOBIAN = FunctionExercise(
    "softmax_jacobian", "softmax_jacobian(x)", "07", _softmax_jacobian,
    [Probe("a vector of 3 logits", (np.array([1.0, 2.0, 3.0]),)),
     Probe("equal logits", (np.zeros(4),)),
     Probe("a Python list", ([0.5, -1.0],)),
     Probe("large logits", (np.array([1000.0, 1001.0, 1002.0]),)),
     Probe("float32 logits", (np.array([0.5, 1.5, -1.0], np.float32),), rtol=2e-5, atol=1e-6)],
    builds_on=("softmax",),
    own=[Own("the course's own Jacobian (activations.Softmax().jacobian)", activations.Softmax.jacobian)],
    variants=[
        Variant("Softmax is not elementwise: every output depends on every input, so the "
                "off-diagonal entries are −s_i·s_j, not 0. J = np.diag(s) − np.outer(s, s).",
                fn=lambda x: np.diag(_softmax(x) * (1 - _softmax(x)))),
        Variant("The diagonal needs the δ_ij term: ∂s_i/∂x_j = s_i(δ_ij − s_j), i.e. "
                "np.diag(s) − np.outer(s, s).", fn=lambda x: -np.outer(_softmax(x), _softmax(x))),
        Variant("s @ s is one number (an inner product); the Jacobian needs the matrix "
                "np.outer(s, s).", fn=lambda x: np.diag(_softmax(x)) - _softmax(x) @ _softmax(x)),
        Variant("Build it on a stable softmax (max-subtracted): exp(1000) overflows.",
                fn=lambda x: np.diag(_no_max(x)) - np.outer(_no_max(x), _no_max(x))),
    ],
    summary="J = diag(s) − s sᵀ, on large logits too.",
)

_GROWS = np.array([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]])

SOFTMAX_VJP = FunctionExercise(
    "softmax_vjp", "softmax_vjp(x, grad_output)", "07", _softmax_vjp,
    [Probe("a vector", (np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 0.0]))),
     Probe("a 2-D batch (one row per example)", (_ROWS.copy(), _GROWS.copy())),
     Probe("Python lists", ([0.5, 1.5, -1.0], [1.0, -2.0, 0.5])),
     Probe("large logits", (np.array([[1000.0, 1001.0, 1002.0]]), np.array([[0.5, 1.0, -1.0]]))),
     Probe("grad_output of all ones (the answer is 0)", (_ROWS.copy(), np.ones((2, 3))), atol=1e-12)],
    builds_on=("softmax",), vectorised=True,
    own=[Own("the course's own VJP (activations.Softmax().backward)", activations.Softmax._backward)],
    variants=[
        Variant("s ⊙ g treats softmax as elementwise. Each output depends on every input: "
                "subtract the weighted sum, s ⊙ (g − Σ_j g_j s_j).",
                fn=lambda x, g: _softmax(x) * _arr(g)),
        Variant("Weight the sum by the probabilities: s ⊙ (g − Σ_j g_j s_j), not "
                "s ⊙ (g − Σ_j g_j).",
                fn=lambda x, g: _softmax(x) * (_arr(g) - np.sum(g, axis=-1, keepdims=True))),
        Variant("Summing over the wrong axis: each example (row) has its own sum, "
                "np.sum(g * s, axis=-1, keepdims=True).",
                fn=lambda x, g: _softmax(x) * (_arr(g) - np.sum(_arr(g) * _softmax(x)))),
        Variant("Summing over the wrong axis: each example (row) has its own sum, "
                "np.sum(g * s, axis=-1, keepdims=True).",
                fn=lambda x, g: _softmax(x) * (_arr(g) - np.sum(_arr(g) * _softmax(x), axis=0, keepdims=True))),
        Variant("Sign error: the VJP is s ⊙ (g − Σ g·s).",
                fn=lambda x, g: _softmax(x) * (np.sum(_arr(g) * _softmax(x), axis=-1, keepdims=True) - _arr(g))),
    ],
    speed=lambda: ((np.random.default_rng(0).standard_normal((2000, 50)),
                    np.random.default_rng(1).standard_normal((2000, 50))), {}),
    summary="s ⊙ (g − Σ g·s) row by row, without building a Jacobian; vectorised.",
)

EXERCISES = [LEAKY_RELU, LEAKY_RELU_DERIVATIVE, PRELU_ALPHA_GRADIENT, ELU, ELU_DERIVATIVE,
             GELU_TANH, SOFTPLUS, SILU_DERIVATIVE, SOFTMAX, SOFTMAX_JACOBIAN, SOFTMAX_VJP]
