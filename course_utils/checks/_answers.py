"""Exercises answered with a letter (multiple choice) or a number read off a plot.

The answer is returned by a small function (so an untouched exercise notebook raises
NotImplementedError inside that function, not at the top of a cell); a plain value is accepted too.
"""

from __future__ import annotations

import numbers

import numpy as np

from . import _messages as msg
from ._exercise import Exercise, Verdict
from ._run import call


ANSWER_BUDGET = 20.0  # seconds: an explore answer may compute (the grader calls it again)


def _answer_of(exercise, answer, budget=ANSWER_BUDGET):
    """(value, verdict): the student's answer, or a Verdict saying why there is none."""
    if not callable(answer):
        return answer, None
    result = call(answer, (), {}, budget=budget)
    if result.timed_out:
        return None, Verdict("failed", msg.failed(
            exercise.title, f"did not finish within {budget:g} s",
            hint=msg.DEFAULT_HINTS["timeout"] + " An answer function should only return a "
                 "number you computed in the cells above."))
    if result.error is not None:
        if isinstance(result.error, NotImplementedError) and result.error_in_student_code:
            return None, Verdict("not_started", msg.not_started(exercise.title, "answered"))
        lines = [msg.labelled("error", msg.error_summary(result.error))]
        if result.error_line:
            lines.append(msg.labelled("where", result.error_line))
        return None, Verdict("failed", msg.failed(exercise.title, "raised an error", lines,
                                                  msg.error_hint(result.error)))
    return result.value, None


class ChoiceExercise(Exercise):
    """Pick the letter of the best statement; every wrong letter has its own explanation."""

    answer_suffix = "_choice"

    def __init__(self, id, title, lesson, question, options, answer):
        super().__init__(id, title, lesson)
        if answer not in options:
            raise ValueError(f"{id}: the answer {answer!r} is not one of the options")
        self.question = question
        self.options = {letter: statement for letter, (statement, _) in options.items()}
        self.feedback = {letter: feedback for letter, (_, feedback) in options.items()}
        self.answer = answer

    def markdown(self) -> str:
        """The question and its options as Markdown (the notebooks show exactly this)."""
        lines = [self.question, ""]
        lines += [f"- **({letter})** {self.options[letter]}" for letter in self.letters]
        return "\n".join(lines)

    @property
    def letters(self):
        return sorted(self.feedback)

    def run(self, answer) -> Verdict:
        value, verdict = _answer_of(self, answer)
        if verdict is not None:
            return verdict
        choices = ", ".join(repr(letter) for letter in self.letters)
        letter = value.strip().strip("()").strip().lower() if isinstance(value, str) else None
        if letter not in self.feedback:
            return Verdict("failed", msg.failed(
                self.title, f"should return one letter ({choices}), returned {msg.short_repr(value)}",
                hint='For example: return "b"'))
        if letter == self.answer:
            return Verdict("passed", msg.passed(self.title, f"({letter}) is right. {self.feedback[letter]}"))
        return Verdict("failed", msg.failed(
            self.title, f"({letter}) is not the best answer.", hint=self.feedback[letter]))


class ValueExercise(Exercise):
    """A number read off a plot or an experiment, right within a tolerance."""

    def __init__(self, id, title, lesson, target, tolerance, hint, unit="", question=""):
        super().__init__(id, title, lesson)
        self.question = question
        self.target, self.tolerance, self.hint, self.unit = float(target), float(tolerance), hint, unit

    def run(self, answer) -> Verdict:
        value, verdict = _answer_of(self, answer)
        if verdict is not None:
            return verdict
        if isinstance(value, np.ndarray) and value.size == 1:
            value = value.reshape(())[()]
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
            return Verdict("failed", msg.failed(
                self.title, f"should return one finite number, returned {msg.describe_type(value)}",
                hint="For example: return 0.5"))
        got = float(value)
        unit = f" {self.unit}" if self.unit else ""
        if abs(got - self.target) <= self.tolerance:
            # The student's number is not echoed: it may differ in the last digits between
            # machines, and this message is compared by nbval.
            return Verdict("passed", msg.passed(
                self.title, f"within ±{self.tolerance:g} of {msg.fmt_number(self.target, 3)}{unit}."))
        direction = "too high" if got > self.target else "too low"
        return Verdict("failed", msg.failed(
            self.title, f"{msg.fmt_number(got, 3)}{unit} is {direction} (allowed error ±{self.tolerance:g}).",
            hint=self.hint))


class CustomExercise(Exercise):
    """An exercise judged by its own function `judge(exercise, answer) -> Verdict`."""

    def __init__(self, id, title, lesson, judge, reference=None, *, builds_on=(), own=()):
        super().__init__(id, title, lesson, builds_on=builds_on, own=own)
        self.judge = judge
        self.reference = reference

    def run(self, answer) -> Verdict:
        return self.judge(self, answer)
