"""GELU kernels (exact erf form and tanh form), float64 with error compensation and float32.

See `_kernels.blockwise` for the calling convention. The float64 kernels carry v and x² in
double-double where one rounding would be amplified; the float32 ones need none of that.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from . import _kernels

# Constants rounded once from their exact values (not products of rounded ones).
_INV_SQRT2 = 0.7071067811865476  # 1/√2
_INV_SQRT_2PI = 0.3989422804014327  # 1/√(2π)
_TANH_A = 1.5957691216057308  # 2·√(2/π): v = 2u = A·x + B·x³
_TANH_B = 0.07135481627260025  # 2·√(2/π)·0.044715
_TANH_3B = 0.21406444881780073  # dv/dx = A + 3B·x²
_TANH_A_ERR = -9.96930880911092e-17  # A − fl(A) and B − fl(B): v needs A and B to ~2⁻¹⁰⁴
_TANH_B_ERR = -6.175149918155315e-19
_SPLIT = 134217729.0  # 2**27 + 1: Dekker's split of a double into two 26-bit halves
# Beyond these the result is already exact (gelu(x) = x or 0, gelu'(x) = 1 or 0), so
# clamping changes nothing but keeps x², x³ and inf·0 from producing inf or NaN.
_GELU_CLAMP = 40.0
_TANH_GELU_CLAMP = 1.0e4


# --- float64 kernels ---------------------------------------------------------------------------
def _gaussian_tail(x, a, q, phi, t, u):
    """a = min(|x|, 40), q = Φ(−a) = erfc(a/√2)/2 and phi = φ(a) = exp(−a²/2)/√(2π).

    erfc(a/√2) is exponentially sensitive to its argument (relative error ≈ x² times the
    argument's), so it is written as erfcx(a/√2)·exp(−a²/2): erfcx is smooth, and a² is
    computed exactly as hi + lo (Dekker's product), so exp(−a²/2) = exp(−hi/2)·(1 − lo/2).
    """
    np.abs(x, out=a)
    np.minimum(a, _GELU_CLAMP, out=a)  # Φ(−40) underflows; keeps a² finite; NaN stays NaN
    np.multiply(a, _SPLIT, out=t)  # split a = ah + al, each half exact to square
    np.subtract(t, a, out=u)
    np.subtract(t, u, out=t)  # t = ah
    np.subtract(a, t, out=u)  # u = al
    np.multiply(a, a, out=phi)  # hi = fl(a²)
    np.multiply(t, t, out=q)
    np.subtract(q, phi, out=q)  # ah² − hi
    np.multiply(t, u, out=t)
    np.add(t, t, out=t)
    np.add(q, t, out=q)  # + 2·ah·al
    np.multiply(u, u, out=u)
    np.add(q, u, out=q)  # lo = a² − hi exactly
    np.multiply(phi, -0.5, out=phi)
    np.exp(phi, out=phi)  # exp(−hi/2)
    np.multiply(q, -0.5, out=q)
    np.multiply(q, phi, out=q)
    np.add(phi, q, out=phi)  # exp(−a²/2) = exp(−hi/2)·(1 − lo/2)
    np.multiply(a, _INV_SQRT2, out=q)
    special.erfcx(q, out=q)
    np.multiply(q, phi, out=q)
    np.multiply(q, 0.5, out=q)  # Φ(−a)
    np.multiply(phi, _INV_SQRT_2PI, out=phi)  # φ(a)


def gelu(x, out, a, q, phi, t, u):
    """x·Φ(x) = max(x, 0) − |x|·Φ(−|x|): Φ(x) = 1 − q for x ≥ 0 and q for x < 0."""
    _gaussian_tail(x, a, q, phi, t, u)
    np.multiply(a, q, out=q)
    np.maximum(x, 0.0, out=t)
    np.subtract(t, q, out=out)


def gelu_prime(x, out, a, q, phi, t, u):
    """Φ(x) + x·φ(x) = 1 + D for x > 0, −D for x ≤ 0, where D = |x|·φ(x) − Φ(−|x|)."""
    _gaussian_tail(x, a, q, phi, t, u)
    np.multiply(a, phi, out=phi)
    np.subtract(phi, q, out=phi)  # D
    np.greater(x, 0.0, out=t)  # H = [x > 0]
    np.add(t, t, out=u)
    np.subtract(u, 1.0, out=u)  # 2H − 1 = ±1
    np.multiply(u, phi, out=phi)
    np.add(t, phi, out=out)  # H + (2H − 1)·D


# B split into two 26-bit halves, so B_hi·y is exact for a 26-bit y (Dekker).
_TANH_B_HI = _TANH_B * _SPLIT - (_TANH_B * _SPLIT - _TANH_B)
_TANH_B_LO = _TANH_B - _TANH_B_HI


def _split(a, hi, lo):
    """a = hi + lo exactly, each with at most 26 significant bits (Dekker; |a| < 1e300)."""
    np.multiply(a, _SPLIT, out=hi)
    np.subtract(hi, a, out=lo)
    np.subtract(hi, lo, out=hi)
    np.subtract(a, hi, out=lo)


def _tanh_v(x, X, H, L, S, Q, T, U, V):
    """v = 2u = x·(A + B·x²) in double-double: v = S + Q (S = fl(v), |Q| ≤ ulp(S)/2).

    x is clipped to ±1e4 (beyond, the result is exact anyway). The tanh form is x·σ(v) and
    σ(v) ≈ eᵛ for v < 0: a relative error δ in v becomes |v|·δ in the result (|v| = 87 at
    x = −10, 745 at the underflow), so v is carried to ~2⁻¹⁰⁴: x², B·x², A + B·x² and the
    product with x each keep their rounding error (Dekker's product, Knuth's two-sum), and
    so do the constants A and B.
    On return X, H, L, T, U and V are free.
    """
    np.clip(x, -_TANH_GELU_CLAMP, _TANH_GELU_CLAMP, out=X)
    _split(X, H, L)
    np.multiply(X, X, out=S)  # x² = S + Q:
    np.multiply(H, H, out=Q)
    np.subtract(Q, S, out=Q)
    np.multiply(H, L, out=T)
    np.add(T, T, out=T)
    np.add(Q, T, out=Q)
    np.multiply(L, L, out=T)
    np.add(Q, T, out=Q)
    _split(S, T, U)  # B·x² = S + Q:
    np.multiply(Q, _TANH_B, out=Q)
    np.multiply(S, _TANH_B_LO, out=V)
    np.add(Q, V, out=Q)
    np.multiply(U, _TANH_B_HI, out=V)
    np.add(Q, V, out=Q)
    np.multiply(S, _TANH_B, out=S)
    np.multiply(T, _TANH_B_HI, out=T)
    np.subtract(T, S, out=T)
    np.add(Q, T, out=Q)
    np.add(S, _TANH_A, out=T)  # A + B·x² = T + Q (two-sum):
    np.subtract(T, _TANH_A, out=U)
    np.subtract(T, U, out=V)
    np.subtract(_TANH_A, V, out=V)
    np.subtract(S, U, out=U)
    np.add(V, U, out=V)
    np.add(Q, V, out=Q)
    np.multiply(Q, X, out=Q)  # x·(T + Q) = S + Q:
    np.multiply(X, T, out=S)
    _split(T, U, V)
    np.multiply(H, U, out=X)
    np.subtract(X, S, out=X)
    np.multiply(H, V, out=T)
    np.add(X, T, out=X)
    np.multiply(L, U, out=T)
    np.add(X, T, out=X)
    np.multiply(L, V, out=T)
    np.add(X, T, out=X)
    np.add(Q, X, out=Q)
    np.clip(x, -_TANH_GELU_CLAMP, _TANH_GELU_CLAMP, out=X)  # + x·(A_lo + B_lo·x²)
    np.multiply(X, X, out=T)
    np.multiply(T, _TANH_B_ERR, out=T)
    np.add(T, _TANH_A_ERR, out=T)
    np.multiply(T, X, out=T)
    np.add(Q, T, out=Q)


def _exp_neg_v(x, e, *buffers):
    """e = exp(−v) = exp(−S)·(1 − Q), with v = S + Q from `_tanh_v`; returns S (v rounded).

    (exp(−S) may be inf; times 1 − Q > 0 it stays inf, where e − e·Q would give NaN.)
    """
    S, Q = buffers[3], buffers[4]
    _tanh_v(x, *buffers)
    np.negative(S, out=e)
    np.exp(e, out=e)
    np.subtract(1.0, Q, out=Q)
    np.multiply(e, Q, out=e)
    return S


def gelu_tanh(x, out, e, *buffers):
    """(x/2)·(1 + tanh u) = x·σ(2u) = x/(1 + e^{−2u}): the textbook 1 + tanh cancels for x < 0.

    Needs errstate(over="ignore"): e^{−2u} = inf for x < −21.7 gives −0 (the exact value
    underflows there), and x is clipped at −1e4 so −inf/inf is never formed.
    """
    _exp_neg_v(x, e, *buffers)
    np.add(e, 1.0, out=e)
    xc = buffers[0]
    np.maximum(x, -_TANH_GELU_CLAMP, out=xc)
    np.divide(xc, e, out=out)


def _tanh_slope(e, xc, s, out):
    """out = σ(v)·(1 + x·v'·σ(−v)) from e = e^{−v} (finite or inf) and xc = x clipped to ±1e4;
    e, xc and s are scratch. Shared by the float64 and float32 derivative kernels."""
    np.add(e, 1.0, out=s)
    np.divide(1.0, s, out=s)  # σ(v)
    np.multiply(e, s, out=e)  # σ(−v)
    np.multiply(e, xc, out=e)
    np.multiply(xc, xc, out=xc)
    np.multiply(xc, _TANH_3B, out=xc)
    np.add(xc, _TANH_A, out=xc)  # v'
    np.multiply(e, xc, out=e)
    np.add(e, 1.0, out=e)
    np.multiply(e, s, out=out)


def gelu_tanh_prime(x, out, e, *buffers):
    """σ(v)·(1 + x·v'·σ(−v)), v = 2u, v' = A + 3B·x², σ(−v) = e^{−v}·σ(v) (no cancellation).

    Where e^{−v} overflows (x < −21.7) it is eᵛ·(1 + x·v'), a number below 1e-300.
    Needs errstate(over="ignore", invalid="ignore").
    """
    v = _exp_neg_v(x, e, *buffers)
    low = None
    if np.fmin.reduce(v) < -_kernels.EXP_SAFE:
        low = v < -_kernels.EXP_SAFE
        v_low = v[low]
    xc = buffers[0]  # free: v is buffers[3], and v_low is a copy
    np.clip(x, -_TANH_GELU_CLAMP, _TANH_GELU_CLAMP, out=xc)
    _tanh_slope(e, xc, buffers[1], out)
    if low is not None:
        xl = np.maximum(x[low], -_TANH_GELU_CLAMP)
        out[low] = np.exp(v_low) * (1.0 + xl * (_TANH_A + _TANH_3B * xl * xl))


# --- float32 kernels: float64 arithmetic has 29 spare bits, so no compensation is needed ------
# (x² of a float32 is exact in float64; the relative error of erfc's or exp's argument, amplified
# by at most |v| ≤ 104 or x² ≤ 200 before a float32 result underflows, stays below 2⁻⁴⁰.)
def gelu32(x, out, t, u):
    """x·Φ(x) with Φ = scipy's ndtr; x ≥ −40 (−inf·Φ(−inf) would be NaN; the limit is −0)."""
    np.maximum(x, -_GELU_CLAMP, out=t)
    special.ndtr(t, out=u)
    np.multiply(u, t, out=out)


def gelu_prime32(x, out, t, u):
    """Φ(x) + x·φ(x), x clipped to ±40 (where the result is 0 or 1 already)."""
    np.clip(x, -_GELU_CLAMP, _GELU_CLAMP, out=t)
    np.multiply(t, t, out=u)
    np.multiply(u, -0.5, out=u)
    np.exp(u, out=u)
    np.multiply(u, _INV_SQRT_2PI, out=u)
    np.multiply(u, t, out=u)  # x·φ(x)
    special.ndtr(t, out=t)
    np.add(t, u, out=out)


def _neg_v32(x, X, w):
    """w = −v = −x·(A + B·x²), X = x clipped to ±1e4 (beyond, the result is exact anyway)."""
    np.clip(x, -_TANH_GELU_CLAMP, _TANH_GELU_CLAMP, out=X)
    np.multiply(X, X, out=w)
    np.multiply(w, -_TANH_B, out=w)
    np.subtract(w, _TANH_A, out=w)
    np.multiply(w, X, out=w)


def gelu_tanh32(x, out, X, e):
    """x·σ(v) = x/(1 + e^{−v}); e^{−v} = inf (x < −21.7) gives −0, the limit."""
    _neg_v32(x, X, e)
    np.exp(e, out=e)
    np.add(e, 1.0, out=e)
    np.maximum(x, -_TANH_GELU_CLAMP, out=X)  # x = −inf over inf would be NaN
    np.divide(X, e, out=out)


def gelu_tanh_prime32(x, out, X, e, s):
    """σ(v)·(1 + x·v'·σ(−v)), σ(−v) = e^{−v}·σ(v); −v ≤ 700 keeps e^{−v} finite (below
    v = −700 the exact result is < 1e-290, 0 in float32)."""
    _neg_v32(x, X, e)
    np.minimum(e, 700.0, out=e)
    np.exp(e, out=e)
    _tanh_slope(e, X, s, out)
