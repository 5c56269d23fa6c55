"""course_utils derivatives against automatic differentiation through the Keras functions.

Autodiff differentiates the *code* of the Keras function, rule by rule: σ' becomes σ·(1 − σ),
expm1' becomes expm1(x) + 1. Exact in algebra, these cancel in floating point in the tails,
where course_utils uses forms that do not (lesson 10, section 2; σ′ in lesson 01).

Example:
    >>> import numpy as np
    >>> from course_utils import keras_compare
    >>> d = keras_compare.autodiff_derivative(keras_compare.pair("sigmoid"), np.array([0.0]))
    >>> float(d[0])
    0.25
"""

from __future__ import annotations

import numpy as np

from ._backend import autodiff_derivative, autodiff_vjp
from ._table import Table
from .values import PAIRS, WHERE, Pair, differences, logit_rows, value_grid, where_they_differ


def compare_derivatives(pairs=PAIRS, x=None, seed=0) -> Table:
    """course_utils `derivative` (or `backward`) vs autodiff through Keras, per activation.

    The kink x = 0 is left out of the maxima and shown on its own ("f'(0)"): there the
    derivative is a convention, not a number to agree on.

    Args:
        pairs: the `Pair`s to compare (default: all of `PAIRS`).
        x: float64 points (default `value_grid()`); softmax and log_softmax compare the
            vector-Jacobian product gᵀ·J for seeded random g on `logit_rows(x)`.
        seed: for g.

    Returns:
        A Table: derivative, max abs diff, max rel diff, where rel diff > 1e-12, and f'(0)
        from course_utils and from autodiff.
    """
    x = value_grid() if x is None else np.asarray(x, dtype=np.float64)
    nonzero = x[x != 0.0]
    rows = []
    for p in pairs:
        if p.elementwise:
            inputs = nonzero
            c = p.course.derivative(inputs)
            k = autodiff_derivative(p, inputs)
            at_zero = (float(p.course.derivative(0.0)), float(autodiff_derivative(p, [0.0])[0]))
            label = f"{p.label}'"
        else:
            inputs = logit_rows(nonzero)
            g = np.random.default_rng(seed).standard_normal(inputs.shape)
            c = p.course.backward(inputs, g)
            k = autodiff_vjp(p, inputs, g)
            at_zero = ("(vector)", "(vector)")
            label = f"{p.label} VJP"
        abs_diff, rel_diff = differences(c, k)
        rows.append({
            "derivative": label,
            "max abs diff": float(abs_diff.max()),
            "max rel diff": float(rel_diff.max()),
            WHERE: where_they_differ(inputs, rel_diff),
            "f'(0) course_utils": at_zero[0],
            "f'(0) autodiff": at_zero[1],
        })
    return Table(["derivative", "max abs diff", "max rel diff", WHERE, "f'(0) course_utils",
                  "f'(0) autodiff"], rows,
                 title="course_utils derivatives vs autodiff through keras.activations, float64")


def relative_error_curve(p: Pair, x) -> dict:
    """Relative error against the 50-digit reference of both derivatives, for a log-scale plot.

    Returns:
        {"x", "reference", "autodiff", "course_utils"}: the points, the reference derivative,
        and each method's relative error (exact results give 0: plot with a floor).
    """
    x = np.asarray(x, dtype=np.float64)
    ref = p.reference(derivative=True)(x)
    return {
        "x": x,
        "reference": ref,
        "autodiff": differences(autodiff_derivative(p, x), ref)[1],
        "course_utils": differences(p.course.derivative(x), ref)[1],
    }
