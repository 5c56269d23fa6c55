"""course_utils.widgets: moving a control changes the plotted data exactly as the math says;
the static fallback and the text shown to nbval are deterministic; bad input is named."""

from __future__ import annotations

import base64
import re

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils import activations as A  # noqa: E402
from course_utils import widgets  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def explorers():
    made = []
    yield made.append
    for ex in made:
        ex.close()


def make(explorers, factory, *args, **kwargs):
    ex = factory(*args, **kwargs)
    explorers(ex)
    return ex


def frame_of(ex):
    """The PNG currently shown in the explorer's Output widget."""
    (output,) = ex.output.outputs
    return base64.b64decode(output["data"]["image/png"])


# --- activation explorer ------------------------------------------------------------------
def test_activation_explorer_plots_the_function_and_derivative(explorers):
    ex = make(explorers, widgets.activation_explorer, "sigmoid")
    x, y = ex.data()["function"]
    assert x[0] == -5.0 and x[-1] == 5.0
    np.testing.assert_array_equal(y, A.sigmoid(x))
    np.testing.assert_array_equal(ex.data()["derivative"][1], A.Sigmoid().derivative(x))


@pytest.mark.parametrize("name, key, value", [
    ("leaky_relu", "negative_slope", 0.3),
    ("prelu", "alpha", 0.6),
    ("elu", "alpha", 2.0),
    ("gelu", "approximate", True),
])
def test_moving_a_parameter_control_changes_the_curves(explorers, name, key, value):
    ex = make(explorers, widgets.activation_explorer, name)
    before = ex.data()["function"][1]
    ex.controls[key].value = value
    x, y = ex.data()["function"]
    act = A.get(name, **{key: value})
    np.testing.assert_array_equal(y, act(x))
    np.testing.assert_array_equal(ex.data()["derivative"][1], act.derivative(x))
    assert not np.array_equal(before, y)
    assert ex.activation == act


def test_only_the_current_functions_parameters_are_shown(explorers):
    ex = make(explorers, widgets.activation_explorer, "elu")
    shown = {k for k in ("negative_slope", "alpha", "approximate")
             if ex.controls[k].layout.display != "none"}
    assert shown == {"alpha"}
    ex.controls["name"].value = "leaky_relu"
    shown = {k for k in ("negative_slope", "alpha", "approximate")
             if ex.controls[k].layout.display != "none"}
    assert shown == {"negative_slope"}
    x, y = ex.data()["function"]
    np.testing.assert_array_equal(y, A.leaky_relu(x))  # back to the default slope


def test_switching_function_resets_its_parameters_to_their_defaults(explorers):
    ex = make(explorers, widgets.activation_explorer, "elu", alpha=2.5)
    ex.controls["name"].value = "prelu"
    assert ex.controls["alpha"].value == 0.25
    assert ex.activation == A.PReLU(0.25)


def test_x_range_sets_the_data_and_the_axis(explorers):
    ex = make(explorers, widgets.activation_explorer, "relu")
    ex.controls["x_range"].value = (-2.0, 1.0)
    x, y = ex.data()["function"]
    assert (x[0], x[-1]) == (-2.0, 1.0)
    np.testing.assert_array_equal(y, A.relu(x))
    assert ex.ax.get_xlim() == (-2.0, 1.0)


def test_derivative_toggle_hides_and_shows_the_derivative(explorers):
    ex = make(explorers, widgets.activation_explorer, "tanh", overlay=["sigmoid"])
    assert {"derivative", "sigmoid'"} <= set(ex.data())
    ex.controls["derivative"].value = False
    assert set(ex.data()) == {"function", "sigmoid"}
    ex.controls["derivative"].value = True
    assert {"derivative", "sigmoid'"} <= set(ex.data())


def test_overlay_adds_and_removes_curves(explorers):
    ex = make(explorers, widgets.activation_explorer, "relu")
    assert set(ex.data()) == {"function", "derivative"}
    ex.controls["overlay"].value = ("tanh", "elu")
    data = ex.data()
    for name in ("tanh", "elu"):
        x, y = data[name]
        np.testing.assert_array_equal(y, A.get(name)(x))
        np.testing.assert_array_equal(data[name + "'"][1], A.get(name).derivative(x))
    labels = [t.get_text() for t in ex.ax.get_legend().get_texts()]
    assert labels[:3] == ["ReLU", "tanh", "ELU"]
    ex.controls["overlay"].value = ()
    assert set(ex.data()) == {"function", "derivative"}


def test_overlays_follow_a_new_x_range(explorers):
    ex = make(explorers, widgets.activation_explorer, "relu", overlay=("sigmoid",))
    ex.controls["x_range"].value = (0.0, 3.0)
    x, y = ex.data()["sigmoid"]
    assert x[0] == 0.0 and x[-1] == 3.0
    np.testing.assert_array_equal(y, A.sigmoid(x))


def test_every_change_shows_a_new_frame(explorers):
    ex = make(explorers, widgets.activation_explorer, "leaky_relu")
    first = frame_of(ex)
    assert first.startswith(PNG_MAGIC)
    ex.controls["negative_slope"].value = 0.5
    second = frame_of(ex)
    assert second.startswith(PNG_MAGIC) and second != first
    ex.controls["negative_slope"].value = 0.01
    assert frame_of(ex) == first  # the layered redraw reproduces the frame exactly


def test_y_limits_always_contain_the_visible_curves(explorers):
    ex = make(explorers, widgets.activation_explorer, "leaky_relu")
    for slope in (0.0, 1.0, 0.2, 3.0 / 3.0):
        ex.controls["negative_slope"].value = slope
        low, high = ex.ax.get_ylim()
        for _, y in ex.data().values():
            assert low <= y.min() and y.max() <= high


def test_a_failed_redraw_is_shown_not_lost(explorers):
    ex = make(explorers, widgets.activation_explorer, "elu")
    ex.controls["alpha"].min = -1.0
    ex.controls["alpha"].value = -0.5  # ELU needs alpha >= 0
    assert "alpha must be a finite number ≥ 0" in ex.status.value
    assert ex.status.layout.display != "none"
    ex.controls["alpha"].value = 0.5
    assert ex.status.value == ""


# --- static fallback and nbval --------------------------------------------------------------
@pytest.mark.parametrize("factory", [widgets.activation_explorer, widgets.softmax_explorer,
                                     widgets.comparison_explorer])
def test_mimebundle_has_widget_png_and_deterministic_text(explorers, factory):
    a, b = make(explorers, factory), make(explorers, factory)
    bundle_a, bundle_b = a._repr_mimebundle_(), b._repr_mimebundle_()
    assert set(bundle_a) == {"text/plain", "image/png",
                             "application/vnd.jupyter.widget-view+json"}
    assert base64.b64decode(bundle_a["image/png"]).startswith(PNG_MAGIC)
    assert bundle_a["text/plain"] == bundle_b["text/plain"]  # nbval compares this
    assert bundle_a["image/png"] == bundle_b["image/png"]
    assert not re.search(r"0x[0-9a-f]{6,}|[0-9a-f]{32}", bundle_a["text/plain"])
    view = bundle_a["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == a.widget.model_id


def test_output_widget_holds_only_the_current_frame(explorers):
    ex = make(explorers, widgets.activation_explorer)
    for slope in (0.1, 0.2, 0.3):
        ex.controls["negative_slope"].value = slope
    assert len(ex.output.outputs) == 1


def test_explorer_figures_are_not_registered_with_pyplot(explorers):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    make(explorers, widgets.comparison_explorer)
    assert plt.get_fignums() == before  # the inline backend never shows a stray copy


# --- softmax explorer -----------------------------------------------------------------------
def test_softmax_bars_follow_logits_and_temperature(explorers):
    ex = make(explorers, widgets.softmax_explorer, (2.0, 1.0, 0.1))
    np.testing.assert_allclose(ex.data()["probabilities"], A.softmax(np.array([2.0, 1.0, 0.1])))
    ex.controls["logit_2"].value = 3.0
    ex.controls["temperature"].value = 0.5
    z = np.array([2.0, 1.0, 3.0])
    np.testing.assert_allclose(ex.data()["logits"], z)
    np.testing.assert_allclose(ex.data()["probabilities"], A.softmax(z / 0.5))
    shown = [t.get_text() for t in ex.texts["probabilities"]]
    assert shown == [f"{p:.3f}" for p in A.softmax(z / 0.5)]


def test_softmax_temperature_flattens_and_sharpens(explorers):
    ex = make(explorers, widgets.softmax_explorer, (2.0, 1.0, 0.1))
    ex.controls["temperature"].value = 0.1
    assert ex.data()["probabilities"].max() > 0.99
    ex.controls["temperature"].value = 20.0
    assert ex.data()["probabilities"].max() < 0.4


# --- comparison explorer ----------------------------------------------------------------------
def test_comparison_plots_values_and_slopes_and_the_probe_table(explorers):
    ex = make(explorers, widgets.comparison_explorer, ("sigmoid", "relu"), x0=0.5)
    data = ex.data()
    assert set(data) == {"sigmoid", "sigmoid'", "relu", "relu'"}
    for name in ("sigmoid", "relu"):
        x, y = data[name]
        np.testing.assert_array_equal(y, A.get(name)(x))
        np.testing.assert_array_equal(data[name + "'"][1], A.get(name).derivative(x))
    assert f"{A.sigmoid(0.5):.4f}" in ex.table.value
    ex.controls["x0"].value = -1.0
    assert f"{A.Sigmoid().derivative(-1.0):.4f}" in ex.table.value
    ex.controls["names"].value = ("tanh",)
    assert set(ex.data()) == {"tanh", "tanh'"}


def test_comparison_probe_stays_inside_a_new_range(explorers):
    ex = make(explorers, widgets.comparison_explorer, x0=4.0)
    ex.controls["x_range"].value = (-2.0, 2.0)
    assert ex.controls["x0"].value == 2.0
    assert ex.data()["tanh"][0][-1] == 2.0


# --- errors -----------------------------------------------------------------------------------
@pytest.mark.parametrize("call, message", [
    (lambda: widgets.activation_explorer("rleu"), r"name='rleu'"),
    (lambda: widgets.activation_explorer("softmax"), r"name=.*not elementwise"),
    (lambda: widgets.activation_explorer("relu", alpha=0.1), r"unexpected hyperparameter"),
    (lambda: widgets.activation_explorer(overlay=["tanh", "nope"]),
     r"overlay contains 'nope'"),
    (lambda: widgets.activation_explorer(x_range=(3.0, 3.0)), r"x_range is empty.*\(3\.0, 3\.0\)"),
    (lambda: widgets.activation_explorer(x_range=(5, -5)), r"x_range is reversed.*\(5, -5\)"),
    (lambda: widgets.activation_explorer(x_range=(0, np.inf)), r"x_range must be finite"),
    (lambda: widgets.activation_explorer(derivative="yes"), r"derivative must be True or False"),
    (lambda: widgets.softmax_explorer([1.0]), r"logits must be a 1-D array"),
    (lambda: widgets.softmax_explorer([1.0] * 11), r"at most 10 entries"),
    (lambda: widgets.softmax_explorer(temperature=-1), r"temperature must be .* got -1"),
    (lambda: widgets.comparison_explorer(()), r"names is empty"),
    (lambda: widgets.comparison_explorer(["relu", "log_softmax"]),
     r"names contains 'log_softmax'"),
    (lambda: widgets.comparison_explorer(x0=9.0), r"x0 must be a number inside x_range"),
])
def test_bad_arguments_name_the_argument_and_the_value(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_setting_an_unknown_overlay_in_code_is_named(explorers):
    ex = make(explorers, widgets.activation_explorer)
    with pytest.raises(ValueError, match=r"'nope' is not one of the options"):
        ex.controls["overlay"].value = ("nope",)


def test_checkbox_group_keeps_boxes_and_value_in_step():
    group = widgets.CheckboxGroup(["a", "b", "c"], value=("c", "a"))
    assert group.value == ("a", "c")  # canonical order
    group._boxes["b"].value = True
    assert group.value == ("a", "b", "c")
    group.value = ()
    assert not any(box.value for box in group._boxes.values())
    group.close()
