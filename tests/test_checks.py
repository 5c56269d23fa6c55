"""course_utils.checks: right answers pass, and each usual mistake gets the right diagnosis.

The wrong implementations below are the mistakes students make (textbook formulas that
overflow, a derivative of the wrong variable, np.max for np.maximum, summing over the wrong
axis, ...). Each test asserts the verdict and the key words of the message a student sees.
"""

from __future__ import annotations

import math
from pathlib import Path

import nbformat
import numpy as np
import pytest
from check_helpers import assert_failed, relu_derivative_float64, sigmoid_loop, verdict

from course_utils import activations, checks, gradcheck
from course_utils.checks import _catalogue
from course_utils.checks._answers import ChoiceExercise, ValueExercise
from course_utils.checks._exercise import FunctionExercise
from course_utils.network import MLP
from course_utils.network.losses import SoftmaxCrossEntropy

ROOT = Path(__file__).resolve().parent.parent


# --- correct answers ------------------------------------------------------------------
def solution_functions():
    """Every implement-exercise solution from solutions/*.ipynb, exec'd in notebook order."""
    found = []
    for path in sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb")):
        ns = {"np": np, "math": math, "activations": activations, "gradcheck": gradcheck, "MLP": MLP,
              "SoftmaxCrossEntropy": SoftmaxCrossEntropy}
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            grade_id = meta.get("grade_id", "")
            if cell.cell_type == "code" and meta.get("solution") and grade_id.endswith("_code"):
                if "keras" in cell.source or "model" in cell.source.split("(", 1)[0]:
                    continue  # needs the notebook's earlier cells (Keras, trained models)
                exec(compile(cell.source, f"<{path.name}>", "exec"), ns)
                name = cell.source.split("def ", 1)[1].split("(", 1)[0]
                found.append(pytest.param(grade_id[: -len("_code")], ns[name], id=grade_id))
    return found


@pytest.mark.parametrize("exercise_id, fn", solution_functions())
def test_the_solutions_pass_their_checks(exercise_id, fn):
    v = verdict(exercise_id, fn)
    assert v.passed, v.message
    assert v.message.startswith("✓") and "passed" in v.message


FUNCTION_EXERCISES = [ex for ex in _catalogue.exercises() if isinstance(ex, FunctionExercise)]


@pytest.mark.parametrize("exercise", FUNCTION_EXERCISES, ids=lambda ex: ex.id)
def test_every_reference_passes_its_own_probes(exercise, monkeypatch):
    monkeypatch.setattr(exercise, "own", [])  # the reference IS the course's implementation
    v = verdict(exercise.id, exercise.reference)
    assert v.passed and "Note:" not in v.message, v.message


@pytest.mark.parametrize("exercise", FUNCTION_EXERCISES, ids=lambda ex: ex.id)
def test_handing_back_the_course_implementation_fails(exercise):
    """"Implement" means implement: the reference itself (the course's code) scores nothing."""
    message = assert_failed(exercise.id, exercise.reference, "uses", "implement it yourself")
    assert "course's own" in message or "checker's reference" in message


def _variant_cases():
    cases = []
    for ex in _catalogue.exercises():
        for i, variant in enumerate(getattr(ex, "variants", [])):
            if variant.fn is not None:
                cases.append(pytest.param(ex, variant, id=f"{ex.id}-{i}"))
    return cases


@pytest.mark.parametrize("exercise, variant", _variant_cases())
def test_every_known_mistake_fails_with_a_hint(exercise, variant):
    """Each catalogued wrong implementation fails, and the message carries a hint."""
    v = verdict(exercise.id, variant.fn)
    assert v.status == "failed", v.message
    assert "Hint:" in v.message


# --- not started, and the shape of every message ---------------------------------------
def sigmoid_stub(x):
    # YOUR CODE HERE
    raise NotImplementedError()


def test_not_implemented_yet_is_said_plainly():
    v = verdict("sigmoid", sigmoid_stub)
    assert v.status == "not_started"
    assert "not implemented yet" in v.message and "NotImplementedError()" in v.message
    assert checks.check("sigmoid", sigmoid_stub) is False


def softmax_stub(x, axis=-1):
    raise NotImplementedError()


def jacobian_using_unfinished_softmax(x):
    s = softmax_stub(x)
    return np.diag(s) - np.outer(s, s)


def test_not_implemented_names_the_unfinished_helper():
    v = verdict("softmax_jacobian", jacobian_using_unfinished_softmax)
    assert v.status == "not_started" and "softmax_stub" in v.message


def test_check_prints_one_result_and_returns_a_bool(capsys):
    assert checks.check("relu", lambda x: np.maximum(x, 0)) is True
    out = capsys.readouterr().out
    assert out.startswith("✓ relu(x): passed") and out.count("\n") == 1


def test_messages_are_deterministic():
    first = verdict("sigmoid", sigmoid_textbook).message
    assert all(verdict("sigmoid", sigmoid_textbook).message == first for _ in range(3))


# --- wrong values: counterexample + the usual mistake ------------------------------------
def sigmoid_derivative_of_input(x):
    x = np.asarray(x)
    return x * (1 - x)  # σ(1−σ) applied to x instead of σ(x)


def tanh_derivative_of_input(x):
    x = np.asarray(x)
    return 1 - x**2


def tanh_derivative_sign(x):
    return 1 + np.tanh(x) ** 2


def softmax_sum_over_everything(x, axis=-1):
    x = np.asarray(x)
    e = np.exp(x - np.max(x))
    return e / np.sum(e)


def softmax_fixed_axis(x, axis=-1):
    x = np.asarray(x)
    e = np.exp(x - np.max(x, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def jacobian_sign_flipped(x):
    s = activations.softmax(x)
    return np.outer(s, s) - np.diag(s)


def vjp_elementwise(x, grad_output):
    return activations.softmax(x) * np.asarray(grad_output)


def forward_difference(f, x, h=1e-5):
    x = np.asarray(x, dtype=np.float64)
    return (f(x + h) - f(x)) / h


def central_difference_over_h(f, x, h=1e-5):
    x = np.asarray(x, dtype=np.float64)
    return (f(x + h) - f(x - h)) / h


def relu_derivative_at_zero_is_one(x):
    x = np.asarray(x)
    return (x >= 0).astype(x.dtype)


def dead_units_by_row(Z):
    return int(np.sum(np.all(np.asarray(Z) <= 0, axis=1)))


@pytest.mark.parametrize("exercise_id, fn, words", [
    ("sigmoid_derivative", sigmoid_derivative_of_input,
     ["wrong value", "expected", "got", "wrong variable"]),
    ("tanh_derivative", tanh_derivative_of_input, ["wrong variable", "np.tanh(x)"]),
    ("tanh_derivative", tanh_derivative_sign, ["Sign error"]),
    ("softmax", softmax_sum_over_everything, ["wrong axis", "keepdims=True"]),
    ("softmax", softmax_fixed_axis, ["wrong axis", "`axis` argument"]),
    ("softmax_jacobian", jacobian_sign_flipped, ["wrong sign"]),
    ("softmax_vjp", vjp_elementwise, ["treats softmax as elementwise", "g − Σ_j g_j s_j"]),
    ("central_difference", forward_difference, ["forward difference", "O(h²)"]),
    ("central_difference", central_difference_over_h, ["twice the expected", "2h"]),
    ("relu_derivative", relu_derivative_at_zero_is_one, ["relu'(0) = 0", "x > 0"]),
    ("count_dead_units", dead_units_by_row, ["wrong axis", "column"]),
], ids=lambda v: getattr(v, "__name__", None) if callable(v) else None)
def test_wrong_values_show_a_counterexample_and_the_usual_mistake(exercise_id, fn, words):
    assert_failed(exercise_id, fn, *words)


def test_counterexample_shows_the_input_element_expected_and_got():
    message = assert_failed("sigmoid_derivative", sigmoid_derivative_of_input)
    assert "x        = -3.0" in message
    assert "expected = 0.0451767" in message and "got      = -12.0" in message


# --- the failure kinds beyond wrong values -----------------------------------------------
def relu_forgot_return(x):
    np.maximum(x, 0)


def relu_as_list(x):
    return [max(v, 0.0) for v in np.asarray(x, dtype=float).ravel()]


def relu_np_max(x):
    return np.max(x, 0)


def relu_in_place(x):
    x = np.asarray(x)
    x[x < 0] = 0
    return x


def sigmoid_textbook(x):
    return 1 / (1 + np.exp(-np.asarray(x)))


def sigmoid_where_both_branches(x):
    x = np.asarray(x)
    return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))


def softmax_no_max(x, axis=-1):
    e = np.exp(np.asarray(x))
    return e / np.sum(e, axis=axis, keepdims=True)


def softplus_textbook(x):
    return np.log(1 + np.exp(np.asarray(x)))


def elu_exp_minus_one(x, alpha=1.0):
    x = np.asarray(x)
    return np.where(x > 0, x, alpha * (np.exp(np.minimum(x, 0)) - 1))


def relu_math_loop(x):
    return np.array([max(v, 0) for v in x])


def sigmoid_math_exp(x):
    return 1 / (1 + math.exp(-x))


def central_difference_in_place(f, x, h=1e-5):
    x += h
    upper = f(x)
    x -= 2 * h
    return (upper - f(x)) / (2 * h)


def gelu_float64_constant(x):
    x = np.asarray(x)
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x * x * x)))


@pytest.mark.parametrize("exercise_id, fn, words", [
    ("relu", relu_forgot_return, ["returned None", "`return`"]),
    ("relu", relu_as_list, ["returned a list", "NumPy array"]),
    ("relu", relu_np_max, ["returned shape ()", "expected shape (7,)", "np.maximum(x, 0)"]),
    ("relu_derivative", relu_derivative_float64, ["dtype float64", "float32", ".astype(x.dtype)"]),
    ("relu", relu_in_place, ["modified its input", "x[x < 0] = 0"]),
    ("central_difference", central_difference_in_place, ["modified its input", "`x += h`"]),
    ("sigmoid", sigmoid_textbook, ["NumPy warned", "overflow", "Split by sign"]),
    ("sigmoid", sigmoid_where_both_branches, ["NumPy warned", "BOTH branches", "np.exp(-np.abs(x))"]),
    ("softmax", softmax_no_max, ["for a finite input", "max-subtraction"]),
    ("softplus", softplus_textbook, ["for a finite input", "max(x, 0) + log(1 + e^(−|x|))"]),
    ("elu", elu_exp_minus_one, ["9 digits", "np.expm1"]),
    ("sigmoid", sigmoid_loop, ["far slower", "vectorize", "100,000 numbers"]),
    ("relu", relu_math_loop, ["raised an error", "ValueError", "where", "max(v, 0)", "np.where"]),
    ("sigmoid", sigmoid_math_exp, ["raised an error", "TypeError", "math.exp(-x)", "np.exp"]),
    ("gelu_tanh", gelu_float64_constant, ["dtype float64", "math.sqrt(2 / math.pi)"]),
], ids=lambda v: getattr(v, "__name__", None) if callable(v) else None)
def test_each_failure_kind_is_detected_and_explained(exercise_id, fn, words):
    assert_failed(exercise_id, fn, *words)


def test_errors_show_type_message_and_the_students_line_only():
    message = assert_failed("sigmoid", sigmoid_math_exp)
    assert "in sigmoid_math_exp, line" in message and "return 1 / (1 + math.exp(-x))" in message
    assert "site-packages" not in message and "File " not in message


# --- written answers -----------------------------------------------------------------------
def test_choice_feedback_for_right_wrong_and_malformed_answers():
    ex = _catalogue.exercise("output_activation")
    assert verdict("output_activation", lambda: "A").passed
    assert verdict("output_activation", lambda: " (a) ").passed
    wrong = verdict("output_activation", lambda: "b")
    assert wrong.status == "failed" and "multi-label" in wrong.message
    assert "(b) is not the best answer" in wrong.message
    assert "one letter" in verdict("output_activation", lambda: 1).message
    assert "not answered yet" in verdict("output_activation", _no_answer).message
    assert set(ex.options) == set(ex.feedback) and ex.answer in ex.options


def _no_answer():
    raise NotImplementedError()


@pytest.mark.parametrize("exercise", [ex for ex in _catalogue.exercises()
                                      if isinstance(ex, ChoiceExercise)], ids=lambda ex: ex.id)
def test_every_choice_has_one_right_answer_and_feedback_for_each_option(exercise):
    assert len(exercise.options) >= 3
    assert all(len(text) > 10 for text in exercise.feedback.values())
    results = {letter: verdict(exercise.id, letter).passed for letter in exercise.letters}
    assert [letter for letter, ok in results.items() if ok] == [exercise.answer]


def test_value_answers_are_judged_within_the_tolerance():
    ex = _catalogue.exercise("gelu_minimum")
    assert isinstance(ex, ValueExercise)
    assert verdict("gelu_minimum", lambda: -0.17).passed
    assert "too low" in verdict("gelu_minimum", lambda: -0.5).message
    assert "too high" in verdict("gelu_minimum", lambda: 0.0).message
    assert "one finite number" in verdict("gelu_minimum", lambda: float("nan")).message
    assert "the check allows" not in verdict("gelu_minimum", lambda: 0.0).message  # no answer leaked
    assert "-0.17" not in verdict("gelu_minimum", lambda: 0.0).message


# --- helpers for later cells -------------------------------------------------------------------
def test_passed_remembers_the_last_result():
    checks.check("relu", lambda x: np.maximum(x, 0))
    assert checks.passed("relu")
    checks.check("relu", relu_np_max)
    assert not checks.passed("relu")
    assert not checks.passed("no_such_exercise")


def test_yours_or_reference_falls_back_politely(capsys):
    fn = checks.yours_or_reference("relu", relu_np_max)
    assert fn is checks.reference("relu")
    assert "using the course's reference relu(x)" in capsys.readouterr().out
    good = lambda x: np.maximum(x, 0)  # noqa: E731
    assert checks.yours_or_reference("relu", good) is good
    assert capsys.readouterr().out == ""


def test_every_exercise_in_the_notebooks_is_in_the_catalogue_exactly_once():
    used = []
    for path in sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
            if grade_id.endswith("_check"):
                used.append(grade_id[: -len("_check")])
                assert f'checks.check("{used[-1]}",' in cell.source
    assert len(used) == len(set(used))
    assert set(used) <= set(checks.available())
    assert len(used) >= 35
