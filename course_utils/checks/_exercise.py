"""What an exercise is (reference, probes, known wrong variants) and how a function is judged.

A `FunctionExercise` calls the student's function on each `Probe` (ordinary values, 0, ±1000,
NaN, ±inf, float32, 2-D arrays, lists, ...), compares with the reference, and stops at the
first problem. Its hint comes from the first `Variant` (a typical wrong implementation, or a
pattern in the student's source) that reproduces the problem; otherwise from a generic detector
(sign error, factor of 2, transposed) or the default hint for that kind of problem.
"""

from __future__ import annotations

import copy
import inspect
import re
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from . import _messages as msg
from ._compare import Problem, changed, compare, same_output, snapshot
from ._isolation import Own, Watch
from ._run import call

SLOW_RATIO = 20.0  # "far slower": a per-element Python loop is ~100-200x slower than NumPy
SLOW_FLOOR_S = 0.02  # ... and noticeably slow in absolute terms (timer noise is far below this)


# A variant without explicit kinds explains wrong outputs; warnings, in-place changes, dtypes and
# errors need a variant that names them (any wrong variant would "reproduce" a float64 result).
_OUTPUT_KINDS = ("none", "type", "shape", "nonfinite", "value")


@dataclass
class Verdict:
    status: str  # "passed" | "not_started" | "failed"
    message: str

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def with_notes(self, notes) -> Verdict:
        """The same verdict with a "Note:" line per note (advice that costs no points)."""
        if not notes:
            return self
        return Verdict(self.status, self.message + "".join(f"\n  Note: {n}" for n in notes))


@dataclass
class Probe:
    """One call of the student's function: arguments, tolerance and what is compared."""

    label: str  # e.g. "large inputs (±1000)", used in the failure headline
    args: tuple
    kwargs: dict = field(default_factory=dict)
    rtol: float = 1e-6
    atol: float = 1e-10
    nan: bool = True  # False: positions where the reference gives NaN are not compared
    dtype: bool = True  # the output dtype must match the reference's
    tag: str = ""  # a short name for the summary of a passed check (default: label)

    def fresh(self):
        return copy.deepcopy(self.args), copy.deepcopy(self.kwargs)


@dataclass
class Variant:
    """A usual mistake: a wrong implementation and/or a source pattern, and the hint for it."""

    hint: str
    fn: object = None  # called like the student's function
    source: str | None = None  # regex searched in the student's source code
    kinds: tuple = ()  # problem kinds it explains (empty: any)


class Exercise:
    """Base class: an id, a title for messages, and `run(answer) -> Verdict`.

    builds_on: ids of earlier exercises whose functions this one may call by name (e.g.
        ("softmax",) for softmax_vjp); they are replaced by the references while it is judged.
    own: `Own` items, the course's implementations of this very exercise, which an answer must
        not call (the checker's reference, when it is a function, is added automatically).
    """

    answer_suffix = ""  # the answer function is named id + answer_suffix in the notebooks

    def __init__(self, id, title, lesson, *, builds_on=(), own=()):
        self.id, self.title, self.lesson = id, title, lesson
        self.builds_on = tuple(builds_on)
        self.own = list(own)

    @property
    def answer_name(self) -> str:
        """The name of the student's function in the exercise notebook."""
        return self.id + self.answer_suffix

    def run(self, answer) -> Verdict:  # pragma: no cover - abstract
        raise NotImplementedError

    def watch(self) -> Watch:
        """A fresh watch for one call of the student's function."""
        return Watch(self.own)

    def uses_own(self, label) -> Verdict:
        return Verdict("failed", msg.failed(
            self.title, f"uses {label} — implement it yourself.",
            hint="This exercise is about writing the computation, so an answer that hands it to "
                 "the course's own implementation scores 0 when graded. The course's functions "
                 "are there for the later cells and for comparing with yours."))


def source_of(fn) -> str:
    try:
        return inspect.getsource(fn)
    except (OSError, TypeError):
        return ""


class FunctionExercise(Exercise):
    """Implement a function that must agree with a reference on every probe."""

    def __init__(self, id, title, lesson, reference, probes, *, output="array", names=None,
                 elementwise=False, variants=(), hints=None, speed=None, vectorised=False,
                 keep_dtype=False, builds_on=(), own=(), budget=5.0, summary=None):
        super().__init__(id, title, lesson, builds_on=builds_on, own=own)
        if getattr(reference, "__code__", None) is not None:
            self.own.append(Own(f"the checker's reference {title}", reference))
        self.reference = reference
        self.probes = list(probes)
        self.output = output
        self.names = names
        self.elementwise = elementwise
        self.variants = list(variants)
        self.hints = dict(hints or {})
        self.speed = speed  # () -> (args, kwargs) of a large input, or None
        # What the task text asks for beyond the usual: these fail a check; otherwise a float32
        # input turned float64, or a slow loop, only earn a note (tests/test_checks_fairness.py).
        self.vectorised = vectorised
        self.keep_dtype = keep_dtype
        self.budget = budget
        self.summary = summary or self._default_summary()

    def _default_summary(self) -> str:
        tags = [p.tag or p.label for p in self.probes]
        extra = "; no warnings; input unchanged" + ("; vectorised" if self.vectorised else "")
        return "checked on " + ", ".join(tags) + extra + "."

    # --- judging ---------------------------------------------------------------------
    def run(self, fn) -> Verdict:
        if not callable(fn):
            return Verdict("failed", msg.failed(
                self.title, f"expected your function itself, got {msg.describe_type(fn)}",
                hint="Pass the function without calling it: check(\"id\", my_function), "
                     "not check(\"id\", my_function(x))."))
        source = source_of(fn)
        notes = []
        for probe in self.probes:
            verdict = self._run_probe(fn, probe, source, notes)
            if verdict is not None:
                return verdict
        if self.speed is not None:
            verdict = self._run_speed(fn, notes)
            if verdict is not None:
                return verdict
        return Verdict("passed", msg.passed(self.title, self.summary)).with_notes(notes)

    def _run_probe(self, fn, probe, source, notes):
        ref_args, ref_kwargs = probe.fresh()
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            expected = self.reference(*ref_args, **ref_kwargs)
        args, kwargs = probe.fresh()
        copies = snapshot(list(args) + list(kwargs.values()))
        watch = self.watch()
        result = call(fn, args, kwargs, self.budget, watch=watch)
        if watch.hit is not None:
            return self.uses_own(watch.hit)
        if result.timed_out:
            return self._fail_timeout(probe, result)
        if result.error is not None:
            if isinstance(result.error, NotImplementedError) and result.error_in_student_code:
                own = getattr(fn, "__name__", None)
                other = result.error_function if result.error_function not in (own, "<lambda>") else None
                return Verdict("not_started", msg.not_started(self.title, caller=other))
            return self._fail_error(probe, result, source)
        problem = compare(result.value, expected, kind=self.output, names=self.names,
                          finite_input=self._finite_input(probe, expected), rtol=probe.rtol,
                          atol=probe.atol, nan=probe.nan, check_dtype=probe.dtype)
        if problem is not None and problem.kind == "dtype" and not self.keep_dtype:
            note = (f"a {np.asarray(expected).dtype} input came back as "
                    f"{np.asarray(result.value).dtype} (the values are right, and this exercise "
                    f"does not ask you to keep the precision). To keep it, cast once at the end: "
                    f"result.astype(x.dtype).")
            if note not in notes:
                notes.append(note)
            problem = None
        if problem is None:
            where = changed(list(args) + list(kwargs.values()), copies)
            if where is not None:
                problem = Problem("mutated", "modified its input in place", expected=expected,
                                  got=result.value)
        if problem is None and result.warnings:
            problem = Problem("warning", f"NumPy warned \"{result.warnings[0]}\"",
                              expected=expected, got=result.value)
        if problem is None:
            return None
        hint = self._diagnose(problem, probe, result, source, expected)
        headline = f"{problem.headline} on {probe.label}"
        return Verdict("failed", msg.failed(self.title, headline, self._evidence(problem, probe), hint))

    def _finite_input(self, probe, expected):
        finite = True
        for value in probe.args:
            if callable(value) or not isinstance(value, (np.ndarray, list, float, int)):
                continue
            try:
                arr = np.asarray(value, dtype=np.float64)
            except (TypeError, ValueError):
                continue
            if self.elementwise and self.output == "array" and arr.shape == np.shape(expected):
                finite = finite & np.isfinite(arr)
            else:
                finite = finite & bool(np.all(np.isfinite(arr)))
        return finite

    # --- messages --------------------------------------------------------------------
    def _call_text(self, probe, index=None):
        params = list(inspect.signature(self.reference).parameters)
        parts = []
        for i, value in enumerate(probe.args):
            name = params[i] if i < len(params) else f"arg{i}"
            if index is not None and isinstance(value, (np.ndarray, list)):
                arr = np.asarray(value)
                if arr.ndim and len(index) == arr.ndim and all(i < n for i, n in zip(index, arr.shape)):
                    parts.append(msg.labelled(name, msg.fmt_value(arr[index])))
                    continue
            parts.append(msg.labelled(name, msg.fmt_value(value)))
        for key, value in probe.kwargs.items():
            parts.append(msg.labelled(key, msg.fmt_value(value)))
        return parts

    def _evidence(self, problem, probe):
        if problem.kind in ("mutated", "warning", "dtype", "type", "none"):
            lines = self._call_text(probe)
            if problem.kind == "type" and problem.got is not None:
                lines.append(msg.labelled("got", msg.fmt_value(problem.got)))
            return lines
        index = problem.index if self.elementwise else None
        lines = self._call_text(probe, index)
        expected, got = problem.expected, problem.got
        if problem.part is not None:
            expected, got = expected[problem.part], got[problem.part]
        if index is not None and problem.kind in ("value", "nonfinite"):
            expected, got = np.asarray(expected)[index], np.asarray(got)[index]
        lines.append(msg.labelled("expected", msg.fmt_value(expected)))
        lines.append(msg.labelled("got", msg.fmt_value(got)))
        return lines

    def _fail_error(self, probe, result, source):
        lines = self._call_text(probe)
        lines.append(msg.labelled("error", msg.error_summary(result.error)))
        if result.error_line:
            lines.append(msg.labelled("where", result.error_line))
        hint = None
        for variant in self.variants:
            if "error" in variant.kinds and variant.source and re.search(variant.source, source):
                hint = variant.hint
                break
        hint = hint or msg.error_hint(result.error) or self.hints.get("error") or msg.DEFAULT_HINTS["error"]
        return Verdict("failed", msg.failed(self.title, f"raised an error on {probe.label}", lines, hint))

    def _fail_timeout(self, probe, result):
        extra = (" It is still running in the background: restart the kernel if Jupyter gets slow."
                 if result.still_running else "")
        return Verdict("failed", msg.failed(
            self.title, f"did not finish within {self.budget:g} s on {probe.label}; stopped it.",
            self._call_text(probe), self.hints.get("timeout", msg.DEFAULT_HINTS["timeout"]) + extra))

    # --- hints -----------------------------------------------------------------------
    def _diagnose(self, problem, probe, result, source, expected):
        for variant in self.variants:
            kinds = variant.kinds or _OUTPUT_KINDS
            if problem.kind not in kinds:
                continue
            if variant.source and not re.search(variant.source, source):
                continue
            if variant.fn is None or self._reproduces(variant.fn, problem, probe, result, expected):
                return variant.hint
        generic = _generic_hint(problem)
        return generic or self.hints.get(problem.kind) or msg.DEFAULT_HINTS.get(problem.kind)

    def _reproduces(self, wrong, problem, probe, result, expected):
        """Does this wrong implementation show the same problem on this probe?"""
        args, kwargs = probe.fresh()
        copies = snapshot(list(args) + list(kwargs.values()))
        trial = call(wrong, args, kwargs, self.budget)
        if trial.error is not None or trial.timed_out:
            return False
        if problem.kind == "warning":
            return bool(trial.warnings)
        if problem.kind == "mutated":
            return changed(list(args) + list(kwargs.values()), copies) is not None
        if problem.kind == "dtype":
            return np.asarray(trial.value).dtype == np.asarray(result.value).dtype
        if same_output(trial.value, expected, rtol=probe.rtol, atol=probe.atol):
            return False  # this variant is right on this probe: it does not explain the problem
        # "The same mistake": agrees with the student's output (tiny-value probes use atol=0).
        return same_output(trial.value, result.value, rtol=1e-5, atol=min(1e-8, probe.atol))

    # --- speed -----------------------------------------------------------------------
    def _run_speed(self, fn, notes):
        args, kwargs = self.speed()
        ref_time = min(_timed(self.reference, args, kwargs) for _ in range(3))
        for _ in range(3):
            result = call(fn, copy.deepcopy(args), dict(kwargs), self.budget)
            if result.timed_out:
                break
            if result.error is not None:
                return None  # correct on every probe; a failure here is not about speed
            threshold = max(SLOW_RATIO * ref_time, SLOW_FLOOR_S)
            if result.seconds < threshold:
                return None
            if result.seconds > 5 * threshold:
                break  # clearly slow: no need to wait for more runs
        size = np.size(args[0])
        hint = self.hints.get("slow", msg.DEFAULT_HINTS["slow"])
        if not self.vectorised:
            notes.append(f"it is correct but far slower than NumPy on {size:,} numbers (the task "
                         f"does not ask for speed). {hint}")
            return None
        return Verdict("failed", msg.failed(
            self.title,
            f"correct, but far slower than NumPy (more than {SLOW_RATIO:g}x the reference on "
            f"{size:,} numbers)", hint=hint))


def _timed(fn, args, kwargs):
    args = copy.deepcopy(args)
    start = time.perf_counter()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        fn(*args, **kwargs)
    return time.perf_counter() - start


def _generic_hint(problem):
    """Sign errors, factors of 2 and transposes are recognisable from the numbers alone."""
    if problem.kind != "value" or problem.part is not None:
        return None
    e, g = problem.expected, problem.got
    try:
        e = np.asarray(e, dtype=np.float64)
        g = np.asarray(g, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if e.shape != g.shape or not np.all(np.isfinite(e)) or not np.all(np.isfinite(g)):
        return None
    if np.any(np.abs(e) > 1e-8) and np.allclose(g, -e, rtol=1e-5, atol=1e-9):
        return "Every value has the wrong sign: look for a sign error (a − b written as b − a)."
    for factor, words in ((2.0, "twice"), (0.5, "half")):
        if np.any(np.abs(e) > 1e-8) and np.allclose(g, factor * e, rtol=1e-5, atol=1e-9):
            return (f"Every value is {words} the expected one: look for a missing or extra factor "
                    f"of 2 (e.g. dividing by h instead of 2h).")
    if e.ndim == 2 and e.shape[0] == e.shape[1] and np.allclose(g, e.T, rtol=1e-5, atol=1e-9):
        return "Your matrix is the transpose of the expected one: rows and columns are swapped."
    return None
