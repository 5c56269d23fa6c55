"""The playground's diagnosis: what a training state says, in plain words (lesson 12).

Rules, most serious first (at most two are reported):
- the numbers overflowed (diverged);
- a hidden layer is 100 % dead: its output is 0 for every input, so every input gives the
  same prediction and no gradient reaches the layers below it; or ≥ 25 % of a layer is dead;
- the first layer's gradient is below 1e-3 (vanishing) or above 1e3 (exploding) times the
  output layer's;
- ≥ 50 % of a sigmoid/tanh layer's outputs are saturated (its slope is nearly 0 there);
- after 300 steps the training loss is still ≥ 0.65, about log 2 = 0.69 (a 50/50 guess);
Otherwise: overfitting (training accuracy ≥ 0.1 above the test accuracy), or learned (test
accuracy ≥ 0.95).
"""

from __future__ import annotations

import numpy as np

VANISHING, EXPLODING = 1e-3, 1e3  # first layer's ‖∂L/∂W‖ ÷ the output layer's
DEAD, SATURATED = 0.25, 0.5  # share of a layer
STUCK_LOSS, STUCK_AFTER = 0.65, 300  # loss still near log 2 after this many steps


def ratio_text(ratio: float) -> str:
    """A ratio as a power of ten in words: 3.2e-06 → "3e-6".

    Example:
        >>> ratio_text(3.2e-06), ratio_text(2.5e4)
        ('3e-6', '2e+4')
    """
    mantissa, exponent = f"{ratio:.0e}".split("e")
    return f"{mantissa}e{int(exponent):+d}" if int(exponent) >= 0 else f"{mantissa}e{int(exponent)}"


def diagnose(state: dict, health: str = "dead") -> str:
    """One line saying what is wrong (or right) with a playground state, "" if nothing stands out.

    Args:
        state: a `Playground.state`: step, train_loss, train_accuracy, test_accuracy,
            grad_norm (every layer, the output layer last), dead and saturated (hidden
            layers), diverged.
        health: "dead" (rectifiers) or "saturated" (sigmoid, tanh): which unit problem applies.

    Example:
        >>> import numpy as np
        >>> state = dict(step=400, train_loss=0.69, train_accuracy=0.5, test_accuracy=0.5,
        ...              grad_norm=np.array([2e-7, 1e-4, 0.2]), dead=np.array([0.0, 0.375]),
        ...              saturated=np.array([np.nan, np.nan]), diverged=None)
        >>> diagnose(state)
        "38 % of layer 2 is dead; layer 1's gradient is 1e-6 of layer 3's (the output layer): vanishing"
    """
    if state.get("diverged") is not None:
        return (f"the numbers overflowed at step {state['diverged']}: the learning rate is far "
                "too large (lower it, then Reset)")
    problems = []
    dead = np.asarray(state["dead"], dtype=float)
    if health == "dead" and dead.size and np.nanmax(dead, initial=0.0) >= DEAD:
        k = int(np.nanargmax(dead))
        if dead[k] == 1.0:
            problems.append(f"layer {k + 1} is 100 % dead: the same prediction everywhere, no "
                            "gradient below it")
        else:
            problems.append(f"{100 * dead[k]:.0f} % of layer {k + 1} is dead")
    grads = np.asarray(state["grad_norm"], dtype=float)
    if grads.size > 1 and grads[-1] > 0 and np.isfinite(grads).all() and not (
            problems and dead.size and np.nanmax(dead, initial=0.0) == 1.0):
        ratio = grads[0] / grads[-1]
        last = f"layer {grads.size}'s (the output layer)"
        if ratio == 0:
            problems.append("layer 1's gradient is exactly 0: it has stopped learning")
        elif ratio < VANISHING:
            problems.append(f"layer 1's gradient is {ratio_text(ratio)} of {last}: vanishing")
        elif ratio > EXPLODING:
            problems.append(f"layer 1's gradient is {ratio_text(ratio)} × {last}: exploding")
    saturated = np.asarray(state["saturated"], dtype=float)
    if health == "saturated" and saturated.size and np.nanmax(saturated, initial=0.0) >= SATURATED:
        k = int(np.nanargmax(saturated))
        problems.append(f"{100 * saturated[k]:.0f} % of layer {k + 1}'s outputs are saturated "
                        "(slope near 0)")
    if (state["step"] >= STUCK_AFTER and state["train_loss"] >= STUCK_LOSS
            and len(problems) < 2):
        problems.append("no progress: the loss is still ≈ log 2 = 0.69 (a coin toss)")
    if problems:
        return "; ".join(problems[:2])
    if state["train_accuracy"] - state["test_accuracy"] >= 0.1:
        return (f"overfitting: training accuracy {state['train_accuracy']:.2f}, "
                f"test accuracy {state['test_accuracy']:.2f}")
    if state["test_accuracy"] >= 0.95:
        return "learned: test accuracy ≥ 0.95"
    return ""
