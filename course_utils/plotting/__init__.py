"""Static figures in one house style: activation curves, overlays, the summary grid, softmax
bars and decision regions.

Style: Okabe–Ito colours (colour-blind safe), each activation in its own colour everywhere
(`COLORS`), a function solid and its derivative dashed in the same colour, thin grey zero lines,
labelled axes and a legend. Every function returns the matplotlib objects it drew, so a
notebook can add to them and a test can read back the plotted data.

Used from lesson 00 on; the interactive versions live in `course_utils.widgets`.

Example:
    >>> import numpy as np
    >>> from course_utils import plotting
    >>> p = plotting.plot_activation("relu", x=np.linspace(-2, 2, 5))
    >>> p.function_line.get_ydata()
    array([0., 0., 0., 1., 2.])
    >>> p.derivative_line.get_ydata()        # ReLU'(0) = 0 by convention
    array([0., 0., 0., 1., 1.])
    >>> import matplotlib.pyplot as plt; plt.close(p.fig)
"""

from ._curves import plot_activation, plot_grid, plot_overlay
from ._decision import plot_decision_boundary
from ._inputs import grid, resolve_activation
from ._softmax import plot_softmax, softmax_with_temperature
from ._style import (
    COLORS, DERIVATIVE_STYLE, DISPLAY_NAMES, OKABE_ITO, PALETTE, XLABEL, add_zero_lines,
    display_name, distinct_colors, new_figure, style_axes, style_legend_handles, use_style,
)

__all__ = [
    # the house style: lessons draw their own figures with these
    "PALETTE", "OKABE_ITO", "COLORS", "DISPLAY_NAMES", "use_style", "new_figure", "style_axes",
    "add_zero_lines", "display_name", "distinct_colors",
    # ready-made figures
    "plot_activation", "plot_overlay", "plot_grid", "plot_softmax", "softmax_with_temperature",
    "plot_decision_boundary",
    # what the widgets draw with as well
    "XLABEL", "DERIVATIVE_STYLE", "style_legend_handles", "grid", "resolve_activation",
]
