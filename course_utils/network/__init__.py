"""A small NumPy neural network: Dense layers, an MLP, losses, optimisers and a training loop.

Small on purpose (micrograd-sized): every forward step has its backward step beside it,
and every parameter gradient flows through an activation's `backward` from
`course_utils.activations`. Float64 throughout; loops only over layers and batches.

    layers        Dense and the weight initialisers (normal, LeCun, Xavier/Glorot, He/Kaiming)
                  with their gains
    normalization BatchNorm (training/evaluation modes, running statistics)
    residual      ResidualDense: a Dense layer with a skip connection, A = X + f(Z)
    model         MLP: forward (cached), backward, parameters, gradient_norms, train/eval
    losses        MeanSquaredError, SoftmaxCrossEntropy (from logits), accuracy, one_hot
    optimizers    SGD (momentum) and Adam
    clipping      gradient clipping by global norm
    stats         per-layer statistics: activation mean/std, saturated, inactive, dead
    training      fit → History (loss, accuracy and, per epoch and layer, gradient norms and
                  the statistics)
    diagnostics   Recorder: watch a network train step by step (update-to-data ratios,
                  saturated/dead shares, histograms at chosen steps)

Introduced in lesson 08 (vanishing gradients), used in 09 (dying ReLU), compared with Keras
in 10; lesson 11 adds the cures (initialisation gains, batch norm, residual connections,
clipping) and the diagnostics.

Building a network with the cures (all keyword arguments of `MLP`):
    MLP(sizes, activation, init="lecun_normal", gain=5/3)   # initialisation with a gain
    MLP(sizes, activation, batch_norm=True)                 # BatchNorm before every activation
    MLP(sizes, activation, residual=True)                   # skips around equal-width layers
    MLP(sizes, activation, output_gain=0.1)                 # small initial logits
    fit(model, X, y, clip_norm=1.0, callback=Recorder(...)) # clipping, step-by-step diagnostics

Example:
    >>> from course_utils import data
    >>> from course_utils.network import MLP, fit, optimizers
    >>> split = data.load_digits(seed=0)
    >>> model = MLP([64, 32, 10], activation="relu", init="he", seed=0)
    >>> history = fit(model, split.X_train, split.y_train, optimizer=optimizers.Adam(1e-2),
    ...               epochs=5, X_val=split.X_test, y_val=split.y_test, progress=False)
    >>> history.val_accuracy[-1] > 0.9
    True
"""

from __future__ import annotations

from . import (
    clipping, diagnostics, layers, losses, normalization, optimizers, residual, stats, training,
)
from .clipping import clip_by_global_norm
from .diagnostics import Recorder
from .layers import GAINS, INITIALIZERS, Dense, gain, init_weights
from .losses import MeanSquaredError, SoftmaxCrossEntropy
from .model import MLP
from .normalization import BatchNorm
from .optimizers import SGD, Adam
from .residual import ResidualDense
from .stats import layer_statistics
from .training import History, fit

__all__ = [
    "MLP", "Dense", "ResidualDense", "BatchNorm", "fit", "History", "Recorder",
    "layer_statistics", "init_weights", "gain", "GAINS", "INITIALIZERS", "clip_by_global_norm",
    "MeanSquaredError", "SoftmaxCrossEntropy", "SGD", "Adam",
    "clipping", "diagnostics", "layers", "losses", "normalization", "optimizers", "residual",
    "stats", "training",
]
