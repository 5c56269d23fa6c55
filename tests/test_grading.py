"""Marks an instructor can trust: course_utils.checks.grading judges with a fresh copy of the checker.

Nothing a notebook assigns (flags, patched functions, references, activations) reaches the
verdict; a failing answer raises the verdict itself, without a traceback. The end-to-end run
with nbgrader is in test_grading_nbgrader.py.
"""

from __future__ import annotations

import importlib.util
import re
import runpy
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from course_utils import activations, checks

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
HIDDEN = re.compile(
    r'### BEGIN HIDDEN TESTS\n'
    r'import importlib\.util, runpy  # grade with a fresh copy of the checker, out of reach of the code above\n'
    r'runpy\.run_path\(importlib\.util\.find_spec\("course_utils\.checks\.grading"\)\.origin\)'
    r'\["grade"\]\("(\w+)", globals\(\)\)\n'
    r'### END HIDDEN TESTS$')


def grade_fn():
    """`grade` as the hidden tests get it: the grading module's file executed afresh."""
    return runpy.run_path(importlib.util.find_spec("course_utils.checks.grading").origin)["grade"]


def good_softmax(x, axis=-1):
    x = np.asarray(x)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_stub(x, axis=-1):
    raise NotImplementedError()


# --- every check cell is graded by the fresh grader, for its own exercise ----------------------
@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_every_check_cell_is_graded_by_the_fresh_grader(path):
    for cell in nbformat.read(path, as_version=4).cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade"):
            visible = re.search(r'checks\.check\("(\w+)", (\w+)\)', cell.source)
            hidden = HIDDEN.search(cell.source)
            assert visible and hidden, f"{path.name}: {meta['grade_id']} lacks the grading line:\n{cell.source}"
            assert visible.group(1) == hidden.group(1) == meta["grade_id"].removesuffix("_check")
            from course_utils.checks import _catalogue

            assert visible.group(2) == _catalogue.exercise(visible.group(1)).answer_name
            assert "checks.passed" not in cell.source


# --- the grader: nothing the notebook assigns reaches the verdict -----------------------------
def test_a_right_answer_passes_quietly():
    assert grade_fn()("softmax", {"softmax": good_softmax}) is None


def test_a_wrong_answer_raises_the_verdict_without_a_traceback():
    with pytest.raises(Exception) as failure:
        grade_fn()("softmax", {"softmax": softmax_stub})
    assert type(failure.value).__name__ == "NoPoints"
    lines = failure.value._render_traceback_()
    assert lines[0] == "0 points for softmax(x, axis) — the grader's own check says:"
    assert lines[1].startswith("… softmax(x, axis): not implemented yet")
    assert not any("Traceback" in line or "File " in line for line in lines)


def test_faking_flags_or_patching_the_checker_changes_nothing(monkeypatch):
    import course_utils.checks._catalogue as catalogue
    import course_utils.checks._exercise as exercise

    monkeypatch.setattr(checks, "passed", lambda *a, **k: True)
    monkeypatch.setattr(checks, "check", lambda *a, **k: True)
    monkeypatch.setattr(checks, "run", lambda *a, **k: exercise.Verdict("passed", "✓"))
    monkeypatch.setattr(exercise.FunctionExercise, "run", lambda self, fn: exercise.Verdict("passed", "✓"))
    monkeypatch.setattr(catalogue.exercise("softmax"), "reference", softmax_stub)
    monkeypatch.setattr(activations.Softmax, "_forward", lambda self, x: x)
    with pytest.raises(Exception, match="not implemented yet"):
        grade_fn()("softmax", {"softmax": softmax_stub})
    assert grade_fn()("softmax", {"softmax": good_softmax}) is None


def test_the_course_implementation_scores_nothing():
    def softmax(x, axis=-1):
        return activations.softmax(x, axis=axis)

    with pytest.raises(Exception, match=r"uses the course's own softmax \(activations.softmax\)"):
        grade_fn()("softmax", {"softmax": softmax})


def test_an_answer_that_changes_the_grader_while_graded_scores_nothing():
    def softmax(x, axis=-1):
        for name, module in list(sys.modules.items()):
            if name.startswith("_course_utils_graded_") and name.endswith("checks._compare"):
                module.compare = lambda *a, **k: None  # every output "matches"
        raise ValueError("no answer")

    with pytest.raises(Exception, match="changed the grader while it was being graded"):
        grade_fn()("softmax", {"softmax": softmax})
    assert not [name for name in sys.modules if name.startswith("_course_utils_graded_")]


def test_an_undefined_answer_is_named():
    with pytest.raises(Exception, match="`softmax` is not defined in the notebook"):
        grade_fn()("softmax", {})


def test_earlier_exercises_are_replaced_while_grading():
    ns = {"np": np, "softmax": softmax_stub}
    exec("def softmax_vjp(x, g):\n    s = softmax(x)\n    g = np.asarray(g)\n"
         "    return s * (g - np.sum(g * s, axis=-1, keepdims=True))\n", ns)
    assert grade_fn()("softmax_vjp", ns) is None
    assert ns["softmax"] is softmax_stub
