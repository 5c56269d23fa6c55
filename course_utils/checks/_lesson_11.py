"""The exercises of lesson 11 (training deep networks): batch norm forward and backward, the
update-to-data ratio, the initial loss, and why weights must not start equal.

Self-contained: the references are the course's own `network.normalization.BatchNorm` and a
two-line ratio; the catalogue loads this module like the others (`_catalogue._MODULES`).
"""

from __future__ import annotations

import numpy as np

from ..network.normalization import BatchNorm
from ._answers import ChoiceExercise, ValueExercise
from ._exercise import FunctionExercise, Probe, Variant

_arr = np.asarray
LESSON = "11"


# --- batch norm, forward --------------------------------------------------------------------
def _batch_norm(U, gamma, beta, eps):
    U = np.array(U, dtype=np.float64)
    bn = BatchNorm(U.shape[1], eps=eps, gamma=1.0, beta=0.0)
    bn.gamma[:], bn.beta[:] = gamma, beta
    return bn, U


def _batch_norm_forward(U, gamma, beta, eps=1e-5):
    bn, U = _batch_norm(U, gamma, beta, eps)
    return bn.forward(U)


def _forward_with(mean_axis=0, ddof=0, eps_inside=True, std=True, U=None, gamma=None,
                  beta=None, eps=1e-5):
    U = _arr(U, dtype=np.float64)
    mean = U.mean(axis=mean_axis, keepdims=True)
    var = U.var(axis=mean_axis, ddof=ddof, keepdims=True)
    scale = np.sqrt(var + eps) if eps_inside else np.sqrt(var) + eps
    if not std:
        scale = var + eps
    return _arr(gamma) * (U - mean) / scale + _arr(beta)


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
    variants=[
        Variant("Normalise each unit (column) over the batch: mean and variance with axis=0. "
                "Over axis=1 (each example over its units) is layer normalisation, another layer.",
                fn=lambda U, gamma, beta, eps=1e-5: _forward_with(1, U=U, gamma=gamma, beta=beta, eps=eps)),
        Variant("Batch norm divides by the batch's own spread: np.var(U, axis=0) divides by N "
                "(ddof=0); the unbiased N − 1 is only for the running average.",
                fn=lambda U, gamma, beta, eps=1e-5: _forward_with(ddof=1, U=U, gamma=gamma, beta=beta, eps=eps)),
        Variant("eps belongs inside the square root: (U − μ) / √(σ² + eps) — not outside it "
                "(√σ² + eps), and not left out.",
                fn=lambda U, gamma, beta, eps=1e-5: _forward_with(eps_inside=False, U=U, gamma=gamma, beta=beta, eps=eps)),
        Variant("Divide by the standard deviation √(σ² + eps), not by the variance.",
                fn=lambda U, gamma, beta, eps=1e-5: _forward_with(std=False, U=U, gamma=gamma, beta=beta, eps=eps)),
        Variant("Scale and shift after normalising: Z = γ · Û + β (applied before, they are "
                "normalised away).",
                fn=lambda U, gamma, beta, eps=1e-5: _forward_with(U=_arr(gamma) * _arr(U, float) + _arr(beta),
                                                                  gamma=1.0, beta=0.0, eps=eps)),
        Variant("Without eps a unit with variance 0 divides 0 by 0: add eps inside the square root.",
                fn=lambda U, gamma, beta, eps=1e-5: _forward_with(U=U, gamma=gamma, beta=beta, eps=0.0),
                kinds=("value", "nonfinite", "warning")),
    ],
    hints={"value": "Follow the formula step by step: μ = mean over the rows, σ² = variance over "
                    "the rows, Û = (U − μ) / √(σ² + eps), Z = γ · Û + β."},
    summary="normalises each unit over the batch (axis 0, variance with N), eps inside the root, "
            "then γ · Û + β; a constant unit stays finite.",
)


# --- batch norm, backward -------------------------------------------------------------------
def _batch_norm_backward(grad_Z, U, gamma, eps=1e-5):
    bn, U = _batch_norm(U, gamma, 0.0, eps)
    bn.forward(U)
    grad_U = bn.backward(np.asarray(grad_Z, dtype=np.float64))
    return grad_U, bn.grads["gamma"], bn.grads["beta"]


def _backward_constant_stats(grad_Z, U, gamma, eps=1e-5):
    U, g = _arr(U, float), _arr(grad_Z, float)
    inv = 1.0 / np.sqrt(U.var(axis=0) + eps)
    U_hat = (U - U.mean(axis=0)) * inv
    return g * _arr(gamma) * inv, (g * U_hat).sum(axis=0), g.sum(axis=0)


def _backward_mean_only(grad_Z, U, gamma, eps=1e-5):
    U, g = _arr(U, float), _arr(grad_Z, float)
    inv = 1.0 / np.sqrt(U.var(axis=0) + eps)
    U_hat = (U - U.mean(axis=0)) * inv
    d = g * _arr(gamma)
    return inv * (d - d.mean(axis=0)), (g * U_hat).sum(axis=0), g.sum(axis=0)


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
    names=["grad_U", "grad_gamma", "grad_beta"],
    variants=[
        Variant("μ and σ² are computed from every row of the batch, so they depend on U too: "
                "dU = (γ/σ) · (dZ − mean(dZ) − Û · mean(dZ · Û)), not just dZ · γ/σ.",
                fn=_backward_constant_stats),
        Variant("You subtracted the mean of the gradient but not its part along Û: σ² depends "
                "on U as well, which adds − Û · mean(γ dZ · Û).", fn=_backward_mean_only),
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
    {"a": ("Every unit of a layer computes the same output and receives the same gradient, so "
           "the units stay identical for ever: each layer acts like a single unit.",
           "Identical units get identical updates: only random starting weights break the symmetry."),
     "b": ("It trains normally, only more slowly, because 0.1 is a small initial weight.",
           "The size is not the problem: equal weights make every unit of a layer the same "
           "function of the input, and gradient descent keeps them equal."),
     "c": ("The gradients are exactly 0, so nothing at all is learned.",
           "That is the all-zero start (tanh(0) = 0 passes nothing on); with 0.1 the gradients "
           "are not 0, but they are the same for every unit of a layer."),
     "d": ("The network overflows, because equal weights add up.",
           "Nothing overflows: 0.1 times a few dozen standardised inputs is a modest number.")},
    "a")

EXERCISES = [BATCH_NORM_FORWARD, BATCH_NORM_BACKWARD, UPDATE_TO_DATA_RATIO, INITIAL_LOSS,
             SYMMETRY]
