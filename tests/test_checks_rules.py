"""The rules that make a check fair and a mark mean something (INSTRUCTORS.md, "What a check enforces").

- "Implement" means implement: an answer that calls the course's own implementation fails.
- A check enforces only what its task states: float32 and speed fail only where the task asks
  for them; elsewhere a textbook answer passes with a note.
- Each exercise is judged on its own: earlier exercises it calls are replaced by references,
  the note names the earlier exercise, and later cells get a function that works.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from check_helpers import assert_failed, relu_derivative_float64, sigmoid_loop, verdict

from course_utils import activations, checks


# --- "implement" means implement ------------------------------------------------------------
def softmax_from_the_course(x, axis=-1):
    return activations.softmax(x, axis=axis)


def softmax_from_scipy(x, axis=-1):
    from scipy import special

    return special.softmax(x, axis=axis)


def tanh_via_numpy(x):
    return np.tanh(x)


def relu_from_the_checker(x):
    return checks.reference("relu")(x)


@pytest.mark.parametrize("exercise_id, fn, words", [
    ("softmax", softmax_from_the_course, ["uses the course's own softmax (activations.softmax)"]),
    ("softmax", softmax_from_scipy, ["uses SciPy's softmax"]),
    ("tanh_from_sigmoid", tanh_via_numpy, ["uses np.tanh"]),
    ("relu", relu_from_the_checker, ["uses the course's own relu"]),
], ids=lambda v: getattr(v, "__name__", None) if callable(v) else None)
def test_calling_the_course_implementation_is_named(exercise_id, fn, words):
    assert_failed(exercise_id, fn, *words)


def test_the_forbidden_name_is_restored_after_the_check():
    before = np.tanh
    checks.run("tanh_from_sigmoid", tanh_via_numpy)
    assert np.tanh is before
    assert verdict("tanh_from_sigmoid", lambda x: 2 * activations.sigmoid(2 * np.asarray(x)) - 1).passed


# --- fair checks: only what the task states ----------------------------------------------------
def softmax_textbook_float64(x, axis=-1):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def test_a_textbook_float64_softmax_passes_with_a_note():
    v = verdict("softmax", softmax_textbook_float64)
    assert v.passed, v.message
    assert "Note: a float32 input came back as float64" in v.message


def test_keeping_float32_fails_only_where_the_task_asks_for_it():
    assert "dtype float64 for a float32 input" in assert_failed("relu_derivative", relu_derivative_float64)


def sigmoid_derivative_textbook(x):
    s = activations.sigmoid(x)
    return s * (1 - s)


def test_the_textbook_sigmoid_derivative_fails_in_the_right_tail():
    assert_failed("sigmoid_derivative", sigmoid_derivative_textbook, "right tail", "σ(−x)", "36.7")


def elu_loop(x, alpha=1.0):
    # One np.where per element: a few microseconds each, some 100x slower than whole arrays.
    values = [np.where(v > 0, v, alpha * np.expm1(min(v, 0.0))) for v in np.ravel(np.asarray(x, float))]
    return np.array(values).reshape(np.shape(x))


def test_a_slow_loop_costs_nothing_where_speed_is_not_asked_for():
    v = verdict("elu", elu_loop)
    assert v.passed, v.message
    assert "Note: it is correct but far slower than NumPy" in v.message
    assert not verdict("sigmoid", sigmoid_loop).passed  # the sigmoid task asks for speed


def relu_on_a_busy_machine(x):
    time.sleep(0.05)  # the scheduler runs someone else: wall time passes, this code does no work
    return np.maximum(x, 0)


def test_a_busy_machine_does_not_make_a_vectorised_answer_slow():
    v = verdict("relu", relu_on_a_busy_machine)  # 50 ms of waiting is 2.5 times the slow floor
    assert v.passed, v.message


def test_a_slow_patch_is_retried_before_an_answer_is_called_slow():
    big_calls = []

    def relu(x):
        x = np.asarray(x)
        if x.size >= 100_000:
            big_calls.append(1)
            if len(big_calls) <= 3:  # the first timed runs are slowed down by 60 ms of work
                end = time.thread_time() + 0.06
                while time.thread_time() < end:
                    pass
        return np.maximum(x, 0)

    v = verdict("relu", relu)
    assert v.passed, v.message
    assert len(big_calls) > 3


# --- each exercise on its own --------------------------------------------------------------------
def test_a_later_exercise_is_checked_with_the_reference_for_an_unfinished_earlier_one():
    ns = {"np": np}
    exec("def softmax(x, axis=-1):\n    raise NotImplementedError()\n"
         "def softmax_jacobian(x):\n    s = softmax(x)\n    return np.diag(s) - np.outer(s, s)\n", ns)
    stub = ns["softmax"]
    v = verdict("softmax_jacobian", ns["softmax_jacobian"])
    assert v.passed, v.message
    assert "used the course's softmax(x, axis) in place of yours" in v.message
    assert "not implemented yet" in v.message
    assert ns["softmax"] is stub  # the student's own function is back


def test_a_buggy_earlier_exercise_is_named_not_blamed_on_the_later_one():
    ns = {"np": np}
    exec("def softmax(x, axis=-1):\n    e = np.exp(np.asarray(x))\n    return e / e.sum(axis=axis, keepdims=True)\n"
         "def softmax_vjp(x, g):\n    s = softmax(x)\n    g = np.asarray(g)\n"
         "    return s * (g - np.sum(g * s, axis=-1, keepdims=True))\n", ns)
    v = verdict("softmax_vjp", ns["softmax_vjp"])
    assert v.passed, v.message
    assert "does not pass its own check" in v.message and "overflow" not in v.message


def test_no_note_when_the_earlier_exercise_is_fine_or_not_called():
    ns = {"np": np}
    exec("def softmax(x, axis=-1):\n    x = np.asarray(x)\n    e = np.exp(x - x.max(axis=axis, keepdims=True))\n"
         "    return e / e.sum(axis=axis, keepdims=True)\n"
         "def softmax_jacobian(x):\n    s = softmax(x)\n    return np.diag(s) - np.outer(s, s)\n", ns)
    v = verdict("softmax_jacobian", ns["softmax_jacobian"])
    assert v.passed and "Note" not in v.message, v.message


def test_yours_or_reference_runs_a_passing_function_with_references_for_unfinished_helpers(capsys):
    ns = {"np": np}
    exec("def softmax(x, axis=-1):\n    raise NotImplementedError()\n"
         "def softmax_jacobian(x):\n    s = softmax(x)\n    return np.diag(s) - np.outer(s, s)\n", ns)
    jac = checks.yours_or_reference("softmax_jacobian", ns["softmax_jacobian"])
    assert "using your softmax_jacobian(x) below with the course's softmax(x, axis)" in capsys.readouterr().out
    assert np.allclose(jac(np.zeros(2)), [[0.25, -0.25], [-0.25, 0.25]])
    with pytest.raises(NotImplementedError):
        ns["softmax"](np.zeros(2))  # the student's own function is untouched
