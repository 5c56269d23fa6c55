"""Watch a network while it trains, step by step (lesson 11): the habits of makemore part 3.

A `Recorder` is passed to `fit(..., callback=recorder)` and records, on a fixed reference batch:

- every step: the batch loss, and per layer the **update-to-data ratio** ‖ΔW‖ / ‖W‖ (the
  Frobenius norms of one update of the weight matrix and of the weights before it; about
  1e-3 per step is the healthy rule of thumb, far below means the layer hardly learns, far above
  that it is thrown around);
- every `every` steps: per hidden layer the **saturated** share (sigmoid/tanh outputs in the flat
  tails) and the **dead** share (units whose slope is 0 on every reference input), from
  `stats`;
- at the `snapshots` steps: per hidden layer the activations f(Z) and per layer the weight
  gradients ∂L/∂W, for histograms.

The reference passes run in training mode without touching batch norm's running statistics,
and the model is left as `fit` needs it. `plotting.diagnostics.plot_training_diagnostics`
draws everything in one figure.

Example:
    >>> from course_utils import data
    >>> from course_utils.network import MLP, SGD, fit
    >>> from course_utils.network.diagnostics import Recorder
    >>> split = data.load_digits(seed=0)
    >>> rec = Recorder(split.X_train[:200], split.y_train[:200], snapshots=(0, 40), every=20)
    >>> model = MLP([64, 32, 32, 10], activation="tanh", init="lecun_normal", gain=5/3)
    >>> _ = fit(model, split.X_train, split.y_train, optimizer=SGD(0.05), epochs=1,
    ...         callback=rec, progress=False)
    >>> rec.steps[-1], rec.update_ratio.shape, sorted(rec.snapshots)
    (43, (43, 3), [0, 40])
    >>> rec.finish(model)                  # the trained network too
    >>> rec.stat_steps, rec.saturated.shape
    ([0, 20, 40, 43], (4, 2))
"""

from __future__ import annotations

import numbers

import numpy as np

from .. import _validate
from ._inputs import matrix
from . import losses as _losses
from .normalization import statistics_kept
from .stats import dead_fraction, saturated_fraction


class Recorder:
    r"""Records per-layer training diagnostics; use as `fit(..., callback=Recorder(X, y))`.

    Formula:
        update-to-data ratio of layer l at step t:  ‖W_l(t) − W_l(t−1)‖ / ‖W_l(t−1)‖

    Args:
        X: reference inputs (samples × features), e.g. a few hundred training rows.
        y: their labels (needed for the gradient histograms).
        snapshots: steps at which to keep activations and gradients (default (0, 10, 100));
            `finish(model)` adds the last step.
        every: measure the saturated and dead shares every this many steps, and at every
            snapshot (default 10).
        loss: the loss the gradients are taken of (default "cross_entropy").

    Attributes (after training):
        steps: [0, 1, …, T]; batch_loss: (T,) array, the loss of each update's batch;
        update_ratio: (T, layers) array; layer_names: ["1: tanh (32)", …];
        stat_steps: the steps of `saturated` and `dead`, each (len(stat_steps), hidden layers);
        snapshots: dict step → {"activations": [f(Z) per hidden layer],
        "gradients": [∂L/∂W per layer]};
        activation_names: the hidden layers' activations; n_outputs: the network's outputs.

    Reference:
        Karpathy, "Building makemore Part 3: Activations & Gradients, BatchNorm" (2022);
        Karpathy, "A Recipe for Training Neural Networks" (2019).
    """

    def __init__(self, X, y, snapshots=(0, 10, 100), every=10, loss="cross_entropy"):
        self.X = matrix(X, "Recorder", "X")
        if np.shape(y)[:1] != (self.X.shape[0],):
            raise ValueError(f"Recorder: y has shape {np.shape(y)} but X has {self.X.shape[0]} rows")
        self.y = np.asarray(y)
        self.snapshot_steps = _steps(snapshots)
        self.every = _validate.integer(every, "Recorder", "every", at_least=1)
        self.loss = _losses.get(loss)
        self._reset()

    def _reset(self):
        self.steps: list = []
        self.stat_steps: list = []
        self.snapshots: dict = {}
        self.layer_names: list = []
        self.activation_names: list = []
        self.n_outputs = 0
        self._loss: list = []
        self._ratios: list = []
        self._saturated: list = []
        self._dead: list = []
        self._previous = None

    # --- the callback ------------------------------------------------------------------
    def __call__(self, step, model, batch_loss) -> None:
        """Record step `step` (0 = before training); `fit` calls this after every update."""
        if step == 0:
            self._start(model)
        else:
            self._loss.append(float(batch_loss))
            weights = [layer.W for layer in model.layers]
            self._ratios.append([np.linalg.norm(W - W0) / np.linalg.norm(W0)
                                 for W, W0 in zip(weights, self._previous)])
            self._previous = [W.copy() for W in weights]
        self.steps.append(step)
        if step in self.snapshot_steps:
            self.snapshot(model, step)
        elif step % self.every == 0:
            self._measure(model, step, backward=False)

    def finish(self, model) -> None:
        """After training: a snapshot (and the shares) of the trained network, if not taken yet."""
        if not self.steps:
            raise RuntimeError("Recorder.finish: nothing recorded; pass the recorder to fit first")
        step = self.steps[-1]
        if self.stat_steps and self.stat_steps[-1] == step:
            self.stat_steps.pop()  # measured without gradients: measure again, with them
            self._saturated.pop()
            self._dead.pop()
        if step not in self.snapshots:
            self.snapshot(model, step)

    def snapshot(self, model, step) -> None:
        """Keep activations and gradients of the reference batch at this step."""
        self._measure(model, step, backward=True)

    # --- results -------------------------------------------------------------------------
    @property
    def batch_loss(self) -> np.ndarray:
        return np.array(self._loss)

    @property
    def update_ratio(self) -> np.ndarray:
        return np.array(self._ratios).reshape(len(self._ratios), len(self.layer_names))

    @property
    def saturated(self) -> np.ndarray:
        return np.array(self._saturated)

    @property
    def dead(self) -> np.ndarray:
        return np.array(self._dead)

    def __repr__(self) -> str:
        return (f"Recorder(steps={self.steps[-1] if self.steps else 0}, "
                f"snapshots={sorted(self.snapshots)}, layers={len(self.layer_names)})")

    # --- internals ---------------------------------------------------------------------
    def _start(self, model):
        if self.X.shape[1] != model.sizes[0]:
            raise ValueError(f"Recorder: X has {self.X.shape[1]} features but the network "
                             f"expects {model.sizes[0]}")
        self._reset()
        self.layer_names = [f"{i + 1}: {layer.activation_name} ({layer.n_out})"
                            for i, layer in enumerate(model.layers)]
        self.activation_names = [layer.activation_name for layer in model.layers[:-1]]
        self.n_outputs = model.sizes[-1]
        self._previous = [layer.W.copy() for layer in model.layers]

    def _measure(self, model, step, backward):
        hidden = model.layers[:-1]
        with statistics_kept(model):
            if backward:
                model.loss_and_gradients(self.X, self.y, self.loss)
            else:
                model.forward(self.X)
            self._saturated.append([saturated_fraction(layer.activation_name,
                                                       layer.activation_output)
                                    for layer in hidden])
            self._dead.append([dead_fraction(layer.activation, layer.Z) for layer in hidden])
            self.stat_steps.append(step)
            if backward:
                self.snapshots[step] = {
                    "activations": [layer.activation_output.copy() for layer in hidden],
                    "gradients": [layer.grads["W"].copy() for layer in model.layers],
                }


def _steps(values) -> set:
    try:
        steps = list(values)
    except TypeError:
        raise ValueError(f"Recorder: snapshots must be a list of steps, got {_validate.describe(values)}") from None
    for s in steps:
        if isinstance(s, bool) or not isinstance(s, numbers.Integral) or s < 0:
            raise ValueError(f"Recorder: snapshots must be steps ≥ 0, got {steps}")
    return {int(s) for s in steps}
