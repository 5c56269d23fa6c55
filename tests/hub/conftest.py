"""A real class hub for the tests: installed with `hubctl install`, a throw-away class (own Unix
groups, users, homes, exchange, state and ports; hub/hub_sandbox.py) created with `hubctl
init`/`add-*`, the hub started with `hubctl start`, and at the end all of it stopped and removed.

Needs root (it creates Unix users and runs servers as them) and Node.js (the proxy); without
either the tests skip and say why. Timings are printed at the end of the run.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "hub"))

from hub_sandbox import hubctl, throwaway_class  # noqa: E402
from submissions import answers, break_one_function, fill  # noqa: E402

PREFIX = os.environ.get("COURSE_HUB_PREFIX", "/opt/activations-hub")
# The class releases lesson 07; its solutions notebook is the nbgrader source.
ASSIGNMENT = "lesson07"
NOTEBOOK = "07_softmax.ipynb"
SOLUTIONS = json.loads((REPO / "solutions" / NOTEBOOK).read_text(encoding="utf-8"))
TIMINGS: list[str] = []


def timing(line: str) -> None:
    TIMINGS.append(line)


def pytest_terminal_summary(terminalreporter):
    if TIMINGS:
        terminalreporter.section("class hub timings")
        for line in TIMINGS:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def hub_prefix() -> str:
    if os.geteuid() != 0:
        pytest.skip("the hub tests create Unix users and run servers as them: run them as root "
                    "(`make test-hub`)")
    if shutil.which("node") is None:
        pytest.skip("no `node` on PATH: the hub's proxy (configurable-http-proxy) needs Node.js 20+")
    started = time.monotonic()
    out = hubctl("install", "--prefix", PREFIX)
    timing(f"hubctl install: {time.monotonic() - started:.1f} s ({out.strip().splitlines()[-1]})")
    return PREFIX


@pytest.fixture(scope="session")
def class_hub(hub_prefix):
    """A class with one instructor and three students, its hub running on free loopback ports;
    stopped and removed at the end (a process or port left behind is an error)."""
    with throwaway_class(hub_prefix, instructors=1, students=3, log=timing) as cls:
        yield cls


def logged_in(hub, name):
    user = hub.user(name)
    user.login(hub.password(name))
    return user


@pytest.fixture(scope="session")
def people(class_hub):
    """Everyone logged in through the login form, servers started at once (as a class does)."""
    names = [class_hub.instructor, *class_hub.students]
    started = time.monotonic()
    users = {name: logged_in(class_hub, name) for name in names}
    timing(f"4 logins: {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    with ThreadPoolExecutor(len(users)) as pool:
        seconds = dict(zip(users, pool.map(lambda u: u.start_server(), users.values())))
    timing(f"4 servers started together: {time.monotonic() - started:.1f} s "
           f"(each {min(seconds.values()):.1f}-{max(seconds.values()):.1f} s)")
    return users


@pytest.fixture(scope="session")
def graded(class_hub, people):
    """Release -> fetch -> submit (correct / buggy / nothing) -> collect -> autograde ->
    feedback, all through the servers' REST APIs (what the Nbgrader menus call)."""
    course = class_hub.settings.course_id
    teacher = people[class_hub.instructor]
    ada, bo, cy = (people[name] for name in class_hub.students)
    steps = {}

    def step(name, call):
        started = time.monotonic()
        result = call()
        steps[name] = steps.get(name, 0.0) + time.monotonic() - started
        if isinstance(result, dict) and result.get("success") is False:
            raise AssertionError(f"{name} failed: {result.get('error') or result}")
        return result

    step("generate", lambda: teacher.server("POST", f"formgrader/api/assignment/{ASSIGNMENT}/assign"))
    step("release", lambda: teacher.server("POST", f"formgrader/api/assignment/{ASSIGNMENT}/release"))
    form = {"course_id": course, "assignment_id": ASSIGNMENT}
    for student in (ada, bo, cy):
        step("fetch", lambda s=student: s.server("POST", "assignments/fetch", form=form))
    path = f"api/contents/{ASSIGNMENT}/{NOTEBOOK}"
    released = ada.server("GET", path)["content"]
    broken, broken_name, broken_points = break_one_function(SOLUTIONS)
    for student, answer_set in ((ada, answers(SOLUTIONS)), (bo, broken)):
        notebook = fill(released, answer_set)
        student.server("PUT", path, body={"type": "notebook", "format": "json", "content": notebook})
        step("submit", lambda s=student: s.server("POST", "assignments/submit", form=form))
    collected = step("collect", lambda: teacher.server(
        "POST", f"formgrader/api/assignment/{ASSIGNMENT}/collect"))
    for student in (ada, bo):
        step("autograde", lambda s=student: teacher.server(
            "POST", f"formgrader/api/submission/{ASSIGNMENT}/{s.name}/autograde"))
    step("feedback", lambda: teacher.server(
        "POST", f"formgrader/api/assignment/{ASSIGNMENT}/generate_feedback"))
    step("feedback", lambda: teacher.server(
        "POST", f"formgrader/api/assignment/{ASSIGNMENT}/release_feedback"))
    step("feedback", lambda: ada.server("POST", "assignments/fetch_feedback", form=form))
    submissions = teacher.server("GET", f"formgrader/api/submissions/{ASSIGNMENT}")
    timing("release -> autograde: " + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items()))
    return {"submissions": {s["student"]: s for s in submissions}, "collect_log": collected["log"],
            "broken": (broken_name, broken_points), "released": released}
