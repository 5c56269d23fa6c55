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

# exercise id -> (passed, the answer checked, status, the earlier exercises it called);
# information for the notebook's later cells, never grades
_RESULTS: dict = {}


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
    called = []
    try:
        references = {dep: _get_exercise(dep).reference for dep in ex.builds_on}
        with Replaced(answer, references) as replaced:
            verdict = ex.run(answer)
        called = replaced.called()
        if not grading and verdict.status != "not_started":
            verdict = verdict.with_notes(_earlier_exercise_notes(ex, replaced))
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - a bug in the checker must not look like the student's
        verdict = Verdict("failed", msg.failed(
            ex.title, f"the checker itself failed ({msg.error_summary(exc)}).",
            hint="This is a bug in course_utils.checks, not in your code: please report it."))
    _RESULTS[exercise_id] = (verdict.passed, answer, verdict.status, called)
    return verdict


def _last(exercise_id: str, answer):
    """(status, earlier exercises called) of `answer`, from its last check (run one if none)."""
    last = _RESULTS.get(exercise_id)
    if last is None or last[1] is not answer:
        run(exercise_id, answer)
        last = _RESULTS[exercise_id]
    return last[2], last[3]


def _broken_link(exercise_id: str, fn, seen=()):
    """Why `fn` does not work as it stands: (the first exercise in its chain of earlier
    exercises that is missing or does not pass, its status), or None if the whole chain passes."""
    status, called = _last(exercise_id, fn)
    if status != "passed":
        return exercise_id, status
    namespace = getattr(getattr(fn, "__func__", fn), "__globals__", {})
    for dep in called:
        if dep in seen:
            continue
        if dep not in namespace:
            return dep, "missing"
        link = _broken_link(dep, namespace[dep], seen + (exercise_id,))
        if link is not None:
            return link
    return None


_STATES = {"not_started": "is not implemented yet", "failed": "does not pass its own check yet",
           "missing": "is not defined in your notebook (run its cell)"}


def _earlier_exercise_notes(ex, replaced) -> list:
    """Name the earlier exercise that is where the problem is, for each one the function called."""
    notes = []
    for name in replaced.called():
        earlier = _get_exercise(name)
        link = (name, "missing") if name not in replaced.originals else \
            _broken_link(name, replaced.originals[name])
        if link is None:
            continue
        culprit, status = link
        whose = "yours, which" if culprit == name else \
            f"yours, because your {_get_exercise(culprit).title}"
        notes.append(f"this check used the course's {earlier.title} in place of {whose} "
                     f"{_STATES[status]}: the problem is in that earlier exercise. Finish it "
                     f"there, or this function gives wrong results with it.")
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
    status, called = _last(exercise_id, fn)
    if status != "passed":
        print(f"(using the course's reference {ex.title} below until yours passes its check)")
        return reference(exercise_id)
    namespace = getattr(getattr(fn, "__func__", fn), "__globals__", {})
    broken = [dep for dep in called
              if dep not in namespace or _broken_link(dep, namespace[dep]) is not None]
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
