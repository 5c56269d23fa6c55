"""Helpers shared by the course_utils.checks tests: the verdict, and a failure with its key words."""

from __future__ import annotations

from course_utils import checks


def verdict(exercise_id, fn):
    return checks.run(exercise_id, fn)


def assert_failed(exercise_id, fn, *words):
    v = verdict(exercise_id, fn)
    assert v.status == "failed", v.message
    for word in words:
        assert word in v.message, f"{word!r} not in:\n{v.message}"
    assert "Traceback" not in v.message
    return v.message
