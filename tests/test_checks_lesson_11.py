"""Lesson 11's checks (course_utils.checks._lesson_11): right answers pass, the usual mistakes of
batch norm, the update ratio and the written questions get the right diagnosis."""

from __future__ import annotations

import numpy as np
import pytest
from check_helpers import assert_failed, verdict

from course_utils import checks
from course_utils.checks import _lesson_11


def test_the_exercises_are_in_the_catalogue_in_course_order():
    ids = checks.available()
    mine = [ex.id for ex in _lesson_11.EXERCISES]
    start = ids.index(mine[0])
    assert ids[start:start + len(mine)] == mine    # together, in the lesson's order
    assert start + len(mine) <= ids.index("spirals_learners")    # after lesson 10, before 12


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


@pytest.mark.parametrize("exercise_id, fn", [
    ("batch_norm_forward", bn_forward), ("batch_norm_backward", bn_backward),
    ("update_to_data_ratio", ratio)])
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
], ids=lambda v: getattr(v, "__name__", None) if callable(v) else None)
def test_usual_mistakes_get_their_hint(exercise_id, fn, words):
    assert_failed(exercise_id, fn, *words)


def test_the_counterexample_shows_the_numbers():
    message = assert_failed("batch_norm_forward", layer_norm)
    assert "U        = [[ 2. , -1. ,  7. ]," in message and "expected = [[" in message


def test_the_written_answers():
    assert verdict("initial_loss", lambda: float(np.log(10))).passed
    assert_failed("initial_loss", lambda: 0.1, "too low", "−log(1/10)")
    assert verdict("symmetry_why", lambda: "a").passed
    assert_failed("symmetry_why", lambda: "c", "all-zero start")
