"""course_utils.checks never raises, never shows a traceback wall and cannot hang.

Whatever a student passes (not a function, a function that exits, returns something unprintable
or never returns, even one that swallows the stop signal with a bare `except:`), `check` prints a
verdict and returns within its time budget, leaving tracing, exceptions and np.errstate as they were.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from check_helpers import assert_failed, verdict

from course_utils import checks
from course_utils.checks import _catalogue, _run

ROOT = Path(__file__).resolve().parent.parent


# --- it never raises and cannot hang ---------------------------------------------------------
# Functions that never return, some swallowing the stop signal with a bare `except:`. They run in
# a child process with a hard timeout, so a broken stopping mechanism fails the test instead of
# hanging the test suite.
NEVER_RETURN = """
import json, sys, time
import numpy as np
from course_utils import checks
from course_utils.checks import _catalogue

def hangs(x):
    while True:
        pass

def hangs_and_swallows(x):
    while True:
        try:
            time.sleep(0.01)
        except:
            pass

def nested_swallows(x):
    while True:
        try:
            while True:
                try:
                    time.sleep(0.001)
                except:
                    pass
        except BaseException:
            continue

def helper_swallows():
    try:
        time.sleep(0.01)
    except BaseException as error:
        del error

def calls_a_swallowing_helper(x):
    while True:
        helper_swallows()

def swallows_inside_errstate(x):
    while True:
        try:
            with np.errstate(over="ignore"):
                time.sleep(0.001)
        except:
            pass

_catalogue.exercise("relu").budget = 0.3
def previous_tracer(frame, event, arg):
    return None

report = {}
errstate = np.geterr()
for fn in (hangs, hangs_and_swallows, nested_swallows, calls_a_swallowing_helper,
           swallows_inside_errstate):
    sys.settrace(previous_tracer)
    start = time.perf_counter()
    verdict = checks.run("relu", fn)
    report[fn.__name__] = {
        "status": verdict.status, "message": verdict.message,
        "seconds": time.perf_counter() - start,
        "trace_restored": sys.gettrace() is previous_tracer,
        "no_exception_left": sys.exc_info() == (None, None, None),
        "errstate_restored": np.geterr() == errstate,
    }
    sys.settrace(None)
print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def never_return_report():
    proc = subprocess.run([sys.executable, "-c", NEVER_RETURN], capture_output=True, text=True,
                          timeout=60, cwd=ROOT)  # a hang fails here (TimeoutExpired)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("name", ["hangs", "hangs_and_swallows", "nested_swallows",
                                  "calls_a_swallowing_helper", "swallows_inside_errstate"])
def test_a_function_that_never_returns_is_stopped(never_return_report, name):
    result = never_return_report[name]
    assert result["status"] == "failed"
    assert "did not finish within 0.3 s" in result["message"] and "stopped it" in result["message"]
    assert "Traceback" not in result["message"]
    assert result["seconds"] < 3
    assert result["trace_restored"] and result["no_exception_left"] and result["errstate_restored"]


def test_off_the_main_thread_the_check_still_returns_in_time():
    box = {}
    worker = threading.Thread(target=lambda: box.update(call=_run.call(time.sleep, (1.0,), budget=0.1)))
    worker.start()
    worker.join(5)
    assert box["call"].timed_out and box["call"].still_running


def test_an_abandoned_call_that_ends_later_leaves_stdout_and_the_warning_filters_alone():
    # Off the main thread a call that runs too long is abandoned. When it ends, later, it must
    # not put back the stdout or warning filters of the moment it started: by then the next
    # test (a doctest capturing its output, say) has its own.
    release, box = threading.Event(), {}
    worker = threading.Thread(target=lambda: box.update(
        call=_run.call(lambda: release.wait(10), budget=0.1)))
    worker.start()
    worker.join(5)
    assert box["call"].timed_out and box["call"].still_running
    saved, mine = sys.stdout, io.StringIO()
    sys.stdout = mine
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            filters = list(warnings.filters)
            release.set()
            for thread in threading.enumerate():
                if thread.name == "course-utils-check":
                    thread.join(5)
            assert sys.stdout is mine
            assert warnings.filters == filters
    finally:
        sys.stdout = saved


def test_prints_and_warnings_of_a_call_in_a_thread_are_still_captured():
    def noisy(x):
        print("from the student")
        return np.exp(np.asarray(x, dtype=float))

    box = {}
    worker = threading.Thread(target=lambda: box.update(call=_run.call(noisy, ([1000.0],), budget=5)))
    worker.start()
    worker.join(10)
    assert box["call"].warnings == ["overflow encountered in exp"]
    assert box["call"].error is None and box["call"].cpu_seconds >= 0


class Unprintable:
    def __array__(self, *args, **kwargs):
        raise RuntimeError("no array for you")

    def __repr__(self):
        raise RuntimeError("no repr either")


def exits(x):
    raise SystemExit(3)


@pytest.mark.parametrize("answer, words", [
    (42, ["expected your function itself", "an int"]),
    (np.zeros(3), ["expected your function itself", "without calling it"]),
    (exits, ["raised an error", "SystemExit"]),
    (lambda: 1.0, ["raised an error", "TypeError"]),
    (lambda x: "relu", ["instead of an array"]),
    (lambda x: Unprintable(), ["instead of an array"]),
    (lambda x, axis=-1: {"p": 1}, ["instead of an array"]),
])
def test_nothing_the_student_passes_makes_it_raise(answer, words):
    assert_failed("relu", answer, *words)


def test_an_unknown_exercise_is_reported_with_a_suggestion(capsys):
    assert checks.check("sigmiod", np.exp) is False
    assert "unknown exercise 'sigmiod'" in capsys.readouterr().out and "'sigmoid'" in checks.run("sigmiod", np.exp).message


def test_a_bug_in_the_checker_is_not_blamed_on_the_student(monkeypatch):
    ex = _catalogue.exercise("relu")
    monkeypatch.setattr(ex, "reference", None)
    v = verdict("relu", lambda x: np.maximum(x, 0))
    assert v.status == "failed" and "the checker itself failed" in v.message
    assert "not in your code" in v.message
