"""Grading with nbgrader: judge an answer with a fresh copy of the checker, beyond the student's reach.

The hidden part of every check cell in solutions/ is

    ### BEGIN HIDDEN TESTS
    import importlib.util, runpy  # grade with a fresh copy of the checker, out of reach of the code above
    runpy.run_path(importlib.util.find_spec("course_utils.checks.grading").origin)["grade"]("softmax", globals())
    ### END HIDDEN TESTS

A submission runs in the same kernel as the grading, so anything it can reach it can change:
`checks.passed`, `checks.check`, a reference, an activation. So the mark is not read from
anything in the kernel. `runpy.run_path` executes this file afresh (not a module object the
notebook may have patched: `find_spec` only locates the file, and unlike `run_module` it never
warns when the module was imported before); `grade` loads a new, private copy of the whole `course_utils` package
from disk, judges the answer with it (`checks.run(..., grading=True)`: the same verdict the
student's check prints, with the same rules: each exercise judged on its own, no calls into the
course's own implementation), then throws the copy away. A passing answer leaves the cell as it
was (full points); any other verdict raises `NoPoints`, which nbgrader records as 0 and which
shows the verdict itself: no traceback, no test source.

What it cannot prevent (INSTRUCTORS.md, "Grading integrity"): code that rewrites Python, IPython
or NumPy themselves, or reaches into the grader while it runs (this module checks its copy
was not changed during the call, and restores IPython's error display before it reports), and
of course a student copying a friend's answer.

How to write a graded exercise (lessons 11 and 12 too):

1. A catalogue entry in `course_utils/checks/_lesson_NN.py` (listed in `_catalogue._MODULES`):
   e.g. `FunctionExercise(id, title, lesson, reference, probes, builds_on=("earlier_id",),
   own=[Own("the course's foo (activations.foo)", activations.Foo._forward)])`, with
   `keep_dtype=True` / `vectorised=True` only if the task text says so.
2. In the solutions notebook: the task (markdown), the answer cell (nbgrader solution cell
   `<id>_code`, the function named `Exercise.answer_name`, the model answer between
   `### BEGIN SOLUTION` and `### END SOLUTION`), and the check cell (grade cell `<id>_check`,
   locked, with points): `ok = checks.check("<id>", <answer_name>)` followed by the hidden test
   above with the same id. tests/test_grading.py fails for a check cell without it.
3. `make notebooks` (then `make exercises`); tests/test_checks.py runs every solution through
   its check, and tests/test_grading.py grades a lesson end to end with nbgrader.

Example (in a notebook, through the hidden test above):
    >>> from course_utils.checks.grading import grade
    >>> def relu(x):
    ...     import numpy as np
    ...     return np.maximum(x, 0)
    >>> grade("relu", {"relu": relu})       # passes: nothing happens (full points)
    >>> def relu(x):
    ...     from course_utils import activations
    ...     return activations.relu(x)
    >>> grade("relu", {"relu": relu})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    course_utils.checks.grading.NoPoints: 0 points for relu(x) — the grader's own check says:
    ✗ relu(x): uses the course's own relu (activations.relu) — implement it yourself.
    ...
"""

from __future__ import annotations

# Only the standard library here: anything imported from course_utils the normal way could be
# a module object the notebook has patched.
import importlib
import importlib.util
import os
import secrets
import sys
import types
import warnings

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # course_utils/
_MISSING = object()


class NoPoints(Exception):
    """The answer did not pass: its cell scores 0. Shown as the verdict alone, no traceback."""

    def _render_traceback_(self):  # IPython shows this instead of a traceback
        return str(self).splitlines()


def fresh_checks():
    """A private copy of course_utils loaded from disk now: (its package name, its checks)."""
    name = f"_course_utils_graded_{secrets.token_hex(6)}"
    spec = importlib.util.spec_from_file_location(
        name, os.path.join(_PACKAGE_DIR, "__init__.py"), submodule_search_locations=[_PACKAGE_DIR])
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    with warnings.catch_warnings():  # a warning on stderr would cost the cell its points
        warnings.simplefilter("ignore")
        spec.loader.exec_module(package)
        checks = importlib.import_module(f"{name}.checks")
        checks.available()  # load the catalogue now, before any student code runs
    return name, checks


def _modules(name):
    return [m for key, m in list(sys.modules.items()) if key == name or key.startswith(name + ".")]


def _fingerprint(name, exercise) -> dict:
    """What the grader's copy consists of: every module's and class's attributes (by identity)
    and the exercise's, so a change made while the answer runs is detected afterwards."""
    found = {}
    for module in _modules(name):
        for key, value in vars(module).items():
            if isinstance(value, types.ModuleType):
                continue  # a submodule imported on first use (Keras) is not a change
            found[(module.__name__, key)] = id(value)
            if isinstance(value, type) and value.__module__ == module.__name__:
                for attr, member in vars(value).items():
                    found[(module.__name__, key, attr)] = id(member)
    for key, value in vars(exercise).items():
        found[("exercise", key)] = id(value)
    return found


def _changed(before, after) -> bool:
    return any(after.get(key, _MISSING) != value for key, value in before.items())


def _restore_error_display():
    """Undo the usual ways a notebook hides a failing cell from nbgrader (errors shown nowhere)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return
    for attr in ("showtraceback", "_showtraceback", "showsyntaxerror"):
        vars(shell).pop(attr, None)  # an instance attribute shadowing the method
    shell.custom_exceptions = ()  # set_custom_exc(...) handlers


def judge(exercise_id: str, namespace):
    """The verdict of a fresh copy of the checker (nothing printed, nothing raised).

    namespace: the notebook's globals() (the answer is looked up by its name there), or the
    answer itself.
    """
    name, checks = fresh_checks()
    try:
        catalogue = sys.modules[f"{name}.checks._catalogue"]
        exercise = catalogue.exercise(exercise_id)
        if isinstance(namespace, dict):
            answer = namespace.get(exercise.answer_name, _MISSING)
            if answer is _MISSING:
                return checks.Verdict("failed", checks.msg.failed(
                    exercise.title, f"`{exercise.answer_name}` is not defined in the notebook.",
                    hint="Run the cell that defines it (or restore it if it was deleted)."))
        else:
            answer = namespace
        before = _fingerprint(name, exercise)
        verdict = checks.run(exercise_id, answer, grading=True)
        if _changed(before, _fingerprint(name, exercise)):
            verdict = checks.Verdict("failed", checks.msg.failed(
                exercise.title, "changed the grader while it was being graded."))
        return verdict
    finally:
        for module in _modules(name):
            sys.modules.pop(module.__name__, None)


def grade(exercise_id: str, namespace) -> None:
    """Full points (return quietly) if the answer passes; otherwise raise NoPoints (0 points).

    Args:
        exercise_id: the exercise, e.g. "softmax".
        namespace: the notebook's `globals()` (or the answer itself).
    """
    verdict = judge(exercise_id, namespace)
    if verdict.passed:
        return None
    _restore_error_display()
    title = verdict.message.split(":", 1)[0].lstrip("✗…✓ ")
    raise NoPoints(f"0 points for {title} — the grader's own check says:\n{verdict.message}")
