"""Accuracy of course_utils.activations against a 50-digit mpmath reference, over the whole range.

The claims (the accuracy contract, derived in tests/accuracy_reference.py so that it holds on
every CPU, whatever kernels NumPy picks there; `make test` runs this file once per NumPy
dispatch level the machine can emulate, see tests/test_dispatch_levels.py):
- float64: sigmoid, tanh, relu, leaky_relu, prelu, elu, selu, softplus and their derivatives are
  within their bound in `F64_BOUNDS` (relative error from 0 to 8.5ε, ε = 2⁻⁵²; absolute in units
  of 2⁻¹⁰⁷⁴ for subnormal results) everywhere;
- gelu (both forms), silu and their derivatives: relative error ≤ 1e-13 for |x| ≤ 10 and
  ≤ 1e-12 wherever |exact| ≥ 1e-290; a derivative within 0.05 of one of its zeros is held to an
  absolute error of 1e-15 instead (no formula keeps relative accuracy through a zero);
- float32: the float64 result rounded once, so within 1 ULP (float32 ULPs of the exact value)
  for everything, on the mpmath grid, and bit for bit the rounded float64 result on a dense
  grid of ~300 000 float32s;
- softmax, log_softmax and the softmax VJP: see tests/test_softmax_accuracy.py;
- no RuntimeWarning for any input, ±inf, NaN and ±1e308 included.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from accuracy_reference import (
    ABS_NEAR_ZERO, ALL_CASES, DIGITS, F32_MAX_ULPS, F64_BOUNDS, REL_CASES, REL_FAR, REL_NEAR,
    ULP_CASES, ZERO_WINDOW, derivative_zeros, exact, grid,
    mp, ulps, worst_errors,
)

from course_utils import activations as A


# --- the tests ---------------------------------------------------------------------------------
def test_every_simple_function_has_a_derived_bound():
    assert set(F64_BOUNDS) == set(ULP_CASES)


@pytest.mark.parametrize("name", list(ULP_CASES))
def test_float64_within_the_derived_bound_everywhere(name):
    err, where = worst_errors(name, "float64")["eps"]
    assert err <= F64_BOUNDS[name], f"{name}: {err:.3g} ε at {where} (bound {F64_BOUNDS[name]} ε)"


@pytest.mark.parametrize("name", list(REL_CASES))
def test_float64_relative_error_of_gelu_and_silu(name):
    w = worst_errors(name, "float64")
    assert w["rel |x|<=10"][0] <= REL_NEAR, f"{name}: {w['rel |x|<=10']}"
    assert w["rel"][0] <= REL_FAR, f"{name}: {w['rel']}"
    assert w["abs near zero"][0] <= ABS_NEAR_ZERO, f"{name}: {w['abs near zero']}"
    # Results below 1e-290 (subnormal included) are still right to far better than 1e-290.
    assert w["abs tiny"][0] <= 1e-300, f"{name}: {w['abs tiny']}"


@pytest.mark.parametrize("name", list(ALL_CASES))
def test_float32_within_2_ulp_everywhere(name):
    err, where = worst_errors(name, "float32")["ulp"]
    assert err <= F32_MAX_ULPS, f"{name} (float32): {err:.3g} ULP at {where}"


def test_the_grid_covers_the_whole_range():
    x = grid("float64")
    assert x.min() == -np.finfo(np.float64).max and x.max() == np.finfo(np.float64).max
    assert np.sum((x != 0) & (np.abs(x) < np.finfo(np.float64).tiny)) >= 20  # subnormal inputs
    assert np.sum(np.abs(x) <= 40) >= 1500 and np.sum(np.abs(np.abs(x) - 745.13) < 1) >= 10
    for name in ("sigmoid", "sigmoid'", "tanh'", "elu'", "softplus"):  # subnormal results
        value = exact(name, "float64")[4]
        assert np.sum((value != 0) & (np.abs(value) < np.finfo(np.float64).tiny)) >= 10, name


# --- textbook formulas fail where ours are exact ----------------------------------------------
def test_naive_sigmoid_derivative_fails_where_ours_is_exact():
    # At x = +30, σ(x) = 1 − 9.4e-14 is stored to 1.1e-16, so 1 − σ keeps ~3 digits. (At
    # x = −30 the textbook formula happens to be fine: 1 − σ ≈ 1 loses nothing.)
    x = 30.0
    s = 1 / (1 + np.exp(-x))
    naive = s * (1 - s)  # the textbook σ(1 − σ): 1 − σ rounds, then cancels
    with mp.workdps(DIGITS):
        truth = ALL_CASES["sigmoid'"][2](mp.mpf(x))
    assert ulps(naive, truth) > 1e10
    assert ulps(A.Sigmoid().derivative(x), truth) <= 2 * F64_BOUNDS["sigmoid'"]  # 1 ULP ≤ 2ε relative


def test_naive_gelu_fails_where_ours_is_exact():
    from scipy import special

    x = -10.0
    naive = 0.5 * x * (1 + special.erf(x / math.sqrt(2)))  # 1 + erf cancels
    with mp.workdps(DIGITS):
        truth = ALL_CASES["gelu"][2](mp.mpf(x))
    assert ulps(naive, truth) > 1e10
    assert abs(A.gelu(x) / float(truth) - 1) <= REL_NEAR


def test_naive_tanh_derivative_fails_where_ours_is_exact():
    x = 20.0
    naive = 1 - np.tanh(x) ** 2
    with mp.workdps(DIGITS):
        truth = mp.sech(mp.mpf(x)) ** 2
    assert ulps(naive, truth) > 1e10
    assert ulps(A.Tanh().derivative(x), truth) <= 2 * F64_BOUNDS["tanh'"]


# --- no warnings, limits at ±inf, NaN ----------------------------------------------------------
def _special(dtype):
    big, tiny = np.finfo(dtype).max, np.finfo(dtype).smallest_subnormal
    values = [-np.inf, -big, -800.0, -1.0, -0.0, 0.0, tiny, 1.0, 800.0, big, np.inf, np.nan]
    return np.array(values, dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", list(ALL_CASES))
def test_no_runtime_warning_anywhere(name, dtype):
    act, deriv, _ = ALL_CASES[name]
    x = np.concatenate([grid(dtype), _special(dtype)])
    g = np.ones_like(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = act.derivative(x) if deriv else act(x)
        act.backward(x, g)
    assert np.isnan(y[-1]) and not np.isnan(y[:-1]).any(), f"{name}: NaN only for NaN input"



# --- float32 on a dense grid: the float64 result, rounded once ----------------------------------
def dense_float32_grid(stride: int = 4001) -> np.ndarray:
    """Every `stride`-th float32 with 2⁻³⁰ ≤ |x| < 2⁸ (about 300 000 points, both signs)."""
    lo = np.float32(2.0**-30).view(np.uint32)
    hi = np.float32(2.0**8).view(np.uint32)
    pos = np.arange(lo, hi, stride, dtype=np.uint32).view(np.float32)
    return np.concatenate([-pos[::-1], pos])


@pytest.mark.parametrize("name", list(ALL_CASES))
def test_float32_is_the_float64_result_rounded_once(name):
    # This is what makes float32 independent of NumPy's float32 kernels (whose error differs by
    # CPU: 2.4 ULP for exp on AVX2/AVX-512 here, 2.1 for tanh on the SSE baseline).
    act, deriv, _ = ALL_CASES[name]
    x = dense_float32_grid()
    f = act.derivative if deriv else act
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = f(x)
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y, f(x.astype(np.float64)).astype(np.float32))
