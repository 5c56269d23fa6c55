"""course_utils.network.fit: learning, the history (dead units, saturation), reproducibility, progress."""

from __future__ import annotations

import socket

import numpy as np
import pytest

from course_utils import data
from course_utils.network import (
    MLP, SGD, Adam, History, SoftmaxCrossEntropy, fit, layer_statistics, training,
)


# --- fit and history ------------------------------------------------------------------------------
def test_fit_learns_xor_and_records_every_epoch():
    X, y = data.make_xor(200, noise=0.2, seed=0)
    model = MLP([2, 8, 2], activation="tanh", init="xavier_uniform", seed=0)
    fresh = MLP([2, 8, 2], activation="tanh", init="xavier_uniform", seed=0)
    h = fit(model, X, y, optimizer=Adam(0.05), epochs=15, X_val=X[:50], y_val=y[:50], progress=False)
    assert h.epoch == list(range(16))
    assert h.accuracy[-1] > 0.95 and h.val_accuracy[-1] > 0.95
    assert h.loss[0] == pytest.approx(SoftmaxCrossEntropy()(fresh.forward(X), y))  # epoch 0 = untrained
    for key in History.PER_LAYER:
        assert h.as_array(key).shape == (16, 2)
    assert h.as_array("loss").shape == (16,)
    assert "History(epochs=15" in repr(h)


def test_fit_without_validation_has_empty_val_lists():
    X, y = data.make_moons(40, seed=0)
    h = fit(MLP([2, 4, 2]), X, y, epochs=2, progress=False)
    assert h.val_loss == [] and h.val_accuracy == []


def test_fit_with_mse_regression():
    X = np.linspace(-1, 1, 64).reshape(-1, 1)
    y = X[:, 0] ** 2
    model = MLP([1, 16, 1], activation="tanh", init="xavier_normal", seed=0)
    h = fit(model, X, y, loss="mse", optimizer=Adam(0.02), epochs=60, batch_size=16, progress=False)
    assert h.loss[-1] < 0.1 * h.loss[0]
    assert np.isnan(h.accuracy[-1])


def test_a_seeded_run_is_reproducible_bit_for_bit():
    split = data.load_digits(seed=0)

    def run(seed):
        model = MLP([64, 16, 10], activation="relu", seed=1)
        h = fit(model, split.X_train[:300], split.y_train[:300], optimizer=Adam(0.01),
                epochs=2, seed=seed, progress=False)
        return model, h

    (m1, h1), (m2, h2), (m3, _) = run(0), run(0), run(1)
    assert all(np.array_equal(p, q) for p, q in zip(m1.parameters(), m2.parameters()))
    assert h1.loss == h2.loss
    assert all(np.array_equal(a, b) for a, b in zip(h1.grad_norm, h2.grad_norm))
    assert not np.array_equal(m1.layers[0].W, m3.layers[0].W)  # the fit seed shuffles differently


def test_a_dead_relu_unit_is_counted_and_never_recovers():
    X, y = data.make_moons(100, seed=0)
    model = MLP([2, 4, 2], activation="relu", seed=0)
    model.layers[0].b[1] = -100.0  # unit 1 is below zero for every input
    W_dead = model.layers[0].W[:, 1].copy()
    h = fit(model, X, y, optimizer=SGD(0.1), epochs=3, progress=False)
    assert [d[0] for d in h.dead] == [0.25] * 4
    assert [d[0] for d in h.inactive] == [0.25] * 4  # for ReLU, inactive = dead
    np.testing.assert_array_equal(model.layers[0].W[:, 1], W_dead)  # zero gradient, forever
    assert np.isnan(h.dead[0][-1]) and np.isnan(h.inactive[0][-1])  # the linear output layer
    assert np.isnan(h.saturated[0][0])
    np.testing.assert_allclose(h.hidden_fraction("dead"), 0.25)


@pytest.mark.parametrize("name", ["leaky_relu", "prelu", "elu", "gelu"])
def test_a_switched_off_unit_of_the_relu_variants_is_not_dead_and_still_learns(name):
    X, y = data.make_moons(100, seed=0)
    model = MLP([2, 4, 2], activation=name, seed=0)
    model.layers[0].b[1] = -5.0
    W_before = model.layers[0].W[:, 1].copy()
    h = fit(model, X, y, optimizer=SGD(0.1), epochs=1, progress=False)
    assert h.inactive[0][0] == 0.25
    assert h.dead[0][0] == 0.0
    assert not np.array_equal(model.layers[0].W[:, 1], W_before)


def test_saturation_is_measured_for_tanh_and_sigmoid():
    X = np.random.default_rng(0).normal(size=(100, 5))
    wide = MLP([5, 50, 50, 2], activation=["tanh", "sigmoid"], init="normal", init_std=5.0)
    calm = MLP([5, 50, 50, 2], activation=["tanh", "sigmoid"], init="xavier_normal")
    sat_wide = layer_statistics(wide, X)["saturated"]
    sat_calm = layer_statistics(calm, X)["saturated"]
    assert sat_wide[0] > 0.7 and sat_wide[1] > 0.7
    assert sat_calm[0] < 0.1 and sat_calm[1] < 0.1
    assert np.isnan(sat_wide[2])
    stats = layer_statistics(wide, X)
    assert np.all(np.isnan(stats["inactive"]))  # no "off" side
    np.testing.assert_array_equal(stats["dead"][:2], 0.0)  # tiny slopes, but not exactly 0


def test_a_diverging_run_stops_and_says_so_without_warnings():
    X, y = data.make_moons(100, seed=0)
    model = MLP([2, 32, 32, 2], activation="leaky_relu", seed=0)
    h = fit(model, X, y, optimizer=SGD(100.0, momentum=0.9), epochs=5, progress=False)
    assert h.diverged is not None and len(h.loss) == h.diverged + 1
    assert not np.isfinite(h.loss[-1])
    assert "diverged after epoch" in repr(h)


def test_history_rejects_unknown_keys():
    h = fit(MLP([2, 3, 2]), *data.make_moons(20, seed=0), epochs=1, progress=False)
    with pytest.raises(ValueError, match="unknown key 'deadness'"):
        h.as_array("deadness")
    with pytest.raises(ValueError, match="key must be 'dead' or 'inactive', got 'loss'"):
        h.hidden_fraction("loss")


def test_reference_X_is_used_for_the_activation_statistics():
    X, y = data.make_moons(60, seed=0)
    model = MLP([2, 3, 2], activation="relu", seed=0)
    h = fit(model, X, y, epochs=1, reference_X=np.full((5, 2), 1e3), progress=False)
    assert h.act_mean[0][0] > 10  # huge inputs → huge activations
    assert h.grad_norm[0].shape == (2,)


# --- progress bars -------------------------------------------------------------------------------
def _tiny_fit(**kw):
    X, y = data.make_moons(30, seed=0)
    return fit(MLP([2, 3, 2]), X, y, epochs=3, **kw)


def test_short_runs_are_silent_by_default(capsys, monkeypatch):
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    _tiny_fit()
    _tiny_fit(progress=False)
    assert capsys.readouterr() == ("", "")


def test_progress_true_shows_a_bar_unless_tqdm_is_disabled(capsys, monkeypatch):
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    _tiny_fit(progress=True)
    assert "fit" in capsys.readouterr().err
    monkeypatch.setenv("TQDM_DISABLE", "1")
    _tiny_fit(progress=True)
    assert capsys.readouterr().err == ""


def test_long_runs_show_a_bar_by_default(capsys, monkeypatch):
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    monkeypatch.setattr(training, "PROGRESS_SECONDS", 0.0)  # every run counts as long
    _tiny_fit()
    assert "fit" in capsys.readouterr().err


def test_digits_never_touch_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access")

    monkeypatch.setattr(socket, "socket", refuse)
    assert data.load_digits().X_train.shape == (1347, 64)
