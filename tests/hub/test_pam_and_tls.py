"""A second class, set up the other built-in way: each person's own Unix password (PAM), still
only for the class, and https served by the hub itself (a local config naming a certificate)."""

from __future__ import annotations

import ssl
import subprocess

import pytest
from conftest import timing
from hub_client import HubError
from hub_sandbox import throwaway_class

pytestmark = [pytest.mark.hub, pytest.mark.slow, pytest.mark.timeout(600)]


def set_password(name: str, password: str) -> None:
    subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for 127.0.0.1 and the local config that uses it."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    config = tmp_path / "tls_config.py"
    config.write_text(f"c.JupyterHub.ssl_cert = {str(cert)!r}\nc.JupyterHub.ssl_key = {str(key)!r}\n")
    return config, ssl.create_default_context(cafile=str(cert))


def test_pam_login_over_https_takes_each_persons_password_and_only_the_class(hub_prefix, certificate):
    config, context = certificate
    with throwaway_class(hub_prefix, instructors=1, students=2, auth="pam", local_config=config,
                         ssl_context=context, log=timing) as cls:
        assert cls.url.startswith("https://")
        student, outsider = cls.students
        for name in (cls.instructor, student, outsider):
            set_password(name, f"pw-of-{name}")
        # A Unix user with a password who is not (any more) in the class.
        subprocess.run(["gpasswd", "--delete", outsider, cls.settings.students_group],
                       check=True, capture_output=True)
        for name, password in ((student, "not-my-password"), (student, f"pw-of-{cls.instructor}"),
                               (outsider, f"pw-of-{outsider}")):
            with pytest.raises(HubError, match="login refused"):
                cls.user(name).login(password)
        teacher = cls.user(cls.instructor)
        teacher.login(f"pw-of-{cls.instructor}")
        assert teacher.model()["admin"] is True
        user = cls.user(student)
        user.login(f"pw-of-{student}")
        assert user.model()["admin"] is False
        user.start_server()
        run = user.run_code("print(6 * 7)")  # a kernel's websocket through the https proxy
        assert run.stdout.strip() == "42", run
