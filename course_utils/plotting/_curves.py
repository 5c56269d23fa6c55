"""Static figures of activation curves: one function, several overlaid, the summary grid."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .. import activations
from .._validate import integer
from ._inputs import check_x, grid, resolve_activation
from ._style import (
    COLORS, DERIVATIVE_STYLE, PALETTE, XLABEL, display_name, distinct_colors, new_figure,
    style_axes, style_legend_handles,
)

class ActivationPlot(NamedTuple):
    """What `plot_activation` drew: the figure, the axes and the two curves (Line2D)."""

    fig: object
    ax: object
    function_line: object
    derivative_line: object  # None when derivative=False


def plot_activation(act, x=None, derivative=True, ax=None, label=None, color=None,
                    derivative_label=None):
    r"""Plot one activation (solid) and, by default, its derivative (dashed, same colour).

    Args:
        act: a name such as "relu" (see `activations.available()`) or an Activation instance,
            e.g. `activations.get("leaky_relu", negative_slope=0.1)`.
        x: the inputs, a 1-D array (default 801 points on [−5, 5], including 0).
        derivative: also draw f′(x) (default True).
        ax: draw into this Axes (default: a new figure).
        label: legend label (default the activation's name and hyperparameters).
        color: line colour (default the activation's colour in `COLORS`).
        derivative_label: legend label of the derivative (default `label` + " derivative"),
            e.g. "σ′(x) = σ(x)(1 − σ(x))".

    Returns:
        ActivationPlot(fig, ax, function_line, derivative_line); `derivative_line` is None
        when derivative=False. `function_line.get_ydata()` is exactly `act(x)`.

    Example:
        >>> import numpy as np
        >>> from course_utils import plotting, activations
        >>> p = plotting.plot_activation("sigmoid")
        >>> bool(np.array_equal(p.function_line.get_ydata(),
        ...                     activations.sigmoid(p.function_line.get_xdata())))
        True
        >>> import matplotlib.pyplot as plt; plt.close(p.fig)
    """
    act = resolve_activation(act, "plot_activation")
    x = check_x(x, "plot_activation")
    new = ax is None
    if new:
        fig, ax = new_figure()
    fig = ax.figure
    label = display_name(act) if label is None else label
    color = COLORS.get(act.name, PALETTE[0]) if color is None else color
    (fline,) = ax.plot(x, act(x), color=color, label=label)
    dline = None
    if derivative:
        if derivative_label is None:
            derivative_label = f"{label} derivative"
        (dline,) = ax.plot(x, act.derivative(x), color=color, label=derivative_label,
                           **DERIVATIVE_STYLE)
    ylabel = "f(x) and its slope f′(x)" if derivative else "f(x)"
    style_axes(ax, XLABEL, ylabel, title=display_name(act) if new else None)
    return ActivationPlot(fig, ax, fline, dline)


def plot_overlay(acts, x=None, ax=None, derivative=False):
    """Several activations on one axes, to compare their shapes (derivatives dashed if asked).

    Args:
        acts: names or Activation instances, e.g. ("sigmoid", "tanh", "relu").
        x: the inputs, a 1-D array (default 801 points on [−5, 5]).
        ax: draw into this Axes (default: a new figure).
        derivative: also draw each derivative, dashed in the same colour (default False).

    Returns:
        (fig, ax, lines): `lines` lists the Line2D objects in drawing order, for each activation
        its function line, then (derivative=True) its derivative line.

    Example:
        >>> from course_utils import plotting
        >>> fig, ax, lines = plotting.plot_overlay(["sigmoid", "tanh"], derivative=True)
        >>> [line.get_label() for line in lines]
        ['sigmoid', 'sigmoid derivative', 'tanh', 'tanh derivative']
        >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    if isinstance(acts, str):
        acts = [acts]
    try:
        acts = list(acts)
    except TypeError:
        raise ValueError(f"plot_overlay: acts must be a list of names, got {acts!r}") from None
    if not acts:
        raise ValueError("plot_overlay: acts is empty; give at least one activation name")
    resolved = [resolve_activation(a, "plot_overlay", "acts") for a in acts]
    x = check_x(x, "plot_overlay")
    if ax is None:
        fig, ax = new_figure()
    colors = distinct_colors([a.name for a in resolved])
    lines = []
    for act, color in zip(resolved, colors):
        plot = plot_activation(act, x, derivative=derivative, ax=ax, color=color,
                               label=display_name(act, params="changed"))
        lines.append(plot.function_line)
        if derivative:
            lines.append(plot.derivative_line)
    style_axes(ax, XLABEL, "f(x) and f′(x)" if derivative else "f(x)", legend=False)
    # One legend entry per activation (its colour), plus what solid and dashed mean.
    handles = lines[::2] if derivative else list(lines)
    if derivative:
        handles += style_legend_handles()
    ax.legend(handles=handles, loc="best")
    return ax.figure, ax, lines


def plot_grid(acts=None, x=None, ncols=4):
    """The summary grid: every activation (solid) and its derivative (dashed), shared axes.

    Args:
        acts: names or instances (default every elementwise activation in course order).
        x: the inputs, a 1-D array (default 801 points on [−4, 4]).
        ncols: panels per row (default 4).

    Returns:
        (fig, axes): `axes` is a 2-D array (rows × ncols); panels past the last activation are
        hidden. Panel i shows acts[i]: `axes.flat[i].lines[0]` is the function,
        `axes.flat[i].lines[1]` the derivative.

    Example:
        >>> from course_utils import plotting
        >>> fig, axes = plotting.plot_grid(["sigmoid", "relu"], ncols=2)
        >>> axes.shape, axes[0, 1].get_title()
        ((1, 2), 'ReLU')
        >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    names = activations.available(elementwise_only=True) if acts is None else acts
    if isinstance(names, str):
        names = [names]
    resolved = [resolve_activation(a, "plot_grid", "acts") for a in names]
    if not resolved:
        raise ValueError("plot_grid: acts is empty; give at least one activation name")
    ncols = integer(ncols, "plot_grid", "ncols", at_least=1)
    x = grid((-4.0, 4.0)) if x is None else check_x(x, "plot_grid")
    ncols = min(ncols, len(resolved))
    nrows = math.ceil(len(resolved) / ncols)
    fig, axes = new_figure(nrows, ncols, sharex=True, sharey=True, squeeze=False,
                           figsize=(3.0 * ncols + 0.4, 2.5 * nrows + 0.7))
    for i, ax in enumerate(axes.flat):
        if i >= len(resolved):
            ax.set_visible(False)
            continue
        act = resolved[i]
        color = COLORS.get(act.name, PALETTE[i % len(PALETTE)])
        ax.plot(x, act(x), color=color)
        ax.plot(x, act.derivative(x), color=color, **DERIVATIVE_STYLE)
        title = display_name(act, params="changed")
        row, col = divmod(i, ncols)
        last_in_col = i + ncols >= len(resolved)
        style_axes(ax, "x" if last_in_col else "", "f(x), f′(x)" if col == 0 else "",
                   title=title, legend=False)
        if last_in_col:
            ax.xaxis.set_tick_params(labelbottom=True)
    fig.legend(handles=style_legend_handles(), loc="outside upper center", ncols=2)
    return fig, axes
