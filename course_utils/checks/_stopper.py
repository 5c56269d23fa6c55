"""Stop a student's function when its time is up, even one that swallows the stop signal.

Why
    A check calls the student's function with a time budget (`_run.call`), so that an endless
    loop fails the check instead of hanging the notebook. On Linux and macOS a timer signal
    (SIGALRM) interrupts the call: its handler raises `OutOfTime` inside the student's code,
    the exception unwinds back to the check, and the check reports which function did not
    finish. That alone stops `while True: pass`. But a student who writes

        while True:
            try:
                time.sleep(0.01)
            except:          # a bare except catches OutOfTime too...
                pass         # ...and the loop goes on, for ever

    swallows the exception, and a new alarm only lands in the `try` again. This module makes
    OutOfTime escape such handlers.

How: raise again from inside the handler
    Python can call a trace function before every bytecode instruction of a frame
    (`sys.settrace`, `frame.f_trace`, `frame.f_trace_opcodes`). When the first alarm fires,
    `fire` starts tracing the student's frames. The tracer watches for one thing: an
    instruction that runs while the current exception (`sys.exc_info()`) is our OutOfTime,
    i.e. inside a handler that caught it. There it raises OutOfTime again. An exception raised
    inside an `except` block is not caught by that same block, so it leaves the handler, and
    the loop around it.

Why one tracer per frame, and `__del__`
    CPython switches tracing off (for every frame) the moment a trace function raises. An
    outer handler would then swallow the exception for good:

        while True:
            try:
                while True:
                    try:
                        time.sleep(0.001)
                    except:                # escaped here, tracing switched off...
                        pass
            except BaseException:          # ...so this one would swallow it
                continue

    So each frame gets its own `_FrameTracer` object, referenced only by that frame. When
    CPython drops the tracer that raised, its `__del__` runs at once and switches tracing back
    on for the student's frames that remain, before the outer handler runs: one handler is
    escaped per raise, until OutOfTime reaches the check.

What is left alone
    - Only the student's frames are traced (`is_student_frame`): Python's, NumPy's and the
      course's own code is not, so their `with` blocks and `finally` clauses clean up as usual
      (np.errstate, warning filters and the like are restored).
    - The tracer waits out the few instructions of the exception machinery itself
      (`_MACHINERY`: entering, matching and leaving a handler); raising there would leave a
      stale "current exception" behind.
    - An alarm that arrives outside the student's call (in the check's own bookkeeping just
      before or after it) does nothing; the timer fires again 0.05 s later if still needed.
    - `disarm` puts back the trace function that was there before (a debugger's, coverage's).
    The student's own `finally` clauses (and `__exit__` methods) are cut short, though: they
    run with OutOfTime as the current exception, like a handler, and the tracer cannot tell
    them apart. Nothing is lost by that: the call is being given up anyway.

Windows has no SIGALRM: there (and off the main thread) `_run` calls the function in a thread
and stops waiting when time is up; the check returns, the loop runs on in the background.

Life cycle, as `_run._call_with_alarm` drives it:

    stopper = Stopper(is_student_frame, boundary_code=_invoke.__code__)
    stopper.arm()                            # just before the call
    (SIGALRM handler) stopper.fire(frame)    # after the budget, then every 0.05 s
    stopper.disarm()                         # just after the call, before the timer stops

Each escape route is tested in tests/test_checks_stopper.py.
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
    """The state of one timed call: `arm()` before it, `fire(frame)` from the alarm, `disarm()`.

    Args:
        is_student_frame: frame → bool, True for the student's code (not Python, NumPy or
            course_utils): only those frames are traced.
        boundary_code: the code object of the function that calls the student's function;
            the frames below it are "the call".
    """

    def __init__(self, is_student_frame, boundary_code):
        self.is_student_frame = is_student_frame
        self.boundary_code = boundary_code
        self.armed = False
        self.fired = False
        self.previous_trace = None
        self.stamped = []  # the frames we gave a tracer, to take it back in `disarm`

    # --- the life cycle -------------------------------------------------------------------
    def arm(self):
        self.armed, self.fired = True, False
        self.previous_trace = sys.gettrace()

    def fire(self, frame):
        """From the alarm handler: raise OutOfTime (unless we interrupted our own bookkeeping)."""
        if not self.armed or not self._frames_of_the_call(frame):
            return  # before or after the call, or in this module: the next alarm will do
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
            sys.settrace(_FrameTracer(self))  # for calls the student's code makes from now on


class _FrameTracer:
    """The trace function of one frame (and, as the global one, of new calls).

    Python calls it with event "call" for a new frame (its return value becomes that frame's
    tracer) and, once `f_trace_opcodes` is set, with "opcode" before every instruction.
    """

    __slots__ = ("stopper",)

    def __init__(self, stopper):
        self.stopper = stopper

    def __call__(self, frame, event, arg):
        stopper = self.stopper
        if not stopper.armed:
            return None
        if event == "call":
            if not stopper.is_student_frame(frame):
                return None  # library code is not traced: it cleans up normally
            frame.f_trace_opcodes = True
            return _FrameTracer(stopper)  # a tracer of its own (see `__del__`)
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
            # CPython just dropped tracing because we raised: switch it back on for the outer
            # handlers (the frame that raised is our caller's caller: sys._getframe(1)).
            try:
                stopper.install(sys._getframe(1))
            except Exception:  # noqa: BLE001 - nothing may escape a finaliser
                pass
