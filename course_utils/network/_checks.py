"""Argument checks shared by the network modules: every error names the argument and the value."""

from __future__ import annotations

import numbers

import numpy as np



def describe(value) -> str:
    """A short description of what a user passed, for error messages: "int 0", "str 'x'"."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of dtype {value.dtype} and shape {value.shape}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    return f"{type(value).__name__} {value!r}"[:80]


def positive_number(value, owner: str, arg: str) -> float:
    """`value` as a float > 0 (finite), or ValueError naming `owner`, `arg` and the value."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{owner}: {arg} must be a positive number, got {describe(value)}")
    value = float(value)
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{owner}: {arg} must be a positive number, got {value}")
    return value


def fraction(value, owner: str, arg: str, low_open=False) -> float:
    """`value` as a float in [0, 1) (or (0, 1) with low_open), else ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{owner}: {arg} must be a number in [0, 1), got {describe(value)}")
    value = float(value)
    ok = (0.0 < value < 1.0) if low_open else (0.0 <= value < 1.0)
    if not ok:
        interval = "(0, 1)" if low_open else "[0, 1)"
        raise ValueError(f"{owner}: {arg} must be in {interval}, got {value}")
    return value


def positive_int(value, owner: str, arg: str) -> int:
    """`value` as an int ≥ 1, or ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{owner}: {arg} must be a positive integer, got {describe(value)}")
    return int(value)


def finite_number(value, owner: str, arg: str) -> float:
    """`value` as a finite float, or ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{owner}: {arg} must be a finite number, got {describe(value)}")
    return float(value)


def matrix(X, owner: str, arg: str = "X", columns=None) -> np.ndarray:
    """`X` as a 2-D float64 array of finite numbers (n_samples, n_features)."""
    if X is None:
        raise ValueError(f"{owner}: {arg} must be a 2-D array (samples × features), got None")
    arr = np.asarray(X)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{owner}: {arg} must hold real numbers, got {describe(X)}")
    if arr.ndim != 2:
        raise ValueError(
            f"{owner}: {arg} must be 2-D (samples × features), got shape {arr.shape}"
            + ("; use X.reshape(-1, 1) for one feature" if arr.ndim == 1 else "")
        )
    if arr.shape[0] == 0:
        raise ValueError(f"{owner}: {arg} has no rows (shape {arr.shape})")
    if columns is not None and arr.shape[1] != columns:
        raise ValueError(
            f"{owner}: {arg} has {arr.shape[1]} feature(s) (shape {arr.shape}) "
            f"but the network expects {columns}"
        )
    arr = arr.astype(np.float64, copy=False)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{owner}: {arg} contains NaN or inf")
    return arr
