"""Softmax as a picture: logits in, a bar chart of probabilities out (lesson 07)."""

from __future__ import annotations

import numpy as np

from .. import activations
from .._validate import real, real_vector
from ._style import OKABE_ITO, new_figure, style_axes


def softmax_with_temperature(logits, temperature=1.0) -> np.ndarray:
    """softmax(logits / temperature): T < 1 sharpens towards the largest logit, T > 1 flattens.

    Example:
        >>> from course_utils.plotting import softmax_with_temperature
        >>> softmax_with_temperature([2.0, 1.0, 0.1]).round(3)
        array([0.659, 0.242, 0.099])
    """
    logits = real_vector(logits, "softmax_with_temperature", "logits", min_size=2, max_size=20)
    temperature = real(temperature, "softmax_with_temperature", "temperature", above=0)
    return activations.softmax(logits / temperature)


def plot_softmax(logits, temperature=1.0, ax=None, labels=None):
    """Bar chart of softmax(logits / temperature), each bar labelled with its probability.

    Args:
        logits: 1-D list of 2 to 20 real numbers (the scores before softmax).
        temperature: a number > 0 (default 1.0).
        ax: draw into this Axes (default: a new figure).
        labels: one name per class (default "class 0", "class 1", ...).

    Returns:
        (fig, ax, bars): `bars` is the BarContainer; bar heights are the probabilities.

    Example:
        >>> from course_utils import plotting
        >>> fig, ax, bars = plotting.plot_softmax([2.0, 1.0, 0.1])
        >>> [round(float(b.get_height()), 3) for b in bars]
        [0.659, 0.242, 0.099]
        >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    logits = real_vector(logits, "plot_softmax", "logits", min_size=2, max_size=20)
    temperature = real(temperature, "plot_softmax", "temperature", above=0)
    labels = [f"class {i}" for i in range(logits.size)] if labels is None else list(labels)
    if len(labels) != logits.size:
        raise ValueError(
            f"plot_softmax: labels has {len(labels)} names for {logits.size} logits: {labels!r}"
        )
    probs = activations.softmax(logits / temperature)
    if ax is None:
        fig, ax = new_figure(figsize=(1.0 * logits.size + 2.5, 3.6))
    bars = ax.bar(labels, probs, color=OKABE_ITO["blue"], width=0.6)
    ax.bar_label(bars, labels=[f"{p:.3f}" for p in probs], padding=2)
    ax.set_ylim(0, 1.1)
    ax.grid(axis="x", visible=False)
    style_axes(ax, "class", "probability", title=f"softmax(logits / T), T = {temperature:g}",
               zero_lines=False, legend=False)
    return ax.figure, ax, bars
