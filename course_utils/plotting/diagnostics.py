"""One figure to watch a network train (lesson 11): what makemore part 3 looks at, for any MLP.

    plot_training_diagnostics(recorder)   activations and gradients per layer at chosen steps,
                                          saturated/dead shares and update-to-data ratios over
                                          training, and the loss per step

The data come from a `network.diagnostics.Recorder` passed to `fit(..., callback=...)`.
Layers are coloured from light (first) to dark (last) with the colour-blind-safe cividis map.

Example:
    >>> from course_utils import data
    >>> from course_utils.network import MLP, SGD, Recorder, fit
    >>> from course_utils.plotting.diagnostics import plot_training_diagnostics
    >>> split = data.load_digits(seed=0)
    >>> rec = Recorder(split.X_train[:200], split.y_train[:200], snapshots=(0, 20), every=10)
    >>> model = MLP([64, 32, 32, 32, 10], activation="tanh", init="lecun_normal", gain=5/3)
    >>> _ = fit(model, split.X_train[:640], split.y_train[:640], optimizer=SGD(0.05),
    ...         epochs=1, callback=rec, progress=False)
    >>> fig, axes = plot_training_diagnostics(rec)
    >>> sorted(axes), axes["ratio"].get_yscale()
    (['activations', 'gradients', 'loss', 'ratio', 'trouble'], 'log')
    >>> len(axes["activations"]), axes["activations"][1].get_title()
    (2, 'activations f(z) at step 20')
    >>> import matplotlib.pyplot as plt; plt.close(fig)
"""

from __future__ import annotations

import numbers

import matplotlib as mpl
import numpy as np

from ..network.stats import SATURATION
from ._style import style_axes, use_style

HEALTHY_RATIO = 1e-3
"""The update-to-data ratio ‖ΔW‖/‖W‖ per step that Karpathy's rule of thumb calls healthy."""

LOG_FLOOR = 1e-30  # |∂L/∂W| below this (exact zeros) is left out of the log-scale histograms
NOISE = 1e-16  # ... and so is anything below this fraction of the largest gradient (rounding)


def layer_colors(n: int) -> list:
    """n colours from light to dark on the cividis map (colour-blind safe, readable in grey)."""
    cmap = mpl.colormaps["cividis"]
    return [cmap(v) for v in np.linspace(0.78, 0.0, n)] if n > 1 else [cmap(0.3)]


def _choose_layers(n_hidden, layers):
    if layers is None:
        return sorted(set(np.linspace(1, n_hidden, min(5, n_hidden)).round().astype(int).tolist()))
    layers = list(layers)
    for i in layers:
        if isinstance(i, bool) or not isinstance(i, numbers.Integral) or not 1 <= i <= n_hidden:
            raise ValueError(f"plot_training_diagnostics: layers must be hidden layers 1 … "
                             f"{n_hidden}, got {i!r}")
    return layers


def _choose_steps(recorder, steps):
    available = sorted(recorder.snapshots)
    if not available:
        raise ValueError("plot_training_diagnostics: the recorder has no snapshot; pass "
                         "snapshots=(...) to Recorder, or call recorder.finish(model)")
    if steps is None:
        return available[:4] if len(available) <= 4 else [available[0], *available[-3:]]
    missing = [s for s in steps if s not in recorder.snapshots]
    if missing:
        raise ValueError(f"plot_training_diagnostics: no snapshot at step(s) {missing}; "
                         f"snapshots were taken at {available}")
    return list(steps)


def plot_training_diagnostics(recorder, layers=None, steps=None, title=None):
    """Activations, gradients, saturation/dead shares and update ratios per layer, in one figure.

    Row 1: the distribution of each chosen hidden layer's activations f(z) at each snapshot
    step (for sigmoid/tanh the saturated tails are shaded). Row 2: the distribution of each
    layer's weight gradients, as log10 |∂L/∂W| (a layer shifted to the left learns orders of
    magnitude more slowly). Row 3: the batch loss per step (log scale, with log(classes) for
    reference), the saturated (sigmoid/tanh) or dead (ReLU family) share of each hidden layer
    over training, and each layer's update-to-data ratio ‖ΔW‖/‖W‖ per step (log scale; the
    dashed line is the 1e-3 rule of thumb).

    Args:
        recorder: a `network.diagnostics.Recorder` that watched a `fit`.
        layers: 1-based hidden layers to show (default: up to 5, first to last).
        steps: snapshot steps for rows 1–2 (default: up to 4 of the recorder's snapshots).
        title: optional figure title.

    Returns:
        (fig, axes): axes is a dict "activations" and "gradients" (lists, one per step),
        "loss", "trouble" and "ratio".
    """
    if not getattr(recorder, "steps", None) or len(recorder.steps) < 2:
        raise ValueError("plot_training_diagnostics: the recorder has not watched a training "
                         "run yet; pass it to fit(..., callback=recorder)")
    n_hidden = len(recorder.activation_names)
    layers = _choose_layers(n_hidden, layers)
    steps = _choose_steps(recorder, steps)
    colors = dict(zip(layers, layer_colors(len(layers))))

    import matplotlib.pyplot as plt

    use_style()
    fig = plt.figure(figsize=(3.3 * max(len(steps), 3) + 0.8, 10.2), layout="constrained")
    top, bottom = fig.subfigures(2, 1, height_ratios=[2, 1])
    hist_axes = top.subplots(2, len(steps), squeeze=False)
    curve_axes = bottom.subplots(1, 3)
    axes = {"activations": list(hist_axes[0]), "gradients": list(hist_axes[1]),
            "loss": curve_axes[0], "trouble": curve_axes[1], "ratio": curve_axes[2]}
    _activation_row(recorder, axes["activations"], steps, layers, colors)
    _gradient_row(recorder, axes["gradients"], steps, layers, colors)
    _loss_panel(recorder, axes["loss"])
    _trouble_panel(recorder, axes["trouble"], layers, colors)
    _ratio_panel(recorder, axes["ratio"], layers, colors)
    handles = [mpl.lines.Line2D([], [], color=colors[i], linewidth=2, label=f"layer {i}")
               for i in layers]
    top.legend(handles=handles, loc="outside right upper", title="hidden layer")
    if title:
        fig.suptitle(title, fontsize=13)
    return fig, axes


def _activation_row(recorder, axes, steps, layers, colors):
    names = recorder.activation_names
    for ax, step in zip(axes, steps):
        values = recorder.snapshots[step]["activations"]
        bounded = [names[i - 1] for i in layers if names[i - 1] in SATURATION]
        for i in layers:
            a = values[i - 1].ravel()
            ax.hist(a, bins=50, range=_range(a, names[i - 1]), density=True, histtype="step",
                    color=colors[i], linewidth=1.6)
        if bounded and len(set(bounded)) == 1:
            _shade(ax, bounded[0])
        style_axes(ax, "activation f(z)", "density", title=f"activations f(z) at step {step}",
                   zero_lines=False, legend=False)


def _range(a, name):
    if name == "tanh":
        return (-1.0, 1.0)
    if name == "sigmoid":
        return (0.0, 1.0)
    return (float(np.min(a)), float(np.max(a))) if a.size else None


def _shade(ax, name):
    t = SATURATION[name]
    spans = [(-1.0, -t), (t, 1.0)] if name == "tanh" else [(0.0, t), (1.0 - t, 1.0)]
    for low, high in spans:
        ax.axvspan(low, high, color="0.88", zorder=0, linewidth=0)


def _gradient_row(recorder, axes, steps, layers, colors):
    for ax, step in zip(axes, steps):
        grads = recorder.snapshots[step]["gradients"]
        # Below 1e-16 of the largest gradient is rounding noise (e.g. the weights of an input
        # pixel that is the same for every digit), not a signal: left out.
        floor = max(LOG_FLOOR, NOISE * max(float(np.abs(g).max()) for g in grads))
        logs = {i: np.log10(np.abs(g[np.abs(g) > floor])) for i, g in
                ((i, grads[i - 1].ravel()) for i in layers)}
        finite = [v for v in logs.values() if v.size]
        if finite:
            low = np.floor(min(v.min() for v in finite))
            high = np.ceil(max(v.max() for v in finite))
            for i, v in logs.items():
                ax.hist(v, bins=50, range=(low, max(high, low + 1)), density=True,
                        histtype="step", color=colors[i], linewidth=1.6)
        style_axes(ax, "log10 |∂L/∂W| per weight", "density",
                   title=f"weight gradients at step {step}", zero_lines=False, legend=False)


def _loss_panel(recorder, ax):
    loss = recorder.batch_loss
    ax.plot(np.arange(1, loss.size + 1), loss, color="0.35", linewidth=1.0, label="batch loss")
    if recorder.loss.name == "cross_entropy":
        classes = recorder.n_outputs
        ax.axhline(np.log(classes), color="0.2", linestyle="--", linewidth=1.2,
                   label=f"log {classes} = {np.log(classes):.2f} (guessing)")
    finite = loss[np.isfinite(loss) & (loss > 0)]
    logy = finite.size > 0 and finite.max() > 3 * finite.min()  # a log axis over < 3× has no ticks
    if logy:
        ax.set_yscale("log")
        _plain_log_labels(ax)
    style_axes(ax, "step", "batch loss" + (" (log scale)" if logy else ""), title="loss per step",
               zero_lines=False, legend=True)


def _trouble_panel(recorder, ax, layers, colors):
    names = recorder.activation_names
    sat, dead = recorder.saturated, recorder.dead
    x = recorder.stat_steps
    for i in layers:
        values = sat[:, i - 1] if names[i - 1] in SATURATION else dead[:, i - 1]
        ax.plot(x, values, color=colors[i], linewidth=1.6, marker="o" if len(x) <= 12 else None,
                markersize=3)
    kinds = {"saturated" if names[i - 1] in SATURATION else "dead" for i in layers}
    what = " / ".join(sorted(kinds, reverse=True))
    ax.set_ylim(-0.03, 1.03)
    style_axes(ax, "step", f"{what} share of the layer", title=f"{what} units",
               zero_lines=False, legend=False)


def _ratio_panel(recorder, ax, layers, colors):
    ratio = recorder.update_ratio
    steps = np.arange(1, ratio.shape[0] + 1)
    for i in layers:
        shown = np.where(ratio[:, i - 1] > 0, ratio[:, i - 1], np.nan)
        ax.plot(steps, shown, color=colors[i], linewidth=1.2)
    ax.axhline(HEALTHY_RATIO, color="0.2", linestyle="--", linewidth=1.2)
    ax.text(0.01, HEALTHY_RATIO, " 1e-3", transform=ax.get_yaxis_transform(), ha="left",
            va="bottom", fontsize=9, color="0.2")
    ax.set_yscale("log")
    style_axes(ax, "step", "‖ΔW‖ / ‖W‖ per step (log scale)", title="update-to-data ratio",
               zero_lines=False, legend=False)


def _plain_log_labels(ax):
    """Tick labels 0.5, 1, 2 (not 5×10⁻¹) on a log axis: the loss is read as a plain number."""
    def label(value, _):
        mantissa = value / 10.0 ** np.floor(np.log10(value))
        return f"{value:g}" if np.isclose(mantissa, [1.0, 2.0, 5.0]).any() else ""

    ax.yaxis.set_major_formatter(mpl.ticker.FuncFormatter(label))
    ax.yaxis.set_minor_formatter(mpl.ticker.FuncFormatter(label))
