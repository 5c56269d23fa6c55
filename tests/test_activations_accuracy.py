"""Accuracy of course_utils.activations against a 50-digit mpmath reference, over the whole range.

The claims (the issue's accuracy contract):
- float64: sigmoid, tanh, relu, leaky_relu, prelu, elu, selu, softplus and their derivatives are
  within 4 ULP of the exact value everywhere, subnormal results included (the ULP of the exact
  value; 2^-1074 for subnormal results);
- gelu (both forms), silu and their derivatives: relative error ≤ 3e-14 for |x| ≤ 10 and
  ≤ 1e-12 wherever |exact| ≥ 1e-290; a derivative within 0.05 of one of its zeros is held to an
  absolute error of 1e-15 instead (no formula keeps relative accuracy through a zero);
- float32: within 2 ULP (float32 ULPs of the exact value) for everything, on the mpmath grid
  and on a dense grid of ~300 000 float32s against our float64 results;
- log_softmax within 8 ULP, softmax within 256 ULP, the softmax VJP within 2 eps of
  max|s|·max|g|, over random vectors with logits spread up to ±700 and along every axis;
- no RuntimeWarning for any input, ±inf, NaN and ±1e308 included.

The exact references, grids and error measures live in tests/accuracy_reference.py (shared with
the benchmark); softmax and log_softmax are checked in tests/test_softmax_accuracy.py.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from accuracy_reference import (
    ABS_NEAR_ZERO, ALL_CASES, DIGITS, F32_MAX_ULPS, F64_MAX_ULPS, REL_CASES, REL_FAR, REL_NEAR,
    ULP_CASES, ZERO_WINDOW, _cdf, _sig_prime, derivative_zeros, exact, grid,
    mp, ulps, worst_errors,
)

from course_utils import activations as A


# --- the tests ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(ULP_CASES))
def test_float64_within_4_ulp_everywhere(name):
    err, where = worst_errors(name, "float64")["ulp"]
    assert err <= F64_MAX_ULPS, f"{name}: {err:.3g} ULP at {where}"


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
        truth = _sig_prime(mp.mpf(x))
    assert ulps(naive, truth) > 1e10
    assert ulps(A.Sigmoid().derivative(x), truth) <= F64_MAX_ULPS


def test_naive_gelu_fails_where_ours_is_exact():
    from scipy import special

    x = -10.0
    naive = 0.5 * x * (1 + special.erf(x / math.sqrt(2)))  # 1 + erf cancels
    with mp.workdps(DIGITS):
        truth = mp.mpf(x) * _cdf(mp.mpf(x))
    assert ulps(naive, truth) > 1e10
    assert ulps(A.gelu(x), truth) <= F64_MAX_ULPS


def test_naive_tanh_derivative_fails_where_ours_is_exact():
    x = 20.0
    naive = 1 - np.tanh(x) ** 2
    with mp.workdps(DIGITS):
        truth = mp.sech(mp.mpf(x)) ** 2
    assert ulps(naive, truth) > 1e10
    assert ulps(A.Tanh().derivative(x), truth) <= F64_MAX_ULPS


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



# --- float32 on a dense grid: the float32 kernels and C loops against our float64 results ------
def dense_float32_grid(stride: int = 4001) -> np.ndarray:
    """Every `stride`-th float32 with 2⁻³⁰ ≤ |x| < 2⁸ (about 300 000 points, both signs).

    float32 results use their own kernels and, where an exhaustive check of all 2³² inputs
    showed them within 2 ULP, C loops as they are (scipy's expit ≤ 1.9991 ULP for x ≥ −16, float32
    np.tanh ≤ 1.37 ULP, expm1f ≤ 0.77 ULP): this checks those choices on this machine's
    libraries between the mpmath grid's points.
    """
    lo = np.float32(2.0**-30).view(np.uint32)
    hi = np.float32(2.0**8).view(np.uint32)
    pos = np.arange(lo, hi, stride, dtype=np.uint32).view(np.float32)
    return np.concatenate([-pos[::-1], pos])


def ulp32_errors(y32: np.ndarray, ref64: np.ndarray) -> np.ndarray:
    """|y − ref| in float32 ULPs of ref (2⁻¹⁴⁹ in the subnormals); inf must match exactly."""
    _, e = np.frexp(ref64)
    ulp = np.ldexp(1.0, np.maximum(e - 1, -126) - 23)
    finite = np.isfinite(ref64)
    err = np.where(y32.astype(np.float64) == ref64, 0.0, np.inf)
    err[finite] = np.abs(y32[finite].astype(np.float64) - ref64[finite]) / ulp[finite]
    return err


@pytest.mark.parametrize("name", list(ALL_CASES))
def test_float32_within_2_ulp_on_a_dense_grid(name):
    act, deriv, _ = ALL_CASES[name]
    x = dense_float32_grid()
    f = act.derivative if deriv else act
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = f(x)
        ref = f(x.astype(np.float64))  # ≤ 4 ULP (or 1e-12 relative) of float64: exact here
    assert y.dtype == np.float32
    keep = np.ones(x.size, bool)
    for z in derivative_zeros(name) if name in REL_CASES else ():
        keep &= np.abs(x - z) > ZERO_WINDOW  # the float64 reference is only 1e-15 absolute there
    err = ulp32_errors(y[keep], ref[keep])
    i = int(np.argmax(err))
    assert err[i] <= F32_MAX_ULPS, f"{name}: {err[i]:.3g} ULP at x={x[keep][i]!r}"
