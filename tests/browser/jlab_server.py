"""A throw-away `jupyter lab` for the browser tests: free port, random token, private folders.

Started the way `make lab` starts it (`jupyter lab --ServerApp.root_dir=<repo>`), but on 127.0.0.1
with a free port and a random token, with HOME and every Jupyter/IPython/matplotlib config and
runtime directory in a temporary folder (nothing is written to the real home), the news pop-up
and update check off, autosave off and saving refused: the tests run the real lesson notebooks
and must never rewrite them.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

START_TIMEOUT_S = 60

# Loaded by the server from the temporary JUPYTER_CONFIG_DIR. Any save (autosave, Ctrl-S) is
# refused, and checkpoints (JupyterLab makes one when it opens a notebook) stay in memory, so
# nothing is written next to the notebooks. A contents-manager class rather than a
# pre_save_hook: the server applies its config twice, and a hook set twice warns.
SERVER_CONFIG = '''\
from datetime import datetime, timezone

from jupyter_server.services.contents.checkpoints import AsyncCheckpoints
from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from tornado.web import HTTPError


class ReadOnlyContentsManager(AsyncLargeFileManager):
    async def save(self, model, path=""):
        raise HTTPError(403, f"browser tests are read-only: not saving {path}")


class MemoryCheckpoints(AsyncCheckpoints):
    """Answers like a checkpoint store without touching the disk (nothing can be restored)."""

    async def create_checkpoint(self, contents_mgr, path):
        return {"id": "checkpoint", "last_modified": datetime.now(timezone.utc)}

    async def list_checkpoints(self, path):
        return []

    async def restore_checkpoint(self, contents_mgr, checkpoint_id, path):
        raise HTTPError(403, "browser tests keep no checkpoints")

    async def rename_checkpoint(self, checkpoint_id, old_path, new_path):
        pass

    async def delete_checkpoint(self, checkpoint_id, path):
        pass


c.ServerApp.contents_manager_class = ReadOnlyContentsManager
c.ContentsManager.checkpoints_class = MemoryCheckpoints
# A student's `make lab` has no nbgrader (an instructor extra); it costs seconds to load.
c.ServerApp.jpserver_extensions = {
    f"nbgrader.server_extensions.{name}": False
    for name in ("formgrader", "validate_assignment", "assignment_list", "course_list")
}
'''


def make_lab_options(makefile: Path) -> list[str]:
    """The `--ServerApp.*` and `--LabApp.*` options of the Makefile's `lab` recipe (e.g. its
    default_url), so the test server opens what `make lab` opens; root dir and port are ours."""
    text = makefile.read_text(encoding="utf-8") if makefile.exists() else ""
    recipe = re.search(r"^lab:.*\n((?:\t.*\n?)+)", text, re.MULTILINE)
    if recipe is None:
        return []
    options = re.findall(r"--(?:ServerApp|LabApp)\.\w+=\S+",
                         recipe.group(1).replace("\\\n", " "))
    return [o for o in options if not o.startswith(("--ServerApp.root_dir=",
                                                     "--ServerApp.port="))]


def free_port() -> int:
    """A port nothing listens on now (the OS picks it; parallel workers get different ones)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")


@dataclass
class LabServer:
    """A running `jupyter lab` and what a test needs to reach it."""

    root_dir: Path
    workdir: Path
    port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_hex(24), repr=False)
    process: subprocess.Popen | None = field(default=None, repr=False)
    log_path: Path | None = None
    _log_file: object = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict:
        home = self.workdir / "home"
        dirs = {
            "HOME": home,
            "JUPYTER_CONFIG_DIR": home / ".jupyter",
            # The venv's kernel spec and lab extensions live under sys.prefix/share/jupyter,
            # which Jupyter always searches, so moving the user data dir loses nothing.
            "JUPYTER_DATA_DIR": home / ".local/share/jupyter",
            "JUPYTER_RUNTIME_DIR": self.workdir / "runtime",
            "JUPYTERLAB_SETTINGS_DIR": home / ".jupyter/lab/user-settings",
            "JUPYTERLAB_WORKSPACES_DIR": home / ".jupyter/lab/workspaces",
            "IPYTHONDIR": home / ".ipython",
            "MPLCONFIGDIR": home / ".config/matplotlib",
            "XDG_CONFIG_HOME": home / ".config",
            "XDG_CACHE_HOME": home / ".cache",
            "XDG_DATA_HOME": home / ".local/share",
        }
        for path in dirs.values():
            path.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env.update({key: str(value) for key, value in dirs.items()})
        env["JUPYTER_PLATFORM_DIRS"] = "1"  # no deprecation notice about platformdirs
        env["PYTHONHASHSEED"] = "0"
        env["TQDM_DISABLE"] = "1"
        for key in ("JUPYTER_PATH", "JUPYTER_TOKEN", "JUPYTER_CONFIG_PATH", "MPLBACKEND"):
            env.pop(key, None)
        return env

    def write_settings(self, env: dict) -> None:
        settings = Path(env["JUPYTERLAB_SETTINGS_DIR"]) / "@jupyterlab"
        # No "news" pop-up and no update check (both would reach the network).
        write_json(settings / "apputils-extension/notification.jupyterlab-settings",
                   {"fetchNews": "false", "checkForUpdates": False})
        # The lesson notebooks are run but must stay as committed.
        write_json(settings / "docmanager-extension/plugin.jupyterlab-settings",
                   {"autosave": False})
        # No "is a rebuild needed?" check: seconds of CPU per session, and nothing is rebuilt.
        # nbgrader's front end off too: students do not have it.
        write_json(Path(env["JUPYTER_CONFIG_DIR"]) / "labconfig/page_config.json",
                   {"buildCheck": False, "buildAvailable": False,
                    "disabledExtensions": {"@jupyter/nbgrader": True}})
        (Path(env["JUPYTER_CONFIG_DIR"]) / "jupyter_server_config.py").write_text(
            SERVER_CONFIG, encoding="utf-8")

    def start(self) -> None:
        self.launch()
        self.wait_ready()

    def launch(self) -> None:
        """Start the server process (returns at once; see `wait_ready`)."""
        env = self.env()
        self.write_settings(env)
        cmd = [
            sys.executable, "-m", "jupyter", "lab",
            f"--ServerApp.root_dir={self.root_dir}",
            "--ip=127.0.0.1", f"--port={self.port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}", "--no-browser",
            *make_lab_options(self.root_dir / "Makefile"),
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")  # as `make lab` does, and only then
        self.log_path = self.workdir / "jupyter-lab.log"
        self._log_file = open(self.log_path, "wb")  # noqa: SIM115 (closed in close_log())
        self.process = subprocess.Popen(
            cmd, cwd=self.root_dir, env=env, stdin=subprocess.DEVNULL,
            stdout=self._log_file, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def wait_ready(self) -> None:
        """Wait until `/api/status` answers (the server exiting early is an error)."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.process.returncode}:\n"
                                   f"{self.log_tail()}")
            try:
                self.api("GET", "/api/status", timeout=2)
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise RuntimeError(f"jupyter lab not ready after {START_TIMEOUT_S} s:\n{self.log_tail()}")

    def api(self, method: str, path: str, timeout: float = 10):
        """Call the REST API; returns the decoded JSON (None for an empty body)."""
        request = urllib.request.Request(
            self.url + path, method=method,
            headers={"Authorization": f"token {self.token}"},
            data=b"" if method in ("POST", "PUT", "PATCH") else None,
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Delete every session and kernel, so a notebook reopened later starts afresh
        (JupyterLab would otherwise reattach it to its old kernel)."""
        for session in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{session['id']}")
        for kernel in self.api("GET", "/api/kernels"):
            self.api("DELETE", f"/api/kernels/{kernel['id']}")

    def our_orphans(self) -> list[int]:
        """Processes still using our runtime dir (kernels get their connection file there)."""
        marker = str(self.workdir) + os.sep
        pids = []
        for proc in Path("/proc").glob("[0-9]*"):
            try:
                cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if marker in cmdline and int(proc.name) != os.getpid():
                pids.append(int(proc.name))
        return pids

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                self.shutdown_kernels()
                self.api("POST", "/api/shutdown")
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.terminate()
                try:
                    self.process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
        # Safety net: nothing we started may outlive the session (kernels run in their own
        # process group, so they would not die with the server). Only our own PIDs.
        for pid in self.our_orphans():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def close_log(self) -> None:
        if self._log_file is not None and not self._log_file.closed:
            self._log_file.close()

    def log_tail(self, lines: int = 40) -> str:
        if self.log_path is None or not self.log_path.exists():
            return "(no log)"
        if not self._log_file.closed:
            self._log_file.flush()
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])
