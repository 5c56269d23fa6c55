"""course_utils.data: seeded generators, splitting, standardisation and the bundled digits."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import data

GENERATORS = {
    "make_xor": data.make_xor,
    "make_moons": data.make_moons,
    "make_spirals": data.make_spirals,
    "make_circles": data.make_circles,
    "make_two_spirals": data.make_two_spirals,
}


@pytest.mark.parametrize("name", GENERATORS)
def test_generators_return_float_features_and_int_labels(name):
    X, y = GENERATORS[name](120, seed=0)
    assert X.shape == (120, 2) and X.dtype == np.float64
    assert y.shape == (120,) and y.dtype == np.int64
    assert np.all(np.isfinite(X))
    counts = np.bincount(y)
    assert counts.min() >= counts.max() - 1  # classes balanced to within one point
    assert len(counts) == (3 if name == "make_spirals" else 2)


@pytest.mark.parametrize("name", GENERATORS)
def test_generators_are_seeded(name):
    make = GENERATORS[name]
    X1, y1 = make(50, seed=3)
    X2, y2 = make(50, seed=3)
    X3, _ = make(50, seed=4)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", GENERATORS)
def test_rows_are_shuffled(name):
    _, y = GENERATORS[name](100, seed=0)
    assert not np.all(np.diff(y) >= 0)


@pytest.mark.parametrize("name", ["make_xor", "make_moons", "make_circles"])
def test_one_point_is_enough(name):
    X, y = GENERATORS[name](1, seed=0)
    assert X.shape == (1, 2) and y.shape == (1,)


def test_xor_labels_are_the_xor_of_the_signs_without_noise():
    X, y = data.make_xor(40, noise=0.0)
    np.testing.assert_array_equal(np.abs(X), 1.0)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(int))


def test_moons_without_noise_lie_on_their_half_circles():
    X, y = data.make_moons(60, noise=0.0)
    r0 = np.hypot(X[y == 0, 0], X[y == 0, 1])
    r1 = np.hypot(X[y == 1, 0] - 1.0, X[y == 1, 1] - 0.5)
    np.testing.assert_allclose(r0, 1.0)
    np.testing.assert_allclose(r1, 1.0)
    assert np.all(X[y == 0, 1] >= -1e-12) and np.all(X[y == 1, 1] <= 0.5 + 1e-12)


def test_circles_have_the_requested_radii():
    X, y = data.make_circles(50, noise=0.0, factor=0.3)
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(r[y == 0], 1.0)
    np.testing.assert_allclose(r[y == 1], 0.3)


def test_spirals_stay_in_the_unit_disc_and_support_more_classes():
    X, y = data.make_spirals(100, classes=5, noise=0.3)
    assert np.hypot(X[:, 0], X[:, 1]).max() <= 1.0 + 1e-12
    assert np.bincount(y).tolist() == [20] * 5


def test_noise_spreads_the_points():
    tight, _ = data.make_xor(400, noise=0.05)
    loose, _ = data.make_xor(400, noise=0.5)
    assert np.std(np.abs(tight) - 1) < np.std(np.abs(loose) - 1)


@pytest.mark.parametrize("name", GENERATORS)
@pytest.mark.parametrize("n", [0, -5, 2.5, True, "10"])
def test_bad_n_is_named(name, n):
    with pytest.raises(ValueError, match=rf"{name}: n must be (a positive integer|an integer ≥ \d)"):
        GENERATORS[name](n)


@pytest.mark.parametrize("name", GENERATORS)
@pytest.mark.parametrize("noise", [-0.1, float("nan"), float("inf"), "high"])
def test_bad_noise_is_named(name, noise):
    with pytest.raises(ValueError, match=rf"{name}: noise must be a finite number ≥ 0"):
        GENERATORS[name](10, noise=noise)


def test_other_bad_arguments():
    with pytest.raises(ValueError, match=r"classes must be an integer ≥ 2, got 1"):
        data.make_spirals(10, classes=1)
    with pytest.raises(ValueError, match=r"n must be an integer ≥ 3, got 2"):
        data.make_spirals(2, classes=3)
    with pytest.raises(ValueError, match=r"factor must be a number with 0 < factor < 1, got 1.5"):
        data.make_circles(10, factor=1.5)


def test_two_spirals_are_one_arm_and_the_same_arm_turned_by_half_a_circle():
    X, y = data.make_two_spirals(200, noise=0.0, turns=1.5, seed=0)
    arm0, arm1 = X[y == 0], X[y == 1]
    radius = lambda a: np.hypot(a[:, 0], a[:, 1])  # noqa: E731
    order0, order1 = np.argsort(radius(arm0)), np.argsort(radius(arm1))
    np.testing.assert_allclose(arm1[order1], -arm0[order0], atol=1e-12)  # rotated by π
    # Along an arm the angle grows by 2π per unit of radius times `turns`.
    theta = np.unwrap(np.arctan2(arm0[order0, 0], arm0[order0, 1]))
    np.testing.assert_allclose(np.diff(theta) / np.diff(radius(arm0)[order0]), 2 * np.pi * 1.5)
    with pytest.raises(ValueError, match=r"turns must be a positive number, got 0"):
        data.make_two_spirals(10, turns=0)
    with pytest.raises(ValueError, match=r"n must be an integer ≥ 2, got 1"):
        data.make_two_spirals(1)


# --- splitting and scaling ------------------------------------------------------------
def test_train_test_split_partitions_the_rows():
    X = np.arange(40.0).reshape(20, 2)
    y = np.arange(20)
    split = data.train_test_split(X, y, test_size=0.25, seed=1)
    assert isinstance(split, data.Split)
    assert len(split.y_train) == 15 and len(split.y_test) == 5
    assert sorted(np.concatenate([split.y_train, split.y_test]).tolist()) == list(range(20))
    np.testing.assert_array_equal(split.X_train[:, 0], 2 * split.y_train)  # rows stay paired
    X_train, X_test, y_train, y_test = split  # unpacks like scikit-learn's
    again = data.train_test_split(X, y, test_size=0.25, seed=1)
    np.testing.assert_array_equal(again.y_test, y_test)
    assert not np.array_equal(data.train_test_split(X, y, seed=2).y_test, y_test)


def test_tiny_splits_keep_a_row_on_each_side():
    split = data.train_test_split(np.zeros((2, 1)), np.array([0, 1]), test_size=0.01)
    assert len(split.y_train) == len(split.y_test) == 1


@pytest.mark.parametrize("test_size", [0, 1, 1.5, -0.2, "0.2", None])
def test_bad_test_size_is_named(test_size):
    with pytest.raises(ValueError, match=r"test_size must be a number with 0 < test_size < 1"):
        data.train_test_split(np.zeros((10, 2)), np.zeros(10), test_size=test_size)
    with pytest.raises(ValueError, match=r"load_digits: test_size"):
        data.load_digits(test_size=test_size)


def test_split_rejects_mismatched_rows():
    with pytest.raises(ValueError, match=r"y has shape \(9,\) but X has 10 rows"):
        data.train_test_split(np.zeros((10, 2)), np.zeros(9))


def test_standardizer_uses_the_training_statistics():
    rng = np.random.default_rng(0)
    train = rng.normal(5.0, 3.0, size=(200, 3))
    train[:, 2] = 7.0  # a constant feature
    scaler = data.Standardizer().fit(train)
    Z = scaler.transform(train)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0)[:2], 1.0)
    np.testing.assert_array_equal(Z[:, 2], 0.0)
    test = rng.normal(5.0, 3.0, size=(10, 3))
    np.testing.assert_allclose(scaler.transform(test), (test - scaler.mean_) / scaler.std_)
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(test)), test)


def test_standardizer_errors():
    with pytest.raises(RuntimeError, match="call fit first"):
        data.Standardizer().transform(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"X must have shape \(n, 2\), got \(3, 4\)"):
        data.Standardizer().fit(np.zeros((3, 2))).transform(np.zeros((3, 4)))


def test_standardize_a_split():
    split = data.standardize(data.train_test_split(*data.make_moons(100, seed=0)))
    np.testing.assert_allclose(split.X_train.mean(axis=0), 0.0, atol=1e-12)
    assert abs(split.X_test.mean()) < 0.5  # the test rows are scaled, not re-centred exactly


# --- digits ---------------------------------------------------------------------------------
def test_load_digits_raw_and_standardised():
    raw = data.load_digits(standardize=False)
    assert raw.X_train.shape == (1347, 64) and raw.X_test.shape == (450, 64)
    assert raw.X_train.min() == 0 and raw.X_train.max() == 16
    assert set(raw.y_train.tolist()) == set(range(10)) and raw.y_train.dtype == np.int64
    std = data.load_digits()
    np.testing.assert_array_equal(std.y_test, raw.y_test)  # same seed, same split
    np.testing.assert_allclose(std.X_train.mean(axis=0), 0.0, atol=1e-12)
    other = data.load_digits(seed=1)
    assert not np.array_equal(other.y_test, std.y_test)
