"""Fixtures for the browser tests: one JupyterLab server and one headless Chromium per session.

(Per pytest-xdist worker, that is: `--dist loadscope`, set in pyproject's addopts, keeps a
module's tests on one worker, so a worker that gets no browser test starts nothing.)

Chromium is the system one (`CHROMIUM_PATH`, else `chromium` on PATH); Playwright never
downloads a browser. Without Chromium the tests skip with the reason, except under `CI=true`,
where that is a failure. Screenshots and the server log go to a temporary artifacts folder that
is named, with the measured timings, at the end of the run: in the terminal summary, or on
stderr from an xdist worker (whose own summary nobody sees).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from jlab_page import LabSession, LabWindow
from jlab_server import LabServer

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

REPO = Path(__file__).resolve().parents[2]

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # we may run as root (containers, CI), where the sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Keep Chromium off the network: no background requests, component or sync updates.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Shared between the fixtures and the end-of-run report.
_ARTIFACTS: dict = {"dir": None, "lines": []}


def report(line: str) -> None:
    """Print now (visible with -s) and again at the end of the run (always visible)."""
    print(line)
    _ARTIFACTS["lines"].append(line)


def artifacts_dir() -> Path:
    if _ARTIFACTS["dir"] is None:
        _ARTIFACTS["dir"] = Path(tempfile.mkdtemp(prefix="course-browser-"))
    return _ARTIFACTS["dir"]


def _summary() -> list[str]:
    lines = list(_ARTIFACTS["lines"])
    if _ARTIFACTS["dir"] is not None:
        lines.append(f"artifacts (screenshots, server log): {_ARTIFACTS['dir']}")
    return lines


def pytest_terminal_summary(terminalreporter):
    lines = _summary()
    if lines and not os.environ.get("PYTEST_XDIST_WORKER"):
        terminalreporter.section("browser tests")
        for line in lines:
            terminalreporter.write_line(line)


def pytest_sessionfinish(session):
    # An xdist worker's terminal summary is never shown, but its stderr reaches the terminal.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    lines = _summary()
    if worker and lines:
        text = "".join(f"\n[browser tests, {worker}] {line}" for line in lines)
        os.write(2, (text + "\n").encode("utf-8", "replace"))


def ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def find_chromium() -> str | None:
    path = os.environ.get("CHROMIUM_PATH")
    if path:
        return path if os.access(path, os.X_OK) else None  # a wrong path is not papered over
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        wrong = os.environ.get("CHROMIUM_PATH")
        reason = (f"CHROMIUM_PATH={wrong} is not an executable" if wrong else
                  "no Chromium: install the system package `chromium` or set CHROMIUM_PATH "
                  "(the browser tests never download a browser)")
        if ci():
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "the `playwright` Python package is missing (pip install -e '.[dev]')"
        if ci():
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def lab_server_process(tmp_path_factory):
    """`jupyter lab` on the repository, as `make lab` serves it, launched but maybe not ready
    yet; stopped with all its kernels at the end of the session."""
    server = LabServer(root_dir=REPO, workdir=tmp_path_factory.mktemp("jupyterlab"))
    try:
        server.launch()
        yield server
    finally:
        server.stop()
        server.close_log()
        if server.log_path is not None and server.log_path.exists():
            shutil.copy(server.log_path, artifacts_dir() / "jupyter-lab.log")


@pytest.fixture(scope="session")
def lab_server(lab_server_process):
    """The JupyterLab server, answering on /api/status."""
    lab_server_process.wait_ready()
    return lab_server_process


@pytest.fixture(scope="session")
def browser_context(chromium_path, lab_server_process, tmp_path_factory):
    """Headless system Chromium, launched while the server boots (both take seconds)."""
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")  # a new, empty user data dir
    env = dict(os.environ)
    env.update(HOME=str(profile), XDG_CONFIG_HOME=str(profile / ".config"),
               XDG_CACHE_HOME=str(profile / ".cache"))
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS,
            env=env, viewport={"width": 1280, "height": 900}, device_scale_factor=1,
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="session")
def lab_window(browser_context, lab_server):
    """One JupyterLab page, reused by the tests (see LabWindow)."""
    window = LabWindow(browser_context, lab_server)
    try:
        yield window
    finally:
        window.close()


@pytest.fixture
def lab(lab_window, lab_server, request):
    """Open notebooks in JupyterLab. Afterwards every tab is closed and every kernel deleted,
    so the next test's notebook gets a fresh kernel. A failure leaves a screenshot."""
    callspec = getattr(request.node, "callspec", None)
    session = LabSession(lab_window, callspec.id if callspec is not None else request.node.name,
                         artifacts_dir(), report)
    try:
        yield session
    finally:
        call = getattr(request.node, "rep_call", None)
        if call is not None and call.failed:
            shots = [session.screenshot(page, "failure") for page in session.pages]
            report(f"{request.node.nodeid} failed; screenshots: {[s.name for s in shots]}; "
                   f"server log tail:\n{lab_server.log_tail(20)}")
        lab_window.reset()
        lab_server.shutdown_kernels()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    rep = yield
    if rep.when == "call":
        item.rep_call = rep
    return rep
