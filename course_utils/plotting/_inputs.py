"""What a figure is drawn from: the activation (by name or instance) and the x values."""

from __future__ import annotations

import numpy as np

from .. import activations
from .._validate import real_vector

DEFAULT_RANGE = (-5.0, 5.0)
DEFAULT_POINTS = 801  # odd, so a symmetric range contains x = 0 exactly (the ReLU kink)


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


def grid(x_range=DEFAULT_RANGE, n: int = DEFAULT_POINTS) -> np.ndarray:
    """n evenly spaced points covering x_range (0 included when the range is symmetric)."""
    low, high = x_range
    return np.linspace(low, high, n)


def check_x(x, where: str) -> np.ndarray:
    """The x values to plot: None gives the default grid; else a 1-D finite array of ≥ 2 points."""
    return grid() if x is None else real_vector(x, where, "x", min_size=2)
