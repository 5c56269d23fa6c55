"""Lesson 07 graded end to end with nbgrader, exactly as INSTRUCTORS.md says, with tools/nbgrader_config.py.

Generate the assignment from solutions/07_softmax.ipynb, release it to an exchange, fetch it,
submit crafted answers (a correct one; one with no code that fakes the checker's flag, patches
its check and hides its errors from nbgrader; one that hands back the course's softmax; one
that skips the first exercise; a textbook float64 softmax), collect, autograde, generate feedback, and
check every score and that the feedback shows verdicts, not tracebacks or test code. It uses
nbgrader's Python API in this process: one import of nbgrader instead of one per command.
"""

from __future__ import annotations

import copy
import html
import os
import re
import shutil
import sys
import warnings
from pathlib import Path

import nbformat
import pytest

nbgrader = pytest.importorskip("nbgrader")  # the instructor extra (installed by `make test`)

ROOT = Path(__file__).resolve().parent.parent


# --- lesson 07 end to end with nbgrader ---------------------------------------------------------
LESSON, NOTEBOOK = "lesson07", "07_softmax"
STUDENTS = ("correct", "faked", "course_impl", "skipped_first", "textbook")


def _model_answers(source):
    """grade_id -> the body of the model answer (between the solution markers)."""
    answers = {}
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution"):
            found = re.search(r"### BEGIN SOLUTION\n(.*?)[ \t]*### END SOLUTION", cell.source, re.S)
            answers[meta["grade_id"]] = found.group(1)
    return answers


def _body(code):
    return "".join(f"    {line}\n" for line in code.strip().splitlines())


def _answered(released, answers, whole=None):
    """The released notebook with stubs replaced by `answers` (bodies) or `whole` cell sources."""
    nb = copy.deepcopy(released)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if whole and grade_id in whole:
            cell.source = whole[grade_id]
        elif grade_id in answers:
            cell.source = re.sub(r"[ \t]*# YOUR CODE HERE\n[ \t]*raise NotImplementedError\(\)\n?",
                                 lambda _: answers[grade_id], cell.source)
    return nb


def _submissions(released, source):
    model = _model_answers(source)
    stubs = {"softmax_code": "def softmax(x, axis=-1):\n    raise NotImplementedError()\n"}
    return {
        "correct": _answered(released, model),
        "faked": _answered(released, {}, {"softmax_code": (  # no code, flags faked, errors hidden
            "checks.passed = lambda *a, **k: True\n"
            "checks.check = lambda *a, **k: print('✓ passed') or True\n"
            "get_ipython().showtraceback = lambda *a, **k: None\n"
            "get_ipython().set_custom_exc((Exception,), lambda *a, **k: None)\n"
            + stubs["softmax_code"])}),
        "course_impl": _answered(released, dict(model, softmax_code=_body(
            "return activations.softmax(x, axis=axis)"))),
        "skipped_first": _answered(released, {k: v for k, v in model.items() if k != "softmax_code"}),
        "textbook": _answered(released, dict(model, softmax_code=_body(
            "x = np.asarray(x, dtype=float)\n"
            "e = np.exp(x - np.max(x, axis=axis, keepdims=True))\n"
            "return e / np.sum(e, axis=axis, keepdims=True)"))),
    }


def _config(course, tmp):
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    config.CourseDirectory.root = str(course)
    config.Exchange.root = str(tmp / "exchange")  # INSTRUCTORS.md: /usr/local/share/nbgrader/exchange, 0777
    config.Exchange.cache = str(tmp / "cache")
    return config


def _ok(result):
    assert result["success"], result.get("error") or result.get("log")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Run the INSTRUCTORS.md workflow on lesson 07; yields (gradebook scores, feedback HTML)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    # nbgrader runs `alembic` (its database migrations) from PATH: what activating .venv does.
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    tmp = tmp_path_factory.mktemp("grading")
    course = tmp / "mycourse"
    (course / "source" / LESSON).mkdir(parents=True)
    (tmp / "exchange").mkdir(mode=0o777)
    shutil.copy(ROOT / "solutions" / f"{NOTEBOOK}.ipynb", course / "source" / LESSON)
    shutil.copy(ROOT / "tools" / "nbgrader_config.py", course)
    config = _config(course, tmp)
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    from sqlalchemy.exc import SAWarning

    try:
        with warnings.catch_warnings():
            # nbgrader 0.9.6 with SQLAlchemy 2.1 warns about its autoflush on every autograde
            # (harmless, INSTRUCTORS.md); the suite turns warnings into errors.
            warnings.filterwarnings("ignore", category=SAWarning)
            yield _run(api, config, course, tmp)
    finally:
        monkeypatch.undo()


def _run(api, config, course, tmp):
    from nbgrader.api import Gradebook
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default import ExchangeFetchAssignment, ExchangeSubmit

    _ok(api.generate_assignment(LESSON))
    _ok(api.release_assignment(LESSON))

    def student_app(cls, student, folder):  # what `nbgrader fetch/submit ... --course` runs
        student_config = copy.deepcopy(config)
        student_config.CourseDirectory.assignment_id = LESSON
        student_config.CourseDirectory.student_id = student
        student_config.CourseDirectory.root = str(folder)
        coursedir = CourseDirectory(config=student_config)
        return cls(coursedir=coursedir, authenticator=Authenticator(config=student_config),
                   config=student_config)

    home = tmp / "students"
    home.mkdir()
    cwd = os.getcwd()
    try:
        os.chdir(home)
        student_app(ExchangeFetchAssignment, "*", home).start()
        fetched = home / LESSON / f"{NOTEBOOK}.ipynb"
        released = nbformat.read(fetched, as_version=4)
        source = nbformat.read(course / "source" / LESSON / f"{NOTEBOOK}.ipynb", as_version=4)
        for student, nb in _submissions(released, source).items():
            nbformat.write(nb, fetched)
            student_app(ExchangeSubmit, student, home).start()
    finally:
        os.chdir(cwd)
    _ok(api.collect(LESSON))
    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in STUDENTS:
            _ok(api.autograde(LESSON, student))
            notebook = gb.find_submission_notebook(NOTEBOOK, LESSON, student)
            scores[student] = {g.name.removesuffix("_check"): g.auto_score for g in notebook.grades
                               if g.name.endswith("_check")}
    feedback = {}
    for student in STUDENTS:
        _ok(api.generate_feedback(LESSON, student))
        page = course / "feedback" / student / LESSON / f"{NOTEBOOK}.html"
        feedback[student] = html.unescape(page.read_text(encoding="utf-8"))
    return scores, feedback


FULL = {"softmax": 3, "softmax_jacobian": 3, "softmax_vjp": 3, "softmax_temperature": 1,
        "output_activation": 1, "log_softmax": 3, "cross_entropy": 3, "two_layer_gradients": 4}
EXPECTED = {
    "correct": FULL,
    "faked": dict.fromkeys(FULL, 0),  # no code: flag faked, checks.check patched, errors hidden
    "course_impl": dict(FULL, softmax=0),  # softmax hands back activations.softmax
    "skipped_first": dict(FULL, softmax=0),  # later exercises still score (they call softmax)
    "textbook": FULL,  # float64 out for float32 in: the task never asks to keep float32
}


@pytest.mark.slow
@pytest.mark.parametrize("student", STUDENTS)
def test_each_crafted_submission_scores_what_it_deserves(graded, student):
    scores, _ = graded
    assert scores[student] == EXPECTED[student]


@pytest.mark.slow
@pytest.mark.parametrize("student", STUDENTS)
def test_the_feedback_shows_verdicts_not_tracebacks_or_tests(graded, student):
    _, feedback = graded
    page = feedback[student]
    for wall in ("Traceback (most recent call last)", "BEGIN HIDDEN TESTS", "run_path",
                 "---------------------------------------------------------------------------"):
        assert wall not in page, f"{student}: {wall!r} in the feedback"
    if EXPECTED[student] != FULL:
        assert "the grader's own check says" in page


@pytest.mark.slow
def test_the_feedback_says_why(graded):
    _, feedback = graded
    assert "uses the course's own softmax (activations.softmax)" in feedback["course_impl"]
    assert "float32 input came back as float64" in feedback["textbook"]
    assert "in place of yours, which is not implemented yet" in feedback["skipped_first"]
    assert "with the course's softmax(x, axis) in place of yours" in feedback["skipped_first"]
