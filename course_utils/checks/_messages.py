"""The words a check prints: one result per check, deterministic (nbval compares them).

Every message starts with a mark and the exercise's title:
    ✓ sigmoid(x): passed ...
    … sigmoid(x): not implemented yet ...
    ✗ sigmoid(x): wrong value for large inputs (±1000) ...
followed, for a failure, by a counterexample (input, expected, got) and a hint.
"""

from __future__ import annotations

import re

import numpy as np

from .._validate import describe_type  # noqa: F401 - used as msg.describe_type

PASS, TODO, FAIL = "✓", "…", "✗"

# Hints for problems no exercise-specific hint explains.
DEFAULT_HINTS = {
    "none": "A `return` statement is missing (a function without one returns None).",
    "type": "Build the result with NumPy operations (np.exp, np.where, np.maximum, ...) so it is "
            "an array; a Python list or loop gives a list.",
    "shape": "Every output element should come from the input element at the same position: "
             "keep the input's shape (no reductions such as np.max or np.sum over the whole array).",
    "nonfinite": "Some intermediate value overflowed (exp of a large number is inf) or became "
                 "0/0; rearrange the formula so it never computes exp of a large positive number.",
    "value": "Compare your formula with the one in the exercise, term by term, on the input shown.",
    "dtype": "Keep the input's precision: NumPy float64 values (np.float64 scalars, arrays such "
             "as np.where(x > 0, 1.0, 0.0) or np.zeros(n)) turn float32 into float64. Use Python "
             "numbers and x.dtype (e.g. (x > 0).astype(x.dtype)), or cast once at the end.",
    "mutated": "Your function changed the caller's array (e.g. `x[x < 0] = 0` or `x += h`). Work on "
               "a copy (x = np.array(x, copy=True)) or use expressions that build a new array (np.where).",
    "warning": "NumPy warned while your function ran: an intermediate value overflowed or was "
               "invalid even if the final answer looks right. Rearrange so every exp sees a number <= 0.",
    "slow": "It looks like a per-element Python loop (or np.vectorize): write it with whole-array "
            "NumPy operations (np.exp, np.where, np.maximum, ...), which run in compiled code.",
    "error": "Read the error message and the line it points to.",
    "timeout": "Is there a loop that never ends (a `while` whose condition never changes)?",
}

# Error-message patterns → the usual cause, for exceptions raised inside the student's code.
_ERROR_HINTS = [
    (r"truth value of an array with more than one element is ambiguous",
     "`if x > 0:`, `max(x, 0)`, `and`/`or` look at one number at a time; for arrays use "
     "np.where(x > 0, a, b), np.maximum or np.minimum (they work on every element)."),
    (r"only (length-1|0-dimensional|size-1) arrays can be converted|cannot convert the series|"
     r"must be real number, not (list|numpy)",
     "math.exp, math.tanh and float() work on one number only; use np.exp, np.tanh, ... which "
     "work on whole arrays."),
    (r"bad operand type for unary -: 'list'|can't multiply sequence|unsupported operand type.*'list'|"
     r"'list' object has no attribute|can only concatenate list",
     "The input may be a Python list: convert it first with x = np.asarray(x)."),
    (r"'float' object has no attribute|'int' object has no attribute",
     "The input may be a plain number: convert it first with x = np.asarray(x)."),
    (r"name 'np' is not defined",
     "NumPy is not imported here: run the setup cell at the top (import numpy as np)."),
    (r"name '(\w+)' is not defined",
     "A name is used before it is defined: check the spelling, or run the cell that defines it."),
    (r"operands could not be broadcast together",
     "Two arrays have incompatible shapes; when dividing by a sum over an axis, keep that axis "
     "with keepdims=True."),
    (r"unexpected keyword argument|missing \d+ required positional argument|takes \d+ positional argument",
     "Keep the signature given in the exercise (the same argument names and defaults)."),
    (r"maximum recursion depth",
     "Your function calls itself: did it call a function with its own name (e.g. sigmoid inside "
     "sigmoid)? Use the course's version (activations.sigmoid) or write the formula out."),
    (r"axis .* is out of bounds",
     "Use the `axis` argument you were given (and keepdims=True), not a fixed axis number."),
]


def fmt_number(v, digits: int = 6) -> str:
    """A number at `digits` significant digits: stable across runs, readable in a message."""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    try:
        f = float(v)
    except (TypeError, ValueError):
        return short_repr(v)
    if np.isnan(f):
        return "nan"
    if np.isinf(f):
        return "inf" if f > 0 else "-inf"
    text = f"{f:.{digits}g}"
    return text if any(c in text for c in ".e") else text + ".0"


def fmt_value(v, limit: int = 16) -> str:
    """An array (small ones in full, 6 digits), a number, or a short repr of anything else."""
    if isinstance(v, np.ndarray) or (isinstance(v, (list, tuple)) and _numeric_list(v)):
        arr = np.asarray(v)
        if arr.ndim == 0:
            return fmt_number(arr[()])
        if arr.size <= limit:
            text = np.array2string(
                arr, precision=6, separator=", ", floatmode="maxprec", max_line_width=88
            )
            if arr.dtype == np.float32:
                text += " (float32)"
            return text
        return f"an array of shape {arr.shape} and dtype {arr.dtype}"
    if callable(v) and hasattr(v, "__name__"):
        module = getattr(v, "__module__", "") or ""
        prefix = "np." if module.startswith("numpy") else ""
        return prefix + v.__name__
    if isinstance(v, (float, int, np.floating, np.integer)):
        return fmt_number(v)
    return short_repr(v)


def _numeric_list(v) -> bool:
    try:
        return np.asarray(v).dtype.kind in "biuf"
    except (ValueError, TypeError):
        return False


def short_repr(v, limit: int = 80) -> str:
    try:
        text = repr(v)
    except Exception:  # noqa: BLE001 - a student's object may have a broken __repr__
        text = f"<{type(v).__name__} object>"
    # Memory addresses differ between runs: hide them.
    text = re.sub(r" at 0x[0-9a-fA-F]+", "", text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def error_hint(exc: BaseException) -> str | None:
    """The usual cause of an exception, from its message, or None."""
    text = f"{type(exc).__name__}: {exc}"
    for pattern, hint in _ERROR_HINTS:
        if re.search(pattern, text):
            return hint
    return None


def error_summary(exc: BaseException) -> str:
    """'TypeError: message' on one line, at most ~200 characters, no addresses."""
    message = " ".join(str(exc).split())
    message = re.sub(r" at 0x[0-9a-fA-F]+", "", message)
    if len(message) > 200:
        message = message[:197] + "..."
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def passed(title: str, detail: str) -> str:
    return f"{PASS} {title}: passed — {detail}"


def not_started(title: str, what: str = "implemented", caller: str | None = None) -> str:
    if caller:
        return (f"{TODO} {title}: not implemented yet — it calls {caller}, which still raises "
                f"NotImplementedError; finish {caller} first.")
    if what == "implemented":
        return (f"{TODO} {title}: not implemented yet — replace `raise NotImplementedError()` "
                f"with your code, run that cell, then run this check again.")
    return (f"{TODO} {title}: not answered yet — replace `raise NotImplementedError()` "
            f"with your answer, run that cell, then run this check again.")


def failed(title: str, headline: str, lines=(), hint: str | None = None) -> str:
    """The failure message: headline, then `labelled` lines with their '=' signs aligned."""
    out = [f"{FAIL} {title}: {headline}"]
    pairs = [line for line in lines if isinstance(line, tuple)]
    width = max([8] + [len(label) for label, _ in pairs])
    for line in lines:
        if isinstance(line, tuple):
            label, text = line
            pad = " " * (4 + width + 3)
            out.append(f"    {label:<{width}} = " + str(text).replace("\n", "\n" + pad))
        else:
            out.append(f"    {line}")
    if hint:
        out.append(f"  Hint: {hint}")
    return "\n".join(out)


def labelled(label: str, text: str) -> tuple:
    """A 'label = text' line for `failed` (which aligns the '=' signs)."""
    return (label, text)
