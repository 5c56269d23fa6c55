"""Batch normalisation (lesson 11): re-centre and re-scale each unit over the batch, then learn
the scale and shift back.

    forward (training):   μ = mean_rows(U),  σ² = var_rows(U),  Û = (U − μ) / √(σ² + eps),
                          Z = γ ⊙ Û + β;     running μ, σ² ← momentum-weighted averages
    forward (evaluation): the same with the running μ, σ² (one example gives one answer)
    backward (training):  dγ = Σ_rows dZ ⊙ Û,  dβ = Σ_rows dZ,
                          dU = (γ / √(σ² + eps)) ⊙ (dZ − mean_rows(dZ) − Û ⊙ mean_rows(dZ ⊙ Û))

In training mode every row's output depends on every other row through μ and σ², which is why
the backward pass has the two mean terms: the gradient that would move the batch's mean or its
spread is removed, because the layer re-normalises those away.

Used inside `Dense(..., batch_norm=True)` (and so `MLP(..., batch_norm=True)`) between the
linear part and the activation, as Ioffe & Szegedy place it.

Example:
    >>> import numpy as np
    >>> from course_utils.network.normalization import BatchNorm
    >>> bn = BatchNorm(2)
    >>> Z = bn.forward(np.array([[1.0, 10.0], [3.0, 30.0]]))
    >>> Z.round(3)                        # each column now has mean 0 and variance ≈ 1
    array([[-1., -1.],
           [ 1.,  1.]])
    >>> bn.running_mean                   # moved 10 % of the way to the batch mean
    array([0.2, 2. ])
    >>> bn.training = False               # evaluation: the running statistics, row by row
    >>> bn.forward(np.array([[0.2, 2.0]])).round(3)
    array([[0., 0.]])
"""

from __future__ import annotations

import contextlib

import numpy as np

from .. import _validate
from ._inputs import matrix


class BatchNorm:
    r"""Batch normalisation of `n_units` columns, with learnable scale γ and shift β.

    Formula:
        training    Z = γ ⊙ (U − μ_B) / √(σ²_B + eps) + β,  μ_B, σ²_B over the rows of the batch
                    running_mean ← (1 − momentum)·running_mean + momentum·μ_B (likewise the
                    variance, with the unbiased batch variance, as PyTorch)
        evaluation  Z = γ ⊙ (U − running_mean) / √(running_var + eps) + β

    Args:
        n_units: columns to normalise (≥ 1).
        momentum: weight of the newest batch in the running statistics, in (0, 1) (default 0.1,
            PyTorch's; Keras's `momentum=0.99` is the weight of the *old* value, i.e. 0.01 here).
        eps: added to the variance (default 1e-5, PyTorch's; Keras uses 1e-3).
        gamma: the initial scale (default 1.0); beta: the initial shift (default 0.0).

    Attributes:
        gamma, beta: (n_units,) learnable; running_mean, running_var: (n_units,) statistics
        (not learned: averaged during training, used in evaluation);
        training: True (default) uses the batch statistics, False the running ones;
        grads: dict "gamma", "beta" after `backward`.

    Reference:
        Ioffe & Szegedy (2015), "Batch Normalization: Accelerating Deep Network Training by
        Reducing Internal Covariate Shift", ICML; Karpathy, "Building makemore Part 3:
        Activations & Gradients, BatchNorm" (2022).
    """

    def __init__(self, n_units, momentum=0.1, eps=1e-5, gamma=1.0, beta=0.0):
        self.n_units = _validate.integer(n_units, "BatchNorm", "n_units", at_least=1)
        self.momentum = _validate.real(momentum, "BatchNorm", "momentum", above=0, below=1)
        self.eps = _validate.real(eps, "BatchNorm", "eps", above=0)
        self.gamma = np.full(self.n_units, _validate.real(gamma, "BatchNorm", "gamma"))
        self.beta = np.full(self.n_units, _validate.real(beta, "BatchNorm", "beta"))
        self.running_mean = np.zeros(self.n_units)
        self.running_var = np.ones(self.n_units)
        self.training = True
        self.grads: dict = {}
        self._cache = None

    def params(self) -> dict:
        """The learnable arrays by name (the running statistics are not learned)."""
        return {"gamma": self.gamma, "beta": self.beta}

    def forward(self, U) -> np.ndarray:
        """Normalise the columns of U (samples × n_units); caches what `backward` needs."""
        return self._forward(matrix(U, "BatchNorm.forward", "U", columns=self.n_units))

    def _forward(self, U: np.ndarray) -> np.ndarray:
        # Unchecked: Dense calls this with its own (already checked) float64 matrix.
        if not self.training:
            inv_std = 1.0 / np.sqrt(self.running_var + self.eps)
            U_hat = (U - self.running_mean) * inv_std
            self._cache = ("evaluation", U_hat, inv_std)
            return self.gamma * U_hat + self.beta
        n = U.shape[0]
        if n < 2:
            raise ValueError("BatchNorm.forward: training mode needs a batch of at least 2 rows "
                             f"(got {n}); switch to evaluation mode for single examples")
        mean = U.mean(axis=0)
        centred = U - mean
        var = (centred * centred).mean(axis=0)
        inv_std = 1.0 / np.sqrt(var + self.eps)
        U_hat = centred * inv_std
        m = self.momentum
        self.running_mean = (1.0 - m) * self.running_mean + m * mean
        self.running_var = (1.0 - m) * self.running_var + m * var * (n / (n - 1))
        self._cache = ("training", U_hat, inv_std)
        return self.gamma * U_hat + self.beta

    def backward(self, grad_Z) -> np.ndarray:
        """Fill `grads` (γ, β) from dL/dZ and return dL/dU (needs a `forward` first)."""
        if self._cache is None:
            raise RuntimeError("BatchNorm.backward: call forward first (there is no cached input)")
        mode, U_hat, inv_std = self._cache
        grad_Z = np.asarray(grad_Z, dtype=np.float64)
        if grad_Z.shape != U_hat.shape:
            raise ValueError(f"BatchNorm.backward: grad_Z has shape {grad_Z.shape} but the "
                             f"output has shape {U_hat.shape}")
        self.grads = {"gamma": (grad_Z * U_hat).sum(axis=0), "beta": grad_Z.sum(axis=0)}
        grad_hat = grad_Z * self.gamma
        if mode == "evaluation":  # fixed statistics: an affine map per column
            return grad_hat * inv_std
        # μ and σ² depend on every row: remove the parts of the gradient they absorb.
        return inv_std * (grad_hat - grad_hat.mean(axis=0)
                          - U_hat * (grad_hat * U_hat).mean(axis=0))

    def __repr__(self) -> str:
        return f"BatchNorm({self.n_units}, momentum={self.momentum}, eps={self.eps})"


def batch_norms(model) -> list:
    """The BatchNorm objects inside a model's layers (empty for a model without any)."""
    return [layer.norm for layer in getattr(model, "layers", [])
            if getattr(layer, "norm", None) is not None]


@contextlib.contextmanager
def evaluation(model):
    """Inside the block every BatchNorm of `model` uses its running statistics (restored after).

    Example:
        >>> import numpy as np
        >>> from course_utils.network import MLP
        >>> from course_utils.network.normalization import evaluation
        >>> model = MLP([2, 4, 4, 3], activation="relu", batch_norm=True, seed=0)
        >>> with evaluation(model):
        ...     model.forward(np.ones((1, 2))).shape     # one example: fine in evaluation mode
        (1, 3)
        >>> model.layers[0].norm.training
        True
    """
    norms = batch_norms(model)
    before = [bn.training for bn in norms]
    for bn in norms:
        bn.training = False
    try:
        yield model
    finally:
        for bn, mode in zip(norms, before):
            bn.training = mode


@contextlib.contextmanager
def statistics_kept(model):
    """Passes inside the block leave every BatchNorm's running statistics as they were.

    For measurements in training mode (gradient norms, histograms): they use the batch's
    statistics, as a training step does, without counting as a training step.
    """
    norms = batch_norms(model)
    saved = [(bn.running_mean.copy(), bn.running_var.copy()) for bn in norms]
    try:
        yield model
    finally:
        for bn, (mean, var) in zip(norms, saved):
            bn.running_mean, bn.running_var = mean, var
