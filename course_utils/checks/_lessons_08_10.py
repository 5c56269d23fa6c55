"""Function exercises of lessons 08–10: chains of derivatives, gradient norms, dead units, Keras.

The network exercises run on small seeded `course_utils.network.MLP`s (deep-copied per call, so
a student's function may run forward/backward freely). The Keras checks import Keras only when
they run (see `_keras_checks`).
"""

from __future__ import annotations

import numpy as np

from .. import activations
from ..network import model as _model
from ..network import stats as _stats
from . import _keras_checks
from ._exercise import FunctionExercise, Probe, Variant
from ._isolation import Own

_arr = np.asarray


# --- 08: vanishing gradients ----------------------------------------------------------------
def _chain_derivative(activation, x, depth):
    h = np.asarray(x, dtype=np.float64)
    total = np.ones_like(h)
    for _ in range(depth):
        total = total * activation.derivative(h)
        h = activation(h)
    return total


def _chain_derivative_after(activation, x, depth):
    h, total = np.asarray(x, dtype=np.float64), 1.0
    for _ in range(depth):
        h = activation(h)
        total = total * activation.derivative(h)
    return total


CHAIN_DERIVATIVE = FunctionExercise(
    "chain_derivative", "chain_derivative(activation, x, depth)", "08", _chain_derivative,
    [Probe("sigmoid, depth 5", (activations.Sigmoid(), np.array([-3.0, -1.0, 0.0, 1.0, 3.0]), 5)),
     Probe("tanh on a 2-D array, depth 10", (activations.Tanh(), np.array([[-2.0, 0.0], [0.5, 3.0]]), 10)),
     Probe("ReLU, depth 3", (activations.ReLU(), np.array([-1.0, 0.5, 2.0]), 3)),
     Probe("depth 1 on a Python list", (activations.Sigmoid(), [-1.0, 0.0, 2.0], 1))],
    elementwise=True,
    variants=[
        Variant("Each factor is the derivative at THAT layer's input: x₁ = f(x₀), x₂ = f(x₁), …, "
                "so the product is f'(x₀)·f'(x₁)·…, not f'(x₀)^depth.",
                fn=lambda activation, x, depth: activation.derivative(np.asarray(x, float)) ** depth),
        Variant("Take each layer's derivative at its input before moving on: multiply by f'(h), "
                "then set h = f(h) (you applied f first).", fn=_chain_derivative_after),
        Variant("The chain rule multiplies the derivatives of the layers; it does not add them.",
                fn=lambda activation, x, depth: _chain_sum(activation, x, depth)),
    ],
    summary="the chain rule, one factor per layer at that layer's input.",
)


def _chain_sum(activation, x, depth):
    h, total = np.asarray(x, dtype=np.float64), 0.0
    for _ in range(depth):
        total = total + activation.derivative(h)
        h = activation(h)
    return total


def _mlp(sizes, activation, init, seed, bias=0.0):
    from ..network import MLP

    return MLP(sizes, activation=activation, init=init, seed=seed, bias=bias)


def _batch(n, d, classes, seed):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.integers(0, classes, n)


def _layer_gradient_norms(model, X, y):
    return [float(v) for v in model.gradient_norms(X, y)]


def _grads(model, X, y, scale=1.0):
    from ..network.losses import SoftmaxCrossEntropy

    logits = model.forward(X)
    model.backward(SoftmaxCrossEntropy().gradient(logits, y) * scale)
    return [layer.grads for layer in model.layers]


def _norm_probes():
    return [
        Probe("a sigmoid MLP [4, 6, 5, 3]", (_mlp([4, 6, 5, 3], "sigmoid", "xavier_normal", 0), *_batch(8, 4, 3, 0))),
        Probe("a tanh MLP [5, 4, 4, 4, 2]", (_mlp([5, 4, 4, 4, 2], "tanh", "xavier_normal", 1), *_batch(6, 5, 2, 1))),
        Probe("a ReLU MLP [3, 8, 2]", (_mlp([3, 8, 2], "relu", "he", 2), *_batch(10, 3, 2, 2))),
    ]


LAYER_GRADIENT_NORMS = FunctionExercise(
    "layer_gradient_norms", "layer_gradient_norms(model, X, y)", "08", _layer_gradient_norms,
    _norm_probes(), output="numbers",
    own=[Own("the course's own per-layer norms (model.gradient_norms)", _model.MLP.gradient_norms)],
    variants=[
        Variant("List the layers first layer first (model.layers is in that order).",
                fn=lambda model, X, y: _layer_gradient_norms(model, X, y)[::-1]),
        Variant("That is ‖W‖, the size of the weights; the exercise asks for ‖dL/dW‖: run "
                "forward and backward, then use layer.grads[\"W\"].",
                fn=lambda model, X, y: [float(np.linalg.norm(layer.W)) for layer in model.layers]),
        Variant("Use the Frobenius norm np.linalg.norm(layer.grads[\"W\"]) (the square root of the "
                "sum of squares), not the sum of absolute values.",
                fn=lambda model, X, y: [float(np.abs(g["W"]).sum()) for g in _grads(model, X, y)]),
        Variant("The loss is a mean over the batch, so dL/dlogits = (softmax − onehot) / N; use "
                "SoftmaxCrossEntropy().gradient(logits, y), which divides by N.",
                fn=lambda model, X, y: [float(np.linalg.norm(g["W"])) for g in _grads(model, X, y, len(X))]),
        Variant("Only the weight gradient dL/dW counts here, not the bias gradient.",
                fn=lambda model, X, y: [float(np.sqrt(np.sum(g["W"] ** 2) + np.sum(g["b"] ** 2)))
                                        for g in _grads(model, X, y)]),
    ],
    summary="‖dL/dW‖ per layer, first layer first, on three small networks.",
)


# --- 09: dying ReLU -------------------------------------------------------------------------
def _count_dead_units(pre_activations):
    return int(np.sum(np.all(np.asarray(pre_activations) <= 0, axis=0)))


_Z = np.array([[1.0, -0.5, 2.0, -1.0, 0.3],
               [-0.2, -1.5, 0.5, 0.0, -0.1],
               [-0.3, -0.1, -0.2, -2.0, -0.4],
               [0.4, -2.0, 1.0, -0.5, 0.2]])

COUNT_DEAD_UNITS = FunctionExercise(
    "count_dead_units", "count_dead_units(pre_activations)", "09", _count_dead_units,
    [Probe("a batch of 4 examples × 5 units", (_Z.copy(),)),
     Probe("a list of lists", (_Z.tolist(),)),
     Probe("no dead unit", (np.abs(_Z) + 0.1,)),
     Probe("every unit dead", (-np.ones((3, 4)),)),
     Probe("a single example", (np.array([[0.5, -1.0, 0.0, 2.0]]),))],
    output="integer",
    own=[Own("the course's own dead-unit statistic (network.stats.dead_fraction)", _stats.dead_fraction)],
    variants=[
        Variant("Summing over the wrong axis: a unit is a column (one per unit, rows are "
                "examples), so test np.all(Z <= 0, axis=0).",
                fn=lambda Z: int(np.sum(np.all(_arr(Z) <= 0, axis=1)))),
        Variant("A unit is dead only if it is ≤ 0 for EVERY example (np.all), not for some (np.any).",
                fn=lambda Z: int(np.sum(np.any(_arr(Z) <= 0, axis=0)))),
        Variant("A pre-activation of exactly 0 gives relu = 0 and relu'(0) = 0: no gradient "
                "either, so count Z <= 0, not Z < 0.",
                fn=lambda Z: int(np.sum(np.all(_arr(Z) < 0, axis=0)))),
        Variant("Count units (columns), not individual entries: a unit is dead when its whole "
                "column is ≤ 0.", fn=lambda Z: int(np.sum(_arr(Z) <= 0))),
        Variant("Return the number of dead units (an int), not the fraction.",
                fn=lambda Z: float(np.mean(np.all(_arr(Z) <= 0, axis=0)))),
    ],
    summary="counts the units (columns) that are ≤ 0 on every example.",
)


def _dead_per_layer(model, X, axis=0):
    """Per hidden layer, how many columns (axis=0: units) or rows (axis=1) are ≤ 0 throughout."""
    h, counts = np.asarray(X, dtype=np.float64), []
    for layer in model.layers[:-1]:
        z = h @ layer.W + layer.b
        counts.append(int(np.sum(np.all(z <= 0, axis=axis))))
        h = layer.activation(z)
    return counts


def _dead_units_per_layer(model, X):
    return _dead_per_layer(model, X, axis=0)


def _dead_probes():
    return [
        Probe("a ReLU MLP [6, 8, 8, 3] with bias −1", (_mlp([6, 8, 8, 3], "relu", "he", 0, bias=-1.0),
                                                        _batch(32, 6, 3, 0)[0])),
        Probe("a ReLU MLP [4, 10, 2]", (_mlp([4, 10, 2], "relu", "he", 1), _batch(16, 4, 2, 1)[0])),
        Probe("a ReLU MLP [5, 6, 6, 6, 2] with bias −2", (_mlp([5, 6, 6, 6, 2], "relu", "he", 2, bias=-2.0),
                                                          _batch(20, 5, 2, 2)[0])),
    ]


DEAD_UNITS_PER_LAYER = FunctionExercise(
    "dead_units_per_layer", "dead_units_per_layer(model, X)", "09", _dead_units_per_layer,
    _dead_probes(), output="numbers", builds_on=("count_dead_units",),
    own=[Own("the course's own dead-unit statistic (network.stats.dead_fraction)", _stats.dead_fraction),
         Own("the course's own layer statistics (network.stats.layer_statistics)", _stats.layer_statistics)],
    variants=[
        Variant("Only the hidden layers have a ReLU; the last layer is linear (it gives the "
                "logits), so leave it out: model.layers[:-1].",
                fn=lambda model, X: _dead_units_per_layer(model, X) + [0]),
        Variant("A = relu(Z) is never negative, so A < 0 finds nothing: test the pre-activations "
                "Z <= 0 (equivalently A == 0).",
                fn=lambda model, X: [0] * (len(model.layers) - 1)),
        Variant("Summing over the wrong axis: units are columns, examples are rows; "
                "np.all(Z <= 0, axis=0).",
                fn=lambda model, X: _dead_per_layer(model, X, axis=1)),
    ],
    summary="dead units per hidden layer, computed layer by layer from Z = h W + b.",
)


EXERCISES = [CHAIN_DERIVATIVE, LAYER_GRADIENT_NORMS, COUNT_DEAD_UNITS, DEAD_UNITS_PER_LAYER,
             *_keras_checks.EXERCISES]
