"""Lesson 12 (the playground): exercises answered by training, judged by training.

Each explore exercise names exact playground settings, so its answer is a fact a student finds
by playing (or with the `Playground` engine) and the check finds the same way, on the same
machine: the check trains the same networks (seeded, deterministic) and compares. Nothing here
can be read off a static plot in the lesson. Registered in `_catalogue._MODULES`.
"""

from __future__ import annotations

import functools
import numbers

import numpy as np

from .. import activations
from . import _messages as msg
from ._answers import ChoiceExercise, CustomExercise, _answer_of
from ._exercise import Verdict

BUDGET_S = 120.0  # the student's function may train networks itself (the solutions do)

SPIRALS = dict(dataset="spirals", noise=0.05, points=400, test_fraction=0.5, depth=3, width=8,
               init="auto", optimizer="adam", lr=0.03, batch_size=10, seed=0)
SPIRALS_STEPS, SPIRALS_ACCURACY = 500, 0.9
SIGMOID = dict(dataset="circles", noise=0.05, points=400, test_fraction=0.5, activation="sigmoid",
               depth=6, width=8, init="normal", optimizer="momentum", lr=0.03, batch_size=10,
               seed=0)
SIGMOID_STEPS, SIGMOID_ACCURACY = 1000, 0.95
DEAD = dict(dataset="circles", noise=0.05, points=400, test_fraction=0.5, activation="relu",
            depth=3, width=8, init="auto", optimizer="adam", lr=0.3, batch_size=10, seed=0)
DEAD_STEPS, DEAD_TOLERANCE = 500, 0.06  # less than one unit of eight (0.125)


def hidden_activations() -> list:
    """Every activation a hidden layer can use (the elementwise ones), in course order."""
    return [name for name in activations.available() if activations.get(name).elementwise]


def _train(steps, **settings):
    from ..network.playground import Playground  # the network is imported only when judging

    return Playground(**settings).step(steps).state


@functools.lru_cache(maxsize=None)
def spirals_accuracy() -> dict:
    """Test accuracy at step 500 on the spirals, per hidden activation (the exercise's truth)."""
    return {name: _train(SPIRALS_STEPS, activation=name, **SPIRALS)["test_accuracy"]
            for name in hidden_activations()}


@functools.lru_cache(maxsize=None)
def dead_shares() -> tuple:
    """The dead share of each hidden layer at step 500 for the exercise's ReLU network."""
    return tuple(float(v) for v in _train(DEAD_STEPS, **DEAD)["dead"])


def _answer(exercise, answer):
    """(value, None) or (None, Verdict): the student's answer, from their function if given."""
    return _answer_of(exercise, answer, budget=BUDGET_S)


def _numbers(value):
    """A list of finite floats from a list/tuple/array of numbers, else None."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        return None
    if not all(isinstance(v, numbers.Real) and not isinstance(v, bool) and np.isfinite(v)
               for v in value):
        return None
    return [float(v) for v in value]


# --- 1: which activations learn the spirals -------------------------------------------------
SPIRALS_HINT = ("In the playground: problem spirals, 3 hidden layers of 8 units, Adam, learning "
                "rate 0.03, batch size 10, seed 0, initialisation auto; set 'pause at step' to "
                "500 and press Play once per activation. Read the test accuracy in the status "
                "line when it stops.")


def _judge_spirals(ex, answer):
    value, verdict = _answer(ex, answer)
    if verdict is not None:
        return verdict
    if isinstance(value, str) or not isinstance(value, (list, tuple, set)):
        return Verdict("failed", msg.failed(
            ex.title, f"should return a list of activation names, returned "
                      f"{msg.describe_type(value)}", hint='For example: return ["relu", "tanh"]'))
    names = set()
    for item in value:
        try:
            names.add(activations.get(item).name)
        except ValueError:
            return Verdict("failed", msg.failed(
                ex.title, f"{msg.short_repr(item)} is not an activation name",
                hint=f"Use the names of activations.available(): {', '.join(hidden_activations())}."))
    accuracy = spirals_accuracy()
    right = {name for name, acc in accuracy.items() if acc >= SPIRALS_ACCURACY}
    if names == right:
        return Verdict("passed", msg.passed(
            ex.title, f"exactly the activations at test accuracy ≥ {SPIRALS_ACCURACY:g} at step "
                      f"{SPIRALS_STEPS}."))
    lines = []
    for name in sorted(names - right, key=hidden_activations().index):
        lines.append(f"{name} reaches only {accuracy[name]:.3f} at step {SPIRALS_STEPS}"
                     if name in accuracy else f"{name} cannot be a hidden activation")
    for name in sorted(right - names, key=hidden_activations().index):
        lines.append(f"{name} is missing: it reaches {accuracy[name]:.3f}")
    return Verdict("failed", msg.failed(ex.title, "not the right set of activations", lines,
                                        SPIRALS_HINT))


SPIRALS_LEARNERS = CustomExercise("spirals_learners", "which activations learn the spirals", "12",
                                  _judge_spirals)


# --- 2: the initialisation that rescues a deep sigmoid network --------------------------------
def _judge_sigmoid(ex, answer):
    value, verdict = _answer(ex, answer)
    if verdict is not None:
        return verdict
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(())[()]
    if (isinstance(value, bool) or not isinstance(value, numbers.Real)
            or not np.isfinite(value) or not 0 < value <= 10):
        return Verdict("failed", msg.failed(
            ex.title, f"should return σ, one number between 0 and 10, returned "
                      f"{msg.short_repr(value)}", hint="For example: return 0.5"))
    sigma = float(value)
    accuracy = _train(SIGMOID_STEPS, init_std=sigma, **SIGMOID)["test_accuracy"]
    if accuracy >= SIGMOID_ACCURACY:
        return Verdict("passed", msg.passed(
            ex.title, f"with σ = {sigma:g} the 6-layer sigmoid network reaches test accuracy "
                      f"≥ {SIGMOID_ACCURACY:g} within {SIGMOID_STEPS} steps."))
    hint = ("Each sigmoid layer multiplies the gradient by σ'(z) ≤ 1/4 times its weights: with "
            "Xavier-sized weights (σ ≈ 0.35 for 8 units) that shrinks it about tenfold per layer. "
            "Raise σ until the gradient lines stay together, but not so far that the units "
            "saturate.") if sigma < 1 else (
            "Too large: the pre-activations land in the sigmoid's flat tails (saturated units, "
            "slope ≈ 0). Try a smaller σ.")
    return Verdict("failed", msg.failed(
        ex.title, f"with σ = {sigma:g} the test accuracy at step {SIGMOID_STEPS} is "
                  f"{accuracy:.3f}, below {SIGMOID_ACCURACY:g}", hint=hint))


SIGMOID_INIT = CustomExercise("sigmoid_init_std", "an initialisation for a deep sigmoid network",
                              "12", _judge_sigmoid)


# --- 3: dead ReLU units after a large learning rate ------------------------------------------
def _judge_dead(ex, answer):
    value, verdict = _answer(ex, answer)
    if verdict is not None:
        return verdict
    shares = _numbers(value)
    truth = dead_shares()
    if shares is None or len(shares) != len(truth):
        return Verdict("failed", msg.failed(
            ex.title, f"should return {len(truth)} numbers (one per hidden layer), returned "
                      f"{msg.short_repr(value)}", hint="For example: return [0.0, 0.25, 0.5]"))
    if any(s > 1.5 for s in shares) and all(0 <= s <= 100 for s in shares):
        return Verdict("failed", msg.failed(
            ex.title, "these look like percentages", hint="Give shares between 0 and 1: 25 % is 0.25."))
    wrong = [i for i, (s, t) in enumerate(zip(shares, truth)) if abs(s - t) > DEAD_TOLERANCE]
    if not wrong:
        return Verdict("passed", msg.passed(
            ex.title, f"the dead share of every hidden layer at step {DEAD_STEPS} "
                      f"(±{DEAD_TOLERANCE:g})."))
    lines = [f"layer {i + 1}: you said {msg.fmt_number(shares[i], 3)}" for i in wrong]
    return Verdict("failed", msg.failed(
        ex.title, f"not the shares at step {DEAD_STEPS} for layer(s) "
                  f"{', '.join(str(i + 1) for i in wrong)}", lines,
        "ReLU on the circles, 3 × 8, Adam, learning rate 0.3, batch 10, seed 0: pause at step "
        "500 and read 'dead per layer' in the status line (each unit is 1/8 = 0.125)."))


DEAD_BY_LAYER = CustomExercise("relu_dead_by_layer", "dead units after a large learning rate",
                               "12", _judge_dead)


# --- 4: reading a dead network ---------------------------------------------------------------
DEAD_NETWORK = ChoiceExercise(
    "dead_network_why", "a network that stopped learning", "12",
    "At learning rate 0.3 the playground's ReLU network shows: the loss flat near 0.7, test "
    "accuracy about 0.5, the map one flat colour, layer 3 100 % dead, and every line of the "
    "gradient panel ending after a few dozen steps. What happened?",
    {"a": ("Every unit of layer 3 outputs 0 for every point: the output layer gets the same "
           "input everywhere and predicts one constant probability, its weights multiply inputs "
           "of 0, and no gradient passes back through layer 3 (slope 0 everywhere). Every weight "
           "gradient is exactly 0, which a log scale cannot draw.",
           "A dead layer cuts the network in two: nothing reaches the output, nothing comes back."),
     "b": ("Vanishing gradients: ReLU's slope is at most 1/4, so deep layers get tiny gradients.",
           "That is the sigmoid's bound; ReLU's slope is exactly 0 or 1. The gradient here is not "
           "small but exactly 0."),
     "c": ("The learning rate is too small to make progress.",
           "The opposite: a step that was too large pushed the units into the dead zone."),
     "d": ("Overfitting: the network memorised the training points.",
           "Training and test loss are equal (0.69, a coin toss): it learned nothing at all.")},
    "a")


EXERCISES = [SPIRALS_LEARNERS, SIGMOID_INIT, DEAD_BY_LAYER, DEAD_NETWORK]
