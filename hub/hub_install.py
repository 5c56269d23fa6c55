"""Install the class hub's environment under a prefix every user can read (run as root).

    <prefix>/venv                 the course environment + JupyterHub + nbgrader (from constraints.txt)
    <prefix>/proxy                configurable-http-proxy, `npm ci` from hub/package-lock.json
    <prefix>/hub                  the hub's configuration and helpers (copied from hub/)
    <prefix>/templates/*.tar      what a new home receives (students: notebooks and exercises;
                                  instructors: also the nbgrader source from solutions/, root-only)

A checkout under /root (mode 0700) is unreadable by students, so nothing is used in place.
Each step runs only when its inputs changed (hashes in <prefix>/install-state.json).
Standard library only.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HUB_FILES = ("hub_settings.py", "hub_accounts.py", "hub_auth.py", "hub_install.py", "hubctl.py",
             "jupyterhub_config.py")
EXTRAS = "hub,instructor"
NOBODY = ("nobody", "nogroup")
# Debian's python3 first: pyenv's lives under /root, which other users cannot read.
PYTHON_CANDIDATES = ("/usr/bin/python3", sys.executable)


def digest(paths: list[Path], extra: str = "") -> str:
    h = hashlib.sha256(extra.encode())
    for path in sorted(paths):
        h.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def files_under(folder: Path, pattern: str) -> list[Path]:
    return sorted(p for p in folder.rglob(pattern) if "__pycache__" not in p.parts)


def run(cmd: list, step: str, **kwargs) -> None:
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-25:])
        raise RuntimeError(f"{step} failed ({' '.join(map(str, cmd))}, exit {result.returncode}):"
                           f"\n{tail}")


def runs_as_nobody(cmd: list) -> str | None:
    """None if `cmd` succeeds as the unprivileged user nobody, else why not."""
    try:
        result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, user=NOBODY[0],
                                group=NOBODY[1], extra_groups=[], cwd="/", env={"PATH": "/usr/bin:/bin"},
                                timeout=120)
    except (OSError, subprocess.SubprocessError) as error:
        return str(error)
    return None if result.returncode == 0 else (result.stderr.strip().splitlines() or ["?"])[-1]


def choose_python(requested: str | None) -> str:
    candidates = [requested] if requested else list(PYTHON_CANDIDATES)
    problems = []
    for python in candidates:
        if not python or not Path(python).exists():
            problems.append(f"{python}: not found")
            continue
        why = runs_as_nobody([python, "-c", "import sys, venv; assert sys.version_info >= (3, 10)"])
        if why is None:
            return python
        problems.append(f"{python}: {why}")
    raise RuntimeError("no Python that every user can run (3.10+, with venv): "
                       + "; ".join(problems)
                       + ". On Debian/Ubuntu: apt-get install python3-venv; or pass --python PATH")


def make_tar(members: list[tuple[str, Path]]) -> bytes:
    """A deterministic tar of (name in the home, source file) pairs; parents are added."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        dirs = sorted({str(Path(name).parents[i]) for name, _ in members
                       for i in range(len(Path(name).parents) - 1)})
        newest = max(int(source.stat().st_mtime) for _, source in members)
        for name in dirs:
            info = tarfile.TarInfo(name)
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, newest
            tar.addfile(info)
        for name, source in sorted(members):
            data = source.read_bytes()
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, int(source.stat().st_mtime)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def template_members() -> dict[str, list[tuple[str, Path]]]:
    student = [("course/README.md", REPO / "README.md")]
    for folder in ("notebooks", "exercises"):
        student += [(f"course/{folder}/{p.name}", p) for p in sorted((REPO / folder).glob("*.ipynb"))]
    # nbgrader's layout: <course root>/source/<assignment>/<notebook>; lesson NN -> lessonNN.
    source = [(f"nbgrader/source/lesson{p.name[:2]}/{p.name}", p)
              for p in sorted((REPO / "solutions").glob("*.ipynb"))]
    return {"student": student,
            "instructor": student + [("course/INSTRUCTORS.md", REPO / "INSTRUCTORS.md")] + source}


def write_file(path: Path, data: bytes, mode: int) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def install(prefix: Path, python: str | None = None, log=print) -> dict:
    """Install or update; returns the seconds each step took (0 when it was up to date)."""
    if os.geteuid() != 0:
        raise PermissionError("hubctl install needs root: it writes under " + str(prefix))
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"`{tool}` is not on PATH: the hub's proxy (configurable-http-proxy) "
                               "runs on Node.js 20+; on Debian/Ubuntu: apt-get install nodejs npm")
    os.umask(0o022)
    prefix.mkdir(parents=True, exist_ok=True)
    os.chmod(prefix, 0o755)
    state_path = prefix / "install-state.json"
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    timings = {}
    venv_python = prefix / "venv/bin/python"
    changed = "checked" not in state  # what an ordinary user can run is re-checked after changes

    started = time.monotonic()
    interpreter = state.get("python") if venv_python.exists() else None
    interpreter = interpreter or choose_python(python)
    env_hash = digest([REPO / "constraints.txt", REPO / "pyproject.toml"], extra=interpreter)
    course_hash = digest(files_under(REPO / "course_utils", "*.py"), extra=env_hash)
    if not venv_python.exists():
        log(f"creating {prefix / 'venv'} with {interpreter}")
        run([interpreter, "-m", "venv", prefix / "venv"], "creating the venv")
    pip = [venv_python, "-m", "pip", "install", "--disable-pip-version-check", "-q",
           "-c", REPO / "constraints.txt"]
    if state.get("env") != env_hash:
        log(f"installing the course environment ({EXTRAS} extras) from constraints.txt")
        run([*pip, f"{REPO}[{EXTRAS}]"], "pip install", cwd=REPO)
        state.update(env=env_hash, course=course_hash, python=interpreter)
        changed = True
    elif state.get("course") != course_hash:
        log("course_utils changed: reinstalling the course package")
        run([*pip, "--no-deps", "--force-reinstall", REPO], "pip install (course)", cwd=REPO)
        state["course"] = course_hash
        changed = True
    timings["environment_s"] = round(time.monotonic() - started, 1)

    started = time.monotonic()
    proxy = prefix / "proxy"
    lock_hash = digest([REPO / "hub/package.json", REPO / "hub/package-lock.json"])
    chp = proxy / "node_modules/.bin/configurable-http-proxy"
    if state.get("proxy") != lock_hash or not chp.exists():
        log("installing configurable-http-proxy (npm ci, hub/package-lock.json)")
        proxy.mkdir(exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(REPO / "hub" / name, proxy / name)
        run(["npm", "ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"],
            "npm ci", cwd=proxy)
        state["proxy"] = lock_hash
        changed = True
    timings["proxy_s"] = round(time.monotonic() - started, 1)

    started = time.monotonic()
    hub = prefix / "hub"
    hub.mkdir(exist_ok=True)
    for name in HUB_FILES:
        write_file(hub / name, (REPO / "hub" / name).read_bytes(), 0o644)
    # The course's nbgrader settings (feedback without the hidden tests); roles/instructor loads it.
    write_file(hub / "course_nbgrader_config.py", (REPO / "tools/nbgrader_config.py").read_bytes(),
               0o644)
    if (hub / "roles").exists():
        shutil.rmtree(hub / "roles")
    shutil.copytree(REPO / "hub/roles", hub / "roles")
    # JupyterLab's news pop-up and update check would reach the internet from every server.
    overrides = prefix / "venv/share/jupyter/lab/settings/overrides.json"
    overrides.parent.mkdir(parents=True, exist_ok=True)
    write_file(overrides, json.dumps({"@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false", "checkForUpdates": False}}, indent=1).encode(), 0o644)
    templates = prefix / "templates"
    templates.mkdir(exist_ok=True)
    for role, members in template_members().items():
        # The instructor's copy holds the model answers: root reads it and hands it over.
        write_file(templates / f"{role}.tar", make_tar(members), 0o644 if role == "student" else 0o600)
    timings["files_s"] = round(time.monotonic() - started, 1)

    started = time.monotonic()
    for cmd, what in (([venv_python, "-c", "import course_utils, jupyterhub, nbgrader, jupyterlab"],
                       "import the course environment"),
                      ([chp, "--version"], "run configurable-http-proxy")):
        why = runs_as_nobody(cmd) if changed else None  # seconds of imports: only after changes
        if why is not None:
            raise RuntimeError(f"an ordinary user cannot {what} ({cmd[0]}): {why}")
    state["checked"] = True
    timings["check_s"] = round(time.monotonic() - started, 1)
    write_file(state_path, json.dumps(state, indent=1).encode(), 0o644)
    return timings
