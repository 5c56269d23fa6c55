"""The comparison explorer: several activations side by side (values left, slopes right), with
a probe x₀ whose values and slopes are listed in a table."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from .. import activations
from .._validate import is_number, real_range
from ..plotting import DISPLAY_NAMES, XLABEL, add_zero_lines, distinct_colors, grid
from ._activation import POINTS, check_names
from ._base import Explorer, fit_limits
from ._controls import CheckboxGroup, float_slider, range_slider


class ComparisonExplorer(Explorer):
    """See `comparison_explorer`."""

    kind = "ComparisonExplorer"

    def __init__(self, names=("sigmoid", "tanh", "relu", "gelu"), x_range=(-5.0, 5.0), x0=1.0):
        super().__init__()
        where = "comparison_explorer"
        names = check_names(names, where, "names")
        if not names:
            raise ValueError(f"{where}: names is empty; give at least one activation name")
        low, high = real_range(x_range, where)
        if not is_number(x0) or not low <= x0 <= high:
            raise ValueError(f"{where}: x0 must be a number inside x_range {x_range!r}, "
                             f"got {x0!r}")
        self._names = activations.available(elementwise_only=True)
        self.controls = {
            "names": CheckboxGroup([(DISPLAY_NAMES.get(n, n), n) for n in self._names],
                                   value=names, description="activations"),
            "x_range": range_slider("x range", (low, high)),
            "x0": float_slider("probe x₀", float(x0), low, high, 0.05),
        }
        self.table = W.HTML()
        self._build_figure()
        self._start()

    def _build_figure(self):
        fig, (ax_f, ax_d) = self.new_figure(1, 2, figsize=(9.6, 3.8),
                                            margins=(0.75, 1.5, 0.6, 0.42))
        self.ax_f, self.ax_d = ax_f, ax_d
        self.markers = {}
        for ax, ylabel, title in ((ax_f, "f(x)", "the activations f(x)"),
                                  (ax_d, "f′(x)", "their slopes f′(x)")):
            add_zero_lines(ax)
            self.view_dependent(*[ln for ln in ax.lines if ln.get_gid() == "zero_line"])
            self.label_axes(ax, XLABEL, ylabel, title=title)
        for name in self._names:
            (self.lines[name],) = ax_f.plot([], [], visible=False)
            (self.lines[name + "'"],) = ax_d.plot([], [], visible=False)
            (self.markers[name],) = ax_f.plot([], [], "o", markersize=6, visible=False, zorder=4)
            (self.markers[name + "'"],) = ax_d.plot([], [], "o", markersize=6, visible=False,
                                                    zorder=4)
        self.probe = [ax.axvline(0.0, color="0.3", linewidth=1.0, linestyle=":", zorder=3)
                      for ax in (ax_f, ax_d)]
        self.dynamic(*self.lines.values(), *self.markers.values(), *self.probe)

    def _redraw(self, changed):
        c = self.controls
        first = not hasattr(self, "x")
        view_changed = first or "x_range" in changed
        if view_changed:
            low, high = c["x_range"].value
            self.x = grid((low, high), POINTS)
            for ax in (self.ax_f, self.ax_d):
                ax.set_xlim(low, high)
            self.invalidate("x")
            with self.hold():  # keep the probe inside the range
                c["x0"].min, c["x0"].max = min(low, c["x0"].min), max(high, c["x0"].max)
                c["x0"].value = float(np.clip(c["x0"].value, low, high))
                c["x0"].min, c["x0"].max = low, high
        shown = c["names"].value
        for name in self._names:
            f, d = self.lines[name], self.lines[name + "'"]
            on = name in shown
            if on and (view_changed or not f.get_visible()):
                act = activations.get(name)
                f.set_data(self.x, act(self.x))
                d.set_data(self.x, act.derivative(self.x))
            for artist in (f, d, self.markers[name], self.markers[name + "'"]):
                artist.set_visible(on)
        if "names" in changed or first:
            self._restyle(shown)
        for ax, suffix in ((self.ax_f, ""), (self.ax_d, "'")):
            data = [self.lines[n + suffix].get_ydata() for n in shown]
            limits = fit_limits(data, ax.get_ylim(), sticky=not first)
            if limits != ax.get_ylim():
                ax.set_ylim(*limits)
                self.invalidate("y")
        self._probe(shown)

    def _restyle(self, shown):
        for name, color in zip(shown, distinct_colors(shown)):
            for key in (name, name + "'"):
                self.lines[key].set_color(color)
                self.markers[key].set_color(color)
            self.lines[name].set_label(DISPLAY_NAMES.get(name, name))
        self.set_legend(self.ax_d, [self.lines[n] for n in shown], loc="upper left",
                        bbox_to_anchor=(1.03, 1.0), borderaxespad=0.0)

    def _probe(self, shown):
        x0 = self.controls["x0"].value
        for line in self.probe:
            line.set_xdata([x0, x0])
        rows = []
        for name in shown:
            act = activations.get(name)
            fx, dx = float(act(x0)), float(act.derivative(x0))
            self.markers[name].set_data([x0], [fx])
            self.markers[name + "'"].set_data([x0], [dx])
            rows.append(f"<tr><td style='text-align:left'>{DISPLAY_NAMES.get(name, name)}</td>"
                        f"<td>{fx:.4f}</td><td>{dx:.4f}</td></tr>")
        self.table.value = (
            f"<table><tr><th style='text-align:left'>at x₀ = {x0:.2f}</th><th>f(x₀)</th>"
            f"<th>slope f′(x₀)</th></tr>{''.join(rows)}</table>"
        )

    def _layout(self):
        c = self.controls
        row = W.HBox([c["x_range"], c["x0"]], layout=W.Layout(flex_flow="row wrap"))
        return W.VBox([c["names"], row, self.output, self.table, self.status])

    def describe(self) -> str:
        c = self.controls
        low, high = c["x_range"].value
        names = ", ".join(DISPLAY_NAMES.get(n, n) for n in c["names"].value) or "none"
        return (f"Comparison explorer: {names} and their slopes for x from {low:g} to {high:g}, "
                f"probe at x0 = {c['x0'].value:g}. (Run the notebook to use the controls.)")


def comparison_explorer(names=("sigmoid", "tanh", "relu", "gelu"), x_range=(-5.0, 5.0),
                        x0=1.0) -> ComparisonExplorer:
    """Compare activations side by side: values on the left, slopes (derivatives) on the right.

    Controls (in `.controls`): "names" (tick the activations to show), "x_range" and "x0"
    (a probe: a dotted line on both panels, and a table of f(x₀) and f′(x₀) for each).

    Args:
        names: the activations shown at first (default sigmoid, tanh, ReLU, GELU).
        x_range: (low, high) of the x-axis (default (−5, 5)).
        x0: the starting probe position, inside x_range (default 1.0).

    Returns:
        A ComparisonExplorer; `.lines["tanh"]` is tanh's curve, `.lines["tanh'"]` its slope.

    Example:
        >>> from course_utils import widgets
        >>> ex = widgets.comparison_explorer(["sigmoid", "tanh"], x0=0.0)
        >>> sorted(ex.data())
        ['sigmoid', "sigmoid'", 'tanh', "tanh'"]
        >>> ex.close()
    """
    return ComparisonExplorer(names, x_range=x_range, x0=x0)
