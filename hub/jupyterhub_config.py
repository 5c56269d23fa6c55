# JupyterHub configuration of the class hub. Started by `hubctl start`, which exports
# COURSE_HUB_STATE (the class's state dir, with class.json); everything else comes from there.
# A site's own settings (OAuth, LTI, TLS, limits) go in the file named by local_config, loaded
# last (see INSTRUCTORS.md, "Run a class").
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from hub_accounts import read_passwords  # noqa: E402
from hub_auth import (  # noqa: E402
    ClassPAMAuthenticator,
    ClassPasswordAuthenticator,
    ClassSpawner,
    roster_class,
    settings,
)

c = get_config()  # noqa: F821 (provided by JupyterHub)
s = settings()
state = Path(s.state_dir)

# Where it listens: the proxy on ip:port, the hub and the proxy's API on loopback only.
c.JupyterHub.bind_url = f"http://{s.ip}:{s.port}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{s.hub_port}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{s.proxy_api_port}"
c.ConfigurableHTTPProxy.command = [str(Path(s.prefix) / "proxy/node_modules/.bin/configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")

# One Unix user per person; the server runs the course environment (hub_auth.ClassSpawner).
c.JupyterHub.spawner_class = ClassSpawner
c.Spawner.cmd = [str(s.venv / "bin/jupyterhub-singleuser")]
c.Spawner.notebook_dir = "~"
c.Spawner.env_keep = ["LANG", "LC_ALL"]  # not root's PATH or VIRTUAL_ENV
# A class logs in at once: on a small server 20 first starts take over a minute.
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 300

# Never an open hub: only the class's Unix groups, whatever the authenticator.
c.Authenticator.allow_all = False
c.Authenticator.any_allow_config = True  # RosterMixin.check_allowed is the allow config
if s.auth == "shared-password":
    passwords = read_passwords(s)
    c.JupyterHub.authenticator_class = ClassPasswordAuthenticator
    c.SharedPasswordAuthenticator.user_password = passwords["class_password"]
    c.SharedPasswordAuthenticator.admin_password = passwords["instructor_password"]
elif s.auth == "pam":
    c.JupyterHub.authenticator_class = ClassPAMAuthenticator
    c.PAMAuthenticator.open_sessions = False  # no systemd-logind sessions for servers

# Stop servers nobody used for idle_timeout seconds (memory is what limits a class).
if s.idle_timeout:
    c.JupyterHub.services = [{
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={s.idle_timeout}"],
    }]
    c.JupyterHub.load_roles = [{
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }]

c.JupyterHub.template_vars = {
    "announcement_login": f"{s.course_id}: log in with your class user name.",
}

if s.local_config:
    if not os.path.isfile(s.local_config):
        raise FileNotFoundError(f"local_config {s.local_config} (in {state / 'class.json'}) "
                                "does not exist")
    load_subconfig(s.local_config)  # noqa: F821 (provided by JupyterHub)

if s.auth == "local-config":
    if "authenticator_class" not in c.JupyterHub:
        raise ValueError(f"auth is local-config but {s.local_config} sets no "
                         "c.JupyterHub.authenticator_class")
    c.JupyterHub.authenticator_class = roster_class(c.JupyterHub.authenticator_class)
if c.Authenticator.allow_all:
    raise ValueError("Authenticator.allow_all would open the hub to anyone; the class hub admits "
                     f"only the groups {s.instructors_group} and {s.students_group}")
