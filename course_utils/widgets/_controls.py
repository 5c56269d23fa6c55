"""Controls the explorers share: a checkbox group with a `value` tuple, and slider factories."""

from __future__ import annotations

import ipywidgets as W
import traitlets

DESCRIPTION_STYLE = {"description_width": "initial"}


class CheckboxGroup(W.VBox):
    """Several checkboxes that act as one control: `value` is the tuple of ticked options.

    Friendlier than a multiple-selection list (no Ctrl-click): tick the curves you want.
    Setting `value` in code ticks the boxes; an option that is not offered is a ValueError.

    Args:
        options: the choices, as values or (label, value) pairs.
        value: the ticked values (default none).
        description: a heading shown above the boxes.
        columns: boxes per row (default 5).

    Example:
        >>> group = CheckboxGroup(["tanh", "relu"], value=("relu",), description="overlay")
        >>> group.value = ("tanh", "relu")
        >>> group.value
        ('tanh', 'relu')
    """

    value = traitlets.Tuple()

    def __init__(self, options, value=(), description: str = "", columns: int = 5, **kwargs):
        pairs = [o if isinstance(o, tuple) else (str(o), o) for o in options]
        self.options = tuple(v for _, v in pairs)
        self.description = description
        self._syncing = False
        self._boxes = {
            v: W.Checkbox(value=False, description=label, indent=False,
                          layout=W.Layout(width="auto", margin="0 12px 0 0"))
            for label, v in pairs
        }
        grid = W.GridBox(list(self._boxes.values()), layout=W.Layout(
            grid_template_columns=f"repeat({columns}, max-content)", grid_gap="0 4px"))
        heading = W.HTML(f"<b>{description}</b>") if description else W.HTML()
        super().__init__([heading, grid], **kwargs)
        for box in self._boxes.values():
            box.observe(self._box_changed, names="value")
        self.value = tuple(value)

    @traitlets.validate("value")
    def _check(self, proposal):
        wanted = proposal["value"]
        if isinstance(wanted, str):
            wanted = (wanted,)
        unknown = [v for v in wanted if v not in self.options]
        if unknown:
            raise ValueError(
                f"{self.description or 'CheckboxGroup'}: {unknown[0]!r} is not one of the "
                f"options {list(self.options)}"
            )
        return tuple(o for o in self.options if o in set(wanted))  # canonical order

    @traitlets.observe("value")
    def _value_changed(self, change):
        self._syncing = True
        try:
            for option, box in self._boxes.items():
                box.value = option in change["new"]
        finally:
            self._syncing = False

    def _box_changed(self, change):
        if not self._syncing:
            self.value = tuple(o for o, box in self._boxes.items() if box.value)

    def __repr__(self) -> str:
        return f"CheckboxGroup(description={self.description!r}, value={self.value!r})"


def float_slider(description, value, low, high, step, readout_format=".2f", **kw):
    """A FloatSlider whose range is widened to include `value` (a user's value is never clipped)."""
    low, high = min(low, value), max(high, value)
    return W.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                         readout_format=readout_format, continuous_update=True,
                         style=DESCRIPTION_STYLE, layout=W.Layout(width="340px"), **kw)


def range_slider(description, value, low=-10.0, high=10.0, step=0.5):
    """A FloatRangeSlider for an x-range, widened to include `value`."""
    low, high = min(low, value[0]), max(high, value[1])
    return W.FloatRangeSlider(value=value, min=low, max=high, step=step, description=description,
                              readout_format=".1f", continuous_update=True,
                              style=DESCRIPTION_STYLE, layout=W.Layout(width="340px"))


def checkbox(description, value):
    """A Checkbox with its label beside it (no indent)."""
    return W.Checkbox(value=bool(value), description=description, indent=False,
                      layout=W.Layout(width="auto"))
