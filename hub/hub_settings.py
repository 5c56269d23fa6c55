"""One class on one server: where things live and who is who, saved as <state>/class.json.

Every `hubctl` command and the hub's own configuration read this one file, so the course id,
the Unix groups, the exchange and the ports are written down once (by `hubctl init`).
Standard library only: it runs under any python3 (the hub's, the tests', the admin's).
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path

SETTINGS_FILE = "class.json"
DEFAULT_PREFIX = Path("/opt/activations-hub")
DEFAULT_STATE = Path("/srv/activations-hub")
AUTH_CHOICES = ("shared-password", "pam", "local-config")

# nbgrader writes the course id into exchange paths and file names; keep it a plain word.
_COURSE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
# A Unix group/user name that JupyterHub would not change (it lowercases names) and that
# `useradd` accepts everywhere.
_UNIX_NAME = re.compile(r"^[a-z][a-z0-9-]{0,31}$")


def check_unix_name(kind: str, name: str) -> str:
    if not isinstance(name, str) or not _UNIX_NAME.match(name):
        raise ValueError(f"{kind} must be 1-32 characters of a-z, 0-9 and '-', starting with a "
                         f"letter; got {name!r}")
    return name


@dataclass(frozen=True)
class ClassSettings:
    """Everything that differs between two classes (or a class and a test) on one machine."""

    course_id: str = "activations"
    # Unix groups <group_prefix>-instructors and <group_prefix>-students are the roster.
    group_prefix: str = "activations"
    prefix: str = str(DEFAULT_PREFIX)          # the installed environment (hubctl install)
    state_dir: str = str(DEFAULT_STATE)        # hub database, cookie secret, passwords (root only)
    exchange_root: str = "/srv/nbgrader/exchange"
    home_base: str = "/home"                   # new users' homes: <home_base>/<name>
    ip: str = "127.0.0.1"                      # where the proxy listens (TLS terminates in front)
    port: int = 8000
    hub_port: int = 8081                       # the hub's own API, always on 127.0.0.1
    proxy_api_port: int = 8001                 # the proxy's API, always on 127.0.0.1
    auth: str = "shared-password"
    idle_timeout: int = 3600                   # seconds before an idle server is stopped (0: never)
    local_config: str = ""                     # a jupyterhub_config.py loaded last (OAuth, LTI, TLS)

    def __post_init__(self):
        if not _COURSE_ID.match(str(self.course_id)):
            raise ValueError("course_id must be 1-32 letters, digits, '_' or '-' (starting with a "
                             f"letter or digit); got {self.course_id!r}")
        check_unix_name("group_prefix", self.group_prefix)
        if len(self.group_prefix) > 20:  # room for "-instructors" within 32 characters
            raise ValueError(f"group_prefix must be at most 20 characters; got {self.group_prefix!r}")
        for name in ("prefix", "state_dir", "exchange_root", "home_base"):
            value = getattr(self, name)
            if not isinstance(value, str) or not os.path.isabs(value):
                raise ValueError(f"{name} must be an absolute path; got {value!r}")
        try:
            ipaddress.ip_address(self.ip)
        except ValueError:
            raise ValueError(f"ip must be an IP address such as 127.0.0.1; got {self.ip!r}") from None
        ports = {}
        for name in ("port", "hub_port", "proxy_api_port"):
            value = getattr(self, name)
            if not isinstance(value, int) or not 1 <= value <= 65535:
                raise ValueError(f"{name} must be a port number 1-65535; got {value!r}")
            if value in ports:
                raise ValueError(f"{name} and {ports[value]} are both {value}; they must differ")
            ports[value] = name
        if self.auth not in AUTH_CHOICES:
            raise ValueError(f"auth must be one of {', '.join(AUTH_CHOICES)}; got {self.auth!r}")
        if not isinstance(self.idle_timeout, int) or self.idle_timeout < 0:
            raise ValueError(f"idle_timeout must be a whole number of seconds >= 0; "
                             f"got {self.idle_timeout!r}")
        if self.auth == "local-config" and not self.local_config:
            raise ValueError("auth 'local-config' needs local_config: the file that sets "
                             "c.JupyterHub.authenticator_class")
        if self.local_config and not os.path.isabs(self.local_config):
            raise ValueError(f"local_config must be an absolute path; got {self.local_config!r}")

    @property
    def instructors_group(self) -> str:
        return f"{self.group_prefix}-instructors"

    @property
    def students_group(self) -> str:
        return f"{self.group_prefix}-students"

    @property
    def url(self) -> str:
        return f"http://{self.ip}:{self.port}"

    @property
    def venv(self) -> Path:
        return Path(self.prefix) / "venv"

    @property
    def exchange_course_dir(self) -> Path:
        return Path(self.exchange_root) / self.course_id

    @property
    def passwords_file(self) -> Path:
        return Path(self.state_dir) / "passwords.json"

    def save(self) -> Path:
        """Write <state_dir>/class.json (the state dir is root's alone: 0700)."""
        state = Path(self.state_dir)
        state.mkdir(parents=True, exist_ok=True)
        os.chmod(state, 0o700)
        path = state / SETTINGS_FILE
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, path)
        return path

    @classmethod
    def load(cls, state_dir: str | os.PathLike) -> "ClassSettings":
        path = Path(state_dir) / SETTINGS_FILE
        if not path.is_file():
            raise FileNotFoundError(f"no class settings at {path}: run `hubctl init --state "
                                    f"{state_dir}` first")
        data = json.loads(path.read_text(encoding="utf-8"))
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"{path}: unknown settings {unknown}; known: {sorted(known)}")
        settings = cls(**data)
        if Path(settings.state_dir).resolve() != Path(state_dir).resolve():
            raise ValueError(f"{path} says state_dir={settings.state_dir!r}; it lies in "
                             f"{state_dir} (moved? edit the file)")
        return settings
