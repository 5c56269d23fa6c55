"""Gradient checking by central differences: trust a derivative only once it matches this.

    f'(x) ≈ (f(x + h) − f(x − h)) / 2h,    error O(h²)

The step h = cbrt(eps)·max(1, |x|) balances truncation error (∝ h²) against rounding
error (∝ eps/h), which leaves about 10 correct digits in float64.

Introduced in lesson 01; the tests use it for every derivative and every `backward`.

Example:
    >>> import numpy as np
    >>> from course_utils import gradcheck
    >>> from course_utils.activations import Sigmoid
    >>> x = np.linspace(-4, 4, 9)
    >>> result = gradcheck.check_derivative(Sigmoid(), x)
    >>> result.max_rel_error < 1e-8
    True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_EPS64 = np.finfo(np.float64).eps


def _as_float64(x, what: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{what} must be real numbers, got dtype {arr.dtype}")
    return arr.astype(np.float64)


def _step(x: np.ndarray, h) -> np.ndarray:
    if h is None:
        return np.cbrt(_EPS64) * np.maximum(1.0, np.abs(x))
    h = float(h)
    if not h > 0 or not np.isfinite(h):
        raise ValueError(f"h must be a positive finite step, got {h}")
    return np.full_like(x, h)


def numerical_derivative(f, x, h=None) -> np.ndarray:
    """Elementwise central difference of an elementwise function f, in float64.

    Args:
        f: a function applied elementwise (f(x)[i] depends only on x[i]).
        x: the points, any shape.
        h: the step (default: cbrt(eps)·max(1, |x|) per point).

    Returns:
        (f(x + h) − f(x − h)) / 2h, the shape of x.
    """
    x = _as_float64(x, "x")
    step = _step(x, h)
    # (x + h) − (x − h) is the step actually taken after rounding.
    upper, lower = x + step, x - step
    return (np.asarray(f(upper), np.float64) - np.asarray(f(lower), np.float64)) / (upper - lower)


def numerical_gradient(f, x, h=None) -> np.ndarray:
    """Gradient of a scalar-valued f at x by central differences, one coordinate at a time.

    Needs 2·x.size evaluations of f: a finite-difference gradient cannot be vectorised over
    coordinates, so it is meant for small checks, not for training.

    Args:
        f: a function of an array of x's shape returning a scalar (e.g. a loss).
        x: the point, any shape.
        h: the step (default: cbrt(eps)·max(1, |x_i|) per coordinate).

    Returns:
        An array of x's shape: ∂f/∂x_i.
    """
    x = _as_float64(x, "x")
    steps = _step(x, h)
    grad = np.empty_like(x)
    probe = x.copy()
    for i in np.ndindex(x.shape):
        original = probe[i]
        probe[i] = original + steps[i]
        upper = float(f(probe))
        taken = probe[i]
        probe[i] = original - steps[i]
        lower = float(f(probe))
        grad[i] = (upper - lower) / (taken - probe[i])
        probe[i] = original
    return grad


@dataclass
class GradCheckResult:
    """Analytic vs numerical gradient: the worst relative error and where it happened."""

    analytic: np.ndarray
    numerical: np.ndarray
    rel_error: np.ndarray
    max_rel_error: float
    worst_index: tuple
    tolerance: float

    @property
    def passed(self) -> bool:
        return bool(self.max_rel_error <= self.tolerance)

    def __repr__(self) -> str:
        if self.passed:
            # Below the tolerance the errors are rounding noise: where the worst one falls
            # depends on the CPU's last bits, so it is not shown (it is in `worst_index`).
            return (
                f"GradCheckResult(passed: max relative error {self.max_rel_error:.1e} "
                f"<= tolerance {self.tolerance:.0e})"
            )
        # The first failing entry, not the worst: a wrong derivative often fails everywhere by
        # the same amount, and which of equal errors is "worst" is decided by rounding.
        failing = ~(self.rel_error <= self.tolerance)  # NaN fails too
        i = tuple(int(k) for k in np.argwhere(failing)[0])
        return (
            f"GradCheckResult(FAILED at {int(failing.sum())} of {failing.size} entries: max "
            f"relative error {self.max_rel_error:.2g} > tolerance {self.tolerance:.0e}; the first "
            f"at index {i}: analytic {self.analytic[i]:.6g} vs numerical {self.numerical[i]:.6g})"
        )


def compare(analytic, numerical, tolerance=1e-6, floor=1e-8) -> GradCheckResult:
    """Relative error |a − n| / max(|a|, |n|, floor) elementwise, and the worst of it.

    The floor keeps gradients that are both (nearly) zero from dividing by zero: below it
    the error is absolute.
    """
    a = _as_float64(analytic, "analytic")
    n = _as_float64(numerical, "numerical")
    if a.shape != n.shape:
        raise ValueError(f"analytic has shape {a.shape} but numerical has shape {n.shape}")
    scale = np.maximum(np.maximum(np.abs(a), np.abs(n)), floor)
    rel = np.abs(a - n) / scale
    if rel.size == 0:
        return GradCheckResult(a, n, rel, 0.0, (), tolerance)
    worst = np.unravel_index(int(np.nanargmax(rel)) if not np.isnan(rel).all() else 0, rel.shape)
    max_rel = float(np.inf if np.isnan(rel).any() else rel[worst])
    return GradCheckResult(a, n, rel, max_rel, tuple(int(i) for i in worst), tolerance)


def check_derivative(activation, x, h=None, tolerance=1e-6) -> GradCheckResult:
    """Compare `activation.derivative(x)` with central differences of `activation(x)`.

    Keep x away from kinks (x = 0 for ReLU-like functions): a difference quotient across a
    kink is the average of the two slopes, not either one.
    """
    x = _as_float64(x, "x")
    return compare(activation.derivative(x), numerical_derivative(activation, x, h), tolerance)


def check_backward(activation, x, grad_output=None, h=None, tolerance=1e-6, seed=0) -> GradCheckResult:
    """Compare `activation.backward(x, g)` with the numerical gradient of Σ g·activation(x).

    Works for vector functions such as softmax, whose Jacobian is not diagonal.
    `grad_output` defaults to seeded standard-normal numbers.
    """
    x = _as_float64(x, "x")
    if grad_output is None:
        grad_output = np.random.default_rng(seed).standard_normal(x.shape)
    g = _as_float64(grad_output, "grad_output")
    analytic = activation.backward(x, g)
    if getattr(activation, "elementwise", False):
        # Diagonal Jacobian: perturbing all points at once is exact and avoids the rounding
        # noise of summing every output for each coordinate.
        numerical = numerical_derivative(activation, x, h) * g
    else:
        numerical = numerical_gradient(lambda z: np.sum(g * activation(z)), x, h)
    return compare(analytic, numerical, tolerance)


def check_gradient(f, x, grad, h=None, tolerance=1e-6) -> GradCheckResult:
    """Compare an analytic gradient `grad` of the scalar function f at x with central differences."""
    return compare(grad, numerical_gradient(f, x, h), tolerance)
