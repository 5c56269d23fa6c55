"""Lesson 12's checks: each explore exercise is judged by training the networks its task names."""

from __future__ import annotations

import numpy as np
import pytest
from check_helpers import verdict

from course_utils import checks
from course_utils.checks import _lesson_12 as L12
from course_utils.network.playground import Playground


def _todo():
    raise NotImplementedError()


def test_the_exercises_are_registered_in_course_order():
    ids = checks.available()
    mine = ["spirals_learners", "sigmoid_init_std", "relu_dead_by_layer", "dead_network_why"]
    assert [i for i in ids if i in mine] == mine
    assert ids.index("dead_network_why") > ids.index("keras_accuracy_gap")  # after lesson 10


def test_the_spirals_truth_is_what_the_playground_shows():
    accuracy = L12.spirals_accuracy()
    assert set(accuracy) == set(L12.hidden_activations()) and "softmax" not in accuracy
    relu = Playground(activation="relu", **L12.SPIRALS).step(L12.SPIRALS_STEPS).state
    assert accuracy["relu"] == relu["test_accuracy"]
    # The lesson's claims: sigmoid fails on the spirals within the budget, ReLU learns them.
    assert accuracy["sigmoid"] < 0.7 < L12.SPIRALS_ACCURACY <= accuracy["relu"]


def test_spirals_learners_judges_the_set_of_names():
    right = [n for n, acc in L12.spirals_accuracy().items() if acc >= L12.SPIRALS_ACCURACY]
    assert verdict("spirals_learners", lambda: list(reversed(right))).passed
    assert verdict("spirals_learners", lambda: tuple(right)).passed
    missing = verdict("spirals_learners", lambda: right[1:])
    assert missing.status == "failed" and f"{right[0]} is missing" in missing.message
    extra = verdict("spirals_learners", lambda: right + ["sigmoid"])
    assert "sigmoid reaches only" in extra.message and "Hint:" in extra.message
    assert "not an activation name" in verdict("spirals_learners", lambda: ["rellu"]).message
    assert "list of activation names" in verdict("spirals_learners", lambda: "relu").message
    assert "not answered yet" in verdict("spirals_learners", _todo).message


def test_sigmoid_init_std_trains_the_students_sigma():
    ok = verdict("sigmoid_init_std", lambda: 1.5)
    assert ok.passed and "σ = 1.5" in ok.message
    small = verdict("sigmoid_init_std", lambda: 0.35)  # Xavier's size: vanishing
    assert small.status == "failed" and "below 0.95" in small.message and "1/4" in small.message
    large = verdict("sigmoid_init_std", lambda: 9.0)
    assert large.status == "failed" and "saturate" in large.message
    assert "one number between 0 and 10" in verdict("sigmoid_init_std", lambda: -1).message
    assert "one number between 0 and 10" in verdict("sigmoid_init_std", lambda: [1.4]).message
    assert verdict("sigmoid_init_std", np.float64(1.4)).passed  # a plain value is accepted too


def test_relu_dead_by_layer_compares_each_layer():
    truth = list(L12.dead_shares())
    assert len(truth) == 3 and truth[-1] == 1.0  # the last hidden layer dies completely
    assert verdict("relu_dead_by_layer", lambda: truth).passed
    assert verdict("relu_dead_by_layer", lambda: [t + 0.05 for t in truth]).passed  # read off
    off = [truth[0], truth[1] - 0.125, truth[2]]  # one unit of layer 2 miscounted
    wrong = verdict("relu_dead_by_layer", lambda: off)
    assert wrong.status == "failed" and "layer(s) 2" in wrong.message
    percent = verdict("relu_dead_by_layer", lambda: [100 * t for t in truth])
    assert "percentages" in percent.message
    assert "3 numbers" in verdict("relu_dead_by_layer", lambda: truth[:2]).message


def test_the_choice_question_has_feedback_for_every_letter():
    assert verdict("dead_network_why", lambda: "a").passed
    for letter in "bcd":
        v = verdict("dead_network_why", lambda letter=letter: letter)
        assert v.status == "failed" and "Hint:" in v.message


def test_a_slow_answer_is_stopped(monkeypatch):
    monkeypatch.setattr(L12, "BUDGET_S", 0.2)

    def forever():
        while True:
            pass

    v = verdict("sigmoid_init_std", forever)
    assert v.status == "failed" and "did not finish" in v.message


@pytest.mark.parametrize("exercise_id", ["spirals_learners", "sigmoid_init_std",
                                         "relu_dead_by_layer"])
def test_an_error_in_the_answer_is_reported_not_raised(exercise_id):
    def broken():
        return 1 / 0

    v = verdict(exercise_id, broken)
    assert v.status == "failed" and "ZeroDivisionError" in v.message
