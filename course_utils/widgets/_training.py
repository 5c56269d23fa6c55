"""Explorers for lessons 08–09, built on `course_utils.network`:

    gradient_explorer(depth, activation, init)    ‖∂L/∂W‖ per layer of a fresh deep network
    dead_unit_explorer(lr, bias, activation)      the dead-unit share while a network trains

Both compute on the bundled digits (no download) and redraw in well under 0.3 s: the
gradient explorer runs one forward and backward pass on 128 digits, the dead-unit explorer
trains a 64-64-64-10 network for a few epochs on 400 digits. Sliders update when released
(`continuous_update=False`), so dragging does not queue a training run per step.
"""

from __future__ import annotations

import functools

import ipywidgets as W
import numpy as np

from .. import data
from .._validate import integer, one_of, real
from ..network import MLP, Adam, fit
from ..network.layers import init_name
from ..plotting import COLORS, DISPLAY_NAMES
from ..plotting.training import GRAD_LABEL, LAYER_LABEL
from ._base import Explorer, fit_limits
from ._controls import DESCRIPTION_STYLE

GRADIENT_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "silu")
DEAD_ACTIVATIONS = ("relu", "leaky_relu", "prelu", "elu", "gelu")
INITS = (("naive normal(1.0)", "normal"), ("Xavier (Glorot) normal", "xavier_normal"),
         ("He (Kaiming) normal", "he"))
INIT_LABELS = {"normal": "normal(1.0)", "xavier_normal": "Xavier", "he": "He"}
REFERENCE = ("relu", "he")  # the dashed line: the setting that keeps gradients level


@functools.lru_cache(maxsize=1)
def _digits():
    return data.load_digits(seed=0)


def _dropdown(description, options, value):
    return W.Dropdown(options=options, value=value, description=description,
                      style=DESCRIPTION_STYLE, layout=W.Layout(width="260px"))


def _label(name, init=None):
    text = DISPLAY_NAMES.get(name, name)
    return text if init is None else f"{text} + {INIT_LABELS[init]}"


class GradientExplorer(Explorer):
    """See `gradient_explorer`."""

    kind = "GradientExplorer"

    def __init__(self, depth=15, activation="sigmoid", init="xavier_normal", width=32,
                 samples=128, seed=0):
        super().__init__()
        where = "gradient_explorer"
        depth = integer(depth, where, "depth", at_least=1, at_most=30)
        one_of(activation, GRADIENT_ACTIVATIONS, where, "activation")
        init = one_of(init_name(init), [v for _, v in INITS], where, "init")
        self.width = integer(width, where, "width", at_least=1, at_most=512)
        samples = integer(samples, where, "samples", at_least=1, at_most=len(_digits().y_train))
        self.seed = seed
        split = _digits()
        self.X, self.y = split.X_train[:samples], split.y_train[:samples]
        self.controls = {
            "depth": W.IntSlider(value=depth, min=1, max=30, description="hidden layers",
                                 continuous_update=False, style=DESCRIPTION_STYLE),
            "activation": _dropdown("activation", [(DISPLAY_NAMES.get(n, n), n)
                                                   for n in GRADIENT_ACTIVATIONS], activation),
            "init": _dropdown("initialisation", list(INITS), init),
        }
        self.norms = {}
        fig, ax = self.new_figure(figsize=(8.6, 3.9), margins=(0.9, 2.2, 0.62, 0.42))
        self.ax = ax
        ax.set_yscale("log")
        self.readout = self.label_axes(ax, LAYER_LABEL, GRAD_LABEL,
                                       title="gradient norm per layer, at initialisation")
        (self.lines["setting"],) = ax.plot([], [], marker="o", markersize=4, linewidth=2)
        (self.lines["reference"],) = ax.plot([], [], marker="o", markersize=3, linewidth=1.2,
                                             linestyle="--", color="0.55")
        self.dynamic(self.lines["setting"], self.lines["reference"], self.readout)
        self._start()

    def compute(self, activation, init, depth) -> np.ndarray:
        """‖∂L/∂W‖ per layer (hidden layers, then the output layer) at initialisation."""
        model = MLP([self.X.shape[1]] + [self.width] * depth + [10], activation=activation,
                    init=init, seed=self.seed)
        return model.gradient_norms(self.X, self.y)

    def _redraw(self, changed):
        c = self.controls
        depth, act, init = c["depth"].value, c["activation"].value, c["init"].value
        first = not self.norms
        setting = self.compute(act, init, depth)
        reference = (setting if (act, init) == REFERENCE
                     else self.compute(*REFERENCE, depth))
        self.norms = {"setting": setting, "reference": reference}
        x = np.arange(1, depth + 2)
        line = self.lines["setting"]
        line.set_data(x, np.where(setting > 0, setting, np.nan))
        line.set_color(COLORS.get(act, "0.2"))
        line.set_label(_label(act, init))
        self.lines["reference"].set_data(x, reference)
        self.lines["reference"].set_label(_label(*REFERENCE) + " (reference)")
        if first or {"activation", "init"} & changed:
            self.set_legend(self.ax, [line, self.lines["reference"]], loc="upper left",
                            bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
        if first or "depth" in changed:
            self.ax.set_xlim(0.5, depth + 1.5)
            step = 1 if depth < 12 else 5
            self.ax.set_xticks([1] + list(range(step, depth + 2, step))[1 if step == 1 else 0:])
            self.invalidate("x")
        logs = [np.log10(v[v > 0]) for v in (setting, reference)]
        current = None if first else tuple(np.log10(self.ax.get_ylim()))
        low, high = fit_limits(logs, current, sticky=not first)
        limits = (10.0 ** np.floor(low), 10.0 ** np.ceil(high))
        if limits != self.ax.get_ylim():
            self.ax.set_ylim(*limits)
            self.invalidate("y")
        self.readout.set_text(f"first ÷ last layer: {self.ratio():.1e}")

    def ratio(self) -> float:
        """‖∂L/∂W₁‖ ÷ ‖∂L/∂W_last‖ for the current setting (≪ 1: vanishing, ≫ 1: exploding)."""
        norms = self.norms["setting"]
        return float(norms[0] / norms[-1])

    def describe(self) -> str:
        c = self.controls
        return (f"Gradient explorer: {c['depth'].value} hidden layers of {self.width} units, "
                f"{_label(c['activation'].value, c['init'].value)}; first ÷ last layer gradient "
                f"norm {self.ratio():.1e}. (Run the notebook to use the controls.)")


def gradient_explorer(depth=15, activation="sigmoid", init="xavier_normal", width=32,
                      samples=128, seed=0) -> GradientExplorer:
    """Per-layer gradient norms of a fresh deep network on the digits, as you change it.

    Controls (in `.controls`): "depth" (hidden layers, 1–30), "activation" and "init"
    ("normal" = N(0, 1), "xavier_normal", "he"). The dashed grey line is ReLU + He at the same
    depth, for comparison; the readout is ‖∂L/∂W₁‖ ÷ ‖∂L/∂W_last‖.

    Args:
        depth: hidden layers at first (default 15).
        activation: one of `GRADIENT_ACTIVATIONS` (default "sigmoid").
        init: "normal", "xavier_normal" or "he" (default "xavier_normal").
        width: units per hidden layer (default 32).
        samples: digits in the batch the gradient is measured on (default 128).
        seed: the weights' seed (default 0).

    Returns:
        A GradientExplorer; `.norms["setting"]` holds the plotted norms, `.ratio()` the readout.

    Example:
        >>> from course_utils.widgets._training import gradient_explorer
        >>> ex = gradient_explorer(depth=4, activation="relu", init="he")
        >>> ex.norms["setting"].shape                    # 4 hidden layers + the output layer
        (5,)
        >>> ex.close()
    """
    return GradientExplorer(depth, activation, init, width=width, samples=samples, seed=seed)


class DeadUnitExplorer(Explorer):
    """See `dead_unit_explorer`."""

    kind = "DeadUnitExplorer"
    SIZES = [64, 64, 64, 10]

    def __init__(self, lr=0.2, bias=-0.5, activation="relu", epochs=5, samples=400, seed=0):
        super().__init__()
        where = "dead_unit_explorer"
        lr = real(lr, where, "lr", at_least=1e-3, at_most=1.0)
        bias = real(bias, where, "bias", at_least=-3.0, at_most=1.0)
        one_of(activation, DEAD_ACTIVATIONS, where, "activation")
        self.epochs = integer(epochs, where, "epochs", at_least=1, at_most=50)
        samples = integer(samples, where, "samples", at_least=1, at_most=len(_digits().y_train))
        self.samples, self.seed = samples, seed
        self.history = None
        self.controls = {
            "lr": W.FloatLogSlider(value=lr, base=10, min=-3, max=0, step=0.1,
                                   description="learning rate (Adam)", readout_format=".3f",
                                   continuous_update=False, style=DESCRIPTION_STYLE),
            "bias": W.FloatSlider(value=bias, min=-3.0, max=1.0, step=0.1,
                                  description="initial bias", readout_format=".1f",
                                  continuous_update=False, style=DESCRIPTION_STYLE),
            "activation": _dropdown("activation", [(DISPLAY_NAMES.get(n, n), n)
                                                   for n in DEAD_ACTIVATIONS], activation),
        }
        fig, (ax_d, ax_a) = self.new_figure(1, 2, figsize=(9.6, 3.7),
                                            margins=(0.75, 0.3, 0.62, 0.42))
        self.ax_d, self.ax_a = ax_d, ax_a
        epochs_label = "epoch (0 = before training)"
        self.label_axes(ax_d, epochs_label, "share of hidden units", title="hidden units")
        self.readout = self.label_axes(ax_a, epochs_label, "test accuracy")
        for ax in (ax_d, ax_a):
            ax.set_xlim(-0.3, self.epochs + 0.3)
            ax.set_ylim(-0.03, 1.03)
            ax.set_xticks(range(0, self.epochs + 1))
        (self.lines["dead"],) = ax_d.plot([], [], marker="o", markersize=4, linewidth=2,
                                          label="dead")
        (self.lines["inactive"],) = ax_d.plot([], [], marker="o", markersize=3,
                                              linestyle="--", linewidth=1.4,
                                              label="inactive (z ≤ 0)")
        (self.lines["accuracy"],) = ax_a.plot([], [], marker="o", markersize=4, linewidth=2)
        self.dynamic(*self.lines.values(), self.readout)
        self._start()

    def train(self, lr, bias, activation):
        """Train the explorer's network from scratch; returns the `History`."""
        split = _digits()
        model = MLP(self.SIZES, activation=activation, init="he", bias=bias, seed=self.seed)
        return fit(model, split.X_train[:self.samples], split.y_train[:self.samples],
                   optimizer=Adam(lr), epochs=self.epochs, seed=self.seed,
                   X_val=split.X_test, y_val=split.y_test, progress=False)

    def _redraw(self, changed):
        c = self.controls
        act = c["activation"].value
        h = self.history = self.train(c["lr"].value, c["bias"].value, act)
        color = COLORS.get(act, "0.2")
        for key, values in (("dead", h.hidden_fraction("dead")),
                            ("inactive", h.hidden_fraction("inactive")),
                            ("accuracy", np.array(h.val_accuracy))):
            self.lines[key].set_data(h.epoch, values)
            self.lines[key].set_color(color)
        if "activation" in changed:  # legend handles copy the colour: rebuild them
            self.set_legend(self.ax_d, [self.lines["dead"], self.lines["inactive"]],
                            loc="upper left")
        self.readout.set_text(self.summary())

    def summary(self) -> str:
        """The end of training in words, e.g. "after 5 epochs: 46% dead, accuracy 0.23"."""
        h = self.history
        end = "diverged" if h.diverged is not None else f"after {h.epoch[-1]} epochs"
        return (f"{end}: {100 * h.hidden_fraction('dead')[-1]:.0f}% dead, "
                f"accuracy {h.val_accuracy[-1]:.2f}")

    def describe(self) -> str:
        c = self.controls
        return (f"Dead-unit explorer: {DISPLAY_NAMES.get(c['activation'].value)} network "
                f"{self.SIZES}, Adam(lr={c['lr'].value:.3g}), initial bias {c['bias'].value:g}; "
                f"{self.summary()}. (Run the notebook to use the controls.)")


def dead_unit_explorer(lr=0.2, bias=-0.5, activation="relu", epochs=5, samples=400,
                       seed=0) -> DeadUnitExplorer:
    """Train a small network on the digits and watch how many hidden units die.

    Controls (in `.controls`): "lr" (Adam's learning rate, log slider 0.001–1), "bias" (the
    hidden layers' initial bias, −3 … 1) and "activation" (ReLU, Leaky ReLU, PReLU, ELU,
    GELU). Each change trains a fresh 64-64-64-10 network (He init) for `epochs` epochs.
    Left: the share of hidden units that are dead (slope exactly 0 on every test input of the
    reference batch) and inactive (pre-activation ≤ 0 there); right: test accuracy.

    Args:
        lr: the starting learning rate, 0.001–1 (default 0.2, too large on purpose).
        bias: the starting initial bias, −3 … 1 (default −0.5).
        activation: one of `DEAD_ACTIVATIONS` (default "relu").
        epochs: epochs per run (default 5).
        samples: training digits (default 400).
        seed: seeds the weights and the batches (default 0).

    Returns:
        A DeadUnitExplorer; `.history` is the last run's `History`.

    Example:
        >>> from course_utils.widgets._training import dead_unit_explorer
        >>> ex = dead_unit_explorer(lr=0.01, epochs=2, samples=200)
        >>> ex.history.epoch
        [0, 1, 2]
        >>> ex.close()
    """
    return DeadUnitExplorer(lr, bias, activation, epochs=epochs, samples=samples, seed=seed)
