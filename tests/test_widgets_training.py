"""The explorers of lessons 08–09 (course_utils.widgets._training): they plot what the network
measures, follow their controls, and reject bad arguments with clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import data
from course_utils.network import MLP, Adam, fit
from course_utils.widgets._training import dead_unit_explorer, gradient_explorer


@pytest.fixture
def grad():
    ex = gradient_explorer(depth=6, activation="sigmoid", init="xavier_normal", samples=64)
    yield ex
    ex.close()


def test_gradient_explorer_plots_the_networks_gradient_norms(grad):
    split = data.load_digits(seed=0)
    expected = MLP([64] + [32] * 6 + [10], activation="sigmoid", init="xavier_normal",
                   seed=0).gradient_norms(split.X_train[:64], split.y_train[:64])
    x, y = grad.data()["setting"]
    assert np.array_equal(x, np.arange(1, 8))
    np.testing.assert_allclose(y, expected, rtol=1e-12)
    assert grad.ratio() == pytest.approx(expected[0] / expected[-1], rel=1e-12)


def test_gradient_explorer_follows_its_controls(grad):
    sigmoid_ratio = grad.ratio()
    grad.controls["depth"].value = 12
    assert grad.data()["setting"][0].size == 13 and grad.data()["reference"][0].size == 13
    assert grad.ax.get_xlim()[1] > 13
    grad.controls["activation"].value = "relu"
    grad.controls["init"].value = "he"
    assert 0.1 < grad.ratio() < 10 and sigmoid_ratio < 1e-3      # level vs vanishing
    assert np.array_equal(grad.data()["setting"][1], grad.data()["reference"][1])
    low, high = grad.ax.get_ylim()
    assert low <= grad.norms["setting"].min() and grad.norms["setting"].max() <= high
    assert "ReLU + He" in grad.describe()


def test_gradient_explorer_keeps_a_static_figure_for_viewers_without_a_kernel(grad):
    bundle = grad._repr_mimebundle_()
    assert bundle["text/plain"] == grad.describe()
    assert bundle["image/png"]


@pytest.mark.parametrize("kwargs,message", [
    ({"depth": 0}, r"gradient_explorer: depth must be an integer from 1 to 30, got 0"),
    ({"activation": "softmax"}, r"activation must be one of .*got 'softmax'"),
    ({"init": "xavier_uniform"}, r"init must be one of .*got 'xavier_uniform'"),
    ({"init": "zeros"}, r"unknown init 'zeros'"),
])
def test_gradient_explorer_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        gradient_explorer(**kwargs)


@pytest.fixture
def dead():
    ex = dead_unit_explorer(lr=0.2, bias=-0.5, activation="relu", epochs=2, samples=200)
    yield ex
    ex.close()


def test_dead_unit_explorer_shows_the_run_it_trained(dead):
    split = data.load_digits(seed=0)
    model = MLP([64, 64, 64, 10], activation="relu", init="he", bias=-0.5, seed=0)
    h = fit(model, split.X_train[:200], split.y_train[:200], optimizer=Adam(0.2), epochs=2,
            seed=0, X_val=split.X_test, y_val=split.y_test, progress=False)
    assert np.array_equal(dead.data()["dead"][1], h.hidden_fraction("dead"))
    assert np.array_equal(dead.data()["accuracy"][1], h.val_accuracy)
    assert dead.data()["dead"][1][-1] > 0.2                       # this setting kills units
    assert f"{100 * h.hidden_fraction('dead')[-1]:.0f}% dead" in dead.describe()


def test_dead_unit_explorer_retrains_when_a_control_moves(dead):
    dead.controls["activation"].value = "leaky_relu"
    assert dead.history.layer_names[0].startswith("1: leaky_relu")
    assert dead.data()["dead"][1][-1] == 0                        # Leaky ReLU units never die
    dead.controls["lr"].value = 0.01
    assert dead.history.val_accuracy[-1] > 0.5


@pytest.mark.parametrize("kwargs,message", [
    ({"lr": 0}, r"dead_unit_explorer: lr must be a number from 0.001 to 1, got 0"),
    ({"bias": 5.0}, r"bias must be a number from -3 to 1, got 5.0"),
    ({"activation": "tanh"}, r"activation must be one of .*got 'tanh'"),
    ({"epochs": 0}, r"epochs must be an integer from 1 to 50, got 0"),
])
def test_dead_unit_explorer_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        dead_unit_explorer(**kwargs)
