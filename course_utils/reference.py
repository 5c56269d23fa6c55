"""Exact values of the activations: the textbook formulas in 50-digit arithmetic (mpmath).

At 50 digits a float64 input cannot make the textbook formula overflow or cancel, so its
result, rounded once to float64, is the right answer to judge a float64 formula against. The
accuracy tests measure every activation against these (tests/accuracy_reference.py), and
lesson 10 uses them to decide who is right in the tails when Keras and course_utils disagree.

    exact(name, derivative=False, **params)      a function of one mpf (call within workdps)
    reference(name, derivative=False, **params)  a float64 function of an array (slow)
    log_softmax(z)                               one vector of logits, rounded to float64

Hyperparameters default to the course's own (`activations.get(name).params`), and SELU's
constants come from `activations.SELU`: one place for each.

Example:
    >>> from course_utils.reference import reference
    >>> float(reference("sigmoid", derivative=True)(40.0))   # σ'(40) = e⁻⁴⁰/(1+e⁻⁴⁰)²
    4.248354255291589e-18
"""

from __future__ import annotations

import functools

import mpmath
import numpy as np

from . import activations

mp = mpmath.mp
DIGITS = 50

with mp.workdps(DIGITS):  # constants made at 50 digits (an mpf keeps its creation precision)
    _C = mp.mpf("0.044715")
    _SQRT_2_OVER_PI = mp.sqrt(2 / mp.pi)
    _INV_SQRT2 = 1 / mp.sqrt(2)
    _INV_SQRT_2PI = 1 / mp.sqrt(2 * mp.pi)
    _INV_SQRT_PI = 1 / mp.sqrt(mp.pi)
    _SELU_SCALE = mp.mpf(activations.SELU.SCALE_DIGITS)
    _SELU_SCALE_ALPHA = _SELU_SCALE * mp.mpf(activations.SELU.ALPHA_DIGITS)  # λα


@functools.lru_cache(maxsize=None)  # shared by sigmoid, softplus' and silu
def _sig(x):
    return 1 / (1 + mp.exp(-x))


def _sig_prime(x):
    e = mp.exp(-abs(x))
    return e / (1 + e) ** 2


def _softplus(x):
    return max(x, 0) + mp.log1p(mp.exp(-abs(x)))


def _silu_prime(x):
    e = mp.exp(-x)  # σ(x) = 1/(1 + e), σ(−x) = e/(1 + e)
    return (1 + x * e / (1 + e)) / (1 + e)


def _erfc(t):
    """erfc(t) for any finite t (mpmath's own overflows a float for |t| ≳ 1e154)."""
    if abs(t) < 1e6:
        return mp.erfc(t)
    if t < 0:
        return 2 - _erfc(-t)
    # Asymptotic series: each term is ≤ 1e-12 times the one before, so 8 terms give 90 digits.
    s, term, z = mp.mpf(0), mp.mpf(1), 2 * t * t
    for n in range(8):
        s += term
        term *= -(2 * n + 1) / z
    return mp.exp(-t * t) * _INV_SQRT_PI / t * s


@functools.lru_cache(maxsize=None)  # shared by gelu and gelu'
def _cdf(x):
    return _erfc(-x * _INV_SQRT2) / 2


def _gelu_prime(x):
    return _cdf(x) + x * mp.exp(-x * x / 2) * _INV_SQRT_2PI


def _gelu_tanh(x):
    if x > 1e4:  # 1 − σ(2u) < e^{−1e11}: x·σ(2u) = x to far more than 50 digits
        return x
    return x * _sig(2 * _SQRT_2_OVER_PI * (x + _C * x**3))  # (1 + tanh u)/2 = σ(2u)


def _gelu_tanh_prime(x):
    if x > 1e4:
        return mp.mpf(1)
    e = mp.exp(-2 * _SQRT_2_OVER_PI * (x + _C * x**3))  # σ(v) = 1/(1 + e), σ(−v) = e/(1 + e)
    dv = 2 * _SQRT_2_OVER_PI * (1 + 3 * _C * x * x)
    return (1 + x * dv * e / (1 + e)) / (1 + e)


def _piecewise(pos, neg):
    """x ↦ pos(x) for x > 0 else neg(x): the derivative at 0 takes the left-hand value."""
    return lambda x: pos(x) if x > 0 else neg(x)


def exact(name: str, derivative: bool = False, **params):
    """The exact activation `name` (or its derivative) as a function of one mpf.

    Call it within `mp.workdps(DIGITS)`. The derivative at a kink takes the left-hand value,
    as course_utils does.

    Args:
        name: an elementwise activation of `activations.available()` ("swish" too).
        derivative: the derivative instead of the function (default False).
        **params: hyperparameters (negative_slope, alpha, approximate); defaults as in
            course_utils.

    Returns:
        A function mpf → mpf.

    Raises:
        ValueError: an unknown name or hyperparameter, or softmax/log_softmax (vectors: see
            `log_softmax`).
    """
    act = activations.get(name, **params)
    if not act.elementwise:
        raise ValueError(f"reference: no reference for {name!r} (it is not elementwise); "
                         "for log_softmax use reference.log_softmax")
    if np.ndim(act.params.get("alpha", 0)):
        raise ValueError(f"reference: {name} needs one alpha (a number), not an array")
    one = mp.mpf(1)
    a = mp.mpf(act.params.get("negative_slope", act.params.get("alpha", 1.0)))  # exact float
    lam, lam_alpha = _SELU_SCALE, _SELU_SCALE_ALPHA
    formulas = {  # name → (f, f')
        "sigmoid": (_sig, _sig_prime),
        "tanh": (mp.tanh, lambda x: mp.sech(x) ** 2),
        "relu": (lambda x: max(x, 0), _piecewise(lambda x: one, lambda x: 0 * one)),
        "leaky_relu": (_piecewise(lambda x: x, lambda x: a * x), _piecewise(lambda x: one, lambda x: a)),
        "elu": (_piecewise(lambda x: x, lambda x: a * mp.expm1(x)),
                _piecewise(lambda x: one, lambda x: a * mp.exp(x))),
        "selu": (_piecewise(lambda x: lam * x, lambda x: lam_alpha * mp.expm1(x)),
                 _piecewise(lambda x: lam, lambda x: lam_alpha * mp.exp(x))),
        "softplus": (_softplus, _sig),
        "silu": (lambda x: x * _sig(x), _silu_prime),
        "gelu": ((_gelu_tanh, _gelu_tanh_prime) if act.params.get("approximate")
                 else (lambda x: x * _cdf(x), _gelu_prime)),
    }
    formulas["prelu"] = formulas["leaky_relu"]
    return formulas[act.name][1 if derivative else 0]


def reference(name: str, derivative: bool = False, **params):
    """A float64 function computing activation `name` (or its derivative) via 50-digit mpmath.

    Args:
        name, derivative, **params: as for `exact` (e.g. `approximate=True` for gelu's tanh
            form, `alpha=0.5` for elu).

    Returns:
        A function of an array-like returning a float64 array of the same shape (slow:
        ~20 µs per point).
    """
    fn = exact(name, derivative, **params)

    def evaluate(x):
        x = np.asarray(x, dtype=np.float64)
        with mp.workdps(DIGITS):
            out = [float(fn(mp.mpf(v))) for v in x.ravel().tolist()]
        return np.array(out, dtype=np.float64).reshape(x.shape)

    return evaluate


def log_softmax(z) -> np.ndarray:
    """log_softmax of one vector of logits in 50-digit arithmetic, rounded to float64."""
    z = np.asarray(z, dtype=np.float64)
    with mp.workdps(DIGITS):
        terms = [mp.mpf(v) for v in z.tolist()]
        lse = mp.log(mp.fsum(mp.exp(t) for t in terms))
        return np.array([float(t - lse) for t in terms])
