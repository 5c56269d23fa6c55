"""plot_layer_histograms (lessons 08–09): every panel's count axis is readable (tick values)."""

from __future__ import annotations

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from course_utils.network import MLP  # noqa: E402
from course_utils.plotting.training import plot_layer_histograms  # noqa: E402


def test_the_count_axes_have_tick_values():
    model = MLP([3, 16, 16, 16, 2], activation="tanh", init="xavier_normal", seed=0)
    fig, axes, stats = plot_layer_histograms(model, np.random.default_rng(0).normal(size=(200, 3)))
    fig.canvas.draw()
    assert axes[0].get_ylabel() == "count"
    for ax in axes:
        ticks = [t for t in ax.get_yticks() if ax.get_ylim()[0] <= t <= ax.get_ylim()[1]]
        labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
        assert len(ticks) >= 2 and labels, ax.get_title()
        assert max(ticks) <= max(p.get_height() for p in ax.patches) * 1.2   # counts, not densities
    plt.close(fig)
