"""Keras models for lesson 10: the digits MLP, training with a per-epoch loss, PReLU slopes
and per-layer gradient norms.

Models train in float32 (Keras's default `floatx`), the precision real networks use; only the
function-level comparisons (`values`, `derivatives`) run in float64.

Example:
    >>> from course_utils import keras_compare
    >>> model = keras_compare.build_mlp([4, 8, 3], activation="elu", seed=0)
    >>> [layer.units for layer in model.layers]
    [8, 3]
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field

import numpy as np

from .. import activations
from . import _backend

# The hidden activations with a Keras counterpart of the same name. Each is called with every
# hyperparameter of the course's default spelled out (the libraries' defaults differ, see
# `keras_defaults()`), so a model means the same thing in both libraries.
KERAS_NAMES = ("relu", "tanh", "sigmoid", "elu", "selu", "gelu", "silu", "softplus", "leaky_relu")


def keras_activation(name, **params):
    """`keras.activations.<name>` with every hyperparameter passed explicitly.

    Args:
        name: a course activation name with a Keras counterpart (see `KERAS_NAMES`),
            or a callable (returned unchanged: e.g. a custom activation).
        **params: overrides, e.g. `negative_slope=0.1`.

    Returns:
        A function of a tensor, usable as `Dense(..., activation=...)`.
    """
    if callable(name):
        return name
    if name not in KERAS_NAMES:
        raise ValueError(
            f"keras_activation: no Keras counterpart set up for {name!r}; "
            f"choose from {sorted(KERAS_NAMES)} or pass a function"
        )
    args = {**activations.get(name).params, **params}
    fn = getattr(_backend.keras().activations, name)
    return functools.wraps(fn)(functools.partial(fn, **args)) if args else fn


def build_mlp(sizes=(64, 128, 64, 10), activation="relu", seed=0,
              kernel_initializer="glorot_uniform", weights=None):
    """A Keras MLP like `course_utils.network.MLP`: Dense hidden layers and a linear output.

    Args:
        sizes: widths, inputs first, e.g. (64, 128, 64, 10).
        activation: a name (see `keras_activation`) or a function, for every hidden layer;
            "prelu" adds a `PReLU` layer (alpha starts at 0.25, as in course_utils) after
            each hidden Dense layer instead.
        seed: seeds Keras (the initial weights) before building.
        kernel_initializer: Keras initialiser name (default "glorot_uniform", Keras's own);
            ignored when `weights` are given.
        weights: optional [W1, b1, W2, b2, ...] to start from, e.g. `numpy_weights(mlp)` of a
            course_utils MLP (W of shape (fan_in, fan_out), as in Keras).

    Returns:
        A `keras.Sequential` (float32, not compiled).
    """
    keras = _backend.keras()
    L = keras.layers
    _backend.set_seed(seed)
    sizes = [int(s) for s in sizes]
    if weights is not None:
        # Random initialisers compile a JAX kernel per weight shape (~1 s each); zeros do
        # not, and the weights are overwritten below anyway.
        kernel_initializer = "zeros"
    prelu = activation == "prelu"
    act = None if prelu else keras_activation(activation)
    layers = [keras.Input(shape=(sizes[0],))]
    for width in sizes[1:-1]:
        layers.append(L.Dense(width, activation=act, kernel_initializer=kernel_initializer))
        if prelu:
            layers.append(L.PReLU(alpha_initializer=keras.initializers.Constant(0.25)))
    layers.append(L.Dense(sizes[-1], kernel_initializer=kernel_initializer))
    model = keras.Sequential(layers)
    if weights is not None:
        dense = [layer for layer in model.layers if isinstance(layer, L.Dense)]
        if len(weights) != 2 * len(dense):
            raise ValueError(
                f"build_mlp: weights must hold W and b for each of the {len(dense)} layers "
                f"({2 * len(dense)} arrays), got {len(weights)}"
            )
        for layer, W, b in zip(dense, weights[::2], weights[1::2]):
            layer.set_weights([np.asarray(W, dtype=np.float32), np.asarray(b, dtype=np.float32)])
    return model


def describe(model) -> str:
    """The layers of a Keras model in one line, e.g. 'Dense(128, relu) → Dense(10)'."""
    keras = _backend.keras()
    parts = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            act = getattr(layer.activation, "__name__", str(layer.activation))
            keywords = getattr(layer.activation, "keywords", None)  # a functools.partial
            if keywords:
                act += "(" + ", ".join(f"{k}={v!r}" for k, v in keywords.items()) + ")"
            parts.append(f"Dense({layer.units})" if act == "linear" else f"Dense({layer.units}, {act})")
        else:
            parts.append(type(layer).__name__)
    return " → ".join(parts)


def numpy_weights(mlp) -> list:
    """[W1, b1, W2, b2, ...] of a course_utils.network.MLP, for `build_mlp(weights=...)`."""
    return [np.array(p) for layer in mlp.layers for p in (layer.W, layer.b)]


@dataclass
class KerasRun:
    """One Keras training run: per-epoch training loss (entry 0: before training)."""

    loss: list = field(default_factory=list)
    test_accuracy: float = float("nan")
    seconds: float = float("nan")


def _cross_entropy():
    keras = _backend.keras()
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def logits(model, X) -> np.ndarray:
    """The model's outputs for all rows of X at once, as float64 NumPy (one compiled call)."""
    return np.asarray(model.predict_on_batch(np.asarray(X, dtype=np.float32)), dtype=np.float64)


def _loss_and_accuracy(z, y):
    """Mean cross-entropy of logits z against labels y, and the accuracy (NumPy, float64)."""
    y = np.asarray(y)
    log_p = activations.log_softmax(z, axis=-1)
    return float(-np.mean(log_p[np.arange(len(y)), y])), float(np.mean(z.argmax(axis=1) == y))


def fit_keras(model, X, y, X_test=None, y_test=None, epochs=10, batch_size=32, lr=1e-3, seed=0):
    """Train with Adam and cross-entropy on logits; record the loss like `network.fit` does.

    Each epoch shuffles the rows (seeded) and drops the last, smaller batch (PyTorch's
    `drop_last=True`): with one batch shape XLA compiles the training step once, not twice,
    which halves Keras's start-up time here. The loss is measured on the whole training set
    before training and after each epoch, as `network.fit` records it (Keras's own history
    averages over an epoch's batches instead).

    Args:
        model: from `build_mlp` (compiled here).
        X, y: training inputs (N, features) and integer labels (N,), N ≥ batch_size.
        X_test, y_test: optional test set for `test_accuracy`.
        epochs, batch_size, lr: as for `network.fit` with `Adam(lr)` (defaults 10, 32, 1e-3).
        seed: seeds the shuffling and Keras.

    Returns:
        A `KerasRun`; `seconds` is the wall time of the training steps (compilation included,
        the loss bookkeeping not).
    """
    keras = _backend.keras()
    X = np.asarray(X, dtype=np.float32)
    y = np.asarray(y)
    if int(epochs) < 1:
        raise ValueError(f"fit_keras: epochs must be at least 1, got {epochs!r}")
    if len(y) < batch_size:
        raise ValueError(f"fit_keras: need at least batch_size={batch_size} rows, got {len(y)}")
    _backend.set_seed(seed)
    rng = np.random.default_rng(seed)
    # epsilon=1e-8 as in course_utils.network.Adam (Keras's default is 1e-7).
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr, epsilon=1e-8),
                  loss=_cross_entropy())
    # Train and test rows in one call: one compiled prediction per model.
    both = X if X_test is None else np.concatenate([X, np.asarray(X_test, dtype=np.float32)])
    run = KerasRun(loss=[_loss_and_accuracy(logits(model, both)[:len(y)], y)[0]])
    used = len(y) // batch_size * batch_size
    run.seconds = 0.0
    for _ in range(epochs):
        rows = rng.permutation(len(y))[:used]
        start = time.perf_counter()
        model.fit(X[rows], y[rows], epochs=1, batch_size=batch_size, shuffle=False, verbose=0)
        run.seconds += time.perf_counter() - start
        z = logits(model, both)
        run.loss.append(_loss_and_accuracy(z[:len(y)], y)[0])
    if X_test is not None:
        run.test_accuracy = _loss_and_accuracy(z[len(y):], y_test)[1]
    return run


def prelu_slopes(model) -> list:
    """The learned negative slopes (alpha) of every PReLU layer, one flat array per layer."""
    keras = _backend.keras()
    # `.value` is the backend array (Variable.numpy() warns under NumPy 2.4 in Keras 3.15).
    return [np.asarray(keras.ops.convert_to_numpy(layer.alpha.value), dtype=np.float64).ravel()
            for layer in model.layers if isinstance(layer, keras.layers.PReLU)]


def gradient_norms(model, X, y) -> np.ndarray:
    """‖dL/dW‖ (Frobenius) of each Dense kernel, first layer first, for cross-entropy on (X, y).

    The Keras twin of `course_utils.network.MLP.gradient_norms`; the weights are unchanged.
    """
    keras = _backend.keras()
    X = np.asarray(X, dtype=np.float32)
    grads = _backend.weight_gradients(model, _cross_entropy(), X, np.asarray(y))
    index = {id(v): i for i, v in enumerate(model.trainable_variables)}
    kernels = [layer.kernel for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    return np.array([np.linalg.norm(grads[index[id(k)]].astype(np.float64)) for k in kernels])

