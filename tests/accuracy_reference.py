"""The accuracy contract, and the means to check it: grids, exact values (50-digit mpmath, from
`course_utils.reference`) and errors.

Shared by tests/test_activations_accuracy.py (elementwise functions), tests/test_softmax_accuracy.py
and benchmarks/bench_activations.py (which writes the measured worst cases into
benchmarks/README.md). The reference values are computed once per function and grid
(module-level caches), so the tests run in seconds.

The contract is derived, not measured, because it must hold on every CPU. NumPy computes exp,
expm1, log1p and tanh with a different kernel per CPU (SSE, AVX2, AVX-512 with Intel's SVML, ARM
NEON/SVE), each with its own last-bit errors. We assume only that each is within K = 4 ULP
(relative error ≤ 4ε, ε = 2⁻⁵²), the loosest bound documented for any of NumPy's SIMD paths
(NumPy's own accuracy tests hold them to 1 ULP, tanh to 2), and that scipy's erfc(t) is within
(1 + t²)ε (measured ≤ 0.61·(1 + t²)ε). Every other step is an IEEE multiply, add or divide,
correctly rounded (error ≤ ε/2) on every CPU. Each bound is then: the kernel's error times the
formula's sensitivity to it, plus ε/2 per rounding (see the comments in `F64_BOUNDS`).
A float32 (or float16) result is the float64 result rounded once: within 1/2 ULP plus the
float64 error, which is far below a float32 ULP, so ≤ 1 ULP with room to spare.
"""

from __future__ import annotations

import functools
import math
import warnings

import numpy as np

from course_utils import activations as A
from course_utils import reference as R
from course_utils.reference import DIGITS, mp

EPS = 2.0**-52
K = 4  # ULP: what we assume of NumPy's exp, expm1, log1p and tanh on any CPU

# float64: the worst error in units of ε·max(|exact|, 2⁻¹⁰²²), i.e. relative error in ε (and
# absolute error in units of 2⁻¹⁰⁷⁴ where the exact value is subnormal). e = exp(−|x|) ≤ 1.
F64_BOUNDS = {
    "sigmoid": K + 1,  # e/(1 + e), x < 0: e's error counts with weight 1/(1 + e) ≤ 1; 2 roundings
    "sigmoid'": K + 2,  # e/(1 + e)²: weight (1 − e)/(1 + e) ≤ 1; 1 + e's rounding doubled by ²; 2 more
    "tanh": K,  # NumPy's tanh itself
    "tanh'": K + 2,  # 4e/(1 + e)², e = exp(−2|x|): as sigmoid' (2|x| and ×4 are exact)
    "relu": 0, "relu'": 0, "leaky_relu'": 0, "prelu'": 0,  # exact
    "leaky_relu": 0.5, "leaky_relu(3)": 0.5, "prelu": 0.5,  # one multiplication
    "elu": K,  # expm1 itself (alpha = 1 is exact)
    "elu'": K, "elu(0.3)": K + 0.5, "elu(0.3)'": K + 0.5,  # exp or expm1, times alpha
    "selu": K + 1, "selu'": K + 1,  # λα rounded once (ε/2), times expm1 or exp
    "softplus": 2 * K + 0.5,  # log1p's own error + e's (weight ≤ 1), then + max(x, 0)
    "softplus'": K + 1,  # sigmoid
}
F32_MAX_ULPS = 1.0
# GELU and SiLU: relative error. In the tanh form x·σ(v), σ(v) ≈ eᵛ for v ≪ 0 turns v's few
# roundings into |v|·3ε (270ε at x = −10); in the erf form, erfc(−x/√2) does the same with x²
# (140ε at x = −10). A derivative's relative error is unbounded at its zero: absolute there.
REL_NEAR = 1e-13  # |x| <= 10
REL_FAR = 1e-12  # wherever |exact| >= 1e-290
ABS_NEAR_ZERO = 1e-15  # a derivative within ZERO_WINDOW of one of its zeros
ZERO_WINDOW = 0.05
TINY = 1e-290


# --- exact references (mpmath, 50 digits: course_utils.reference) -------------------------------
def _case(act, derivative):
    """(activation, use the derivative?, the exact function of an mpf)."""
    return act, derivative, R.exact(act.name, derivative, **act.params)


ULP_CASES = {
    "sigmoid": _case(A.Sigmoid(), False),
    "sigmoid'": _case(A.Sigmoid(), True),
    "tanh": _case(A.Tanh(), False),
    "tanh'": _case(A.Tanh(), True),
    "relu": _case(A.ReLU(), False),
    "relu'": _case(A.ReLU(), True),
    "leaky_relu": _case(A.LeakyReLU(), False),
    "leaky_relu'": _case(A.LeakyReLU(), True),
    "leaky_relu(3)": _case(A.LeakyReLU(3.0), False),
    "prelu": _case(A.PReLU(), False),
    "prelu'": _case(A.PReLU(), True),
    "elu": _case(A.ELU(), False),
    "elu'": _case(A.ELU(), True),
    "elu(0.3)": _case(A.ELU(0.3), False),
    "elu(0.3)'": _case(A.ELU(0.3), True),
    "selu": _case(A.SELU(), False),
    "selu'": _case(A.SELU(), True),
    "softplus": _case(A.Softplus(), False),
    "softplus'": _case(A.Softplus(), True),
}

REL_CASES = {
    "gelu": _case(A.GELU(), False),
    "gelu'": _case(A.GELU(), True),
    "gelu_tanh": _case(A.GELU(approximate=True), False),
    "gelu_tanh'": _case(A.GELU(approximate=True), True),
    "silu": _case(A.SiLU(), False),
    "silu'": _case(A.SiLU(), True),
}

ALL_CASES = {**ULP_CASES, **REL_CASES}


@functools.lru_cache(maxsize=None)
def derivative_zeros(name: str) -> tuple:
    """The real zeros of a derivative in REL_CASES (found with mpmath to 50 digits)."""
    if not name.endswith("'"):
        return ()
    f = REL_CASES[name][2]
    with mp.workdps(DIGITS):
        return (float(mp.findroot(f, {"gelu'": -0.75, "gelu_tanh'": -0.75, "silu'": -1.28}[name])),)


# --- the grids: the whole finite range, the thresholds, the subnormals -------------------------
_F64_THRESHOLDS = [
    709.782712893384,  # exp overflows above
    708.3964185322641,  # exp(-x) goes subnormal below -this
    745.1332191019411,  # exp(-x) underflows to 0
    744.4400719213812,  # exp(-x) = the smallest subnormal
    354.891356446692, 354.1982092661321, 372.56660955097055,  # the same for exp(-2x)
    36.7368005696771,  # exp(-x) = eps: log1p(e) = e, x + e = x
    37.42994775023705, 18.714973875118524, 19.061547465398498,  # tanh and sigmoid saturate
    38.56804181549334, 37.5193, 26.55, 27.2,  # gelu and erfc under/overflow regions
    21.7, 22.1, 0.5, 0.75, 1.0, 1.2785, 2.0, math.log(2), 0.5 * math.log(2), 3.0, 10.0, 40.0,
]
_F32_THRESHOLDS = [88.72284, 87.33655, 103.97208, 44.36142, 43.66827, 51.98604, 16.635532,
                   9.010913, 8.317766, 15.942385, 0.5, 1.0, 2.0, 10.0, 14.2, 26.0, 40.0]


def _around(values, dtype, ulps=2, steps=(1e-3, 1e-1)):
    """Each value, its float neighbours and a few nearby points, both signs."""
    out = []
    info = np.finfo(dtype)
    for v in values:
        v = dtype(v)
        for k in range(-ulps, ulps + 1):
            out.append(v * (1 + dtype(k) * info.eps))
        for s in steps:
            out.extend([v - dtype(s), v + dtype(s)])
    out = np.asarray(out, dtype)
    return np.concatenate([out, -out])


@functools.lru_cache(maxsize=None)
def grid(dtype_name: str) -> np.ndarray:
    """A few thousand inputs covering every regime of the activations, sorted and unique."""
    dtype = np.dtype(dtype_name).type
    info = np.finfo(dtype)
    rng = np.random.default_rng(20240611)
    tiny_sub = info.smallest_subnormal
    if dtype is np.float64:
        thresholds = _F64_THRESHOLDS
        decades = np.logspace(-323.3, 308.25, 300)
        wide = [800.0, 1e3, 1e4, 1e5, 1e10, 1e20, 1e100, 1e200, 1e300, 1e308, info.max]
        bands = [(-746, -700, 120), (350, 376, 60), (-376, -350, 60), (-800, 800, 200)]
        dense = 1201
    else:
        thresholds = _F32_THRESHOLDS
        decades = np.logspace(-44.8, 38.5, 150)
        wide = [100.0, 200.0, 1e3, 1e5, 1e10, 1e20, 1e30, 1e38, info.max]
        bands = [(-105, -85, 80), (40, 53, 40), (-53, -40, 40), (-200, 200, 100)]
        dense = 801
    parts = [
        np.linspace(-40, 40, dense) + rng.uniform(-0.03, 0.03, dense),  # dense, not round numbers
        np.linspace(-10, 10, 201),
        decades, -decades,
        np.geomspace(tiny_sub, info.tiny, 16), -np.geomspace(tiny_sub, info.tiny, 16),  # subnormal
        np.array(wide), -np.array(wide),
        np.array([0.0, tiny_sub, 2 * tiny_sub, 3 * tiny_sub, info.tiny, info.tiny * (1 - info.eps),
                  info.eps, info.eps / 2, 2 * info.eps]),
        _around(thresholds, dtype),
    ]
    for a, b, n in bands:
        band = np.linspace(a, b, n) + rng.uniform(-0.05, 0.05, n)
        parts += [band, -band]
    for name in REL_CASES:  # the neighbourhoods of the derivatives' zeros
        for z in derivative_zeros(name):
            zf = dtype(z)
            parts.append(zf + np.linspace(-ZERO_WINDOW, ZERO_WINDOW, 21))
            parts.append(zf + np.arange(-20, 21) * np.spacing(zf))
    x = np.concatenate([np.asarray(p, np.float64).astype(dtype) for p in parts])
    x = np.unique(x[np.isfinite(x)])
    x.setflags(write=False)
    return x


# --- exact values as scaled pairs, for vectorised ULP errors -----------------------------------
_FORMATS = {"float64": (53, -1074, 1024), "float32": (24, -149, 128)}  # precision, min exp, max


def exact(name: str, dtype_name: str):
    """The exact values of ALL_CASES[name] on `grid(dtype_name)`: see `_exact`."""
    return _exact(ALL_CASES[name][2], dtype_name)


@functools.lru_cache(maxsize=None)
def _exact(f, dtype_name: str):
    """The exact values of f on `grid(dtype_name)`, as (p, hi, lo, expect_inf, value) arrays.

    exact = (hi + lo)·2^p where 2^p is the ULP of the exact value in `dtype_name` (so hi is
    the exact value measured in ULPs, |hi| < 2^precision); expect_inf is ±1 where the exact
    value rounds to ±inf in that format, else 0; value is the nearest float64.
    """
    prec, emin, emax = _FORMATS[dtype_name]
    x = grid(dtype_name)
    n = x.size
    p = np.zeros(n, np.int64)
    hi, lo, value = np.zeros(n), np.zeros(n), np.zeros(n)
    expect_inf = np.zeros(n, np.int8)
    huge = mp.mpf(2) ** emax - mp.mpf(2) ** (emax - prec - 1)  # rounds to inf at or above this
    with mp.workdps(DIGITS):
        for i, xi in enumerate(x.tolist()):
            v = mp.mpf(f(mp.mpf(xi)))
            if v == 0:
                p[i] = emin
                continue
            if abs(v) >= huge:
                expect_inf[i] = 1 if v > 0 else -1
                p[i] = emax - prec
                value[i] = math.copysign(math.inf, v)
                continue
            _, k = mp.frexp(v)
            p[i] = max(int(k) - prec, emin)
            scaled = mp.ldexp(v, -int(p[i]))
            hi[i] = float(scaled)
            lo[i] = float(scaled - mp.mpf(hi[i]))
            value[i] = float(v)
    return p, hi, lo, expect_inf, value


def eps_errors(name: str, dtype_name: str = "float64", y=None):
    """(x, computed, error in units of ε·max(|exact|, 2⁻¹⁰²²), value): the measure of F64_BOUNDS."""
    x, y, ulp, rel, ab, value = errors(name, dtype_name, y)
    with np.errstate(over="ignore", invalid="ignore"):
        err = ab / (EPS * np.maximum(np.abs(value), np.finfo(np.float64).tiny))
    inf = ~np.isfinite(value)
    err[inf] = ulp[inf]  # an overflowing exact value must give the same infinity: 0 or inf
    err[np.isnan(err)] = np.inf
    return x, y, err, value


def errors(name: str, dtype_name: str, y=None):
    """Our result on the grid and its error: (x, computed, ulp_error, rel_error, abs_error, value).

    `y`, if given, is another implementation's result on `grid(dtype_name)` to score instead
    (the benchmark scores scipy and JAX this way).
    """
    act, deriv, _ = ALL_CASES[name]
    x = grid(dtype_name)
    if y is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # test_no_runtime_warning_anywhere checks warnings
            y = act.derivative(x) if deriv else act(x)
        assert y.dtype == x.dtype
    y = np.asarray(y)
    p, hi, lo, expect_inf, value = exact(name, dtype_name)
    c = y.astype(np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = np.ldexp(c, -p)
        ulp = np.abs((scaled - hi) - lo)
        rel = ulp / np.abs(hi + lo)
        ab = np.ldexp(ulp, p)
    # Where the exact value overflows the format, the right answer is inf of the same sign.
    inf = expect_inf != 0
    ulp[inf] = np.where(c[inf] == expect_inf[inf] * np.inf, 0.0, np.inf)
    rel[inf], ab[inf] = ulp[inf], ulp[inf]
    zero = (hi == 0) & (lo == 0)
    rel[zero] = np.where(c[zero] == 0, 0.0, np.inf)
    ulp[np.isnan(ulp)] = np.inf
    return x, y, ulp, rel, ab, value


def _worst(x, y, err, mask, value):
    if not mask.any():
        return 0.0, None
    i = np.flatnonzero(mask)[np.argmax(err[mask])]
    return float(err[i]), f"x={x[i]!r}: got {y[i]!r}, exact {value[i]!r}"


def worst_errors(name: str, dtype_name: str, y=None) -> dict:
    """The measured worst case for one function: {'metric': (value, where)} (used by the bench).

    ULP cases give {"eps", "ulp"} in float64 and float32 gives {"ulp"}; gelu/silu in float64
    give the relative and absolute errors of the contract and also "ulp", the worst ULP error
    over the whole grid.
    """
    x, y, ulp, rel, ab, value = errors(name, dtype_name, y)
    everywhere = _worst(x, y, ulp, np.ones(x.size, bool), value)
    if dtype_name == "float32":
        return {"ulp": everywhere}
    if name in ULP_CASES:
        _, _, err, _ = eps_errors(name, dtype_name, y)
        return {"eps": _worst(x, y, err, np.ones(x.size, bool), value), "ulp": everywhere}
    near0 = np.zeros(x.size, bool)
    for z in derivative_zeros(name):
        near0 |= np.abs(x - z) <= ZERO_WINDOW
    tiny = np.abs(value) < TINY
    return {
        "rel |x|<=10": _worst(x, y, rel, (np.abs(x) <= 10) & ~near0 & ~tiny, value),
        "rel": _worst(x, y, rel, ~near0 & ~tiny, value),
        "abs near zero": _worst(x, y, ab, near0, value),
        "abs tiny": _worst(x, y, ab, tiny & ~near0, value),
        "ulp": everywhere,
    }




def ulps(computed, exact_value):
    with mp.workdps(DIGITS):
        v = mp.mpf(exact_value)
        _, k = mp.frexp(v)
        return float(abs(mp.mpf(float(computed)) - v) / mp.ldexp(1, max(int(k) - 53, -1074)))


# --- softmax, log_softmax and the softmax VJP on random vectors --------------------------------
AXES = (0, 1, 2)


@functools.lru_cache(maxsize=None)
def random_logits():
    """3-D arrays of logits at several spreads (up to ±700) with ties and one dominant entry."""
    rng = np.random.default_rng(7)
    arrays = []
    for spread in (1e-3, 1.0, 10.0, 100.0, 700.0):
        x = rng.uniform(-spread, spread, size=(5, 6, 7))
        x[0, 0, :] = x[0, 0, 0]  # ties
        x[1, 1, 3] += 2 * spread  # one dominant entry
        arrays.append(x)
    arrays.append(rng.normal(0, 300, size=(4, 5, 6)))
    arrays.append(np.round(rng.normal(0, 200, size=(4, 5, 6)), 3))
    return arrays


def _ulp_of(exact_values, computed, dtype_name="float64"):
    """ULP errors of `computed` against a matching object array of mpf values."""
    prec, emin, _ = _FORMATS[dtype_name]
    out = np.empty(computed.shape)
    for idx in np.ndindex(computed.shape):
        v = exact_values[idx]
        k = mp.frexp(v)[1] if v != 0 else emin + prec
        out[idx] = float(abs(mp.mpf(float(computed[idx])) - v) / mp.ldexp(1, max(int(k) - prec, emin)))
    return out


def _eps_of(exact_values, computed):
    """float64 errors in units of ε·max(|exact|, 2⁻¹⁰²²), as in F64_BOUNDS."""
    out = np.empty(computed.shape)
    tiny = mp.mpf(np.finfo(np.float64).tiny)
    for idx in np.ndindex(computed.shape):
        v = exact_values[idx]
        out[idx] = float(abs(mp.mpf(float(computed[idx])) - v) / (EPS * max(abs(v), tiny)))
    return out


# softmax and log_softmax, float64: exp turns the rounding of z = x − max(x) (ε/2·|z|) into a
# relative error; each entry's bound is that plus 2K (exp, and exp in the sum) plus n roundings
# (the sum over n entries, the division), in units of ε. log_softmax sums the other entries'
# exponentials, so its bound takes the largest |z| of the slice.
def softmax_bound(z: np.ndarray, n: int) -> np.ndarray:
    return np.abs(z) / 2 + n + 2 * K + 1


def log_softmax_bound(z: np.ndarray, n: int) -> np.ndarray:
    return np.max(np.abs(z), axis=-1, keepdims=True) / 2 + n + 2 * K + 2 + 0 * z


@functools.lru_cache(maxsize=None)
def softmax_case(i: int, axis: int, dtype_name: str = "float64") -> dict:
    """Worst errors of softmax, log_softmax and the softmax VJP (in eps·max|s|·max|g|) on
    `random_logits()[i]` (rounded to `dtype_name`) along `axis`: in float64 the errors in ε
    ("softmax", "log_softmax") and as a fraction of each entry's bound ("softmax/bound", ...);
    in float32 in ULP."""
    x = random_logits()[i].astype(dtype_name)
    g = np.random.default_rng(i).normal(0, 10.0 ** (i % 5 - 2), size=x.shape).astype(dtype_name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = np.moveaxis(A.softmax(x, axis=axis), axis, -1)
        ls = np.moveaxis(A.log_softmax(x, axis=axis), axis, -1)
        vjp = np.moveaxis(A.Softmax(axis=axis).backward(x, g), axis, -1)
    xm, gm = np.moveaxis(x, axis, -1), np.moveaxis(g, axis, -1)
    soft, logs = np.empty(s.shape, object), np.empty(s.shape, object)
    vjp_err = 0.0
    with mp.workdps(DIGITS):
        for idx in np.ndindex(xm.shape[:-1]):
            row = xm[idx].tolist()
            k = int(np.argmax(xm[idx]))
            z = [mp.mpf(v) - mp.mpf(row[k]) for v in row]  # exact
            # log Σ e^z = log1p(Σ without one e^0): a log of 1 + 1e-44 would lose 44 digits.
            lse = mp.log1p(mp.fsum(mp.exp(v) for j, v in enumerate(z) if j != k))
            logs[idx] = [v - lse for v in z]
            soft[idx] = [mp.exp(v) for v in logs[idx]]
            gr = [mp.mpf(v) for v in gm[idx].tolist()]
            dot = mp.fsum(a * b for a, b in zip(gr, soft[idx]))
            scale = max(soft[idx]) * max(abs(v) for v in gr)
            err = max(abs(mp.mpf(float(c)) - si * (gi - dot)) for c, si, gi in zip(vjp[idx], soft[idx], gr))
            vjp_err = max(vjp_err, float(err / scale) / np.finfo(dtype_name).eps)
        if dtype_name != "float64":
            return {"softmax": float(_ulp_of(soft, s, dtype_name).max()),
                    "log_softmax": float(_ulp_of(logs, ls, dtype_name).max()),
                    "vjp": vjp_err}
        z = xm.astype(np.float64) - np.max(xm, axis=-1, keepdims=True)
        n = xm.shape[-1]
        soft_err, log_err = _eps_of(soft, s), _eps_of(logs, ls)
        return {
            "softmax": float(soft_err.max()),
            "softmax/bound": float((soft_err / softmax_bound(z, n)).max()),
            "log_softmax": float(log_err.max()),
            "log_softmax/bound": float((log_err / log_softmax_bound(z, n)).max()),
            "vjp": vjp_err,
            "vectors": int(np.prod(xm.shape[:-1])),
        }


def softmax_errors() -> dict:
    """The worst case over every array and axis (used by the benchmark's accuracy table)."""
    out = {"vectors": 0}
    for dtype_name, suffix in (("float64", ""), ("float32", "32")):
        for i in range(len(random_logits())):
            for axis in AXES:
                case = softmax_case(i, axis, dtype_name)
                for key in ("softmax", "log_softmax", "vjp", "softmax/bound", "log_softmax/bound"):
                    if key in case:
                        out[key + suffix] = max(out.get(key + suffix, 0.0), case[key])
                out["vectors"] += case["vectors"] if not suffix else 0
    return out
