"""The activation explorer: one activation and its derivative, with sliders for its
hyperparameters, an x-range, a derivative toggle and other activations to overlay."""

from __future__ import annotations

import ipywidgets as W

from .. import activations
from .._validate import flag, real_range
from ..plotting import (
    DERIVATIVE_STYLE, DISPLAY_NAMES, XLABEL, add_zero_lines, display_name, distinct_colors, grid,
    resolve_activation, style_legend_handles,
)
from ._base import Explorer, fit_limits
from ._controls import CheckboxGroup, checkbox, float_slider, range_slider

POINTS = 401
PARAMS = ("negative_slope", "alpha", "approximate")


def check_names(values, where: str, argname: str) -> tuple:
    """A tuple of canonical elementwise activation names, or a ValueError naming `argname`."""
    if isinstance(values, str):
        values = (values,)
    try:
        values = tuple(values)
    except TypeError:
        raise ValueError(f"{where}: {argname} must be a list of names, got {values!r}") from None
    valid = activations.available(elementwise_only=True)
    names = []
    for value in values:
        try:
            name = activations.get(value).name if isinstance(value, str) else None
        except ValueError:
            name = None
        if name not in valid:
            raise ValueError(
                f"{where}: {argname} contains {value!r}, which is not an elementwise activation; "
                f"valid names: {', '.join(valid)}"
            )
        names.append(name)
    return tuple(dict.fromkeys(names))


class ActivationExplorer(Explorer):
    """See `activation_explorer`."""

    kind = "ActivationExplorer"

    def __init__(self, name="relu", overlay=(), x_range=(-5.0, 5.0), derivative=True, **params):
        super().__init__()
        where = "activation_explorer"
        try:
            act = activations.get(name, **params)
        except (ValueError, TypeError) as err:
            raise ValueError(f"{where}: name={name!r} with {params or 'no hyperparameters'}: "
                             f"{err}") from None
        act = resolve_activation(act, where, "name")
        overlay = check_names(overlay, where, "overlay")
        low, high = real_range(x_range, where)
        derivative = flag(derivative, where, "derivative")
        self._names = activations.available(elementwise_only=True)
        start = {"negative_slope": 0.01, "alpha": 0.25, "approximate": False, **act.params}
        self.controls = {
            "name": W.Dropdown(options=[(DISPLAY_NAMES.get(n, n), n) for n in self._names],
                               value=act.name, description="activation",
                               layout=W.Layout(width="240px")),
            "negative_slope": float_slider("negative_slope", start["negative_slope"], 0.0, 1.0,
                                           0.01),
            "alpha": float_slider("alpha", start["alpha"], 0.0, 3.0, 0.05),
            "approximate": checkbox("approximate (tanh formula)", start["approximate"]),
            "x_range": range_slider("x range", (low, high)),
            "derivative": checkbox("show derivative f′(x) (dashed)", derivative),
            "overlay": CheckboxGroup([(DISPLAY_NAMES.get(n, n), n) for n in self._names],
                                     value=overlay, description="compare with"),
        }
        self.formula = W.HTMLMath()
        self._build_figure()
        self._start()

    # --- figure ----------------------------------------------------------------------
    def _build_figure(self):
        fig, ax = self.new_figure(figsize=(8.2, 3.9), margins=(0.75, 1.75, 0.6, 0.42))
        self.ax = ax
        add_zero_lines(ax)
        self.view_dependent(*[line for line in ax.lines if line.get_gid() == "zero_line"])
        self.params_title = self.label_axes(ax, XLABEL, "f(x) and its slope f′(x)", title="")
        for name in self._names:  # hidden until ticked, so ticking a box only reveals a line
            (f,) = ax.plot([], [], linewidth=1.7, visible=False)
            (d,) = ax.plot([], [], visible=False, **{**DERIVATIVE_STYLE, "linewidth": 1.4})
            self.lines[name], self.lines[name + "'"] = f, d
        (f,) = ax.plot([], [], linewidth=2.6, zorder=3)
        (d,) = ax.plot([], [], zorder=3, **DERIVATIVE_STYLE)
        self.lines["function"], self.lines["derivative"] = f, d
        self.dynamic(*self.lines.values(), self.params_title)

    @property
    def activation(self):
        """The activation the controls describe, e.g. `LeakyReLU(negative_slope=0.3)`."""
        name = self.controls["name"].value
        defaults = activations.get(name).params
        return activations.get(name, **{k: self.controls[k].value for k in defaults})

    def _overlays(self) -> tuple:
        main = self.controls["name"].value
        return tuple(n for n in self.controls["overlay"].value if n != main)

    # --- updates ---------------------------------------------------------------------
    def _redraw(self, changed):
        c = self.controls
        first = not hasattr(self, "x")
        if "name" in changed and not first:
            with self.hold():  # a new function starts from its own defaults
                for key, value in activations.get(c["name"].value).params.items():
                    c[key].value = value
            changed |= set(PARAMS)
        if "name" in changed:
            for key in PARAMS:
                c[key].layout.display = None if key in self.activation.params else "none"
        act = self.activation
        structural = bool(changed & {"name", "derivative", "overlay"})
        view_changed = "x_range" in changed or first
        if view_changed:
            self.x = grid(c["x_range"].value, POINTS)
            self.ax.set_xlim(*c["x_range"].value)
            self.invalidate("x")
        x = self.x
        show_d = c["derivative"].value
        if view_changed or changed & ({"name"} | set(PARAMS)):
            self.lines["function"].set_data(x, act(x))
            self.lines["derivative"].set_data(x, act.derivative(x))
        self.lines["derivative"].set_visible(show_d)
        overlays = self._overlays()
        for name in self._names:
            f, d = self.lines[name], self.lines[name + "'"]
            shown = name in overlays
            if shown and (view_changed or not f.get_visible()):
                other = activations.get(name)
                f.set_data(x, other(x))
                d.set_data(x, other.derivative(x))
            f.set_visible(shown)
            d.set_visible(shown and show_d)
        if structural:
            self._restyle(act, overlays, show_d, new_name="name" in changed)
        visible = [line.get_ydata() for line in self.lines.values() if line.get_visible()]
        sticky = not (first or "name" in changed)
        limits = fit_limits(visible, self.ax.get_ylim(), sticky=sticky)
        if limits != self.ax.get_ylim():
            self.ax.set_ylim(*limits)
            self.invalidate("y")
        params = ", ".join(f"{k} = {v:.2f}" if isinstance(v, float) else f"{k} = {v}"
                           for k, v in act.params.items())
        self.params_title.set_text(params)
        if changed & {"name", "approximate"}:
            self.formula.value = f"$${act.formula}$$"

    def _restyle(self, act, overlays, show_d, new_name):
        if new_name:
            self.ax.set_title(DISPLAY_NAMES.get(act.name, act.name), loc="left", y=1.02)
            self.invalidate("static")
        colors = distinct_colors([act.name, *overlays])
        for line in (self.lines["function"], self.lines["derivative"]):
            line.set_color(colors[0])
        self.lines["function"].set_label(DISPLAY_NAMES.get(act.name, act.name))
        for name, color in zip(overlays, colors[1:]):
            self.lines[name].set_color(color)
            self.lines[name + "'"].set_color(color)
            self.lines[name].set_label(DISPLAY_NAMES.get(name, name))
        handles = [self.lines["function"]] + [self.lines[n] for n in overlays]
        if show_d:
            handles += style_legend_handles()
        self.set_legend(self.ax, handles, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                        borderaxespad=0.0)

    def _layout(self):
        c = self.controls
        top = W.HBox([c["name"], c["negative_slope"], c["alpha"], c["approximate"]],
                     layout=W.Layout(flex_flow="row wrap", align_items="center"))
        middle = W.HBox([c["x_range"], c["derivative"]],
                        layout=W.Layout(flex_flow="row wrap", align_items="center"))
        return W.VBox([top, self.formula, middle, c["overlay"], self.output, self.status])

    def describe(self) -> str:
        c = self.controls
        low, high = c["x_range"].value
        overlays = ", ".join(DISPLAY_NAMES.get(n, n) for n in self._overlays()) or "none"
        return (f"Activation explorer: {display_name(self.activation)} for x from {low:g} to "
                f"{high:g}, derivative {'shown' if c['derivative'].value else 'hidden'}, "
                f"compared with: {overlays}. (Run the notebook to use the controls.)")


def activation_explorer(name="relu", overlay=(), x_range=(-5.0, 5.0), derivative=True,
                        **params) -> ActivationExplorer:
    """An interactive plot of one activation and its derivative.

    Controls (in `.controls`): "name" (which activation), "negative_slope" (Leaky ReLU),
    "alpha" (PReLU, ELU), "approximate" (GELU's tanh formula) — only the current function's
    are shown —, "x_range", "derivative" (show f′ dashed) and "overlay" (other activations to
    draw for comparison, with their derivatives when shown).

    Args:
        name: the activation to explore (default "relu"), a name or an Activation.
        overlay: names of activations to draw as well (default none).
        x_range: (low, high) of the x-axis (default (−5, 5)).
        derivative: show the derivative (default True).
        **params: starting hyperparameters, e.g. `negative_slope=0.1`.

    Returns:
        An ActivationExplorer: display it (last line of a cell) to get the controls and the
        figure; `.lines["function"]` / `.lines["derivative"]` hold the plotted curves,
        overlays are `.lines["tanh"]`, `.lines["tanh'"]`; `.data()` returns them as arrays.

    Example:
        >>> import numpy as np
        >>> from course_utils import activations, widgets
        >>> ex = widgets.activation_explorer("leaky_relu", overlay=["relu"])
        >>> ex.controls["negative_slope"].value = 0.3
        >>> x, y = ex.data()["function"]
        >>> bool(np.allclose(y, activations.leaky_relu(x, negative_slope=0.3)))
        True
        >>> ex.close()
    """
    return ActivationExplorer(name, overlay=overlay, x_range=x_range, derivative=derivative,
                              **params)
