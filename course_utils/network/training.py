"""Training: the mini-batch loop `fit`, the `History` it returns, and per-layer statistics.

After every epoch (and once before training, as epoch 0) `fit` records the loss and
accuracy and, per layer, `grad_norm` (‖dL/dW‖ on a fixed reference sample of the training
data) and the statistics of `stats.layer_statistics` on the reference batch: `act_mean`,
`act_std`, `saturated` (sigmoid/tanh outputs in the flat tails), `inactive` (ReLU-family
units with pre-activation ≤ 0 for every reference sample) and `dead` (units whose slope is 0
for every reference sample: for ReLU the same as inactive; Leaky ReLU, ELU, GELU, … never).

Example:
    >>> from course_utils import data
    >>> from course_utils.network import MLP, Adam, fit
    >>> X, y = data.make_moons(200, noise=0.1, seed=0)
    >>> model = MLP([2, 16, 16, 2], activation="relu", seed=0)
    >>> history = fit(model, X, y, optimizer=Adam(lr=0.01), epochs=20, seed=0, progress=False)
    >>> history.accuracy[-1] > 0.95
    True
    >>> history.as_array("dead").shape          # epochs 0..20 × 3 layers
    (21, 3)
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import numpy as np

from .._validate import integer
from . import losses as _losses
from . import optimizers as _optimizers
from ._inputs import matrix
from ._threads import single_blas_thread
from .stats import cached_statistics, layer_statistics

PROGRESS_SECONDS = 2.0
"""With progress=None, a bar appears only if the run is estimated to take longer than this."""

REFERENCE_SIZE = 1000
"""Rows of the training data used for the per-epoch statistics (seeded choice)."""


@dataclass
class History:
    """What `fit` measured: one entry per epoch, entry 0 being the untrained network.

    Attributes:
        epoch: [0, 1, …, epochs].
        loss, accuracy: on the whole training set after each epoch (accuracy is NaN for
            regression targets).
        val_loss, val_accuracy: the same on (X_val, y_val); empty lists without them.
        grad_norm, act_mean, act_std, saturated, inactive, dead: lists (one per epoch) of
            arrays (one entry per layer, first layer first; the last is the linear output
            layer); see `course_utils.network.stats`.
        layer_names: e.g. ["1: relu (128)", …, "3: linear (10)"].
        units: units per layer.
        diverged: the epoch after which the loss or a weight was no longer finite (training
            stopped there, so the lists are shorter), or None.
    """

    layer_names: list
    units: list
    diverged: int | None = None
    epoch: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    grad_norm: list = field(default_factory=list)
    act_mean: list = field(default_factory=list)
    act_std: list = field(default_factory=list)
    saturated: list = field(default_factory=list)
    inactive: list = field(default_factory=list)
    dead: list = field(default_factory=list)

    PER_LAYER = ("grad_norm", "act_mean", "act_std", "saturated", "inactive", "dead")

    def as_array(self, key: str) -> np.ndarray:
        """One record as an array: (epochs + 1,) or, per layer, (epochs + 1, layers)."""
        if key not in self.__dataclass_fields__ or key in ("layer_names", "units", "diverged"):
            raise ValueError(f"History.as_array: unknown key {key!r}")
        return np.array(getattr(self, key), dtype=np.float64)

    def hidden_fraction(self, key: str = "dead") -> np.ndarray:
        """Per epoch, the fraction of all hidden units that are `key` ("dead" or "inactive").

        Layers where the statistic is NaN (e.g. `inactive` for tanh) are left out; NaN if
        no hidden layer has it.
        """
        if key not in ("dead", "inactive"):
            raise ValueError(f"History.hidden_fraction: key must be 'dead' or 'inactive', got {key!r}")
        values = self.as_array(key)[:, :-1]
        units = np.array(self.units[:-1], dtype=np.float64)
        counted = ~np.isnan(values[0]) if len(values) else np.zeros(0, bool)
        if not counted.any():
            return np.full(len(self.epoch), np.nan)
        return (values[:, counted] * units[counted]).sum(axis=1) / units[counted].sum()

    def __repr__(self) -> str:
        def trend(values):
            return f"{values[0]:.3g} → {values[-1]:.3g}" if values else "–"

        note = f", diverged after epoch {self.diverged}" if self.diverged is not None else ""
        return (f"History(epochs={len(self.epoch) - 1}, loss {trend(self.loss)}, "
                f"accuracy {trend(self.accuracy)}{note})")


def fit(model, X, y, loss="cross_entropy", optimizer=None, epochs=10, batch_size=32, seed=0,
        X_val=None, y_val=None, reference_X=None, progress=None) -> History:
    r"""Train `model` by mini-batch gradient descent and record what happens inside it.

    Formula:
        each epoch: shuffle the rows (seeded), then for each batch B:
        θ ← optimizer(θ, ∂L_B/∂θ) with L_B the mean loss over B.

    Args:
        model: an `MLP` (changed in place).
        X: inputs, (N, sizes[0]); y: labels (N,) for cross-entropy, targets for "mse".
        loss: "cross_entropy" (softmax on the logits, default), "mse", or a Loss.
        optimizer: an Optimizer, "sgd" or "adam"; None means `Adam(lr=1e-3)`. Its state
            carries over if you pass the same one to a second `fit` (to train on).
        epochs: passes over the data (≥ 1, default 10).
        batch_size: rows per update (≥ 1, default 32); the last batch may be smaller.
        seed: seeds the shuffling (default 0). Same model seed + same fit seed → the same
            numbers, bit for bit.
        X_val, y_val: optional held-out data for `val_loss` and `val_accuracy`.
        reference_X: the inputs for the activation statistics (act_mean, act_std, saturated,
            inactive, dead); default: up to 1000 training rows (seeded). Gradient norms always use that
            training sample (they need its labels).
        progress: True shows a progress bar (tqdm.auto), False never does; None (default)
            shows one only when the run is estimated to take more than 2 s. The environment
            variable TQDM_DISABLE=1 turns bars off. Notebooks should pass progress=False so
            that their stored output is the same on every machine.

    Returns:
        A `History` (entry 0 = before training). If the numbers overflow (learning rate too
        large), training stops after that epoch and `history.diverged` says when.

    Reference:
        Bottou, Curtis & Nocedal (2018), "Optimization Methods for Large-Scale Machine
        Learning", SIAM Review; Lu, Shin, Su & Karniadakis (2020), "Dying ReLU and
        Initialization: Theory and Numerical Examples", Commun. Comput. Phys.
    """
    X = matrix(X, "fit", "X", columns=model.sizes[0])
    n = X.shape[0]
    if np.shape(y)[:1] != (n,):
        raise ValueError(f"fit: y has shape {np.shape(y)} but X has {n} rows")
    loss = _losses.get(loss)
    optimizer = _optimizers.get(optimizer)
    epochs = integer(epochs, "fit", "epochs", at_least=1)
    batch_size = integer(batch_size, "fit", "batch_size", at_least=1)
    if progress not in (None, True, False):
        raise ValueError(f"fit: progress must be True, False or None, got {progress!r}")
    y = np.asarray(y)
    loss(np.zeros((n, model.sizes[-1])), y)  # bad labels/targets fail here, before any update
    validate = X_val is not None or y_val is not None
    if validate:
        if X_val is None or y_val is None:
            raise ValueError("fit: pass both X_val and y_val, or neither")
        X_val = matrix(X_val, "fit", "X_val", columns=model.sizes[0])
        if np.shape(y_val)[:1] != (X_val.shape[0],):
            raise ValueError(f"fit: y_val has shape {np.shape(y_val)} but X_val has {X_val.shape[0]} rows")

    rng = np.random.default_rng(seed)
    ref = np.sort(rng.permutation(n)[:REFERENCE_SIZE])
    X_ref, y_ref = X[ref], y[ref]
    X_stats = X_ref if reference_X is None else matrix(
        reference_X, "fit", "reference_X", columns=model.sizes[0])

    history = History(
        layer_names=[f"{i + 1}: {layer.activation_name} ({layer.n_out})"
                     for i, layer in enumerate(model.layers)],
        units=[layer.n_out for layer in model.layers],
    )

    def record(epoch):
        history.epoch.append(epoch)
        logits = model.forward(X)
        history.loss.append(loss(logits, y))
        history.accuracy.append(_losses.accuracy(logits, y))
        if validate:
            logits = model.forward(X_val)
            history.val_loss.append(loss(logits, y_val))
            history.val_accuracy.append(_losses.accuracy(logits, y_val))
        history.grad_norm.append(model.gradient_norms(X_ref, y_ref, loss))
        # The gradient pass has just run forward on X_ref: reuse its caches when we can.
        stats = cached_statistics(model) if X_stats is X_ref else layer_statistics(model, X_stats)
        for key in ("act_mean", "act_std", "saturated", "inactive", "dead"):
            getattr(history, key).append(stats[key])

    params = model.parameters()
    bar = _Progress(progress, epochs)
    # A learning rate that is too large makes the numbers overflow: that is reported as
    # `history.diverged` (training stops there), not as a stream of NumPy warnings.
    with single_blas_thread(), np.errstate(over="ignore", invalid="ignore", divide="ignore",
                                           under="ignore"):
        record(0)
        for epoch in range(1, epochs + 1):
            order = rng.permutation(n)
            for start in range(0, n, batch_size):
                rows = order[start:start + batch_size]
                logits = model.forward(X[rows])
                model.backward(loss.gradient(logits, y[rows]))
                optimizer.step(params, model.gradients())
            record(epoch)
            bar.update(epoch, history.loss[-1])
            if not (np.isfinite(history.loss[-1]) and all(np.isfinite(p).all() for p in params)):
                history.diverged = epoch
                break
    bar.close()
    return history


class _Progress:
    """A tqdm bar over epochs, started only when wanted (see `fit`'s `progress`)."""

    def __init__(self, progress, epochs):
        disabled = os.environ.get("TQDM_DISABLE", "").strip().lower() in ("1", "true", "yes")
        self.mode = False if disabled else progress
        self.epochs = epochs
        self.start = time.perf_counter()
        self.bar = None
        if self.mode is True:
            self._open(0)

    def _open(self, done):
        from tqdm.auto import tqdm  # imported only when a bar is shown

        self.bar = tqdm(total=self.epochs, initial=done, desc="fit", unit="epoch", leave=False)

    def update(self, epoch, loss):
        if self.bar is None and self.mode is None and epoch < self.epochs:
            elapsed = time.perf_counter() - self.start
            if elapsed / epoch * self.epochs > PROGRESS_SECONDS:
                self._open(epoch)
                return
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(loss=f"{loss:.4g}", refresh=False)

    def close(self):
        if self.bar is not None:
            self.bar.close()
