"""course_utils.plotting: the drawn data is the math, the style is applied, bad input is named."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from course_utils import activations as A  # noqa: E402
from course_utils import plotting  # noqa: E402

ELEMENTWISE = [n for n in A.available() if A.get(n).elementwise]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def data_lines(ax):
    """The plotted curves of an axes, without the grey zero lines."""
    return [line for line in ax.lines if line.get_gid() != "zero_line"]


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_plot_activation_draws_the_function_and_its_derivative(name):
    x = np.linspace(-3, 3, 61)
    p = plotting.plot_activation(name, x=x)
    act = A.get(name)
    np.testing.assert_array_equal(p.function_line.get_xdata(), x)
    np.testing.assert_array_equal(p.function_line.get_ydata(), act(x))
    np.testing.assert_array_equal(p.derivative_line.get_ydata(), act.derivative(x))
    assert p.ax.get_xlabel() and p.ax.get_ylabel()
    assert p.ax.get_legend() is not None
    assert p.fig is p.ax.figure


def test_plot_activation_uses_the_given_hyperparameters():
    act = A.get("leaky_relu", negative_slope=0.2)
    p = plotting.plot_activation(act, x=[-2.0, 2.0])
    assert list(p.function_line.get_ydata()) == [-0.4, 2.0]
    assert "negative_slope=0.2" in p.ax.get_title()


def test_derivative_false_draws_one_curve_and_the_default_x_contains_zero():
    p = plotting.plot_activation("relu", derivative=False)
    assert p.derivative_line is None
    assert len(data_lines(p.ax)) == 1
    assert 0.0 in p.function_line.get_xdata()


def test_function_solid_derivative_dashed_same_colour_from_the_palette():
    p = plotting.plot_activation("tanh")
    assert p.function_line.get_color() == p.derivative_line.get_color() == plotting.COLORS["tanh"]
    assert p.function_line.get_linestyle() == "-"
    assert p.derivative_line.get_linestyle() != "-"
    assert plotting.COLORS["tanh"] in plotting.PALETTE


def test_zero_lines_are_drawn_once():
    fig, ax = plotting.new_figure()
    ax.plot([-1, 1], [1, 2], label="a")
    plotting.style_axes(ax, "x", "y")
    plotting.style_axes(ax, "x", "y")
    assert sum(line.get_gid() == "zero_line" for line in ax.lines) == 2


def test_legend_labels_default_and_custom():
    p = plotting.plot_activation("sigmoid", label="σ(x)")
    assert p.derivative_line.get_label() == "σ(x) derivative"
    q = plotting.plot_activation("sigmoid", ax=p.ax, label="s", derivative_label="s′")
    assert (q.function_line.get_label(), q.derivative_line.get_label()) == ("s", "s′")
    texts = [t.get_text() for t in p.ax.get_legend().get_texts()]
    assert "s′" in texts  # the legend is rebuilt with the new curves


def test_plot_into_an_existing_axes():
    fig, ax = plotting.new_figure()
    p = plotting.plot_activation("sigmoid", ax=ax, derivative=False, label="mine", color="k")
    assert p.ax is ax and p.function_line.get_label() == "mine"
    assert to_hex(p.function_line.get_color()) == "#000000"


def test_overlay_lines_match_each_activation_and_colours_differ():
    x = np.linspace(-2, 2, 11)
    fig, ax, lines = plotting.plot_overlay(["relu", "gelu", "prelu"], x=x, derivative=True)
    assert len(lines) == 6
    for i, name in enumerate(["relu", "gelu", "prelu"]):
        np.testing.assert_array_equal(lines[2 * i].get_ydata(), A.get(name)(x))
        np.testing.assert_array_equal(lines[2 * i + 1].get_ydata(), A.get(name).derivative(x))
    colors = [to_hex(line.get_color()) for line in lines[::2]]
    assert len(set(colors)) == 3  # gelu and prelu share a default colour: resolved


def test_grid_has_one_panel_per_activation_on_shared_axes():
    fig, axes = plotting.plot_grid()
    assert axes.shape == (3, 4)
    shown = [ax for ax in axes.flat if ax.get_visible()]
    assert len(shown) == len(ELEMENTWISE)
    for ax, name in zip(shown, ELEMENTWISE):
        f, d = data_lines(ax)
        act = A.get(name)
        np.testing.assert_array_equal(f.get_ydata(), act(f.get_xdata()))
        np.testing.assert_array_equal(d.get_ydata(), act.derivative(d.get_xdata()))
    assert len({ax.get_ylim() for ax in shown}) == 1  # shared y
    assert len({ax.get_xlim() for ax in shown}) == 1  # shared x
    assert fig.legends


def test_softmax_bars_are_the_probabilities():
    fig, ax, bars = plotting.plot_softmax([1.0, 2.0, 3.0], temperature=2.0)
    heights = np.array([b.get_height() for b in bars])
    np.testing.assert_allclose(heights, A.softmax(np.array([1.0, 2.0, 3.0]) / 2.0))
    assert [t.get_text() for t in ax.texts] == [f"{h:.3f}" for h in heights]


def test_decision_boundary_shades_the_plane_and_draws_each_class():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    y = np.array([0, 0, 1, 1])
    fig, ax = plotting.plot_decision_boundary(lambda P: A.sigmoid(P[:, 0] - P[:, 1]), X, y)
    assert len(ax.collections) >= 3  # filled contours + one scatter per class
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1"]


def test_use_style_is_idempotent():
    plotting.use_style()
    before = dict(matplotlib.rcParams)
    plotting.use_style()
    assert dict(matplotlib.rcParams) == before


@pytest.mark.parametrize("call, message", [
    (lambda: plotting.plot_activation("rleu"), r"act='rleu' is not a known activation"),
    (lambda: plotting.plot_activation("softmax"), r"act='softmax' is not elementwise"),
    (lambda: plotting.plot_activation("relu", x=[1.0]), r"x must be a 1-D array"),
    (lambda: plotting.plot_activation("relu", x=[0.0, np.nan]), r"x must be finite"),
    (lambda: plotting.plot_overlay([]), r"acts is empty"),
    (lambda: plotting.plot_overlay(["relu", "nope"]), r"acts='nope' is not a known"),
    (lambda: plotting.plot_grid(ncols=0), r"ncols must be a positive integer, got 0"),
    (lambda: plotting.plot_softmax([1.0]), r"logits must be a 1-D array of 2 to 20"),
    (lambda: plotting.plot_softmax([1.0, 2.0], temperature=0), r"temperature must be .* got 0"),
    (lambda: plotting.plot_decision_boundary(len, np.zeros((3, 3)), np.zeros(3)),
     r"X must have shape \(n, 2\), got \(3, 3\)"),
])
def test_bad_arguments_name_the_argument_and_the_value(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- training figures (lessons 08–10) ---------------------------------------------------------
def test_gradient_norm_lines_are_the_norms_per_layer_with_zero_as_a_gap():
    from course_utils.plotting.training import plot_gradient_norms

    norms = {"sigmoid": np.array([1e-4, 1e-2, 0.5]), "relu + He": np.array([0.3, 0.0, 0.4])}
    fig, ax, lines = plot_gradient_norms(norms)
    np.testing.assert_array_equal(lines["sigmoid"].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(lines["sigmoid"].get_ydata(), norms["sigmoid"])
    assert np.isnan(lines["relu + He"].get_ydata()[1])  # log scale: 0 is not drawn
    assert ax.get_yscale() == "log"
    assert to_hex(lines["relu + He"].get_color()) == plotting.COLORS["relu"].lower()


def test_history_lines_are_the_recorded_values():
    from course_utils import data
    from course_utils.network import MLP, fit
    from course_utils.plotting.training import plot_history

    X, y = data.make_xor(40, seed=0)
    history = fit(MLP([2, 4, 2], activation="tanh"), X, y, epochs=3, progress=False)
    fig, ax, lines = plot_history({"tanh": history}, "loss")
    np.testing.assert_array_equal(lines["tanh"].get_xdata(), history.epoch)
    np.testing.assert_allclose(lines["tanh"].get_ydata(), history.as_array("loss"))
    assert ax.get_yscale() == "log" and ax.get_xlabel().startswith("epoch")


def test_layer_histograms_one_panel_per_hidden_layer():
    from course_utils.network import MLP
    from course_utils.plotting.training import plot_layer_histograms

    model = MLP([3, 8, 8, 2], activation="sigmoid", init="normal", init_std=3.0)
    X = np.random.default_rng(0).normal(size=(100, 3))
    fig, axes, stats = plot_layer_histograms(model, X)
    assert len(axes) == 2
    for i, ax in enumerate(axes):
        assert ax.get_title() == f"layer {i + 1}: {100 * stats['saturated'][i]:.0f}% saturated"
        (bars,) = ax.containers  # the histogram: every unit's output on every input
        assert sum(b.get_height() for b in bars) == X.shape[0] * 8


@pytest.mark.parametrize("call, message", [
    (lambda t: t.plot_gradient_norms({}), r"nothing to plot"),
    (lambda t: t.plot_gradient_norms({"a": np.ones((2, 2))}), r"'a' must be a 1-D array"),
    (lambda t: t.plot_history({"a": None}, key="losss"), r"unknown key 'losss'"),
])
def test_training_plots_name_bad_arguments(call, message):
    from course_utils.plotting import training

    with pytest.raises(ValueError, match=message):
        call(training)
