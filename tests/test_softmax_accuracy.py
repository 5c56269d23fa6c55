"""Accuracy of softmax, log_softmax and the softmax VJP against 50-digit mpmath.

Random vectors with logits spread up to ±700, ties and one dominant entry, along every axis of
3-D arrays. float64 (bounds derived in tests/accuracy_reference.py, for any exp within K ULP):
softmax entry i within (|x_i − max x|/2 + n + 2K + 1)ε relative (exp magnifies the rounding of
x_i − max x: no formula in plain float64 avoids it), log_softmax within (max|x_j − max x|/2 +
n + 2K + 2)ε, the VJP within (4n + 30)ε·max|s|·max|g|; float32 (rounded once from float64)
within 1 ULP. No RuntimeWarning for ±inf, NaN or ±max inputs.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from accuracy_reference import AXES, F32_MAX_ULPS, random_logits, softmax_case

from course_utils import activations as A


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("axis", [0, -1])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_vector_activations_never_warn(name, axis, dtype):
    act = A.get(name, axis=axis)
    big, tiny = np.finfo(dtype).max, np.finfo(dtype).smallest_subnormal
    x = np.array([[-np.inf, 0.0, big], [np.inf, -big, 3.0], [np.nan, 1.0, 2.0],
                  [-np.inf, -np.inf, -np.inf], [80.0, -80.0, tiny], [np.inf, np.inf, -np.inf],
                  [big, big, -big]], dtype)
    x = x if axis == -1 else x.T.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        act(x)
        act.backward(x, np.ones_like(x))



@pytest.mark.parametrize("axis", AXES)
def test_softmax_log_softmax_and_vjp_float64(axis):
    for i in range(len(random_logits())):
        case = softmax_case(i, axis)
        n = random_logits()[i].shape[axis]
        assert case["softmax/bound"] <= 1, f"softmax, array {i}, axis {axis}: {case}"
        assert case["log_softmax/bound"] <= 1, f"log_softmax, array {i}, axis {axis}: {case}"
        assert case["vjp"] <= 4 * n + 30, f"softmax VJP, array {i}, axis {axis}: {case}"


@pytest.mark.parametrize("axis", AXES)
def test_softmax_and_log_softmax_float32_within_2_ulp(axis):
    for i in range(len(random_logits())):
        case = softmax_case(i, axis, "float32")
        assert case["softmax"] <= F32_MAX_ULPS, f"softmax, array {i}, axis {axis}: {case}"
        assert case["log_softmax"] <= F32_MAX_ULPS, f"log_softmax, array {i}, axis {axis}: {case}"
