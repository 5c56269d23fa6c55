"""course_utils.keras_compare: lesson 10's comparison helpers (Keras on JAX, CPU).

Small inputs and tiny models only: the whole file runs in well under 20 s.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from course_utils import activations, data, gradcheck
from course_utils import keras_compare as kc
from course_utils import reference
from course_utils.keras_compare import _backend
from course_utils.keras_compare._table import Table
from course_utils.keras_compare.models import keras_activation, logits
from course_utils.keras_compare.training import init_for
from course_utils.keras_compare.values import Pair, differences, value_grid
from course_utils.network import MLP

ROOT = Path(__file__).resolve().parent.parent


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"}
    full_env.update(env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, env=full_env, timeout=120)


@pytest.fixture(scope="module")
def digits():
    split = data.load_digits(seed=0)
    return data.Split(split.X_train[:320], split.X_test[:96], split.y_train[:320], split.y_test[:96])


# --- loading Keras ---------------------------------------------------------------------------
def test_importing_the_course_or_the_module_does_not_import_keras():
    result = run_python(
        "import sys, course_utils, course_utils.keras_compare; "
        "print(sorted(m for m in ('keras', 'jax') if m in sys.modules))"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_comparisons_print_nothing_on_stderr_and_use_jax(capfd):
    # (Import-time messages are covered by nbval on lesson 10, which compares stderr.)
    assert kc.backend() == "jax"
    x = np.linspace(-3, 3, 7)
    kc.compare_values([kc.pair("gelu")], x)
    kc.autodiff_derivative(kc.pair("tanh"), x)
    assert capfd.readouterr().err == ""


def test_a_backend_the_user_chose_is_kept_and_a_missing_one_is_named():
    result = run_python("from course_utils import keras_compare as kc; kc.keras()",
                        KERAS_BACKEND="torch")
    if result.returncode == 0:  # pragma: no cover - only where PyTorch is installed
        pytest.skip("PyTorch is installed here")
    assert "KERAS_BACKEND='torch'" in result.stderr


def test_autodiff_helpers_explain_themselves_on_other_backends(monkeypatch):
    monkeypatch.setattr(_backend, "backend", lambda: "torch")
    with pytest.raises(_backend.BackendNotSupported, match="'torch'.*KERAS_BACKEND=jax"):
        _backend.grad(lambda t: t, np.zeros(2))


def test_float64_context_is_float64_inside_and_leaves_the_default_alone():
    keras = kc.keras()
    x = np.array([0.5, 1.5])
    with _backend.float64():
        inside = keras.ops.sigmoid(keras.ops.convert_to_tensor(x, "float64"))
    outside = keras.ops.sigmoid(keras.ops.convert_to_tensor(x.astype(np.float32)))
    assert keras.backend.standardize_dtype(inside.dtype) == "float64"
    assert keras.backend.standardize_dtype(outside.dtype) == "float32"
    assert keras.backend.standardize_dtype(keras.ops.ones(2).dtype) == "float32"


# --- pairs and values ------------------------------------------------------------------------
def test_every_pair_passes_its_hyperparameters_explicitly():
    labels = [p.label for p in kc.PAIRS]
    assert "leaky_relu(negative_slope=0.01)" in labels
    assert "gelu(approximate=False)" in labels and "gelu(approximate=True)" in labels
    for p in kc.PAIRS:
        course_params = p.course.params
        assert p.params == course_params, p.label  # every course hyperparameter is spelled out
        assert all(k in p.keras_call for k in p.keras_args)


def test_pair_lookup_builds_new_pairs_and_rejects_unknown_names():
    assert kc.pair("gelu", approximate=True).params == {"approximate": True}
    assert kc.pair("elu", alpha=0.5).label == "elu(alpha=0.5)"
    with pytest.raises(ValueError, match="unknown activation"):
        kc.pair("swishy")


def test_differences_treat_underflowed_values_as_equal_and_see_real_ones():
    abs_diff, rel_diff = differences([0.0, 1e-310, 1.0, -2.0], [0.0, 0.0, 1.0 + 1e-9, 2.0])
    assert rel_diff[0] == 0 and rel_diff[1] == 0
    assert rel_diff[2] == pytest.approx(1e-9, rel=1e-6)
    assert rel_diff[3] == pytest.approx(2.0) and abs_diff[3] == 4.0


def test_compare_values_agrees_where_formulas_agree_and_fails_where_arguments_differ():
    x = np.linspace(-5, 5, 41)
    good = kc.compare_values([kc.pair("sigmoid"), kc.pair("elu"), kc.pair("softmax")], x)
    assert max(good.column("max rel diff")) < 1e-12
    assert good.column("rel diff > 1e-12") == ["nowhere"] * 3
    # Keras's own default slope (0.2) against the course's 0.01: the table must show it.
    mismatched = Pair("leaky_relu", {"negative_slope": 0.01}, {"negative_slope": 0.2})
    bad = kc.compare_values([mismatched], x)
    assert bad.column("max rel diff")[0] > 0.9
    assert bad.column("rel diff > 1e-12")[0].startswith("20 of 41 points")


def test_value_grid_reaches_the_tails_and_tiny_values():
    x = value_grid()
    assert x.min() == -1000 and x.max() == 1000 and 0.0 in x
    assert np.abs(x[x != 0]).min() <= 1e-299
    assert np.all(np.diff(x) > 0)


def test_course_utils_is_right_in_every_tail_case():
    table = kc.tail_cases()
    assert len(table) == len(kc.TAIL_CASES)
    assert max(table.column("course_utils rel error")) < 1e-13


def test_keras_defaults_are_read_from_the_installed_signatures():
    keras = kc.keras()
    import inspect

    table = kc.keras_defaults()
    row = table.row("leaky_relu")
    assert row["course_utils"] == 0.01
    expected = inspect.signature(keras.activations.leaky_relu).parameters["negative_slope"].default
    assert row["keras.activations"] == expected
    assert "LeakyReLU(negative_slope=" in row["keras.layers"]


def test_reference_values_and_errors():
    assert reference.reference("gelu")(np.array([1.0]))[0] == pytest.approx(0.8413447460685429, rel=1e-15)
    assert reference.reference("elu", derivative=True, alpha=2.0)(np.array([-1.0]))[0] == pytest.approx(
        2 * np.exp(-1.0), rel=1e-15)
    with pytest.raises(ValueError, match="no reference for 'softmax'"):
        reference.reference("softmax")


# --- derivatives -----------------------------------------------------------------------------
def test_autodiff_derivatives_match_course_utils_in_the_core():
    x = np.linspace(-6, 6, 25) + 0.01  # away from kinks
    for name in ("sigmoid", "gelu", "silu", "softplus"):
        p = kc.pair(name)
        np.testing.assert_allclose(kc.autodiff_derivative(p, x), p.course.derivative(x), rtol=1e-12)


def test_compare_derivatives_reports_kink_conventions_and_the_vjp():
    x = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    table = kc.compare_derivatives([kc.pair("leaky_relu"), kc.pair("log_softmax")], x)
    leaky = table.rows[0]
    assert leaky["max rel diff"] == 0  # x = 0 left out of the maxima
    assert leaky["f'(0) course_utils"] == 0.01
    assert table.rows[1]["max rel diff"] < 1e-12


def test_relative_error_curve_of_course_utils_is_at_rounding_level():
    curve = kc.relative_error_curve(kc.pair("sigmoid"), np.array([-30.0, 0.0, 30.0]))
    assert set(curve) == {"x", "reference", "autodiff", "course_utils"}
    assert curve["course_utils"].max() < 1e-15


# --- tables ----------------------------------------------------------------------------------
def test_table_formats_text_and_markdown_and_checks_rows():
    t = Table(["a", "b"], [{"a": "x|y", "b": 1.25e-7}], title="T")
    assert "1.2e-07" in str(t) or "1.3e-07" in str(t)
    assert "x\\|y" in t._repr_markdown_()
    with pytest.raises(ValueError, match="no value for column"):
        Table(["a", "b"], [{"a": 1}])
    with pytest.raises(KeyError, match="no column 'c'"):
        t.column("c")


# --- models ----------------------------------------------------------------------------------
def test_keras_activation_spells_out_arguments_and_rejects_unknown_names():
    assert keras_activation("gelu").keywords == {"approximate": False}
    assert keras_activation("leaky_relu").keywords == {"negative_slope": 0.01}
    with pytest.raises(ValueError, match="no Keras counterpart.*'softmax'"):
        keras_activation("softmax")


def test_build_mlp_from_numpy_weights_computes_the_same_logits():
    mlp = MLP([64, 16, 8, 10], activation="tanh", init="xavier_uniform", seed=3)
    model = kc.build_mlp([64, 16, 8, 10], "tanh", weights=kc.numpy_weights(mlp))
    X = np.random.default_rng(0).standard_normal((7, 64))
    np.testing.assert_allclose(logits(model, X), mlp.forward(X), rtol=1e-5, atol=1e-5)
    assert kc.describe(model) == "Dense(16, tanh) → Dense(8, tanh) → Dense(10)"
    with pytest.raises(ValueError, match="W and b for each of the 3 layers"):
        kc.build_mlp([64, 16, 8, 10], "tanh", weights=kc.numpy_weights(mlp)[:2])


def test_prelu_model_starts_at_the_course_slope():
    mlp = MLP([64, 16, 8, 10], activation="prelu", seed=0)
    model = kc.build_mlp([64, 16, 8, 10], "prelu", weights=kc.numpy_weights(mlp))
    assert kc.describe(model) == "Dense(16) → PReLU → Dense(8) → PReLU → Dense(10)"
    slopes = kc.prelu_slopes(model)
    assert [s.shape for s in slopes] == [(16,), (8,)]
    assert all(np.all(s == np.float32(0.25)) for s in slopes)


def test_fit_keras_learns_records_the_loss_and_is_reproducible(digits):
    start = kc.numpy_weights(MLP([64, 16, 10], activation="relu", seed=0))

    def run():
        model = kc.build_mlp([64, 16, 10], "relu", weights=start)
        return kc.fit_keras(model, digits.X_train, digits.y_train, digits.X_test, digits.y_test,
                            epochs=2, lr=1e-2)

    first, second = run(), run()
    assert len(first.loss) == 3
    assert first.loss[-1] < 0.5 * first.loss[0]
    assert first.loss == second.loss
    assert 0.5 < first.test_accuracy <= 1.0
    with pytest.raises(ValueError, match="epochs must be at least 1"):
        kc.fit_keras(kc.build_mlp([64, 16, 10], weights=start), digits.X_train, digits.y_train,
                     epochs=0)


def test_gradient_norms_equal_the_numpy_networks_for_the_same_weights(digits):
    sizes = [64, 16, 16, 16, 10]
    mlp = MLP(sizes, activation="sigmoid", init="xavier_uniform", seed=1)
    model = kc.build_mlp(sizes, "sigmoid", weights=kc.numpy_weights(mlp))
    X, y = digits.X_train[:64], digits.y_train[:64]
    np.testing.assert_allclose(kc.gradient_norms(model, X, y), mlp.gradient_norms(X, y), rtol=1e-4)


def test_custom_activation_derivative_by_autodiff_is_right():
    x = np.linspace(-3, 3, 24)  # no point at the kink x = 0
    analytic = activations.ReLU().derivative(x) + 0.5 * activations.Tanh().derivative(x)
    ops = kc.keras().ops
    autodiff = kc.grad(lambda t: ops.relu(t) + 0.5 * ops.tanh(t), x)
    assert autodiff.dtype == np.float32
    # float32 autodiff computes tanh' as 1 − tanh², which cancels as tanh → ±1: 1e-5 at |x| = 3.
    assert gradcheck.compare(autodiff, analytic, tolerance=1e-4).passed
    assert not gradcheck.compare(autodiff, analytic + 1e-3, tolerance=1e-4).passed


def test_compare_training_starts_both_frameworks_from_the_same_weights(digits):
    assert [init_for(a) for a in ("relu", "gelu", "sigmoid", "tanh")] == [
        "he", "he", "xavier_uniform", "xavier_uniform"]
    result = kc.compare_training(["sigmoid"], digits, sizes=(64, 16, 10), epochs=2)
    assert result.activations == ["sigmoid"]
    numpy_loss, keras_loss = result.losses("sigmoid", "course_utils"), result.losses("sigmoid", "keras")
    assert len(numpy_loss) == len(keras_loss) == 3
    assert keras_loss[0] == pytest.approx(numpy_loss[0], rel=1e-5)  # same starting weights
    assert keras_loss[-1] < keras_loss[0] and numpy_loss[-1] < numpy_loss[0]
    assert result.table().column("activation") == ["sigmoid"]
    assert result.times().column("activation") == ["sigmoid"]
