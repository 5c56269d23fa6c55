"""Speed and measured accuracy of course_utils.activations, under each NumPy dispatch level.

    python benchmarks/bench_activations.py                 # speed table at every level
    python benchmarks/bench_activations.py --accuracy      # measured worst errors (mpmath)
    python benchmarks/bench_activations.py --write-readme  # both, written into README.md

Speed yardstick: each stable forward and derivative against the textbook NumPy formula of the
same function (what a student writes first, e.g. `1/(1+np.exp(-x))`), on the same array, in the
same round of the same run, so the machine's exp speed cancels out. Targets: within 2.5× the
textbook formula in float64, 3× in float32 (our float32 goes through float64, for accuracy).
`np.exp` (ns/element) and scipy's `expit` are reference columns. x ~ N(0, 1), 1e6 elements;
softmax: the last axis of a 4096×1024 array.

Levels: NumPy picks its kernels per CPU at import; each level (AVX-512, AVX2, baseline, as far
as this CPU can emulate them) runs in its own subprocess with NPY_DISABLE_CPU_FEATURES set.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import re
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from scipy import special

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests"))
from course_utils import activations as A  # noqa: E402
from test_dispatch_levels import environment, levels_here  # noqa: E402 - the levels, one place

TARGETS = {"float64": 2.5, "float32": 3.0}
N = 10**6


def _sig(x):
    return 1 / (1 + np.exp(-x))


LAMBDA, ALPHA = A.SELU.SCALE, A.SELU.ALPHA  # the paper's constants (written once, in SELU)


def _selu_tb(x):
    return LAMBDA * np.where(x > 0, x, ALPHA * (np.exp(x) - 1))


def _gelu_tanh_u(x):
    return np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)  # as printed in the paper


# (ours, textbook): the textbook formula is the one from the paper or a tutorial, nothing fused.
CASES = {
    "sigmoid": (A.Sigmoid(), _sig, lambda x: _sig(x) * (1 - _sig(x))),
    "tanh": (A.Tanh(), np.tanh, lambda x: 1 - np.tanh(x) ** 2),
    "relu": (A.ReLU(), lambda x: np.maximum(x, 0), lambda x: np.where(x > 0, 1.0, 0.0)),
    "leaky_relu": (A.LeakyReLU(), lambda x: np.where(x > 0, x, 0.01 * x),
                   lambda x: np.where(x > 0, 1.0, 0.01)),
    "prelu": (A.PReLU(), lambda x: np.where(x > 0, x, 0.25 * x), lambda x: np.where(x > 0, 1.0, 0.25)),
    "elu": (A.ELU(), lambda x: np.where(x > 0, x, np.exp(x) - 1), lambda x: np.where(x > 0, 1.0, np.exp(x))),
    "selu": (A.SELU(), _selu_tb,
             lambda x: LAMBDA * np.where(x > 0, 1.0, ALPHA * np.exp(x))),
    "softplus": (A.Softplus(), lambda x: np.log(1 + np.exp(x)), _sig),
    "gelu": (A.GELU(), lambda x: 0.5 * x * (1 + special.erf(x / np.sqrt(2))),
             lambda x: 0.5 * (1 + special.erf(x / np.sqrt(2))) + x * np.exp(-x**2 / 2) / np.sqrt(2 * np.pi)),
    "gelu_tanh": (A.GELU(approximate=True), lambda x: 0.5 * x * (1 + np.tanh(_gelu_tanh_u(x))),
                  lambda x: 0.5 * (1 + np.tanh(_gelu_tanh_u(x)))
                  + 0.5 * x * (1 - np.tanh(_gelu_tanh_u(x)) ** 2) * np.sqrt(2 / np.pi) * (1 + 3 * 0.044715 * x**2)),
    "silu": (A.SiLU(), lambda x: x * _sig(x), lambda x: _sig(x) * (1 + x * (1 - _sig(x)))),
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


def speed_here(rounds: int) -> dict:
    """{dtype: {"exp_ns", "expit", "<name>", "<name>′", "softmax", "log_softmax"}} in this process:
    each ratio is our time over the textbook formula's (expit: over textbook sigmoid's)."""
    out = {}
    for dtype in ("float64", "float32"):
        x = np.random.default_rng(0).standard_normal(N).astype(dtype)
        funcs = {"exp": lambda: np.exp(x), "expit": lambda: special.expit(x)}
        for name, (act, fwd, der) in CASES.items():
            funcs[name] = lambda act=act: act(x)
            funcs[name + " tb"] = lambda fwd=fwd: fwd(x)
            funcs[name + "′"] = lambda act=act: act.derivative(x)
            funcs[name + "′ tb"] = lambda der=der: der(x)
        xs = np.random.default_rng(1).normal(0, 3, size=(4096, 1024)).astype(dtype)
        sm, lsm = A.Softmax(), A.LogSoftmax()
        funcs.update({
            "softmax": lambda: sm(xs), "softmax tb": lambda: np.exp(xs) / np.exp(xs).sum(axis=-1, keepdims=True),
            "log_softmax": lambda: lsm(xs), "log_softmax tb": lambda: xs - np.log(np.exp(xs).sum(axis=-1, keepdims=True)),
        })
        with np.errstate(all="ignore"):  # the textbook formulas overflow in the tails
            t = _min_times(funcs, rounds)
        row = {"exp_ns": t["exp"] / N * 1e9, "expit": t["expit"] / t["sigmoid tb"]}
        for key in t:
            if not key.endswith(" tb") and key + " tb" in t:
                row[key] = t[key] / t[key + " tb"]
        out[dtype] = row
    return out


def _levels_here() -> list:
    """[(level, NPY_DISABLE_CPU_FEATURES)] this CPU can run, best first (one, off x86)."""
    import numpy_levels

    return levels_here() if numpy_levels.is_x86() else [(platform.machine(), "")]


def _in_subprocess(flag: str, disabled: str) -> dict:
    run = subprocess.run([sys.executable, __file__, flag], env=environment(disabled),
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout.splitlines()[-1])


def _cell(ratio: float, target: float) -> str:
    return f"{ratio:.2f} {'PASS' if ratio <= target else 'MISS'}"


def speed_report(rounds: int) -> str:
    levels = _levels_here()
    results = {}
    for name, disabled in levels:
        results[name] = _in_subprocess(f"--speed-json={rounds}", disabled)
        print(f"  measured speed at the {name} level", file=sys.stderr, flush=True)
    cols = [(lv, dt) for dt in ("float64", "float32") for lv in results]
    head = " | ".join(f"{dt} {lv}" for lv, dt in cols)
    lines = [
        "Our time over the textbook formula's (same function, same array, same run; lower is "
        f"faster), {N:.0e} elements, x ~ N(0, 1), the fastest of {rounds} rounds. Targets: "
        "≤ 2.5 in float64, ≤ 3 in float32. The textbook formulas: `1/(1+np.exp(-x))` and "
        "`s*(1-s)`, `np.tanh` and `1-np.tanh(x)**2`, `np.where(x > 0, x, a*(np.exp(x)-1))`, "
        "`np.log(1+np.exp(x))`, `0.5*x*(1+erf(x/np.sqrt(2)))`, the tanh GELU with `x**3` as in "
        "the paper, `x/(1+np.exp(-x))`; each derivative likewise from the output or the "
        "formula; softmax `np.exp(x)/np.exp(x).sum(...)`.",
        "",
        f"| function | {head} |",
        "|---|" + "---|" * len(cols),
        "| np.exp (ns/element) | " + " | ".join(f"{results[lv][dt]['exp_ns']:.2f}" for lv, dt in cols) + " |",
        "| scipy expit / textbook sigmoid | " + " | ".join(f"{results[lv][dt]['expit']:.2f}" for lv, dt in cols) + " |",
    ]
    for name in [n for case in CASES for n in (case, case + "′")] + ["softmax", "log_softmax"]:
        cells = " | ".join(_cell(results[lv][dt][name], TARGETS[dt]) for lv, dt in cols)
        lines.append(f"| {name} | {cells} |")
    misses = sum(results[lv][dt][n] > TARGETS[dt] for lv, dt in cols for n in results[lv][dt]
                 if n not in ("exp_ns", "expit"))
    lines += ["", f"{misses} MISS of {sum(len(results[lv][dt]) - 2 for lv, dt in cols)} at "
                  f"levels {', '.join(results)}."]
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


def _reference():
    import accuracy_reference as T  # the tests' contract, grids and 50-digit references

    return T


def accuracy_here() -> dict:
    """Our measured worst errors in this process: {name: {"f64", "f32", "ulp"}} + softmax."""
    T = _reference()
    out = {}
    for name in T.ALL_CASES:
        w64 = T.worst_errors(name, "float64")
        row = {"f32": T.worst_errors(name, "float32")["ulp"][0], "ulp": w64["ulp"][0]}
        if name in T.ULP_CASES:
            row["f64"] = w64["eps"][0]
        else:
            row["f64"] = w64["rel |x|<=10"][0]
            row["far"] = w64["rel"][0]
            row["zero"] = w64["abs near zero"][0] if T.derivative_zeros(name) else None
        out[name] = row
    out["softmax"] = {k: float(v) for k, v in T.softmax_errors().items()}
    return out


def accuracy_report() -> str:
    T = _reference()
    levels = _levels_here()
    results = {}
    for name, disabled in levels:
        results[name] = _in_subprocess("--accuracy-json", disabled)
        print(f"  measured accuracy at the {name} level", file=sys.stderr, flush=True)
    x64 = T.grid("float64")
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        others = {"scipy/NumPy": _scipy_numpy(x64), "JAX": _jax(x64)}
    others = {k: v for k, v in others.items() if v}

    def ulp_of(name, y):
        """Worst ULP where |exact| ≥ 1e-290 and, for a derivative, not next to its zero
        (where any formula loses relative accuracy): the same points for every library."""
        x, _, ulp, _, _, value = T.errors(name, "float64", y)
        mask = (np.abs(value) >= T.TINY) & (x != 0)  # libraries differ on the kink convention
        for z in T.derivative_zeros(name) if name in T.REL_CASES else ():
            mask &= np.abs(x - z) > T.ZERO_WINDOW
        err = float(np.max(ulp[mask]))
        return "wrong ±inf/NaN" if not np.isfinite(err) else f"{err:.3g}"

    names = list(results)
    lines = [
        f"Worst case over the test grids (float64: {x64.size} points from ±1e308 through the "
        f"subnormals; float32: {T.grid('float32').size} points) against 50-digit mpmath, at "
        f"each NumPy dispatch level this CPU can run ({', '.join(names)}). float64 errors are "
        "relative, in units of ε = 2⁻⁵² (absolute in units of 2⁻¹⁰⁷⁴ for subnormal results), "
        "against the bound derived in tests/accuracy_reference.py for any exp/expm1/log1p/tanh "
        f"within K = {T.K} ULP; for gelu/silu the relative error for |x| ≤ 10 (bound "
        f"{T.REL_NEAR:g}) and everywhere |exact| ≥ 1e-290 (bound {T.REL_FAR:g}). float32: ULP, "
        f"worst over the levels (bound {T.F32_MAX_ULPS:g}). The last columns score us and other "
        "libraries in ULP on the same float64 points (all but x = 0, results ≥ 1e-290, not "
        "within 0.05 of a derivative's zero; scipy/NumPy derivatives from the output as "
        "tutorials do, JAX's by `jax.grad`; – : no such function).",
        "",
        "| function | float64 bound | " + " | ".join(f"float64 {n}" for n in names)
        + " | float32 (ULP) | ours, ULP | " + " | ".join(f"{k}, ULP" for k in others) + " |",
        "|---|---|" + "---|" * len(names) + "---|---|" + "---|" * len(others),
    ]
    first = results[names[0]]
    for name in T.ALL_CASES:
        if name in T.ULP_CASES:
            bound = f"{T.F64_BOUNDS[name]:g} ε"
            cells = [f"{results[n][name]['f64']:.2f} ε" for n in names]
        else:
            bound = f"{T.REL_NEAR:g} / {T.REL_FAR:g}"
            cells = [f"{results[n][name]['f64']:.1e} / {results[n][name]['far']:.1e}" for n in names]
        f32 = max(results[n][name]["f32"] for n in names)
        theirs = " | ".join(ulp_of(name, lib[name]) if name in lib else "–" for lib in others.values())
        ours = ulp_of(name, None) if name in T.REL_CASES else f"{first[name]['ulp']:.3g}"
        lines.append(f"| {name} | {bound} | {' | '.join(cells)} | {f32:.2f} | {ours} | {theirs} |")
    lines += ["", "Softmax over random vectors (logits spread up to ±700, every axis of 3-D arrays), "
                  "worst error as a fraction of each entry's derived bound (softmax: (|x_i − max x|/2 "
                  "+ n + 2K + 1)ε; log_softmax: (max|x_j − max x|/2 + n + 2K + 2)ε), the worst in ε, "
                  "the VJP in ε·max|s|·max|g| (bound 4n + 30), float32 in ULP:", "",
              "| level | softmax / bound (ε) | log_softmax / bound (ε) | VJP | float32 softmax, log_softmax |",
              "|---|---|---|---|---|"]
    for n in names:
        s = results[n]["softmax"]
        lines.append(f"| {n} | {s['softmax/bound']:.2f} ({s['softmax']:.0f} ε) | "
                     f"{s['log_softmax/bound']:.2f} ({s['log_softmax']:.0f} ε) | {s['vjp']:.2f} | "
                     f"{s['softmax32']:.2f}, {s['log_softmax32']:.2f} |")
    return "\n".join(lines)


_SKELETON = """# Benchmarks

<!-- accuracy:start -->
<!-- accuracy:end -->

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
    parser.add_argument("--speed-json", type=int, help=argparse.SUPPRESS)  # one level's numbers
    parser.add_argument("--accuracy-json", action="store_true", help=argparse.SUPPRESS)
    # benchmarks/run.py passes its own arguments (benchmark names) through: ignore those.
    args, extra = parser.parse_known_args(argv)
    if any(a.startswith("-") for a in extra):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.speed_json:
        print(json.dumps(speed_here(args.speed_json)))
        return 0
    if args.accuracy_json:
        print(json.dumps(accuracy_here()))
        return 0
    machine = f"{platform.processor() or platform.machine()}, numpy {np.__version__}"
    if args.accuracy and not args.write_readme:
        print(accuracy_report())
        return 0
    start = time.perf_counter()
    speed = speed_report(3 if args.quick else 9)
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
