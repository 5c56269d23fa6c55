"""The playground's figure (lesson 12): built once, then redrawn cheaply frame after frame.

Left, P(class 1) over the plane (a pale blue-white-orange heatmap) with the decision boundary and
the training (white edge) and test (dark edge) points; right, stacked over the training steps,
the losses, every layer's ‖∂L/∂W‖ on a log scale and the dead or saturated share of every hidden
layer; optionally, a row with each first-layer unit over the plane. All of it is drawn from the
engine (`network.playground.Playground`): no math here. Axes sit at fixed places in inches, so
the cached layers of `Explorer` stay valid; live frames are JPEG, the stored snapshot a PNG
with the status line drawn into its top band.
"""

from __future__ import annotations

import io
import textwrap

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap, to_rgb
from matplotlib.lines import Line2D
from PIL import Image

from ..plotting import PALETTE
from ._base import FAST_PNG, Explorer, fit_limits

RESOLUTION = 50  # grid points per side of the boundary map
MAP_OPACITY = 0.55  # how strongly the probabilities colour the map
SNAPSHOT_BAND = 0.4  # inches on top of the figure for the stored snapshot's status line
JPEG_QUALITY = 85  # live frames (lines and text stay crisp enough at 100 dpi)
CLASS_MARKERS = ("o", "s")
LAYER_CMAP = "viridis"  # ordered colours, layer 1 dark to the last hidden layer light


def nice_top(value: float) -> float:
    """The smallest of 100, 200, 500, 1000, 2000, ... above `value` (the steps axis's end).

    Example:
        >>> nice_top(0), nice_top(101), nice_top(480), nice_top(1000)
        (100.0, 200.0, 500.0, 1000.0)
    """
    top = 100.0
    while top < value:
        top = top * 2.5 if str(int(top))[0] == "2" else top * 2
    return top


def layer_colors(depth: int) -> list:
    """One colour per hidden layer (ordered: first dark, last light), then black for the output."""
    from matplotlib import colormaps

    cmap = colormaps[LAYER_CMAP]
    return [cmap(0.8 * i / max(depth - 1, 1)) for i in range(depth)] + ["black"]


class PlaygroundView(Explorer):
    """The figure and the status text of a playground (see `widgets.playground`)."""

    def __init__(self, trainer, units: bool = False):
        super().__init__()
        self.trainer = trainer
        self.show_units = bool(units)
        self.frames = 0  # frames drawn (for tests and benchmarks)
        self._layers_for = None  # the (depth, health) the per-layer lines were made for

    # --- figure ----------------------------------------------------------------------
    def _make_figure(self):
        base = 1.5 if self.show_units else 0.0  # room for the row of unit maps
        width, height = 10.6, base + 5.7
        fig, _ = self.new_figure(figsize=(width, height))
        fig.clear()
        self._dynamic.clear()
        bottom = base + 1.0

        def inch(x, y, w, h):  # axes placed in inches: the layout never moves between frames
            return [x / width, y / height, w / width, h / height]

        self.ax_map = fig.add_axes(inch(0.7, bottom, 3.9, 3.9))
        right = [fig.add_axes(inch(5.55, bottom + k * 1.42, 3.3, 1.06)) for k in (2, 1, 0)]
        self.ax_loss, self.ax_grad, self.ax_health = right
        for ax in fig.axes:
            ax.locator_params(nbins=5)
        ax = self.ax_map
        ax.set_title("P(class 1) and the decision boundary", loc="left", y=1.01, fontsize=11)
        self.label_axes(ax, "input x₁ (standardised)", "input x₂ (standardised)")
        # The course's two-class colours, pale (mixed with white beforehand: an opaque image
        # draws faster than a transparent one), interpolated as probabilities, then coloured.
        pale = [to_rgb(c) for c in (PALETTE[0], "white", PALETTE[1])]
        pale = [tuple(MAP_OPACITY * v + (1 - MAP_OPACITY) for v in c) for c in pale]
        cmap = LinearSegmentedColormap.from_list("two_class_pale", pale)
        self.heatmap = ax.imshow(np.full((2, 2), 0.5), cmap=cmap, vmin=0.0, vmax=1.0,
                                 origin="lower", interpolation="bilinear",
                                 interpolation_stage="data", aspect="equal")
        self.boundary = LineCollection([], colors="0.1", linewidths=1.6)
        ax.add_collection(self.boundary)
        self.points = {}
        for k in (0, 1):
            for part, edge, size in (("train", "white", 30), ("test", "0.1", 30)):
                self.points[part, k] = ax.scatter(
                    [], [], s=size, marker=CLASS_MARKERS[k], color=PALETTE[k],
                    edgecolors=edge, linewidths=0.9, zorder=3)
        self.dynamic(self.heatmap, self.boundary, *self.points.values())
        ax.grid(False)
        handles = [Line2D([], [], marker=CLASS_MARKERS[k], color=PALETTE[k], linestyle="",
                          markersize=7, label=f"class {k}") for k in (0, 1)]
        handles += [Line2D([], [], marker="o", color="0.6", markeredgecolor=edge, linestyle="",
                           markersize=7, markeredgewidth=1.2, label=label)
                    for edge, label in (("white", "training point"),
                                        ("0.1", "test point (dark edge)"))]
        self.set_legend(ax, handles, loc="upper left", bbox_to_anchor=(-0.02, -0.13), ncol=4,
                        handletextpad=0.2, columnspacing=0.9, borderaxespad=0.0, fontsize=9)

        steps = "training step"
        self.ax_loss.set_title("loss (cross-entropy)", loc="left", y=1.0, fontsize=11)
        (self.lines["train_loss"],) = self.ax_loss.plot([], [], color="0.15", linewidth=1.8,
                                                        label="training")
        (self.lines["test_loss"],) = self.ax_loss.plot([], [], color=PALETTE[3], linewidth=1.8,
                                                       linestyle=(0, (4, 2)), label="test")
        self.dynamic(self.lines["train_loss"], self.lines["test_loss"])
        self.set_legend(self.ax_loss, [self.lines["train_loss"], self.lines["test_loss"]],
                        loc="upper left", bbox_to_anchor=(1.02, 1.05), borderaxespad=0.0)
        self.ax_grad.set_title("‖∂L/∂W‖ per layer (log scale)", loc="left", y=1.0, fontsize=11)
        self.ax_grad.set_yscale("log")
        self.ax_health.set_ylim(-0.04, 1.04)
        self.ax_health.set_yticks([0, 0.5, 1])
        self.health_title = self.ax_health.set_title("", loc="left", y=1.0, fontsize=11)
        for ax in right:
            ax.set_xlim(0, 100)
        self.ax_health.text(0.5, 0.0, steps, ha="center", va="top", fontsize=11,
                            transform=self._offset(self.ax_health, y=-0.3))
        for ax in right[:2]:
            ax.tick_params(labelbottom=False)
        self.snapshot_text = fig.text(0.07 / width, 1 - 0.08 / height, "", ha="left", va="top",
                                      fontsize=10, visible=False)
        if self.show_units:
            self.ax_units = fig.add_axes(inch(0.7, 0.25, 8.15, 1.0))
            self.ax_units.set_title("each unit of hidden layer 1 over the same plane (dark: its "
                                    "lowest output, light: its highest)", loc="left", y=1.02,
                                    fontsize=10)
            self.ax_units.xaxis.set_visible(False)
            self.ax_units.yaxis.set_visible(False)
            for spine in self.ax_units.spines.values():
                spine.set_visible(False)
            self.units_image = self.ax_units.imshow(np.zeros((2, 2)), cmap="cividis", vmin=0.0,
                                                    vmax=1.0, origin="lower", aspect="equal",
                                                    interpolation="nearest")
            self.dynamic(self.units_image)

    def _offset(self, ax, x=0.0, y=0.0):
        from matplotlib.transforms import offset_copy

        return offset_copy(ax.transAxes, ax.figure, x=x, y=y, units="inches")

    def _make_layer_lines(self):
        """Per-layer lines for the current depth and activation (after a reset)."""
        depth, health = self.trainer.settings["depth"], self.trainer.health
        if self._layers_for == (depth, health):
            return
        for line in [v for k, v in self.lines.items() if k.startswith(("grad.", "health."))]:
            self._dynamic.remove(line)
            line.remove()
        self.lines = {k: v for k, v in self.lines.items()
                      if not k.startswith(("grad.", "health."))}
        colors = layer_colors(depth)
        grad_lines = []
        for i, color in enumerate(colors):
            label = f"layer {i + 1}" if i < depth else f"layer {i + 1} (output)"
            style = dict(linestyle=(0, (4, 2))) if i == depth else {}
            (line,) = self.ax_grad.plot([], [], color=color, linewidth=1.7, label=label, **style)
            self.lines[f"grad.{i + 1}"] = line
            grad_lines.append(line)
            if i < depth:
                (h,) = self.ax_health.plot([], [], color=color, linewidth=1.7)
                self.lines[f"health.{i + 1}"] = h
        self.dynamic(*[v for k, v in self.lines.items() if k.startswith(("grad.", "health."))])
        shown = grad_lines if depth <= 6 else grad_lines[:3] + grad_lines[-3:]
        self.set_legend(self.ax_grad, shown, loc="upper left", bbox_to_anchor=(1.02, 1.25),
                        borderaxespad=0.0, fontsize=9, handlelength=1.6, labelspacing=0.3)
        self.health_title.set_text(
            "saturated outputs per layer (|a| in the flat tails)" if health == "saturated"
            else "dead units per layer (slope 0 on every training point)")
        self._layers_for = (depth, health)
        self.invalidate("static")

    # --- drawing ---------------------------------------------------------------------
    def _draw_frame(self):
        t = self.trainer
        self._make_layer_lines()
        maps = t.maps(RESOLUTION)
        prob = maps["probability"]
        low, high = t.extent
        self.heatmap.set_data(prob)
        self.boundary.set_segments(self._contour(prob, low, high))
        if self.heatmap.get_extent() != [low, high, low, high]:  # a new problem
            self.heatmap.set_extent((low, high, low, high))
            self.ax_map.set_xlim(low, high)
            self.ax_map.set_ylim(low, high)
            self.invalidate("y")
        split = t.split
        for (part, k), points in self.points.items():
            X, y = (split.X_train, split.y_train) if part == "train" else (split.X_test, split.y_test)
            points.set_offsets(X[y == k])
        h = t.history
        steps = np.asarray(h.step, dtype=float)
        self.lines["train_loss"].set_data(steps, h.train_loss)
        self.lines["test_loss"].set_data(steps, h.test_loss)
        grads = h.as_array("grad_norm")
        key = t.health
        health = h.as_array(key)
        for i in range(grads.shape[1]):
            self.lines[f"grad.{i + 1}"].set_data(steps, np.where(grads[:, i] > 0, grads[:, i], np.nan))
            if i < health.shape[1]:
                self.lines[f"health.{i + 1}"].set_data(steps, health[:, i])
        self._fit_axes(steps, h, grads)
        if self.show_units:
            self._draw_units(maps["units"])
        self._set_status()
        self.frames += 1

    def _contour(self, prob, low, high):
        import contourpy

        axis = np.linspace(low, high, prob.shape[0])
        if not prob.min() < 0.5 < prob.max():
            return []
        return contourpy.contour_generator(axis, axis, prob).lines(0.5)

    def _fit_axes(self, steps, h, grads):
        last = steps[-1] if steps.size else 0.0
        xlim = self.ax_loss.get_xlim()
        if last > xlim[1] or xlim[1] > max(100.0, 5 * last):
            top = nice_top(last)
            for ax in (self.ax_loss, self.ax_grad, self.ax_health):
                ax.set_xlim(0, top)
            self.invalidate("x")
        losses = np.concatenate([h.train_loss, h.test_loss])
        low, high = fit_limits([losses[np.isfinite(losses)], [0.0]], self.ax_loss.get_ylim(),
                               sticky=True, min_fill=0.4)
        if (low, high) != self.ax_loss.get_ylim():
            self.ax_loss.set_ylim(low, high)
            self.invalidate("y")
        positive = grads[np.isfinite(grads) & (grads > 0)]
        if positive.size:
            current = tuple(np.log10(self.ax_grad.get_ylim()))
            lo, hi = fit_limits([np.log10(positive)], current, sticky=True, min_fill=0.3)
            limits = (10.0 ** np.floor(lo), 10.0 ** np.ceil(hi))
            if limits != self.ax_grad.get_ylim():
                self.ax_grad.set_ylim(*limits)
                self.invalidate("y")

    def _draw_units(self, units):
        """The first hidden layer's units side by side, each scaled to its own range."""
        width, res = units.shape[0], units.shape[1]
        low = units.min(axis=(1, 2), keepdims=True)
        span = units.max(axis=(1, 2), keepdims=True) - low
        scaled = (units - low) / np.where(span > 0, span, 1.0)
        gap = np.full((width, res, 4), np.nan)
        tiles = np.concatenate([scaled, gap], axis=2)
        mosaic = np.concatenate(list(tiles), axis=1)[:, :-4]
        self.units_image.set_data(np.ma.masked_invalid(mosaic))
        self.units_image.set_extent((0, mosaic.shape[1], 0, res))
        self.ax_units.set_xlim(0, max(mosaic.shape[1], 8 * (res + 4)))
        self.ax_units.set_ylim(0, res)

    def _set_status(self):
        """Show the status line (the widget puts it in its HTML)."""

    def status_text(self) -> str:
        """The status line as plain text: step, losses, test accuracy, per-layer units, diagnosis."""
        st = self.trainer.state
        key = self.trainer.health
        shares = " · ".join("–" if np.isnan(v) else f"{100 * v:.0f} %" for v in st[key])
        line = (f"step {st['step']} · training loss {st['train_loss']:.3f} · test loss "
                f"{st['test_loss']:.3f} · test accuracy {st['test_accuracy']:.3f} · {key} per "
                f"layer: {shares}")
        return line + (f"\n{st['diagnosis']}" if st["diagnosis"] else "")

    def _encode(self, level: int) -> bytes:
        # Live frames are JPEG: ~4 ms to encode where a PNG of this figure takes ~13 ms, the
        # biggest share of a frame. The stored snapshot (and `png()`) stay PNG.
        if level != FAST_PNG:
            return super()._encode(level)
        canvas = self.fig.canvas
        # Read the RGBA buffer as RGB directly (the alpha byte skipped while unpacking).
        width, height = canvas.get_width_height()
        image = Image.frombuffer("RGB", (width, height), canvas.buffer_rgba(), "raw", "RGBX", 0, 1)
        # Without the band on top that only the stored snapshot uses (for its status line).
        image = image.crop((0, int(SNAPSHOT_BAND * self.fig.dpi), width, height))
        buf = io.BytesIO()
        image.save(buf, format="jpeg", quality=JPEG_QUALITY)
        return buf.getvalue()

    def _stored_bundle(self, include=None, exclude=None):
        """The output bundle with a PNG snapshot that carries the status line in its top band."""
        first, _, diagnosis = self.status_text().partition("\n")
        lines = [first] + textwrap.wrap(f"Diagnosis: {diagnosis}", 150) if diagnosis else [first]
        self.snapshot_text.set_text("\n".join(lines[:3]))
        self.snapshot_text.set_visible(True)
        self.fig.draw_artist(self.snapshot_text)
        try:
            return super()._repr_mimebundle_(include, exclude)
        finally:
            self.snapshot_text.set_visible(False)
            self._render()
