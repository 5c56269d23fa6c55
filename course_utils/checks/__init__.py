"""Friendly checks for the exercises: run your function on tricky inputs and say what is wrong.

Each exercise notebook ends an exercise with a check cell:

    ok = checks.check("sigmoid", sigmoid)

`check` calls your function on ordinary values, 0, ±1000, NaN, ±inf, float32 and 2-D arrays
and Python lists, compares with the course's reference implementation and prints one result:

- passed: a short confirmation;
- not implemented yet: the exercise still raises NotImplementedError;
- wrong: what went wrong, a concrete counterexample (input, expected, got) and a hint aimed at
  the usual mistake (sign error, missing max-subtraction, derivative of the wrong variable,
  summing over the wrong axis, returning a list or None, changing float32 to float64,
  modifying the input, an overflow warning, NaN for a finite input, a slow Python loop).

It never raises because of your code, shows no traceback (only the error, its message and your
line), and stops a function that runs too long. It returns True or False.

Each exercise is judged on its own: the earlier exercises a function builds on (softmax inside
softmax_vjp) are replaced by the course's references while it is checked, and a note names the
earlier exercise when yours is where the problem is. An "implement" exercise fails when the
function calls the course's own implementation of what it should implement.

    yours_or_reference(id, fn) fn if it passes its check, else the reference (later cells use it)
    reference(id)              the reference implementation of a function exercise
    available()                the exercise ids, in course order
    passed(id)                 the last result of `check(id, ...)` in this session (information
                               only: marks never depend on it, see `grading`)

Grading (nbgrader) does not trust anything in the student's kernel: the hidden test of a check
cell runs `course_utils.checks.grading` afresh, which judges the answer with a fresh copy of
this package. How to write a graded exercise (catalogue entry, notebook cells, hidden test) is
in `grading`'s docstring and in INSTRUCTORS.md.

Example:
    >>> import numpy as np
    >>> from course_utils import checks
    >>> def relu(x):
    ...     return np.maximum(x, 0)
    >>> checks.check("relu", relu)  # doctest: +ELLIPSIS
    ✓ relu(x): passed — ...
    True
    >>> def relu(x):
    ...     raise NotImplementedError()
    >>> checks.check("relu", relu)  # doctest: +ELLIPSIS
    … relu(x): not implemented yet — ...
    False
"""

from __future__ import annotations

import difflib
import functools

from . import _messages as msg
from ._catalogue import exercise as _get_exercise
from ._catalogue import exercise_ids as _exercise_ids
from ._exercise import Verdict
from ._isolation import Replaced

__all__ = ["check", "passed", "yours_or_reference", "reference", "available", "run"]

_RESULTS: dict = {}  # exercise id -> (passed, the answer checked, status); information, not grades


def available() -> list[str]:
    """Every exercise id, in course order."""
    return _exercise_ids()


def run(exercise_id: str, answer, *, grading: bool = False) -> Verdict:
    """Judge `answer` without printing: a Verdict with `.status`, `.message` and `.passed`.

    grading=True (the grader) skips what only advises: the notes about earlier exercises.
    """
    try:
        ex = _get_exercise(exercise_id)
    except KeyError:
        close = difflib.get_close_matches(str(exercise_id), available(), n=3)
        suggestion = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        return Verdict("failed", f"{msg.FAIL} unknown exercise {exercise_id!r}.{suggestion}")
    try:
        references = {dep: _get_exercise(dep).reference for dep in ex.builds_on}
        with Replaced(answer, references) as replaced:
            verdict = ex.run(answer)
        if not grading and verdict.status != "not_started":
            verdict = verdict.with_notes(_earlier_exercise_notes(ex, replaced))
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - a bug in the checker must not look like the student's
        verdict = Verdict("failed", msg.failed(
            ex.title, f"the checker itself failed ({msg.error_summary(exc)}).",
            hint="This is a bug in course_utils.checks, not in your code: please report it."))
    _RESULTS[exercise_id] = (verdict.passed, answer, verdict.status)
    return verdict


def _status(exercise_id: str, answer) -> str:
    """The verdict status of `answer`, from the last check of it if there was one."""
    last = _RESULTS.get(exercise_id)
    return last[2] if last is not None and last[1] is answer else run(exercise_id, answer).status


def _earlier_exercise_notes(ex, replaced) -> list:
    """Name the earlier exercise the function called when the student's own version fails."""
    notes = []
    for name in replaced.called():
        earlier = _get_exercise(name)
        if name not in replaced.originals:
            notes.append(f"{earlier.title} is not defined in your notebook; this check used the "
                         f"course's. Run the cell of that exercise.")
            continue
        status = _status(name, replaced.originals[name])
        if status != "passed":
            state = "is not implemented yet" if status == "not_started" else "does not pass its own check yet"
            notes.append(f"this check used the course's {earlier.title} in place of yours, which "
                         f"{state}: the problem is in that earlier exercise. Finish it there, or "
                         f"this function gives wrong results with it.")
    return notes


def check(exercise_id: str, answer) -> bool:
    """Check an exercise: print one friendly result and return True if it passed.

    Args:
        exercise_id: the exercise's id, e.g. "sigmoid" (the check cells give it).
        answer: your function (not called: `sigmoid`, not `sigmoid(x)`), or for a written
            question the function returning your letter or number.

    Returns:
        True if every check passed, False otherwise (also when not implemented yet).
    """
    verdict = run(exercise_id, answer)
    print(verdict.message)
    return verdict.passed


def passed(exercise_id: str) -> bool:
    """Whether the last `check(exercise_id, ...)` in this session passed (False if never run).

    Information for later cells only: grading never reads it (student code could set it).
    """
    return bool(_RESULTS.get(exercise_id, (False,))[0])


def reference(exercise_id: str):
    """The reference implementation of a function exercise (KeyError for an unknown id)."""
    ref = getattr(_get_exercise(exercise_id), "reference", None)
    if ref is None:
        raise KeyError(f"{exercise_id!r} has no reference function (it is a written question)")
    return ref


def yours_or_reference(exercise_id: str, fn):
    """Your function if it passes its check, else the reference (with a one-line note).

    Later cells use it so that an unfinished exercise does not stop the rest of the notebook.
    A function that passes but calls one of your earlier functions that does not pass yet
    comes back wrapped: it runs with the course's version of that earlier function.
    """
    ex = _get_exercise(exercise_id)
    if _status(exercise_id, fn) != "passed":
        print(f"(using the course's reference {ex.title} below until yours passes its check)")
        return reference(exercise_id)
    namespace = getattr(getattr(fn, "__func__", fn), "__globals__", {})
    broken = [dep for dep in ex.builds_on
              if dep not in namespace or _status(dep, namespace[dep]) != "passed"]
    if not broken:
        return fn
    references = {dep: reference(dep) for dep in broken}
    titles = ", ".join(_get_exercise(dep).title for dep in broken)
    print(f"(using your {ex.title} below with the course's {titles} in place of yours, until "
          f"yours passes its check)")

    @functools.wraps(fn)
    def with_references(*args, **kwargs):
        with Replaced(fn, references):
            return fn(*args, **kwargs)

    return with_references
