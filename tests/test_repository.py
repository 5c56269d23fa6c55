"""The course's promises about its own files: names, setup cells, stored outputs, course map."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))
NAME = re.compile(r"^\d\d_[a-z0-9]+(_[a-z0-9]+)*\.ipynb$")


def code_cells(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def test_there_are_lessons():
    assert LESSONS, "notebooks/ has no lesson"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_is_named_nn_snake_case(path):
    assert NAME.match(path.name), f"{path.name} is not NN_snake_case.ipynb"


@pytest.mark.parametrize("folder", ["solutions", "exercises"])
def test_solutions_and_exercises_use_lesson_names(folder):
    lesson_names = {p.name for p in LESSONS}
    for path in (ROOT / folder).glob("*.ipynb"):
        assert path.name in lesson_names, f"{folder}/{path.name} matches no lesson in notebooks/"


NOTEBOOKS = LESSONS + sorted((ROOT / "solutions").glob("*.ipynb")) + sorted((ROOT / "exercises").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebook_was_executed_top_to_bottom_in_one_fresh_kernel(path):
    counts = [c.get("execution_count") for c in code_cells(path)]
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts[:8]}...; re-run `make notebooks`"
    )


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_starts_with_the_setup_cell(path):
    first = "".join(code_cells(path)[0]["source"])
    assert "import course_utils" in first or "from course_utils" in first
    assert "show_versions()" in first, "the setup cell shows the versions the notebook ran with"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_has_no_error_outputs(path):
    for cell in code_cells(path):
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error", f"{path.name}: a stored error output"


def test_readme_course_map_links_every_lesson():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in LESSONS:
        assert f"notebooks/{path.name}" in readme, f"README's course map lacks {path.name}"


def test_every_relative_link_in_the_readme_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = [t for t in re.findall(r"\]\(([^)#\s]+)", readme) if "://" not in t]
    assert targets, "the README links to no file"
    missing = [t for t in targets if not (ROOT / t).exists()]
    assert not missing, f"README links to missing files: {missing}"


def test_the_suite_covers_every_notebook_folder():
    # `make test` passes only existing folders to pytest: a missing one must fail here instead.
    for folder in ("notebooks", "solutions", "exercises"):
        assert (ROOT / folder).is_dir(), f"{folder}/ is missing"
