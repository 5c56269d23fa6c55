"""A small NumPy neural network: Dense layers, an MLP, losses, optimisers and a training loop.

Small on purpose (micrograd-sized): every forward step has its backward step beside it,
and every parameter gradient flows through an activation's `backward` from
`course_utils.activations`. Float64 throughout; loops only over layers and batches.

    layers      Dense and the weight initialisers (normal, Xavier/Glorot, He/Kaiming)
    model       MLP: forward (cached), backward, parameters, gradient_norms
    losses      MeanSquaredError, SoftmaxCrossEntropy (from logits), accuracy, one_hot
    optimizers  SGD (momentum) and Adam
    stats       per-layer statistics: activation mean/std, saturated, inactive, dead
    training    fit → History (loss, accuracy and, per epoch and layer, gradient norms and
                the statistics)

Introduced in lesson 08 (vanishing gradients), used in 09 (dying ReLU) and compared with
Keras in 10.

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

from . import layers, losses, optimizers, stats, training
from .layers import Dense, init_weights
from .losses import MeanSquaredError, SoftmaxCrossEntropy
from .model import MLP
from .optimizers import SGD, Adam
from .stats import layer_statistics
from .training import History, fit

__all__ = [
    "MLP", "Dense", "fit", "History", "layer_statistics", "init_weights",
    "MeanSquaredError", "SoftmaxCrossEntropy", "SGD", "Adam",
    "layers", "losses", "optimizers", "stats", "training",
]
