"""course_utils.checks._stopper: a timed call is stopped by every route a student's code can take.

One test per escape route (see the module's docstring). Each function runs through the checks'
own timed call (`_run.call`) in a child process of its own with a hard timeout, so a broken
stopper fails that route's test instead of hanging the suite. After each stop the process must be as before: the
previous trace function back, no exception left current, library state restored.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from course_utils.checks._stopper import OutOfTime, Stopper

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 0.2

ROUTES = textwrap.dedent('''
    import contextlib, json, sys, time, warnings
    import numpy as np
    from course_utils.checks._run import call

    def endless_loop():                      # no handler: the alarm's own raise stops it
        while True:
            pass

    def bare_except_in_a_loop():             # the tracer raises again inside the handler
        while True:
            try:
                time.sleep(0.01)
            except:
                pass

    def handler_on_one_line():               # no new line inside the handler: per-opcode tracing
        while True:
            try: time.sleep(0.005)
            except: pass

    def nested_handlers():                   # tracing switched back on (__del__) for the outer one
        while True:
            try:
                while True:
                    try:
                        time.sleep(0.001)
                    except BaseException:
                        pass
            except BaseException:
                continue

    def _swallow_once():
        try:
            time.sleep(0.002)
        except BaseException as error:
            del error

    def handler_in_a_called_function():      # new student frames are traced from their call on
        while True:
            _swallow_once()

    def handler_around_library_code():       # library frames untraced: their cleanup runs
        while True:
            try:
                with np.errstate(over="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    time.sleep(0.001)
            except:
                pass

    def loop_in_try_finally():               # a finally clause does not keep it running
        try:
            while True:
                pass
        finally:
            time.sleep(0.001)

    def previous_tracer(frame, event, arg):
        return None

    fn = globals()[sys.argv[1]]
    errstate, filters = np.geterr(), list(warnings.filters)
    sys.settrace(previous_tracer)
    start = time.perf_counter()
    result = call(fn, budget=BUDGET)
    seconds = time.perf_counter() - start
    report = {
        "timed_out": result.timed_out, "abandoned": result.still_running, "seconds": seconds,
        "trace_restored": sys.gettrace() is previous_tracer,
        "no_exception_left": sys.exc_info() == (None, None, None),
        "library_state_restored": np.geterr() == errstate and warnings.filters == filters,
    }
    sys.settrace(None)
    print(json.dumps(report))
''').replace("BUDGET", repr(BUDGET))

NAMES = ["endless_loop", "bare_except_in_a_loop", "handler_on_one_line", "nested_handlers",
         "handler_in_a_called_function", "handler_around_library_code", "loop_in_try_finally"]


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no SIGALRM: _run uses a thread")
@pytest.mark.parametrize("route", NAMES)
def test_every_escape_route_is_stopped_and_leaves_the_process_as_it_was(route):
    try:
        proc = subprocess.run([sys.executable, "-c", ROUTES, route], capture_output=True,
                              text=True, timeout=30, cwd=ROOT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{route} was not stopped: the call hung")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["timed_out"] and not result["abandoned"]  # stopped, not left running
    assert result["seconds"] < BUDGET + 2  # the budget plus a few 0.05 s alarms, not a hang
    assert result["trace_restored"] and result["no_exception_left"]
    assert result["library_state_restored"]


# --- the stopper itself, without a timer -------------------------------------------------------
def _boundary(fn):
    return fn()


def test_an_alarm_outside_the_call_does_nothing():
    stopper = Stopper(lambda frame: True, _boundary.__code__)
    stopper.arm()
    try:
        assert stopper.fire(sys._getframe()) is None  # this frame is not below _boundary
        assert not stopper.fired and sys.gettrace() is None
    finally:
        stopper.disarm()


def test_an_alarm_inside_the_call_raises_and_disarm_cleans_up():
    stopper = Stopper(lambda frame: frame.f_code.co_filename == __file__, _boundary.__code__)
    before = sys.gettrace()
    stopper.arm()
    try:
        with pytest.raises(OutOfTime):
            _boundary(lambda: stopper.fire(sys._getframe()))
        assert stopper.fired and stopper.stamped  # the student's frame got a tracer
    finally:
        stopper.disarm()
    assert sys.gettrace() is before and not stopper.stamped


def test_out_of_time_is_not_an_exception_a_student_would_catch():
    assert not issubclass(OutOfTime, Exception) and issubclass(OutOfTime, BaseException)
