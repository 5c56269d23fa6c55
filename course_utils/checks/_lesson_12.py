"""Lesson 12 (the playground): exercises answered by training, judged by training.

Each explore exercise names exact playground settings, so its answer is a fact a student finds
by playing (or with the `Playground` engine) and the check finds the same way, on the same
machine: the check trains the same networks (seeded, deterministic) and compares. Nothing here
can be read off a static plot in the lesson. The stretch exercise asks for a σ with two
properties (the plain network fails by saturation, the batch-norm network learns), and the
check trains both. Registered in `_catalogue._MODULES`.
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
               depth=8, width=16, init="normal", optimizer="momentum", lr=0.03, batch_size=10,
               seed=0)
SIGMOID_STEPS, SIGMOID_ACCURACY = 1000, 0.95
RESCUE = dict(SIGMOID, depth=6, width=8)  # lesson 12's network of section 4
SATURATED = 0.5  # "fails by saturation": at least half the hidden outputs in the flat tails
MAX_SIGMA = 20.0
DEAD = dict(dataset="circles", noise=0.05, points=400, test_fraction=0.5, activation="relu",
            depth=3, width=8, init="auto", optimizer="adam", lr=0.3, batch_size=10, seed=0)
DEAD_STEPS, DEAD_TOLERANCE = 500, 0.06  # less than one unit of eight (0.125)


def hidden_activations() -> list:
    """Every activation a hidden layer can use (the elementwise ones), in course order."""
    return [name for name in activations.available() if activations.get(name).elementwise]


def _playground(steps, **settings):
    from ..network.playground import Playground  # the network is imported only when judging

    return Playground(**settings).step(steps)


def _train(steps, **settings):
    return _playground(steps, **settings).state


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
def _sigma(ex, answer):
    """(σ, None) or (None, Verdict): the student's σ of init="normal", between 0 and 20."""
    value, verdict = _answer(ex, answer)
    if verdict is not None:
        return None, verdict
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(())[()]
    if (isinstance(value, bool) or not isinstance(value, numbers.Real)
            or not np.isfinite(value) or not 0 < value <= MAX_SIGMA):
        return None, Verdict("failed", msg.failed(
            ex.title, f"should return σ, one number between 0 and {MAX_SIGMA:g}, returned "
                      f"{msg.short_repr(value)}", hint="For example: return 0.5"))
    return float(value), None


def _saturated(pg) -> float:
    """The share of the hidden layers' outputs in the sigmoid's flat tails, now."""
    return float(np.mean(pg.state["saturated"]))


def _judge_sigmoid(ex, answer):
    sigma, verdict = _sigma(ex, answer)
    if verdict is not None:
        return verdict
    pg = _playground(SIGMOID_STEPS, init_std=sigma, **SIGMOID)
    best = max(pg.history.test_accuracy)
    if best >= SIGMOID_ACCURACY:
        return Verdict("passed", msg.passed(
            ex.title, f"with σ = {sigma:g} the {SIGMOID['depth']}-layer sigmoid network reaches "
                      f"test accuracy ≥ {SIGMOID_ACCURACY:g} within {SIGMOID_STEPS} steps."))
    if _saturated(pg) >= SATURATED:
        hint = ("Too large: the pre-activations land in the sigmoid's flat tails (watch the "
                "saturated panel: most outputs are pinned near 0 or 1, slope ≈ 0). Try a smaller σ.")
    else:
        hint = ("Too small: each sigmoid layer multiplies the gradient by σ'(z) ≤ 1/4 times its "
                "weights, and the factors multiply over the layers (watch the gradient lines "
                "spread). Raise σ until they stay together, but not so far that the units "
                "saturate.")
    return Verdict("failed", msg.failed(
        ex.title, f"with σ = {sigma:g} the best test accuracy within {SIGMOID_STEPS} steps is "
                  f"{best:.3f}, below {SIGMOID_ACCURACY:g}", hint=hint))


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
    "At learning rate 0.3 the ReLU network of exercise 3 (circles, 3 hidden layers of 8 units, "
    "Adam, seed 0) shows: the loss flat near 0.7, test accuracy about 0.5, the map one flat "
    "colour, layer 3 100 % dead, and every line of the gradient panel ending within its first "
    "recorded steps. What happened?",
    {"a": ("Vanishing gradients: each layer shrank the gradient until it was too small for the "
           "log-scale panel to draw.",
           "Vanishing gradients shrink by a factor per layer (lesson 08) but stay positive: their "
           "lines go on, lower down. A line that ends means a gradient of exactly 0, and a dead "
           "layer passes exactly nothing back (slope 0), not a little."),
     "b": ("The learning rate 0.3 makes every step overshoot, so the loss bounces around 0.7; "
           "lowering the learning rate again lets the network recover.",
           "Overshooting makes the loss jump, not lie flat; and lesson 12 lowered the learning "
           "rate back to 0.03 for 800 steps without any change: a dead unit's gradient is 0 at "
           "every learning rate."),
     "c": ("Layer 3 outputs 0 for every point, so the output layer predicts one constant "
           "probability, and with slope 0 no gradient passes back through layer 3: every weight "
           "gradient is exactly 0, which a log scale cannot draw.",
           "A dead layer cuts the network in two: nothing reaches the output, nothing comes back."),
     "d": ("The network predicts 0.5 for every point, and 0.5 is where the cross-entropy is "
           "smallest, so every gradient is 0.",
           "0.5 is only the best constant prediction: the loss gradient p − y is still ±0.5 at "
           "every point. The weights get no gradient because what they multiply (layer 3's "
           "outputs) is 0, and nothing passes back through a layer whose slope is 0.")},
    "c")


# --- 5 (stretch): saturation, and batch norm's rescue ------------------------------------------
def _first_at_least(pg, accuracy):
    return next((step for step, acc in zip(pg.history.step, pg.history.test_accuracy)
                 if acc >= accuracy), None)


def _judge_rescue(ex, answer):
    sigma, verdict = _sigma(ex, answer)
    if verdict is not None:
        return verdict

    def failed(what, hint):
        return Verdict("failed", msg.failed(ex.title, f"with σ = {sigma:g} {what}", hint=hint))

    plain = _playground(SIGMOID_STEPS, init_std=sigma, **RESCUE)
    learned = _first_at_least(plain, SIGMOID_ACCURACY)
    if learned is not None:
        return failed(f"the plain network does not fail: its test accuracy reaches "
                      f"{SIGMOID_ACCURACY:g} at step {learned}",
                      "Raise σ until the network fails again, this time because its units "
                      "saturate (the saturated panel fills up).")
    saturated = _saturated(plain)
    if saturated < SATURATED:
        return failed(f"the plain network fails, but not by saturation: {100 * saturated:.0f} % "
                      f"of the hidden outputs are saturated at step {SIGMOID_STEPS} (at least "
                      f"{100 * SATURATED:.0f} % asked)",
                      "That is the vanishing side of lesson 12 (σ too small: the gradient fades "
                      "layer by layer). Look on the other side: weights so large that the "
                      "pre-activations sit in the sigmoid's flat tails.")
    normed = _playground(SIGMOID_STEPS, init_std=sigma, normalization="batch norm", **RESCUE)
    if _first_at_least(normed, SIGMOID_ACCURACY) is None:
        return failed(f"batch norm does not rescue the network: its best test accuracy within "
                      f"{SIGMOID_STEPS} steps is {max(normed.history.test_accuracy):.3f}",
                      "Batch norm rescales X W whatever the size of W, but a σ far beyond the "
                      "failure also makes W learn very slowly (its gradient shrinks like 1/σ): "
                      "take a σ just large enough for the plain network to fail.")
    return Verdict("passed", msg.passed(
        ex.title, f"with σ = {sigma:g} the plain {RESCUE['depth']}-layer network fails by "
                  f"saturation, and with batch norm it reaches test accuracy ≥ "
                  f"{SIGMOID_ACCURACY:g} within {SIGMOID_STEPS} steps."))


BATCH_NORM_RESCUE = CustomExercise("batch_norm_rescue", "saturation, and batch norm's rescue",
                                   "12", _judge_rescue)


EXERCISES = [SPIRALS_LEARNERS, SIGMOID_INIT, DEAD_BY_LAYER, DEAD_NETWORK, BATCH_NORM_RESCUE]
