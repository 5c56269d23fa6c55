"""course_utils.gradcheck: central differences are accurate, and a wrong derivative is caught."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import activations as A
from course_utils import gradcheck


def test_numerical_derivative_has_about_ten_correct_digits():
    x = np.linspace(-3, 3, 13)
    np.testing.assert_allclose(gradcheck.numerical_derivative(np.exp, x), np.exp(x), rtol=1e-9)
    np.testing.assert_allclose(gradcheck.numerical_derivative(np.sin, x, h=1e-4), np.cos(x), rtol=1e-7)


def test_numerical_gradient_of_a_scalar_function():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad = gradcheck.numerical_gradient(lambda z: np.sum(z**2) + z[0, 1] * z[1, 0], x)
    expected = 2 * x + np.array([[0.0, x[1, 0]], [x[0, 1], 0.0]])
    np.testing.assert_allclose(grad, expected, rtol=1e-9)
    np.testing.assert_array_equal(x, [[1.0, -2.0], [0.5, 3.0]])  # the probe is a copy


class _WrongSigmoid(A.Sigmoid):
    """σ with the classic mistake: σ'(x) = σ(x) instead of σ(x)(1 − σ(x))."""

    def _derivative(self, x):
        return self._forward(x)


def test_a_wrong_derivative_and_backward_are_caught():
    x = np.linspace(-4, 4, 9)
    good, bad = A.Sigmoid(), _WrongSigmoid()
    assert gradcheck.check_derivative(good, x).passed
    result = gradcheck.check_derivative(bad, x)
    assert not result.passed and result.max_rel_error > 0.5
    assert "FAILED at 9 of 9 entries" in repr(result) and "the first at index (0,)" in repr(result)
    assert "index" not in repr(gradcheck.check_derivative(good, x))  # below tolerance: noise
    assert not gradcheck.check_backward(bad, x).passed


def test_check_backward_handles_vector_functions():
    x = np.random.default_rng(0).normal(size=(2, 5))
    assert gradcheck.check_backward(A.Softmax(), x).passed
    # Softmax's diagonal alone (s(1 − s)) is not its gradient: the check must notice.
    s = A.softmax(x)
    g = np.random.default_rng(0).standard_normal(x.shape)
    assert not gradcheck.check_gradient(lambda z: np.sum(g * A.softmax(z)), x, s * (1 - s) * g).passed


def test_compare_reports_the_worst_index_and_tolerates_zero_gradients():
    r = gradcheck.compare([0.0, 1.0, 2.0], [0.0, 1.0, 2.2], tolerance=0.05)
    assert r.worst_index == (2,) and r.max_rel_error == pytest.approx(0.2 / 2.2)
    assert not r.passed
    # Both ~0: below the floor (1e-8) the error is absolute, 1e-15/1e-8 = 1e-7 ≤ 1e-6.
    assert gradcheck.compare([0.0, 1e-15], [1e-16, 0.0]).passed
    assert not gradcheck.compare([np.nan], [1.0]).passed


@pytest.mark.parametrize("h", [0.0, -1e-3, float("nan"), float("inf")])
def test_a_bad_step_is_a_clear_error(h):
    with pytest.raises(ValueError, match="h must be a positive finite step"):
        gradcheck.numerical_derivative(np.exp, [1.0], h=h)


def test_shape_mismatch_and_non_real_input_are_clear_errors():
    with pytest.raises(ValueError, match=r"analytic has shape \(2,\) but numerical has shape \(3,\)"):
        gradcheck.compare(np.ones(2), np.ones(3))
    with pytest.raises(TypeError, match="x must be real numbers"):
        gradcheck.numerical_derivative(np.exp, ["a"])
