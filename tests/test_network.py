"""course_utils.network: gradients, initialisers, losses, optimisers, errors (fit: see test_network_training)."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import activations, gradcheck
from course_utils.network import (
    MLP, SGD, Adam, Dense, MeanSquaredError, SoftmaxCrossEntropy, fit, init_weights, losses,
    optimizers,
)

HIDDEN = [n for n in activations.available() if activations.get(n).elementwise]
KINK_MARGIN = 1e-3  # no pre-activation this close to 0 (finite differences straddle kinks)
# A step a little above gradcheck's default (6e-6): the smallest gradient entries here are
# ~1e-6, where the default step's rounding error alone reaches 1e-6 relative; 3e-5 keeps both
# rounding and truncation below 2e-7, and moves pre-activations far less than KINK_MARGIN.
STEP = 3e-5


def test_every_elementwise_activation_is_tested():
    assert set(activations.available()) - set(HIDDEN) == {"softmax", "log_softmax"}


# --- whole-network gradient checks -------------------------------------------------------
def _model_away_from_kinks(activation, sizes=(3, 5, 4, 3), n=6, init="xavier_normal"):
    """A small net and a batch with every hidden pre-activation ≥ KINK_MARGIN from 0."""
    for seed in range(50):
        rng = np.random.default_rng(seed)
        model = MLP(list(sizes), activation=activation, init=init, bias=0.1, seed=seed)
        X = rng.normal(size=(n, sizes[0]))
        model.forward(X)
        if min(np.abs(layer.Z).min() for layer in model.layers[:-1]) > KINK_MARGIN:
            return model, X
    raise AssertionError("no kink-free draw found")  # pragma: no cover


def _check_all_parameters(model, X, targets, loss):
    loss = losses.get(loss)
    model.backward(loss.gradient(model.forward(X), targets))
    results = {}
    for (name, P), G in zip(model.named_parameters(), model.gradients()):
        def f(probe, P=P):
            saved = P.copy()
            P[...] = probe
            value = loss(model.forward(X), targets)
            P[...] = saved
            return value

        results[name] = gradcheck.check_gradient(f, P, G.copy(), h=STEP, tolerance=1e-6)
    return results


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize("name", HIDDEN)
def test_every_parameter_gradient_matches_finite_differences(name, loss):
    model, X = _model_away_from_kinks(name)
    y = np.array([0, 1, 2, 0, 1, 2])
    targets = y if loss == "cross_entropy" else losses.one_hot(y, 3)
    results = _check_all_parameters(model, X, targets, loss)
    expected = {f"layers.{i}.{k}" for i in range(3) for k in ("W", "b")}
    if name == "prelu":
        expected |= {"layers.0.alpha", "layers.1.alpha"}
    assert set(results) == expected
    for pname, result in results.items():
        assert result.passed, f"{name}/{loss} {pname}: {result}"


def test_mixed_activations_and_a_deeper_net_pass_gradcheck():
    acts = ["tanh", "prelu", "gelu", "sigmoid"]
    model, X = _model_away_from_kinks(acts, sizes=(4, 6, 5, 5, 4, 3), n=5)
    results = _check_all_parameters(model, X, np.array([2, 1, 0, 1, 2]), "cross_entropy")
    assert all(r.passed for r in results.values()), results


def test_backward_returns_the_input_gradient():
    model, X = _model_away_from_kinks("elu")
    y = np.array([0, 1, 2, 0, 1, 2])
    ce = SoftmaxCrossEntropy()
    dX = model.backward(ce.gradient(model.forward(X), y))
    result = gradcheck.check_gradient(lambda Z: ce(model.forward(Z), y), X, dX)
    assert result.passed, result


def test_gradient_norms_match_the_layer_gradients_and_leave_weights_alone():
    model = MLP([4, 8, 8, 3], activation="sigmoid", seed=3)
    X = np.random.default_rng(0).normal(size=(20, 4))
    y = np.arange(20) % 3
    before = [p.copy() for p in model.parameters()]
    norms = model.gradient_norms(X, y)
    assert norms.shape == (3,)
    np.testing.assert_allclose(norms, [np.linalg.norm(layer.grads["W"]) for layer in model.layers])
    assert all(np.array_equal(a, b) for a, b in zip(before, model.parameters()))


# --- layers and initialisers -----------------------------------------------------------------
@pytest.mark.parametrize("init,variance", [
    ("he", lambda fi, fo: 2 / fi),
    ("he_uniform", lambda fi, fo: 2 / fi),
    ("xavier_normal", lambda fi, fo: 2 / (fi + fo)),
    ("xavier_uniform", lambda fi, fo: 2 / (fi + fo)),
    ("normal", lambda fi, fo: 0.3**2),
])
def test_initialisers_have_the_documented_variance(init, variance):
    W = init_weights(400, 300, init, seed=1, init_std=0.3)
    assert W.shape == (400, 300) and W.dtype == np.float64
    assert abs(W.mean()) < 0.05 * W.std()
    assert W.var() == pytest.approx(variance(400, 300), rel=0.02)


def test_uniform_initialisers_stay_inside_their_bounds():
    assert np.abs(init_weights(50, 30, "xavier_uniform")).max() <= np.sqrt(6 / 80)
    assert np.abs(init_weights(50, 30, "he_uniform")).max() <= np.sqrt(6 / 50)


def test_keras_and_pytorch_spellings_of_initialisers_are_accepted():
    for alias, name in [("glorot_uniform", "xavier_uniform"), ("glorot_normal", "xavier_normal"),
                        ("he_normal", "he"), ("kaiming_uniform", "he_uniform")]:
        np.testing.assert_array_equal(init_weights(5, 4, alias), init_weights(5, 4, name))


def test_bias_initialises_the_hidden_layers_and_the_output_starts_at_zero():
    model = MLP([2, 4, 4, 3], activation="relu", bias=-0.5)
    assert all(np.all(layer.b == -0.5) for layer in model.layers[:-1])
    assert np.all(model.layers[-1].b == 0.0)


def test_seed_fixes_the_weights_and_layers_differ_from_each_other():
    a, b, c = MLP([3, 3, 3, 3], seed=7), MLP([3, 3, 3, 3], seed=7), MLP([3, 3, 3, 3], seed=8)
    assert all(np.array_equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert not np.array_equal(a.layers[0].W, c.layers[0].W)
    assert not np.array_equal(a.layers[0].W, a.layers[1].W)


def test_prelu_learns_one_slope_per_unit_without_touching_the_callers_instance():
    mine = activations.PReLU(alpha=0.2)
    model = MLP([2, 3, 4, 2], activation=mine)
    np.testing.assert_array_equal(model.layers[0].activation.alpha, [0.2] * 3)
    np.testing.assert_array_equal(model.layers[1].activation.alpha, [0.2] * 4)
    assert model.layers[0].activation is not model.layers[1].activation
    fit(model, np.random.default_rng(0).normal(size=(40, 2)), np.arange(40) % 2,
        optimizer=SGD(0.5), epochs=3, progress=False)
    assert not np.allclose(model.layers[0].activation.alpha, 0.2)  # it learned
    assert mine.alpha == 0.2


def test_dense_forward_and_backward_shapes():
    layer = Dense(3, 2, activation="tanh", seed=0)
    A = layer.forward(np.ones((5, 3)))
    np.testing.assert_allclose(A, np.tanh(np.ones((5, 3)) @ layer.W + layer.b))
    dX = layer.backward(np.ones((5, 2)))
    assert dX.shape == (5, 3) and layer.grads["W"].shape == (3, 2) and layer.grads["b"].shape == (2,)


def test_everything_is_float64_even_for_float32_or_int_input():
    model = MLP([2, 4, 2])
    assert model.forward(np.ones((3, 2), dtype=np.float32)).dtype == np.float64
    assert model.forward(np.ones((3, 2), dtype=np.int64)).dtype == np.float64
    assert all(p.dtype == np.float64 for p in model.parameters())


# --- losses ---------------------------------------------------------------------------------------
def test_cross_entropy_is_minus_log_softmax_of_the_true_class():
    logits = np.random.default_rng(0).normal(size=(5, 4))
    y = np.array([0, 3, 1, 1, 2])
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    ce = SoftmaxCrossEntropy()
    assert ce(logits, y) == pytest.approx(-np.mean(np.log(p[np.arange(5), y])), rel=1e-14)
    np.testing.assert_allclose(ce.gradient(logits, y), (p - losses.one_hot(y, 4)) / 5, rtol=1e-13)
    assert ce(logits, losses.one_hot(y, 4)) == pytest.approx(ce(logits, y), rel=1e-15)


def test_cross_entropy_is_stable_for_huge_logits():
    ce = SoftmaxCrossEntropy()
    logits = np.array([[1e4, 0.0, -1e4], [-800.0, 800.0, 0.0]])
    y = np.array([1, 1])
    assert ce(logits, y) == pytest.approx(1e4 / 2)
    grad = ce.gradient(logits, y)
    assert np.all(np.isfinite(grad))
    np.testing.assert_allclose(grad, [[0.5, -0.5, 0.0], [0.0, 0.0, 0.0]], atol=1e-300)


@pytest.mark.parametrize("loss,targets", [
    (MeanSquaredError(), np.random.default_rng(1).normal(size=(4, 3))),
    (SoftmaxCrossEntropy(), np.array([2, 0, 1, 1])),
    (SoftmaxCrossEntropy(), np.random.default_rng(2).dirichlet(np.ones(3), size=4)),
])
def test_loss_gradients_match_finite_differences(loss, targets):
    out = np.random.default_rng(0).normal(size=(4, 3))
    result = gradcheck.check_gradient(lambda z: loss(z, targets), out, loss.gradient(out, targets))
    assert result.passed, result


def test_mse_accepts_a_column_of_targets_as_a_vector():
    mse = MeanSquaredError()
    out = np.array([[0.5], [2.0]])
    assert mse(out, np.array([0.0, 1.0])) == pytest.approx((0.25 + 1.0) / 2)


def test_accuracy():
    assert losses.accuracy(np.array([[0.1, 0.9], [0.8, 0.2]]), np.array([1, 1])) == 0.5
    assert losses.accuracy(np.array([[0.7], [0.2]]), np.array([1, 1])) == 0.5
    assert np.isnan(losses.accuracy(np.array([[0.7], [0.2]]), np.array([0.3, 1.5])))


# --- optimisers --------------------------------------------------------------------------------------
def test_sgd_with_momentum_follows_the_formula():
    w = np.array([1.0])
    opt = SGD(lr=0.1, momentum=0.9)
    v = 0.0
    expected = 1.0
    for g in [1.0, -2.0, 0.5]:
        opt.step([w], [np.array([g])])
        v = 0.9 * v + g
        expected -= 0.1 * v
    assert w[0] == pytest.approx(expected, rel=1e-15)


def test_adam_follows_the_formula():
    w, opt = np.array([0.5, -1.0]), Adam(lr=0.01)
    m = v = np.zeros(2)
    expected = w.copy()
    for t, g in enumerate([np.array([0.3, -2.0]), np.array([0.1, 1.0]), np.array([-0.2, 0.0])], 1):
        opt.step([w], [g])
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        expected = expected - 0.01 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    np.testing.assert_allclose(w, expected, rtol=1e-14)


@pytest.mark.parametrize("opt", [SGD(0.1), SGD(0.05, momentum=0.9), Adam(0.1)])
def test_optimisers_minimise_a_quadratic(opt):
    w = np.array([3.0, -2.0])
    for _ in range(300):
        opt.step([w], [2 * w])
    assert np.abs(w).max() < 1e-3


def test_optimiser_state_is_per_parameter_array():
    opt, a, b = SGD(0.1, momentum=0.5), np.zeros(1), np.zeros(1)
    opt.step([a], [np.ones(1)])
    opt.step([b], [np.ones(1)])
    assert a[0] == b[0] == -0.1  # b did not inherit a's velocity
    opt.reset()
    opt.step([a], [np.ones(1)])
    assert a[0] == pytest.approx(-0.2)


# --- errors name the argument and the value -------------------------------------------------------
@pytest.mark.parametrize("call,message", [
    (lambda: MLP([3]), r"sizes needs at least 2 entries.*\[3\]"),
    (lambda: MLP([3, 0, 2]), r"sizes must be positive integers, got \[3, 0, 2\]"),
    (lambda: MLP([3, 2.5, 2]), r"sizes must be positive integers"),
    (lambda: MLP(5), r"sizes must be a list"),
    (lambda: MLP([2, 4, 2], activation="rleu"), r"unknown activation 'rleu'; valid names: sigmoid"),
    (lambda: MLP([2, 4, 2], activation="softmax"), r"'softmax' cannot be a hidden activation"),
    (lambda: MLP([2, 4, 4, 2], activation=["relu"]), r"1 activation\(s\) but there are 2 hidden"),
    (lambda: MLP([2, 4, 2], init="glorot"), r"unknown init 'glorot'; valid names: normal, xavier_uniform"),
    (lambda: MLP([2, 4, 2], init="normal", init_std=0), r"init_std must be a positive number, got 0.0"),
    (lambda: MLP([2, 4, 2], bias=float("nan")), r"bias must be a finite number"),
    (lambda: SGD(lr=0), r"SGD: lr must be a positive number, got 0.0"),
    (lambda: SGD(lr=-0.1), r"SGD: lr must be a positive number, got -0.1"),
    (lambda: Adam(lr="fast"), r"Adam: lr must be a positive number, got str 'fast'"),
    (lambda: SGD(0.1, momentum=1.0), r"momentum must be a number with 0 ≤ momentum < 1, got 1.0"),
    (lambda: optimizers.get("rmsprop"), r"unknown optimizer 'rmsprop'"),
    (lambda: losses.get("hinge"), r"unknown loss 'hinge'"),
    (lambda: MLP([2, 4, 3]).forward(np.ones((5, 3))), r"X has 3 feature\(s\) \(shape \(5, 3\)\) but the network expects 2"),
    (lambda: MLP([2, 4, 3]).forward(np.ones(2)), r"X must be 2-D .* got shape \(2,\); use X.reshape"),
    (lambda: MLP([2, 4, 3]).forward([[1.0, np.nan]]), r"X contains NaN"),
    (lambda: MLP([2, 4, 3]).backward(np.ones((1, 3))), r"call forward first"),
    (lambda: Dense(0, 3), r"Dense: n_in must be a positive integer, got 0"),
])
def test_bad_arguments_give_clear_errors(call, message):
    with pytest.raises(ValueError if "forward first" not in message else RuntimeError, match=message):
        call()


@pytest.mark.parametrize("kwargs,message", [
    ({"epochs": 0}, r"epochs must be a positive integer, got 0"),
    ({"batch_size": -1}, r"batch_size must be a positive integer, got -1"),
    ({"progress": "yes"}, r"progress must be True, False or None, got 'yes'"),
    ({"X_val": np.ones((3, 2))}, r"pass both X_val and y_val"),
    ({"optimizer": SGD}, r"unknown optimizer"),
    ({"y": np.array([0, 1, 5, 0])}, r"labels must lie in \[0, 1\] for 2 outputs, got values from 0 to 5"),
    ({"y": np.array([0, 1, 1])}, r"y has shape \(3,\) but X has 4 rows"),
    ({"y": np.array([0.5, 1, 1, 0])}, r"whole-number class labels"),
])
def test_bad_fit_arguments_give_clear_errors(kwargs, message):
    args = {"X": np.zeros((4, 2)), "y": np.array([0, 1, 1, 0])}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        fit(MLP([2, 3, 2]), args.pop("X"), args.pop("y"), **args)


def test_a_bad_fit_call_changes_nothing():
    model = MLP([2, 3, 2])
    before = [p.copy() for p in model.parameters()]
    with pytest.raises(ValueError):
        fit(model, np.zeros((4, 2)), np.array([0, 1, 2, 0]))
    assert all(np.array_equal(a, b) for a, b in zip(before, model.parameters()))
