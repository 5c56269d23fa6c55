"""A real class hub for the tests: installed with `hubctl install`, a throw-away class (own Unix
groups, users, homes, exchange, state and ports) created with `hubctl init`/`add-*`, the hub
started with `hubctl start`, and at the end all of it stopped and removed again.

Needs root (it creates Unix users and runs servers as them) and Node.js (the proxy); without
either the tests skip and say why. Timings are printed at the end of the run.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HUBCTL = REPO / "hub" / "hubctl.py"
sys.path.insert(0, str(REPO / "hub"))

import hub_accounts  # noqa: E402
from hub_client import HubUser  # noqa: E402
from hub_settings import ClassSettings  # noqa: E402
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


def hubctl(*args: str, timeout: float = 900) -> str:
    result = subprocess.run([sys.executable, str(HUBCTL), *args], capture_output=True, text=True,
                            timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"hubctl {' '.join(args)} failed ({result.returncode}):\n"
                           f"{result.stdout}{result.stderr}")
    return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


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


@dataclass
class ClassHub:
    settings: ClassSettings
    passwords: dict
    instructor: str
    students: list[str]
    log_path: Path

    @property
    def url(self) -> str:
        return self.settings.url

    def user(self, name: str) -> HubUser:
        return HubUser(self.url, name)

    def password(self, name: str) -> str:
        key = "instructor_password" if name == self.instructor else "class_password"
        return self.passwords[key]

    def log_tail(self, lines: int = 60) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def _wait_for_hub(url: str, process: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the hub exited ({process.returncode}):\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url + "/hub/api", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the hub did not answer within {timeout} s:\n{log.read_text()[-4000:]}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # the hub stops every server and the proxy
        try:
            process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def class_hub(hub_prefix):
    """A class with one instructor and three students, its hub running on free loopback ports."""
    tag = "ht" + secrets.token_hex(3)
    base = Path(tempfile.mkdtemp(prefix="course-hub-test-"))
    os.chmod(base, 0o755)  # the exchange and the homes lie inside: users must reach them
    state = base / "state"
    ports = [free_port() for _ in range(3)]
    instructor, students = f"{tag}-teacher", [f"{tag}-ada", f"{tag}-bo", f"{tag}-cy"]
    process = None
    log_path = base / "jupyterhub.log"
    started = time.monotonic()
    try:
        hubctl("init", "--state", str(state), "--prefix", hub_prefix, "--course-id", tag,
               "--group-prefix", tag, "--exchange-root", str(base / "exchange"),
               "--home-base", str(base / "home"), "--port", str(ports[0]),
               "--hub-port", str(ports[1]), "--proxy-api-port", str(ports[2]))
        hubctl("add-instructor", "--state", str(state), instructor)
        hubctl("add-student", "--state", str(state), *students)
        settings = ClassSettings.load(state)
        timing(f"class created (groups, 4 Unix users, exchange): {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        with open(log_path, "wb") as log:
            process = subprocess.Popen([sys.executable, str(HUBCTL), "start", "--state", str(state)],
                                       stdout=log, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
        _wait_for_hub(settings.url, process, log_path)
        timing(f"hub started: {time.monotonic() - started:.1f} s")
        yield ClassHub(settings, hub_accounts.read_passwords(settings), instructor, students,
                       log_path)
    finally:
        started = time.monotonic()
        if process is not None:
            _stop(process)
        leftovers = _kill_leftovers([instructor, *students])
        if (state / "class.json").exists():
            hubctl("remove-class", "--state", str(state), "--delete-homes")
        shutil.rmtree(base, ignore_errors=True)
        timing(f"hub stopped and class removed: {time.monotonic() - started:.1f} s")
        busy = [p for p in ports if port_in_use(p)]
        assert not leftovers, f"processes outlived the hub: {leftovers}"
        assert not busy, f"ports still in use after the hub stopped: {busy}"


def _kill_leftovers(names: list[str]) -> list[str]:
    """Processes of the test's own users still alive after the hub stopped (there should be
    none): killed by pid, and reported."""
    import pwd

    found = []
    for name in names:
        try:
            uid = pwd.getpwnam(name).pw_uid
        except KeyError:
            continue
        for pid in hub_accounts.user_pids(uid):
            found.append(f"{name}:{pid}")
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    if found:
        time.sleep(0.5)
    return found


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
    """Release -> fetch -> submit (correct / buggy / nothing) -> collect -> autograde."""
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
    submissions = teacher.server("GET", f"formgrader/api/submissions/{ASSIGNMENT}")
    timing("release -> autograde: " + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items()))
    return {"submissions": {s["student"]: s for s in submissions}, "collect_log": collected["log"],
            "broken": (broken_name, broken_points), "released": released}
