"""Stretch exercises of lessons 00–04: work that needs the lesson understood, not transcribed.

XOR weights chosen by hand (00), a logistic loss that is right in the tails (01), tanh accurate
near 0 (02), the backward pass of a Dense + ReLU layer (03), learning PReLU's slope by gradient
descent (04).
"""

from __future__ import annotations

import numpy as np

from .. import activations
from ..network import layers as _layers
from . import _messages as msg
from . import _probes
from ._answers import CustomExercise, _answer_of
from ._exercise import FunctionExercise, Probe, Variant, Verdict
from ._isolation import Own

_arr = np.asarray


# --- 00: XOR with two ReLU units, weights by hand --------------------------------------------
XOR_CORNERS = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
XOR_LABELS = np.array([0.0, 1.0, 1.0, 0.0])
_XOR_SHAPES = ("W1 (2, 2)", "b1 (2,)", "W2 (2,)", "b2 (a number)")


def xor_network(W1, b1, W2, b2, X=XOR_CORNERS):
    """The network of the exercise: relu(X @ W1 + b1) @ W2 + b2, one output per row of X."""
    return activations.relu(_arr(X) @ W1 + b1) @ W2 + b2


def _xor_reference():
    return (np.array([[1.0, -1.0], [-1.0, 1.0]]), np.zeros(2), np.array([0.5, 0.5]), 0.0)


def _judge_xor(ex, answer):
    value, verdict = _answer_of(ex, answer)
    if verdict is not None:
        return verdict
    if not isinstance(value, (tuple, list)) or len(value) != 4:
        return Verdict("failed", msg.failed(
            ex.title, f"should return four things (W1, b1, W2, b2), returned {msg.describe_type(value)}",
            hint="For example: return W1, b1, W2, b2"))
    try:
        W1, b1, W2, b2 = (np.asarray(v, dtype=np.float64) for v in value)
    except (TypeError, ValueError):
        return Verdict("failed", msg.failed(ex.title, "W1, b1, W2, b2 should be numbers or arrays of numbers"))
    if W1.shape != (2, 2) or b1.shape != (2,) or W2.reshape(-1).shape != (2,) or b2.size != 1:
        got = ", ".join(str(a.shape) for a in (W1, b1, W2, b2))
        return Verdict("failed", msg.failed(
            ex.title, f"has shapes {got}; the network needs {', '.join(_XOR_SHAPES)}",
            hint="Two inputs, two hidden ReLU units, one output."))
    with np.errstate(all="ignore"):
        out = xor_network(W1, b1, W2.reshape(-1), b2.reshape(()))
    if not np.allclose(out, XOR_LABELS, rtol=0, atol=1e-6):
        return Verdict("failed", msg.failed(
            ex.title, "does not compute XOR on the four corners",
            [msg.labelled("corners", msg.fmt_value(XOR_CORNERS)),
             msg.labelled("expected", msg.fmt_value(XOR_LABELS)),
             msg.labelled("got", msg.fmt_value(out))],
            hint="XOR is 1 exactly when x1 and x2 differ, i.e. when |x1 − x2| > 0. A ReLU unit "
                 "can compute one half of an absolute value: relu(t) + relu(−t) = |t|."))
    return Verdict("passed", msg.passed(ex.title, "two ReLU units compute XOR on all four corners."))


XOR_WEIGHTS = CustomExercise("xor_weights", "xor_weights()", "00", _judge_xor, reference=_xor_reference)


# --- 01: the logistic loss from logits, right in the tails --------------------------------------
def _logistic_loss(z, y):
    z = np.asarray(z, dtype=np.float64)
    return activations.softplus(z) - np.asarray(y, dtype=np.float64) * z


def _log_sigmoid_loss(z, y):
    s = activations.sigmoid(z)
    return -(_arr(y) * np.log(s) + (1 - _arr(y)) * np.log(1 - s))


_Z = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])
_Y = np.array([0.0, 1.0, 1.0, 0.0, 1.0])

LOGISTIC_LOSS = FunctionExercise(
    "logistic_loss", "logistic_loss(z, y)", "01", _logistic_loss,
    [Probe("ordinary logits and labels", (_Z.copy(), _Y.copy()), tag="ordinary values"),
     Probe("soft labels (y = 0.3)", (_Z.copy(), np.full(5, 0.3)), tag="soft labels"),
     Probe("a 2-D batch", (_Z.reshape(1, 5).repeat(2, 0), np.vstack([_Y, 1 - _Y])), tag="2-D"),
     Probe("Python lists", ([-1.0, 2.0], [1.0, 0.0]), tag="lists"),
     Probe("large logits (±1000)", (np.array([1000.0, 1000.0, -1000.0, -1000.0]),
                                    np.array([1.0, 0.0, 1.0, 0.0])), tag="±1000"),
     Probe("confident and right (z = ±40; 9 digits)", (np.array([40.0, -40.0]), np.array([1.0, 0.0])),
           rtol=1e-9, atol=0.0, tag="confident answers to 9 digits")],
    elementwise=True,
    variants=[
        Variant("log σ(z) is 0 once σ(z) rounds to 1 (and log(1 − σ) is log 0 = −inf once it "
                "rounds to 0). Write both logs without σ: log σ(z) = −softplus(−z) and "
                "log(1 − σ(z)) = −softplus(z), so the loss is softplus(z) − y·z, with "
                "softplus(z) = max(z, 0) + log1p(exp(−|z|)).", fn=_log_sigmoid_loss),
        Variant("log(1 + eᶻ) overflows for z = 1000: use max(z, 0) + log1p(exp(−|z|)).",
                fn=lambda z, y: np.log1p(np.exp(_arr(z))) - _arr(y) * _arr(z)),
        Variant("Sign error: the loss is softplus(z) − y·z (it is 0 for a confident right answer).",
                fn=lambda z, y: activations.softplus(z) + _arr(y) * _arr(z)),
        Variant("log(1 + tiny) rounds to 0 when exp(−|z|) is below 1e-16: use np.log1p.",
                fn=lambda z, y: np.maximum(z, 0) + np.log(1 + np.exp(-np.abs(_arr(z)))) - _arr(y) * _arr(z)),
    ],
    hints={"warning": "exp or log of an extreme value: write the loss as max(z, 0) − y·z + "
                      "log1p(exp(−|z|)), where exp only sees −|z|."},
    summary="softplus(z) − y·z: finite for ±1000 and right to 9 digits for confident answers.",
)


# --- 02: tanh accurate near 0 ------------------------------------------------------------------
def _tanh_via_sigmoid(x):
    return 2 * activations.sigmoid(2 * _arr(x, dtype=np.float64)) - 1


_TINY = np.array([1e-12, -1e-9, 1e-6, -3e-4])

TANH_ACCURATE = FunctionExercise(
    "tanh_accurate", "tanh_accurate(x)", "02", activations.Tanh(),
    _probes.elementwise()[:4]
    + [Probe("tiny inputs (1e-12 … 3e-4; 9 digits)", (_TINY.copy(),), rtol=1e-9, atol=0.0,
             tag="tiny inputs to 9 digits")]
    + _probes.elementwise()[4:],
    elementwise=True,
    own=[Own("the course's own tanh (activations.tanh)", activations.Tanh._forward),
         Own("np.tanh", module=np, attr="tanh")],
    variants=[
        Variant("2σ(2x) − 1 subtracts two numbers close to 1 when x is tiny: at x = 1e-12 only "
                "about 4 digits survive. Write it with expm1: for x ≥ 0, tanh(x) = −t/(2 + t) "
                "with t = expm1(−2x), and tanh(−x) = −tanh(x).", fn=_tanh_via_sigmoid),
        Variant("(e^{2x} − 1)/(e^{2x} + 1) overflows for x = 1000 (inf/inf): use only "
                "exp(−2|x|), and the sign of x.", kinds=("warning", "nonfinite"),
                fn=lambda x: np.expm1(2 * _arr(x)) / (np.exp(2 * _arr(x)) + 1)),
        Variant("tanh is odd: tanh(−x) = −tanh(x). Compute it for |x| and put the sign back.",
                fn=lambda x: -np.expm1(-2 * np.abs(x)) / (2 + np.expm1(-2 * np.abs(x)))),
    ],
    summary="tanh from exp, right to 9 digits for tiny x and exact in the saturated tails.",
)


# --- 03: backward through Dense + ReLU --------------------------------------------------------
def _dense_relu_backward(X, W, b, grad_output):
    X, W, b, g = (np.asarray(a, dtype=np.float64) for a in (X, W, b, grad_output))
    dZ = g * (X @ W + b > 0)
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)


def _no_mask(X, W, b, g):
    X, W, g = _arr(X, float), _arr(W, float), _arr(g, float)
    return g @ W.T, X.T @ g, g.sum(axis=0)


def _mask_at_zero(X, W, b, g):
    X, W, b, g = (_arr(a, float) for a in (X, W, b, g))
    dZ = g * (X @ W + b >= 0)
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)


def _bias_mean(X, W, b, g):
    dX, dW, db = _dense_relu_backward(X, W, b, g)
    return dX, dW, db / len(_arr(X))


def _backward_probe(n, d, m, seed, zero=False):
    rng = np.random.default_rng(seed)
    X = rng.integers(-2, 3, (n, d)).astype(float)
    W = rng.integers(-2, 3, (d, m)).astype(float) / 2
    b = rng.integers(-1, 2, m).astype(float) / 2
    if zero:  # make one pre-activation exactly 0: relu'(0) = 0
        b[0] = -(X[0] @ W[:, 0])
    return X, W, b, rng.normal(size=(n, m)).round(2)


DENSE_RELU_BACKWARD = FunctionExercise(
    "dense_relu_backward", "dense_relu_backward(X, W, b, grad_output)", "03", _dense_relu_backward,
    [Probe("a batch of 4 examples, 3 inputs → 2 units", _backward_probe(4, 3, 2, 0)),
     Probe("a pre-activation of exactly 0 (relu'(0) = 0)", _backward_probe(3, 2, 3, 1, zero=True)),
     Probe("a square layer (3 → 3)", _backward_probe(5, 3, 3, 2)),
     Probe("one example", _backward_probe(1, 4, 2, 3))],
    output="arrays", names=("dX", "dW", "db"), builds_on=("relu_derivative",),
    own=[Own("the course's own layer backward (network Dense.backward)", _layers.Dense.backward)],
    variants=[
        Variant("The ReLU passes the gradient only where it was active: dZ = grad_output ⊙ "
                "relu'(Z) with Z = X @ W + b, before dW, db and dX.", fn=_no_mask),
        Variant("relu'(0) = 0: a unit whose pre-activation is exactly 0 passes no gradient "
                "(mask with Z > 0, not Z >= 0).", fn=_mask_at_zero),
        Variant("b is added to every example, so db is the SUM of dZ over the examples "
                "(the rows), not the mean.", fn=_bias_mean),
        Variant("Shapes guide the products: dW has W's shape (inputs × units) = Xᵀ @ dZ; dX has "
                "X's shape = dZ @ Wᵀ.", kinds=("error", "shape", "value"),
                source=r"dZ\s*@\s*W\b(?!\.T)|X\s*@\s*dZ|dZ\.T\s*@\s*X"),
    ],
    summary="dZ = grad ⊙ [Z > 0], dW = Xᵀ dZ, db = Σ dZ, dX = dZ Wᵀ, on four layers.",
)


# --- 04: learning PReLU's slope by gradient descent --------------------------------------------
def _fit_prelu_alpha(x, target, lr=0.1, steps=100):
    x = np.asarray(x, dtype=np.float64)
    target = np.asarray(target, dtype=np.float64)
    prelu, alpha = activations.PReLU(0.0), 0.0
    for _ in range(steps):
        prelu.alpha = alpha
        residual = prelu(x) - target
        alpha -= lr * prelu.alpha_gradient(x, 2 * residual / x.size)
    return float(alpha)


def _fit_variant(scale=2.0, mean=True, sign=1.0, start=0.0):
    def fit(x, target, lr=0.1, steps=100):
        x, target, alpha = _arr(x, float), _arr(target, float), start
        for _ in range(steps):
            residual = activations.prelu(x, alpha=alpha) - target
            grad = np.sum(scale * residual * np.minimum(x, 0)) / (x.size if mean else 1)
            alpha -= sign * lr * grad
        return float(alpha)
    return fit


def _prelu_data(n, alpha, seed, noise=0.0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n) * 2
    return x, activations.prelu(x, alpha=alpha) + noise * rng.normal(size=n)


FIT_PRELU_ALPHA = FunctionExercise(
    "fit_prelu_alpha", "fit_prelu_alpha(x, target, lr, steps)", "04", _fit_prelu_alpha,
    [Probe("targets made with alpha = 0.3, 200 steps", _prelu_data(50, 0.3, 0), {"steps": 200},
           rtol=1e-7, atol=1e-9),
     Probe("noisy targets (alpha = 0.1), the defaults", _prelu_data(80, 0.1, 1, noise=0.05),
           rtol=1e-7, atol=1e-9),
     Probe("3 steps with lr = 0.05", _prelu_data(20, 0.5, 2), {"lr": 0.05, "steps": 3},
           rtol=1e-7, atol=1e-9),
     Probe("a 2-D batch", (_prelu_data(12, 0.2, 3)[0].reshape(3, 4), _prelu_data(12, 0.2, 3)[1].reshape(3, 4)),
           rtol=1e-7, atol=1e-9)],
    output="number", builds_on=("prelu_alpha_gradient",),
    variants=[
        Variant("L is the MEAN squared error, so dL/dalpha has a 1/N: grad_output = "
                "2·(prelu(x, alpha) − target)/N.", fn=_fit_variant(mean=False)),
        Variant("d/dalpha of (prelu − target)² is 2·(prelu − target)·∂prelu/∂alpha: the factor "
                "2 is missing.", fn=_fit_variant(scale=1.0)),
        Variant("Gradient DEScent steps against the gradient: alpha ← alpha − lr·dL/dalpha.",
                fn=_fit_variant(sign=-1.0)),
        Variant("Start from alpha = 0, as the task says.", fn=_fit_variant(start=0.25)),
    ],
    summary="plain gradient descent on the mean squared error, with the steps and rate given.",
)

EXERCISES = [XOR_WEIGHTS, LOGISTIC_LOSS, TANH_ACCURATE, DENSE_RELU_BACKWARD, FIT_PRELU_ALPHA]
