"""The other built-in login: each person's own Unix password (PAM), still only for the class."""

from __future__ import annotations

import subprocess

import pytest
from conftest import timing
from hub_client import HubError
from hub_sandbox import throwaway_class

pytestmark = [pytest.mark.hub, pytest.mark.slow, pytest.mark.timeout(600)]


def set_password(name: str, password: str) -> None:
    subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)


def test_pam_login_takes_each_persons_password_and_only_the_class(hub_prefix):
    with throwaway_class(hub_prefix, instructors=1, students=2, auth="pam", log=timing) as cls:
        student, outsider = cls.students
        for name in (cls.instructor, student, outsider):
            set_password(name, f"pw-of-{name}")
        subprocess.run(["gpasswd", "--delete", outsider,
                        cls.settings.students_group], check=True, capture_output=True)
        for name, password in ((student, "not-my-password"), (student, f"pw-of-{cls.instructor}"),
                               (outsider, f"pw-of-{outsider}")):
            with pytest.raises(HubError, match="login refused"):
                cls.user(name).login(password)
        user = cls.user(student)
        user.login(f"pw-of-{student}")
        assert user.model()["admin"] is False
        teacher = cls.user(cls.instructor)
        teacher.login(f"pw-of-{cls.instructor}")
        assert teacher.model()["admin"] is True
