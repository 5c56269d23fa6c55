"""The softmax explorer: logit sliders and a temperature → probabilities as labelled bars."""

from __future__ import annotations

import math

import ipywidgets as W
import numpy as np
from matplotlib.ticker import MultipleLocator

from .. import activations
from .._validate import real, real_vector
from ..plotting import OKABE_ITO
from ._base import Explorer
from ._controls import DESCRIPTION_STYLE, float_slider

MAX_CLASSES = 10
T_MIN, T_MAX = 0.05, 20.0


class SoftmaxExplorer(Explorer):
    """See `softmax_explorer`."""

    kind = "SoftmaxExplorer"

    def __init__(self, logits=(2.0, 1.0, 0.1), temperature=1.0, labels=None):
        super().__init__()
        where = "softmax_explorer"
        logits = real_vector(logits, where, "logits", min_size=2, max_size=20)
        if logits.size > MAX_CLASSES:
            raise ValueError(f"{where}: logits can have at most {MAX_CLASSES} entries here, "
                             f"got {logits.size}")
        temperature = real(temperature, where, "temperature", above=0)
        n = logits.size
        self.labels = [f"class {i}" for i in range(n)] if labels is None else list(labels)
        if len(self.labels) != n:
            raise ValueError(f"{where}: labels has {len(self.labels)} names for {n} logits: "
                             f"{self.labels!r}")
        self.controls = {
            f"logit_{i}": float_slider(f"logit z{_sub(i)} ({self.labels[i]})", float(z),
                                       -6.0, 6.0, 0.1, readout_format=".1f")
            for i, z in enumerate(logits)
        }
        low = min(T_MIN, temperature)
        high = max(T_MAX, temperature)
        self.controls["temperature"] = W.FloatLogSlider(
            value=temperature, base=10, min=math.log10(low), max=math.log10(high), step=0.01,
            description="temperature T", readout_format=".2f", style=DESCRIPTION_STYLE,
            layout=W.Layout(width="340px"))
        self._build_figure()
        self._start()

    def _build_figure(self):
        n = len(self.labels)
        fig, (ax_z, ax_p) = self.new_figure(1, 2, figsize=(max(8.0, 1.3 * n + 4.5), 3.7),
                                            margins=(0.75, 0.3, 0.45, 0.45))
        self.ax_logits, self.ax_probs = ax_z, ax_p
        xs = np.arange(n)
        span = max(max(-s.min, s.max) for s in self._logit_controls()) + 0.6
        bars_z = ax_z.bar(xs, np.zeros(n), color=OKABE_ITO["orange"], width=0.6)
        bars_p = ax_p.bar(xs, np.zeros(n), color=OKABE_ITO["blue"], width=0.6)
        self.bars = {"logits": bars_z, "probabilities": bars_p}
        self.texts = {
            "logits": [ax_z.text(i, 0, "", ha="center", fontsize=10) for i in range(n)],
            "probabilities": [ax_p.text(i, 0, "", ha="center", va="bottom", fontsize=10)
                              for i in range(n)],
        }
        for ax in (ax_z, ax_p):
            ax.set_xticks(xs, self.labels)
            ax.grid(axis="x", visible=False)
            ax.set_xlim(-0.6, n - 0.4)
        ax_z.set_ylim(-span, span)
        ax_z.yaxis.set_major_locator(MultipleLocator(2.0 if span < 12 else 5.0))
        self.view_dependent(ax_z.axhline(0.0, color="0.45", linewidth=0.9, zorder=1))
        ax_p.set_ylim(0.0, 1.12)
        self.label_axes(ax_z, "", "logit z (any real number)", title="logits z")
        self.temperature_title = self.label_axes(ax_p, "", "probability",
                                                 title="softmax(z / T)")
        self.dynamic(*bars_z, *bars_p, *self.texts["logits"], *self.texts["probabilities"],
                     self.temperature_title)

    def _logit_controls(self):
        return [self.controls[f"logit_{i}"] for i in range(len(self.labels))]

    @property
    def logits(self) -> np.ndarray:
        """The current logits, from the sliders."""
        return np.array([s.value for s in self._logit_controls()])

    @property
    def probabilities(self) -> np.ndarray:
        """softmax(logits / temperature) for the current controls."""
        return activations.softmax(self.logits / self.controls["temperature"].value)

    def _redraw(self, changed):
        z, p = self.logits, self.probabilities
        for i, (bar_z, bar_p) in enumerate(zip(self.bars["logits"], self.bars["probabilities"])):
            bar_z.set_height(z[i])
            bar_p.set_height(p[i])
            tz = self.texts["logits"][i]
            tz.set_text(f"{z[i]:.1f}")
            tz.set_y(z[i] + (0.15 if z[i] >= 0 else -0.15))
            tz.set_va("bottom" if z[i] >= 0 else "top")
            tp = self.texts["probabilities"][i]
            tp.set_text(f"{p[i]:.3f}")
            tp.set_y(p[i] + 0.015)
        t = self.controls["temperature"].value
        self.temperature_title.set_text(f"T = {t:.2f}")

    def data(self) -> dict:
        """The drawn bar heights: {"logits": array, "probabilities": array}."""
        return {k: np.array([b.get_height() for b in bars]) for k, bars in self.bars.items()}

    def _layout(self):
        sliders = W.VBox(self._logit_controls())
        return W.VBox([W.HBox([sliders, self.controls["temperature"]],
                              layout=W.Layout(flex_flow="row wrap")),
                       self.output, self.status])

    def describe(self) -> str:
        z = ", ".join(f"{v:g}" for v in self.logits)
        p = ", ".join(f"{v:.3f}" for v in self.probabilities)
        t = self.controls["temperature"].value
        return (f"Softmax explorer: logits [{z}] at temperature {t:g} give probabilities "
                f"[{p}]. (Run the notebook to use the controls.)")


def _sub(i: int) -> str:
    return str(i).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def softmax_explorer(logits=(2.0, 1.0, 0.1), temperature=1.0, labels=None) -> SoftmaxExplorer:
    """Sliders for each logit and the temperature; bars show the logits and softmax(z / T).

    Controls (in `.controls`): "logit_0", "logit_1", ... and "temperature" (log scale,
    0.05 to 20). Each probability is printed on its bar.

    Args:
        logits: 2 to 10 starting logits (default (2.0, 1.0, 0.1)).
        temperature: starting temperature > 0 (default 1.0); T < 1 sharpens, T > 1 flattens.
        labels: class names (default "class 0", "class 1", ...).

    Returns:
        A SoftmaxExplorer; `.data()` gives the drawn bar heights, `.probabilities` the values.

    Example:
        >>> from course_utils import widgets
        >>> ex = widgets.softmax_explorer([2.0, 1.0, 0.1])
        >>> ex.data()["probabilities"].round(3)
        array([0.659, 0.242, 0.099])
        >>> ex.controls["temperature"].value = 10.0
        >>> ex.data()["probabilities"].round(3)
        array([0.366, 0.331, 0.303])
        >>> ex.close()
    """
    return SoftmaxExplorer(logits, temperature=temperature, labels=labels)
