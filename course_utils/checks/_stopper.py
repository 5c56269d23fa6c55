"""Stop the student's code when its time is up, even if a bare `except:` swallows the signal.

The alarm raises `OutOfTime` into the running code. A loop such as

    while True:
        try:
            time.sleep(0.01)
        except:          # catches OutOfTime too
            pass

would swallow it forever, so the alarm also traces the student's frames: while one of them runs
inside a handler that caught our exception, the trace function raises again, and that exception
escapes the handler (an `except` block is not protected by its own `try`). CPython drops a trace
function that raises; the dropped per-frame tracer re-installs tracing from its `__del__`, so
nested handlers are escaped one after the other. Library frames (NumPy, contextlib, ...) are not
traced, so their `with` blocks and `finally` clauses clean up normally.
"""

from __future__ import annotations

import dis
import sys

# Opcodes of the exception machinery itself (entering, matching, leaving a handler): raising
# there would skip the restoring of the "current exception", so the tracer waits one opcode.
_MACHINERY = {dis.opmap[name] for name in (
    "PUSH_EXC_INFO", "POP_EXCEPT", "RERAISE", "COPY", "WITH_EXCEPT_START", "CHECK_EXC_MATCH",
    "CHECK_EG_MATCH", "PREP_RERAISE_STAR", "CACHE", "EXTENDED_ARG", "RESUME", "NOP",
) if name in dis.opmap}


class OutOfTime(BaseException):
    """Raised into the student's code by the alarm; BaseException so `except Exception` misses it."""


class Stopper:
    """The state of one timed call: `arm()` before it, `fire(frame)` from the alarm, `disarm()`."""

    def __init__(self, is_student_frame, boundary_code):
        self.is_student_frame = is_student_frame  # frame -> bool (not Python/NumPy/course_utils)
        self.boundary_code = boundary_code  # the code object of the caller of the student's fn
        self.armed = False
        self.fired = False
        self.previous_trace = None
        self.stamped = []

    # --- the life cycle -------------------------------------------------------------------
    def arm(self):
        self.armed, self.fired = True, False
        self.previous_trace = sys.gettrace()

    def fire(self, frame):
        """From the alarm handler: raise OutOfTime (unless we interrupted our own bookkeeping)."""
        if not self.armed or not self._frames_of_the_call(frame):
            return  # in our own bookkeeping (before or after the call): the next alarm will do
        self.fired = True
        self.install(frame)
        raise OutOfTime

    def disarm(self):
        self.armed = False
        sys.settrace(self.previous_trace)
        for frame in self.stamped:
            frame.f_trace = None
        self.stamped.clear()

    # --- tracing --------------------------------------------------------------------------
    def _frames_of_the_call(self, frame) -> list:
        """The frames from `frame` up to (not including) the boundary; [] if not inside the call
        or inside this module (the tracer, a finaliser)."""
        frames = []
        while frame is not None and frame.f_code is not self.boundary_code:
            if frame.f_code.co_filename == __file__:
                return []
            frames.append(frame)
            frame = frame.f_back
        return frames if frame is not None else []

    def install(self, frame):
        """Trace the student's frames from `frame` up to the boundary, and every new call."""
        frames = self._frames_of_the_call(frame)
        if not frames:
            return
        for f in frames:
            if self.is_student_frame(f) and not isinstance(f.f_trace, _FrameTracer):
                f.f_trace, f.f_trace_opcodes = _FrameTracer(self), True
                self.stamped.append(f)
        if not isinstance(sys.gettrace(), _FrameTracer):
            sys.settrace(_FrameTracer(self))


class _FrameTracer:
    """The trace function of one frame; re-installs tracing if CPython drops it after it raised."""

    __slots__ = ("stopper",)

    def __init__(self, stopper):
        self.stopper = stopper

    def __call__(self, frame, event, arg):
        stopper = self.stopper
        if not stopper.armed:
            return None
        if event == "call":
            if not stopper.is_student_frame(frame):
                return None  # library code cleans up normally
            frame.f_trace_opcodes = True
            return _FrameTracer(stopper)
        if (event == "opcode" and stopper.fired
                and frame.f_code.co_code[frame.f_lasti] not in _MACHINERY
                and isinstance(sys.exc_info()[1], OutOfTime)):
            # Inside the handler that swallowed ours: this one escapes it. `del self` first, so
            # the traceback does not keep this tracer alive and its __del__ runs right away.
            del self
            raise OutOfTime
        return self

    def __del__(self):
        stopper = self.stopper
        if stopper.armed and stopper.fired:
            # CPython just dropped the tracing because we raised: put it back for the outer
            # handlers (the frame that raised is our caller's caller: sys._getframe(1)).
            try:
                stopper.install(sys._getframe(1))
            except Exception:  # noqa: BLE001 - nothing may escape a finaliser
                pass
