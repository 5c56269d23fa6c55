"""Unix accounts, groups, the nbgrader exchange and the class passwords (run as root).

Roles are Unix groups: <group_prefix>-instructors and <group_prefix>-students. The hub lets in
only their members (never an open hub), and the same groups drive file permissions. Each
person is a real Unix user with a 0700 home, so nobody reads anyone else's work.
Standard library only.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import secrets
import shutil
import stat
import subprocess
from pathlib import Path

from hub_settings import ClassSettings, check_unix_name

ROLES = ("instructor", "student")
# Each user's Jupyter runtime folder (sockets, connection files): /run/course-hub/<uid>.
RUNTIME_BASE = Path("/run/course-hub")
# Below this uid are system accounts (Debian's UID_MIN); the hub never spawns them.
FIRST_PERSON_UID = 1000


def run(cmd: list[str]) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({result.returncode}): "
                           f"{(result.stderr or result.stdout).strip()}")


def group_members(name: str) -> set[str]:
    """Members of a group, counting users whose primary group it is."""
    try:
        group = grp.getgrnam(name)
    except KeyError:
        return set()
    members = set(group.gr_mem)
    members.update(p.pw_name for p in pwd.getpwall() if p.pw_gid == group.gr_gid)
    return members


def role_of(settings: ClassSettings, username: str) -> str | None:
    """'instructor', 'student' or None (not in this class, or a system account)."""
    try:
        user = pwd.getpwnam(username)
    except KeyError:
        return None
    if user.pw_uid < FIRST_PERSON_UID:
        return None
    if username in group_members(settings.instructors_group):
        return "instructor"
    if username in group_members(settings.students_group):
        return "student"
    return None


def roster(settings: ClassSettings) -> dict[str, list[str]]:
    return {"instructor": sorted(group_members(settings.instructors_group)),
            "student": sorted(group_members(settings.students_group))}


def ensure_groups(settings: ClassSettings) -> None:
    for name in (settings.instructors_group, settings.students_group):
        try:
            grp.getgrnam(name)
        except KeyError:
            run(["groupadd", name])


def created_users(settings: ClassSettings) -> list[str]:
    """Users that hubctl created for this class (remove-class deletes only these; a person
    who already had an account only leaves the class's groups)."""
    path = Path(settings.state_dir) / "created-users.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def _record_created(settings: ClassSettings, username: str, created: bool) -> None:
    names = set(created_users(settings))
    if created:
        names.add(username)
    else:
        names.discard(username)
    path = Path(settings.state_dir) / "created-users.json"
    path.write_text(json.dumps(sorted(names)) + "\n", encoding="utf-8")


def add_user(settings: ClassSettings, username: str, role: str) -> str:
    """Create the Unix user (home 0700) or add an existing person to the class; returns what
    was done. Refuses system accounts and a person who already has the other role."""
    check_unix_name("username", username)
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}; got {role!r}")
    group = settings.instructors_group if role == "instructor" else settings.students_group
    other = role_of(settings, username)
    if other is not None and other != role:
        raise ValueError(f"{username} is already a {other} of this class; remove them first")
    try:
        user = pwd.getpwnam(username)
    except KeyError:
        user = None
    if user is not None:
        if user.pw_uid < FIRST_PERSON_UID:
            raise ValueError(f"{username} is a system account (uid {user.pw_uid}); choose "
                             "another name")
        run(["usermod", "--append", "--groups", group, username])
        done = f"{username}: existing user, added to {group}"
    else:
        home = Path(settings.home_base) / username
        Path(settings.home_base).mkdir(parents=True, exist_ok=True)
        run(["useradd", "--create-home", "--home-dir", str(home), "--shell", "/bin/bash",
             "--groups", group, "--comment", f"{role} of {settings.course_id}", username])
        _record_created(settings, username, True)
        done = f"{username}: new user, home {home}, in {group}"
    home = Path(pwd.getpwnam(username).pw_dir)
    if home.is_dir() and home.stat().st_mode & 0o077:
        os.chmod(home, 0o700)  # useradd's default (0755) would let classmates read it
        done += " (home made private: 0700)"
    if role == "instructor":
        ensure_exchange_course(settings, username)
    return done


def remove_user(settings: ClassSettings, username: str, delete_home: bool) -> str:
    """Remove a person of this class: the Unix user (and with delete_home, their files)."""
    check_unix_name("username", username)
    created = username in created_users(settings)
    if role_of(settings, username) is None and not created:
        raise ValueError(f"{username} is not in this class ({settings.instructors_group} or "
                         f"{settings.students_group}); nothing removed")
    if not created:
        for group in (settings.instructors_group, settings.students_group):
            if username in grp.getgrnam(group).gr_mem:
                run(["gpasswd", "--delete", username, group])
        return f"{username}: left the class (their account existed before; kept)"
    busy = user_pids(pwd.getpwnam(username).pw_uid)
    if busy:
        raise RuntimeError(f"{username} still runs processes {busy[:10]}: stop their server "
                           "(hub admin page, or stop the hub) first")
    uid = pwd.getpwnam(username).pw_uid
    run(["userdel", *(["--remove"] if delete_home else []), username])
    shutil.rmtree(RUNTIME_BASE / str(uid), ignore_errors=True)  # a later user may get this uid
    _record_created(settings, username, False)
    return f"{username}: removed" + (" with their home" if delete_home else " (home kept)")


def ensure_exchange_root(settings: ClassSettings) -> None:
    """The exchange root as nbgrader documents it (everyone may write: ugo+rw), plus the sticky
    bit so that nobody can delete or rename what another user put there."""
    root = Path(settings.exchange_root)
    root.mkdir(parents=True, exist_ok=True)
    for parent in reversed(root.parents):  # every user must be able to reach it
        mode = parent.stat().st_mode
        if parent != Path("/") and not mode & stat.S_IXOTH:
            raise PermissionError(f"{parent} is not searchable by other users (mode "
                                  f"{oct(mode & 0o7777)}); choose an exchange_root elsewhere")
    if root.stat().st_uid != 0:
        raise PermissionError(f"the exchange root {root} must belong to root; it belongs to uid "
                              f"{root.stat().st_uid}")
    os.chmod(root, 0o1777)


def ensure_exchange_course(settings: ClassSettings, instructor: str) -> None:
    """Create <exchange>/<course_id> with nbgrader's own modes, owned by the instructor, before
    any student could create it (nbgrader refuses to release into a folder it does not own)."""
    ensure_exchange_root(settings)
    course = settings.exchange_course_dir
    user = pwd.getpwnam(instructor)
    gid = grp.getgrnam(settings.instructors_group).gr_gid
    if course.exists():
        owner = course.stat().st_uid
        if owner != user.pw_uid and role_of(settings, pwd.getpwuid(owner).pw_name) != "instructor":
            raise PermissionError(f"{course} exists and belongs to {pwd.getpwuid(owner).pw_name}, "
                                  "who is not an instructor of this class: remove it")
        return
    # The modes nbgrader's release_assignment gives them (course and outbound 0755; inbound
    # 0733 + setgid, so submissions carry the instructors' group and stay unlistable).
    for path, mode in ((course, 0o755), (course / "outbound", 0o755),
                       (course / "inbound", 0o2733)):
        path.mkdir(exist_ok=True)
        os.chown(path, user.pw_uid, gid)
        os.chmod(path, mode)


def _random_password(length: int) -> str:
    # Read aloud and typed by a class: no look-alikes (0/O, 1/l/I), no leading '-' or '_'.
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def ensure_passwords(settings: ClassSettings, class_password: str | None = None) -> dict:
    """The shared-password login: one class password for students, a long separate one for
    instructors (JupyterHub requires 32+ characters for it). Kept in <state>/passwords.json
    (0600, root); created once, changed only on request."""
    path = settings.passwords_file
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    if class_password is not None:
        if len(class_password) < 8:
            raise ValueError(f"the class password must be at least 8 characters; got "
                             f"{len(class_password)}")
        data["class_password"] = class_password
    data.setdefault("class_password", _random_password(12))
    data.setdefault("instructor_password", _random_password(40))
    if data["class_password"] == data["instructor_password"]:
        raise ValueError("the class password and the instructor password must differ")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=1)
    os.replace(path.with_suffix(".tmp"), path)
    return data


def read_passwords(settings: ClassSettings) -> dict:
    path = settings.passwords_file
    if not path.exists():
        raise FileNotFoundError(f"no passwords at {path}: run `hubctl init` (auth "
                                "shared-password)")
    return json.loads(path.read_text(encoding="utf-8"))


def user_pids(uid: int) -> list[int]:
    """Running processes (not zombies) owned by one uid."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid != uid:
                    continue
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            if state != "Z":
                pids.append(int(entry.name))
    return pids
