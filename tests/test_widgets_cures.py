"""The explorer of lesson 11 (course_utils.widgets.cure_explorer): it plots what a fresh network
measures, follows its controls, and rejects bad arguments with clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import data
from course_utils.network import MLP
from course_utils.widgets import cure_explorer


@pytest.fixture
def ex():
    explorer = cure_explorer(depth=8, activation="sigmoid", init="xavier_normal", samples=64)
    yield explorer
    explorer.close()


def test_it_plots_the_networks_signal_and_gradient(ex):
    split = data.load_digits(seed=0)
    model = MLP([64] + [32] * 8 + [10], activation="sigmoid", init="xavier_normal", seed=0)
    norms = model.gradient_norms(split.X_train[:64], split.y_train[:64])
    std = [layer.A.std() for layer in model.layers[:-1]]
    x, y = ex.data()["grad"]
    assert np.array_equal(x, np.arange(1, 10))
    np.testing.assert_allclose(y, norms, rtol=1e-12)
    np.testing.assert_allclose(ex.data()["std"][1], std, rtol=1e-12)
    assert ex.ratio() == pytest.approx(norms[0] / norms[-1], rel=1e-12)


def test_the_cures_change_what_it_shows(ex):
    vanishing = ex.ratio()
    ex.controls["batch_norm"].value = True
    assert vanishing < 1e-4 < 0.1 < ex.ratio() < 10           # batch norm levels the gradient
    ex.controls["batch_norm"].value = False
    ex.controls["residual"].value = True
    assert ex.ratio() > 100 * vanishing                          # the skips carry it back
    ex.controls["depth"].value = 40
    assert ex.data()["std"][0].size == 40 and ex.ax_f.get_xlim()[1] > 40
    ex.controls["activation"].value = "tanh"
    ex.controls["init"].value = "lecun_normal"
    ex.controls["residual"].value = False
    ex.controls["gain"].value = 1.0
    faded = ex.result["std"][-1]
    ex.controls["gain"].value = 5 / 3
    assert faded < 0.3 < ex.result["std"][-1]                    # the gain keeps tanh's signal
    low, high = ex.ax_f.get_ylim()
    assert np.log10(high / low) >= 2                             # whole decades, at least two


def test_describe_says_the_setting_and_the_readout(ex):
    ex.controls["batch_norm"].value = True
    text = ex.describe()
    assert text.startswith("Cure explorer: 8 hidden layers of 32, sigmoid, init xavier_normal × 1, batch norm;")
    assert f"first ÷ last gradient {ex.ratio():.1e}" in text
    assert "Run the notebook" in text


@pytest.mark.parametrize("kwargs, message", [
    (dict(depth=0), r"cure_explorer: depth must be an integer from 1 to 50, got 0"),
    (dict(activation="softmax"), r"cure_explorer: activation must be one of"),
    (dict(init="orthogonal"), r"unknown init 'orthogonal'"),
    (dict(init="he_uniform"), r"cure_explorer: init must be one of"),
    (dict(gain=10), r"cure_explorer: gain must be a number from 0.25 to 4, got 10"),
    (dict(batch_norm="yes"), r"cure_explorer: batch_norm must be True or False, got str 'yes'"),
])
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        cure_explorer(**kwargs)
