"""solutions/ and exercises/: valid nbgrader notebooks, exercises generated from solutions, and
the generator never overwrites a student's work.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from pathlib import Path

import nbformat
import pytest

pytest.importorskip("nbgrader")  # the instructor extra: students never need it

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
NBGRADER_KEYS = {"schema_version", "grade", "solution", "locked", "grade_id", "points"}


def _load_tool():
    spec = importlib.util.spec_from_file_location("make_exercises", ROOT / "tools" / "make_exercises.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _load_tool()


def graded(nb):
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]


def check_cells(nb):
    return [c for c in graded(nb) if c.cell_type == "code"]


# --- the solutions: one per lesson, enough exercises, valid nbgrader metadata -------------------
def test_every_lesson_has_a_solutions_notebook_of_the_same_name():
    lessons = {p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    assert lessons and lessons <= {p.name for p in SOLUTIONS}


def test_at_least_three_exercises_per_lesson_and_35_in_all():
    counts = {p.name: len(check_cells(nbformat.read(p, as_version=4))) for p in SOLUTIONS}
    assert all(n >= 3 for n in counts.values()), counts
    assert sum(counts.values()) >= 35, counts


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_nbgrader_metadata_is_valid(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    ids = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        marked = "### BEGIN SOLUTION" in cell.source or "### BEGIN HIDDEN TESTS" in cell.source
        if meta is None:
            assert not marked, f"a solution region outside an nbgrader cell:\n{cell.source}"
            continue
        assert meta["schema_version"] == 3 and set(meta) <= NBGRADER_KEYS, meta
        ids.append(meta["grade_id"])
        if meta["grade"]:
            assert meta["points"] > 0, meta
        if cell.cell_type == "code" and meta["grade"]:  # a check cell: locked, runs checks.check
            assert meta["locked"] and not meta["solution"], meta
            assert re.search(r'^ok = checks\.check\("\w+", \w+\)$', cell.source, re.M), cell.source
        if cell.cell_type == "code" and meta["solution"]:
            assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
        if cell.cell_type == "markdown" and meta["solution"]:  # a written answer, marked by hand
            assert meta["grade"] and not meta["locked"], meta
    assert len(ids) == len(set(ids)), Counter(ids).most_common(3)
    # nbgrader's own validation (the one `nbgrader generate_assignment` runs).
    from nbgrader.preprocessors import CheckCellMetadata

    CheckCellMetadata().preprocess(nb, {})


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_the_solutions_notebook_was_executed_and_every_check_passed(path):
    nb = nbformat.read(path, as_version=4)
    for cell in check_cells(nb):
        text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        assert text.startswith("✓"), f"{path.name}: {cell.source.splitlines()[1]} printed:\n{text}"


# --- the exercises: generated from the solutions, nothing of the solutions left ----------------
def test_the_committed_exercises_are_exactly_what_the_generator_makes():
    stale = tool.out_of_date(SOLUTIONS, ROOT / "exercises")
    assert not stale, f"regenerate with `make exercises`: {stale}"
    exercises = {p.name for p in (ROOT / "exercises").glob("*.ipynb")}
    assert exercises == {p.name for p in SOLUTIONS}


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_the_exercises_hold_stubs_not_answers(path):
    solution = nbformat.read(path, as_version=4)
    exercise = nbformat.read(ROOT / "exercises" / path.name, as_version=4)
    assert len(exercise.cells) == len(solution.cells)
    for sol, ex in zip(solution.cells, exercise.cells):
        meta = sol.metadata.get("nbgrader", {})
        assert "BEGIN SOLUTION" not in ex.source and "HIDDEN TESTS" not in ex.source
        if meta.get("solution"):
            stub = "raise NotImplementedError()" if sol.cell_type == "code" else "YOUR ANSWER HERE"
            assert stub in ex.source
        if meta.get("grade") and sol.cell_type == "code":  # run untouched: "not ... yet"
            assert ex.metadata["nbgrader"]["locked"]
            text = "".join(o.get("text", "") for o in ex.outputs if o.output_type == "stream")
            assert text.startswith("…"), text
            assert "not implemented yet" in text or "not answered yet" in text, text
    assert tool.edited_reason(ROOT / "exercises" / path.name) is None


# --- never overwrite a student's work; atomic writes --------------------------------------------
SMALL = ROOT / "solutions" / "00_why_nonlinearity.ipynb"


@pytest.fixture
def generated(tmp_path):
    """exercises for lesson 00 generated into a temporary folder: (folder, path)."""
    out = tmp_path / "exercises"
    tool.make_exercises([SMALL], out, run=False, log=lambda *a: None)
    return out, out / SMALL.name


def test_an_unedited_exercise_is_regenerated_silently(generated):
    out, path = generated
    before = path.read_bytes()
    tool.make_exercises([SMALL], out, run=False, log=lambda *a: None)
    assert path.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == [SMALL.name]  # no temporary files left


def _student_edits(path):
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "raise NotImplementedError()" in c.source)
    cell.source = cell.source.replace("raise NotImplementedError()", "return 42  # my answer")
    nbformat.write(nb, path)
    return path.read_bytes()


def test_an_edited_exercise_is_never_overwritten_without_force(generated, capsys):
    out, path = generated
    mine = _student_edits(path)
    other = SOLUTIONS[1]  # a second notebook in the same run must not be written either
    with pytest.raises(tool.Refused) as refused:
        tool.make_exercises([SMALL, other], out, run=False, log=lambda *a: None)
    assert SMALL.name in str(refused.value) and "was edited" in str(refused.value)
    assert "Nothing was written" in str(refused.value)
    assert path.read_bytes() == mine
    assert sorted(p.name for p in out.iterdir()) == [SMALL.name]
    # The command line says the same, on stderr, with exit status 2.
    assert tool.main([str(SMALL), "--out", str(out), "--no-execute"]) == 2
    assert SMALL.name in capsys.readouterr().err
    assert path.read_bytes() == mine


def test_force_overwrites_but_keeps_a_backup(generated):
    out, path = generated
    mine = _student_edits(path)
    assert tool.main([str(SMALL), "--out", str(out), "--force", "--no-execute"]) == 0
    assert (out / (SMALL.name + ".bak")).read_bytes() == mine
    assert tool.edited_reason(path) is None


def test_a_notebook_the_tool_did_not_make_is_not_overwritten(tmp_path):
    out = tmp_path / "exercises"
    out.mkdir()
    (out / SMALL.name).write_text('{"not": "a notebook"}', encoding="utf-8")
    with pytest.raises(tool.Refused, match="cannot be read as a notebook"):
        tool.make_exercises([SMALL], out, run=False, log=lambda *a: None)
    assert (out / SMALL.name).read_text(encoding="utf-8") == '{"not": "a notebook"}'


def test_a_failure_half_way_leaves_every_exercise_untouched(generated, monkeypatch):
    out, path = generated
    nb = nbformat.read(path, as_version=4)
    nb.metadata["stale"] = True  # not a student's edit, so a successful run would replace it
    nbformat.write(nb, path)
    before = path.read_bytes()
    real_write = tool.nbformat.write
    calls = []

    def write_then_fail(nb, fh, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_write(nb, fh, *args, **kwargs)

    monkeypatch.setattr(tool.nbformat, "write", write_then_fail)
    with pytest.raises(OSError, match="disk full"):
        tool.make_exercises([SMALL, SOLUTIONS[1]], out, run=False, log=lambda *a: None)
    assert path.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == [SMALL.name]  # no partial or temporary file


# --- fair checks: a check enforces only what its task states ----------------------------------
def _tasks():
    """exercise id -> the markdown of its task (the cell before its answer cell), every lesson."""
    found = {}
    for path in SOLUTIONS:
        cells = nbformat.read(path, as_version=4).cells
        for i, cell in enumerate(cells):
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
            if cell.cell_type == "code" and grade_id.endswith("_code"):
                found[grade_id.removesuffix("_code")] = cells[i - 1].source
    return found


def _function_exercises():
    from course_utils.checks import _catalogue
    from course_utils.checks._exercise import FunctionExercise

    return [ex for ex in _catalogue.exercises() if isinstance(ex, FunctionExercise)]


@pytest.mark.parametrize("exercise", _function_exercises(), ids=lambda ex: ex.id)
def test_what_a_check_enforces_beyond_the_usual_is_in_its_task(exercise):
    task = _tasks()[exercise.id]
    if exercise.keep_dtype:  # in the text and in the worked example
        assert "float32" in task and "dtype=float32" in task.split("**Worked example**")[1], task
    if exercise.vectorised:
        assert "vectorised" in task, task


@pytest.mark.parametrize("exercise", _function_exercises(), ids=lambda ex: ex.id)
def test_every_forbidden_implementation_is_named_in_the_task(exercise):
    task = _tasks()[exercise.id]
    for own in exercise.own:
        if own.label.startswith("the checker's reference"):
            continue  # checks.reference(...) is named in the notebooks' introduction
        code = own.label.split(" (", 1)[1][:-1] if own.label.endswith(")") else own.label
        name = code.split(".")[-1]  # e.g. "derivative" of activations.Sigmoid().derivative
        assert re.search(rf"\b{re.escape(name)}\b", task), f"{exercise.id}: the task does not say that {own.label} does not count"


def test_every_multiple_choice_shows_the_catalogue_options():
    from course_utils.checks import _catalogue
    from course_utils.checks._answers import ChoiceExercise

    text = "\n".join(c.source for p in SOLUTIONS for c in nbformat.read(p, as_version=4).cells
                     if c.cell_type == "markdown")
    for ex in _catalogue.exercises():
        if isinstance(ex, ChoiceExercise):
            assert ex.question in text, ex.id
            for letter in ex.letters:
                assert f"- **({letter})** {ex.options[letter]}" in text, (ex.id, letter)


def test_one_question_per_explain_exercise():
    for path in SOLUTIONS:
        cells = nbformat.read(path, as_version=4).cells
        for i, cell in enumerate(cells):
            if cell.cell_type == "markdown" and "— explain (" in cell.source:
                kinds = [c.metadata.get("nbgrader", {}).get("grade_id", "") for c in cells[i + 1:i + 4]]
                assert [k.rsplit("_", 1)[-1] for k in kinds] == ["written", "choice", "check"], (path.name, kinds)
                assert "Quick check" not in cell.source and "(b)" not in cell.source.split("- **(a)**")[0]


def test_every_lesson_has_a_stretch_exercise():
    for path in SOLUTIONS:
        headers = [c.source for c in nbformat.read(path, as_version=4).cells
                   if c.cell_type == "markdown" and c.source.startswith("## Exercise ")]
        assert any("— stretch (" in h for h in headers), path.name


def test_students_see_no_test_harness_markers():
    """nbval's markers are cell tags (nbval-ignore-output), never comments in the code students read."""
    for folder in ("notebooks", "solutions", "exercises"):
        for path in sorted((ROOT / folder).glob("*.ipynb")):
            for cell in nbformat.read(path, as_version=4).cells:
                assert "NBVAL_" not in cell.source, f"{folder}/{path.name}: {cell.source[:60]!r}"
