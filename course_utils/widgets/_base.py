"""`Explorer`: the base of every interactive explorer (controls + one figure, redrawn cheaply).

How it works, and why:
- One matplotlib `Figure` per explorer, built once and never through pyplot, so the inline
  backend never shows a stray copy and nothing depends on ipympl. Each change updates artist
  data in place (`set_ydata`, `set_height`, `set_text`), renders with Agg and puts the PNG into
  an `ipywidgets.Output` by setting its `outputs` directly. That works the same in JupyterLab,
  Notebook 7, VS Code and Colab, and emits nothing into the cell's own output, so stored
  notebooks stay identical between runs (nbval compares them).
- Rendering is layered (blitting), each layer cached as a bitmap over the ones below it:
  "static" (frames, labels, titles), "legend", "y" (y ticks and grid), "x" (x ticks and grid,
  zero lines), then the *dynamic* artists (curves, bars, readouts) drawn every frame.
  A change re-renders only from the lowest stale layer up: a slider that moves a curve costs
  the curve plus the PNG encoding; a new x-range redraws the x ticks; a ticked checkbox the
  legend. Text is the expensive part of a matplotlib frame, so it is drawn as rarely as
  possible.
- `_repr_mimebundle_` returns the live widget plus a static `image/png` and a deterministic
  `text/plain`, so GitHub and nbviewer (no kernel, no widget state) still show the figure.

A subclass sets `self.controls` (name → ipywidget), builds its figure with `self.new_figure`
and `self.label_axes`, registers the artists that change with `self.dynamic(...)`, implements
`_redraw(changed)` (update artists from the controls; after changing limits call
`self.invalidate("x")` / `("y")`, after a new legend use `self.set_legend`, after changing a
static artist `self.invalidate("static")`) and `describe()`, then calls `self._start()`.
"""

from __future__ import annotations

import base64
import contextlib
import html
import io

import ipywidgets as W
import numpy as np
from PIL import Image

from ..plotting import new_figure

# Bottom to top. Legends sit outside the axes, so they go below the ticks: a new x-range then
# redraws only the x ticks, not the legend.
LAYERS = ("static", "legend", "y", "x")
FAST_PNG = 1  # zlib level while dragging: encoding time matters more than bytes
STORED_PNG = 6  # for the static fallback stored in the notebook: bytes matter


class Explorer:
    """Controls plus one figure; `update()` redraws only what the changed controls affect.

    Attributes:
        controls: dict name → ipywidget; set `.value` to drive the explorer from code.
        lines: dict name → matplotlib Line2D, for tests and for reading the plotted data.
        widget: the ipywidgets container (controls, figure, messages).
        fig: the matplotlib Figure.
    """

    kind = "Explorer"
    figure_note = "Figure: interactive explorer (run the notebook to use the controls)"

    def __init__(self):
        self.controls: dict = {}
        self.lines: dict = {}
        self.fig = None
        self.output = W.Output(layout=W.Layout(min_height="200px"))
        self.status = W.HTML(layout=W.Layout(display="none"))
        self.widget = None
        self._dynamic: list = []
        self._layers: dict = {name: [] for name in LAYERS[1:]}  # "static" = the rest
        self._cache: dict = {}  # layer name → bitmap of the figure up to that layer
        self._holding = 0
        self._keys: dict = {}

    # --- for subclasses --------------------------------------------------------------
    def new_figure(self, nrows=1, ncols=1, figsize=(8.0, 3.8), margins=(0.75, 1.9, 0.6, 0.4),
                   **kw):
        """A standalone figure with fixed margins in inches (left, right, bottom, top).

        Fixed margins (no layout engine) keep every frame's axes in the same place, which
        the layered redraw relies on, and skip the layout cost on each update.
        """
        fig, axes = new_figure(nrows, ncols, pyplot=False, figsize=figsize, layout="none", **kw)
        left, right, bottom, top = margins
        width, height = figsize
        fig.subplots_adjust(left=left / width, right=1 - right / width,
                            bottom=bottom / height, top=1 - top / height, wspace=0.35)
        for ax in fig.axes:
            ax.locator_params(nbins=6)  # every tick is 3 artists redrawn when limits move
        self.fig = fig
        return fig, axes

    def label_axes(self, ax, xlabel: str, ylabel: str, title: str | None = None,
                   title_right: str | None = None):
        """Axis labels and titles drawn once, in the static layer.

        Matplotlib draws axis labels with the ticks, so they would be re-rendered whenever the
        limits change; here they are plain texts at fixed offsets from the axes instead (the
        margins are fixed anyway). Returns the right-hand title Text (register it with
        `dynamic` if it changes, e.g. to show a parameter's value).
        """
        from matplotlib.transforms import offset_copy

        fig = ax.figure
        ax.text(0.5, 0.0, xlabel, ha="center", va="top", fontsize=11,
                transform=offset_copy(ax.transAxes, fig, y=-0.3, units="inches"))
        ax.text(0.0, 0.5, ylabel, ha="center", va="bottom", rotation=90, fontsize=11,
                rotation_mode="anchor",
                transform=offset_copy(ax.transAxes, fig, x=-0.48, units="inches"))
        if title is not None:
            ax.set_title(title, loc="left", y=1.02)
        right = ax.set_title(title_right or "", loc="right", y=1.02, fontsize=11)
        ax.set_title("", loc="center", y=1.02)  # fixed title position: no per-frame layout
        return right

    def dynamic(self, *artists):
        """Register artists that change on updates (drawn every frame)."""
        for artist in artists:
            artist.set_animated(True)
            self._dynamic.append(artist)

    def view_dependent(self, *artists, layer: str = "x"):
        """Register artists whose place depends on the axes limits (e.g. zero lines)."""
        for artist in artists:
            artist.set_animated(True)
            self._layers[layer].append(artist)

    def set_legend(self, ax, handles, **kwargs):
        """Replace `ax`'s legend (drawn in the legend layer; place it outside the axes)."""
        old = ax.get_legend()
        if old is not None:
            if old in self._layers["legend"]:
                self._layers["legend"].remove(old)
            old.remove()
        legend = None
        if handles:
            legend = ax.legend(handles=handles, **kwargs)
            legend.set_animated(True)
            self._layers["legend"].append(legend)
        self.invalidate("legend")
        return legend

    def invalidate(self, layer: str = "static") -> None:
        """Mark a layer and every layer above it stale: "x" / "y" after changing those limits,
        "legend" after a new legend, "static" (default) after anything else."""
        for name in LAYERS[LAYERS.index(layer):]:
            self._cache.pop(name, None)

    def _redraw(self, changed: set) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self) -> str:
        """One line of plain text saying what the explorer shows (deterministic)."""
        return f"{self.kind}()"

    def _layout(self) -> W.Widget:
        """The container: controls above the figure (subclasses may rearrange)."""
        row = W.HBox(list(self.controls.values()), layout=W.Layout(flex_flow="row wrap"))
        return W.VBox([row, self.output, self.status])

    def _start(self) -> None:
        """Wire the controls, build the container and draw the first frame."""
        for key, control in self.controls.items():
            self._keys[id(control)] = key
            control.observe(self._on_change, names="value")
        for ax in self.fig.axes:
            for axis in (ax.xaxis, ax.yaxis):
                axis.set_animated(True)
            # Fixed label spots: matplotlib otherwise measures every tick label again to
            # place the (here unused) axis labels, on every draw.
            ax.xaxis.set_label_coords(0.5, -0.1)
            ax.yaxis.set_label_coords(-0.1, 0.5)
            self._layers["y"].insert(0, ax.yaxis)
            self._layers["x"].insert(0, ax.xaxis)  # ticks and grid first, zero lines over them
        self.widget = self._layout()
        self.update()

    # --- public ----------------------------------------------------------------------
    def update(self, changed=None) -> None:
        """Redraw from the controls' values (`changed`: names of the controls that moved;
        default all) and show the new frame."""
        changed = set(self.controls) if changed is None else set(changed)
        self._redraw(changed)
        self._render()

    def data(self) -> dict:
        """The plotted data of every visible line: name → (x, y) arrays (copies)."""
        return {
            key: (np.array(line.get_xdata(), dtype=float), np.array(line.get_ydata(), dtype=float))
            for key, line in self.lines.items()
            if line.get_visible()
        }

    def close(self) -> None:
        """Close the widgets (frees the front-end models)."""
        def close(widget):
            for child in getattr(widget, "children", ()):
                close(child)
            widget.close()

        if self.widget is not None:
            close(self.widget)

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude) or {}
        bundle["text/plain"] = self.describe()
        bundle["image/png"] = base64.b64encode(self._encode(STORED_PNG)).decode("ascii")
        return bundle

    def __repr__(self) -> str:
        return self.describe()

    # --- machinery -------------------------------------------------------------------
    @contextlib.contextmanager
    def hold(self):
        """Change several controls from code without an update per change."""
        self._holding += 1
        try:
            yield
        finally:
            self._holding -= 1

    def _on_change(self, change) -> None:
        if self._holding:
            return
        key = self._keys.get(id(change["owner"]))
        try:
            self.update({key})
        except Exception as err:  # show it beside the figure instead of losing it in a log
            self.status.value = (
                f"<span style='color:#D55E00'><b>Could not redraw:</b> "
                f"{html.escape(str(err))}</span>"
            )
            self.status.layout.display = None
        else:
            if self.status.value:
                self.status.value = ""
                self.status.layout.display = "none"

    def _render(self) -> None:
        canvas = self.fig.canvas
        stale = [name for name in LAYERS if name not in self._cache]
        if stale:
            first = LAYERS.index(stale[0])
            if first == 0:
                canvas.draw()  # animated artists are skipped: this is the static layer
                self._cache["static"] = canvas.copy_from_bbox(self.fig.bbox)
                first = 1
            else:
                canvas.restore_region(self._cache[LAYERS[first - 1]])
            for name in LAYERS[first:]:
                for artist in self._layers[name]:
                    if artist.get_visible():
                        self.fig.draw_artist(artist)
                self._cache[name] = canvas.copy_from_bbox(self.fig.bbox)
        else:
            canvas.restore_region(self._cache[LAYERS[-1]])
        for artist in self._dynamic:
            if artist.get_visible():
                self.fig.draw_artist(artist)
        self._show(self._encode(FAST_PNG))

    def _show(self, png: bytes) -> None:
        """Put a new frame on screen (here: as the Output's only display_data)."""
        self.output.outputs = ({
            "output_type": "display_data",
            "data": {"image/png": base64.b64encode(png).decode("ascii"),
                     "text/plain": self.figure_note},
            "metadata": {},
        },)

    def _encode(self, level: int) -> bytes:
        canvas = self.fig.canvas
        image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(),
                                 "raw", "RGBA", 0, 1).convert("RGB")
        buf = io.BytesIO()
        image.save(buf, format="png", compress_level=level)
        return buf.getvalue()


def fit_limits(arrays, current=None, pad: float = 0.08, sticky: bool = False,
               min_fill: float = 0.5):
    """Axis limits covering `arrays` with a margin.

    With `sticky`, `current` is kept while it still covers the data and the data fill at least
    `min_fill` of it: limits then move in steps, not on every frame (steadier to watch, and
    cheaper: unchanged limits mean no tick re-rendering).

    Returns:
        (low, high).

    Example:
        >>> fit_limits([[0.0, 1.0]])
        (-0.08, 1.08)
        >>> fit_limits([[0.0, 2.0]], current=(-1.0, 2.5), sticky=True)
        (-1.0, 2.5)
        >>> fit_limits([[0.0, 0.5]], current=(-1.0, 2.5), sticky=True)   # too empty: refit
        (-0.04, 0.54)
    """
    values = [np.asarray(a, dtype=float) for a in arrays if np.size(a)]
    finite = [v[np.isfinite(v)] for v in values]
    finite = [v for v in finite if v.size]
    if not finite:
        return current if current is not None else (-1.0, 1.0)
    low = min(float(v.min()) for v in finite)
    high = max(float(v.max()) for v in finite)
    span = high - low if high > low else max(abs(high), 1.0)
    if sticky and current is not None:
        if current[0] <= low and high <= current[1]:
            if high - low >= min_fill * (current[1] - current[0]):
                return current
        else:  # growing: leave headroom so the next small step needs no new limits
            pad = max(pad, 0.2)
    return (round(low - pad * span, 10), round(high + pad * span, 10))
