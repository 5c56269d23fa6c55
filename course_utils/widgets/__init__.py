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
    cure_explorer(...)         signal and gradient per layer with init/gain, batch norm and
                               residual connections switched on and off (lesson 11)

Build your own on `widgets._base.Explorer` (see its docstring).

Example:
    >>> from course_utils import widgets
    >>> ex = widgets.activation_explorer("elu", alpha=0.5)
    >>> ex.controls["alpha"].value
    0.5
    >>> ex.close()
"""

from ._activation import ActivationExplorer, activation_explorer
from ._base import Explorer, fit_limits
from ._comparison import ComparisonExplorer, comparison_explorer
from ._controls import CheckboxGroup
from ._cures import CureExplorer, cure_explorer
from ._softmax import SoftmaxExplorer, softmax_explorer
from ._training import DeadUnitExplorer, GradientExplorer, dead_unit_explorer, gradient_explorer

__all__ = [
    "Explorer", "ActivationExplorer", "SoftmaxExplorer", "ComparisonExplorer", "CheckboxGroup",
    "GradientExplorer", "DeadUnitExplorer", "activation_explorer", "softmax_explorer",
    "comparison_explorer", "gradient_explorer", "dead_unit_explorer", "fit_limits",
    "CureExplorer", "cure_explorer",
]
