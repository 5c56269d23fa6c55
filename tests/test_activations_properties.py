"""Properties of course_utils.activations that hold for every input, checked with hypothesis.

sigmoid in [0, 1] and σ(−x) = 1 − σ(x); tanh odd; ReLU idempotent; softmax rows sum to 1 and
are shift-invariant; log_softmax = log(softmax) where both are finite; derivatives and
`backward` match central differences; dtype and shape are kept; the input is never modified.
The examples are derandomised (the same on every run) and not stored, so CI is repeatable.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from course_utils import activations as A
from course_utils.gradcheck import numerical_derivative

# Hypothesis caches what it parses in ./.hypothesis even without an example database; a
# .hypothesis folder in the repository makes pytest warn (an error here), so keep it in /tmp.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "course_utils-hypothesis")
settings.register_profile(
    "activations", max_examples=60, deadline=None, derandomize=True, database=None,
    suppress_health_check=(),
)
PROPS = settings.get_profile("activations")
EPS = np.finfo(np.float64).eps

ELEMENTWISE = [n for n in A.available() if A.get(n).elementwise]
# Every elementwise activation with non-default hyperparameters too.
ACTS = [A.get(n) for n in ELEMENTWISE] + [
    A.LeakyReLU(0.2), A.LeakyReLU(-0.5), A.LeakyReLU(3.0), A.PReLU(0.1), A.ELU(0.5), A.ELU(2.0),
    A.GELU(approximate=True),
]
VECTOR = [A.Softmax(), A.LogSoftmax()]


def finite(lo=-1e308, hi=1e308, width=64):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, width=width)


def vectors(elements=None, min_side=1, max_side=6, max_dims=3):
    """Float64 arrays of 1–3 dimensions with ±1e308-range entries (or `elements`)."""
    return hnp.arrays(
        np.float64, hnp.array_shapes(min_dims=1, max_dims=max_dims, min_side=min_side, max_side=max_side),
        elements=finite() if elements is None else elements,
    )


# --- sigmoid, tanh, relu -----------------------------------------------------------------------
@PROPS
@given(vectors())
def test_sigmoid_is_in_0_1_and_symmetric(x):
    s, s_neg = A.sigmoid(x), A.sigmoid(-x)
    assert np.all((s >= 0) & (s <= 1))
    # σ(−x) = 1 − σ(x): both sides rounded, so equal to an ulp of 1.
    np.testing.assert_allclose(s_neg, 1 - s, rtol=0, atol=2 * EPS)
    # and the derivative is even: σ'(−x) = σ'(x) exactly (it is computed from |x|).
    np.testing.assert_array_equal(A.Sigmoid().derivative(-x), A.Sigmoid().derivative(x))


@PROPS
@given(vectors())
def test_tanh_is_odd_and_bounded(x):
    t = A.tanh(x)
    np.testing.assert_array_equal(A.tanh(-x), -t)
    assert np.all(np.abs(t) <= 1)
    np.testing.assert_array_equal(A.Tanh().derivative(-x), A.Tanh().derivative(x))


@PROPS
@given(vectors())
def test_relu_is_idempotent_and_nonnegative(x):
    r = A.relu(x)
    np.testing.assert_array_equal(A.relu(r), r)
    assert np.all(r >= 0)
    np.testing.assert_array_equal(r - A.relu(-x), x)  # relu(x) − relu(−x) = x, exactly


@PROPS
@given(vectors(), st.floats(0, 1))
def test_leaky_relu_lies_between_slope_x_and_x(x, slope):
    y = A.leaky_relu(x, negative_slope=slope)
    np.testing.assert_array_equal(y, np.where(x > 0, x, slope * x))


# --- softmax and log_softmax -------------------------------------------------------------------
@PROPS
@given(vectors(finite(-1e4, 1e4)), st.integers(-3, 2))
def test_softmax_rows_sum_to_one(x, axis):
    axis = max(-x.ndim, min(axis, x.ndim - 1))  # a valid axis, negative ones included
    s = A.softmax(x, axis=axis)
    assert np.all((s >= 0) & (s <= 1))
    n = x.shape[axis]
    np.testing.assert_allclose(np.sum(s, axis=axis), 1.0, rtol=0, atol=(n + 2) * EPS)


@PROPS
@given(vectors(st.integers(-4000, 4000).map(lambda k: k / 8)), st.integers(-10**6, 10**6))
def test_softmax_is_shift_invariant(x, shift):
    # Multiples of 1/8 plus an integer are exact, so the shift invariance holds bit for bit.
    np.testing.assert_array_equal(A.softmax(x + shift), A.softmax(x))
    np.testing.assert_array_equal(A.log_softmax(x + shift), A.log_softmax(x))


@PROPS
@given(vectors(finite(-700, 700)), finite(-50, 50))
def test_softmax_is_shift_invariant_for_any_floats(x, shift):
    # x + shift rounds (by up to eps·|x|/2), and exp turns that into a relative error.
    y = x + shift
    tol = 4 * EPS * (np.max(np.abs(x)) + np.max(np.abs(y)) + 1)
    np.testing.assert_allclose(A.log_softmax(y), A.log_softmax(x), rtol=0, atol=tol)
    np.testing.assert_allclose(A.softmax(y), A.softmax(x), rtol=tol, atol=1e-300)


@PROPS
@given(vectors(finite(-1e3, 1e3)))
def test_log_softmax_is_log_of_softmax_where_both_are_finite(x):
    s, ls = A.softmax(x), A.log_softmax(x)
    ok = s > np.finfo(np.float64).tiny  # log of a subnormal has lost digits; of 0 is -inf
    assert np.all(ls <= 0)
    # softmax carries up to ~|x − max|·eps/2 of relative error (exp magnifies the rounding of
    # x − max), so its log is good to that, absolutely: ~350 eps for |x| ≤ 1e3.
    np.testing.assert_allclose(np.log(s[ok]), ls[ok], rtol=0, atol=512 * EPS)


@PROPS
@given(hnp.arrays(np.float64, st.integers(1, 6), elements=finite(-30, 30)),
       hnp.arrays(np.float64, 6, elements=finite(-10, 10)))
def test_softmax_backward_is_the_jacobian_product(x, g):
    g = g[: x.size]
    for act in VECTOR:
        J = act.jacobian(x)
        np.testing.assert_allclose(act.backward(x, g), g @ J, rtol=1e-12, atol=1e-13 * (1 + np.abs(g).max()))


# --- derivatives and backward vs central differences -------------------------------------------
def _away_from_kinks(x):
    """Nudge points within 1e-3 of 0 (the rectifiers' kink) out of the difference stencil."""
    return np.where(np.abs(x) < 1e-3, np.copysign(1e-3, x), x)


@PROPS
@given(hnp.arrays(np.float64, st.integers(1, 30), elements=finite(-8, 8)), st.sampled_from(ACTS))
def test_derivative_and_backward_match_central_differences(x, act):
    x = _away_from_kinks(x)
    analytic = act.derivative(x)
    numeric = numerical_derivative(act, x)
    # Central differences: O(h²) truncation plus eps·|f|/h rounding (h ≈ 6e-6·max(1, |x|)).
    bound = 1e-7 * np.abs(analytic) + 1e-9 * (1 + np.abs(act(x)))
    worst = np.argmax(np.abs(analytic - numeric) - bound)
    assert np.all(np.abs(analytic - numeric) <= bound), (act, x[worst], analytic[worst], numeric[worst])
    g = np.linspace(-2, 3, x.size)
    np.testing.assert_allclose(act.backward(x, g), analytic * g, rtol=4 * EPS, atol=0)


# --- dtypes, shapes, and the input left alone --------------------------------------------------
ANY_FLOAT = st.sampled_from([np.float16, np.float32, np.float64])


@PROPS
@given(st.data(), ANY_FLOAT, st.sampled_from(ACTS + VECTOR))
def test_dtype_and_shape_are_kept_and_input_is_not_modified(data, dtype, act):
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5))
    info = np.finfo(dtype)
    x = data.draw(hnp.arrays(dtype, shape, elements=st.floats(
        -float(info.max), float(info.max), width=info.bits)))
    x.flags.writeable = True
    before = x.copy()
    y = act(x)
    assert y.dtype == dtype and np.shape(y) == x.shape
    g = np.ones_like(x)
    assert act.backward(x, g).dtype == dtype
    if act.elementwise:
        assert act.derivative(x).dtype == dtype
    np.testing.assert_array_equal(x, before)
    np.testing.assert_array_equal(g, 1)


@PROPS
@given(hnp.arrays(np.float32, st.integers(1, 20), elements=finite(-120, 120, width=32)),
       st.sampled_from(ACTS))
def test_float32_is_the_float64_result_rounded(x, act):
    # float32 computes in float64 (or exactly): within 1 float32 ULP of the rounded float64 result.
    y32 = act(x)
    y64 = act(x.astype(np.float64)).astype(np.float32)
    ulp = np.spacing(np.maximum(np.abs(y64), np.finfo(np.float32).smallest_subnormal))
    assert np.all(np.abs(y32.astype(np.float64) - y64) <= ulp)
