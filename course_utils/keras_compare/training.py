"""The same MLP trained with course_utils.network (NumPy, float64) and with Keras (float32).

Both start from the very same weights (the NumPy MLP's initial weights are copied into Keras),
use Adam(lr, eps=1e-8), batch 32, cross-entropy on logits and the same number of epochs; they
differ only in the order of the batches and in float precision. So a difference in accuracy is
noise of the shuffling, not a difference between the libraries.

Example:
    >>> import numpy as np
    >>> from course_utils import data, keras_compare
    >>> split = data.load_digits()
    >>> small = data.Split(split.X_train[:256], split.X_test[:64], split.y_train[:256], split.y_test[:64])
    >>> result = keras_compare.compare_training(["relu"], small, sizes=(64, 16, 10), epochs=2)
    >>> result.table().columns[:3]
    ['activation', 'init', 'course_utils test acc']
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from . import _backend
from ._table import Table
from .models import KerasRun, build_mlp, fit_keras, numpy_weights

# The initialiser each activation is designed for: Xavier/Glorot for the saturating ones,
# He/Kaiming for the rectifiers (lesson 08).
INITS = {"sigmoid": "xavier_uniform", "tanh": "xavier_uniform", "softplus": "xavier_uniform"}


def init_for(activation: str) -> str:
    """'xavier_uniform' for sigmoid, tanh and softplus; 'he' for the rectifier family."""
    return INITS.get(activation, "he")


@dataclass
class TrainingComparison:
    """Per activation: the NumPy `History` and the `KerasRun`, plus the NumPy wall time."""

    epochs: int
    numpy: dict = field(default_factory=dict)          # activation → network History
    numpy_seconds: dict = field(default_factory=dict)  # activation → seconds
    keras: dict = field(default_factory=dict)          # activation → KerasRun
    inits: dict = field(default_factory=dict)

    @property
    def activations(self) -> list:
        return list(self.numpy)

    def test_accuracy(self, activation, framework) -> float:
        """Test accuracy after training; framework is "course_utils" or "keras"."""
        if framework == "keras":
            return self.keras[activation].test_accuracy
        return float(self.numpy[activation].val_accuracy[-1])

    def losses(self, activation, framework) -> list:
        """Training loss before training and after each epoch."""
        if framework == "keras":
            return list(self.keras[activation].loss)
        return [float(v) for v in self.numpy[activation].loss]

    def table(self) -> Table:
        """Test accuracy and final training loss, per activation and framework."""
        rows = [{
            "activation": a,
            "init": self.inits[a],
            "course_utils test acc": round(self.test_accuracy(a, "course_utils"), 3),
            "Keras test acc": round(self.test_accuracy(a, "keras"), 3),
            "course_utils final loss": self.losses(a, "course_utils")[-1],
            "Keras final loss": self.losses(a, "keras")[-1],
        } for a in self.activations]
        return Table(list(rows[0]), rows,
                     title=f"Digits, same MLP and starting weights, {self.epochs} epochs")

    def times(self) -> Table:
        """Wall time of training (seconds): differs from run to run; never assert on it."""
        rows = [{
            "activation": a,
            "course_utils (s)": round(self.numpy_seconds[a], 2),
            "Keras (s, incl. compile)": round(self.keras[a].seconds, 2),
        } for a in self.activations]
        return Table(list(rows[0]), rows, title="Training time (this machine, this run)")


def compare_training(activations, split, sizes=(64, 128, 64, 10), epochs=10, batch_size=32,
                     lr=1e-3, seed=0) -> TrainingComparison:
    """Train the same MLP per activation with course_utils.network and with Keras.

    Args:
        activations: names, e.g. ["relu", "tanh", "sigmoid", "elu", "gelu"].
        split: a `data.Split` (X_train, X_test, y_train, y_test), e.g. `data.load_digits()`.
        sizes: the layer widths (default 64-128-64-10).
        epochs, batch_size, lr: shared by both (Adam).
        seed: seeds the weights and the shuffling of both.

    Returns:
        A `TrainingComparison`.
    """
    from ..network import MLP, Adam, fit  # lazy: keeps `import keras_compare` light

    _backend.keras()  # import (and time) Keras before the first run, not inside it
    result = TrainingComparison(epochs=int(epochs))
    for name in activations:
        init = init_for(name)
        mlp = MLP(list(sizes), activation=name, init=init, seed=seed)
        start_weights = numpy_weights(mlp)
        start = time.perf_counter()
        history = fit(mlp, split.X_train, split.y_train, optimizer=Adam(lr), epochs=epochs,
                      batch_size=batch_size, seed=seed, X_val=split.X_test, y_val=split.y_test,
                      progress=False)
        result.numpy_seconds[name] = time.perf_counter() - start
        model = build_mlp(sizes, name, seed=seed, weights=start_weights)
        run: KerasRun = fit_keras(model, split.X_train, split.y_train, split.X_test, split.y_test,
                                  epochs=epochs, batch_size=batch_size, lr=lr, seed=seed)
        result.numpy[name], result.keras[name], result.inits[name] = history, run, init
    return result
