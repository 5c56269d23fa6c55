"""Stretch exercises of lessons 05–09: moments under N(0, 1), an inverse softplus, log-softmax,
cross-entropy and a two-layer backward pass checked by central differences, the init gain, and
the units that get no gradient.
"""

from __future__ import annotations

import numpy as np

from .. import activations, gradcheck
from ..network import layers as _layers
from ..network import losses as _losses
from ..network import model as _model
from . import _probes
from ._answers import ValueExercise
from ._exercise import FunctionExercise, Probe, Variant
from ._isolation import Own

_arr = np.asarray


# --- 05: mean and variance of f(z) for z ~ N(0, 1) -------------------------------------------
_GRID = np.linspace(-12.0, 12.0, 240_001)
_WEIGHTS = np.exp(-_GRID**2 / 2) / np.sqrt(2 * np.pi) * (_GRID[1] - _GRID[0])


def _activation_moments(activation):
    f = np.asarray(activation(_GRID), dtype=np.float64)
    mean = float(np.sum(_WEIGHTS * f))
    return [mean, float(np.sum(_WEIGHTS * (f - mean) ** 2))]


def _moment_probes():
    return [Probe(f"activation = {act!r}", (act,), rtol=0.0, atol=1e-4)
            for act in (activations.ReLU(), activations.SELU(), activations.Tanh(), activations.ELU())]


ACTIVATION_MOMENTS = FunctionExercise(
    "activation_moments", "activation_moments(activation)", "05", _activation_moments,
    _moment_probes(), output="numbers",
    variants=[
        Variant("z ~ N(0, 1) is not uniform: weight each f(z) by the density "
                "φ(z) = exp(−z²/2)/√(2π) (times the grid step), instead of averaging f over the grid.",
                fn=lambda act: [float(np.mean(act(_GRID))), float(np.var(act(_GRID)))]),
        Variant("Return the variance E[(f − mean)²], not the standard deviation.",
                fn=lambda act: [_activation_moments(act)[0], float(np.sqrt(_activation_moments(act)[1]))]),
        Variant("E[f²] is the variance only when the mean is 0: subtract mean².",
                fn=lambda act: [_activation_moments(act)[0],
                                _activation_moments(act)[1] + _activation_moments(act)[0] ** 2]),
    ],
    hints={"value": "The check wants 4 decimals. Monte Carlo errors shrink like 1/√n (a million "
                    "samples still leave ~1e-3): integrate on a fine grid instead, e.g. "
                    "z = np.linspace(-12, 12, 240_001), weights φ(z)·Δz."},
    summary="E[f(z)] and Var[f(z)] to 4 decimals for ReLU, SELU, tanh and ELU.",
)


# --- 06: the inverse of softplus ---------------------------------------------------------------
def _softplus_inverse(y):
    y = np.asarray(y, dtype=np.float64)
    with np.errstate(divide="ignore"):
        return y + np.log(-np.expm1(-y))


SOFTPLUS_INVERSE = FunctionExercise(
    "softplus_inverse", "softplus_inverse(y)", "06", _softplus_inverse,
    [Probe("ordinary values", (np.array([0.1, 0.5, 1.0, 2.0, 5.0]),), tag="ordinary values"),
     Probe("a 2-D array", (np.array([[0.25, 1.5], [3.0, 0.75]]),), tag="2-D"),
     Probe("a Python list", ([0.3, 1.2],), tag="a list"),
     Probe("tiny y (1e-12, 1e-8, 1e-4; 9 digits)", (np.array([1e-12, 1e-8, 1e-4]),), rtol=1e-9,
           atol=0.0, tag="tiny y to 9 digits"),
     Probe("large y (50, 700, 1000; 9 digits)", (np.array([50.0, 700.0, 1000.0]),), rtol=1e-9,
           atol=0.0, tag="large y to 9 digits"),
     Probe("NaN and inf", (np.array([np.nan, np.inf]),), tag="NaN, inf")],
    elementwise=True,
    variants=[
        Variant("exp(y) − 1 loses digits when y is tiny (exp(y) is almost 1): np.expm1(y) "
                "computes it exactly.", fn=lambda y: np.log(np.exp(_arr(y)) - 1)),
        Variant("expm1(1000) overflows to inf. For large y, log(e^y − 1) = y + log(1 − e^(−y)) "
                "= y + log(−expm1(−y)), where nothing overflows — and it is exact for tiny y too.",
                fn=lambda y: np.log(np.expm1(_arr(y)))),
        Variant("That is softplus itself, log(1 + e^y); its inverse is log(e^y − 1).",
                fn=lambda y: activations.softplus(y)),
    ],
    summary="y + log(−expm1(−y)): 9 digits for tiny and large y.",
)


# --- 07: log-softmax, cross-entropy, and a backward pass checked by central differences -------
def _log_softmax(x, axis=-1):
    return activations.log_softmax(x, axis=axis)


_ROWS = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])

LOG_SOFTMAX = FunctionExercise(
    "log_softmax", "log_softmax(x, axis)", "07", _log_softmax,
    [Probe("a vector of ordinary logits", (np.array([1.0, 2.0, 0.5, -1.0]),)),
     Probe("a 2-D batch (one row per example)", (_ROWS.copy(),)),
     Probe("axis=0", (_ROWS.copy(),), {"axis": 0}),
     Probe("a Python list", ([0.5, 1.5, -1.0],)),
     Probe("large logits (1000, 1001, 1002)", (np.array([1000.0, 1001.0, 1002.0]),)),
     Probe("a class far behind (0, −1000)", (np.array([0.0, -1000.0]),)),
     Probe("a masked logit (−inf)", (np.array([0.0, -np.inf, 1.0]),))],
    builds_on=("softmax",),
    own=[Own("the course's own log-softmax (activations.log_softmax)", activations.LogSoftmax._forward)],
    variants=[
        Variant("log(softmax(x)) is log(0) = −inf once a probability underflows (x = −1000 "
                "behind the maximum), though log-softmax is just −1000: compute it as "
                "z − log(Σ exp(z)) with z = x − max(x), never through softmax.",
                fn=lambda x, axis=-1: np.log(activations.softmax(x, axis=axis))),
        Variant("Missing max-subtraction: exp(1000) overflows. Subtract the maximum along the "
                "axis first; log-softmax does not change.",
                fn=lambda x, axis=-1: _arr(x) - np.log(np.sum(np.exp(x), axis=axis, keepdims=True))),
        Variant("Subtract log(Σ exp(z)) as well: z = x − max is only the shift.",
                fn=lambda x, axis=-1: _arr(x) - np.max(x, axis=axis, keepdims=True)),
        Variant("Summing over the wrong axis: use the `axis` argument, with keepdims=True.",
                fn=lambda x, axis=-1: _log_softmax(x, axis=0 if axis in (-1, 1) else -1)),
    ],
    hints={"warning": "A log of 0 or an exp of a large number: z = x − max(x), then "
                      "z − log(np.sum(np.exp(z), axis=axis, keepdims=True))."},
)


def _cross_entropy(logits, y):
    loss = _losses.SoftmaxCrossEntropy()
    return loss(logits, y), loss.gradient(logits, y)


def _ce_variant(scale=1.0, sign=1.0, total=False):
    def ce(logits, y):
        z, y = _arr(logits, float), _arr(y)
        n = len(z)
        p = activations.softmax(z)
        onehot = np.eye(z.shape[1])[y]
        loss = -np.sum(activations.log_softmax(z)[np.arange(n), y])
        return (loss if total else loss / n), sign * (p - onehot) / n * scale
    return ce


_LOGITS = np.array([[2.0, 1.0, 0.1, -1.0], [0.5, 0.5, 0.5, 0.5], [-1.0, 3.0, 0.0, 1.0]])

CROSS_ENTROPY = FunctionExercise(
    "cross_entropy", "cross_entropy(logits, y)", "07", _cross_entropy,
    [Probe("a batch of 3 examples, 4 classes", (_LOGITS.copy(), np.array([0, 3, 1]))),
     Probe("one example", (_LOGITS[:1].copy(), np.array([2]))),
     Probe("Python lists", ([[0.0, 1.0], [2.0, -1.0]], [1, 0])),
     Probe("a confident wrong answer (logits 1000, 0)", (np.array([[1000.0, 0.0]]), np.array([1])))],
    output="arrays", names=("loss", "gradient"), builds_on=("softmax", "log_softmax"),
    own=[Own("the course's own loss (network.losses.SoftmaxCrossEntropy)", _losses.SoftmaxCrossEntropy.__call__),
         Own("the course's own gradient (SoftmaxCrossEntropy().gradient)", _losses.SoftmaxCrossEntropy.gradient)],
    variants=[
        Variant("The loss is the MEAN over the batch, so its gradient has a 1/N: "
                "(softmax(z) − onehot(y)) / N.", fn=_ce_variant(scale=3.0)),
        Variant("Sign: dL/dz = softmax(z) − onehot(y) (raising the right class's logit lowers the loss).",
                fn=_ce_variant(sign=-1.0)),
        Variant("The loss is the mean over the batch, not the sum.", fn=_ce_variant(total=True)),
    ],
    summary="mean −log softmax(z)[y] from log-softmax, and (softmax(z) − onehot(y))/N.",
)


def _two_layer_loss(X, y, W1, b1, W2, b2):
    return _losses.SoftmaxCrossEntropy()(activations.relu(X @ W1 + b1) @ W2 + b2, y)


def _numerical_two_layer(X, y, W1, b1, W2, b2):
    """The reference: the course's gradient check, one parameter array at a time."""
    params = [np.asarray(p, dtype=np.float64) for p in (W1, b1, W2, b2)]
    X, grads = np.asarray(X, dtype=np.float64), []
    for i, p in enumerate(params):
        def loss_of(value, i=i):
            trial = list(params)
            trial[i] = value
            return _two_layer_loss(X, y, *trial)
        grads.append(gradcheck.numerical_gradient(loss_of, p, h=1e-6))
    return tuple(grads)


def _analytic_two_layer(X, y, W1, b1, W2, b2, mask=True, hidden_output=True):
    X = _arr(X, float)
    Z1 = X @ W1 + b1
    A1 = activations.relu(Z1)
    dZ2 = _losses.SoftmaxCrossEntropy().gradient(A1 @ W2 + b2, y)
    dZ1 = (dZ2 @ W2.T) * ((Z1 > 0) if mask else 1.0)
    dW2 = (A1 if hidden_output else Z1).T @ dZ2
    return X.T @ dZ1, dZ1.sum(axis=0), dW2, dZ2.sum(axis=0)


def _two_layer_probe(n, d, h, k, seed):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(n, d)), rng.integers(0, k, n), rng.normal(size=(d, h)),
            rng.normal(size=h) * 0.5, rng.normal(size=(h, k)), rng.normal(size=k) * 0.5)


TWO_LAYER_GRADIENTS = FunctionExercise(
    "two_layer_gradients", "two_layer_gradients(X, y, W1, b1, W2, b2)", "07", _numerical_two_layer,
    [Probe(f"a network {d} → {h} → {k} on {n} examples", _two_layer_probe(n, d, h, k, seed),
           rtol=1e-5, atol=1e-8)
     for n, d, h, k, seed in ((5, 3, 4, 3, 0), (8, 2, 6, 4, 1), (1, 4, 3, 2, 2))],
    output="arrays", names=("dW1", "db1", "dW2", "db2"), builds_on=("cross_entropy",),
    own=[Own("the course's own network backward (network MLP.backward)", _model.MLP.backward),
         Own("the course's own layer backward (network Dense.backward)", _layers.Dense.backward)],
    variants=[
        Variant("The gradient reaches the first layer only through the active ReLU units: "
                "dZ1 = (dZ2 @ W2ᵀ) ⊙ [Z1 > 0].",
                fn=lambda *a: _analytic_two_layer(*a, mask=False)),
        Variant("dW2 = A1ᵀ @ dZ2 uses the hidden layer's OUTPUT A1 = relu(Z1), not Z1.",
                fn=lambda *a: _analytic_two_layer(*a, hidden_output=False)),
        Variant("The loss is a mean over the batch: dL/dlogits = (softmax − onehot)/N (your "
                "cross_entropy gives it).",
                fn=lambda *a: tuple(g * len(_arr(a[0])) for g in _analytic_two_layer(*a))),
    ],
    summary="matches the course's central-difference gradient check on three small networks.",
)


# --- 08: per-layer variance, and the gain that keeps it ------------------------------------------
def _layer_variances(activation, gain, X, depth, seed=0):
    rng = np.random.default_rng(seed)
    h = np.asarray(X, dtype=np.float64)
    n = h.shape[1]
    out = []
    for _ in range(depth):
        W = rng.normal(0.0, gain / np.sqrt(n), (n, n))
        h = activation(h @ W)
        out.append(float(np.var(h)))
    return out


def _variance_variant(scale_by_n=False, pre=False):
    def variances(activation, gain, X, depth, seed=0):
        rng = np.random.default_rng(seed)
        h = _arr(X, float)
        n, out = h.shape[1], []
        for _ in range(depth):
            W = rng.normal(0.0, gain / (n if scale_by_n else np.sqrt(n)), (n, n))
            z = h @ W
            h = activation(z)
            out.append(float(np.var(z if pre else h)))
        return out
    return variances


def _variance_probe(activation, gain, depth, seed):
    X = np.random.default_rng(100 + seed).normal(size=(64, 32))
    return Probe(f"{activation!r}, gain {gain:g}, depth {depth}", (activation, gain, X, depth),
                 {"seed": seed}, rtol=1e-7, atol=1e-12)


LAYER_VARIANCES = FunctionExercise(
    "layer_variances", "layer_variances(activation, gain, X, depth, seed)", "08", _layer_variances,
    [_variance_probe(activations.ReLU(), np.sqrt(2), 5, 0),
     _variance_probe(activations.Tanh(), 1.0, 4, 1),
     _variance_probe(activations.Sigmoid(), 1.0, 3, 2)],
    output="numbers",
    variants=[
        Variant("The standard deviation of the weights is gain/√fan_in (so the variance is "
                "gain²/fan_in), not gain/fan_in.", fn=_variance_variant(scale_by_n=True)),
        Variant("Measure the activations h = f(h @ W) each layer passes on, not the "
                "pre-activations h @ W.", fn=_variance_variant(pre=True)),
    ],
    summary="the variance after each layer, with the weights drawn as the task says.",
)

RELU_GAIN = ValueExercise(
    "relu_gain", "the gain that keeps ReLU's variance", "08", np.sqrt(2.0), 0.1,
    "Use your layer_variances on a deep ReLU stack for a range of gains: below the right gain "
    "the variance shrinks layer after layer, above it grows.",
    question="Which weight gain keeps the variance of a 30-layer ReLU stack (width 64) equal "
             "to the input's, so that it neither vanishes nor explodes?")


# --- 09: dead units get no gradient ----------------------------------------------------------------
def _zero_gradient_units(model, X, y):
    logits = model.forward(X)
    model.backward(_losses.SoftmaxCrossEntropy().gradient(logits, y))
    return [np.flatnonzero(np.all(layer.grads["W"] == 0, axis=0) & (layer.grads["b"] == 0))
            for layer in model.layers[:-1]]


def _zero_probes():
    from ..network import MLP

    def batch(n, d, k, seed):
        rng = np.random.default_rng(seed)
        return rng.normal(size=(n, d)), rng.integers(0, k, n)

    return [
        Probe("a ReLU MLP [6, 8, 8, 3] with bias −1",
              (MLP([6, 8, 8, 3], activation="relu", bias=-1.0, seed=0), *batch(32, 6, 3, 0))),
        Probe("a ReLU MLP [5, 6, 6, 6, 2] with bias −2",
              (MLP([5, 6, 6, 6, 2], activation="relu", bias=-2.0, seed=2), *batch(20, 5, 2, 2))),
        Probe("a healthy ReLU MLP [4, 10, 2]",
              (MLP([4, 10, 2], activation="relu", seed=1), *batch(16, 4, 2, 1))),
    ]


ZERO_GRADIENT_UNITS = FunctionExercise(
    "zero_gradient_units", "zero_gradient_units(model, X, y)", "09", _zero_gradient_units,
    _zero_probes(), output="arrays",
    variants=[
        Variant("A unit is a COLUMN of W (its incoming weights) and one entry of b: test "
                "np.all(grads[\"W\"] == 0, axis=0).",
                fn=lambda model, X, y: [np.flatnonzero(np.all(g == 0, axis=1)) for g in
                                        [_grads_w(model, X, y)[i] for i in range(len(model.layers) - 1)]]),
        Variant("Only the hidden layers have ReLU units; leave out the output layer "
                "(model.layers[:-1]).",
                fn=lambda model, X, y: _zero_gradient_units(model, X, y) + [np.array([], dtype=int)]),
    ],
    summary="the hidden units whose incoming weights and bias get exactly zero gradient.",
)


def _grads_w(model, X, y):
    model.backward(_losses.SoftmaxCrossEntropy().gradient(model.forward(X), y))
    return [layer.grads["W"] for layer in model.layers]


EXERCISES = [ACTIVATION_MOMENTS, SOFTPLUS_INVERSE, LOG_SOFTMAX, CROSS_ENTROPY, TWO_LAYER_GRADIENTS,
             LAYER_VARIANCES, RELU_GAIN, ZERO_GRADIENT_UNITS]
