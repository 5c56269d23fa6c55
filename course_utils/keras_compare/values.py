"""course_utils activations next to `keras.activations`: same arguments, values compared.

Every pair passes each hyperparameter explicitly to both sides, because the defaults differ
(`keras_defaults()` lists them from the installed Keras). Comparisons run in float64
(`float64()`), so a difference shows a formula, not float32 rounding.

Example:
    >>> from course_utils import keras_compare
    >>> pair = keras_compare.pair("leaky_relu")
    >>> pair.label
    'leaky_relu(negative_slope=0.01)'
    >>> pair.keras_call
    'keras.activations.leaky_relu(x, negative_slope=0.01)'
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

import numpy as np

from .. import activations, reference
from . import _backend
from ._table import Table

# Results smaller than this in magnitude count as underflowed: near float64's smallest normal
# number (2.2e-308) every formula loses digits, and no network cares.
UNDERFLOW = 1e-300
# Relative differences above this are reported as disagreements (float64 eps is 2.2e-16).
DISAGREE = 1e-12


@dataclass(frozen=True)
class Pair:
    """One course_utils activation and the Keras function it should match, with explicit arguments."""

    name: str
    params: dict = field(default_factory=dict)
    keras_params: dict | None = None  # None: the same arguments as `params`

    @property
    def keras_args(self) -> dict:
        return dict(self.params if self.keras_params is None else self.keras_params)

    @property
    def label(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.name}({args})" if args else self.name

    @property
    def keras_call(self) -> str:
        args = "".join(f", {k}={v!r}" for k, v in self.keras_args.items())
        return f"keras.activations.{self.name}(x{args})"

    @property
    def course(self) -> activations.Activation:
        return activations.get(self.name, **self.params)

    @property
    def elementwise(self) -> bool:
        return self.course.elementwise

    def keras_fn(self, x):
        """The Keras activation applied to x (a tensor or array), arguments given explicitly."""
        fn = getattr(_backend.keras().activations, self.name)
        return fn(x, **self.keras_args)

    def reference(self, derivative=False):
        """The 50-digit mpmath reference (elementwise activations only)."""
        return reference.reference(self.name, derivative=derivative, **self.params)


PAIRS = (
    Pair("sigmoid"),
    Pair("tanh"),
    # Keras's relu also has max_value and threshold; pass the plain-ReLU values.
    Pair("relu", {}, {"negative_slope": 0.0, "max_value": None, "threshold": 0.0}),
    Pair("leaky_relu", {"negative_slope": 0.01}),
    Pair("elu", {"alpha": 1.0}),
    Pair("selu"),
    Pair("gelu", {"approximate": False}),
    Pair("gelu", {"approximate": True}),
    Pair("silu"),
    Pair("softplus"),
    Pair("softmax", {"axis": -1}),
    Pair("log_softmax", {"axis": -1}),
)


def pair(name, **params) -> Pair:
    """The pair in `PAIRS` for `name` (and params, e.g. approximate=True), or a new one."""
    for p in PAIRS:
        if p.name == name and all(p.params.get(k) == v for k, v in params.items()):
            return p
    activations.get(name, **params)  # a clear error for unknown names or parameters
    return Pair(name, dict(params))


def value_grid() -> np.ndarray:
    """Sorted float64 points: dense in [−10, 10], log-spaced tails to ±1000, tiny values, 0.

    The tails are where formulas break (exp overflows, 1 − σ cancels); the tiny values are
    where x·(something) must keep its digits.
    """
    core = np.linspace(-10.0, 10.0, 2001)
    tails = np.geomspace(10.0, 1000.0, 300)
    tiny = np.geomspace(1e-300, 1e-2, 60)
    return np.unique(np.concatenate([core, tails, -tails, tiny, -tiny, [0.0]]))


def logit_rows(x=None, width=5, seed=0) -> np.ndarray:
    """The grid shuffled into rows of `width` logits (for softmax/log_softmax), seeded."""
    x = value_grid() if x is None else np.asarray(x, dtype=np.float64).ravel()
    width = max(1, min(int(width), len(x)))
    n = len(x) // width * width
    return np.random.default_rng(seed).permutation(x)[:n].reshape(-1, width)


WHERE = f"rel diff > {DISAGREE:.0e}"


def differences(a, b):
    """(|a − b|, |a − b| / max(|a|, |b|)) elementwise, in float64.

    Where both |a| and |b| are below `UNDERFLOW` (1e-300) the relative difference is 0:
    both have underflowed, and relative digits there mean nothing.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    abs_diff = np.abs(a - b)
    scale = np.maximum(np.abs(a), np.abs(b))
    rel_diff = np.where(scale >= UNDERFLOW, abs_diff / np.maximum(scale, UNDERFLOW), 0.0)
    return abs_diff, rel_diff


def where_they_differ(x, rel_diff, threshold=DISAGREE) -> str:
    """'nowhere', or how many points have rel_diff > threshold and the x range they span."""
    x = np.broadcast_to(np.asarray(x, dtype=np.float64), np.shape(rel_diff))
    bad = np.asarray(rel_diff) > threshold
    if not bad.any():
        return "nowhere"
    lo, hi = x[bad].min(), x[bad].max()
    span = f"x = {lo:.4g}" if lo == hi else f"x in [{lo:.4g}, {hi:.4g}]"
    return f"{int(bad.sum())} of {bad.size} points, {span}"


def evaluate(p: Pair, x):
    """(course_utils output, Keras output as NumPy, Keras output dtype) on float64 x."""
    keras = _backend.keras()
    x = np.asarray(x, dtype=np.float64)
    with _backend.float64():
        out = p.keras_fn(keras.ops.convert_to_tensor(x, dtype="float64"))
        dtype = keras.backend.standardize_dtype(out.dtype)
        k = np.asarray(keras.ops.convert_to_numpy(out), dtype=np.float64)
    return p.course(x), k, dtype


def compare_values(pairs=PAIRS, x=None) -> Table:
    """The largest absolute and relative difference course_utils vs Keras, per activation.

    Args:
        pairs: the `Pair`s to compare (default: all of `PAIRS`).
        x: float64 points (default `value_grid()`); softmax rows use `logit_rows(x)`.

    Returns:
        A Table: activation, Keras dtype (what came back for float64 input), max abs diff,
        max rel diff, and where the relative difference exceeds `DISAGREE` (1e-12).
    """
    x = value_grid() if x is None else np.asarray(x, dtype=np.float64)
    rows = []
    for p in pairs:
        inputs = x if p.elementwise else logit_rows(x)
        c, k, dtype = evaluate(p, inputs)
        abs_diff, rel_diff = differences(c, k)
        rows.append({
            "activation": p.label,
            "Keras dtype": dtype,
            "max abs diff": float(abs_diff.max()),
            "max rel diff": float(rel_diff.max()),
            WHERE: where_they_differ(inputs, rel_diff),
        })
    return Table(["activation", "Keras dtype", "max abs diff", "max rel diff", WHERE], rows,
                 title="course_utils vs keras.activations, float64 input")


# (description, pair, derivative?, x): places where a formula might lose digits in the tails.
TAIL_CASES = (
    ("gelu(x), exact", Pair("gelu", {"approximate": False}), False, -10.0),
    ("gelu(x), tanh form", Pair("gelu", {"approximate": True}), False, -10.0),
    ("silu(x)", Pair("silu"), False, -100.0),
    ("sigmoid'(x) by autodiff", Pair("sigmoid"), True, -40.0),
    ("sigmoid'(x) by autodiff", Pair("sigmoid"), True, 40.0),
    ("tanh'(x) by autodiff", Pair("tanh"), True, 20.0),
    ("elu'(x) by autodiff", Pair("elu", {"alpha": 1.0}), True, -40.0),
    ("log_softmax([0, -40])[0]", Pair("log_softmax", {"axis": -1}), False, (0.0, -40.0)),
)


def _tail_values(p: Pair, derivative: bool, x):
    """(reference, Keras, course_utils) at one point (or logit vector for log_softmax)."""
    if not p.elementwise:
        z = np.asarray(x, dtype=np.float64)
        c, k, _ = evaluate(p, z)
        return reference.log_softmax(z)[0], k[0], c[0]
    xs = np.array([x], dtype=np.float64)
    if derivative:
        return (p.reference(True)(xs)[0], _backend.autodiff_derivative(p, xs)[0],
                p.course.derivative(xs)[0])
    c, k, _ = evaluate(p, xs)
    return p.reference()(xs)[0], k[0], c[0]


def tail_cases(cases=TAIL_CASES) -> Table:
    """Keras and course_utils against a 50-digit reference at a few points in the tails.

    Returns:
        A Table: quantity, x, reference, Keras, course_utils, and each one's relative error.
    """
    rows = []
    for text, p, derivative, x in cases:
        ref, k, c = _tail_values(p, derivative, x)
        rows.append({
            "quantity": text,
            "x": float(x) if np.ndim(x) == 0 else "[" + ", ".join(f"{v:g}" for v in x) + "]",
            "reference": float(ref),
            "Keras": float(k),
            "course_utils": float(c),
            "Keras rel error": float(differences(k, ref)[1]),
            "course_utils rel error": float(differences(c, ref)[1]),
        })
    return Table(["quantity", "x", "reference", "Keras", "course_utils",
                  "Keras rel error", "course_utils rel error"], rows,
                 title="Tails: a 50-digit mpmath reference decides")


def _default(fn, param):
    try:
        value = inspect.signature(fn).parameters[param].default
    except (KeyError, TypeError, ValueError):
        return "(none)"
    return "(required)" if value is inspect.Parameter.empty else value


def keras_defaults() -> Table:
    """The default hyperparameters: course_utils, keras.activations, keras.ops, keras.layers.

    Read from the installed versions' signatures, so the table is right for the Keras you have.
    """
    keras = _backend.keras()
    K, ops, layers = keras.activations, keras.ops, keras.layers
    rows = [
        ("leaky_relu", "negative_slope", activations.LeakyReLU, K.leaky_relu, ops.leaky_relu,
         ("LeakyReLU", layers.LeakyReLU, "negative_slope")),
        ("gelu", "approximate", activations.GELU, K.gelu, ops.gelu, None),
        ("elu", "alpha", activations.ELU, K.elu, ops.elu, ("ELU", layers.ELU, "alpha")),
        ("prelu", "alpha", activations.PReLU, None, None,
         ("PReLU", layers.PReLU, "alpha_initializer")),
        ("softmax", "axis", activations.Softmax, K.softmax, ops.softmax,
         ("Softmax", layers.Softmax, "axis")),
    ]
    out = []
    for name, param, course, k_fn, op_fn, layer in rows:
        out.append({
            "activation": name,
            "parameter": param,
            "course_utils": _default(course, param),
            "keras.activations": "(none)" if k_fn is None else _default(k_fn, param),
            "keras.ops": "(none)" if op_fn is None else _default(op_fn, param),
            "keras.layers": "(no layer)" if layer is None
            else f"{layer[0]}({layer[2]}={_default(layer[1], layer[2])!r})",
        })
    # The major version only: the stored lesson output must not change with a patch release
    # (Python 3.10 gets Keras 3.12, newer Pythons 3.15; the defaults are the same).
    major = keras.__version__.split(".")[0]
    return Table(["activation", "parameter", "course_utils", "keras.activations", "keras.ops",
                  "keras.layers"], out, title=f"Default hyperparameters (Keras {major})")
