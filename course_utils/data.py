"""Seeded datasets: five 2-D toy problems and scikit-learn's bundled handwritten digits.

Nothing is downloaded: the toy sets are generated here and the digits (8×8 images, 1797
samples, 10 classes) ship inside scikit-learn. The same seed always gives the same numbers.

    make_xor, make_moons, make_spirals, make_circles   → (X, y): X (n, 2) float64, y (n,) int64
    make_two_spirals                                   the same, two interleaved spirals (lesson 12)
    train_test_split(X, y)                             → Split(X_train, X_test, y_train, y_test)
    Standardizer, standardize(split)                   zero mean, unit variance from the training rows
    load_digits()                                      → Split, standardised by default

Introduced in lesson 08.

Example:
    >>> from course_utils import data
    >>> X, y = data.make_spirals(300, classes=3, seed=0)
    >>> X.shape, sorted(set(y.tolist()))
    ((300, 2), [0, 1, 2])
    >>> split = data.standardize(data.train_test_split(X, y, test_size=0.25, seed=0))
    >>> split.X_train.shape, split.X_test.shape
    ((225, 2), (75, 2))
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validate import integer, real


class Split(NamedTuple):
    """A train/test split: X_train, X_test, y_train, y_test (unpacks like scikit-learn's)."""

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray


def _shuffled(X, y, rng):
    order = rng.permutation(len(y))
    return X[order], y[order]


def _counts(n, k):
    """n split into k near-equal parts (the first ones get the remainder)."""
    return [n // k + (i < n % k) for i in range(k)]


# --- generators -------------------------------------------------------------------------
def make_xor(n=200, noise=0.2, seed=0):
    r"""The XOR problem: four Gaussian blobs at (±1, ±1); class 1 where the signs differ.

    Formula:
        corner c ∈ {(−1,−1), (−1,1), (1,−1), (1,1)},  x = c + noise·N(0, I),  y = [c₁ ≠ c₂]

    No straight line separates the classes: the smallest problem that needs a hidden layer.

    Args:
        n: number of points, ≥ 1 (default 200), shared as evenly as possible by the corners.
        noise: the blobs' standard deviation, ≥ 0 (default 0.2).
        seed: int seed (default 0).

    Returns:
        (X, y): X float64 (n, 2), y int64 (n,) in {0, 1}, rows shuffled.

    Example:
        >>> from course_utils.data import make_xor
        >>> X, y = make_xor(8, noise=0.0, seed=0)
        >>> bool(((X[:, 0] * X[:, 1] < 0) == (y == 1)).all())
        True

    Reference:
        Minsky & Papert (1969), "Perceptrons", MIT Press.
    """
    n = integer(n, "make_xor", "n", at_least=1)
    noise = real(noise, "make_xor", "noise", at_least=0)
    rng = np.random.default_rng(seed)
    corners = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
    which = np.repeat(np.arange(4), _counts(n, 4))
    X = corners[which] + noise * rng.standard_normal((n, 2))
    y = (corners[which, 0] != corners[which, 1]).astype(np.int64)
    return _shuffled(X, y, rng)


def make_moons(n=200, noise=0.1, seed=0):
    r"""Two interleaving half circles (as scikit-learn's `make_moons`).

    Formula:
        class 0: (cos t, sin t),  class 1: (1 − cos t, 0.5 − sin t),  t ∈ [0, π],
        plus noise·N(0, I)

    Args:
        n: number of points, ≥ 1 (default 200); class 0 gets the extra one when n is odd.
        noise: standard deviation of the added Gaussian noise, ≥ 0 (default 0.1).
        seed: int seed (default 0).

    Returns:
        (X, y): X float64 (n, 2), y int64 (n,) in {0, 1}, rows shuffled.

    Example:
        >>> from course_utils.data import make_moons
        >>> X, y = make_moons(101, seed=0)
        >>> X.shape, int(y.sum())
        ((101, 2), 50)

    Reference:
        scikit-learn, `sklearn.datasets.make_moons` (same construction).
    """
    n = integer(n, "make_moons", "n", at_least=1)
    noise = real(noise, "make_moons", "noise", at_least=0)
    rng = np.random.default_rng(seed)
    n0, n1 = _counts(n, 2)
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n1)
    X = np.concatenate([np.column_stack([np.cos(t0), np.sin(t0)]),
                        np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])])
    X += noise * rng.standard_normal(X.shape)
    y = np.repeat(np.array([0, 1], dtype=np.int64), [n0, n1])
    return _shuffled(X, y, rng)


def make_spirals(n=300, classes=3, noise=0.2, seed=0):
    r"""Interleaved spiral arms, one per class (the CS231n spiral set).

    Formula:
        class k: r = linspace(0, 1),  θ = linspace(4k, 4(k+1)) + noise·N(0, 1),
        x = (r sin θ, r cos θ)

    Args:
        n: total number of points, ≥ classes (default 300), shared evenly by the classes.
        classes: number of arms, ≥ 2 (default 3).
        noise: standard deviation of the angle noise in radians, ≥ 0 (default 0.2).
        seed: int seed (default 0).

    Returns:
        (X, y): X float64 (n, 2) inside the unit disc, y int64 (n,) in [0, classes), shuffled.

    Example:
        >>> from course_utils.data import make_spirals
        >>> X, y = make_spirals(90, classes=3, seed=0)
        >>> [int((y == k).sum()) for k in range(3)]
        [30, 30, 30]

    Reference:
        Karpathy, CS231n "Putting it together: Minimal Neural Network Case Study" (2016).
    """
    classes = integer(classes, "make_spirals", "classes", at_least=2)
    n = integer(n, "make_spirals", "n", at_least=classes)
    noise = real(noise, "make_spirals", "noise", at_least=0)
    rng = np.random.default_rng(seed)
    Xs, ys = [], []
    for k, m in enumerate(_counts(n, int(classes))):
        r = np.linspace(0.0, 1.0, m)
        theta = np.linspace(4.0 * k, 4.0 * (k + 1), m) + noise * rng.standard_normal(m)
        Xs.append(np.column_stack([r * np.sin(theta), r * np.cos(theta)]))
        ys.append(np.full(m, k, dtype=np.int64))
    return _shuffled(np.concatenate(Xs), np.concatenate(ys), rng)


def make_circles(n=200, noise=0.05, factor=0.5, seed=0):
    r"""Two concentric circles (as scikit-learn's `make_circles`): class 1 is the inner one.

    Formula:
        class 0: (cos t, sin t),  class 1: factor·(cos t, sin t),  t ∈ [0, 2π),
        plus noise·N(0, I)

    Args:
        n: number of points, ≥ 1 (default 200); the outer circle gets the extra one.
        noise: standard deviation of the added Gaussian noise, ≥ 0 (default 0.05).
        factor: inner radius over outer radius, 0 < factor < 1 (default 0.5).
        seed: int seed (default 0).

    Returns:
        (X, y): X float64 (n, 2), y int64 (n,) in {0, 1}, rows shuffled.

    Example:
        >>> import numpy as np
        >>> from course_utils.data import make_circles
        >>> X, y = make_circles(100, noise=0.0, seed=0)
        >>> sorted(set(np.round(np.hypot(X[:, 0], X[:, 1]), 6).tolist()))
        [0.5, 1.0]

    Reference:
        scikit-learn, `sklearn.datasets.make_circles` (same construction).
    """
    n = integer(n, "make_circles", "n", at_least=1)
    noise = real(noise, "make_circles", "noise", at_least=0)
    factor = real(factor, "make_circles", "factor", above=0, below=1)
    rng = np.random.default_rng(seed)
    n0, n1 = _counts(n, 2)
    t0 = np.linspace(0, 2 * np.pi, n0, endpoint=False)
    t1 = np.linspace(0, 2 * np.pi, n1, endpoint=False)
    X = np.concatenate([np.column_stack([np.cos(t0), np.sin(t0)]),
                        factor * np.column_stack([np.cos(t1), np.sin(t1)])])
    X += noise * rng.standard_normal(X.shape)
    y = np.repeat(np.array([0, 1], dtype=np.int64), [n0, n1])
    return _shuffled(X, y, rng)


def make_two_spirals(n=200, noise=0.05, turns=1.25, seed=0):
    r"""Two interleaved spirals, one per class, the second turned by half a circle.

    Formula:
        t ∈ (0, 1) evenly spaced,  θ = 2π·turns·t + π·k,  x = (t sin θ, t cos θ) + noise·N(0, I)
        for class k ∈ {0, 1}

    The classic hard problem for small networks (Lang & Witbrock's "two spirals"; TensorFlow
    Playground's spiral): both arms wind around the same centre, so the boundary between them
    winds too. Unlike `make_spirals`, whose arms follow one another around the circle.

    Args:
        n: number of points, ≥ 2 (default 200); class 0 gets the extra one when n is odd.
        noise: standard deviation of the added Gaussian noise, ≥ 0 (default 0.05).
        turns: how many times each arm winds around the centre, > 0 (default 1.25).
        seed: int seed (default 0).

    Returns:
        (X, y): X float64 (n, 2), y int64 (n,) in {0, 1}, rows shuffled.

    Example:
        >>> import numpy as np
        >>> from course_utils.data import make_two_spirals
        >>> X, y = make_two_spirals(100, noise=0.0, seed=0)
        >>> X.shape, int(y.sum()), bool(np.hypot(X[:, 0], X[:, 1]).max() < 1)
        ((100, 2), 50, True)

    Reference:
        Lang & Witbrock (1988), "Learning to tell two spirals apart", Proceedings of the 1988
        Connectionist Models Summer School.
    """
    n = integer(n, "make_two_spirals", "n", at_least=2)
    noise = real(noise, "make_two_spirals", "noise", at_least=0)
    turns = real(turns, "make_two_spirals", "turns", above=0)
    rng = np.random.default_rng(seed)
    Xs, ys = [], []
    for k, m in enumerate(_counts(n, 2)):
        t = (np.arange(m) + 0.5) / m
        theta = 2.0 * np.pi * float(turns) * t + np.pi * k
        Xs.append(np.column_stack([t * np.sin(theta), t * np.cos(theta)]))
        ys.append(np.full(m, k, dtype=np.int64))
    X = np.concatenate(Xs) + noise * rng.standard_normal((n, 2))
    return _shuffled(X, np.concatenate(ys), rng)


# --- splitting and scaling ----------------------------------------------------------------
def train_test_split(X, y, test_size=0.25, seed=0) -> Split:
    """Shuffle the rows (seeded) and hold out a fraction for testing.

    Args:
        X: (n, features) array; y: (n,) array, n ≥ 2.
        test_size: the held-out fraction, 0 < test_size < 1 (default 0.25); the test set
            gets ceil(test_size·n) rows (at least 1), the training set at least 1.
        seed: int seed (default 0).

    Returns:
        Split(X_train, X_test, y_train, y_test).

    Example:
        >>> import numpy as np
        >>> from course_utils.data import train_test_split
        >>> split = train_test_split(np.arange(20.0).reshape(10, 2), np.arange(10), test_size=0.3)
        >>> len(split.y_train), len(split.y_test), sorted(np.concatenate(split[2:]).tolist()) == list(range(10))
        (7, 3, True)
    """
    test_size = real(test_size, "train_test_split", "test_size", above=0, below=1)
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"train_test_split: X must be 2-D (samples × features), got shape {X.shape}")
    if y.shape[:1] != X.shape[:1]:
        raise ValueError(f"train_test_split: y has shape {y.shape} but X has {X.shape[0]} rows")
    n = X.shape[0]
    if n < 2:
        raise ValueError(f"train_test_split: need at least 2 rows to split, got {n}")
    n_test = min(max(int(np.ceil(test_size * n)), 1), n - 1)
    order = np.random.default_rng(seed).permutation(n)
    test, train = order[:n_test], order[n_test:]
    return Split(X[train], X[test], y[train], y[test])


class Standardizer:
    r"""Scale each feature to zero mean and unit variance, using statistics of the training rows.

    Formula:
        x' = (x − mean) / std,   mean and std per feature from `fit`; a constant feature
        (std = 0) is only centred (std taken as 1).

    Fit on the training set only, then transform both sets: statistics from the test set
    would leak it into training.

    Example:
        >>> import numpy as np
        >>> from course_utils.data import Standardizer
        >>> scaler = Standardizer().fit(np.array([[0.0, 5.0], [2.0, 5.0]]))
        >>> scaler.transform(np.array([[1.0, 5.0], [4.0, 6.0]]))
        array([[0., 0.],
               [3., 1.]])
    """

    def __init__(self):
        self.mean_ = None
        self.std_ = None

    def fit(self, X) -> "Standardizer":
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[0] == 0:
            raise ValueError(f"Standardizer.fit: X must be 2-D with at least one row, got shape {X.shape}")
        self.mean_ = X.mean(axis=0)
        std = X.std(axis=0)
        self.std_ = np.where(std > 0, std, 1.0)
        return self

    def _check(self, X, owner):
        if self.mean_ is None:
            raise RuntimeError(f"Standardizer.{owner}: call fit first")
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.mean_.size:
            raise ValueError(
                f"Standardizer.{owner}: X must have shape (n, {self.mean_.size}), got {X.shape}"
            )
        return X

    def transform(self, X) -> np.ndarray:
        return (self._check(X, "transform") - self.mean_) / self.std_

    def fit_transform(self, X) -> np.ndarray:
        return self.fit(X).transform(X)

    def inverse_transform(self, X) -> np.ndarray:
        return self._check(X, "inverse_transform") * self.std_ + self.mean_


def standardize(split: Split) -> Split:
    """The same split with features standardised by the training rows' statistics."""
    scaler = Standardizer().fit(split.X_train)
    return Split(scaler.transform(split.X_train), scaler.transform(split.X_test),
                 split.y_train, split.y_test)


_standardize_split = standardize  # `load_digits` has an argument of the same name
_DIGITS = None


def load_digits(test_size=0.25, seed=0, standardize=True) -> Split:
    """scikit-learn's bundled handwritten digits (no download), split and standardised.

    1797 grey-scale 8×8 images (64 features, values 0–16) of the digits 0–9.

    Args:
        test_size: held-out fraction, 0 < test_size < 1 (default 0.25 → 1347 train, 450 test).
        seed: seeds the split (default 0).
        standardize: scale features by the training rows' mean and std (default True);
            False keeps the raw 0–16 pixel values.

    Returns:
        Split with X float64 (·, 64) and y int64 (·,) in [0, 9].

    Example:
        >>> from course_utils.data import load_digits
        >>> split = load_digits()
        >>> split.X_train.shape, split.X_test.shape, int(split.y_train.max())
        ((1347, 64), (450, 64), 9)

    Reference:
        Alpaydin & Kaynak (1998), "Optical Recognition of Handwritten Digits", UCI Machine
        Learning Repository; scikit-learn `sklearn.datasets.load_digits`.
    """
    test_size = real(test_size, "load_digits", "test_size", above=0, below=1)
    from sklearn.datasets import load_digits as _sk_load_digits  # bundled with scikit-learn

    global _DIGITS
    if _DIGITS is None:  # parse the bundled file once per session
        raw = _sk_load_digits()
        _DIGITS = (raw.data.astype(np.float64), raw.target.astype(np.int64))
    X, y = _DIGITS  # indexing below copies: the cache never leaks to the caller
    split = train_test_split(X, y, test_size=test_size, seed=seed)
    return _standardize_split(split) if standardize else split
