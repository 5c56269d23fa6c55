"""Lesson 10's checks: a custom Keras activation and a small Keras model (Keras imported lazily).

A custom activation must work on a tensor *and* inside a compiled model: Keras traces the model
with JAX, where NumPy calls on the traced values fail. So both are tried.
"""

from __future__ import annotations

import numpy as np

from .. import activations
from ..keras_compare import models as _keras_models  # cheap: Keras itself is imported on first use
from . import _messages as msg
from ._answers import CustomExercise
from ._compare import compare
from ._exercise import Verdict
from ._isolation import Own, Watch
from ._run import call

KERAS_BUDGET = 60.0  # the first call compiles with XLA: seconds, not milliseconds
_X = np.array([-1000.0, -5.0, -1.0, 0.0, 0.5, 2.0, 1000.0], dtype=np.float32)
_OPS_HINT = ("Write it with keras.ops (keras.ops.sigmoid, keras.ops.exp, ...), not NumPy or math: "
             "Keras compiles the model, and NumPy cannot look inside the traced tensors.")


def _keras():
    from ..keras_compare import keras

    return keras()


def _keras_swish_reference(x):
    return x * _keras().ops.sigmoid(x)


def _make_keras_mlp_reference(activation, hidden=32):
    keras = _keras()
    return keras.Sequential([
        keras.Input(shape=(64,)),
        keras.layers.Dense(hidden, activation=activation),
        keras.layers.Dense(10, activation="softmax"),
    ])


def _failed(ex, headline, result=None, lines=(), hint=None):
    lines = list(lines)
    if result is not None and result.error is not None:
        lines.append(msg.labelled("error", msg.error_summary(result.error)))
        if result.error_line:
            lines.append(msg.labelled("where", result.error_line))
        hint = hint or msg.error_hint(result.error)
    return Verdict("failed", msg.failed(ex.title, headline, lines, hint))


def _attempt(ex, thunk, own=()):
    """Run a thunk calling the student's code: (value, None) or (None, Verdict or failed Call)."""
    watch = Watch(ex.own + list(own))
    result = call(thunk, budget=KERAS_BUDGET, watch=watch)
    if watch.hit is not None:
        return None, ex.uses_own(watch.hit)
    if result.timed_out:
        return None, _failed(ex, f"did not finish within {KERAS_BUDGET:g} s", hint=msg.DEFAULT_HINTS["timeout"])
    if result.error is not None:
        if isinstance(result.error, NotImplementedError) and result.error_in_student_code:
            return None, Verdict("not_started", msg.not_started(ex.title))
        return None, result
    return result.value, None


def _keras_silu(keras):
    """Keras's own swish, which the exercise asks you to write."""
    return [Own("Keras's own swish (keras.ops.silu)", keras.ops.silu),
            Own("Keras's own swish (keras.activations.silu)", keras.activations.silu)]


def _judge_swish(ex, fn):
    if not callable(fn):
        return _failed(ex, f"expected your function itself, got {msg.describe_type(fn)}")
    keras = _keras()
    own = _keras_silu(keras)
    value, outcome = _attempt(ex, lambda: keras.ops.convert_to_numpy(fn(keras.ops.convert_to_tensor(_X))), own)
    if isinstance(outcome, Verdict):
        return outcome
    if outcome is not None:
        return _failed(ex, "raised an error on a tensor", outcome, [msg.labelled("x", msg.fmt_value(_X))],
                       hint=None if msg.error_hint(outcome.error) else _OPS_HINT)
    expected = activations.silu(_X)
    problem = compare(value, expected, rtol=1e-5, atol=1e-6, check_dtype=False)
    if problem is not None:
        lines = [msg.labelled("x", msg.fmt_value(_X)), msg.labelled("expected", msg.fmt_value(expected)),
                 msg.labelled("got", msg.fmt_value(np.asarray(value) if problem.kind != "type" else value))]
        hint = ("swish(x) = x · sigmoid(x): keras.ops.sigmoid(x) times x."
                if problem.kind == "value" else None)
        return _failed(ex, f"{problem.headline} on a tensor", lines=lines, hint=hint)
    # Inside a compiled model.
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation=fn)])
    X = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)
    value, outcome = _attempt(ex, lambda: model.predict(X, verbose=0), own)
    if isinstance(outcome, Verdict):
        return outcome
    if outcome is not None:
        return _failed(ex, "works on a tensor, but fails inside a Keras model (which compiles it)",
                       outcome, hint=_OPS_HINT)
    W, b = (np.asarray(w) for w in model.layers[0].get_weights())
    expected = activations.silu(X @ W + b)
    if compare(value, expected, rtol=1e-4, atol=1e-5, check_dtype=False) is not None:
        return _failed(ex, "gives different values inside a Keras model", hint=_OPS_HINT)
    return Verdict("passed", msg.passed(ex.title, "x·σ(x) on tensors from −1000 to 1000 and inside a "
                                                  "compiled Dense layer."))


def _judge_mlp(ex, fn):
    if not callable(fn):
        return _failed(ex, f"expected your function itself, got {msg.describe_type(fn)}")
    keras = _keras()
    X = np.random.default_rng(1).normal(size=(6, 64)).astype(np.float32)
    for activation, hidden, label in (("relu", 16, 'activation="relu", hidden=16'),
                                      ("tanh", 8, 'activation="tanh", hidden=8')):
        keras.utils.set_random_seed(0)
        model, outcome = _attempt(ex, lambda: fn(activation, hidden=hidden))
        if isinstance(outcome, Verdict):
            return outcome
        if outcome is not None:
            return _failed(ex, f"raised an error for {label}", outcome)
        if not isinstance(model, keras.Model):
            return _failed(ex, f"should return a Keras model, returned {msg.describe_type(model)}",
                           hint="Build it with keras.Sequential([...]) and return it.")
        dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
        shapes = [tuple(layer.get_weights()[0].shape) for layer in dense if layer.get_weights()]
        if shapes != [(64, hidden), (hidden, 10)]:
            return _failed(ex, f"has Dense weight shapes {shapes} for {label}; expected "
                               f"{[(64, hidden), (hidden, 10)]}",
                           hint="keras.Input(shape=(64,)), then Dense(hidden, activation=activation), "
                                "then Dense(10, activation=\"softmax\").")
        probs, outcome = _attempt(ex, lambda: model.predict(X, verbose=0))
        if outcome is not None:
            return outcome if isinstance(outcome, Verdict) else _failed(ex, "predict failed", outcome)
        (W1, b1), (W2, b2) = ([np.asarray(w) for w in layer.get_weights()] for layer in dense)
        h = activations.get(activation)(X @ W1 + b1)
        expected = activations.softmax(h @ W2 + b2)
        if not np.allclose(np.sum(probs, axis=-1), 1.0, atol=1e-4):
            return _failed(ex, f"outputs do not sum to 1 for {label}",
                           hint="The output layer needs activation=\"softmax\": ten probabilities per example.")
        if compare(probs, expected, rtol=1e-3, atol=1e-5, check_dtype=False) is not None:
            return _failed(ex, f"the hidden layer does not use the activation it was given ({label})",
                           hint="Pass the activation argument on: Dense(hidden, activation=activation).")
    return Verdict("passed", msg.passed(ex.title, "64 → hidden (your activation) → 10 (softmax), for "
                                                  "two activations and widths."))


EXERCISES = [
    CustomExercise("keras_swish", "keras_swish(x)", "10", _judge_swish, reference=_keras_swish_reference),
    CustomExercise("make_keras_mlp", "make_keras_mlp(activation, hidden)", "10", _judge_mlp,
                   reference=_make_keras_mlp_reference,
                   own=[Own("the checker's reference make_keras_mlp", _make_keras_mlp_reference),
                        Own("the course's own Keras MLP (keras_compare.build_mlp)", _keras_models.build_mlp)]),
]


# --- the stretch exercise: dead units in a Keras model ----------------------------------------
def _keras_dead_units_reference(model, X):
    keras = _keras()
    h, counts = np.asarray(X, dtype=np.float64), []
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    for layer in dense[:-1]:
        W, b = (np.asarray(w, dtype=np.float64) for w in layer.get_weights())
        z = h @ W + b
        counts.append(int(np.sum(np.all(z <= 0, axis=0))))
        h = np.maximum(z, 0)
    return counts


def _dead_probe_models():
    keras = _keras()
    models = []
    for seed, bias, widths in ((0, -1.0, (16, 16)), (1, -0.5, (12, 8, 8))):
        keras.utils.set_random_seed(seed)
        layers = [keras.Input(shape=(6,))]
        layers += [keras.layers.Dense(w, activation="relu",
                                      bias_initializer=keras.initializers.Constant(bias))
                   for w in widths]
        layers.append(keras.layers.Dense(3))
        models.append((keras.Sequential(layers), np.random.default_rng(seed).normal(size=(40, 6))))
    return models


def _judge_keras_dead_units(ex, fn):
    if not callable(fn):
        return _failed(ex, f"expected your function itself, got {msg.describe_type(fn)}")
    for model, X in _dead_probe_models():
        label = f"a model with hidden widths {[layer.units for layer in model.layers[:-1]]}"
        got, outcome = _attempt(ex, lambda: fn(model, X.astype(np.float32)))
        if isinstance(outcome, Verdict):
            return outcome
        if outcome is not None:
            return _failed(ex, f"raised an error on {label}", outcome)
        expected = _keras_dead_units_reference(model, X.astype(np.float32))
        problem = compare(got, expected, kind="numbers", rtol=0, atol=0)
        if problem is not None:
            return _failed(ex, f"{problem.headline} on {label}",
                           lines=[msg.labelled("expected", msg.fmt_value(expected)),
                                  msg.labelled("got", msg.short_repr(got))],
                           hint="For each hidden Dense layer: W, b = layer.get_weights(); "
                                "Z = h @ W + b; a unit (column) is dead when Z <= 0 for every "
                                "example; then h = relu(Z) for the next layer. Leave out the "
                                "output layer.")
    return Verdict("passed", msg.passed(ex.title, "dead units per hidden layer, on two Keras models."))


EXERCISES.append(CustomExercise("keras_dead_units", "keras_dead_units(model, X)", "10",
                                _judge_keras_dead_units, reference=_keras_dead_units_reference))
