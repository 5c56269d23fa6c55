"""The exercises of lesson 11 (training deep networks): batch norm forward and backward, the
update-to-data ratio, the initial loss, why weights must not start equal, and (stretch) the
backward pass of a residual block with batch norm, checked by central differences.

The batch norm references are written out here in NumPy, independently of the course's
`network.normalization.BatchNorm` (tests/test_checks_lesson_11.py shows they agree): an answer
must not call BatchNorm, and the residual block, which builds on the student's own batch norm
functions, is judged with these references in their place. Registered in `_catalogue._MODULES`.
"""

from __future__ import annotations

import numpy as np

from .. import activations, gradcheck
from ..network import layers as _layers
from ..network import normalization as _normalization
from ..network import residual as _residual
from ._answers import ChoiceExercise, ValueExercise
from ._exercise import FunctionExercise, Probe, Variant
from ._isolation import Own

_arr = np.asarray
LESSON = "11"
_BATCH_NORM = "the course's own batch norm (network.normalization.BatchNorm)"


# --- batch norm, forward --------------------------------------------------------------------
def _forward_with(U, gamma, beta, eps=1e-5, mean_axis=0, ddof=0, eps_inside=True, std=True):
    """Batch norm's forward pass, and (with other arguments) its usual mistakes."""
    U = _arr(U, dtype=np.float64)
    mean = U.mean(axis=mean_axis, keepdims=True)
    var = U.var(axis=mean_axis, ddof=ddof, keepdims=True)
    scale = np.sqrt(var + eps) if eps_inside else np.sqrt(var) + eps
    if not std:
        scale = var + eps
    return _arr(gamma, dtype=np.float64) * (U - mean) / scale + _arr(beta, dtype=np.float64)


def _batch_norm_forward(U, gamma, beta, eps=1e-5):
    return _forward_with(U, gamma, beta, eps)


_U = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, 0.5], [-1.0, 4.0, 0.5], [2.0, 1.0, 0.5]])
_GAMMA, _BETA = np.array([1.5, 0.5, 2.0]), np.array([0.1, -1.0, 0.3])


def _forward_probes():
    U = np.array([[2.0, -1.0, 7.0], [5.0, 0.5, 1.0], [-1.0, 3.0, 4.0], [3.0, 1.5, 2.0]])
    return [
        Probe("a batch of 4 examples × 3 units (γ = 1, β = 0)",
              (U, np.ones(3), np.zeros(3)), tag="a batch"),
        Probe("γ and β that are not 1 and 0", (_U[:, :2].copy(), _GAMMA[:2].copy(), _BETA[:2].copy()),
              tag="γ and β"),
        Probe("a unit whose value is the same for every example (variance 0: eps keeps it finite)",
              (_U.copy(), _GAMMA.copy(), _BETA.copy()), tag="a constant unit"),
        Probe("Python lists", (_U[:, :2].tolist(), [1.0, 2.0], [0.0, 0.5]), tag="lists"),
        Probe("eps = 0.1", (U[:, :2].copy(), np.ones(2), np.zeros(2)), {"eps": 0.1}, tag="eps"),
    ]


BATCH_NORM_FORWARD = FunctionExercise(
    "batch_norm_forward", "batch_norm_forward(U, gamma, beta, eps)", LESSON, _batch_norm_forward,
    _forward_probes(),
    own=[Own(_BATCH_NORM, _normalization.BatchNorm._forward)],
    variants=[
        Variant("Normalise each unit (column) over the batch: mean and variance with axis=0. "
                "Over axis=1 (each example over its units) is layer normalisation, another layer.",
                fn=lambda U, gamma, beta, eps=1e-5: _forward_with(U, gamma, beta, eps, mean_axis=1)),
        Variant("Batch norm divides by the batch's own spread: np.var(U, axis=0) divides by N "
                "(ddof=0); the unbiased N − 1 is only for the running average.",
                fn=lambda U, gamma, beta, eps=1e-5: _forward_with(U, gamma, beta, eps, ddof=1)),
        Variant("eps belongs inside the square root: (U − μ) / √(σ² + eps) — not outside it "
                "(√σ² + eps), and not left out.",
                fn=lambda U, gamma, beta, eps=1e-5: _forward_with(U, gamma, beta, eps, eps_inside=False)),
        Variant("Divide by the standard deviation √(σ² + eps), not by the variance.",
                fn=lambda U, gamma, beta, eps=1e-5: _forward_with(U, gamma, beta, eps, std=False)),
        Variant("Scale and shift after normalising: Z = γ · Û + β (applied before, they are "
                "normalised away).",
                fn=lambda U, gamma, beta, eps=1e-5: _forward_with(
                    _arr(gamma) * _arr(U, float) + _arr(beta), 1.0, 0.0, eps)),
        Variant("Without eps a unit with variance 0 divides 0 by 0: add eps inside the square root.",
                fn=lambda U, gamma, beta, eps=1e-5: _forward_with(U, gamma, beta, 0.0),
                kinds=("value", "nonfinite", "warning")),
    ],
    hints={"value": "Follow the formula step by step: μ = mean over the rows, σ² = variance over "
                    "the rows, Û = (U − μ) / √(σ² + eps), Z = γ · Û + β."},
    summary="normalises each unit over the batch (axis 0, variance with N), eps inside the root, "
            "then γ · Û + β; a constant unit stays finite.",
)


# --- batch norm, backward -------------------------------------------------------------------
def _backward_with(grad_Z, U, gamma, eps=1e-5, mean_term=True, spread_term=True):
    """Batch norm's backward pass, and (without its two batch terms) its usual mistakes."""
    U, g = _arr(U, dtype=np.float64), _arr(grad_Z, dtype=np.float64)
    inv_std = 1.0 / np.sqrt(U.var(axis=0) + eps)
    U_hat = (U - U.mean(axis=0)) * inv_std
    G = g * _arr(gamma, dtype=np.float64)
    grad_hat = G - (G.mean(axis=0) if mean_term else 0.0) \
        - (U_hat * (G * U_hat).mean(axis=0) if spread_term else 0.0)
    return inv_std * grad_hat, (g * U_hat).sum(axis=0), g.sum(axis=0)


def _batch_norm_backward(grad_Z, U, gamma, eps=1e-5):
    return _backward_with(grad_Z, U, gamma, eps)


def _backward_dgamma_without_uhat(grad_Z, U, gamma, eps=1e-5):
    grad_U, _, grad_beta = _batch_norm_backward(grad_Z, U, gamma, eps)
    return grad_U, _arr(grad_Z, float).sum(axis=0), grad_beta


def _backward_wrong_axis(grad_Z, U, gamma, eps=1e-5):
    grad_U, _, _ = _batch_norm_backward(grad_Z, U, gamma, eps)
    U, g = _arr(U, float), _arr(grad_Z, float)
    U_hat = (U - U.mean(axis=0)) / np.sqrt(U.var(axis=0) + eps)
    return grad_U, (g * U_hat).sum(axis=1), g.sum(axis=1)


def _backward_probes():
    rng = np.random.default_rng(12)
    U, g = rng.normal(1.0, 2.0, size=(5, 3)), rng.normal(size=(5, 3))
    square_U, square_g = rng.normal(size=(4, 4)), rng.normal(size=(4, 4))
    return [
        Probe("a batch of 5 × 3 (γ = 1)", (g, U, np.ones(3)), rtol=1e-6, atol=1e-9, tag="a batch"),
        Probe("γ = (2, 0.5, −1)", (g.copy(), U.copy(), np.array([2.0, 0.5, -1.0])), rtol=1e-6,
              atol=1e-9, tag="γ"),
        Probe("a square batch (4 × 4)", (square_g, square_U, np.full(4, 1.5)), rtol=1e-6,
              atol=1e-9, tag="a square batch"),
        Probe("Python lists", (g[:3, :2].tolist(), U[:3, :2].tolist(), [1.0, 1.0]), rtol=1e-6,
              atol=1e-9, tag="lists"),
    ]


BATCH_NORM_BACKWARD = FunctionExercise(
    "batch_norm_backward", "batch_norm_backward(grad_Z, U, gamma, eps)", LESSON,
    _batch_norm_backward, _backward_probes(), output="arrays",
    names=["grad_U", "grad_gamma", "grad_beta"], builds_on=("batch_norm_forward",),
    own=[Own(_BATCH_NORM, _normalization.BatchNorm.backward)],
    variants=[
        Variant("μ and σ² are computed from every row of the batch, so they depend on U too: "
                "dU = (1/σ) · (G − mean(G) − Û · mean(G · Û)) with G = γ · dZ, not just G/σ.",
                fn=lambda g, U, gamma, eps=1e-5: _backward_with(g, U, gamma, eps, False, False)),
        Variant("You subtracted the mean of the gradient but not its part along Û: σ² depends "
                "on U as well, which adds − Û · mean(γ dZ · Û).",
                fn=lambda g, U, gamma, eps=1e-5: _backward_with(g, U, gamma, eps, spread_term=False)),
        Variant("dL/dγ = Σ_rows dZ · Û (γ multiplies Û), not Σ_rows dZ.",
                fn=_backward_dgamma_without_uhat),
        Variant("γ and β have one entry per unit: sum dZ · Û and dZ over the rows (axis=0).",
                fn=_backward_wrong_axis),
    ],
    hints={"shape": "Return (grad_U, grad_gamma, grad_beta): grad_U has U's shape, the other "
                    "two one entry per unit (column)."},
    summary="dU with both batch-statistics terms, dγ = Σ dZ·Û and dβ = Σ dZ per unit.",
)


# --- the update-to-data ratio ---------------------------------------------------------------
def _update_to_data_ratio(W_before, W_after):
    W_before, W_after = _arr(W_before, float), _arr(W_after, float)
    return float(np.linalg.norm(W_after - W_before) / np.linalg.norm(W_before))


def _ratio_probes():
    rng = np.random.default_rng(13)
    W = rng.normal(0.0, 0.2, size=(8, 5))
    step = rng.normal(0.0, 2e-4, size=(8, 5))
    return [
        Probe("an 8 × 5 weight matrix and a small update", (W, W + step), tag="a small update"),
        Probe("an update that only rescales W (W_after = 1.01 · W)", (W.copy(), 1.01 * W),
              tag="a rescaling"),
        Probe("a vector of weights as Python lists", ([3.0, 4.0], [3.0, 4.3]), tag="lists"),
        Probe("an update that changes W but not its norm (a rotation)",
              (np.array([[1.0, 0.0]]), np.array([[0.6, 0.8]])), tag="a rotation"),
    ]


UPDATE_TO_DATA_RATIO = FunctionExercise(
    "update_to_data_ratio", "update_to_data_ratio(W_before, W_after)", LESSON,
    _update_to_data_ratio, _ratio_probes(), output="number",
    variants=[
        Variant("Take the norm of the update, ‖W_after − W_before‖, not the difference of the "
                "norms: an update can change W a lot without changing its norm (a rotation).",
                fn=lambda a, b: float((np.linalg.norm(_arr(b, float)) - np.linalg.norm(_arr(a, float)))
                                      / np.linalg.norm(_arr(a, float)))),
        Variant("Divide by the size of the weights before the update, ‖W_before‖.",
                fn=lambda a, b: float(np.linalg.norm(_arr(b, float) - _arr(a, float))
                                      / np.linalg.norm(_arr(b, float)))),
        Variant("Use the Frobenius norm of the whole matrices (np.linalg.norm), not the mean "
                "absolute value of the entries.",
                fn=lambda a, b: float(np.mean(np.abs(_arr(b, float) - _arr(a, float)))
                                      / np.mean(np.abs(_arr(a, float))))),
        Variant("The ratio is ‖ΔW‖ / ‖W‖, without a logarithm (plots show it on a log scale).",
                fn=lambda a, b: float(np.log10(_update_to_data_ratio(a, b)))),
    ],
    summary="‖W_after − W_before‖ / ‖W_before‖, Frobenius norms.",
)


# --- numbers and words ----------------------------------------------------------------------
INITIAL_LOSS = ValueExercise(
    "initial_loss", "the initial loss", LESSON, float(np.log(10.0)), 0.05,
    "Read where the curve levels off for small output gains: all logits ≈ 0, so softmax "
    "gives every class 1/10 and the loss is −log(1/10).",
    question="An untrained 10-class network whose logits are all close to 0: what cross-entropy "
             "loss does it start at?")

SYMMETRY = ChoiceExercise(
    "symmetry_why", "why weights must not start equal", LESSON,
    "Every weight of a tanh network starts at the same value 0.1 (every bias at 0). What "
    "happens when you train it?",
    {"a": ("It trains normally, only more slowly, because 0.1 is a small initial weight.",
           "The size is not the problem: equal weights make every unit of a layer the same "
           "function of the input, and gradient descent keeps them equal."),
     "b": ("Every unit of a layer computes the same output and receives the same gradient, so "
           "the units stay identical for ever: each layer acts like a single unit.",
           "Identical units get identical updates: only random starting weights break the symmetry."),
     "c": ("The gradients are exactly 0, so nothing at all is learned.",
           "That is the all-zero start (tanh(0) = 0 passes nothing on); with 0.1 the gradients "
           "are not 0, but they are the same for every unit of a layer."),
     "d": ("The units start equal, but every mini-batch is a different random sample, so their "
           "gradients soon differ and the units drift apart after a few steps.",
           "Every unit of a layer sees the same mini-batch and computes the same function of "
           "it, so their gradients are equal on every batch, random or not: the lesson trained "
           "five epochs of shuffled batches and the 16 units were still exact copies.")},
    "b")


# --- stretch: the backward pass of a residual block with batch norm --------------------------
def _block_forward(X, W, gamma, beta, activation):
    """A = X + f(BN(X W)), the block of lesson 11's "+ both" networks."""
    return X + activation(_batch_norm_forward(X @ W, gamma, beta))


def _numerical_block(grad_A, X, W, gamma, beta, activation):
    """The reference: the course's gradient check of L = Σ grad_A ⊙ A, one array at a time."""
    g = _arr(grad_A, dtype=np.float64)
    params = [_arr(p, dtype=np.float64) for p in (X, W, gamma, beta)]
    grads = []
    for i, p in enumerate(params):
        def loss_of(value, i=i):
            trial = list(params)
            trial[i] = value
            return float(np.sum(g * _block_forward(*trial, activation)))
        grads.append(gradcheck.numerical_gradient(loss_of, p))
    return tuple(grads)


def _analytic_block(grad_A, X, W, gamma, beta, activation, skip=True, batch_terms=True,
                    slope_at_output=False, through_norm=True):
    """The block's backward pass by the chain rule, and (with other arguments) its mistakes."""
    g, X, W = (_arr(a, dtype=np.float64) for a in (grad_A, X, W))
    U = X @ W
    Z = _batch_norm_forward(U, gamma, beta)
    slope = activation.derivative(activation(Z) if slope_at_output else Z)
    dZ = g * slope
    dU, d_gamma, d_beta = _backward_with(dZ, U, gamma, mean_term=batch_terms,
                                         spread_term=batch_terms)
    if not through_norm:
        dU = dZ
    return dU @ W.T + (g if skip else 0.0), X.T @ dU, d_gamma, d_beta


def _block_probe(activation, n, d, seed):
    rng = np.random.default_rng(seed)
    gamma = rng.uniform(0.5, 2.0, d) * rng.choice([-1.0, 1.0], d)
    return Probe(f"a {activation.name} block on {n} examples × {d} units",
                 (rng.normal(size=(n, d)), rng.normal(size=(n, d)),
                  rng.normal(0.0, 1.0 / np.sqrt(d), (d, d)), gamma, rng.normal(0.0, 0.5, d),
                  activation), rtol=1e-5, atol=1e-8, tag=activation.name)


RESIDUAL_BLOCK_BACKWARD = FunctionExercise(
    "residual_block_backward", "residual_block_backward(grad_A, X, W, gamma, beta, activation)",
    LESSON, _numerical_block,
    [_block_probe(activations.Tanh(), 6, 4, 0), _block_probe(activations.Sigmoid(), 8, 3, 1),
     _block_probe(activations.ReLU(), 5, 5, 2)],
    output="arrays", names=("grad_X", "grad_W", "grad_gamma", "grad_beta"),
    builds_on=("batch_norm_forward", "batch_norm_backward"),
    own=[Own("the course's own residual layer (network.residual.ResidualDense)",
             _residual.ResidualDense.backward),
         Own("the course's own Dense layer (network.layers.Dense)", _layers.Dense.backward),
         Own(_BATCH_NORM, _normalization.BatchNorm.backward)],
    variants=[
        Variant("The skip adds X itself to the output, so dL/dX receives dL/dA unchanged (the "
                "identity path) on top of the branch's dU Wᵀ.",
                fn=lambda *a: _analytic_block(*a, skip=False)),
        Variant("Batch norm sits between X W and the activation: go back through it with your "
                "batch_norm_backward (its two batch terms), then dW = Xᵀ dU and the branch's "
                "part of dL/dX is dU Wᵀ.",
                fn=lambda *a: _analytic_block(*a, batch_terms=False)),
        Variant("W feeds batch norm, not the activation: dW = Xᵀ dU with dU from batch norm's "
                "backward, not Xᵀ dZ.",
                fn=lambda *a: _analytic_block(*a, through_norm=False)),
        Variant("Take the activation's slope at its input Z (activation.derivative(Z)), not at "
                "its output f(Z).",
                fn=lambda *a: _analytic_block(*a, slope_at_output=True)),
    ],
    summary="matches the course's central-difference gradient check on tanh, sigmoid and ReLU blocks.",
)

EXERCISES = [BATCH_NORM_FORWARD, BATCH_NORM_BACKWARD, UPDATE_TO_DATA_RATIO, INITIAL_LOSS,
             SYMMETRY, RESIDUAL_BLOCK_BACKWARD]
