"""Who may log in, as what, and how their server starts: the class hub's JupyterHub classes.

- The roster is the two Unix groups of the class (hub_accounts): only their members log in,
  whatever the authenticator; instructors are hub admins.
- `ClassPasswordAuthenticator`: a workshop's shared class password for students and a separate
  long one for instructors (a student who knows the class password cannot become an instructor).
- `ClassPAMAuthenticator`: everyone's own Unix password (set with `passwd`).
- `with_roster(cls)`: the same roster check for any other authenticator (OAuth, LTI, LDAP).
- `ClassSpawner`: JupyterHub's LocalProcessSpawner (one Unix user per person) that refuses
  anyone outside the roster, hands a new home its copy of the course (never overwriting a
  file), and runs the server in the course environment with the role's configuration.
"""

from __future__ import annotations

import asyncio
import os
import pwd
import stat
from hmac import compare_digest
from pathlib import Path

from hub_accounts import RUNTIME_BASE, role_of
from hub_settings import ClassSettings
from jupyterhub.auth import PAMAuthenticator
from jupyterhub.authenticators.shared import SharedPasswordAuthenticator
from jupyterhub.spawner import LocalProcessSpawner
from tornado import web

_SETTINGS: dict = {}


def settings() -> ClassSettings:
    """The class settings, loaded once from the state dir that `hubctl start` exports."""
    if "value" not in _SETTINGS:
        state = os.environ.get("COURSE_HUB_STATE")
        if not state:
            raise RuntimeError("COURSE_HUB_STATE is not set: start the hub with `hubctl start`")
        _SETTINGS["value"] = ClassSettings.load(state)
    return _SETTINGS["value"]


class RosterMixin:
    """Allow only members of the class's groups; instructors are admins."""

    def check_allowed(self, username, authentication=None):
        return role_of(settings(), username) is not None

    async def get_authenticated_user(self, handler, data):
        # A veto after the authenticator's own checks: even with allow_all (which some
        # authenticators default to, and a local config could set) nobody outside the class.
        authenticated = await super().get_authenticated_user(handler, data)
        if authenticated is not None and role_of(settings(), authenticated["name"]) is None:
            self.log.warning("Refused %r: not in the class's groups", authenticated["name"])
            return None
        return authenticated

    def is_admin(self, handler, authentication):
        return role_of(settings(), authentication["name"]) == "instructor"


def with_roster(authenticator_class):
    """`authenticator_class` restricted to the class roster, e.g. in a local config:
    c.JupyterHub.authenticator_class = with_roster(GitHubOAuthenticator)."""
    return type(f"Class{authenticator_class.__name__}", (RosterMixin, authenticator_class), {})


def roster_class(value):
    """The authenticator a local config chose (a class, an entry-point name such as "github",
    or "module.Class"), restricted to the roster unless it already is."""
    if isinstance(value, str):
        from importlib import import_module
        from importlib.metadata import entry_points

        found = [ep for ep in entry_points(group="jupyterhub.authenticators") if ep.name == value]
        if found:
            value = found[0].load()
        elif "." in value:
            module, _, name = value.rpartition(".")
            value = getattr(import_module(module), name)
        else:
            raise ValueError(f"c.JupyterHub.authenticator_class = {value!r} names no installed "
                             "authenticator (pip install it into the hub's venv)")
    return value if issubclass(value, RosterMixin) else with_roster(value)


class ClassPasswordAuthenticator(RosterMixin, SharedPasswordAuthenticator):
    """Students log in with the class password, instructors only with the instructor one."""

    def check_allow_config(self):
        # The parent warns that admin_users is empty: our admins come from the roster.
        s = settings()
        self.log.info("Class roster: Unix groups %s and %s", s.instructors_group,
                      s.students_group)

    async def authenticate(self, handler, data):
        username = self.normalize_username(data.get("username", ""))
        role = role_of(settings(), username)
        if role is None:
            return None
        expected = self.admin_password if role == "instructor" else self.user_password
        if expected and compare_digest(data.get("password", "").encode(), expected.encode()):
            return {"name": username, "admin": role == "instructor"}
        return None


class ClassPAMAuthenticator(RosterMixin, PAMAuthenticator):
    """Each person's own Unix password; roster and admin rights from the class groups."""


class ClassSpawner(LocalProcessSpawner):
    """A single-user server as the person's own Unix user, in the course environment."""

    def role(self) -> str:
        role = role_of(settings(), self.user.name)
        if role is None:  # removed from the class, or a system account: never spawned
            raise web.HTTPError(403, f"{self.user.name} is not in this class")
        return role

    def runtime_dir(self) -> str:
        """A private folder for the server's and kernels' sockets and connection files, short
        enough for Unix socket paths (a home's ~/.local/share/jupyter/runtime is not). Under
        /run, where only root creates entries, so nobody can plant it for another user."""
        user = pwd.getpwnam(self.user.name)
        RUNTIME_BASE.mkdir(mode=0o755, exist_ok=True)
        path = RUNTIME_BASE / str(user.pw_uid)
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
        info = os.lstat(path)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid not in (0, user.pw_uid):
            raise web.HTTPError(500, f"{path} is not a folder of {user.pw_name}'s: remove it")
        os.chown(path, user.pw_uid, user.pw_gid)
        os.chmod(path, 0o700)
        return str(path)

    def get_env(self):
        env = super().get_env()
        s, role = settings(), self.role()
        venv_bin = str(s.venv / "bin")
        env.update({
            # The venv's bin first: jupyter, nbgrader and alembic (the formgrader's database).
            "PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin",
            "VIRTUAL_ENV": str(s.venv),
            # Lesson 10 runs Keras on JAX, on the CPU (as the course's kernel spec says).
            "KERAS_BACKEND": "jax",
            "JAX_PLATFORMS": "cpu",
            # The role's settings: students get no formgrader and no "create assignment".
            "JUPYTER_CONFIG_PATH": os.pathsep.join(
                str(Path(s.prefix) / "hub/roles" / name) for name in (role, "common")),
            "COURSE_HUB_COURSE_ID": s.course_id,
            "COURSE_HUB_EXCHANGE": s.exchange_root,
            # Kernels talk to the server over Unix sockets in here (roles/common): over TCP on
            # 127.0.0.1 any other user could connect and read a kernel's output.
            "JUPYTER_RUNTIME_DIR": self.runtime_dir(),
        })
        return env

    async def start(self):
        role = self.role()
        await self.copy_course_files(role)
        self.default_url = "/lab/tree/course"
        return await super().start()

    async def copy_course_files(self, role: str) -> None:
        """Unpack the role's template into the home *as the user* (so a symlink in the home
        cannot redirect root's writes), skipping every file that already exists."""
        user = pwd.getpwnam(self.user.name)
        template = Path(settings().prefix) / "templates" / f"{role}.tar"
        data = template.read_bytes()  # read as root: the instructor's copy is root-only
        proc = await asyncio.create_subprocess_exec(
            "tar", "--extract", "--skip-old-files", "--file=-",
            f"--directory={user.pw_dir}",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT, cwd=user.pw_dir,
            env={"PATH": "/usr/bin:/bin", "HOME": user.pw_dir},
            user=user.pw_uid, group=user.pw_gid,
            extra_groups=os.getgrouplist(user.pw_name, user.pw_gid), umask=0o022,
        )
        output, _ = await asyncio.wait_for(proc.communicate(data), timeout=60)
        if proc.returncode != 0:
            # e.g. the student made a file named "course": they still get their server.
            self.log.warning("Copying the course into %s failed (exit %s): %s", user.pw_dir,
                             proc.returncode, output.decode(errors="replace").strip())
