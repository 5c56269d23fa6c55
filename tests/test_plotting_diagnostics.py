"""course_utils.plotting.diagnostics: the training-diagnostics figure shows the recorder's data."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Polygon  # noqa: E402

from course_utils import data  # noqa: E402
from course_utils.network import MLP, SGD, Recorder, fit  # noqa: E402
from course_utils.plotting.diagnostics import (  # noqa: E402
    HEALTHY_RATIO, layer_colors, plot_training_diagnostics,
)


@pytest.fixture(scope="module")
def recorder():
    split = data.load_digits(seed=0)
    rec = Recorder(split.X_train[:120], split.y_train[:120], snapshots=(0, 4, 8), every=2)
    model = MLP([64] + [16] * 7 + [10], activation="tanh", init="lecun_normal", gain=5 / 3)
    fit(model, split.X_train[:320], split.y_train[:320], optimizer=SGD(0.05), epochs=1,
        callback=rec, progress=False)
    return rec


def _histograms(ax):
    return [p for p in ax.patches if isinstance(p, Polygon)]


@pytest.fixture
def figure(recorder):
    fig, axes = plot_training_diagnostics(recorder)
    yield fig, axes
    plt.close(fig)


def test_the_figure_has_a_panel_per_snapshot_and_three_curves_panels(figure, recorder):
    fig, axes = figure
    assert [ax.get_title() for ax in axes["activations"]] == [
        "activations f(z) at step 0", "activations f(z) at step 4", "activations f(z) at step 8"]
    assert len(axes["gradients"]) == 3
    for ax in [*axes["activations"], *axes["gradients"], axes["loss"], axes["trouble"], axes["ratio"]]:
        assert ax.get_xlabel() and ax.get_ylabel()        # labelled axes ...
        assert ax.get_yticklabels()                       # ... with tick values
    # up to five hidden layers, first to last, one histogram each (and two shaded tails)
    assert len(_histograms(axes["activations"][0])) == 5
    assert len(_histograms(axes["gradients"][0])) == 5
    assert axes["ratio"].get_yscale() == "log"
    loss = recorder.batch_loss                            # log only where it spans enough for ticks
    assert axes["loss"].get_yscale() == ("log" if loss.max() > 3 * loss.min() else "linear")


def test_the_curves_are_the_recorded_numbers(figure, recorder):
    _, axes = figure
    ratio_lines = [line for line in axes["ratio"].lines if len(line.get_xdata()) > 2]
    np.testing.assert_array_equal(ratio_lines[0].get_ydata(), recorder.update_ratio[:, 0])
    np.testing.assert_array_equal(ratio_lines[-1].get_ydata(), recorder.update_ratio[:, 6])
    assert any(np.allclose(line.get_ydata(), HEALTHY_RATIO) for line in axes["ratio"].lines)
    trouble = axes["trouble"].lines[0]
    np.testing.assert_array_equal(trouble.get_xdata(), recorder.stat_steps)
    np.testing.assert_array_equal(trouble.get_ydata(), recorder.saturated[:, 0])
    loss = axes["loss"].lines[0]
    np.testing.assert_array_equal(loss.get_ydata(), recorder.batch_loss)
    assert "log 10 = 2.30" in axes["loss"].get_legend().get_texts()[1].get_text()


def test_chosen_layers_and_steps(recorder):
    fig, axes = plot_training_diagnostics(recorder, layers=[2, 7], steps=[8], title="mine")
    assert len(axes["activations"]) == 1 and len(_histograms(axes["activations"][0])) == 2
    assert fig._suptitle.get_text() == "mine"
    plt.close(fig)


@pytest.mark.parametrize("kwargs, message", [
    (dict(layers=[0]), r"layers must be hidden layers 1 … 7, got 0"),
    (dict(layers=[8]), r"layers must be hidden layers 1 … 7, got 8"),
    (dict(steps=[3]), r"no snapshot at step\(s\) \[3\]; snapshots were taken at \[0, 4, 8\]"),
])
def test_bad_choices_are_named(recorder, kwargs, message):
    with pytest.raises(ValueError, match=message):
        plot_training_diagnostics(recorder, **kwargs)


def test_an_unused_recorder_is_refused():
    split = data.load_digits(seed=0)
    with pytest.raises(ValueError, match="has not watched a training run yet"):
        plot_training_diagnostics(Recorder(split.X_train[:5], split.y_train[:5]))


def test_layer_colours_run_from_light_to_dark():
    colors = layer_colors(5)
    brightness = [sum(c[:3]) for c in colors]
    assert brightness == sorted(brightness, reverse=True) and len(set(map(tuple, colors))) == 5
