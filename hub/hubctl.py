#!/usr/bin/env python3
"""hubctl: run a class of the course on one server (JupyterHub + nbgrader's exchange). As root.

    hubctl install                       install/update the environment under /opt/activations-hub
    hubctl init [--course-id ID ...]     create a class: settings, Unix groups, exchange, passwords
    hubctl add-instructor NAME...        create Unix users (home 0700) in the class's groups
    hubctl add-student NAME...
    hubctl remove-user NAME... [--delete-home]
    hubctl list | passwords [--class-password NEW]
    hubctl start                         run the hub in the foreground (Ctrl-C stops it all)
    hubctl remove-class [--delete-homes] remove the class's users, groups, exchange folder, state
    hubctl demo                          all of the above on 127.0.0.1 with demo users (`make hub`)

Every command but install takes --state DIR (default /srv/activations-hub): one folder per class.
Standard library only.
"""

from __future__ import annotations

import argparse
import grp
import os
import pwd
import shutil
import signal
import socket
import sys
import time
from dataclasses import asdict, fields
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import hub_accounts as accounts  # noqa: E402
from hub_settings import AUTH_CHOICES, DEFAULT_PREFIX, DEFAULT_STATE, ClassSettings  # noqa: E402

DEMO_STATE = Path("/srv/activations-hub-demo")
DEMO_USERS = {"demo-instructor": "instructor",
              "demo-student1": "student", "demo-student2": "student", "demo-student3": "student"}


def port_is_free(ip: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((ip, port))
        except OSError:
            return False
    return True


def cmd_install(args) -> None:
    from hub_install import install

    started = time.monotonic()
    timings = install(Path(args.prefix), args.python)
    print(f"installed in {args.prefix} in {time.monotonic() - started:.0f} s {timings}")


def init_settings(args) -> ClassSettings:
    chosen = {f.name: getattr(args, f.name) for f in fields(ClassSettings)
              if getattr(args, f.name, None) is not None}
    chosen["state_dir"] = str(Path(args.state).resolve())
    path = Path(chosen["state_dir"]) / "class.json"
    if path.exists():
        current = ClassSettings.load(chosen["state_dir"])
        differ = {k: (getattr(current, k), v) for k, v in chosen.items() if getattr(current, k) != v}
        if differ:
            raise SystemExit(f"{path} already exists with other values {differ} (now, given); "
                             "edit it while the hub is stopped, or `hubctl remove-class` first")
        return current
    settings = ClassSettings(**chosen)
    settings.save()
    return settings


def cmd_init(args) -> ClassSettings:
    settings = init_settings(args)
    accounts.ensure_groups(settings)
    accounts.ensure_exchange_root(settings)
    if settings.auth == "shared-password":
        accounts.ensure_passwords(settings, args.class_password)
    print(f"class {settings.course_id}: settings {Path(settings.state_dir) / 'class.json'}; groups "
          f"{settings.instructors_group}, {settings.students_group}; exchange "
          f"{settings.exchange_root}; hub at {settings.url} (auth {settings.auth})")
    return settings


def cmd_add(args, role: str) -> None:
    settings = ClassSettings.load(args.state)
    for name in args.names:
        print(accounts.add_user(settings, name, role))


def cmd_remove_user(args) -> None:
    settings = ClassSettings.load(args.state)
    for name in args.names:
        print(accounts.remove_user(settings, name, args.delete_home))


def cmd_list(args) -> None:
    settings = ClassSettings.load(args.state)
    for role, names in accounts.roster(settings).items():
        print(f"{role}s ({len(names)}): {' '.join(names) or '-'}")


def cmd_passwords(args) -> None:
    settings = ClassSettings.load(args.state)
    if settings.auth != "shared-password":
        raise SystemExit(f"this class logs in with auth {settings.auth!r}, not shared passwords")
    data = accounts.ensure_passwords(settings, args.class_password)
    print(f"students:    any student's user name + class password {data['class_password']}")
    print(f"instructors: their user name + instructor password {data['instructor_password']}")
    if args.class_password:
        print("restart the hub for the new class password to take effect")


def cmd_start(args) -> None:
    settings = ClassSettings.load(args.state)
    venv_bin = settings.venv / "bin"
    config = Path(settings.prefix) / "hub/jupyterhub_config.py"
    for path in (venv_bin / "jupyterhub", config):
        if not path.exists():
            raise SystemExit(f"{path} is missing: run `hubctl install --prefix {settings.prefix}`")
    busy = [f"{ip}:{port}" for ip, port in ((settings.ip, settings.port),
                                            ("127.0.0.1", settings.hub_port),
                                            ("127.0.0.1", settings.proxy_api_port))
            if not port_is_free(ip, port)]
    if busy:
        raise SystemExit(f"in use: {', '.join(busy)} (another hub? choose other ports in "
                         f"{Path(settings.state_dir) / 'class.json'})")
    accounts.ensure_exchange_root(settings)
    env = dict(os.environ, COURSE_HUB_STATE=settings.state_dir,
               PATH=f"{venv_bin}:{os.environ.get('PATH', '/usr/bin:/bin')}")
    os.chdir(settings.state_dir)  # anything written to the working dir stays in the state
    # Started in the background (`&`, nohup) SIGINT is ignored and would stay ignored in the
    # hub's services, which then take 30 s each to stop.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    sys.stdout.flush()
    os.execve(venv_bin / "jupyterhub", [str(venv_bin / "jupyterhub"), "-f", str(config)], env)


def cmd_remove_class(args) -> None:
    settings = ClassSettings.load(args.state)
    created = set(accounts.created_users(settings))
    members = set(created).union(*accounts.roster(settings).values())
    for name in sorted(members):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue  # already gone
        print(accounts.remove_user(settings, name, args.delete_homes and name in created))
    for group in (settings.instructors_group, settings.students_group):
        try:
            grp.getgrnam(group)
        except KeyError:
            continue
        accounts.run(["groupdel", group])
    shutil.rmtree(settings.exchange_course_dir, ignore_errors=True)
    shutil.rmtree(settings.state_dir)
    print(f"class {settings.course_id} removed (groups, exchange folder, {settings.state_dir})")


def cmd_demo(args) -> None:
    cmd_install(argparse.Namespace(prefix=args.prefix, python=args.python))
    init = argparse.Namespace(state=str(DEMO_STATE), course_id="activations-demo",
                              group_prefix="activations-demo", prefix=args.prefix, port=args.port,
                              class_password=None)
    settings = cmd_init(init)
    for name, role in DEMO_USERS.items():
        print(accounts.add_user(settings, name, role))
    passwords = accounts.read_passwords(settings)
    students = ", ".join(n for n, r in DEMO_USERS.items() if r == "student")
    print(f"\nThe demo class hub: {settings.url}\n"
          f"  instructor: demo-instructor, password {passwords['instructor_password']}\n"
          f"  students:   {students}, password {passwords['class_password']}\n"
          f"Stop it with Ctrl-C; remove the demo with `make hub-clean`.\n")
    cmd_start(argparse.Namespace(state=str(DEMO_STATE)))


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="hubctl", description=__doc__.split("\n")[0])
    sub = top.add_subparsers(dest="command", required=True)

    def with_state(p):
        p.add_argument("--state", default=str(DEFAULT_STATE),
                       help=f"the class's state folder (default {DEFAULT_STATE})")
        return p

    p = sub.add_parser("install", help="install or update the environment")
    p.add_argument("--prefix", default=str(DEFAULT_PREFIX))
    p.add_argument("--python", help="the Python for the venv (every user must be able to run it)")
    p.set_defaults(run=cmd_install)

    p = with_state(sub.add_parser("init", help="create a class (settings, groups, exchange)"))
    defaults = asdict(ClassSettings())
    for name in ("course_id", "group_prefix", "prefix", "exchange_root", "home_base", "ip",
                 "local_config"):
        p.add_argument("--" + name.replace("_", "-"), dest=name, help=f"default {defaults[name]!r}")
    for name in ("port", "hub_port", "proxy_api_port", "idle_timeout"):
        p.add_argument("--" + name.replace("_", "-"), dest=name, type=int,
                       help=f"default {defaults[name]}")
    p.add_argument("--auth", choices=AUTH_CHOICES, help=f"default {defaults['auth']}")
    p.add_argument("--class-password", help="the students' shared password (default: random)")
    p.set_defaults(run=cmd_init)

    for role in ("instructor", "student"):
        p = with_state(sub.add_parser(f"add-{role}", help=f"create {role}s' Unix users"))
        p.add_argument("names", nargs="+", metavar="NAME")
        p.set_defaults(run=lambda args, role=role: cmd_add(args, role))

    p = with_state(sub.add_parser("remove-user", help="remove people from the class"))
    p.add_argument("names", nargs="+", metavar="NAME")
    p.add_argument("--delete-home", action="store_true", help="also delete their files")
    p.set_defaults(run=cmd_remove_user)

    p = with_state(sub.add_parser("list", help="who is in the class"))
    p.set_defaults(run=cmd_list)
    p = with_state(sub.add_parser("passwords", help="show (or set) the shared passwords"))
    p.add_argument("--class-password", help="a new students' password (8+ characters)")
    p.set_defaults(run=cmd_passwords)
    p = with_state(sub.add_parser("start", help="run the hub in the foreground"))
    p.set_defaults(run=cmd_start)
    p = with_state(sub.add_parser("remove-class", help="remove users, groups, exchange, state"))
    p.add_argument("--delete-homes", action="store_true",
                   help="also delete the homes of the users hubctl created")
    p.set_defaults(run=cmd_remove_class)

    p = sub.add_parser("demo", help=f"install, create a demo class in {DEMO_STATE}, start it")
    p.add_argument("--prefix", default=str(DEFAULT_PREFIX))
    p.add_argument("--python")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(run=cmd_demo)
    return top


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    if os.geteuid() != 0:
        print(f"hubctl {args.command} needs root: it manages Unix users and runs servers as them",
              file=sys.stderr)
        return 2
    try:
        args.run(args)
    except (ValueError, RuntimeError, OSError) as error:
        print(f"hubctl {args.command}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
