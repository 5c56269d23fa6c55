"""Function exercises of lessons 00–03: composing linear layers, sigmoid, tanh, ReLU.

Each wrong variant below is a mistake seen in real submissions; the checker shows its hint when
the student's output reproduces the variant's output (or warning, or in-place change).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .. import activations, gradcheck
from . import _probes
from ._exercise import FunctionExercise, Probe, Variant
from ._isolation import Own

_sigmoid = activations.Sigmoid()
_tanh = activations.Tanh()
_relu = activations.ReLU()


# --- 00: why nonlinearity ---------------------------------------------------------------
def _compose_linear(W1, b1, W2, b2):
    W1, b1, W2, b2 = (np.asarray(a, dtype=np.float64) for a in (W1, b1, W2, b2))
    return W1 @ W2, b1 @ W2 + b2


def _hat(x):
    return activations.relu(np.asarray(x) + 1) - 2 * activations.relu(x) + activations.relu(np.asarray(x) - 1)


def _layers(shape_in, shape_mid, shape_out, seed):
    rng = np.random.default_rng(seed)
    return (rng.integers(-3, 4, (shape_in, shape_mid)).astype(float), rng.integers(-3, 4, shape_mid).astype(float),
            rng.integers(-3, 4, (shape_mid, shape_out)).astype(float), rng.integers(-3, 4, shape_out).astype(float))


COMPOSE_LINEAR = FunctionExercise(
    "compose_linear", "compose_linear(W1, b1, W2, b2)", "00", _compose_linear,
    [Probe("two 2×2 layers", _layers(2, 2, 2, 1)),
     Probe("layers of sizes 3 → 4 → 2", _layers(3, 4, 2, 2)),
     Probe("layers of sizes 5 → 3 → 1", _layers(5, 3, 1, 3))],
    output="arrays", names=("W", "b"),
    variants=[
        Variant("With row vectors, x @ W1 happens first, so the combined matrix is W1 @ W2 "
                "(matrix products do not commute).", fn=lambda W1, b1, W2, b2: (W2 @ W1, b1 @ W2 + b2)),
        Variant("With row vectors, x @ W1 happens first, so the combined matrix is W1 @ W2.",
                source=r"W2\s*@\s*W1|dot\(\s*W2\s*,\s*W1", kinds=("error",)),
        Variant("b1 also goes through the second layer: (x W1 + b1) W2 + b2 = x W1 W2 + (b1 W2 + b2).",
                fn=lambda W1, b1, W2, b2: (W1 @ W2, b1 + b2)),
        Variant("b1 also goes through the second layer: (x W1 + b1) W2 + b2 = x W1 W2 + (b1 W2 + b2).",
                source=r"b1\s*\+\s*b2", kinds=("error",)),
        Variant("`*` multiplies element by element; a layer is a matrix product: use @.",
                source=r"W1\s*\*\s*W2", kinds=("error", "value", "shape")),
    ],
    summary="the two layers collapse into one: W = W1 @ W2, b = b1 @ W2 + b2.",
)

HAT = FunctionExercise(
    "hat", "hat(x)", "00", _hat, _probes.elementwise(inf=False), elementwise=True,
    variants=[
        Variant("The middle ReLU needs weight −2: +1 from relu(x + 1), then −2 at x = 0 turns "
                "the slope from +1 to −1, and +1 at x = 1 flattens it again.",
                fn=lambda x: _hat(x) + activations.relu(x)),
        Variant("Without + relu(x − 1) the slope stays −1 for x > 1 and the hat falls forever; "
                "the third ReLU flattens it back to 0.",
                fn=lambda x: activations.relu(np.asarray(x) + 1) - 2 * activations.relu(x)),
    ],
    speed=_probes.big_input(),
)


# --- 01: sigmoid ----------------------------------------------------------------------
def _naive_sigmoid(x):
    return 1 / (1 + np.exp(-np.asarray(x)))


SIGMOID = FunctionExercise(
    "sigmoid", "sigmoid(x)", "01", _sigmoid, _probes.elementwise(), elementwise=True,
    vectorised=True, keep_dtype=True,
    own=[Own("the course's own sigmoid (activations.sigmoid)", activations.Sigmoid._forward),
         Own("SciPy's sigmoid (scipy.special.expit)", module=special, attr="expit")],
    variants=[
        Variant("np.where computes BOTH branches for every element, so exp still overflows on "
                "the branch that is thrown away. Compute e = np.exp(-np.abs(x)) once (never "
                "overflows) and build both branches from it.", source=r"where", kinds=("warning",)),
        Variant("For x = −1000, exp(−x) = exp(1000) overflows to inf. Split by sign: "
                "1/(1 + e^(−x)) for x ≥ 0 and e^x/(1 + e^x) for x < 0, so exp only sees x ≤ 0.",
                fn=_naive_sigmoid, kinds=("warning",)),
        Variant("For large positive x, exp(x)/(1 + exp(x)) is inf/inf = nan; that form is only "
                "safe for x < 0. Use 1/(1 + exp(−x)) for x ≥ 0.",
                fn=lambda x: np.exp(np.asarray(x)) / (1 + np.exp(np.asarray(x)))),
        Variant("That is σ(−x): the exponent should be −x, as in 1/(1 + e^(−x)).",
                fn=lambda x: _sigmoid(-np.asarray(x))),
    ],
    hints={"warning": "exp of a large positive number overflows to inf; rearrange so that exp "
                      "only ever sees −|x| (split the formula by the sign of x)."},
    speed=_probes.big_input(),
)

# σ'(x) ≈ e^(−x) is a normal float up to x ≈ 708, but s·(1 − s) is 0 once σ(x) rounds to 1 (x > 36.7).
_RIGHT_TAIL = np.array([30.0, 40.0, 100.0, 300.0])


def _from_output(x):
    s = _sigmoid(x)
    return s * (1 - s)


SIGMOID_DERIVATIVE = FunctionExercise(
    "sigmoid_derivative", "sigmoid_derivative(x)", "01", _sigmoid.derivative,
    _probes.elementwise(compare_nan=False)
    + [Probe("the right tail (x = 30, 40, 100, 300; 9 digits)", (_RIGHT_TAIL.copy(),), rtol=1e-9,
             atol=0.0, tag="the right tail to 9 digits")],
    elementwise=True, builds_on=("sigmoid",),
    own=[Own("the course's own derivative (activations.Sigmoid().derivative)",
             activations.Sigmoid._derivative)],
    variants=[
        Variant("s·(1 − s) cancels in the right tail: beyond x ≈ 36.7, σ(x) rounds to exactly "
                "1.0, so 1 − s is 0, while σ'(40) ≈ 4.2e-18 is an ordinary float. Use the symmetry "
                "1 − σ(x) = σ(−x): σ'(x) = σ(x)·σ(−x), or e/(1 + e)² with e = exp(−|x|).",
                fn=_from_output),
        Variant("Derivative computed from the wrong variable: σ'(x) = σ(x)·σ(−x) — apply "
                "the sigmoid to x first.",
                fn=lambda x: np.asarray(x) * (1 - np.asarray(x))),
        Variant("Sigmoid is applied twice: with s = sigmoid(x) the derivative is s·(1 − s), "
                "not sigmoid(s)·(1 − sigmoid(s)).",
                fn=lambda x: _sigmoid(_sigmoid(x)) * (1 - _sigmoid(_sigmoid(x)))),
        Variant("Sign error: σ'(x) = σ(x)·(1 − σ(x)) = σ(x)·σ(−x), with a minus.",
                fn=lambda x: _sigmoid(x) * (1 + _sigmoid(x))),
        Variant("e^(−x)/(1 + e^(−x))² overflows for large negative x (inf/inf = nan). The "
                "derivative is symmetric, so use e = np.exp(-np.abs(x)): σ'(x) = e/(1 + e)².",
                fn=lambda x: np.exp(-np.asarray(x)) / (1 + np.exp(-np.asarray(x))) ** 2),
        Variant("The textbook sigmoid overflows inside the derivative: build it from a stable "
                "sigmoid (yours from above).", kinds=("warning",),
                fn=lambda x: _naive_sigmoid(x) * _naive_sigmoid(-np.asarray(x))),
    ],
    speed=_probes.big_input(),
    summary="σ(x)·σ(−x), right to 9 digits in the right tail where s·(1 − s) gives 0; no "
            "warnings; input unchanged.",
)


def _central_difference(f, x, h=1e-5):
    x = np.asarray(x, dtype=np.float64)
    return (f(x + h) - f(x - h)) / (2 * h)


def _forward_difference(f, x, h=1e-5):
    x = np.asarray(x, dtype=np.float64)
    return (f(x + h) - f(x)) / h


def _central_no_float64(f, x, h=1e-5):
    x = np.asarray(x)
    return (f(x + h) - f(x - h)) / (2 * h)


def _central_in_place(f, x, h=1e-5):
    x += h
    upper = f(x)
    x -= 2 * h
    lower = f(x)
    return (upper - lower) / (2 * h)


CENTRAL_DIFFERENCE = FunctionExercise(
    "central_difference", "central_difference(f, x, h)", "01", _central_difference,
    [Probe("f = np.sin at ordinary points", (np.sin, np.linspace(-3.0, 3.0, 7)), rtol=1e-7, atol=1e-9),
     Probe("f = np.exp with h = 0.1", (np.exp, np.array([0.0, 1.0, 2.0])), {"h": 0.1}, rtol=1e-7, atol=1e-9),
     Probe("f = activations.sigmoid on a 2-D array", (activations.sigmoid, _probes.MATRIX.copy()),
           rtol=1e-7, atol=1e-9),
     Probe("a Python list", (np.tanh, [-1.0, 0.0, 2.0]), rtol=1e-7, atol=1e-9),
     Probe("float32 input", (np.sin, np.array([0.5, 1.0, 2.0], dtype=np.float32)), rtol=1e-6,
           atol=1e-8, dtype=False)],
    elementwise=True,
    own=[Own("the course's own central difference (gradcheck.numerical_derivative)",
             gradcheck.numerical_derivative)],
    variants=[
        Variant("That is the forward difference (f(x+h) − f(x))/h, accurate only to O(h). The "
                "central difference (f(x+h) − f(x−h))/(2h) is accurate to O(h²).",
                fn=_forward_difference),
        Variant("Use the step h you are given (the signature has h=1e-5 as a default, but a "
                "caller may pass another).", fn=lambda f, x, h=1e-5: _central_difference(f, x)),
        Variant("In float32, x + 1e-5 rounds to a nearby float32 and f(x+h) − f(x−h) loses "
                "almost every digit. Convert first: x = np.asarray(x, dtype=np.float64).",
                fn=_central_no_float64),
        Variant("`x += h` changes the caller's array. Build new arrays instead: f(x + h) and "
                "f(x - h).", fn=_central_in_place, kinds=("mutated",)),
    ],
    summary="central differences (f(x+h) − f(x−h))/(2h) in float64, with the h you are given.",
)


# --- 02: tanh -------------------------------------------------------------------------
TANH_FROM_SIGMOID = FunctionExercise(
    "tanh_from_sigmoid", "tanh_from_sigmoid(x)", "02", _tanh, _probes.elementwise(),
    elementwise=True,
    own=[Own("the course's own tanh (activations.tanh)", activations.Tanh._forward),
         Own("np.tanh", module=np, attr="tanh")],
    variants=[
        Variant("The sigmoid's argument is 2x: tanh(x) = 2·σ(2x) − 1.",
                fn=lambda x: 2 * _sigmoid(x) - 1),
        Variant("Scale and shift: σ maps to (0, 1); 2·σ(2x) − 1 maps to (−1, 1).",
                fn=lambda x: _sigmoid(2 * np.asarray(x)) - 1),
        Variant("Scale and shift: σ maps to (0, 1); 2·σ(2x) − 1 maps to (−1, 1).",
                fn=lambda x: 2 * _sigmoid(2 * np.asarray(x)) + 1),
        Variant("Build it on a stable sigmoid (activations.sigmoid or yours from lesson 01): "
                "the textbook 1/(1 + exp(−2x)) overflows for x = −1000.", kinds=("warning",),
                fn=lambda x: 2 * _naive_sigmoid(2 * np.asarray(x)) - 1),
    ],
    speed=_probes.big_input(),
)

TANH_DERIVATIVE = FunctionExercise(
    "tanh_derivative", "tanh_derivative(x)", "02", _tanh.derivative,
    _probes.elementwise(compare_nan=False), elementwise=True,
    own=[Own("the course's own derivative (activations.Tanh().derivative)", activations.Tanh._derivative)],
    variants=[
        Variant("Derivative computed from the wrong variable: tanh'(x) = 1 − tanh(x)², so square "
                "t = np.tanh(x), not x.", fn=lambda x: 1 - np.asarray(x) ** 2),
        Variant("Square the tanh: tanh'(x) = 1 − tanh(x)².", fn=lambda x: 1 - np.tanh(x)),
        Variant("Sign error: tanh'(x) = 1 − tanh(x)² (at most 1, at x = 0).",
                fn=lambda x: 1 + np.tanh(x) ** 2),
        Variant("tanh is applied twice: with t = np.tanh(x) the derivative is 1 − t², not "
                "1 − tanh(t)².", fn=lambda x: 1 - np.tanh(np.tanh(x)) ** 2),
    ],
    speed=_probes.big_input(),
)


# --- 03: ReLU -------------------------------------------------------------------------
def _relu_in_place(x):
    x[x < 0] = 0
    return x


RELU = FunctionExercise(
    "relu", "relu(x)", "03", _relu, _probes.elementwise(), elementwise=True, vectorised=True,
    own=[Own("the course's own relu (activations.relu)", activations.ReLU._forward)],
    variants=[
        Variant("np.max(x, 0) is the largest element along axis 0 (a reduction); "
                "np.maximum(x, 0) compares every element with 0.", fn=lambda x: np.max(x, 0)),
        Variant("x * (x > 0) gives −inf · 0 = nan for x = −inf. np.maximum(x, 0) has no such "
                "corner case.", fn=lambda x: np.asarray(x) * (np.asarray(x) > 0)),
        Variant("NaN in should give NaN out (so a bug upstream stays visible): "
                "np.where(x > 0, x, 0) turns NaN into 0, np.maximum(x, 0) keeps it.",
                fn=lambda x: np.where(np.asarray(x) > 0, x, 0)),
        Variant("`x[x < 0] = 0` zeroes the caller's array too. Return a new array: "
                "np.maximum(x, 0).", fn=_relu_in_place, kinds=("mutated",)),
    ],
    speed=_probes.big_input(),
)

RELU_DERIVATIVE = FunctionExercise(
    "relu_derivative", "relu_derivative(x)", "03", _relu.derivative,
    _probes.elementwise(compare_nan=False), elementwise=True, keep_dtype=True,
    own=[Own("the course's own derivative (activations.ReLU().derivative)", activations.ReLU._derivative)],
    variants=[
        Variant("Convention at the kink: relu'(0) = 0 (PyTorch, JAX and Keras agree), so use "
                "x > 0, not x >= 0.", fn=lambda x: (np.asarray(x) >= 0).astype(np.asarray(x).dtype)),
        Variant("A comparison gives booleans (True/False); convert them to numbers of the "
                "input's dtype: (x > 0).astype(x.dtype).", fn=lambda x: np.asarray(x) > 0,
                kinds=("dtype",)),
        Variant("np.where(x > 0, 1.0, 0.0) builds float64 from the Python floats, so float32 "
                "input gives float64. Use (x > 0).astype(x.dtype).",
                fn=lambda x: np.where(np.asarray(x) > 0, 1.0, 0.0), kinds=("dtype",)),
        Variant("That is relu itself; its derivative is 1 where x > 0 and 0 elsewhere.",
                fn=lambda x: np.maximum(x, 0)),
    ],
    speed=_probes.big_input(),
)

EXERCISES = [COMPOSE_LINEAR, HAT, SIGMOID, SIGMOID_DERIVATIVE, CENTRAL_DIFFERENCE,
             TANH_FROM_SIGMOID, TANH_DERIVATIVE, RELU, RELU_DERIVATIVE]
