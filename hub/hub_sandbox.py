"""A throw-away class with its hub, for tests and benchmarks (root): own Unix groups and users,
homes, exchange, state and free loopback ports, made with `hubctl` as an admin would; on exit
the hub is stopped and everything removed, and anything left behind is an error.

    with throwaway_class(prefix, instructors=1, students=3) as cls:
        user = cls.user(cls.students[0]); user.login(cls.password(user.name)) ...
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import hub_accounts
from hub_client import HubUser
from hub_settings import ClassSettings

HUBCTL = Path(__file__).resolve().parent / "hubctl.py"


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


@dataclass
class ThrowawayClass:
    settings: ClassSettings
    passwords: dict
    instructors: list[str]
    students: list[str]
    log_path: Path
    process: subprocess.Popen
    ssl_context: ssl.SSLContext | None = None  # set when the hub serves https

    @property
    def url(self) -> str:
        return self.settings.url.replace("http://", "https://" if self.ssl_context else "http://")

    @property
    def instructor(self) -> str:
        return self.instructors[0]

    def user(self, name: str) -> HubUser:
        return HubUser(self.url, name, ssl_context=self.ssl_context)

    def password(self, name: str) -> str:
        key = "instructor_password" if name in self.instructors else "class_password"
        return self.passwords[key]

    def log_tail(self, lines: int = 60) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def _wait_for_hub(url: str, process: subprocess.Popen, log: Path, timeout: float,
                  context: ssl.SSLContext | None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the hub exited ({process.returncode}):\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url + "/hub/api", timeout=2, context=context) as response:
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
            process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _live_pids(names: list[str]) -> dict[int, str]:
    """pid -> user name of the class's users' processes that still run (not zombies)."""
    found = {}
    for name in names:
        try:
            uid = pwd.getpwnam(name).pw_uid
        except KeyError:
            continue
        found.update((pid, name) for pid in hub_accounts.user_pids(uid))
    return found


def _kill_leftovers(names: list[str], grace: float = 30) -> list[str]:
    """Processes of the class's users still running `grace` seconds after the hub stopped
    (servers shut their kernels down in the background): killed by pid, and reported."""
    deadline = time.monotonic() + grace
    while _live_pids(names) and time.monotonic() < deadline:
        time.sleep(0.5)
    left = _live_pids(names)
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while _live_pids(names) and time.monotonic() < deadline:
        time.sleep(0.2)
    return [f"{name}:{pid}" for pid, name in left.items()]


@contextlib.contextmanager
def throwaway_class(prefix: str, instructors: int = 1, students: int = 3, log=print,
                    start_timeout: float = 120, ssl_context: ssl.SSLContext | None = None,
                    **settings):
    """Create a class with `instructors` + `students` Unix users, start its hub, yield a
    ThrowawayClass; stop and remove all of it afterwards. `settings` go to `hubctl init`
    (e.g. idle_timeout=0); pass `ssl_context` (trusting the hub's certificate) when a
    local_config makes the hub serve https."""
    if os.geteuid() != 0:
        raise PermissionError("a throw-away class needs root (Unix users, servers run as them)")
    tag = "ht" + secrets.token_hex(3)
    base = Path(tempfile.mkdtemp(prefix="course-hub-"))
    os.chmod(base, 0o755)  # the exchange and the homes lie inside: users must reach them
    state, log_path = base / "state", base / "jupyterhub.log"
    ports = [free_port() for _ in range(3)]
    teachers = [f"{tag}-teacher{i + 1}" for i in range(instructors)]
    learners = [f"{tag}-student{i + 1}" for i in range(students)]
    process = None

    def clean_up(failed: bool = False) -> str | None:
        started = time.monotonic()
        if process is not None:
            _stop(process)
        if failed and log_path.exists():  # the hub's side of the story outlives the class
            kept = Path(tempfile.gettempdir()) / f"course-hub-{tag}.log"
            shutil.copy(log_path, kept)
            log(f"the hub's log: {kept}")
        leftovers = _kill_leftovers(teachers + learners)
        if (state / "class.json").exists():
            hubctl("remove-class", "--state", str(state), "--delete-homes")
        shutil.rmtree(base, ignore_errors=True)
        log(f"hub stopped and class removed: {time.monotonic() - started:.1f} s")
        busy = [p for p in ports if port_in_use(p)]
        return f"left behind: processes {leftovers}, ports in use {busy}" if leftovers or busy else None

    try:
        started = time.monotonic()
        options = [f"--{k.replace('_', '-')}={v}" for k, v in settings.items()]
        hubctl("init", "--state", str(state), "--prefix", prefix, "--course-id", tag,
               "--group-prefix", tag, "--exchange-root", str(base / "exchange"),
               "--home-base", str(base / "home"), "--port", str(ports[0]),
               "--hub-port", str(ports[1]), "--proxy-api-port", str(ports[2]), *options)
        if teachers:
            hubctl("add-instructor", "--state", str(state), *teachers)
        if learners:
            hubctl("add-student", "--state", str(state), *learners)
        cls_settings = ClassSettings.load(state)
        log(f"class created ({len(teachers)} instructor(s), {len(learners)} students as Unix "
            f"users, exchange): {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        with open(log_path, "wb") as out:
            process = subprocess.Popen([sys.executable, str(HUBCTL), "start", "--state", str(state)],
                                       stdout=out, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
        passwords = (hub_accounts.read_passwords(cls_settings)
                     if cls_settings.auth == "shared-password" else {})
        cls = ThrowawayClass(cls_settings, passwords, teachers, learners, log_path, process,
                             ssl_context)
        _wait_for_hub(cls.url, process, log_path, start_timeout, ssl_context)
        log(f"hub started: {time.monotonic() - started:.1f} s")
        yield cls
    except BaseException:
        problem = clean_up(failed=True)  # the original error matters more; still say what stayed
        if problem:
            log(problem)
        raise
    problem = clean_up()
    if problem:
        raise RuntimeError(problem)
