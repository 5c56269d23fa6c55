"""The playground's engine: a small network trained step by step on a 2-D problem (lesson 12).

UI-free and deterministic: `Playground(...)` builds the data and the network from its settings;
`step(n)` trains n mini-batch steps; `state` measures the network now (losses, accuracies, the
per-layer gradient norms and dead or saturated fractions, a plain-words diagnosis); `history`
holds the same measurements every `record_every` steps; `maps()` gives the decision boundary
and the first hidden layer's units over the plane. `widgets.playground()` draws all of it live.

Changing a setting with `configure(...)` rebuilds the data and network from scratch (a clean
reset), except the live settings `lr` and `batch_size`, which apply from the next step on.
The same settings always give the same numbers, bit for bit, however the steps are split
into calls.

Example:
    >>> from course_utils.network.playground import Playground
    >>> pg = Playground(dataset="xor", activation="relu", depth=2, width=8, seed=0)
    >>> pg.step(300).state["test_accuracy"] > 0.95
    True
    >>> pg.configure(lr=0.01)                 # live: training goes on from step 300
    False
    >>> pg.configure(activation="tanh"), pg.steps      # a new network: back to step 0
    (True, 0)
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np

from .. import activations, data
from .._validate import describe, integer, real
from . import optimizers as _optimizers
from ._diagnosis import diagnose
from ._threads import single_blas_thread
from .layers import init_name
from .losses import SoftmaxCrossEntropy, accuracy
from .model import MLP
from .stats import SATURATION, dead_fraction, saturated_fraction

DATASETS = {
    "circles": data.make_circles,
    "xor": data.make_xor,
    "moons": data.make_moons,
    "spirals": data.make_two_spirals,
}
"""The 2-D problems by name: each a generator (n, noise=, seed=) → (X, y) with two classes."""

OPTIMIZERS = {
    "adam": lambda lr: _optimizers.Adam(lr),
    "momentum": lambda lr: _optimizers.SGD(lr, momentum=0.9),
    "sgd": lambda lr: _optimizers.SGD(lr),
}
"""Optimiser names → a factory taking the learning rate ("momentum": SGD with momentum 0.9)."""

NORMALIZATIONS = {
    "none": lambda sizes, **kw: MLP(sizes, **kw),
}
"""How the hidden layers are normalised: name → a model factory (sizes, activation, init, seed,
init_std). A normalisation (e.g. batch norm) plugs in as one more entry here; the widget
offers every entry."""

LIVE = frozenset({"lr", "batch_size"})
"""Settings that change without a reset: training goes on from where it is."""

DEFAULTS = {
    "dataset": "circles", "noise": 0.05, "points": 400, "test_fraction": 0.5,
    "activation": "tanh", "activation_params": {}, "depth": 3, "width": 8, "init": "auto",
    "init_std": 1.0, "normalization": "none", "optimizer": "adam", "lr": 0.03,
    "batch_size": 10, "seed": 0,
}
MAX_DEPTH, MAX_WIDTH, MAX_POINTS = 10, 32, 2000
DATA_SEED = 0  # the problem stays the same when `seed` draws another network


def auto_init(activation: str) -> str:
    """The initialiser `init="auto"` picks: Xavier for sigmoid and tanh, He for the rest."""
    return "xavier_normal" if activation in SATURATION else "he"


@dataclass
class PlaygroundHistory:
    """Measurements every `record_every` steps (step 0 = the untrained network).

    Attributes:
        step: the step of each record.
        train_loss, test_loss, train_accuracy, test_accuracy: floats per record.
        grad_norm: per record, ‖∂L/∂W‖ of every layer on the training set (the last entry is
            the output layer).
        dead, saturated: per record, the fraction of each hidden layer's units that are dead
            (slope exactly 0 on every training point) / outputs that are saturated (sigmoid
            and tanh only; NaN for the others). See `course_utils.network.stats`.
    """

    step: list = field(default_factory=list)
    train_loss: list = field(default_factory=list)
    test_loss: list = field(default_factory=list)
    train_accuracy: list = field(default_factory=list)
    test_accuracy: list = field(default_factory=list)
    grad_norm: list = field(default_factory=list)
    dead: list = field(default_factory=list)
    saturated: list = field(default_factory=list)

    def append(self, state: dict) -> None:
        for key in self.__dataclass_fields__:
            getattr(self, key).append(state[key])

    def as_array(self, key: str) -> np.ndarray:
        """One record as an array: (records,) or, per layer, (records, layers)."""
        if key not in self.__dataclass_fields__:
            raise ValueError(f"PlaygroundHistory.as_array: unknown key {key!r}; "
                             f"valid keys: {', '.join(self.__dataclass_fields__)}")
        return np.array(getattr(self, key), dtype=np.float64)


class Playground:
    r"""A 2-class problem in the plane and a small MLP learning it, one mini-batch step at a time.

    Formula:
        logits = MLP(x),  P(class 1 | x) = softmax(logits)₁,  loss = mean cross-entropy;
        each step: θ ← optimizer(θ, ∂L_B/∂θ) on the next mini-batch B of a seeded shuffle.

    Args:
        dataset: one of `DATASETS`: "circles" (default), "xor", "moons", "spirals".
        noise: the generator's Gaussian noise, ≥ 0 (default 0.05; the points are then
            standardised with the training rows' statistics).
        points: how many points, 20–2000 (default 400), split into training and test points.
        test_fraction: the held-out share, 0.1–0.9 (default 0.5).
        activation: any elementwise name of `activations.available()` (default "tanh").
        activation_params: its hyperparameters, e.g. {"negative_slope": 0.1} (default: the
            activation's defaults; reset to them when the activation changes).
        depth: hidden layers, 1–10 (default 3).
        width: units per hidden layer, 1–32 (default 8).
        init: "auto" (default: Xavier for sigmoid/tanh, He otherwise) or a name of
            `layers.INITIALIZERS`.
        init_std: σ of init="normal" (default 1.0).
        normalization: one of `NORMALIZATIONS` (default "none").
        optimizer: "adam" (default), "momentum" (SGD with momentum 0.9) or "sgd".
        lr: the learning rate, > 0 (default 0.03); live.
        batch_size: points per step, ≥ 1 (default 10); live.
        seed: seeds the weights and the order of the batches (default 0). The data do not
            depend on it.
        record_every: steps between two records of `history` (default 10).

    Attributes:
        split: the standardised data (X_train, X_test, y_train, y_test).
        model: the MLP; optimizer: its optimiser; steps: steps trained since the reset.
        history: a PlaygroundHistory; diverged: the step at which the loss or a weight
            stopped being finite (training stops there), or None.
        extent: (low, high) of the square the maps cover, the same on both axes.

    Raises:
        ValueError: for an unknown name or an out-of-range value, naming the setting.
    """

    def __init__(self, record_every=10, **settings):
        self.record_every = integer(record_every, "Playground", "record_every", at_least=1)
        self._settings = dict(DEFAULTS)
        self._settings.update(_validated(
            self._settings, {"activation": self._settings["activation"], **settings}))
        self._data_key = None
        self.reset()

    # --- settings --------------------------------------------------------------------
    @property
    def settings(self) -> dict:
        """The current settings (a copy: change them with `configure`)."""
        out = dict(self._settings)
        out["activation_params"] = dict(out["activation_params"])
        return out

    def configure(self, **changes) -> bool:
        """Change settings; returns True if that rebuilt the network (a reset).

        Every change is checked before any is applied: a bad value changes nothing.
        `lr` and `batch_size` apply from the next step on; anything else resets.
        """
        new = _validated(self._settings, changes)
        changed = {k for k, v in new.items() if v != self._settings[k]}
        self._settings.update(new)
        if changed - LIVE:
            self.reset()
            return True
        if "lr" in changed:
            self.optimizer.lr = self._settings["lr"]
        return False

    # --- training --------------------------------------------------------------------
    def reset(self) -> Playground:
        """A fresh network (and fresh data if the data settings changed), at step 0."""
        s = self._settings
        key = (s["dataset"], s["noise"], s["points"], s["test_fraction"])
        if key != self._data_key:
            X, y = DATASETS[s["dataset"]](s["points"], noise=s["noise"], seed=DATA_SEED)
            self.split = data.standardize(
                data.train_test_split(X, y, test_size=s["test_fraction"], seed=DATA_SEED))
            reach = max(np.abs(self.split.X_train).max(), np.abs(self.split.X_test).max())
            half = float(np.ceil((reach + 0.25) * 2.0) / 2.0)  # whole halves: tidy ticks
            self.extent = (-half, half)
            self._grids = {}
            self._data_key = key
        act = activations.get(s["activation"], **s["activation_params"])
        init = auto_init(act.name) if s["init"] == "auto" else s["init"]
        sizes = [2] + [s["width"]] * s["depth"] + [2]
        self.model = NORMALIZATIONS[s["normalization"]](
            sizes, activation=act, init=init, seed=s["seed"], init_std=s["init_std"])
        self.optimizer = OPTIMIZERS[s["optimizer"]](s["lr"])
        self._params = self.model.parameters()
        self._loss = SoftmaxCrossEntropy()
        self._rng = np.random.default_rng([s["seed"], 1])  # the batch order
        self._order, self._position = None, 0
        self.steps = 0
        self.diverged = None
        self.history = PlaygroundHistory()
        self._state = None
        self.history.append(self.state)
        return self

    def step(self, n: int = 1) -> Playground:
        """Train `n` mini-batch steps (fewer if the numbers overflow: see `diverged`)."""
        n = integer(n, "Playground.step", "n", at_least=1)
        X, y = self.split.X_train, self.split.y_train
        with single_blas_thread(), np.errstate(all="ignore"):
            for _ in range(n):
                if self.diverged is not None:
                    break
                if self._order is None or self._position >= len(y):
                    self._order, self._position = self._rng.permutation(len(y)), 0
                rows = self._order[self._position:self._position + self._settings["batch_size"]]
                self._position += len(rows)
                logits = self.model.forward(X[rows])
                self.model.backward(self._loss.gradient(logits, y[rows]))
                self.optimizer.step(self._params, self.model.gradients())
                self.steps += 1
                self._state = None
                if self.steps % self.record_every == 0:
                    state = self.state
                    self.history.append(state)
                    if not (np.isfinite(state["train_loss"])
                            and all(np.isfinite(p).all() for p in self._params)):
                        self.diverged = self.steps
                        self._state = None
        return self

    # --- measuring -------------------------------------------------------------------
    @property
    def state(self) -> dict:
        """The network now: step, train/test loss and accuracy, per-layer grad_norm, dead and
        saturated (as in `PlaygroundHistory`), diverged, and a one-line `diagnosis`."""
        if self._state is None:
            self._state = self._measure()
        return {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in self._state.items()}

    def _measure(self) -> dict:
        split, model, loss = self.split, self.model, self._loss
        with single_blas_thread(), np.errstate(all="ignore"):
            logits = model.forward(split.X_test)
            test_loss, test_acc = loss(logits, split.y_test), accuracy(logits, split.y_test)
            logits = model.forward(split.X_train)
            train_loss, train_acc = loss(logits, split.y_train), accuracy(logits, split.y_train)
            model.backward(loss.gradient(logits, split.y_train))
            grad_norm = np.array([np.linalg.norm(layer.grads["W"]) for layer in model.layers])
            hidden = model.layers[:-1]
            dead = np.array([dead_fraction(layer.activation, layer.Z) for layer in hidden])
            saturated = np.array([saturated_fraction(layer.activation_name, layer.A)
                                  for layer in hidden])  # NaN except for sigmoid and tanh
        state = {
            "step": self.steps, "train_loss": float(train_loss), "test_loss": float(test_loss),
            "train_accuracy": float(train_acc), "test_accuracy": float(test_acc),
            "grad_norm": grad_norm, "dead": dead, "saturated": saturated,
            "diverged": self.diverged,
        }
        state["diagnosis"] = diagnose(state, self.health)
        return state

    @property
    def health(self) -> str:
        """What can go wrong with the hidden units: "saturated" (sigmoid, tanh) or "dead"."""
        return "saturated" if self.model.layers[0].activation_name in SATURATION else "dead"

    def grid(self, resolution: int = 50) -> np.ndarray:
        """The (resolution², 2) points of a square grid over `extent`, row by row from the
        bottom left (the layout `imshow(..., origin="lower")` expects)."""
        resolution = integer(resolution, "Playground.grid", "resolution", at_least=1)
        if resolution not in self._grids:
            axis = np.linspace(*self.extent, resolution)
            gx, gy = np.meshgrid(axis, axis)
            self._grids[resolution] = np.column_stack([gx.ravel(), gy.ravel()])
        return self._grids[resolution]

    def maps(self, resolution: int = 50) -> dict:
        """Over the grid: "probability" of class 1, (resolution, resolution), and "units", the
        first hidden layer's outputs, (width, resolution, resolution)."""
        points = self.grid(resolution)
        with single_blas_thread(), np.errstate(all="ignore"):
            logits = self.model.forward(points)
            prob = activations.softmax(logits, axis=1)[:, 1]
        units = self.model.layers[0].A.T.reshape(-1, resolution, resolution)
        return {"probability": prob.reshape(resolution, resolution), "units": units}

    def describe(self) -> str:
        """The settings in one line, e.g. "circles (noise 0.05), 3 × 8 tanh, Adam lr 0.03"."""
        s = self._settings
        defaults = activations.get(s["activation"]).params
        params = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                           for k, v in s["activation_params"].items() if v != defaults[k])
        init = s["init"] + (f"({s['init_std']:g})" if s["init"] == "normal" else "")
        norm = "" if s["normalization"] == "none" else f", {s['normalization']}"
        return (f"{s['dataset']} (noise {s['noise']:g}, {s['points']} points), "
                f"{s['depth']} × {s['width']} {s['activation']}{f'({params})' if params else ''}, "
                f"init {init}{norm}, {s['optimizer']} lr {s['lr']:g}, batch {s['batch_size']}, "
                f"seed {s['seed']}")

    def __repr__(self) -> str:
        return f"Playground({self.describe()}; step {self.steps})"


# --- validation ------------------------------------------------------------------------
def _choice(value, options, arg):
    if not isinstance(value, str) or value.strip().lower() not in options:
        raise ValueError(f"Playground: {arg} must be one of {', '.join(map(repr, options))}, "
                         f"got {describe(value)}")
    return value.strip().lower()


def _int_in(value, low, high, arg):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not low <= value <= high:
        raise ValueError(f"Playground: {arg} must be an integer from {low} to {high}, "
                         f"got {describe(value)}")
    return int(value)


def _number_in(value, low, high, arg):
    if (isinstance(value, bool) or not isinstance(value, numbers.Real)
            or not np.isfinite(value) or not low <= value <= high):
        raise ValueError(f"Playground: {arg} must be a number from {low:g} to {high:g}, "
                         f"got {describe(value)}")
    return float(value)


def _activation(name, params):
    """(name, params) checked by building the activation; a hidden (elementwise) one only."""
    if isinstance(name, activations.Activation):
        name, params = name.name, {**name.params, **params}
    if not isinstance(params, dict):
        raise ValueError(f"Playground: activation_params must be a dict such as "
                         f"{{'negative_slope': 0.1}}, got {describe(params)}")
    try:
        act = activations.get(name, **params)
    except ValueError as err:
        raise ValueError(f"Playground: {err}") from None
    if not act.elementwise:
        raise ValueError(f"Playground: activation {act.name!r} cannot be a hidden activation "
                         "(it works along an axis); pick an elementwise one such as 'relu'")
    return act.name, dict(act.params)  # every hyperparameter, defaults filled in


def _validated(current: dict, changes: dict) -> dict:
    """The checked values of `changes` (a ValueError for the first bad one, naming it)."""
    unknown = sorted(set(changes) - set(DEFAULTS))
    if unknown:
        raise ValueError(f"Playground: unknown setting(s) {unknown}; "
                         f"valid settings: {', '.join(DEFAULTS)}")
    c = dict(changes)
    out = {}
    if "activation" in c or "activation_params" in c:
        name = c.get("activation", current["activation"])
        # A new activation starts from its own defaults unless parameters come with it.
        params = c.get("activation_params",
                       current["activation_params"] if "activation" not in c else {})
        out["activation"], out["activation_params"] = _activation(name, params)
    if "dataset" in c:
        out["dataset"] = _choice(c["dataset"], tuple(DATASETS), "dataset")
    if "noise" in c:
        out["noise"] = _number_in(c["noise"], 0.0, 1.0, "noise")
    if "points" in c:
        out["points"] = _int_in(c["points"], 20, MAX_POINTS, "points")
    if "test_fraction" in c:
        out["test_fraction"] = _number_in(c["test_fraction"], 0.1, 0.9, "test_fraction")
    if "depth" in c:
        out["depth"] = _int_in(c["depth"], 1, MAX_DEPTH, "depth (hidden layers)")
    if "width" in c:
        out["width"] = _int_in(c["width"], 1, MAX_WIDTH, "width (units per hidden layer)")
    if "init" in c:
        out["init"] = "auto" if c["init"] == "auto" else _init(c["init"])
    if "init_std" in c:
        out["init_std"] = real(c["init_std"], "Playground", "init_std", above=0)
    if "normalization" in c:
        out["normalization"] = _choice(c["normalization"], tuple(NORMALIZATIONS), "normalization")
    if "optimizer" in c:
        out["optimizer"] = _choice(c["optimizer"], tuple(OPTIMIZERS), "optimizer")
    if "lr" in c:
        out["lr"] = real(c["lr"], "Playground", "lr (learning rate)", above=0)
    if "batch_size" in c:
        out["batch_size"] = integer(c["batch_size"], "Playground", "batch_size", at_least=1)
    if "seed" in c:
        out["seed"] = _int_in(c["seed"], 0, 2**32 - 1, "seed")
    return out


def _init(value):
    try:
        return init_name(value)
    except ValueError as err:
        raise ValueError(f"Playground: {err} (or 'auto')") from None
