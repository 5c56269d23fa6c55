"""A class arriving at once on one server (root, loopback only): N students log in through the
hub's login form at the same moment, their servers start, and each runs lesson 01's setup cell.

    sudo .venv/bin/python benchmarks/hub_load.py                  # 20 students, print the table
    sudo .venv/bin/python benchmarks/hub_load.py --write-readme   # and write it into README.md
                                                                  # (+ the estimate in INSTRUCTORS.md)

Measured per student: seconds from login to the setup cell's end (and to the server being
ready), memory (PSS: shared pages split fairly, so the sum is what the class costs), CPU
seconds; plus the machine's MemAvailable before and after, and failures (must be 0). A
throw-away class (hub/hub_sandbox.py) is created and removed; `make bench-hub` runs this.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import sys
import threading
import time
import traceback
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "hub"))

from hub_accounts import user_pids  # noqa: E402
from hub_install import install  # noqa: E402
from hub_sandbox import throwaway_class  # noqa: E402

LESSON = REPO / "notebooks" / "01_sigmoid.ipynb"
TICKS = os.sysconf("SC_CLK_TCK")


def code_cells() -> list[str]:
    nb = json.loads(LESSON.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def meminfo(key: str) -> float:
    """A /proc/meminfo field in MB."""
    text = Path("/proc/meminfo").read_text()
    return int(re.search(rf"^{key}:\s+(\d+) kB", text, re.M).group(1)) / 1024


def usage(uid: int) -> dict:
    """PSS, RSS (MB) and CPU seconds of one user's live processes (server + kernels)."""
    pss = rss = cpu = 0.0
    for pid in user_pids(uid):
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        pss += int(re.search(r"^Pss:\s+(\d+)", rollup, re.M).group(1)) / 1024
        rss += int(re.search(r"^Rss:\s+(\d+)", rollup, re.M).group(1)) / 1024
        cpu += sum(int(x) for x in fields[11:15]) / TICKS  # utime stime cutime cstime
    return {"pss": pss, "rss": rss, "cpu": cpu}


def one_student(cls, name, code, barrier, results):
    import pwd

    record = {"name": name}
    try:
        user = cls.user(name)
        barrier.wait()
        started = time.monotonic()
        user.login(cls.password(name))
        user.start_server()
        record["server_s"] = time.monotonic() - started
        kernel = user.server("POST", "api/kernels", body={})["id"]
        run = user.run_code(code, timeout=600, kernel_id=kernel)
        if run.error:
            raise RuntimeError(f"the setup cell raised {run.error}")
        record["ready_s"] = time.monotonic() - started
        record["uid"] = pwd.getpwnam(name).pw_uid
        record["user"], record["kernel"] = user, kernel
    except Exception as error:  # noqa: BLE001 - a failed student is a result, not a crash
        record["error"] = f"{type(error).__name__}: {error}"
        traceback.print_exc()
    results.append(record)


def measure(prefix: str, students: int) -> dict:
    cells = code_cells()
    code = cells[0]  # the setup cell
    with throwaway_class(prefix, instructors=0, students=students, idle_timeout=0) as cls:
        time.sleep(2)  # let the hub settle before the baseline
        available_before = meminfo("MemAvailable")
        load_before = os.getloadavg()[0]  # other work on the machine
        results, barrier = [], threading.Barrier(students)
        threads = [threading.Thread(target=one_student, args=(cls, name, code, barrier, results))
                   for name in cls.students]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - started
        ok = [r for r in results if "error" not in r]
        for r in results:
            if "error" in r:  # what the hub said about this student, before it is removed
                lines = [l for l in cls.log_tail(5000).splitlines() if r["name"] in l]
                print(f"hub log for {r['name']}:\n" + "\n".join(lines[-40:]), file=sys.stderr)
        time.sleep(3)  # let the kernels go idle
        use = [usage(r["uid"]) for r in ok]
        available_after = meminfo("MemAvailable")
        keras = lesson_cpu = None
        if ok:
            # One student then works through the rest of lesson 01 (alone on the server).
            first = ok[0]
            before = usage(first["uid"])["cpu"]
            for cell in cells[1:]:
                run = first["user"].run_code(cell, timeout=600, kernel_id=first["kernel"])
                if run.error:
                    raise RuntimeError(f"lesson 01 raised {run.error} in:\n{cell[:300]}")
            lesson_cpu = usage(first["uid"])["cpu"] - before
            # What lesson 10 adds: the kernel imports Keras (JAX backend).
            before = usage(first["uid"])["pss"]
            run = first["user"].run_code("import keras", timeout=600, kernel_id=first["kernel"])
            keras = None if run.error else usage(first["uid"])["pss"] - before
    return {
        "students": students, "failures": [r["error"] for r in results if "error" in r],
        "wall_s": wall, "ready_s": sorted(r["ready_s"] for r in ok),
        "server_s": sorted(r["server_s"] for r in ok),
        "pss_mb": [u["pss"] for u in use], "rss_mb": [u["rss"] for u in use],
        "cpu_s": [u["cpu"] for u in use],
        "available_drop_mb": available_before - available_after, "keras_mb": keras,
        "lesson_cpu_s": lesson_cpu,
        "cores": os.cpu_count(), "total_mb": meminfo("MemTotal"), "load": os.getloadavg()[0],
        "load_before": load_before,
    }


def table(m: dict) -> str:
    med, mx = statistics.median, max
    pss, ready, server, cpu = m["pss_mb"], m["ready_s"], m["server_s"], m["cpu_s"]
    per_student = statistics.mean(pss)
    keras = f"{m['keras_mb']:.0f} MB more" if m["keras_mb"] is not None else "not measured"
    login_cpu = statistics.mean(cpu)
    rows = [
        ("students logging in at once", f"{m['students']}"),
        ("failures", f"{len(m['failures'])}"),
        ("login → setup cell done, median / max", f"{med(ready):.1f} s / {mx(ready):.1f} s"),
        ("login → server ready, median / max", f"{med(server):.1f} s / {mx(server):.1f} s"),
        ("all of them ready (wall clock)", f"{m['wall_s']:.1f} s"),
        ("memory per student, server + kernel (PSS, mean / max)", f"{per_student:.0f} MB / {mx(pss):.0f} MB"),
        ("the same as RSS (counts shared libraries in full)", f"{statistics.mean(m['rss_mb']):.0f} MB"),
        ("machine's MemAvailable drop, per student", f"{m['available_drop_mb'] / m['students']:.0f} MB"),
        ("CPU per student to log in and run the cell", f"{login_cpu:.1f} s"),
        ("one kernel after `import keras` (lesson 10)", keras),
        ("CPU to run the rest of lesson 01 (one student, after the class left it idle)",
         f"{m['lesson_cpu_s']:.1f} s" if m["lesson_cpu_s"] is not None else "not measured"),
    ]
    head = (f"Measured {date.today().isoformat()} on {m['cores']} cores, "
            f"{m['total_mb'] / 1024:.0f} GB, load average {m['load_before']:.1f} before (other "
            f"work on this machine) and {m['load']:.1f} at the end "
            f"(`make bench-hub`, {m['students']} students, loopback).\n\n")
    return head + "| | |\n|---|---|\n" + "\n".join(f"| {a} | {b} |" for a, b in rows) + "\n"


def capacity(m: dict) -> str:
    """The estimate for INSTRUCTORS.md, derived from this run's figures only."""
    per = statistics.mean(m["pss_mb"])
    keras = per + (m["keras_mb"] or 0)
    cpu = statistics.mean(m["cpu_s"])
    cores, ready = m["cores"], m["ready_s"]
    example = 60
    return (
        f"- **Memory** (what limits a class): {per:.0f} MB per student once their server and kernel "
        f"run ({keras:.0f} MB after `import keras`, lesson 10). That is about "
        f"**{int(1024 // per)} students per GB** ({int(1024 // keras)} in lesson 10), after 2 GB "
        "for the system.\n"
        f"- **CPU**: a login (server start, kernel, setup cell) costs {cpu:.1f} s of CPU, so **one "
        f"core lets about {int(60 // cpu)} students in per minute**. Here {m['students']} students "
        f"arriving together on {cores} cores were all working after {max(ready):.0f} s (median "
        f"{statistics.median(ready):.0f} s; the load average was already {m['load_before']:.1f} "
        "from other work on this machine). Working through the rest of lesson 01 then took "
        f"{m['lesson_cpu_s'] or 0:.1f} s of CPU: teaching costs less than arriving, except when "
        "everyone trains networks (lessons 08–10) or the instructor autogrades.\n"
        f"- **Example**: {example} students → {math.ceil(example * per / 1024) + 2} GB "
        f"({math.ceil(example * keras / 1024) + 2} GB for lesson 10) and "
        f"{max(2, math.ceil(example * cpu / 60))} cores to let them all in within about a minute.\n"
    )


def write_block(path: Path, tag: str, text: str) -> None:
    document = path.read_text(encoding="utf-8")
    pattern = re.compile(rf"(<!-- {tag}:start -->\n).*?(<!-- {tag}:end -->)", re.S)
    if not pattern.search(document):
        raise SystemExit(f"{path} has no <!-- {tag}:start --> ... <!-- {tag}:end --> markers")
    path.write_text(pattern.sub(lambda m: m.group(1) + text + m.group(2), document),
                    encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--prefix", default=os.environ.get("COURSE_HUB_PREFIX", "/opt/activations-hub"))
    parser.add_argument("--write-readme", nargs="?", const=str(HERE / "README.md"), metavar="PATH")
    args = parser.parse_args(argv)
    if not 1 <= args.students <= 200:
        parser.error(f"--students must be 1-200; got {args.students}")
    if os.geteuid() != 0:
        print("hub_load needs root: it creates Unix users and runs servers as them", file=sys.stderr)
        return 2
    install(Path(args.prefix))
    m = measure(args.prefix, args.students)
    text = table(m)
    print(text)
    for failure in m["failures"]:
        print("FAILED:", failure, file=sys.stderr)
    print(capacity(m))
    if args.write_readme and not m["failures"]:
        write_block(Path(args.write_readme), "hub", text)
        write_block(REPO / "INSTRUCTORS.md", "capacity", capacity(m))
    return 1 if m["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
