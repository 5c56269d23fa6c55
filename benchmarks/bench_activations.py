"""Speed (and measured accuracy) of course_utils.activations, as ratios measured in one run.

    python benchmarks/bench_activations.py                 # speed table, PASS/MISS per target
    python benchmarks/bench_activations.py --accuracy      # worst-case error table (mpmath)
    python benchmarks/bench_activations.py --write-readme  # both, written into README.md

Speed: each elementwise forward and derivative on x ~ N(0, 1) of 1e6 and 1e7 elements, float64
and float32, as a ratio to `np.exp(x)` of the same array (the minimum over several rounds; in
each round the baseline and every function run once, so machine load hits them alike).
Targets (from the issue): sigmoid no slower than scipy's `expit`; forward ≤ 3× np.exp,
derivative ≤ 5×, GELU (both forms) and SiLU ≤ 15×; softmax over the last axis of a
4096×1024 array ≤ 3× np.exp of that array. The tutorial-style Python loop is timed on 1e5
elements for scale. Accuracy: the worst case over the grids of tests/accuracy_reference.py.
"""

from __future__ import annotations

import argparse
import math
import platform
import re
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from scipy import special

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from course_utils import activations as A  # noqa: E402

FORWARD_TARGET, DERIVATIVE_TARGET, SMOOTH_TARGET, SOFTMAX_TARGET = 3.0, 5.0, 15.0, 3.0
SMOOTH = {"gelu", "gelu_tanh", "silu"}

ACTS = {
    "sigmoid": A.Sigmoid(),
    "tanh": A.Tanh(),
    "relu": A.ReLU(),
    "leaky_relu": A.LeakyReLU(),
    "prelu": A.PReLU(),
    "elu": A.ELU(),
    "selu": A.SELU(),
    "softplus": A.Softplus(),
    "gelu": A.GELU(),
    "gelu_tanh": A.GELU(approximate=True),
    "silu": A.SiLU(),
}


def _min_times(funcs: dict, rounds: int) -> dict:
    """The fastest of `rounds` runs of each function, all functions run once per round."""
    best = dict.fromkeys(funcs, math.inf)
    for _ in range(rounds):
        for name, f in funcs.items():
            t0 = time.perf_counter()
            f()
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def elementwise_ratios(n: int, dtype, rounds: int) -> tuple[dict, float]:
    """{(name, 'forward'|'derivative'): time / time(np.exp)} and np.exp's ns per element."""
    x = np.random.default_rng(0).standard_normal(n).astype(dtype)
    funcs = {("exp", ""): lambda: np.exp(x), ("expit", ""): lambda: special.expit(x)}
    for name, act in ACTS.items():
        funcs[(name, "forward")] = lambda act=act: act(x)
        funcs[(name, "derivative")] = lambda act=act: act.derivative(x)
    t = _min_times(funcs, rounds)
    base = t[("exp", "")]
    return {k: v / base for k, v in t.items()}, base / n * 1e9


def softmax_ratios(dtype, rounds: int) -> tuple[dict, float]:
    x = np.random.default_rng(1).normal(0, 3, size=(4096, 1024)).astype(dtype)
    sm, lsm = A.Softmax(), A.LogSoftmax()
    t = _min_times({"exp": lambda: np.exp(x), "softmax": lambda: sm(x),
                    "log_softmax": lambda: lsm(x)}, rounds)
    return {k: v / t["exp"] for k, v in t.items()}, t["exp"] / x.size * 1e9


def _float32_exp_ulps(n: int = 10**6) -> float:
    """The worst error of NumPy's float32 exp on n random inputs, in float32 ULPs."""
    x = np.random.default_rng(3).uniform(-87, 88, n).astype(np.float32)
    exact = np.exp(x.astype(np.float64))  # float64 exp: exact to ~2⁻⁵² here, 2⁻²⁹ ULP32
    ulp = np.spacing(exact.astype(np.float32)).astype(np.float64)
    return float(np.max(np.abs(np.exp(x).astype(np.float64) - exact) / ulp))


def python_loop_ratio(rounds: int = 3) -> tuple[float, float]:
    """The tutorial-style loop over 1e5 elements vs np.exp and vs our sigmoid, same array."""
    x = np.random.default_rng(2).standard_normal(100_000)

    def tutorial_sigmoid(v):
        return 1 / (1 + math.exp(-v))

    t = _min_times({"loop": lambda: [tutorial_sigmoid(v) for v in x], "exp": lambda: np.exp(x),
                    "ours": lambda: A.sigmoid(x)}, rounds)
    return t["loop"] / t["exp"], t["loop"] / t["ours"]


def _target(name: str, kind: str) -> float:
    if name in SMOOTH:
        return SMOOTH_TARGET
    return FORWARD_TARGET if kind == "forward" else DERIVATIVE_TARGET


def _cell(ratio: float, target: float) -> str:
    return f"{ratio:.2f} {'PASS' if ratio <= target else 'MISS'}"


def speed_report(quick: bool = False) -> str:
    configs = [(10**6, np.float64), (10**7, np.float64), (10**6, np.float32), (10**7, np.float32)]
    results, bases = {}, {}
    for n, dtype in configs:
        # The minimum of a few rounds: 1e7 elements take ~0.1 s per function, so fewer rounds.
        rounds = (3 if n <= 10**6 else 1) if quick else (9 if n <= 10**6 else 4)
        key = f"{np.dtype(dtype).name} 1e{int(math.log10(n))}"
        results[key], bases[key] = elementwise_ratios(n, dtype, rounds)
        print(f"  measured {key}", file=sys.stderr, flush=True)
    cols = list(results)
    lines = [
        "Ratios to `np.exp` of the same array (lower is faster); x ~ N(0, 1). Each is the "
        "fastest of several rounds; on a shared machine they still vary by up to ~30% between "
        "runs, the float32 1e6 column most (its np.exp baseline is the shortest).",
        "",
        "| function | target | " + " | ".join(cols) + " |",
        "|---|---|" + "---|" * len(cols),
        "| np.exp (ns/element) | – | " + " | ".join(f"{bases[c]:.2f}" for c in cols) + " |",
    ]
    expit = {c: results[c][("expit", "")] for c in cols}
    lines.append("| scipy expit | – | " + " | ".join(f"{expit[c]:.2f}" for c in cols) + " |")
    ours = {c: results[c][("sigmoid", "forward")] / expit[c] for c in cols}
    lines.append("| sigmoid / expit | ≤ 1 | " + " | ".join(_cell(ours[c], 1.0) for c in cols) + " |")
    for name in ACTS:
        for kind in ("forward", "derivative"):
            target = _target(name, kind)
            cells = " | ".join(_cell(results[c][(name, kind)], target) for c in cols)
            label = name if kind == "forward" else f"{name}′"
            lines.append(f"| {label} | ≤ {target:g} | {cells} |")
    sm = {np.dtype(d).name: softmax_ratios(d, 2 if quick else 4) for d in (np.float64, np.float32)}
    lines += [
        "",
        "Softmax over the last axis of a 4096×1024 array, as a ratio to `np.exp` of that array:",
        "",
        "| function | target | " + " | ".join(sm) + " |",
        "|---|---|" + "---|" * len(sm),
        "| np.exp (ns/element) | – | " + " | ".join(f"{b:.2f}" for _, b in sm.values()) + " |",
        "| softmax | ≤ 3 | "
        + " | ".join(_cell(r["softmax"], SOFTMAX_TARGET) for r, _ in sm.values()) + " |",
        "| log_softmax | – | " + " | ".join(f"{r['log_softmax']:.2f}" for r, _ in sm.values()) + " |",
    ]
    f64, f32 = bases.get("float64 1e7"), bases.get("float32 1e7")
    if f64 and f32:
        lines += [
            "",
            f"float32 kernels compute in float64 and round once (the 2-ULP contract), without the "
            f"float64 kernels' error-compensation steps, except three C loops that an exhaustive "
            f"check of every float32 input showed within 2 ULP: scipy's `expit` (sigmoid, "
            f"softplus′; x ≥ −16: 1.9991 ULP), float32 `np.tanh` (1.37 ULP) and float32 "
            f"`np.expm1` (libm's expm1f: 0.77 ULP; ELU forward with alpha = 1). "
            f"float32 np.exp is {f64 / f32:.1f}× faster per element than the float64 one on this "
            f"machine (1e7 elements) but up to {_float32_exp_ulps():.2f} ULP off on 1e6 random "
            f"inputs (2.54 ULP over every float32 in (−128, 0), checked exhaustively), so whatever "
            f"needs an accurate exponential of a float32 (elu′, selu′, softplus, softmax) pays "
            f"for a float64 `np.exp` or `np.log`: that sets the floor of those ratios.",
        ]
    loop_vs_exp, loop_vs_ours = python_loop_ratio()
    lines += [
        "",
        f"Tutorial-style loop `[sigmoid(v) for v in x]` with `math.exp`, 1e5 float64 elements: "
        f"{loop_vs_exp:.0f}× np.exp, {loop_vs_ours:.0f}× `activations.sigmoid`.",
    ]
    return "\n".join(lines)


# --- accuracy ----------------------------------------------------------------------------------
def _scipy_numpy(x: np.ndarray) -> dict:
    """What a user gets from scipy/NumPy on the float64 grid (derivatives from the output)."""
    s = special.expit(x)
    return {
        "sigmoid": s, "sigmoid'": s * (1 - s), "tanh": np.tanh(x), "tanh'": 1 - np.tanh(x) ** 2,
        "softplus": special.softplus(x), "softplus'": s,
        "gelu": x * special.ndtr(x), "silu": x * s,
    }


def _jax(x: np.ndarray) -> dict:
    """jax.nn on the float64 grid (x64 enabled), derivatives by jax.grad; {} without JAX."""
    try:
        import jax
    except ImportError:
        return {}
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    nn = jax.nn
    fns = {
        "sigmoid": nn.sigmoid, "tanh": jnp.tanh, "relu": nn.relu, "leaky_relu": nn.leaky_relu,
        "leaky_relu(3)": lambda v: nn.leaky_relu(v, 3.0), "prelu": lambda v: nn.leaky_relu(v, 0.25),
        "elu": nn.elu, "elu(0.3)": lambda v: nn.elu(v, 0.3), "selu": nn.selu,
        "softplus": nn.softplus, "gelu": lambda v: nn.gelu(v, approximate=False),
        "gelu_tanh": lambda v: nn.gelu(v, approximate=True), "silu": nn.silu,
    }
    xj = jnp.asarray(x)
    out = {}
    for name, f in fns.items():
        out[name] = np.asarray(jax.jit(f)(xj))
        out[name + "'"] = np.asarray(jax.jit(jax.vmap(jax.grad(f)))(xj))
    return out


def accuracy_report() -> str:
    sys.path.insert(0, str(HERE.parent / "tests"))
    import accuracy_reference as T  # the tests' grids and 50-digit references

    x64 = T.grid("float64")
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        others = {"scipy/NumPy": _scipy_numpy(x64), "JAX": _jax(x64)}
    others = {k: v for k, v in others.items() if v}

    def ulp_of(name, y=None):
        """Worst ULP where |exact| ≥ 1e-290 and, for a derivative, not next to its zero
        (where any formula loses relative accuracy): the same points for every library."""
        x, _, ulp, _, _, value = T.errors(name, "float64", y)
        mask = (np.abs(value) >= T.TINY) & (x != 0)  # libraries differ on the kink convention
        for z in T.derivative_zeros(name) if name in T.REL_CASES else ():
            mask &= np.abs(x - z) > T.ZERO_WINDOW
        err = float(np.max(ulp[mask]))
        return "wrong ±inf/NaN" if not np.isfinite(err) else f"{err:.3g}"

    lines = [
        f"Worst case over the test grids (float64: {x64.size} points from ±1e308 through the "
        f"subnormals; float32: {T.grid('float32').size} points), against 50-digit mpmath. "
        "The contract: float64 ≤ 4 ULP, or for gelu/silu relative error ≤ 3e-14 (|x| ≤ 10) and "
        "≤ 1e-12 (|exact| ≥ 1e-290), absolute ≤ 1e-15 within 0.05 of a derivative's zero; "
        "float32 ≤ 2 ULP. The ULP columns score us and other libraries on the same float64 "
        "points: every grid point but x = 0 (the kink, where conventions differ) whose exact "
        "result is ≥ 1e-290 in size, except within 0.05 of a derivative's zero (JAX on CPU "
        "flushes subnormal inputs to 0, which costs it a few derivatives; scipy/NumPy "
        "derivatives are computed from the output, as "
        "tutorials do; JAX's by `jax.grad`; – means the library has no such function).",
        "",
        "| function | ours, float64 (contract) | ours, float32 (ULP) | ours, ULP | "
        + " | ".join(f"{k}, ULP" for k in others) + " | our worst (float64) at |",
        "|---|---|---|---|" + "---|" * len(others) + "---|",
    ]
    for name in T.ALL_CASES:
        w64 = T.worst_errors(name, "float64")
        w32 = T.worst_errors(name, "float32")["ulp"][0]
        ulp64, where = w64["ulp"]
        if name in T.ULP_CASES:
            f64 = f"{ulp64:.2f} ULP"
        else:
            rel_near, where = w64["rel |x|<=10"]
            rel, _ = w64["rel"]
            near0 = w64["abs near zero"][0]
            f64 = f"rel {rel_near:.1e} (abs x ≤ 10), rel {rel:.1e} (all)"
            if T.derivative_zeros(name):
                f64 += f", abs {near0:.1e} near its zero"
        where = (where or "").split(":")[0].replace("np.float64(", "").rstrip(")")
        theirs = " | ".join(ulp_of(name, lib[name]) if name in lib else "–" for lib in others.values())
        lines.append(f"| {name} | {f64} | {w32:.2f} | {ulp_of(name)} | {theirs} | {where} |")
    soft = T.softmax_errors()
    lines += [
        "",
        f"Softmax over {soft['vectors']} random vectors (logits spread up to ±700, every axis of "
        f"3-D arrays): softmax {soft['softmax']:.2f} ULP, log_softmax {soft['log_softmax']:.2f} "
        f"ULP, softmax VJP {soft['vjp']:.2f} eps·max|s|·max|g|; float32: softmax "
        f"{soft['softmax32']:.2f} ULP, log_softmax {soft['log_softmax32']:.2f} ULP.",
    ]
    return "\n".join(lines)


_SKELETON = """# Benchmarks

`make bench` runs every `bench_*.py` here. Speed figures are ratios to a baseline measured in the
same run (so they compare across machines); regenerate the tables below with
`python benchmarks/bench_activations.py --write-readme`.

## Activations: accuracy

<!-- accuracy:start -->
<!-- accuracy:end -->

## Activations: speed

<!-- speed:start -->
<!-- speed:end -->
"""


def _replace_section(text: str, tag: str, body: str, path: Path) -> str:
    pattern = re.compile(rf"(<!-- {tag}:start -->\n).*?(<!-- {tag}:end -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"{path} has no <!-- {tag}:start --> ... <!-- {tag}:end --> markers")
    return pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accuracy", action="store_true", help="print the accuracy table only")
    parser.add_argument("--write-readme", nargs="?", const=str(HERE / "README.md"), metavar="PATH",
                        help="measure both and write them between the markers of PATH "
                             "(default benchmarks/README.md; created if missing)")
    parser.add_argument("--quick", action="store_true", help="fewer rounds (noisier)")
    # benchmarks/run.py passes its own arguments (benchmark names) through: ignore those.
    args, extra = parser.parse_known_args(argv)
    if any(a.startswith("-") for a in extra):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    machine = f"{platform.processor() or platform.machine()}, numpy {np.__version__}"
    if args.accuracy and not args.write_readme:
        print(accuracy_report())
        return 0
    start = time.perf_counter()
    speed = speed_report(args.quick)
    print(speed)
    print(f"(benchmark took {time.perf_counter() - start:.0f} s)", file=sys.stderr)
    if args.write_readme:
        accuracy = accuracy_report()
        print(accuracy)
        readme = Path(args.write_readme)
        text = readme.read_text() if readme.exists() else _SKELETON
        text = _replace_section(text, "accuracy", accuracy, readme)
        text = _replace_section(text, "speed", speed + f"\n\nMeasured on: {machine}.", readme)
        readme.write_text(text)
        print(f"wrote {readme}")
    return 0


if __name__ == "__main__":
    # benchmarks/run.py runs this file with runpy: a SystemExit(0) would stop it there.
    status = main()
    if status:
        sys.exit(status)
