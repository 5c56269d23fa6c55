"""Figures about training a network (lessons 08–09): gradient norms per layer, training curves,
and histograms of what each layer computes.

    plot_gradient_norms(norms)            ‖∂L/∂W‖ per layer, log scale, one line per setting
    plot_history(histories, key)          a History record (loss, accuracy, dead, …) per epoch
    plot_layer_histograms(model, X)       one histogram per layer, with its saturated/dead share

Curves whose label starts with an activation's name (e.g. "relu + He") get that activation's
colour from `COLORS`, so an activation looks the same in every figure of the course.

Example:
    >>> import numpy as np
    >>> from course_utils.network import MLP
    >>> from course_utils.plotting.training import plot_gradient_norms
    >>> X, y = np.random.default_rng(0).normal(size=(64, 4)), np.arange(64) % 3
    >>> norms = {a: MLP([4, 8, 8, 8, 3], activation=a).gradient_norms(X, y) for a in ("sigmoid", "relu")}
    >>> fig, ax, lines = plot_gradient_norms(norms)
    >>> list(lines), lines["relu"].get_xdata().tolist()
    (['sigmoid', 'relu'], [1, 2, 3, 4])
    >>> import matplotlib.pyplot as plt; plt.close(fig)
"""

from __future__ import annotations

import numpy as np

from .._validate import integer
from ..network.stats import SATURATION, layer_statistics
from ..network.training import History
from ._style import COLORS, DISPLAY_NAMES, distinct_colors, new_figure, style_axes

GRAD_LABEL = "‖∂L/∂W‖ of the layer (log scale)"
LAYER_LABEL = "layer (1 = next to the input)"

# History records and how to label them.
HISTORY_LABELS = {
    "loss": "training loss",
    "val_loss": "test loss",
    "accuracy": "training accuracy",
    "val_accuracy": "test accuracy",
    "dead": "dead hidden units (share)",
    "inactive": "inactive hidden units (share)",
    "grad_norm": GRAD_LABEL,
    "act_mean": "mean activation",
    "act_std": "std of the activations",
    "saturated": "saturated outputs (share)",
}


def activation_of(label: str):
    """The activation name a label starts with ("relu + He" → "relu"), or None.

    Example:
        >>> from course_utils.plotting.training import activation_of
        >>> activation_of("Leaky ReLU, lr 0.1"), activation_of("gelu"), activation_of("run 2")
        ('leaky_relu', 'gelu', None)
    """
    text = str(label).strip().lower()
    candidates = sorted(COLORS, key=len, reverse=True)  # "leaky_relu" before "relu"
    for name in candidates:
        for spelling in (name, name.replace("_", " "), DISPLAY_NAMES.get(name, name).lower()):
            if text.startswith(spelling):
                rest = text[len(spelling):]
                if not rest or not (rest[0].isalnum() or rest[0] == "_"):
                    return name
    return None


def _colors(labels, colors):
    if colors is not None:
        if isinstance(colors, dict):
            return [colors.get(label) for label in labels]
        return list(colors)
    names = [activation_of(label) or f"#{label}" for label in labels]
    return distinct_colors(names)


def _as_dict(values, what: str) -> dict:
    if isinstance(values, dict):
        if not values:
            raise ValueError(f"{what}: nothing to plot (an empty dict)")
        return dict(values)
    return {"": values}


def plot_gradient_norms(norms, ax=None, title=None, colors=None, linestyles=None):
    """Per-layer gradient norms on a log scale: the picture of vanishing (or exploding) gradients.

    Args:
        norms: one array of per-layer norms (first layer first, e.g. from
            `MLP.gradient_norms`), or a dict label → array for several settings.
        ax: draw into this Axes (default: a new figure).
        title: optional title.
        colors: dict label → colour, or a list (default: the activation's colour when the
            label starts with an activation name, else the palette).
        linestyles: dict label → linestyle (default solid).

    Returns:
        (fig, ax, lines): lines is a dict label → Line2D (x = 1 … L, y = the norms).
    """
    norms = _as_dict(norms, "plot_gradient_norms")
    new = ax is None
    if new:
        fig, ax = new_figure()
    fig = ax.figure
    lines = {}
    for (label, values), color in zip(norms.items(), _colors(list(norms), colors)):
        values = np.asarray(values, dtype=np.float64)
        if values.ndim != 1 or values.size == 0:
            raise ValueError(f"plot_gradient_norms: {label!r} must be a 1-D array of per-layer "
                             f"norms, got shape {values.shape}")
        style = (linestyles or {}).get(label, "-")
        x = np.arange(1, values.size + 1)
        shown = np.where(values > 0, values, np.nan)  # log scale: a zero norm is left as a gap
        (lines[label],) = ax.semilogy(x, shown, marker="o", markersize=4, color=color,
                                      linestyle=style, label=label or None)
    longest = max(line.get_xdata().size for line in lines.values())
    ax.set_xticks(_layer_ticks(longest))
    style_axes(ax, LAYER_LABEL, GRAD_LABEL, title=title, zero_lines=False, legend=any(lines))
    return fig, ax, lines


def _layer_ticks(n: int) -> list:
    if n <= 12:
        return list(range(1, n + 1))
    step = 5 if n <= 40 else 10
    return [1] + list(range(step, n + 1, step))


def history_values(history, key: str, layer=None) -> np.ndarray:
    """The per-epoch values of one record: `dead`/`inactive` as the hidden-unit share, other
    per-layer records for one `layer` (1-based; default the first)."""
    if key in ("dead", "inactive") and layer is None:
        return history.hidden_fraction(key)
    values = history.as_array(key)
    if key in History.PER_LAYER:
        index = integer(1 if layer is None else layer, "plot_history", "layer", at_least=1,
                        at_most=values.shape[1])
        return values[:, index - 1]
    if layer is not None:
        raise ValueError(f"{key!r} is not a per-layer record; pass layer only with {History.PER_LAYER}")
    return values


def plot_history(histories, key="loss", ax=None, title=None, colors=None, linestyles=None,
                 layer=None, logy=None, ylabel=None):
    """One training record per epoch, one line per run (epoch 0 = before training).

    Args:
        histories: a `History` (from `network.fit`) or a dict label → History.
        key: "loss", "accuracy", "val_loss", "val_accuracy", "dead" or "inactive" (the share
            of all hidden units), or a per-layer record ("grad_norm", "act_mean", "act_std",
            "saturated", "dead", "inactive") with `layer`.
        ax: draw into this Axes (default: a new figure).
        title: optional title.
        colors, linestyles: dicts label → colour / linestyle (defaults as in
            `plot_gradient_norms`).
        layer: for per-layer records, which layer (1-based).
        logy: log scale on y (default: True for "loss", "val_loss" and "grad_norm").
        ylabel: override the y-axis label.

    Returns:
        (fig, ax, lines): lines is a dict label → Line2D.

    Example:
        >>> from course_utils import data
        >>> from course_utils.network import MLP, fit
        >>> from course_utils.plotting.training import plot_history
        >>> X, y = data.make_xor(40, seed=0)
        >>> h = fit(MLP([2, 4, 2]), X, y, epochs=3, progress=False)
        >>> fig, ax, lines = plot_history({"relu": h}, "accuracy")
        >>> lines["relu"].get_xdata().tolist()
        [0, 1, 2, 3]
        >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    histories = _as_dict(histories, "plot_history")
    if key not in HISTORY_LABELS:
        raise ValueError(f"plot_history: unknown key {key!r}; choose from {', '.join(HISTORY_LABELS)}")
    new = ax is None
    if new:
        fig, ax = new_figure()
    fig = ax.figure
    logy = key in ("loss", "val_loss", "grad_norm") if logy is None else logy
    lines = {}
    for (label, history), color in zip(histories.items(), _colors(list(histories), colors)):
        y = history_values(history, key, layer)
        if y.size == 0:
            raise ValueError(f"plot_history: run {label!r} has no {key!r} values "
                             "(val_* needs X_val and y_val in fit)")
        style = (linestyles or {}).get(label, "-")
        (lines[label],) = ax.plot(history.epoch, y, color=color, linestyle=style,
                                  label=label or None, marker="o" if len(y) <= 12 else None,
                                  markersize=3.5)
    if logy:
        ax.set_yscale("log")
    if key in ("accuracy", "val_accuracy", "dead", "inactive", "saturated"):
        ax.set_ylim(-0.03, 1.03)
    label = ylabel or HISTORY_LABELS[key] + (f", layer {layer}" if layer else "")
    style_axes(ax, "epoch (0 = before training)", label, title=title, zero_lines=False,
               legend=any(lines))
    return fig, ax, lines


def plot_layer_histograms(model, X, layers=None, kind="activations", bins=50, axes=None,
                          color=None, label=None, value_range=None):
    """Histograms of each chosen layer's outputs (or pre-activations) on the inputs X.

    Each panel says what share is in trouble: for sigmoid/tanh the saturated outputs (the
    tails are shaded), for the ReLU family the inactive units (pre-activation ≤ 0 on every
    input) and, if any, the dead ones.

    Args:
        model: an `MLP`.
        X: inputs, (samples, features).
        layers: 1-based hidden layers to show (default: up to 4, spread from first to last).
        kind: "activations" (the outputs A, default) or "pre_activations" (Z).
        bins: histogram bins (default 50).
        axes: existing axes to draw into, one per layer (default: a new row of panels).
        color: bar colour (default: the activation's colour).
        label: legend label for these bars (e.g. "before training").
        value_range: (low, high) for the bins (default: each panel's own range).

    Returns:
        (fig, axes, stats): stats is `network.stats.layer_statistics(model, X)`.

    Example:
        >>> import numpy as np
        >>> from course_utils.network import MLP
        >>> from course_utils.plotting.training import plot_layer_histograms
        >>> model = MLP([3, 16, 16, 16, 2], activation="tanh", init="normal", init_std=2.0)
        >>> fig, axes, stats = plot_layer_histograms(model, np.random.default_rng(0).normal(size=(200, 3)))
        >>> len(axes), axes[0].get_title()
        (3, 'layer 1: 41% saturated')
        >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    if kind not in ("activations", "pre_activations"):
        raise ValueError(f"plot_layer_histograms: kind must be 'activations' or "
                         f"'pre_activations', got {kind!r}")
    n_hidden = len(model.layers) - 1
    if n_hidden < 1:
        raise ValueError("plot_layer_histograms: the model has no hidden layer")
    if layers is None:
        layers = sorted(set(np.linspace(1, n_hidden, min(4, n_hidden)).round().astype(int).tolist()))
    layers = list(layers)
    for i in layers:
        integer(i, "plot_layer_histograms", "layers", at_least=1, at_most=n_hidden)
    stats = layer_statistics(model, X)
    if axes is None:
        fig, axes = new_figure(1, len(layers), figsize=(3.1 * len(layers) + 0.6, 3.2),
                               sharey=False, squeeze=False)
        axes = list(axes[0])
    axes = list(np.atleast_1d(axes))
    if len(axes) != len(layers):
        raise ValueError(f"plot_layer_histograms: {len(axes)} axes for {len(layers)} layers")
    fig = axes[0].figure
    for ax, i in zip(axes, layers):
        layer = model.layers[i - 1]
        name = layer.activation_name
        values = stats[kind][i - 1].ravel()
        c = color or COLORS.get(name, "0.4")
        ax.hist(values, bins=bins, range=value_range, color=c, alpha=0.75, label=label,
                density=False)
        if kind == "activations" and name in SATURATION:
            _shade_saturation(ax, name)
        ax.set_title(f"layer {i}: {_trouble(stats, i - 1, name)}", fontsize=11)
        ax.set_yticks([])
        xlabel = ("output of the layer" if kind == "activations" else "pre-activation z")
        style_axes(ax, xlabel, "", zero_lines=False, legend=False)
        ax.axvline(0.0, color="0.45", linewidth=0.9, zorder=1)
    axes[0].set_ylabel("count")
    if label:
        axes[-1].legend()
    return fig, axes, stats


def _shade_saturation(ax, name):
    t = SATURATION[name]
    if name == "tanh":
        spans = [(-1.0, -t), (t, 1.0)]
    else:
        spans = [(0.0, t), (1.0 - t, 1.0)]
    for low, high in spans:
        ax.axvspan(low, high, color="0.85", zorder=0, linewidth=0)


def _trouble(stats, index, name) -> str:
    if name in SATURATION:
        return f"{100 * stats['saturated'][index]:.0f}% saturated"
    inactive, dead = stats["inactive"][index], stats["dead"][index]
    if dead > 0:
        return f"{100 * dead:.0f}% dead"
    return f"{100 * inactive:.0f}% inactive" if inactive > 0 else "all units active"
