"""High-precision reference values (mpmath, 50 digits) to judge who is right when two disagree.

Each reference is computed from the textbook formula in 50-digit arithmetic, where cancellation
and overflow cannot happen at float64 inputs, then rounded once to float64.

Example:
    >>> float(reference("sigmoid", derivative=True)(40.0))   # σ'(40) = e⁻⁴⁰/(1+e⁻⁴⁰)²
    4.248354255291589e-18
"""

from __future__ import annotations

import numpy as np

DIGITS = 50
_SELU_ALPHA = "1.6732632423543772848170429916717"
_SELU_SCALE = "1.0507009873554804934193349852946"


def _mp():
    try:
        import mpmath
    except ImportError as err:  # pragma: no cover - mpmath ships with the course environment
        raise ImportError(
            "keras_compare needs mpmath for its high-precision references: pip install mpmath"
        ) from err
    return mpmath


def _formulas(mp, params):
    """(f, f') pairs as mpmath functions of one mpf, by activation name."""
    def sig(t):
        return 1 / (1 + mp.exp(-t))

    slope = mp.mpf(params.get("negative_slope", 0.01))
    alpha = mp.mpf(params.get("alpha", 1.0))
    selu_a, selu_s = mp.mpf(_SELU_ALPHA), mp.mpf(_SELU_SCALE)
    c = mp.sqrt(2 / mp.pi)

    def u(t):
        return c * (t + mp.mpf("0.044715") * t**3)

    def du(t):
        return c * (1 + 3 * mp.mpf("0.044715") * t**2)

    return {
        "sigmoid": (sig, lambda t: sig(t) * sig(-t)),
        "tanh": (mp.tanh, lambda t: 1 / mp.cosh(t) ** 2),
        "relu": (lambda t: max(t, 0), lambda t: 1 if t > 0 else 0),
        "leaky_relu": (lambda t: t if t > 0 else slope * t, lambda t: 1 if t > 0 else slope),
        "elu": (lambda t: t if t > 0 else alpha * mp.expm1(t),
                lambda t: 1 if t > 0 else alpha * mp.exp(t)),
        "selu": (lambda t: selu_s * (t if t > 0 else selu_a * mp.expm1(t)),
                 lambda t: selu_s * (1 if t > 0 else selu_a * mp.exp(t))),
        "gelu": (lambda t: t * mp.ncdf(t), lambda t: mp.ncdf(t) + t * mp.npdf(t)),
        # tanh form written as x·σ(2u), the same function, no cancellation in mpmath either way
        "gelu_tanh": (lambda t: t * sig(2 * u(t)),
                      lambda t: sig(2 * u(t)) + 2 * t * du(t) * sig(2 * u(t)) * sig(-2 * u(t))),
        "silu": (lambda t: t * sig(t), lambda t: sig(t) * (1 + t * sig(-t))),
        "softplus": (lambda t: mp.log1p(mp.exp(t)), sig),
    }


def reference(name, derivative=False, **params):
    """A float64 function computing activation `name` (or its derivative) via 50-digit mpmath.

    Args:
        name: "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "silu",
            "softplus"; `approximate=True` selects gelu's tanh form.
        derivative: the derivative instead of the function.
        **params: `negative_slope`, `alpha`, `approximate`, as in course_utils.

    Returns:
        A function of an array-like returning a float64 array (slow: ~20 µs per point).
    """
    mp = _mp()
    key = "gelu_tanh" if name == "gelu" and params.get("approximate", False) else name
    table = _formulas(mp, params)
    if key not in table:
        raise ValueError(f"reference: no reference for {name!r}; available: {sorted(table)}")
    fn = table[key][1 if derivative else 0]

    def evaluate(x):
        x = np.asarray(x, dtype=np.float64)
        with mp.workdps(DIGITS):
            out = [float(fn(mp.mpf(float(v)))) for v in x.ravel()]
        return np.array(out, dtype=np.float64).reshape(x.shape)

    return evaluate


def log_softmax_reference(z):
    """log_softmax of one vector of logits in 50-digit arithmetic, rounded to float64."""
    mp = _mp()
    z = np.asarray(z, dtype=np.float64)
    with mp.workdps(DIGITS):
        terms = [mp.mpf(float(v)) for v in z]
        lse = mp.log(mp.fsum(mp.exp(t) for t in terms))
        return np.array([float(t - lse) for t in terms])
