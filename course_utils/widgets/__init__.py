"""Interactive explorers (ipywidgets): move a slider, watch the curve change.

Every explorer is an object with `.widget` (the ipywidgets container), `.controls` (the
ipywidgets by name: set `.value` to drive it from code), `.update()`, `.lines` and `.data()`
(the plotted curves) and a static PNG fallback, so the figure is still there on GitHub or
nbviewer where no kernel runs. They use the default inline backend (no ipympl).

    activation_explorer(name="relu", overlay=(), x_range=(-5, 5), derivative=True, **params)
    softmax_explorer(logits=(2.0, 1.0, 0.1), temperature=1.0)
    comparison_explorer(names=("sigmoid", "tanh", "relu", "gelu"))
    gradient_explorer(...)     per-layer gradient norms by depth/activation/init (lesson 08)
    dead_unit_explorer(...)    dead ReLU units by learning rate/bias/activation (lesson 09)
    playground(...)            train a network live: boundary, losses, gradients, dead units (lesson 12)

Build your own on `widgets.Explorer` (see its docstring).

Example:
    >>> from course_utils import widgets
    >>> ex = widgets.activation_explorer("elu", alpha=0.5)
    >>> ex.controls["alpha"].value
    0.5
    >>> ex.close()
"""

from ._activation import activation_explorer
from ._base import Explorer
from ._comparison import comparison_explorer
from ._controls import CheckboxGroup
from ._playground import PlaygroundWidget, playground
from ._softmax import softmax_explorer
from ._training import dead_unit_explorer, gradient_explorer

__all__ = [
    "activation_explorer", "softmax_explorer", "comparison_explorer", "gradient_explorer",
    "dead_unit_explorer", "playground", "PlaygroundWidget", "Explorer", "CheckboxGroup",
]
