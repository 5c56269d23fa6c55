"""Decision regions of a 2-D classifier, with the data on top (lessons 00 and 08)."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import LinearSegmentedColormap, ListedColormap

from ._style import PALETTE, new_figure, style_axes

MARKERS = ("o", "s", "^", "D", "v", "P")


def plot_decision_boundary(predict, X, y, ax=None, title=None, resolution=200, padding=0.5):
    """Shade what a classifier predicts over the plane and draw the data points on top.

    Args:
        predict: a function from an (n, 2) array of points to either probabilities of class 1
            (shape (n,), values in [0, 1]; shaded, with the 0.5 boundary drawn), class scores
            (shape (n, k); the arg-max class is shaded) or integer labels (shape (n,)).
        X: the data, shape (n, 2).
        y: integer class labels, shape (n,).
        ax: draw into this Axes (default: a new figure).
        title: optional title.
        resolution: grid points per side (default 200).
        padding: margin around the data (default 0.5).

    Returns:
        (fig, ax).

    Example:
        >>> import numpy as np
        >>> from course_utils import plotting
        >>> X = np.array([[0., 0.], [1., 1.]]); y = np.array([0, 1])
        >>> fig, ax = plotting.plot_decision_boundary(lambda P: (P.sum(1) > 1).astype(int), X, y)
        >>> ax.get_xlabel()
        'input x₁'
        >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary: X must have shape (n, 2), got {X.shape}")
    if y.shape != (X.shape[0],):
        raise ValueError(
            f"plot_decision_boundary: y must have shape ({X.shape[0]},) to match X, got {y.shape}"
        )
    if not callable(predict):
        raise ValueError(f"plot_decision_boundary: predict must be a function, got {predict!r}")
    lo, hi = X.min(axis=0) - padding, X.max(axis=0) + padding
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    out = np.asarray(predict(np.column_stack([g0.ravel(), g1.ravel()])))
    if ax is None:
        fig, ax = new_figure(figsize=(4.6, 4.2))
    classes = np.unique(y).astype(int)
    if out.ndim == 2 and out.shape[1] > 1:
        out = out.argmax(axis=1)
    out = out.reshape(g0.shape)
    if out.dtype.kind == "f":  # probability of class 1
        cmap = LinearSegmentedColormap.from_list("two_class", [PALETTE[0], "white", PALETTE[1]])
        ax.contourf(g0, g1, out, levels=np.linspace(0, 1, 11), cmap=cmap, alpha=0.45)
        if out.min() < 0.5 < out.max():
            ax.contour(g0, g1, out, levels=[0.5], colors="0.15", linewidths=1.5)
    else:
        n = int(max(out.max(), classes.max())) + 1
        cmap = ListedColormap([PALETTE[i % len(PALETTE)] for i in range(n)])
        ax.contourf(g0, g1, out, levels=np.arange(n + 1) - 0.5, cmap=cmap, alpha=0.3)
    for c in classes:
        pts = X[y == c]
        ax.scatter(pts[:, 0], pts[:, 1], s=28, color=PALETTE[c % len(PALETTE)],
                   marker=MARKERS[c % len(MARKERS)], edgecolors="white", linewidths=0.6,
                   label=f"class {c}", zorder=3)
    ax.set_aspect("equal", adjustable="box")
    ax.grid(False)
    style_axes(ax, "input x₁", "input x₂", title=title, zero_lines=False, legend=False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax.figure, ax
