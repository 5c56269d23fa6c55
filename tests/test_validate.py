"""course_utils._validate: the argument checks every package shares.

Each error names the function, the argument and what was given, in the same words everywhere.
"""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import _validate as V


@pytest.mark.parametrize("value, shown", [
    (None, "None"), (2.5, "2.5"), (np.float32(0.5), "0.5"), (True, "True"), (np.int64(3), "3"),
    ("fast", "str 'fast'"), ([1.0, None], "a list of NoneType/float (length 2)"),
    ((), "a tuple of nothing (length 0)"), ({"x": 1}, "dict {'x': 1}"),
    (np.zeros((2, 3), np.float32), "an array of shape (2, 3) (dtype float32)"),
])
def test_describe_shows_numbers_as_themselves_and_the_rest_by_kind(value, shown):
    assert V.describe(value) == shown


def test_describe_type_names_the_kind_only():
    assert [V.describe_type(v) for v in (None, [1], 3, 1.5, np.ones(2))] == [
        "None", "a list", "an int", "a float", "an array of shape (2,) (dtype float64)"]


def test_a_bool_is_not_a_number():
    assert V.is_number(1) and V.is_number(np.float32(1.0)) and V.is_integer(np.int8(1))
    assert not V.is_number(True) and not V.is_number(np.bool_(True)) and not V.is_integer(True)
    assert not V.is_integer(1.0) and not V.is_number("1")


@pytest.mark.parametrize("check, message", [
    (lambda: V.real(0, "SGD", "lr", above=0), "SGD: lr must be a positive number, got 0.0"),
    (lambda: V.real("fast", "Adam", "lr", above=0), "Adam: lr must be a positive number, got str 'fast'"),
    (lambda: V.real(True, "f", "lr", above=0), "f: lr must be a positive number, got True"),
    (lambda: V.real(float("nan"), "f", "bias"), "f: bias must be a finite number, got nan"),
    (lambda: V.real(-1, "f", "noise", at_least=0), "f: noise must be a finite number ≥ 0, got -1.0"),
    (lambda: V.real(1.5, "f", "factor", above=0, below=1),
     "f: factor must be a number with 0 < factor < 1, got 1.5"),
    (lambda: V.real(1, "SGD", "momentum", at_least=0, below=1),
     "SGD: momentum must be a number with 0 ≤ momentum < 1, got 1.0"),
    (lambda: V.real(5, "f", "bias", at_least=-3, at_most=1), "f: bias must be a number from -3 to 1, got 5.0"),
    (lambda: V.integer(0, "Dense", "n_in", at_least=1), "Dense: n_in must be a positive integer, got 0"),
    (lambda: V.integer(2.5, "f", "n", at_least=1), "f: n must be a positive integer, got 2.5"),
    (lambda: V.integer(2, "f", "n", at_least=3), "f: n must be an integer ≥ 3, got 2"),
    (lambda: V.integer(31, "f", "depth", at_least=1, at_most=30),
     "f: depth must be an integer from 1 to 30, got 31"),
    (lambda: V.integer(1.5, "softmax", "axis"), "softmax: axis must be an integer, got 1.5"),
    (lambda: V.flag("yes", "f", "derivative"), "f: derivative must be True or False, got 'yes'"),
    (lambda: V.one_of("tanh", ("relu",), "f", "activation"),
     r"f: activation must be one of ['relu'], got 'tanh'"),
    (lambda: V.real_vector([1.0], "f", "logits", 2, 20),
     "f: logits must be a 1-D array of 2 to 20 real numbers, got shape (1,)"),
    (lambda: V.real_vector([[1.0], [2.0, 3.0]], "f", "x", 2), "f: x must be a 1-D array of at least 2"),
    (lambda: V.real_vector([0.0, np.nan], "f", "x", 2), "f: x must be finite (no nan or inf)"),
    (lambda: V.real_range((0, np.inf), "f"), "f: x_range must be finite"),
    (lambda: V.real_range("ab", "f"), "f: x_range must be two numbers (low, high), got 'ab'"),
])
def test_errors_name_the_function_the_argument_and_the_value(check, message):
    with pytest.raises(ValueError) as err:
        check()
    assert str(err.value).startswith(message)


def test_checks_return_the_value_converted():
    assert V.real(np.float32(0.5), "f", "x") == 0.5 and type(V.real(1, "f", "x")) is float
    assert V.integer(np.int64(3), "f", "n", at_least=1) == 3 and V.flag(np.bool_(True), "f", "b") is True
    assert V.real_vector([1, 2], "f", "x", 2).dtype == np.float64


@pytest.mark.parametrize("x_range, word", [((1.0, 1.0), "empty"), ((2.0, -2.0), "reversed")])
def test_real_range_rejects_empty_and_reversed(x_range, word):
    with pytest.raises(ValueError, match=rf"x_range is {word}: need low < high, got"):
        V.real_range(x_range, "f")


class Thing:
    def __init__(self, size=1):
        self.size = size


def test_registry_finds_names_in_any_spelling_and_lists_the_valid_ones():
    things = V.Registry("thing", {"small_box": Thing, "crate": Thing}, {"bin": "crate"},
                        instance_of=Thing)
    assert things.names() == ["small_box", "crate"]
    assert things.key(" Small-Box ") == "small_box" and things.key("BIN") == "crate"
    assert things.get("crate", size=3).size == 3
    mine = Thing()
    assert things.get(mine) is mine
    with pytest.raises(ValueError, match=r"^unknown thing 'box'; valid names: small_box, crate \(aliases: bin\)$"):
        things.get("box")
    with pytest.raises(ValueError, match=r"^unknown thing 5; valid names"):
        things.get(5)
    with pytest.raises(ValueError, match=r"^crate: unexpected hyperparameter\(s\) \['colour'\]; crate accepts \['size'\]$"):
        things.get("crate", colour="red")
    with pytest.raises(ValueError, match="pass hyperparameters only with a name"):
        things.get(mine, size=2)
