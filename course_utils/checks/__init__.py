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

    passed(id)                 the last result of `check(id, ...)` (for nbgrader's hidden tests)
    yours_or_reference(id, fn) fn if it passes its check, else the reference (later cells use it)
    reference(id)              the reference implementation of a function exercise
    available()                the exercise ids, in course order

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

from . import _messages as msg
from ._catalogue import exercise as _get_exercise
from ._catalogue import exercise_ids as _exercise_ids
from ._exercise import Verdict

__all__ = ["check", "passed", "yours_or_reference", "reference", "available", "run"]

_RESULTS: dict = {}  # exercise id -> (passed, the answer checked)


def available() -> list[str]:
    """Every exercise id, in course order."""
    return _exercise_ids()


def run(exercise_id: str, answer) -> Verdict:
    """Judge `answer` without printing: a Verdict with `.status`, `.message` and `.passed`."""
    try:
        ex = _get_exercise(exercise_id)
    except KeyError:
        close = difflib.get_close_matches(str(exercise_id), available(), n=3)
        suggestion = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        return Verdict("failed", f"{msg.FAIL} unknown exercise {exercise_id!r}.{suggestion}")
    try:
        verdict = ex.run(answer)
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - a bug in the checker must not look like the student's
        verdict = Verdict("failed", msg.failed(
            ex.title, f"the checker itself failed ({msg.error_summary(exc)}).",
            hint="This is a bug in course_utils.checks, not in your code: please report it."))
    _RESULTS[exercise_id] = (verdict.passed, answer)
    return verdict


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
    """Whether the last `check(exercise_id, ...)` in this session passed (False if never run)."""
    return bool(_RESULTS.get(exercise_id, (False, None))[0])


def reference(exercise_id: str):
    """The reference implementation of a function exercise (KeyError for an unknown id)."""
    ref = getattr(_get_exercise(exercise_id), "reference", None)
    if ref is None:
        raise KeyError(f"{exercise_id!r} has no reference function (it is a written question)")
    return ref


def yours_or_reference(exercise_id: str, fn):
    """Your function if it passes its check, else the reference (with a one-line note).

    Later cells use it so that an unfinished exercise does not stop the rest of the notebook.
    """
    last = _RESULTS.get(exercise_id)
    ok = last[0] if last is not None and last[1] is fn else run(exercise_id, fn).passed
    if ok:
        return fn
    title = _get_exercise(exercise_id).title
    print(f"(using the course's reference {title} below until yours passes its check)")
    return reference(exercise_id)
