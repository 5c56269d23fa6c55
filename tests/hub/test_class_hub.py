"""A class on the hub, end to end: log in, release lesson 07, fetch, submit (a correct notebook, a
buggy one, nothing), collect, autograde; and the walls between people and roles."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import ASSIGNMENT, NOTEBOOK, REPO, SOLUTIONS
from hub_client import HubError
from submissions import auto_points

pytestmark = [pytest.mark.hub, pytest.mark.slow, pytest.mark.timeout(900)]


def test_the_released_notebook_has_no_answers(graded):
    text = json.dumps(graded["released"])
    assert "### BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    assert "raise NotImplementedError()" in text


def test_submissions_carry_the_hub_user_names_and_the_right_scores(class_hub, graded):
    ada, bo, cy = class_hub.students
    subs = graded["submissions"]
    full = auto_points(SOLUTIONS)
    assert full > 0, "the solutions notebook has no automatically graded cells"
    submitted = {name for name, s in subs.items() if s["submitted"]}
    assert submitted == {ada, bo}, f"submitted: {sorted(submitted)}; collect said {graded['collect_log']}"
    assert subs[ada]["max_code_score"] == full
    assert subs[ada]["code_score"] == full, f"the model answers scored {subs[ada]['code_score']} of {full}"
    name, points = graded["broken"]
    assert 0 <= subs[bo]["code_score"] <= full - points, (
        f"with {name}() broken (a check worth {points}) {bo} scored {subs[bo]['code_score']} of {full}")
    assert cy not in subs or (not subs[cy]["submitted"] and not subs[cy]["score"])
    assert "cheating attempt" not in graded["collect_log"]  # each folder belongs to its student


def test_a_student_gets_feedback_without_the_hidden_tests(class_hub, people, graded):
    ada = people[class_hub.students[0]]
    runs = ada.server("GET", f"api/contents/{ASSIGNMENT}/feedback")["content"]
    assert runs, "no feedback was fetched"
    folder = quote(runs[0]["name"])  # a timestamp, with spaces
    html = ada.server("GET", f"api/contents/{ASSIGNMENT}/feedback/{folder}/"
                             f"{NOTEBOOK.replace('.ipynb', '.html')}")["content"]
    assert "softmax" in html
    assert "BEGIN HIDDEN TESTS" not in html and "run_path" not in html, "the feedback shows the grader"


def test_each_server_runs_as_its_person_in_the_course_environment(class_hub, people):
    import pwd

    prefix = class_hub.settings.prefix
    code = ("import os, shutil, sys, course_utils; print(os.getuid(), sys.prefix, "
            "os.environ['KERAS_BACKEND'], os.environ['JAX_PLATFORMS'], "
            "os.environ['PATH'].split(':')[0], shutil.which('alembic'))")
    for name in (class_hub.instructor, class_hub.students[0]):
        run = people[name].run_code(code)
        assert run.error is None, run.error
        uid, sys_prefix, backend, platforms, first_path, alembic = run.stdout.split()
        assert int(uid) == pwd.getpwnam(name).pw_uid
        assert sys_prefix == f"{prefix}/venv" and first_path == f"{prefix}/venv/bin"
        assert (backend, platforms) == ("jax", "cpu")
        assert alembic == f"{prefix}/venv/bin/alembic"  # the formgrader's database migrations


def test_students_cannot_read_each_other_or_the_instructor(class_hub, people, graded):
    ada, bo, _ = class_hub.students
    homes = Path(class_hub.settings.home_base)
    exchange = class_hub.settings.exchange_course_dir
    targets = {
        "another student's home": homes / bo,
        "another student's notebook": homes / bo / ASSIGNMENT / NOTEBOOK,
        "the instructor's home": homes / class_hub.instructor,
        "the instructor's course directory": homes / class_hub.instructor / "nbgrader",
        "the gradebook": homes / class_hub.instructor / "nbgrader" / "gradebook.db",
        "the submissions in the exchange": exchange / "inbound",
    }
    code = (f"import os\nfor what, path in {dict((k, str(v)) for k, v in targets.items())!r}.items():\n"
            "    try:\n"
            "        os.listdir(path) if os.path.isdir(path) else open(path, 'rb').read(1)\n"
            "        print('READABLE', what)\n"
            "    except PermissionError:\n"
            "        print('denied', what)\n")
    run = people[ada].run_code(code)
    assert run.error is None, run.error
    assert "READABLE" not in run.stdout, run.stdout
    assert run.stdout.count("denied") == len(targets), run.stdout
    # The instructor reads what nbgrader needs (the gradebook is theirs).
    run = people[class_hub.instructor].run_code(f"print(len(open({str(targets['the gradebook'])!r}, 'rb').read(16)))")
    assert run.stdout.strip() == "16", run.error


def test_a_student_cannot_listen_to_another_students_kernel(class_hub, people):
    """Kernels talk to their server over Unix sockets in a private folder under /run
    (roles/common, hub_auth.ClassSpawner.runtime_dir). Over loopback TCP, any user on the machine
    could subscribe to a kernel's output channel and read it (tried here: they could)."""
    import pwd

    ada, bo = (people[name] for name in class_hub.students[:2])
    kernel = bo.server("POST", "api/kernels", body={})["id"]
    try:
        runtime = Path("/run/course-hub") / str(pwd.getpwnam(bo.name).pw_uid)
        info = json.loads((runtime / f"kernel-{kernel}.json").read_text())
        assert info["transport"] == "ipc", f"the kernel listens on {info['transport']}"
        assert runtime.stat().st_mode & 0o777 == 0o700
        listener = ada.server("POST", "api/kernels", body={})["id"]
        iopub = f"ipc://{info['ip']}-{info['iopub_port']}"
        subscribe = ("import os, zmq\n"
                     f"try:\n    os.listdir({str(runtime)!r})\n    print('LISTED')\n"
                     "except PermissionError:\n    print('denied')\n"
                     "sub = zmq.Context.instance().socket(zmq.SUB)\n"
                     f"sub.setsockopt(zmq.SUBSCRIBE, b'')\nsub.connect({iopub!r})\n")
        assert ada.run_code(subscribe, kernel_id=listener).stdout.strip() == "denied"
        time.sleep(1)  # let a subscription settle, as an eavesdropper would
        assert "secret" in bo.run_code("print('secret answer of bo')", kernel_id=kernel).stdout
        heard = ada.run_code("got = []\nwhile sub.poll(1000):\n    got.append(sub.recv_multipart())\n"
                             "print(len(got))", kernel_id=listener)
        assert heard.stdout.split() == ["0"], f"{ada.name} heard {bo.name}'s kernel: {heard}"
        ada.server("DELETE", f"api/kernels/{listener}")
    finally:
        bo.server("DELETE", f"api/kernels/{kernel}")


def page_config(user) -> dict:
    status, html = user.request("GET", f"/user/{user.name}/lab")
    assert status == 200, f"{user.name}: /lab answered {status}"
    found = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                      html, re.S)
    assert found, "no page config in JupyterLab's page"
    return json.loads(found.group(1))


def test_a_student_has_no_formgrader_and_an_instructor_has_it(class_hub, people):
    student, teacher = people[class_hub.students[0]], people[class_hub.instructor]
    instructor_tools = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment")
    disabled = page_config(student)["disabledExtensions"]
    assert all(tool in disabled for tool in instructor_tools), disabled
    assert student.request("GET", f"/user/{student.name}/formgrader/api/status")[0] == 404
    assert "@jupyter/nbgrader:assignment-list" not in disabled  # students fetch and submit
    disabled = page_config(teacher)["disabledExtensions"]
    assert not any(tool in disabled for tool in instructor_tools), disabled
    assert teacher.request("GET", f"/user/{teacher.name}/formgrader/api/status")[0] == 200


def test_login_needs_the_right_password_and_a_place_in_the_class(class_hub):
    teacher, ada = class_hub.instructor, class_hub.students[0]
    attempts = [
        (ada, "not the class password"),
        (teacher, class_hub.passwords["class_password"]),  # a student posing as the instructor
        ("root", class_hub.passwords["class_password"]),    # a system account
        ("nobody", class_hub.passwords["instructor_password"]),
        (f"{class_hub.settings.group_prefix}-zed", class_hub.passwords["class_password"]),  # no account
    ]
    for name, password in attempts:
        with pytest.raises(HubError, match="login refused"):
            class_hub.user(name).login(password)


def test_a_home_keeps_its_edits_when_the_server_restarts(class_hub, people):
    user = people[class_hub.students[2]]
    lessons = sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb"))
    listing = {c["name"] for c in user.server("GET", "api/contents/course/notebooks")["content"]}
    assert set(lessons) <= listing, f"missing from the copy: {sorted(set(lessons) - listing)}"
    edited, deleted = f"course/notebooks/{lessons[0]}", f"course/notebooks/{lessons[1]}"
    mine = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "my notes"}],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    user.server("PUT", f"api/contents/{edited}", body={"type": "notebook", "format": "json",
                                                        "content": mine})
    user.server("DELETE", f"api/contents/{deleted}")
    user.stop_server()
    user.start_server()
    kept = user.server("GET", f"api/contents/{edited}")["content"]
    assert [c["source"] for c in kept["cells"]] == ["my notes"], "the student's edit was overwritten"
    assert user.server("GET", f"api/contents/{deleted}")["content"]["cells"], "not restored"
