"""The explorer of lesson 11: switch the cures on and off and watch a fresh deep network.

    cure_explorer(depth, activation, init, gain, batch_norm, residual)

Left, the forward pass: the spread (std) of every hidden layer's activations f(z). Right, the
backward pass: ‖∂L/∂W‖ of every layer. Both on 128 digits, at initialisation (no training), so
a redraw takes one forward and one backward pass: well under 0.1 s even at 50 layers.
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np
from matplotlib.ticker import NullFormatter

from .._validate import flag, integer, one_of, real
from ..network import MLP
from ..network.layers import init_name
from ..plotting import COLORS, DISPLAY_NAMES
from ..plotting.training import GRAD_LABEL, LAYER_LABEL, layer_ticks
from ._base import Explorer, decade_limits
from ._controls import DESCRIPTION_STYLE
from ._training import _digits, _dropdown

CURE_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu")
CURE_INITS = (("naive normal(1.0)", "normal"), ("LeCun normal", "lecun_normal"),
              ("Xavier (Glorot) normal", "xavier_normal"), ("He (Kaiming) normal", "he"))
MAX_DEPTH = 50


class CureExplorer(Explorer):
    """See `cure_explorer`."""

    kind = "CureExplorer"

    def __init__(self, depth=15, activation="sigmoid", init="xavier_normal", gain=1.0,
                 batch_norm=False, residual=False, width=32, samples=128, seed=0):
        super().__init__()
        where = "cure_explorer"
        depth = integer(depth, where, "depth", at_least=1, at_most=MAX_DEPTH)
        one_of(activation, CURE_ACTIVATIONS, where, "activation")
        init = one_of(init_name(init), [v for _, v in CURE_INITS], where, "init")
        gain = real(gain, where, "gain", at_least=0.25, at_most=4.0)
        batch_norm, residual = flag(batch_norm, where, "batch_norm"), flag(residual, where, "residual")
        self.width = integer(width, where, "width", at_least=1, at_most=512)
        samples = integer(samples, where, "samples", at_least=2, at_most=len(_digits().y_train))
        self.seed = seed
        split = _digits()
        self.X, self.y = split.X_train[:samples], split.y_train[:samples]
        self.controls = {
            "depth": W.IntSlider(value=depth, min=1, max=MAX_DEPTH, description="hidden layers",
                                 continuous_update=False, style=DESCRIPTION_STYLE),
            "activation": _dropdown("activation", [(DISPLAY_NAMES.get(n, n), n)
                                                   for n in CURE_ACTIVATIONS], activation),
            "init": _dropdown("initialisation", list(CURE_INITS), init),
            "gain": W.FloatSlider(value=gain, min=0.25, max=4.0, step=0.05, readout_format=".2f",
                                  description="gain (not for naive)", continuous_update=False,
                                  style=DESCRIPTION_STYLE),
            "batch_norm": W.Checkbox(value=batch_norm, description="batch norm", indent=False),
            "residual": W.Checkbox(value=residual, description="residual", indent=False),
        }
        self.result = {}
        fig, (ax_f, ax_b) = self.new_figure(1, 2, figsize=(9.8, 3.8),
                                            margins=(0.8, 0.3, 0.62, 0.42))
        fig.subplots_adjust(wspace=0.42)
        self.ax_f, self.ax_b = ax_f, ax_b
        for ax in (ax_f, ax_b):
            ax.set_yscale("log")
            ax.yaxis.set_minor_formatter(NullFormatter())
        self.label_axes(ax_f, LAYER_LABEL, "std of the activations f(z) (log scale)",
                        title="forward: the signal")
        self.readout = self.label_axes(ax_b, LAYER_LABEL, GRAD_LABEL,
                                       title="backward: the gradient")
        (self.lines["std"],) = ax_f.plot([], [], marker="o", markersize=3, linewidth=2)
        (self.lines["grad"],) = ax_b.plot([], [], marker="o", markersize=3, linewidth=2)
        self.dynamic(self.lines["std"], self.lines["grad"], self.readout)
        self._start()

    def compute(self, depth, activation, init, gain, batch_norm, residual) -> dict:
        """A fresh network's per-layer activation std and ‖∂L/∂W‖ (one pass each way)."""
        model = MLP([self.X.shape[1]] + [self.width] * depth + [10], activation=activation,
                    init=init, gain=gain, batch_norm=batch_norm, residual=residual,
                    seed=self.seed)
        norms = model.gradient_norms(self.X, self.y)
        std = np.array([layer.activation_output.std() for layer in model.layers[:-1]])
        return {"std": std, "grad": norms}

    def _redraw(self, changed):
        c = {key: control.value for key, control in self.controls.items()}
        first = not self.result
        self.result = self.compute(c["depth"], c["activation"], c["init"], c["gain"],
                                   c["batch_norm"], c["residual"])
        color = COLORS.get(c["activation"], "0.2")
        for key, ax in (("std", self.ax_f), ("grad", self.ax_b)):
            values = self.result[key]
            x = np.arange(1, values.size + 1)
            self.lines[key].set_data(x, np.where(values > 0, values, np.nan))
            self.lines[key].set_color(color)
            if first or "depth" in changed:
                ax.set_xlim(0.5, c["depth"] + 1.5)
                ax.set_xticks(layer_ticks(c["depth"] + 1))
            limits = decade_limits([np.log10(values[values > 0])],
                                   None if first else ax.get_ylim(), sticky=not first, min_decades=2)
            if limits != ax.get_ylim():
                ax.set_ylim(*limits)
                self.invalidate("y")
        if first or "depth" in changed:
            self.invalidate("x")
        self.readout.set_text(f"first ÷ last: {self.ratio():.1e}")

    def ratio(self) -> float:
        """‖∂L/∂W₁‖ ÷ ‖∂L/∂W_last‖ (≪ 1: vanishing, ≫ 1: exploding)."""
        grad = self.result["grad"]
        return float(grad[0] / grad[-1])

    def describe(self) -> str:
        c = self.controls
        cures = [name for name in ("batch_norm", "residual") if c[name].value]
        init = c["init"].value + ("" if c["init"].value == "normal" else f" × {c['gain'].value:g}")
        return (f"Cure explorer: {c['depth'].value} hidden layers of {self.width}, "
                f"{DISPLAY_NAMES.get(c['activation'].value)}, init {init}"
                f"{', ' + ' + '.join(cures).replace('_', ' ') if cures else ''}; last hidden "
                f"layer's std {self.result['std'][-1]:.2g}, first ÷ last gradient "
                f"{self.ratio():.1e}. (Run the notebook to use the controls.)")


def cure_explorer(depth=15, activation="sigmoid", init="xavier_normal", gain=1.0,
                  batch_norm=False, residual=False, width=32, samples=128,
                  seed=0) -> CureExplorer:
    """A fresh deep network on the digits, with the cures of lesson 11 to switch on and off.

    Controls (in `.controls`): "depth" (hidden layers, 1–50), "activation", "init" ("normal"
    = N(0, 1), "lecun_normal", "xavier_normal", "he"), "gain" (0.25–4, multiplies the std of
    every initialiser but the naive one), "batch_norm" and "residual" (checkboxes). Left: the
    std of each hidden layer's activations; right: ‖∂L/∂W‖ per layer; the readout is
    first ÷ last layer.

    Args:
        depth, activation, init, gain, batch_norm, residual: the starting setting (defaults:
            15 layers of sigmoid with Xavier, no cure: lesson 08's worst case).
        width: units per hidden layer (default 32).
        samples: digits in the batch (default 128).
        seed: the weights' seed (default 0).

    Returns:
        A CureExplorer; `.result` holds the plotted "std" and "grad" arrays, `.ratio()` the
        readout.

    Example:
        >>> from course_utils.widgets import cure_explorer
        >>> ex = cure_explorer(depth=6, activation="sigmoid", batch_norm=True)
        >>> ex.result["std"].shape, ex.result["grad"].shape     # hidden layers; all layers
        ((6,), (7,))
        >>> ex.close()
    """
    return CureExplorer(depth, activation, init, gain, batch_norm, residual, width=width,
                        samples=samples, seed=seed)
