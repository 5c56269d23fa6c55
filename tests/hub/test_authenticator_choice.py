"""A site's own authenticator (auth local-config) still admits only the class: checked in the
hub's environment, where JupyterHub is installed."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest
from conftest import REPO

pytestmark = [pytest.mark.hub]

CHECK = textwrap.dedent("""
    import asyncio, os, sys
    sys.path.insert(0, sys.argv[1])
    from hub_settings import ClassSettings
    ClassSettings(state_dir=sys.argv[2], group_prefix="nosuchclass").save()
    os.environ["COURSE_HUB_STATE"] = sys.argv[2]
    from hub_auth import ClassPAMAuthenticator, RosterMixin, roster_class
    from jupyterhub.auth import DummyAuthenticator, PAMAuthenticator

    for name, base in (("dummy", DummyAuthenticator), ("jupyterhub.auth.PAMAuthenticator",
                                                        PAMAuthenticator)):
        cls = roster_class(name)
        assert issubclass(cls, RosterMixin) and issubclass(cls, base), cls
    assert roster_class(ClassPAMAuthenticator) is ClassPAMAuthenticator
    try:
        roster_class("no-such-authenticator")
        raise SystemExit("an unknown authenticator name was accepted")
    except ValueError as error:
        assert "no-such-authenticator" in str(error), error
    # The dummy authenticator lets anyone in by design; wrapped, nobody outside the class.
    auth = roster_class("dummy")()
    for user in ("root", "nobody", "someone"):
        assert asyncio.run(auth.get_authenticated_user(None, {"username": user, "password": "x"})) is None
    print("ok")
""")


def test_a_local_config_authenticator_is_held_to_the_roster(hub_prefix, tmp_path):
    python = Path(hub_prefix) / "venv/bin/python"
    result = subprocess.run([str(python), "-c", CHECK, str(REPO / "hub"), str(tmp_path / "state")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stdout + result.stderr
