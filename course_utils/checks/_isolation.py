"""What a student's function may reach while it is judged.

Two rules make a mark mean "this function, written by this student":

- "Implement" means implement. While the function runs, a profiler watches for calls into the
  course's own implementation of what the exercise asks for (`Own`: e.g. `Sigmoid._forward` for
  "sigmoid", the checker's reference, `MLP.gradient_norms`). Calls are recognised by the code
  object's file, first line and name, so every copy of the course counts (the one the student
  imported, a fresh one, the grader's). A name that a profiler cannot see (a NumPy ufunc such as
  np.tanh, which the tanh exercise forbids) is swapped for a recording stand-in while the
  function runs.
- Each exercise is judged on its own. The earlier exercises a function builds on (`builds_on`:
  e.g. softmax for softmax_vjp) are replaced in the function's globals by the references while it
  runs, and restored afterwards; a mistake in softmax costs softmax's points only.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass


def code_key(code) -> tuple:
    """What identifies a function across copies of the same source file."""
    return (code.co_filename, code.co_firstlineno, code.co_name)


def _code_of(fn):
    fn = getattr(fn, "__func__", fn)  # a method taken from a class or an instance
    return getattr(fn, "__code__", None)


@dataclass
class Own:
    """The course's own implementation of an exercise: what a student's answer must not call.

    fn: a Python function or method (watched by the profiler), or None with `module` and `attr`
        for a compiled function (e.g. numpy's tanh), which is swapped for a stand-in instead.
    label: how the message names it, e.g. "the course's sigmoid (activations.sigmoid)".
    """

    label: str
    fn: object = None
    module: object = None
    attr: str = ""


class Watch:
    """A context manager around one call of the student's function: `.hit` is the label of the
    first forbidden implementation it reached (None if it reached none)."""

    def __init__(self, own=()):
        self.keys = {}
        self.swaps = []
        for item in own:
            if item.fn is not None:
                code = _code_of(item.fn)
                if code is None:
                    raise TypeError(f"{item.label}: not a Python function; give module and attr")
                self.keys[code_key(code)] = item.label
            else:
                self.swaps.append(item)
        self.hit = None
        self._previous = None
        self._saved = []

    def __enter__(self):
        for item in self.swaps:
            original = getattr(item.module, item.attr)
            self._saved.append((item.module, item.attr, original))
            setattr(item.module, item.attr, self._stand_in(original, item.label))
        if self.keys:
            self._previous = sys.getprofile()
            sys.setprofile(self._profile)
        return self

    def __exit__(self, *exc):
        if self.keys:
            sys.setprofile(self._previous)
        for module, attr, original in reversed(self._saved):
            setattr(module, attr, original)
        self._saved.clear()
        return False

    def _profile(self, frame, event, arg):
        if event == "call" and self.hit is None:
            self.hit = self.keys.get(code_key(frame.f_code))

    def _stand_in(self, original, label):
        watch = self

        def stand_in(*args, **kwargs):
            if watch.hit is None:
                watch.hit = label
            return original(*args, **kwargs)

        stand_in.__name__ = getattr(original, "__name__", "stand_in")
        return stand_in


class Recorder:
    """An earlier exercise's reference standing in for the student's own function."""

    def __init__(self, name, reference):
        self.name, self.reference, self.called = name, reference, False

    def __call__(self, *args, **kwargs):
        self.called = True
        return self.reference(*args, **kwargs)


_MISSING = object()


class Replaced:
    """Replace the names `references` (name → reference) in fn's globals while judging fn.

    `.recorders` tells afterwards which of them the function called, and `.originals` what the
    student's own functions were (absent names are not listed).
    """

    def __init__(self, fn, references):
        self.namespace = getattr(getattr(fn, "__func__", fn), "__globals__", None)
        self.recorders = {name: Recorder(name, ref) for name, ref in references.items()}
        self.originals = {}

    def __enter__(self):
        if self.namespace is None:
            return self
        for name, recorder in self.recorders.items():
            previous = self.namespace.get(name, _MISSING)
            if previous is not _MISSING:
                self.originals[name] = previous
            self.namespace[name] = recorder
        return self

    def __exit__(self, *exc):
        if self.namespace is None:
            return False
        for name in self.recorders:
            if name in self.originals:
                self.namespace[name] = self.originals[name]
            else:
                self.namespace.pop(name, None)
        return False

    def called(self) -> list:
        return [name for name, r in self.recorders.items() if r.called]
