"""Argument checks shared by every package: what a user passed, in words; numbers in a range;
names looked up in a registry. Each error names the function, the argument and what was given:

    Adam: lr must be a positive number, got str 'fast'
    make_moons: n must be an integer ≥ 1, got 2.5
    unknown activation 'rleu'; valid names: sigmoid, tanh, ... (aliases: swish)

Internal (no student needs it); it imports nothing from course_utils, so any package can use it.
"""

from __future__ import annotations

import inspect
import numbers

import numpy as np


# --- what a user passed, in words ----------------------------------------------------------
def is_number(value) -> bool:
    """A real number (int, float, NumPy scalar) but not a bool: True is not a learning rate."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def is_integer(value) -> bool:
    """An int or NumPy integer, but not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def describe_type(value) -> str:
    """The kind of thing passed, without its value: 'None', 'a list', 'an int',
    'an array of shape (3,) (dtype float64)'."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} (dtype {value.dtype})"
    name = type(value).__name__
    article = "an" if name[:1].lower() in "aeiou" else "a"
    return f"{article} {name}"


def describe(value) -> str:
    """What a user passed, for error messages: a number as itself ("2.5", "True"), anything
    else as its kind plus a glimpse: "str 'fast'", "a list of NoneType/float (length 2)",
    "an array of shape (3,) (dtype <U1)", "None".

    Example:
        >>> describe(0.5), describe("fast"), describe([1.0, None])
        ('0.5', "str 'fast'", 'a list of NoneType/float (length 2)')
    """
    if value is None or isinstance(value, np.ndarray):
        return describe_type(value)
    if isinstance(value, (numbers.Number, np.bool_)):
        return repr(value.item() if isinstance(value, np.generic) else value)[:80]
    if isinstance(value, (list, tuple)):
        kinds = "/".join(sorted({type(v).__name__ for v in value})) or "nothing"
        return f"a {type(value).__name__} of {kinds} (length {len(value)})"
    return f"{type(value).__name__} {value!r}"[:80]


# --- numbers ---------------------------------------------------------------------------------
def real(value, owner: str, arg: str, *, above=None, at_least=None, below=None,
         at_most=None) -> float:
    """`value` as a finite float within the bounds, or ValueError naming `owner` and `arg`.

    Example:
        >>> real(0.9, "SGD", "momentum", at_least=0, below=1)
        0.9
        >>> real(1, "SGD", "momentum", at_least=0, below=1)
        Traceback (most recent call last):
        ValueError: SGD: momentum must be a number with 0 ≤ momentum < 1, got 1.0
    """
    return _number(value, owner, arg, False, above, at_least, below, at_most)


def integer(value, owner: str, arg: str, *, at_least=None, at_most=None) -> int:
    """`value` as an int within the bounds, or ValueError naming `owner` and `arg`.

    Example:
        >>> integer(0, "Dense", "n_in", at_least=1)
        Traceback (most recent call last):
        ValueError: Dense: n_in must be a positive integer, got 0
    """
    return _number(value, owner, arg, True, None, at_least, None, at_most)


def _number(value, owner, arg, whole, above, at_least, below, at_most):
    kind_ok = is_integer(value) if whole else is_number(value)
    if kind_ok:
        value = int(value) if whole else float(value)
        ok = np.isfinite(value) and all((
            above is None or value > above, at_least is None or value >= at_least,
            below is None or value < below, at_most is None or value <= at_most))
        if ok:
            return value
    shown = repr(value) if kind_ok else describe(value)
    requirement = _requirement(arg, whole, above, at_least, below, at_most)
    raise ValueError(f"{owner}: {arg} must be {requirement}, got {shown}")


def _requirement(arg, whole, above, at_least, below, at_most) -> str:
    """In words: 'a positive integer', 'an integer from 1 to 30', 'a finite number ≥ 0',
    'a number with 0 < factor < 1', ..."""
    a = "an integer" if whole else "a number"
    low, low_sign = (above, "<") if above is not None else (at_least, "≤")
    high, high_sign = (below, "<") if below is not None else (at_most, "≤")
    if low is None and high is None:
        return "an integer" if whole else "a finite number"
    if high is None:
        if above == 0 or (whole and at_least == 1):
            return f"a positive {'integer' if whole else 'number'}"
        return f"{'an integer' if whole else 'a finite number'} {'>' if above is not None else '≥'} {low:g}"
    if low is None:
        return f"{a} {high_sign} {high:g}"
    if at_least is not None and at_most is not None:
        return f"{a} from {low:g} to {high:g}"
    return f"{a} with {low:g} {low_sign} {arg} {high_sign} {high:g}"


def flag(value, owner: str, arg: str) -> bool:
    """`value` as a bool (True, False or a NumPy bool), or ValueError."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{owner}: {arg} must be True or False, got {value!r}")
    return bool(value)


def one_of(value, options, owner: str, arg: str):
    """`value` if it is one of `options`, else ValueError listing them."""
    if value not in options:
        raise ValueError(f"{owner}: {arg} must be one of {list(options)}, got {value!r}")
    return value


def real_range(value, owner: str, arg: str = "x_range") -> tuple[float, float]:
    """(low, high) as finite floats with low < high, or ValueError saying what is wrong."""
    try:
        low, high = value
        ok = is_number(low) and is_number(high)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError(f"{owner}: {arg} must be two numbers (low, high), got {value!r}")
    low, high = float(low), float(high)
    if not (np.isfinite(low) and np.isfinite(high)):
        raise ValueError(f"{owner}: {arg} must be finite, got {value!r}")
    if low >= high:
        kind = "empty" if low == high else "reversed"
        raise ValueError(f"{owner}: {arg} is {kind}: need low < high, got {value!r}")
    return low, high


def real_vector(value, owner: str, arg: str, min_size: int = 1, max_size=None) -> np.ndarray:
    """A 1-D float64 array of finite numbers with min_size to max_size entries, or ValueError."""
    try:
        arr = np.asarray(value)
    except ValueError:  # ragged nested lists
        arr = np.array(None)
    size = f"{min_size} to {max_size}" if max_size else f"at least {min_size}"
    if (arr.dtype.kind not in "iuf" or arr.ndim != 1 or arr.size < min_size
            or (max_size and arr.size > max_size)):
        shown = f"shape {arr.shape}" if arr.dtype.kind in "iuf" else describe(value)
        raise ValueError(f"{owner}: {arg} must be a 1-D array of {size} real numbers, got {shown}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{owner}: {arg} must be finite (no nan or inf), got {value!r}"[:200])
    return arr.astype(np.float64)


# --- names -----------------------------------------------------------------------------------
class Registry:
    """Names → entries (classes, or descriptions), with aliases, looked up case-insensitively
    ("Leaky-ReLU" finds "leaky_relu"); an unknown name is a ValueError listing the valid ones.

    Args:
        kind: what the names name, for messages ("activation", "loss", ...).
        entries: canonical name → entry, in the order `names()` lists them.
        aliases: other spelling → canonical name.
        instance_of: `get` returns an instance of this class unchanged.

    Example:
        >>> shapes = Registry("shape", {"square": dict, "circle": list}, {"round": "circle"})
        >>> shapes.key("Round")
        'circle'
        >>> shapes.key("oval")
        Traceback (most recent call last):
        ValueError: unknown shape 'oval'; valid names: square, circle (aliases: round)
    """

    def __init__(self, kind: str, entries: dict, aliases: dict | None = None, instance_of=None):
        self.kind, self.entries, self.aliases = kind, dict(entries), dict(aliases or {})
        self.instance_of = instance_of

    def names(self) -> list[str]:
        """The canonical names, in order."""
        return list(self.entries)

    def key(self, name) -> str:
        """The canonical name for `name` (any case, '-' for '_', or an alias)."""
        key = name.strip().lower().replace("-", "_") if isinstance(name, str) else None
        key = self.aliases.get(key, key)
        if key not in self.entries:
            also = f" (aliases: {', '.join(self.aliases)})" if self.aliases else ""
            raise ValueError(
                f"unknown {self.kind} {name!r}; valid names: {', '.join(self.entries)}{also}")
        return key

    def get(self, name, **params):
        """A new instance of the entry for `name` with `params`; an `instance_of` instance is
        returned as it is (then `params` must be empty)."""
        if self.instance_of is not None and isinstance(name, self.instance_of):
            if params:
                raise ValueError(f"get: pass hyperparameters only with a name, got {name!r} and {params}")
            return name
        key = self.key(name)
        cls = self.entries[key]
        try:
            inspect.signature(cls).bind(**params)
        except TypeError:
            accepted = list(inspect.signature(cls).parameters)
            raise ValueError(f"{key}: unexpected hyperparameter(s) {sorted(params)}; "
                             f"{key} accepts {accepted or 'none'}") from None
        return cls(**params)
