"""Every exercise by id, in course order (loaded on first use; Keras is imported only by its checks)."""

from __future__ import annotations

import importlib

_MODULES = ("_lessons_00_03", "_lessons_04_07", "_lessons_08_10", "_written", "_stretch_00_04",
            "_stretch_05_09", "_lesson_12")
_BY_ID: dict = {}


def _load() -> dict:
    if not _BY_ID:
        found = []
        for name in _MODULES:
            module = importlib.import_module(f"{__package__}.{name}")
            found.extend(module.EXERCISES)
        found.sort(key=lambda ex: ex.lesson)  # stable: keeps each module's order within a lesson
        for ex in found:
            if ex.id in _BY_ID:
                raise RuntimeError(f"duplicate exercise id {ex.id!r}")
            _BY_ID[ex.id] = ex
    return _BY_ID


def exercise(exercise_id: str):
    """The exercise with this id (KeyError if there is none)."""
    return _load()[exercise_id]


def exercise_ids() -> list[str]:
    return list(_load())


def exercises():
    return list(_load().values())
