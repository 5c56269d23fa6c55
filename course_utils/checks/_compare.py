"""Compare what the student's function returned with the reference, and say what is wrong first.

Order of questions (the first "no" is the one reported): did it return something (not None)?
the right kind of thing (an array, a number, a pair of arrays)? the right shape? finite where
the input was finite? the right values? the input's dtype?
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from ._messages import describe_type, fmt_value


@dataclass
class Problem:
    """One thing wrong with one probe's output."""

    kind: str  # none | type | shape | nonfinite | value | dtype | mutated | warning | slow | error | timeout
    headline: str
    index: tuple | None = None  # worst element (elementwise outputs), for showing the input there
    part: int | None = None  # which output of a tuple (e.g. 0 for W, 1 for b)
    expected: object = None
    got: object = None


def _as_real_array(value):
    try:
        arr = np.asarray(value)
    except Exception:  # noqa: BLE001 - a student's object may raise anything from __array__
        return None
    if arr.dtype.kind not in "biuf":
        return None
    return arr


def compare(got, expected, *, kind="array", names=None, finite_input=True, rtol=1e-6,
            atol=1e-10, nan=True, check_dtype=True):
    """The first problem with `got` (None when it matches `expected`).

    kind: "array" (an ndarray of expected's shape), "number" (a real scalar), "integer"
    (a whole number), "arrays" (a tuple of arrays; `names` names them) or "numbers" (a list
    of numbers, e.g. one per layer).
    finite_input: a bool, or a boolean array of the output's shape (elementwise functions).
    """
    if got is None:
        return Problem("none", "returned None", expected=expected, got=got)
    if kind == "arrays":
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            what = " and ".join(names or [f"{len(expected)} arrays"])
            return Problem("type", f"should return a tuple ({what}), returned {describe_type(got)}",
                           expected=expected, got=got)
        for i, (g, e) in enumerate(zip(got, expected)):
            problem = compare(g, e, kind="array", finite_input=finite_input, rtol=rtol, atol=atol,
                              nan=nan, check_dtype=check_dtype)
            if problem is not None:
                name = names[i] if names else f"output {i}"
                problem.headline = f"{name}: {problem.headline}"
                problem.part = i
                return problem
        return None
    if kind in ("number", "integer"):
        return _compare_number(got, expected, kind, rtol, atol)
    if kind == "numbers":
        if isinstance(got, np.ndarray) and got.ndim == 1:
            got = list(got)
        if not isinstance(got, (list, tuple)):
            return Problem("type", f"should return a list of {len(expected)} numbers, returned "
                           f"{describe_type(got)}", expected=expected, got=got)
        if len(got) != len(expected):
            return Problem("shape", f"returned {len(got)} numbers, expected {len(expected)}",
                           expected=expected, got=got)
        arr = _as_real_array(got)
        if arr is None or arr.ndim != 1:
            return Problem("type", "should return a list of plain numbers", expected=expected, got=got)
        return _compare_values(arr.astype(np.float64), np.asarray(expected, np.float64),
                               finite_input, rtol, atol, nan)
    return _compare_array(got, expected, finite_input, rtol, atol, nan, check_dtype)


def _compare_number(got, expected, kind, rtol, atol):
    if isinstance(got, np.ndarray) and got.size == 1:
        got = got.reshape(())[()]
    if isinstance(got, np.ndarray):
        return Problem("type", f"should return one number, returned {describe_type(got)}",
                       expected=expected, got=got)
    if isinstance(got, bool) or not isinstance(got, numbers.Real):
        return Problem("type", f"should return a number, returned {describe_type(got)}",
                       expected=expected, got=got)
    if kind == "integer" and not float(got).is_integer():
        return Problem("value", "should return a whole number (a count)", expected=expected, got=got)
    e, g = float(expected), float(got)
    same = (np.isnan(e) and np.isnan(g)) or (e == g) or abs(g - e) <= atol + rtol * abs(e)
    if not same:
        return Problem("value", "wrong value", expected=expected, got=got)
    return None


def _compare_array(got, expected, finite_input, rtol, atol, nan, check_dtype):
    expected = np.asarray(expected)
    if isinstance(got, (list, tuple)):
        return Problem("type", f"returned {describe_type(got)} instead of a NumPy array",
                       expected=expected, got=got)
    arr = _as_real_array(got)
    if arr is None:
        return Problem("type", f"returned {describe_type(got)} instead of an array of numbers",
                       expected=expected, got=got)
    if arr.shape != expected.shape:
        return Problem("shape", f"returned shape {arr.shape}, expected shape {expected.shape}",
                       expected=expected, got=arr)
    problem = _compare_values(arr, expected, finite_input, rtol, atol, nan)
    if problem is not None:
        return problem
    if check_dtype and arr.dtype != expected.dtype:
        return Problem("dtype", f"returned dtype {arr.dtype} for a {expected.dtype} input "
                       f"(the values are right)", expected=expected, got=arr)
    return None


def _compare_values(arr, expected, finite_input, rtol, atol, nan):
    """Elementwise comparison; reports the worst element."""
    e = expected.astype(np.float64)
    g = arr.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        close = np.isclose(g, e, rtol=rtol, atol=atol) | (g == e)
    both_nan = np.isnan(e) & np.isnan(g)
    close |= both_nan
    if not nan:
        close |= np.isnan(e)
    if close.all():
        return None
    finite = np.broadcast_to(np.asarray(finite_input, bool), e.shape)
    blown = ~close & finite & np.isfinite(e) & ~np.isfinite(g)
    if blown.any():
        index = _first(blown)
        return Problem("nonfinite", f"returned {fmt_value(g[index])} for a finite input",
                       index=index, expected=expected, got=arr)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        score = np.abs(g - e) / (atol + rtol * np.abs(e))
    score = np.where(close, -1.0, np.where(np.isnan(score), np.inf, score))
    index = np.unravel_index(int(np.argmax(score)), e.shape) if e.ndim else ()
    return Problem("value", "wrong value", index=tuple(int(i) for i in index),
                   expected=expected, got=arr)


def _first(mask):
    return tuple(int(i) for i in np.argwhere(mask)[0]) if mask.ndim else ()


def same_output(a, b, rtol=1e-6, atol=1e-10) -> bool:
    """True when two outputs (arrays, numbers or tuples of them) agree, NaN equal to NaN."""
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)) and not _is_numeric_seq(a):
        return len(a) == len(b) and all(same_output(x, y, rtol, atol) for x, y in zip(a, b))
    x, y = _as_real_array(a), _as_real_array(b)
    if x is None or y is None or x.shape != y.shape:
        return False
    with np.errstate(invalid="ignore", over="ignore"):
        return bool(np.all(np.isclose(x.astype(float), y.astype(float), rtol=rtol, atol=atol,
                                      equal_nan=True) | (x == y)))


def _is_numeric_seq(v) -> bool:
    return all(isinstance(i, numbers.Real) for i in v)


def snapshot(values):
    """Copies of every array/list among `values`, to detect in-place changes afterwards."""
    out = []
    for v in values:
        if isinstance(v, np.ndarray):
            out.append(v.copy())
        elif isinstance(v, list):
            out.append(list(v))
        else:
            out.append(None)
    return out


def changed(values, copies) -> int | None:
    """The position of the first argument that was modified in place, or None."""
    for i, (v, c) in enumerate(zip(values, copies)):
        if c is None:
            continue
        if isinstance(c, np.ndarray):
            if v.shape != c.shape or not np.array_equal(v, c, equal_nan=c.dtype.kind == "f"):
                return i
        elif len(v) != len(c) or any(
            not (a == b or (a != a and b != b)) for a, b in zip(v, c)
        ):
            return i
    return None
