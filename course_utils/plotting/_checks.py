"""Argument checks shared by the plotting functions and the widgets: clear errors that name
the argument and the value given."""

from __future__ import annotations

import numbers

import numpy as np

from .. import activations

DEFAULT_RANGE = (-5.0, 5.0)
DEFAULT_POINTS = 801  # odd, so a symmetric range contains x = 0 exactly (the ReLU kink)


def elementwise_names() -> list[str]:
    """The activations that map each number on its own (everything but softmax/log_softmax)."""
    return [n for n in activations.available() if activations.get(n).elementwise]


def resolve_activation(act, where: str, argname: str = "act", elementwise: bool = True):
    """An Activation from a name or instance, or ValueError naming `argname` and the value."""
    try:
        result = activations.get(act)
    except (ValueError, TypeError) as err:
        raise ValueError(f"{where}: {argname}={act!r} is not a known activation ({err})") from None
    if elementwise and not result.elementwise:
        raise ValueError(
            f"{where}: {argname}={act!r} is not elementwise (it normalises a whole vector); "
            "plot it with plot_softmax or widgets.softmax_explorer"
        )
    return result


def check_range(x_range, where: str, argname: str = "x_range") -> tuple[float, float]:
    """(low, high) as floats with low < high, both finite; otherwise a ValueError."""
    try:
        low, high = x_range
        ok = all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in (low, high))
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError(f"{where}: {argname} must be two numbers (low, high), got {x_range!r}")
    low, high = float(low), float(high)
    if not (np.isfinite(low) and np.isfinite(high)):
        raise ValueError(f"{where}: {argname} must be finite, got {x_range!r}")
    if low >= high:
        kind = "empty" if low == high else "reversed"
        raise ValueError(
            f"{where}: {argname} is {kind}: need low < high, got {x_range!r}"
        )
    return low, high


def grid(x_range=DEFAULT_RANGE, n: int = DEFAULT_POINTS) -> np.ndarray:
    """n evenly spaced points covering x_range (0 included when the range is symmetric)."""
    low, high = x_range
    return np.linspace(low, high, n)


def check_x(x, where: str) -> np.ndarray:
    """The x values to plot: None gives the default grid; else a 1-D finite array of ≥ 2 points."""
    if x is None:
        return grid()
    arr = np.asarray(x)
    if arr.dtype.kind not in "iuf" or arr.ndim != 1 or arr.size < 2:
        raise ValueError(
            f"{where}: x must be a 1-D array of at least 2 real numbers, got "
            f"{'shape ' + str(arr.shape) if arr.dtype.kind in 'iuf' else repr(x)[:60]}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{where}: x must be finite (no nan or inf)")
    return arr.astype(np.float64)
