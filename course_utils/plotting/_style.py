"""The course's house style: one colour-blind-safe palette, one set of rcParams, one axes look.

Colours are the Okabe–Ito palette (distinguishable with the common colour-vision deficiencies);
a function is a solid line and its derivative a dashed line of the same colour, so a figure
still reads in greyscale.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.lines import Line2D

# Okabe & Ito (2008), "Color Universal Design"; yellow last (weak on white).
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "bluish_green": "#009E73",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "sky_blue": "#56B4E9",
    "black": "#000000",
    "yellow": "#F0E442",
}
PALETTE = tuple(OKABE_ITO.values())

# One colour per activation, the same in every figure of the course. Eight colours for ten
# curves: the two pairs that share a colour (elu/selu, silu/softplus) are never the default
# overlay together, and `distinct_colors` resolves clashes when they are.
COLORS = {
    "sigmoid": OKABE_ITO["blue"],
    "tanh": OKABE_ITO["orange"],
    "relu": OKABE_ITO["bluish_green"],
    "leaky_relu": OKABE_ITO["vermillion"],
    "prelu": OKABE_ITO["reddish_purple"],
    "elu": OKABE_ITO["sky_blue"],
    "selu": OKABE_ITO["black"],
    "gelu": OKABE_ITO["reddish_purple"],
    "silu": OKABE_ITO["vermillion"],
    "softplus": OKABE_ITO["sky_blue"],
    "softmax": OKABE_ITO["blue"],
    "log_softmax": OKABE_ITO["orange"],
}

# How each activation is written in titles and legends.
DISPLAY_NAMES = {
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "relu": "ReLU",
    "leaky_relu": "Leaky ReLU",
    "prelu": "PReLU",
    "elu": "ELU",
    "selu": "SELU",
    "gelu": "GELU",
    "silu": "SiLU",
    "softplus": "softplus",
    "softmax": "softmax",
    "log_softmax": "log-softmax",
}

ZERO_LINE = {"color": "0.45", "linewidth": 0.9, "zorder": 1}
DERIVATIVE_STYLE = {"linestyle": (0, (5, 2.5)), "linewidth": 1.8}  # a derivative: dashed
XLABEL = "x (input to the activation)"

STYLE = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.facecolor": "white",
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "axes.prop_cycle": mpl.cycler(color=list(PALETTE[:7])),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "0.88",
    "grid.linewidth": 0.7,
    "axes.axisbelow": True,
    "lines.linewidth": 2.2,
    "legend.frameon": False,
    "legend.fontsize": 10,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "image.cmap": "cividis",
}


def use_style() -> None:
    """Apply the course style to matplotlib's rcParams (calling it again changes nothing).

    Every plotting function calls it; call it yourself before plain `plt.plot` figures so they
    match the course's.

    Example:
        >>> from course_utils import plotting
        >>> plotting.use_style()
        >>> import matplotlib as mpl
        >>> mpl.rcParams["axes.spines.top"]
        False
    """
    mpl.rcParams.update(STYLE)


def display_name(act, params: str = "all") -> str:
    """How an activation is written in titles and legends: "Leaky ReLU (negative_slope=0.1)".

    Args:
        act: an Activation instance.
        params: "all" (default) lists every hyperparameter, "changed" only those that differ
            from the defaults (for compact legends), "none" none.

    Example:
        >>> from course_utils import activations, plotting
        >>> plotting.display_name(activations.get("leaky_relu", negative_slope=0.1))
        'Leaky ReLU (negative_slope=0.1)'
        >>> plotting.display_name(activations.get("gelu"), params="changed")
        'GELU'
    """
    base = DISPLAY_NAMES.get(act.name, act.name)
    shown = dict(act.params)
    if params == "none":
        shown = {}
    elif params == "changed":
        try:
            defaults = type(act)().params
        except TypeError:  # pragma: no cover - every course activation has defaults
            defaults = {}
        shown = {k: v for k, v in shown.items() if defaults.get(k) != v}
    text = ", ".join(f"{k}={_fmt(v)}" for k, v in shown.items())
    return f"{base} ({text})" if text else base


def _fmt(value) -> str:
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(f"{float(value):.4g}"))  # 1.0 not 1, 0.3 not 0.30000000000000004
    return repr(value)


def distinct_colors(names, colors=None) -> list:
    """Colours for curves drawn together: each activation's own colour unless already taken.

    Args:
        names: activation names, in drawing order.
        colors: explicit colours (None entries are filled in), default all None.

    Returns:
        A list of colours, no two alike while the palette lasts.

    Example:
        >>> from course_utils.plotting import distinct_colors
        >>> distinct_colors(["relu", "gelu", "prelu"])   # prelu's purple is taken by gelu
        ['#009E73', '#CC79A7', '#0072B2']
    """
    names = list(names)
    colors = list(colors) if colors is not None else [None] * len(names)
    taken = {c for c in colors if c is not None}
    result = []
    for name, color in zip(names, colors):
        if color is None:
            color = COLORS.get(name)
            if color is None or color in taken:
                free = [c for c in PALETTE if c not in taken]
                color = free[0] if free else PALETTE[len(result) % len(PALETTE)]
        taken.add(color)
        result.append(color)
    return result


def new_figure(nrows: int = 1, ncols: int = 1, pyplot: bool = True, **kw):
    """A figure and axes in the course style (like `plt.subplots`).

    Args:
        nrows, ncols: the grid of axes (default 1 × 1).
        pyplot: True (default) registers the figure with pyplot, so `plt.show()` shows it;
            False builds a standalone `Figure` (the interactive explorers use this, so the inline
            backend never shows a second copy).
        **kw: passed to `plt.subplots` / `Figure.subplots` (e.g. `figsize`, `sharey=True`);
            `layout` defaults to "constrained".

    Returns:
        (fig, axes): one Axes when nrows = ncols = 1 (unless `squeeze=False`), else an array.

    Example:
        >>> from course_utils import plotting
        >>> fig, ax = plotting.new_figure(pyplot=False)
        >>> type(ax).__name__
        'Axes'
    """
    use_style()
    subplot_kw = {k: kw.pop(k) for k in ("sharex", "sharey", "squeeze", "subplot_kw",
                                          "gridspec_kw", "width_ratios", "height_ratios")
                  if k in kw}
    kw.setdefault("layout", "constrained")
    if pyplot:
        import matplotlib.pyplot as plt

        fig = plt.figure(**kw)
    else:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(**kw)
        FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, **subplot_kw)
    return fig, axes


def add_zero_lines(ax) -> None:
    """Thin grey lines at x = 0 and y = 0, behind the data (added once per axes).

    They keep 0 in view on both axes; pass `zero_lines=False` to `style_axes` where 0 is not
    a meaningful value (e.g. epochs).
    """
    if any(line.get_gid() == "zero_line" for line in ax.lines):
        return
    ax.axhline(0.0, gid="zero_line", **ZERO_LINE)
    ax.axvline(0.0, gid="zero_line", **ZERO_LINE)


def style_axes(ax, xlabel: str, ylabel: str, title: str | None = None,
               zero_lines: bool = True, legend: bool = True, legend_loc: str = "best"):
    """Label an axes in the course style: axis labels, optional title, zero lines, legend.

    Args:
        ax: a matplotlib Axes.
        xlabel, ylabel: axis labels (say what and, if any, the unit).
        title: optional title.
        zero_lines: draw thin grey lines at x = 0 and y = 0 (default True).
        legend: add a legend when some artist has a label (default True).
        legend_loc: where the legend goes (default "best").

    Returns:
        The same Axes.

    Example:
        >>> import numpy as np
        >>> from course_utils import plotting
        >>> fig, ax = plotting.new_figure(pyplot=False)
        >>> _ = ax.plot([-1, 1], [0, 1], label="a line")
        >>> _ = plotting.style_axes(ax, "x", "y", title="A line")
        >>> ax.get_xlabel(), ax.get_legend() is not None
        ('x', True)
    """
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    if zero_lines:
        add_zero_lines(ax)
    if legend:
        handles, labels = ax.get_legend_handles_labels()
        if handles:
            ax.legend(loc=legend_loc)
    return ax


def style_legend_handles() -> list:
    """Two grey legend entries saying what a solid and a dashed line mean."""
    return [Line2D([], [], color="0.3", label="activation f(x)"),
            Line2D([], [], color="0.3", label="derivative f′(x)", **DERIVATIVE_STYLE)]
