"""The public API of course_utils.activations: names, inputs, dtypes, errors, kinks."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import activations as A
from course_utils.gradcheck import check_backward, check_derivative

NAMES = A.available()
ELEMENTWISE = [n for n in NAMES if A.get(n).elementwise]
VECTOR = [n for n in NAMES if not A.get(n).elementwise]


def test_available_lists_every_activation_in_course_order():
    assert NAMES == ["sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "selu",
                     "gelu", "silu", "softplus", "softmax", "log_softmax"]


@pytest.mark.parametrize("spelling", ["ReLU", "relu", " RELU ", "Leaky-ReLU"])
def test_get_is_case_insensitive(spelling):
    assert A.get(spelling).name in ("relu", "leaky_relu")


def test_swish_is_an_alias_of_silu():
    assert isinstance(A.get("swish"), A.SiLU)
    assert A.swish is A.silu


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="unknown activation 'rleu'.*sigmoid.*log_softmax"):
        A.get("rleu")


def test_unknown_hyperparameter_is_named():
    with pytest.raises(ValueError, match=r"relu: unexpected hyperparameter\(s\) \['alpha'\]"):
        A.get("relu", alpha=0.1)


@pytest.mark.parametrize("name,params,text", [
    ("leaky_relu", {"negative_slope": 0.2}, "LeakyReLU(negative_slope=0.2)"),
    ("prelu", {}, "PReLU(alpha=0.25)"),
    ("elu", {"alpha": 0.5}, "ELU(alpha=0.5)"),
    ("gelu", {"approximate": True}, "GELU(approximate=True)"),
    ("softmax", {"axis": 0}, "Softmax(axis=0)"),
    ("selu", {}, "SELU()"),
])
def test_repr_shows_the_hyperparameters(name, params, text):
    act = A.get(name, **params)
    assert repr(act) == text
    for key, value in params.items():
        assert getattr(act, key) == value


def test_equality_compares_hyperparameters_by_value():
    assert A.PReLU(alpha=[0.1, 0.2]) != A.PReLU(alpha=[0.5, 0.5])  # reprs alike: shape (2,)
    assert A.PReLU(alpha=[0.1, 0.2]) == A.PReLU(alpha=np.array([0.1, 0.2]))
    assert A.PReLU(alpha=0.25) != A.PReLU(alpha=[0.25, 0.25])  # one slope vs one per channel
    assert A.LeakyReLU(0.1) == A.get("leaky_relu", negative_slope=0.1) != A.LeakyReLU(0.2)
    assert A.GELU() != A.GELU(approximate=True) and A.Softmax(0) != A.Softmax(1)
    assert A.ELU(alpha=1.0) != A.ReLU() and A.SELU() == A.SELU() != A.ELU()


@pytest.mark.parametrize("name", NAMES)
def test_every_activation_has_a_name_formula_and_docstring_template(name):
    act = A.get(name)
    assert act.name == name
    assert act.formula.startswith("\\") or "=" in act.formula
    doc = type(act).__doc__
    for section in ("Formula:", "Args:", "Returns:", "Example:", "Reference:", "Derivative convention:"):
        assert section in doc, f"{type(act).__name__} docstring lacks {section}"


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_float_dtype_is_kept(name, dtype):
    x = np.linspace(-3, 3, 7).astype(dtype)
    act = A.get(name)
    assert act(x).dtype == dtype
    assert act.backward(x, np.ones_like(x)).dtype == dtype
    if act.elementwise:
        assert act.derivative(x).dtype == dtype


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("value", [[1, -2, 3], [True, False], np.arange(3, dtype=np.int8)])
def test_ints_and_bools_compute_in_float64(name, value):
    assert A.get(name)(value).dtype == np.float64


@pytest.mark.parametrize("name", NAMES)
def test_scalars_lists_and_any_shape(name):
    act = A.get(name)
    scalar = act(0.5)
    assert np.ndim(scalar) == 0 and isinstance(scalar, np.floating)
    x = np.random.default_rng(0).normal(size=(2, 3, 4))
    assert act(x).shape == (2, 3, 4)
    np.testing.assert_array_equal(act(x.tolist()), act(x))
    assert act(np.empty((0, 3))).shape == (0, 3)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("bad,shown", [
    (None, "None"), ("1.0", "str"), (np.array([1 + 2j]), "complex128"),
    (np.array(["a"]), "<U1"), ([1.0, None], "list of NoneType/float"), ({"x": 1}, "dict"),
])
def test_bad_input_types_raise_type_error_naming_activation_and_type(name, bad, shown):
    with pytest.raises(TypeError, match=rf"^{name}: x must be real numbers.*{shown}"):
        A.get(name)(bad)


@pytest.mark.parametrize("name", NAMES)
def test_derivative_and_backward_reject_bad_types_too(name):
    act = A.get(name)
    if act.elementwise:
        with pytest.raises(TypeError, match=rf"^{name}: x must be real numbers.*complex128"):
            act.derivative(np.array([1j]))
    with pytest.raises(TypeError, match=rf"^{name}: x must be real numbers.*None"):
        act.backward(None, [1.0])
    with pytest.raises(TypeError, match=rf"^{name}.backward: grad_output must be real numbers.*str"):
        act.backward([1.0], "1.0")


@pytest.mark.parametrize("name,params,text", [
    ("leaky_relu", {"negative_slope": float("nan")}, "negative_slope must be a finite number, got nan"),
    ("leaky_relu", {"negative_slope": "0.1"}, "negative_slope must be a finite number, got str '0.1'"),
    ("prelu", {"alpha": float("inf")}, "alpha must be a finite number, got inf"),
    ("elu", {"alpha": -1.0}, "alpha must be a finite number ≥ 0, got -1.0"),
    ("gelu", {"approximate": "tanh"}, "approximate must be True or False"),
    ("softmax", {"axis": 1.5}, "axis must be an integer"),
])
def test_invalid_hyperparameters_raise_value_error(name, params, text):
    with pytest.raises(ValueError, match=text):
        A.get(name, **params)


def test_softmax_axis_out_of_range_is_a_clear_error():
    with pytest.raises(ValueError, match=r"softmax: axis=2 is out of range .* 1 dimension"):
        A.softmax(np.ones(3), axis=2)


@pytest.mark.parametrize("name", VECTOR)
def test_vector_activations_explain_there_is_no_elementwise_derivative(name):
    with pytest.raises(NotImplementedError, match="no elementwise derivative.*backward"):
        A.get(name).derivative(np.ones(3))


@pytest.mark.parametrize("name", NAMES)
def test_backward_rejects_a_mismatched_grad_output(name):
    with pytest.raises(ValueError, match=r"grad_output has shape \(4,\).*x's shape \(3,\)"):
        A.get(name).backward(np.ones(3), np.ones(4))


@pytest.mark.parametrize("name", NAMES)
def test_input_is_never_modified(name):
    x = np.array([[-1e3, -1.0, 0.0], [1.0, 2.0, 1e3]])
    before = x.copy()
    act = A.get(name)
    act(x)
    act.backward(x, x)
    if act.elementwise:
        act.derivative(x)
    np.testing.assert_array_equal(x, before)


# Kinks: the derivative convention stated in each docstring.
@pytest.mark.parametrize("name,params,expected", [
    ("relu", {}, 0.0),
    ("leaky_relu", {"negative_slope": 0.1}, 0.1),
    ("prelu", {"alpha": 0.3}, 0.3),
    ("elu", {"alpha": 0.5}, 0.5),
    ("selu", {}, A.SELU.SCALE * A.SELU.ALPHA),
])
def test_derivative_at_the_kink_is_the_left_hand_value(name, params, expected):
    assert A.get(name, **params).derivative(0.0) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("name", NAMES)
def test_nan_gives_nan_and_infinities_give_limits(name):
    act = A.get(name)
    x = np.array([-np.inf, np.nan, np.inf]) if act.elementwise else np.array([np.nan, 1.0])
    y = act(x)
    if not act.elementwise:
        assert np.isnan(y).all()
        return
    assert np.isnan(y[1])
    limits = {
        "sigmoid": (0, 1), "tanh": (-1, 1), "relu": (0, np.inf), "leaky_relu": (-np.inf, np.inf),
        "prelu": (-np.inf, np.inf), "elu": (-1, np.inf), "selu": (-A.SELU.SCALE * A.SELU.ALPHA, np.inf),
        "gelu": (0, np.inf), "silu": (0, np.inf), "softplus": (0, np.inf),
    }[name]
    assert y[0] == pytest.approx(limits[0]) and y[2] == limits[1]
    d = act.derivative(x)
    assert np.isnan(d[1]) and np.isfinite(d[[0, 2]]).all()


def test_softmax_infinite_logits():
    np.testing.assert_array_equal(A.softmax([-np.inf, 0.0, 1.0])[0], 0.0)
    np.testing.assert_array_equal(A.softmax([np.inf, 0.0, np.inf]), [0.5, 0.0, 0.5])
    np.testing.assert_allclose(A.log_softmax([np.inf, 0.0]), [0.0, -np.inf])


def test_prelu_alpha_gradient_per_channel():
    act = A.PReLU(alpha=np.array([0.1, 0.2]))
    x = np.array([[-1.0, 2.0], [-3.0, -4.0]])
    g = np.array([[1.0, 1.0], [2.0, 0.5]])
    np.testing.assert_allclose(act(x), [[-0.1, 2.0], [-0.3, -0.8]])
    np.testing.assert_allclose(act.alpha_gradient(x, g), [-1.0 - 6.0, -2.0])
    with pytest.raises(ValueError, match="does not broadcast"):
        act(np.ones((2, 3)))


@pytest.mark.parametrize("name,params", [(n, {}) for n in ELEMENTWISE] + [("gelu", {"approximate": True})])
def test_derivative_and_backward_match_central_differences(name, params):
    act = A.get(name, **params)
    x = np.linspace(-6.1, 6.1, 40)  # even count: 0, the kink, is not a grid point
    assert check_derivative(act, x, tolerance=1e-7).passed
    assert check_backward(act, x, tolerance=1e-7).passed


@pytest.mark.parametrize("name", VECTOR)
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_vector_backward_matches_central_differences(name, axis):
    x = np.random.default_rng(1).normal(scale=3, size=(3, 4))
    assert check_backward(A.get(name, axis=axis), x, tolerance=1e-7).passed


def test_softmax_jacobian_is_full_not_diagonal():
    J = A.Softmax().jacobian([1.0, 2.0, 3.0])
    s = A.softmax([1.0, 2.0, 3.0])
    np.testing.assert_allclose(J, np.diag(s) - np.outer(s, s), rtol=1e-15, atol=1e-17)
