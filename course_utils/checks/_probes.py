"""The inputs every check tries: ordinary values, 0, ±1000, NaN, ±inf, float32, 2-D arrays, lists.

Order matters: the first failing probe is the one reported, so simple cases come first and the
numerically hard ones last (a student sees "wrong on ordinary values" before "overflow at 1000").
"""

from __future__ import annotations

import numpy as np

from ._exercise import Probe

ORDINARY = np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0])
MATRIX = np.array([[-2.0, -0.25, 0.0], [0.75, 1.5, 4.0]])
LIST = [-2.0, 0.0, 1.5]
FLOAT32 = np.array([-2.0, -0.5, 0.0, 0.5, 2.0], dtype=np.float32)
LARGE = np.array([-1000.0, -50.0, 50.0, 1000.0])
NAN = np.array([np.nan, 1.0, -1.0])
INF = np.array([-np.inf, np.inf])


def elementwise(*, kwargs=None, large=True, nan=True, compare_nan=True, inf=True,
                rtol=1e-6, atol=1e-10):
    """Probes for an elementwise function f(x, **kwargs).

    compare_nan=False skips the NaN positions (for derivatives, where NaN in → anything is fine);
    nan=False leaves out the NaN probe entirely; inf/large likewise.
    """
    kw = dict(kwargs or {})
    probes = [
        Probe("ordinary values (including 0)", (ORDINARY.copy(),), kw, rtol, atol, tag="ordinary values and 0"),
        Probe("a 2-D array", (MATRIX.copy(),), kw, rtol, atol, tag="2-D"),
        Probe("a Python list", (list(LIST),), kw, rtol, atol, tag="a list"),
        Probe("float32 input", (FLOAT32.copy(),), kw, max(rtol, 2e-5), max(atol, 1e-6), tag="float32"),
    ]
    if large:
        probes.append(Probe("large inputs (±1000)", (LARGE.copy(),), kw, rtol, atol, tag="±1000"))
    if nan:
        probes.append(Probe("NaN input", (NAN.copy(),), kw, rtol, atol, nan=compare_nan, tag="NaN"))
    if inf:
        probes.append(Probe("±inf", (INF.copy(),), kw, rtol, atol))
    return probes


def big_input(n: int = 100_000, scale: float = 3.0, **kwargs):
    """A factory for the speed probe: n seeded normal numbers (a fresh array each time)."""

    def make():
        x = np.random.default_rng(0).standard_normal(n) * scale
        return (x,), dict(kwargs)

    return make


def big_matrix(rows: int = 2_000, cols: int = 50, scale: float = 3.0, **kwargs):
    """A factory for the speed probe of a row-wise function (softmax): rows × cols numbers."""

    def make():
        x = np.random.default_rng(0).standard_normal((rows, cols)) * scale
        return (x,), dict(kwargs)

    return make
