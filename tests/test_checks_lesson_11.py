"""Lesson 11's checks (course_utils.checks._lesson_11): right answers pass, the usual mistakes of
batch norm, the update ratio, the residual block and the written questions get the right
diagnosis, and the course's own BatchNorm, Dense and ResidualDense do not count as an answer."""

from __future__ import annotations

import numpy as np
import pytest
from check_helpers import assert_failed, verdict

from course_utils import activations, checks
from course_utils.checks import _lesson_11
from course_utils.network import BatchNorm, ResidualDense


def test_the_exercises_are_in_the_catalogue_in_course_order():
    ids = checks.available()
    mine = [ex.id for ex in _lesson_11.EXERCISES]
    start = ids.index(mine[0])
    assert ids[start:start + len(mine)] == mine    # together, in the lesson's order
    assert start + len(mine) <= ids.index("spirals_learners")    # after lesson 10, before 12


def test_the_references_agree_with_the_course_batch_norm():
    # Written out independently (an answer must not reach BatchNorm, see below): the same numbers.
    rng = np.random.default_rng(3)
    U, g, gamma, beta = rng.normal(size=(7, 4)), rng.normal(size=(7, 4)), rng.normal(size=4), rng.normal(size=4)
    bn = BatchNorm(4)
    bn.gamma[:], bn.beta[:] = gamma, beta
    assert np.allclose(_lesson_11._batch_norm_forward(U, gamma, beta), bn.forward(U), rtol=1e-13, atol=1e-14)
    course = (bn.backward(g), bn.grads["gamma"], bn.grads["beta"])
    for mine, theirs in zip(_lesson_11._batch_norm_backward(g, U, gamma), course):
        assert np.allclose(mine, theirs, rtol=1e-12, atol=1e-14)


def bn_forward(U, gamma, beta, eps=1e-5):
    U = np.asarray(U, dtype=float)
    mean, var = U.mean(axis=0), U.var(axis=0)
    return np.asarray(gamma) * (U - mean) / np.sqrt(var + eps) + np.asarray(beta)


def bn_backward(grad_Z, U, gamma, eps=1e-5):
    U, g, gamma = np.asarray(U, float), np.asarray(grad_Z, float), np.asarray(gamma, float)
    inv = 1 / np.sqrt(U.var(axis=0) + eps)
    U_hat = (U - U.mean(axis=0)) * inv
    d = g * gamma
    grad_U = inv * (d - d.mean(axis=0) - U_hat * (d * U_hat).mean(axis=0))
    return grad_U, (g * U_hat).sum(axis=0), g.sum(axis=0)


def ratio(W_before, W_after):
    W_before, W_after = np.asarray(W_before, float), np.asarray(W_after, float)
    return float(np.linalg.norm(W_after - W_before) / np.linalg.norm(W_before))


def block_backward(grad_A, X, W, gamma, beta, activation):
    U = X @ W
    Z = bn_forward(U, gamma, beta)
    grad_U, grad_gamma, grad_beta = bn_backward(grad_A * activation.derivative(Z), U, gamma)
    return grad_A + grad_U @ W.T, X.T @ grad_U, grad_gamma, grad_beta


@pytest.mark.parametrize("exercise_id, fn", [
    ("batch_norm_forward", bn_forward), ("batch_norm_backward", bn_backward),
    ("update_to_data_ratio", ratio), ("residual_block_backward", block_backward)])
def test_a_straightforward_numpy_answer_passes(exercise_id, fn):
    v = verdict(exercise_id, fn)
    assert v.passed, v.message


def layer_norm(U, gamma, beta, eps=1e-5):
    U = np.asarray(U, dtype=float)
    mean, var = U.mean(axis=1, keepdims=True), U.var(axis=1, keepdims=True)
    return np.asarray(gamma) * (U - mean) / np.sqrt(var + eps) + np.asarray(beta)


def unbiased(U, gamma, beta, eps=1e-5):
    U = np.asarray(U, dtype=float)
    return np.asarray(gamma) * (U - U.mean(axis=0)) / np.sqrt(U.var(axis=0, ddof=1) + eps) + beta


def no_eps(U, gamma, beta, eps=1e-5):
    U = np.asarray(U, dtype=float)
    return np.asarray(gamma) * (U - U.mean(axis=0)) / U.std(axis=0) + np.asarray(beta)


def normalises_in_place(U, gamma, beta, eps=1e-5):
    U -= U.mean(axis=0)
    U /= np.sqrt(U.var(axis=0) + eps)
    return gamma * U + beta


def backward_as_if_statistics_were_constants(grad_Z, U, gamma, eps=1e-5):
    U, g = np.asarray(U, float), np.asarray(grad_Z, float)
    inv = 1 / np.sqrt(U.var(axis=0) + eps)
    U_hat = (U - U.mean(axis=0)) * inv
    return g * np.asarray(gamma) * inv, (g * U_hat).sum(axis=0), g.sum(axis=0)


def backward_returns_only_grad_U(grad_Z, U, gamma, eps=1e-5):
    return bn_backward(grad_Z, U, gamma, eps)[0]


def block_without_the_skip(grad_A, X, W, gamma, beta, activation):
    grad_X, *rest = block_backward(grad_A, X, W, gamma, beta, activation)
    return (grad_X - grad_A, *rest)


def block_with_the_slope_at_the_output(grad_A, X, W, gamma, beta, activation):
    U = X @ W
    A = activation(bn_forward(U, gamma, beta))
    grad_U, grad_gamma, grad_beta = bn_backward(grad_A * activation.derivative(A), U, gamma)
    return grad_A + grad_U @ W.T, X.T @ grad_U, grad_gamma, grad_beta


def ratio_of_norms(W_before, W_after):
    return float((np.linalg.norm(W_after) - np.linalg.norm(W_before)) / np.linalg.norm(W_before))


@pytest.mark.parametrize("exercise_id, fn, words", [
    ("batch_norm_forward", layer_norm, ["wrong value", "axis=0", "layer normalisation"]),
    ("batch_norm_forward", unbiased, ["wrong value", "ddof=0"]),
    ("batch_norm_forward", no_eps, ["eps belongs inside the square root"]),
    ("batch_norm_forward", normalises_in_place, ["modified its input in place"]),
    ("batch_norm_backward", backward_as_if_statistics_were_constants,
     ["grad_U: wrong value", "depend on U too"]),
    ("batch_norm_backward", backward_returns_only_grad_U, ["should return a tuple (grad_U and grad_gamma and grad_beta)"]),
    ("update_to_data_ratio", ratio_of_norms, ["wrong value", "rotation"]),
    ("residual_block_backward", block_without_the_skip, ["grad_X: wrong value", "identity path"]),
    ("residual_block_backward", block_with_the_slope_at_the_output,
     ["wrong value", "activation.derivative(Z)"]),
], ids=lambda v: getattr(v, "__name__", None) if callable(v) else None)
def test_usual_mistakes_get_their_hint(exercise_id, fn, words):
    assert_failed(exercise_id, fn, *words)


def test_the_counterexample_shows_the_numbers():
    message = assert_failed("batch_norm_forward", layer_norm)
    assert "U        = [[ 2. , -1. ,  7. ]," in message and "expected = [[" in message


def test_the_written_answers():
    assert verdict("initial_loss", lambda: float(np.log(10))).passed
    assert_failed("initial_loss", lambda: 0.1, "too low", "−log(1/10)")
    assert verdict("symmetry_why", lambda: "b").passed
    assert_failed("symmetry_why", lambda: "a", "size is not the problem")
    assert_failed("symmetry_why", lambda: "c", "all-zero start")
    assert_failed("symmetry_why", lambda: "d", "same mini-batch", "exact copies")


# --- "implement" means implement: the course's BatchNorm, Dense and ResidualDense do not count --
def forward_with_the_course_batch_norm(U, gamma, beta, eps=1e-5):
    bn = BatchNorm(np.shape(U)[1], eps=eps)
    bn.gamma[:], bn.beta[:] = gamma, beta
    return bn.forward(U)


def backward_with_the_course_batch_norm(grad_Z, U, gamma, eps=1e-5):
    bn = BatchNorm(np.shape(U)[1], eps=eps)
    bn.gamma[:] = gamma
    bn.forward(U)
    return bn.backward(grad_Z), bn.grads["gamma"], bn.grads["beta"]


def block_with_the_course_layer(grad_A, X, W, gamma, beta, activation):
    layer = ResidualDense(*W.shape, activation=activation, batch_norm=True)
    layer.W[:], layer.norm.gamma[:], layer.norm.beta[:] = W, gamma, beta
    layer.forward(X)
    grad_X = layer.backward(grad_A)
    return grad_X, layer.grads["W"], layer.grads["gamma"], layer.grads["beta"]


def block_with_the_course_batch_norm_backward(grad_A, X, W, gamma, beta, activation):
    U = X @ W
    dZ = grad_A * activation.derivative(bn_forward(U, gamma, beta))
    grad_U, grad_gamma, grad_beta = backward_with_the_course_batch_norm(dZ, U, gamma)
    return grad_A + grad_U @ W.T, X.T @ grad_U, grad_gamma, grad_beta


@pytest.mark.parametrize("exercise_id, fn, words", [
    ("batch_norm_forward", forward_with_the_course_batch_norm, ["network.normalization.BatchNorm"]),
    ("batch_norm_backward", backward_with_the_course_batch_norm, ["network.normalization.BatchNorm"]),
    ("residual_block_backward", block_with_the_course_layer, ["network.residual.ResidualDense"]),
    ("residual_block_backward", block_with_the_course_batch_norm_backward,
     ["network.normalization.BatchNorm"]),
], ids=lambda v: getattr(v, "__name__", None) if callable(v) else None)
def test_the_course_implementation_does_not_count(exercise_id, fn, words):
    assert_failed(exercise_id, fn, "uses the course's own", "implement it yourself", *words)


def test_the_residual_block_is_judged_with_references_for_unfinished_batch_norm_functions():
    ns = {"np": np}
    exec("def batch_norm_forward(U, gamma, beta, eps=1e-5):\n    raise NotImplementedError()\n"
         "def batch_norm_backward(grad_Z, U, gamma, eps=1e-5):\n    raise NotImplementedError()\n"
         "def residual_block_backward(grad_A, X, W, gamma, beta, activation):\n"
         "    U = X @ W\n    Z = batch_norm_forward(U, gamma, beta)\n"
         "    grad_U, grad_gamma, grad_beta = batch_norm_backward(grad_A * activation.derivative(Z), U, gamma)\n"
         "    return grad_A + grad_U @ W.T, X.T @ grad_U, grad_gamma, grad_beta\n", ns)
    v = verdict("residual_block_backward", ns["residual_block_backward"])
    assert v.passed, v.message
    assert "batch_norm_backward(grad_Z, U, gamma, eps) in place of yours" in v.message


def test_the_residual_reference_is_the_gradient_check_of_the_block():
    rng = np.random.default_rng(5)
    X, g = rng.normal(size=(6, 3)), rng.normal(size=(6, 3))
    W, gamma, beta = rng.normal(size=(3, 3)), np.array([1.0, -2.0, 0.5]), np.zeros(3)
    layer = ResidualDense(3, 3, activation="tanh", batch_norm=True)
    layer.W[:], layer.norm.gamma[:], layer.norm.beta[:] = W, gamma, beta
    layer.forward(X)
    course = (layer.backward(g), layer.grads["W"], layer.grads["gamma"], layer.grads["beta"])
    numerical = _lesson_11._numerical_block(g, X, W, gamma, beta, activations.Tanh())
    for mine, theirs in zip(numerical, course):
        assert np.allclose(mine, theirs, rtol=1e-6, atol=1e-8)
