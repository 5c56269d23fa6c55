"""The cures of lesson 11 in course_utils.network: batch norm, residual layers, initialiser gains,
gradient clipping, and how MLP and fit use them (gradients checked by central differences)."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import activations, data, gradcheck
from course_utils.network import (
    GAINS, MLP, SGD, Adam, BatchNorm, Dense, ResidualDense, SoftmaxCrossEntropy,
    clip_by_global_norm, fit, gain, init_weights, losses,
)
from course_utils.network.clipping import global_norm
from course_utils.network.normalization import batch_norms, evaluation, statistics_kept

KINK_MARGIN = 1e-3
# Central differences: the step balances truncation (∝ h², large where batch norm bends the loss
# sharply) against rounding (∝ eps/h); entries below FLOOR are compared in absolute terms
# (FLOOR · tolerance = 1e-10), where a relative error would only measure the rounding.
STEP, FLOOR, TOLERANCE = 1e-5, 1e-4, 1e-6


def _rng(seed=0):
    return np.random.default_rng(seed)


# --- BatchNorm on its own ----------------------------------------------------------------------
def test_training_mode_normalises_every_column_then_scales_and_shifts():
    U = _rng().normal(3.0, 5.0, size=(64, 4))
    bn = BatchNorm(4)
    Z = bn.forward(U)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.var(axis=0), 1.0, rtol=1e-5)  # eps = 1e-5 against var ≈ 25
    bn.gamma[:] = [1.0, 2.0, 3.0, 4.0]
    bn.beta[:] = [0.0, -1.0, 1.0, 5.0]
    Z = bn.forward(U)
    np.testing.assert_allclose(Z.mean(axis=0), bn.beta, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), bn.gamma, rtol=1e-5)


def test_running_statistics_follow_the_documented_update_and_serve_evaluation():
    U1, U2 = _rng(1).normal(size=(10, 3)), _rng(2).normal(2.0, 3.0, size=(10, 3))
    bn = BatchNorm(3, momentum=0.25, eps=1e-3)
    bn.forward(U1)
    bn.forward(U2)
    mean, var = np.zeros(3), np.ones(3)
    for U in (U1, U2):
        mean = 0.75 * mean + 0.25 * U.mean(axis=0)
        var = 0.75 * var + 0.25 * U.var(axis=0, ddof=1)  # unbiased, as PyTorch
    np.testing.assert_allclose(bn.running_mean, mean, rtol=1e-14)
    np.testing.assert_allclose(bn.running_var, var, rtol=1e-14)
    bn.training = False
    x = _rng(3).normal(size=(1, 3))                      # one example: fine in evaluation
    np.testing.assert_allclose(bn.forward(x), (x - mean) / np.sqrt(var + 1e-3), rtol=1e-13)
    before = (bn.running_mean.copy(), bn.running_var.copy())
    bn.forward(U1)                                       # evaluation never updates them
    assert np.array_equal(bn.running_mean, before[0]) and np.array_equal(bn.running_var, before[1])


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_backward_matches_finite_differences(training):
    rng = _rng(4)
    U = rng.normal(1.0, 2.0, size=(7, 5))
    bn = BatchNorm(5)
    bn.gamma[:] = rng.uniform(0.5, 2.0, 5)
    bn.beta[:] = rng.normal(size=5)
    bn.forward(rng.normal(size=(7, 5)))                  # some running statistics for evaluation
    bn.training = training
    g = rng.normal(size=(7, 5))                          # an upstream gradient dL/dZ
    bn.forward(U)
    dU = bn.backward(g)
    grads = dict(bn.grads)

    def loss_of(name):
        def f(values):
            saved = getattr(bn, name).copy() if name != "U" else None
            if name == "U":
                return float(np.sum(g * bn.forward(values)))
            getattr(bn, name)[...] = values
            out = float(np.sum(g * bn.forward(U)))
            getattr(bn, name)[...] = saved
            return out
        return f

    for name, analytic in (("U", dU), ("gamma", grads["gamma"]), ("beta", grads["beta"])):
        point = U if name == "U" else getattr(bn, name).copy()
        result = gradcheck.check_gradient(loss_of(name), point, analytic, tolerance=1e-7)
        assert result.passed, f"{name} ({'training' if training else 'evaluation'}): {result}"


def test_batch_norm_gradient_removes_the_batch_mean_and_the_direction_of_the_spread():
    # Training-mode BN (eps → 0) is invariant to shifting or scaling a column of U: dU is
    # orthogonal to both directions.
    rng = _rng(5)
    bn = BatchNorm(3, eps=1e-12)
    U = rng.normal(size=(16, 3))
    bn.forward(U)
    dU = bn.backward(rng.normal(size=(16, 3)))
    np.testing.assert_allclose(dU.sum(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose((dU * (U - U.mean(axis=0))).sum(axis=0), 0.0, atol=1e-10)


@pytest.mark.parametrize("call, error, message", [
    (lambda: BatchNorm(0), ValueError, r"BatchNorm: n_units must be a positive integer, got 0"),
    (lambda: BatchNorm(3, momentum=1.0), ValueError, r"BatchNorm: momentum must be a number with 0 < momentum < 1, got 1.0"),
    (lambda: BatchNorm(3, eps=0), ValueError, r"BatchNorm: eps must be a positive number, got 0.0"),
    (lambda: BatchNorm(3).forward(np.ones((4, 2))), ValueError, r"U has 2 feature\(s\)"),
    (lambda: BatchNorm(3).forward(np.ones((1, 3))), ValueError, r"at least 2 rows \(got 1\); switch to evaluation"),
    (lambda: BatchNorm(3).backward(np.ones((4, 3))), RuntimeError, r"call forward first"),
])
def test_batch_norm_rejects_bad_input_with_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_wrong_shaped_upstream_gradient_is_named():
    bn = BatchNorm(3)
    bn.forward(np.ones((4, 3)) + np.arange(4.0)[:, None])
    with pytest.raises(ValueError, match=r"grad_Z has shape \(4, 2\) but the output has shape \(4, 3\)"):
        bn.backward(np.ones((4, 2)))


# --- whole networks with the cures: every parameter gradient checked --------------------------
HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "silu", "softplus", "prelu"]


def _cured_model(activation, batch_norm, residual, sizes=(3, 5, 5, 5, 3), n=8):
    """A small cured net and a batch with every hidden pre-activation ≥ KINK_MARGIN from 0."""
    for seed in range(100):
        rng = _rng(seed)
        model = MLP(list(sizes), activation=activation, init="xavier_normal", seed=seed,
                    batch_norm=batch_norm, residual=residual, bias=0.1)
        for bn in batch_norms(model):  # not the trivial γ = 1, β = 0
            bn.gamma[:] = rng.uniform(0.5, 1.5, bn.n_units)
            bn.beta[:] = rng.normal(0.0, 0.3, bn.n_units)
        X = rng.normal(size=(n, sizes[0]))
        model.forward(X)
        if min(np.abs(layer.Z).min() for layer in model.layers[:-1]) > KINK_MARGIN:
            return model, X
    raise AssertionError("no kink-free draw found")  # pragma: no cover


def _check_every_parameter(model, X, y):
    ce = SoftmaxCrossEntropy()
    model.backward(ce.gradient(model.forward(X), y))
    results = {}
    for (name, P), G in zip(model.named_parameters(), model.gradients()):
        def f(probe, P=P):
            saved = P.copy()
            P[...] = probe
            value = ce(model.forward(X), y)
            P[...] = saved
            return value

        results[name] = _compare(f, P, G)
    dX = model.backward(ce.gradient(model.forward(X), y))
    results["X"] = _compare(lambda Z: ce(model.forward(Z), y), X, dX)
    return results


def _compare(f, point, analytic):
    numerical = gradcheck.numerical_gradient(f, point, h=STEP)
    return gradcheck.compare(analytic.copy(), numerical, tolerance=TOLERANCE, floor=FLOOR)


@pytest.mark.parametrize("batch_norm, residual", [(True, False), (False, True), (True, True)],
                         ids=["batch_norm", "residual", "both"])
@pytest.mark.parametrize("activation", HIDDEN)
def test_cured_networks_pass_gradient_checks(activation, batch_norm, residual):
    model, X = _cured_model(activation, batch_norm, residual)
    results = _check_every_parameter(model, X, np.array([0, 1, 2, 0, 1, 2, 0, 1]))
    names = set(results)
    if batch_norm:
        assert {"layers.0.gamma", "layers.0.beta", "layers.2.gamma"} <= names
        assert not any(n.endswith(".b") for n in names if not n.startswith("layers.3"))
    failed = {name: r for name, r in results.items() if not r.passed}
    assert not failed, failed


def test_batch_norm_in_a_network_is_checked_in_evaluation_mode_too():
    model, X = _cured_model("tanh", True, True)
    fit(model, X, np.array([0, 1, 2, 0, 1, 2, 0, 1]), optimizer=SGD(0.1), epochs=3,
        batch_size=4, progress=False)                   # running statistics that are not (0, 1)
    model.eval()
    results = _check_every_parameter(model, X, np.array([0, 1, 2, 0, 1, 2, 0, 1]))
    assert all(r.passed for r in results.values()), results


# --- the layers and the MLP options -------------------------------------------------------------
def test_dense_with_batch_norm_has_gamma_and_beta_instead_of_a_bias():
    layer = Dense(4, 3, activation="tanh", batch_norm=True, bias=-0.5, seed=0)
    assert layer.b is None and sorted(layer.params()) == ["W", "beta", "gamma"]
    np.testing.assert_array_equal(layer.norm.beta, [-0.5, -0.5, -0.5])  # bias = initial β
    A = layer.forward(_rng().normal(size=(10, 4)))
    np.testing.assert_allclose(layer.Z.mean(axis=0), -0.5, atol=1e-12)  # Z = what tanh sees
    assert np.array_equal(A, np.tanh(layer.Z))
    assert repr(layer) == "Dense(4, 3, activation='tanh', init='he', batch_norm=True)"
    with pytest.raises(ValueError, match="batch_norm must be True, False or a BatchNorm, got str"):
        Dense(4, 3, batch_norm="yes")
    with pytest.raises(ValueError, match="batch_norm has 2 units but the layer 3"):
        Dense(4, 3, batch_norm=BatchNorm(2))


def test_a_residual_layer_adds_its_input_and_passes_the_gradient_straight_through():
    block = ResidualDense(4, 4, activation="tanh", seed=0)
    X = _rng().normal(size=(6, 4))
    A = block.forward(X)
    np.testing.assert_allclose(A, X + np.tanh(X @ block.W + block.b), rtol=1e-14)
    assert block.activation_output is block.F
    block.W[...] = 0.0                                   # the branch passes nothing back...
    block.forward(X)
    g = _rng(1).normal(size=(6, 4))
    np.testing.assert_array_equal(block.backward(g), g)  # ... the skip passes all of it
    with pytest.raises(ValueError, match="n_in and n_out must be equal, got 4 and 3"):
        ResidualDense(4, 3)


def test_mlp_puts_skips_only_where_the_widths_agree():
    model = MLP([6, 8, 8, 8, 3], activation="relu", residual=True, batch_norm=True)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Dense", "ResidualDense", "ResidualDense", "Dense"]
    assert [layer.norm is not None for layer in model.layers] == [True, True, True, False]
    assert repr(model) == ("MLP(sizes=[6, 8, 8, 8, 3], activation=['relu', 'relu', 'relu'], "
                           "init='he', bias=0.0, batch_norm=True, residual=True)")


def test_the_default_mlp_is_unchanged_bit_for_bit():
    # Lessons 08–10 store outputs of the plain MLP: the new options must not move a bit of it.
    plain = MLP([5, 7, 7, 3], activation="tanh", init="xavier_uniform", seed=4)
    rng = np.random.default_rng(4)  # the MLP draws every layer from one generator, in order
    for layer, (n_in, n_out) in zip(plain.layers, [(5, 7), (7, 7), (7, 3)]):
        a = np.sqrt(6.0 / (n_in + n_out))
        assert np.array_equal(layer.W, rng.uniform(-a, a, (n_in, n_out)))
    for init in ("he", "he_uniform", "xavier_normal", "xavier_uniform"):
        g = np.random.default_rng(7)
        expected = {"he": lambda: g.normal(0.0, np.sqrt(2.0 / 5), (5, 4)),
                    "he_uniform": lambda: g.uniform(-np.sqrt(6.0 / 5), np.sqrt(6.0 / 5), (5, 4)),
                    "xavier_normal": lambda: g.normal(0.0, np.sqrt(2.0 / 9), (5, 4)),
                    "xavier_uniform": lambda: g.uniform(-np.sqrt(6.0 / 9), np.sqrt(6.0 / 9), (5, 4)),
                    }[init]()
        assert np.array_equal(init_weights(5, 4, init, seed=7), expected), init
    assert repr(plain) == "MLP(sizes=[5, 7, 7, 3], activation=['tanh', 'tanh'], init='xavier_uniform', bias=0.0)"
    assert all(type(layer) is Dense and layer.norm is None for layer in plain.layers)


def test_gain_multiplies_the_standard_deviation_and_lecun_has_variance_one_over_fan_in():
    W = init_weights(2000, 300, "lecun_normal", seed=1)
    assert W.var() == pytest.approx(1 / 2000, rel=0.02)
    assert np.abs(init_weights(50, 30, "lecun_uniform")).max() <= np.sqrt(3 / 50)
    for init in ("lecun_normal", "xavier_uniform", "he"):
        np.testing.assert_allclose(init_weights(40, 30, init, seed=2, gain=5 / 3),
                                   5 / 3 * init_weights(40, 30, init, seed=2), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(init_weights(40, 30, "lecun_normal", seed=2, gain=np.sqrt(2)),
                               init_weights(40, 30, "he", seed=2), rtol=1e-12)
    np.testing.assert_array_equal(init_weights(4, 3, "normal", gain=3.0), init_weights(4, 3, "normal"))
    with pytest.raises(ValueError, match="init_weights: gain must be a positive number, got 0.0"):
        init_weights(4, 3, gain=0)


def test_recommended_gains():
    assert gain("tanh") == 5 / 3 and gain("relu") == np.sqrt(2) and gain("selu") == 1.0
    assert gain(None) == gain("linear") == gain("sigmoid") == 1.0
    assert gain(activations.LeakyReLU(negative_slope=0.2)) == pytest.approx(np.sqrt(2 / 1.04))
    assert set(GAINS) == {"linear", "sigmoid", "tanh", "relu", "selu"}
    with pytest.raises(ValueError, match="no recommended gain for 'gelu'"):
        gain("gelu")


def test_mlp_gains_apply_to_hidden_and_output_layers_separately():
    base = MLP([10, 8, 8, 4], activation="tanh", init="lecun_normal", seed=3)
    cured = MLP([10, 8, 8, 4], activation="tanh", init="lecun_normal", seed=3, gain=5 / 3,
                output_gain=0.1)
    for a, b in zip(base.layers[:-1], cured.layers[:-1]):
        np.testing.assert_allclose(b.W, 5 / 3 * a.W, rtol=1e-15)
    np.testing.assert_allclose(cured.layers[-1].W, 0.1 * base.layers[-1].W, rtol=1e-15)
    assert "gain=1.6666666666666667, output_gain=0.1" in repr(cured)


@pytest.mark.parametrize("kwargs, message", [
    (dict(batch_norm=1), r"MLP: batch_norm must be True or False, got 1"),
    (dict(residual="yes"), r"MLP: residual must be True or False, got str 'yes'"),
    (dict(gain=-1.0), r"MLP: gain must be a positive number, got -1.0"),
    (dict(output_gain=np.inf), r"MLP: output_gain must be a positive number, got inf"),
])
def test_mlp_rejects_bad_cure_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MLP([2, 3, 2], **kwargs)


def test_train_and_eval_switch_every_batch_norm():
    model = MLP([3, 4, 4, 2], batch_norm=True)
    assert all(bn.training for bn in batch_norms(model))
    assert model.eval() is model and not any(bn.training for bn in batch_norms(model))
    model.train()
    assert all(bn.training for bn in batch_norms(model))
    with evaluation(model):
        assert not any(bn.training for bn in batch_norms(model))
    assert all(bn.training for bn in batch_norms(model))
    assert batch_norms(MLP([3, 4, 2])) == []


def test_measuring_does_not_move_the_running_statistics():
    model = MLP([3, 6, 6, 2], activation="relu", batch_norm=True)
    X, y = _rng().normal(size=(20, 3)), np.arange(20) % 2
    model.gradient_norms(X, y)
    with statistics_kept(model):
        model.forward(X + 5.0)
    for bn in batch_norms(model):
        assert np.array_equal(bn.running_mean, np.zeros(6)) and np.array_equal(bn.running_var, np.ones(6))


# --- clipping -------------------------------------------------------------------------------
def test_clipping_caps_the_global_norm_and_keeps_the_direction():
    grads = [np.array([[3.0, 0.0]]), np.array([4.0, 0.0, 0.0])]
    clipped, norm = clip_by_global_norm(grads, 2.5)
    assert norm == 5.0 and global_norm(clipped) == pytest.approx(2.5)
    for c, g in zip(clipped, grads):
        np.testing.assert_allclose(c, 0.5 * g)
    assert np.array_equal(grads[0], [[3.0, 0.0]])          # the input is not modified
    same, norm = clip_by_global_norm(grads, 10.0)
    assert norm == 5.0 and all(np.array_equal(a, b) for a, b in zip(same, grads))
    nan, norm = clip_by_global_norm([np.array([np.nan, 1.0])], 1.0)
    assert np.isnan(norm) and np.isnan(nan[0][0])           # nothing sensible to scale by
    with pytest.raises(ValueError, match="clip_by_global_norm: max_norm must be a positive number"):
        clip_by_global_norm(grads, 0)


def test_fit_clips_every_update():
    X, y = data.make_moons(64, noise=0.2, seed=0)
    model = MLP([2, 16, 16, 2], activation="relu", init="normal", init_std=3.0, seed=0)
    lr, clip = 0.1, 0.5
    history = []

    def record(step, model, batch_loss):
        history.append([p.copy() for p in model.parameters()])

    fit(model, X, y, optimizer=SGD(lr), epochs=2, batch_size=16, clip_norm=clip,
        callback=record, progress=False)
    lengths = [np.sqrt(sum(np.sum((a - b) ** 2) for a, b in zip(after, before)))
               for before, after in zip(history, history[1:])]
    assert len(lengths) == 8 and max(lengths) <= lr * clip * (1 + 1e-12)
    assert max(lengths) == pytest.approx(lr * clip)        # this network needs clipping
    with pytest.raises(ValueError, match="fit: clip_norm must be a positive number, got -1.0"):
        fit(model, X, y, clip_norm=-1, progress=False)
    with pytest.raises(ValueError, match="fit: callback must be a function or None, got 3"):
        fit(model, X, y, callback=3, progress=False)


def test_the_callback_sees_step_zero_then_every_update_with_its_batch_loss():
    X, y = data.make_moons(50, seed=0)
    calls = []
    fit(MLP([2, 4, 2]), X, y, epochs=2, batch_size=20, progress=False,
        callback=lambda step, model, loss: calls.append((step, loss)))
    assert [s for s, _ in calls] == list(range(7))         # 3 batches per epoch
    assert calls[0][1] is None and all(loss > 0 for _, loss in calls[1:])


# --- fit with batch norm ------------------------------------------------------------------------
def test_fit_with_batch_norm_updates_running_statistics_only_in_training_steps():
    split = data.load_digits(seed=0)
    X, y = split.X_train[:96], split.y_train[:96]
    model = MLP([64, 16, 16, 10], activation="relu", batch_norm=True, seed=0)
    twin = MLP([64, 16, 16, 10], activation="relu", batch_norm=True, seed=0)
    model.eval()                                        # fit trains in training mode anyway
    h = fit(model, X, y, optimizer=Adam(0.01), epochs=2, batch_size=32, seed=3,
            X_val=split.X_test[:50], y_val=split.y_test[:50], progress=False)
    assert not any(bn.training for bn in batch_norms(model))   # the mode is restored
    # The same updates by hand, with no measurements in between: the same running statistics.
    rng = np.random.default_rng(3)
    rng.permutation(len(X))                             # fit's reference sample
    opt, ce = Adam(0.01), SoftmaxCrossEntropy()
    for _ in range(2):
        order = rng.permutation(len(X))
        for start in range(0, len(X), 32):
            rows = order[start:start + 32]
            twin.backward(ce.gradient(twin.forward(X[rows]), y[rows]))
            opt.step(twin.parameters(), twin.gradients())
    for a, b in zip(batch_norms(model), batch_norms(twin)):
        assert np.array_equal(a.running_mean, b.running_mean) and np.array_equal(a.running_var, b.running_var)
    # After epoch 0 the recorded loss is the evaluation-mode loss.
    with evaluation(twin):
        assert h.loss[-1] == pytest.approx(ce(twin.forward(X), y), rel=1e-12)


def test_epoch_zero_of_a_batch_norm_network_uses_batch_statistics():
    split = data.load_digits(seed=0)
    X, y = split.X_train[:64], split.y_train[:64]
    model = MLP([64, 16, 16, 10], activation="tanh", batch_norm=True, seed=0)
    expected = losses.SoftmaxCrossEntropy()(MLP([64, 16, 16, 10], activation="tanh",
                                                batch_norm=True, seed=0).forward(X), y)
    h = fit(model, X, y, optimizer=SGD(0.01), epochs=1, progress=False)
    assert h.loss[0] == pytest.approx(expected, rel=1e-12)


def test_fit_without_statistics_records_the_loss_only_and_trains_the_same():
    X, y = data.make_moons(80, noise=0.2, seed=0)
    with_stats = MLP([2, 8, 8, 2], activation="tanh", seed=0)
    without = MLP([2, 8, 8, 2], activation="tanh", seed=0)
    h1 = fit(with_stats, X, y, optimizer=Adam(0.01), epochs=3, X_val=X[:20], y_val=y[:20], progress=False)
    h2 = fit(without, X, y, optimizer=Adam(0.01), epochs=3, X_val=X[:20], y_val=y[:20],
             statistics=False, progress=False)
    assert h1.loss == h2.loss and h1.val_accuracy == h2.val_accuracy
    assert all(np.array_equal(p, q) for p, q in zip(with_stats.parameters(), without.parameters()))
    assert h2.grad_norm == [] and h2.dead == []
    with pytest.raises(ValueError, match=r"no 'dead' was recorded \(fit\(\.\.\., statistics=False\)"):
        h2.hidden_fraction("dead")
    with pytest.raises(ValueError, match="fit: statistics must be True or False, got str 'no'"):
        fit(without, X, y, statistics="no", progress=False)
