"""Numerical kernels shared by the elementwise activations: accurate to a few ULP, and fast.

Accuracy (measured against 50-digit mpmath in tests/accuracy_reference.py): no branch
that could overflow is ever used for its value, no derivative is computed from the output (that
cancels in the tails), and where one rounding would be amplified it is computed and put back.

Speed: `blockwise` runs a kernel over blocks of BLOCK elements, so the few temporaries a formula
needs stay in the CPU cache and are reused (a chain of `out=` calls on the whole array would
stream every temporary through main memory). float32/float16 blocks are converted to float64
inside the cache: one rounding at the very end keeps float32 results within 1/2 ULP + a hair.
float64 carries 29 more bits than float32, so the float32 kernels (`*32`) skip the
error-compensation steps the float64 ones need: fewer passes, the same ≤ 2 ULP after rounding.
Three C loops are used as they are, because an exhaustive check of every float32 input showed them
within the contract: scipy's `expit` (the same formula as `sigmoid`, one pass; float32 for
x ≥ −16), float32 `np.tanh` (≤ 1.37 ULP) and float32 `np.expm1` (libm's expm1f, ≤ 0.77 ULP; ELU).
"""

from __future__ import annotations

import numpy as np
from scipy import special

CACHE = 1 << 16  # float64s of scratch + input + output per block: 512 KiB, about one L2 cache
BLOCK = 1 << 14  # at most 16384 elements per block (fewer when a kernel needs many buffers)
EXP_SAFE = 709.0  # exp(x) is finite for x <= 709.78; below -709, sigmoid(x) = exp(x) exactly
_BIG = 1e300  # larger than any slope or scale, finite (inf·0 would be NaN)


def blockwise(kernel, x: np.ndarray, nbuf: int, *args, **errstate) -> np.ndarray:
    """`kernel(xb, out, *buffers, *args)` over blocks of x; returns a new array of x's dtype.

    `xb` is a float64 block (read-only: it may be the caller's memory), `out` the matching
    block of the result (x's dtype: the kernel's last operation writes it, rounding once), and
    `buffers` are `nbuf` float64 scratch arrays of the block's length. `errstate` is passed to
    np.errstate around the whole loop (kernels ignore only what they repair).
    """
    out = np.empty(x.shape, dtype=x.dtype)
    flat = np.ascontiguousarray(x).reshape(-1)
    oflat = out.reshape(-1)
    n = flat.size
    block = max(2048, min(BLOCK, 1 << (CACHE // (nbuf + 3)).bit_length() - 1))
    size = min(n, block)
    buffers = [np.empty(size) for _ in range(nbuf)]
    convert = np.empty(size) if x.dtype != np.float64 else None
    with np.errstate(**errstate):
        for start in range(0, n, block):
            stop = min(start + block, n)
            m = stop - start
            xb = flat[start:stop]
            if convert is not None:
                xb = convert[:m]
                np.copyto(xb, flat[start:stop])
            if m == size:
                kernel(xb, oflat[start:stop], *buffers, *args)
            else:
                kernel(xb, oflat[start:stop], *(b[:m] for b in buffers), *args)
    return out


# --- sigmoid and friends -----------------------------------------------------------------------
EXPIT_SAFE = {np.dtype(np.float64): -EXP_SAFE, np.dtype(np.float32): -16.0}  # see `expit`


def expit(x: np.ndarray) -> np.ndarray:
    """σ(x) for a float64 or float32 array by scipy's `expit`: one C loop of 1/(1 + e^{−x}).

    float64: bit for bit the formula of `sigmoid` below; below −709, where e^{−x} overflows and
    expit gives 0, σ(x) = eˣ (subnormal down to −745) is put back. float32 (computed in float32):
    ≤ 1.9991 ULP for every float32 x ≥ −16 (checked exhaustively); below −16, 1 + e^{−x} rounds
    by a whole unit (2.5 ULP) and e^{−x} overflows at −88.7, so those inputs are recomputed in
    float64 (σ(x) = 1/(1 + e^{−x}), or eˣ below −709), rounded once.
    """
    with np.errstate(over="ignore"):
        out = special.expit(x)
    limit = EXPIT_SAFE[x.dtype]
    if x.size and not x.min() >= limit:  # rare (NaN also lands here: harmless, just slower)
        low = x < limit
        xl = x[low].astype(np.float64)
        out[low] = blockwise(sigmoid, xl, 1, over="ignore")  # float64, rounded once
    return out


def sigmoid(x, out, t):
    """σ(x) = 1/(1 + e^{−x}): ≤ 2 ULP; for x < −709 (e^{−x} overflows) σ(x) = eˣ exactly.

    Needs errstate(over="ignore"): e^{−x} = inf there gives 0, which the fix-up replaces.
    """
    np.negative(x, out=t)
    np.exp(t, out=t)
    np.add(t, 1.0, out=t)
    np.divide(1.0, t, out=out)
    if np.fmin.reduce(x) < -EXP_SAFE:  # rare: only inputs below -709 (fmin skips NaN)
        low = x < -EXP_SAFE
        out[low] = np.exp(x[low])


def _bell(x, out, e, d, c, two_x):
    """e/(1+e)² with e = exp(−|x|) (or exp(−2|x|) if two_x): σ'(x), or tanh'(x)/4.

    Written as e/d² with d = fl(1+e), then corrected by (1 − 2c/d), where c = 1 + e − d is
    the rounding of d, recovered exactly (Fast2Sum: 1 ≥ e). This removes the largest error of
    the plain formula (the rounding of 1 + e, doubled by the square).
    """
    np.copysign(x, -1.0, out=e)  # −|x| in one pass
    if two_x:
        np.maximum(e, -400.0, out=e)  # −2·1e308 would overflow; exp(−800) is 0 anyway
        np.add(e, e, out=e)
    np.exp(e, out=e)  # e in [0, 1]
    np.add(e, 1.0, out=d)
    np.subtract(d, 1.0, out=c)
    np.subtract(e, c, out=c)  # c = (1 + e) − d exactly
    np.divide(e, d, out=e)
    np.divide(e, d, out=e)  # q = e/d²
    np.divide(c, d, out=c)
    np.multiply(c, e, out=c)
    np.add(c, c, out=c)  # 2qc/d
    np.subtract(e, c, out=out if not two_x else e)
    if two_x:
        np.multiply(e, 4.0, out=out)


def sigmoid_prime(x, out, e, d, c):
    """σ'(x) = e/(1+e)², e = exp(−|x|): symmetric, never σ(1 − σ) (which cancels)."""
    _bell(x, out, e, d, c, False)


def tanh_prime(x, out, e, d, c):
    """tanh'(x) = 4e/(1+e)², e = exp(−2|x|): exact in the tails, unlike 1 − tanh²."""
    _bell(x, out, e, d, c, True)


def softplus(x, out, e, u, q):
    """log(1 + eˣ) = max(x, 0) + log1p(e), e = exp(−|x|) — with log1p(e) = log(u)·e/(u − 1).

    u = fl(1 + e); u − 1 is exact and the ratio log(u)/(u − 1) cancels u's rounding
    (Goldberg 1991, Theorem 4), so this is as accurate as log1p and twice as fast. Where
    u = 1 (e < 2⁻⁵³) the ratio is 0/0 = NaN, and fmin(NaN, 1) = 1 gives log1p(e) = e.
    Needs errstate(divide="ignore", invalid="ignore").
    """
    np.copysign(x, -1.0, out=e)  # −|x| in one pass
    np.exp(e, out=e)
    np.add(e, 1.0, out=u)
    np.log(u, out=q)
    np.subtract(u, 1.0, out=u)
    np.divide(q, u, out=q)
    np.fmin(q, 1.0, out=q)  # log(u)/(u − 1) < 1 for u > 1; NaN (u = 1) becomes 1
    np.multiply(q, e, out=q)
    np.maximum(x, 0.0, out=e)
    np.add(e, q, out=out)


def silu(x, out, t):
    """x·σ(x) = x/(1 + e^{−x}) (one rounding fewer than x·σ); x·eˣ below −709.

    Needs errstate(over="ignore", invalid="ignore"): the fix-up replaces x < −709.
    """
    np.negative(x, out=t)
    np.exp(t, out=t)
    np.add(t, 1.0, out=t)
    np.divide(x, t, out=out)
    if np.fmin.reduce(x) < -EXP_SAFE:
        low = x < -EXP_SAFE
        xl = np.maximum(x[low], -750.0)  # −inf·0 would be NaN; the limit is 0
        out[low] = xl * np.exp(xl)


def silu_prime(x, out, e, s):
    """silu'(x) = σ(x)·(1 + x·σ(−x)), with σ(−x) = e^{−x}·σ(x) (no 1 − σ cancellation).

    Below −709 it is eˣ(1 + x) (σ(−x) = 1 to 300 digits), above 709 it is 1.
    Needs errstate(over="ignore", invalid="ignore").
    """
    np.negative(x, out=e)
    np.exp(e, out=e)
    np.add(e, 1.0, out=s)
    np.divide(1.0, s, out=s)  # σ(x)
    np.multiply(e, s, out=e)  # σ(−x)
    np.multiply(e, x, out=e)
    np.add(e, 1.0, out=e)
    np.multiply(e, s, out=out)
    if np.fmin.reduce(x) < -EXP_SAFE:
        low = x < -EXP_SAFE
        xl = np.maximum(x[low], -750.0)
        out[low] = np.exp(xl) * (1.0 + xl)
    if np.fmax.reduce(x) > EXP_SAFE:
        out[x > EXP_SAFE] = 1.0


# float32 versions: the float64 arithmetic inside makes the compensation steps unnecessary.
def sigmoid_prime32(x, out, e, d):
    """σ'(x) = e/(1+e)², e = exp(−|x|), in float64 then rounded once."""
    np.abs(x, out=e)  # abs + negative: faster than copysign
    np.negative(e, out=e)
    np.exp(e, out=e)
    np.add(e, 1.0, out=d)
    np.multiply(d, d, out=d)
    np.divide(e, d, out=out)


def tanh_prime32(x, out, e, d):
    """tanh'(x) = 4e/(1+e)², e = exp(−2|x|) (2·|x| is finite in float64 for any float32)."""
    np.abs(x, out=e)
    np.multiply(e, -2.0, out=e)
    np.exp(e, out=e)
    np.add(e, 1.0, out=d)
    np.multiply(d, d, out=d)
    np.multiply(e, 4.0, out=e)
    np.divide(e, d, out=out)


# --- ELU and SELU ------------------------------------------------------------------------------
def elu(x, out, t, u, scale, neg_scale):
    """scale·max(x, 0) + neg_scale·expm1(min(x, 0)): exp never sees a positive x.

    Needs errstate(over="ignore"): scale·x may round to inf for x near the float64 maximum.
    """
    np.minimum(x, 0.0, out=t)
    np.expm1(t, out=t)
    np.multiply(t, neg_scale, out=t)
    np.maximum(x, 0.0, out=u)
    if scale != 1.0:
        np.multiply(u, scale, out=u)
    np.add(u, t, out=out)


def elu32(x: np.ndarray) -> np.ndarray:
    """ELU with alpha = 1 of a float32 array, in float32: max(expm1(min(x, 0)), x), as
    eˣ − 1 ≥ x. libm's expm1f is ≤ 0.77 ULP for every float32 input (checked exhaustively).
    (Another alpha would round a second time, up to 2.04 ULP in theory: those use `elu`.)
    """
    t = np.minimum(x, np.float32(0))
    np.expm1(t, out=t)
    return np.maximum(t, x, out=t)


def elu_prime(x, out, t, h, scale, neg_scale):
    """scale for x > 0, neg_scale·eˣ for x ≤ 0, chosen by arithmetic (no slow np.where).

    With h = [x > 0]: max(neg_scale·e, scale·h) if neg_scale ≤ scale, else
    min(neg_scale·e, scale + BIG·[x ≤ 0]); e = exp(min(x, 0)) is 1 for x > 0. NaN stays NaN.
    """
    if scale == neg_scale == 1.0:  # ELU with alpha = 1: exp(min(x, 0)) is 1 for x > 0
        np.minimum(x, 0.0, out=t)
        np.exp(t, out=out)
        return
    np.minimum(x, 0.0, out=t)
    np.exp(t, out=t)
    if neg_scale != 1.0:
        np.multiply(t, neg_scale, out=t)
    if neg_scale <= scale:
        np.greater(x, 0.0, out=h)
        if scale != 1.0:
            np.multiply(h, scale, out=h)
        np.maximum(t, h, out=out)
    else:
        np.less_equal(x, 0.0, out=h)
        np.multiply(h, _BIG, out=h)
        np.add(h, scale, out=h)
        np.minimum(t, h, out=out)


def propagate_nan(result: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Put NaN wherever x is NaN (for piecewise formulas whose comparisons drop it)."""
    nan = np.isnan(x)
    if nan.any():
        result[nan] = np.nan
    return result
