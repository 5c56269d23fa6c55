"""Call a student's function safely: a time budget, warnings and prints captured, errors summarised.

Nothing the student's code does escapes from here: exceptions become a `Call` record, prints are
swallowed (the check prints one result), RuntimeWarnings are recorded, and a function that runs
too long is stopped (SIGALRM on the main thread, the way a Jupyter kernel runs cells; `_stopper`
makes that work even through a bare `except:`) or, where signals are unavailable (Windows, other
threads), abandoned in a background thread.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sys
import threading
import time
import traceback
import warnings
from dataclasses import dataclass, field

import numpy as np

from ._stopper import OutOfTime, Stopper

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # course_utils/
_LIBRARY_DIRS = tuple(
    {os.path.abspath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)} | {_PACKAGE_DIR}
)


@dataclass
class Call:
    """What happened when the student's function was called once."""

    value: object = None
    error: BaseException | None = None
    error_line: str | None = None  # "in sigmoid, line 3: return 1 / (1 + math.exp(-x))"
    error_in_student_code: bool = False
    error_function: str | None = None  # the student's function whose line raised
    warnings: list = field(default_factory=list)  # RuntimeWarning messages, in order
    seconds: float = 0.0
    timed_out: bool = False
    still_running: bool = False  # thread fallback: the call could not be stopped


def is_library_file(filename: str) -> bool:
    """True for frames in Python, NumPy, Keras, ... or course_utils (not the student's code)."""
    if not filename or filename.startswith("<frozen"):
        return True
    path = os.path.abspath(filename)
    return path.startswith(_LIBRARY_DIRS) or "site-packages" in path


def student_frame(exc: BaseException):
    """The deepest traceback frame in the student's own code, or None."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if not is_library_file(frame.filename):
            return frame
    return None


def _describe_frame(frame) -> str | None:
    if frame is None:
        return None
    line = (frame.line or "").strip()
    where = f"in {frame.name}, line {frame.lineno}" if frame.name != "<module>" else f"line {frame.lineno}"
    return f"{where}: {line}" if line else where


def _invoke(fn, args, kwargs, watch=None) -> Call:
    """Call fn(*args, **kwargs) with warnings recorded and stdout/stderr swallowed (and, with a
    `watch`, the calls it makes into the course's own implementation recorded)."""
    call = Call()
    sink = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, np.errstate(
        over="warn", invalid="warn", divide="warn", under="ignore"
    ), contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        warnings.simplefilter("always")
        start = time.perf_counter()
        try:
            with watch if watch is not None else contextlib.nullcontext():
                call.value = fn(*args, **kwargs)
        except (OutOfTime, KeyboardInterrupt):
            raise
        except BaseException as exc:  # noqa: BLE001 - the student's code may raise anything
            call.error = exc
            frame = student_frame(exc)
            call.error_in_student_code = frame is not None
            call.error_function = frame.name if frame is not None else None
            call.error_line = _describe_frame(frame)
            call.error.__traceback__ = None  # drop references to the student's frames
        call.seconds = time.perf_counter() - start
    call.warnings = [
        str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)
    ]
    return call


def _can_use_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def call(fn, args=(), kwargs=None, budget: float = 5.0, watch=None) -> Call:
    """Call the student's fn within `budget` seconds; never raises (except KeyboardInterrupt)."""
    kwargs = kwargs or {}
    if _can_use_alarm():
        return _call_with_alarm(fn, args, kwargs, budget, watch)
    return _call_in_thread(fn, args, kwargs, budget, watch)


def _call_with_alarm(fn, args, kwargs, budget, watch=None) -> Call:
    def is_student_frame(frame):
        return not is_library_file(frame.f_code.co_filename)

    stopper = Stopper(is_student_frame, _invoke.__code__)

    def on_alarm(signum, frame):
        stopper.fire(frame)

    # Keep someone else's timer (e.g. pytest-timeout) and trace function (a debugger, coverage).
    previous_handler = signal.signal(signal.SIGALRM, on_alarm)
    previous_delay, previous_interval = signal.getitimer(signal.ITIMER_REAL)
    start = time.perf_counter()
    stopper.arm()
    # Re-fire every 0.05 s while the student's code still runs (in case it caught the first).
    signal.setitimer(signal.ITIMER_REAL, budget, 0.05)
    try:
        try:
            result = _invoke(fn, args, kwargs, watch)
        finally:
            stopper.disarm()  # first: from now on an alarm does nothing
            signal.setitimer(signal.ITIMER_REAL, 0)
    except OutOfTime:
        result = Call(timed_out=True, seconds=time.perf_counter() - start)
    finally:
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_delay > 0:
            elapsed = time.perf_counter() - start
            signal.setitimer(
                signal.ITIMER_REAL, max(previous_delay - elapsed, 1e-3), previous_interval
            )
    return result


def _call_in_thread(fn, args, kwargs, budget, watch=None) -> Call:
    box = {}

    def target():
        try:
            box["call"] = _invoke(fn, args, kwargs, watch)
        except BaseException:  # noqa: BLE001 - nothing may escape a daemon thread noisily
            box["call"] = Call(error=RuntimeError("interrupted"))

    worker = threading.Thread(target=target, name="course-utils-check", daemon=True)
    start = time.perf_counter()
    worker.start()
    worker.join(budget)
    if worker.is_alive():
        return Call(timed_out=True, still_running=True, seconds=time.perf_counter() - start)
    return box["call"]
