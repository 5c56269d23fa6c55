"""course_utils.network.diagnostics.Recorder: what it records while fit trains, and its errors."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import data
from course_utils.network import MLP, SGD, Adam, Recorder, fit
from course_utils.network.normalization import batch_norms
from course_utils.network.stats import dead_fraction, saturated_fraction


@pytest.fixture(scope="module")
def digits():
    return data.load_digits(seed=0)


def _train(model, split, recorder, epochs=1, rows=320, optimizer=None):
    fit(model, split.X_train[:rows], split.y_train[:rows], optimizer=optimizer or SGD(0.05),
        epochs=epochs, batch_size=32, callback=recorder, progress=False)
    return recorder


def test_update_ratio_is_the_relative_change_of_each_weight_matrix(digits):
    weights = []
    rec = Recorder(digits.X_train[:50], digits.y_train[:50], snapshots=(), every=1000)

    def both(step, model, loss):
        rec(step, model, loss)
        weights.append([layer.W.copy() for layer in model.layers])

    model = MLP([64, 16, 16, 10], activation="tanh", init="lecun_normal", seed=0)
    fit(model, digits.X_train[:96], digits.y_train[:96], optimizer=Adam(0.01), epochs=1,
        batch_size=32, callback=both, progress=False)
    expected = [[np.linalg.norm(a - b) / np.linalg.norm(b) for a, b in zip(after, before)]
                for before, after in zip(weights, weights[1:])]
    assert rec.update_ratio.shape == (3, 3)
    np.testing.assert_allclose(rec.update_ratio, expected, rtol=1e-12)
    assert rec.steps == [0, 1, 2, 3] and rec.batch_loss.shape == (3,)


def test_snapshots_and_shares_match_the_network_at_those_steps(digits):
    X, y = digits.X_train[:100], digits.y_train[:100]
    rec = Recorder(X, y, snapshots=(0, 5), every=4)
    model = MLP([64, 12, 12, 10], activation=["tanh", "relu"], init="he", seed=1)
    fresh = MLP([64, 12, 12, 10], activation=["tanh", "relu"], init="he", seed=1)
    _train(model, digits, rec, rows=320)                 # 10 steps
    assert sorted(rec.snapshots) == [0, 5]
    assert rec.stat_steps == [0, 4, 5, 8]
    assert rec.saturated.shape == rec.dead.shape == (4, 2)
    snap = rec.snapshots[0]
    fresh.loss_and_gradients(X, y)
    np.testing.assert_array_equal(snap["activations"][0], fresh.layers[0].A)
    np.testing.assert_array_equal(snap["gradients"][2], fresh.layers[2].grads["W"])
    assert rec.saturated[0, 0] == saturated_fraction("tanh", fresh.layers[0].A)
    assert rec.dead[0, 1] == dead_fraction(fresh.layers[1].activation, fresh.layers[1].Z)
    assert np.isnan(rec.saturated[0, 1]) and rec.dead[0, 0] == 0.0
    assert rec.layer_names == ["1: tanh (12)", "2: relu (12)", "3: linear (10)"]
    assert rec.activation_names == ["tanh", "relu"] and rec.n_outputs == 10
    rec.finish(model)                                     # the trained network, with gradients
    assert sorted(rec.snapshots) == [0, 5, 10] and rec.stat_steps[-1] == 10
    assert "Recorder(steps=10, snapshots=[0, 5, 10], layers=3)" == repr(rec)


def test_a_measured_last_step_is_measured_again_with_gradients(digits):
    rec = Recorder(digits.X_train[:40], digits.y_train[:40], snapshots=(0,), every=5)
    model = MLP([64, 8, 10], activation="relu", seed=0)
    _train(model, digits, rec, rows=320)                  # steps 0, 5, 10 measured
    rec.finish(model)
    assert rec.stat_steps == [0, 5, 10] and 10 in rec.snapshots
    assert rec.saturated.shape == (3, 1)


def test_the_recorder_leaves_batch_norm_statistics_to_the_training_steps(digits):
    X, y = digits.X_train[:96], digits.y_train[:96]
    watched = MLP([64, 16, 16, 10], activation="relu", batch_norm=True, seed=0)
    plain = MLP([64, 16, 16, 10], activation="relu", batch_norm=True, seed=0)
    fit(watched, X, y, optimizer=SGD(0.05), epochs=2, callback=Recorder(X, y, every=1),
        progress=False)
    fit(plain, X, y, optimizer=SGD(0.05), epochs=2, progress=False)
    for a, b in zip(batch_norms(watched), batch_norms(plain)):
        assert np.array_equal(a.running_mean, b.running_mean)
    assert all(np.array_equal(p, q) for p, q in zip(watched.parameters(), plain.parameters()))


def test_a_recorder_can_watch_a_second_run_from_scratch(digits):
    rec = Recorder(digits.X_train[:30], digits.y_train[:30], snapshots=(0,))
    _train(MLP([64, 8, 10], seed=0), digits, rec, rows=64)
    _train(MLP([64, 8, 8, 10], seed=0), digits, rec, rows=96)
    assert rec.steps == [0, 1, 2, 3] and rec.update_ratio.shape == (3, 3)


@pytest.mark.parametrize("make, message", [
    (lambda X, y: Recorder(X[:, :3][0], y[:1]), r"Recorder: X must be 2-D"),
    (lambda X, y: Recorder(X, y[:5]), r"Recorder: y has shape \(5,\) but X has 20 rows"),
    (lambda X, y: Recorder(X, y, snapshots=5), r"snapshots must be a list of steps, got 5"),
    (lambda X, y: Recorder(X, y, snapshots=(0, -1)), r"snapshots must be steps ≥ 0, got \[0, -1\]"),
    (lambda X, y: Recorder(X, y, every=0), r"Recorder: every must be a positive integer, got 0"),
])
def test_bad_arguments_are_named(digits, make, message):
    with pytest.raises(ValueError, match=message):
        make(digits.X_train[:20], digits.y_train[:20])


def test_a_recorder_for_other_inputs_says_so(digits):
    rec = Recorder(digits.X_train[:10, :8], digits.y_train[:10])
    with pytest.raises(ValueError, match="X has 8 features but the network expects 64"):
        _train(MLP([64, 8, 10]), digits, rec, rows=40)
    with pytest.raises(RuntimeError, match="nothing recorded"):
        Recorder(digits.X_train[:10], digits.y_train[:10]).finish(MLP([64, 8, 10]))
