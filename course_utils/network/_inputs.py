"""The data a network is given: X as a 2-D float64 array of finite numbers, or a clear error."""

from __future__ import annotations

import numpy as np

from .._validate import describe


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
