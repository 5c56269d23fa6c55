"""NumPy's x86 SIMD dispatch levels, spelled for the NumPy that is installed.

NumPy picks its kernels (exp, expm1, log1p, tanh, …) per CPU at import. `NPY_DISABLE_CPU_FEATURES`
switches targets off, so one machine can run what an AVX2 or an SSE-only CPU runs; it must be set
before NumPy is imported and accepts only the installed NumPy's own target names (any other name
raises an ImportWarning, an error under the test suite's `filterwarnings = error`). NumPy 2.4
dispatches to groups (X86_V3 = AVX2/FMA3, X86_V4 = AVX-512, AVX512_ICL, AVX512_SPR); NumPy 2.2,
the newest for Python 3.10, to single features (AVX2, AVX512F, AVX512_SKX, …). So the names are
read from `numpy.lib.introspect.opt_func_info`, NumPy's public view of its dispatch.

    python tests/numpy_levels.py baseline     print NPY_DISABLE_CPU_FEATURES for that level

Used by tests/test_dispatch_levels.py, benchmarks/bench_activations.py and the Makefile.
"""

from __future__ import annotations

import platform
import sys

LEVELS = ("AVX-512", "AVX2", "baseline")  # best first
_AVX2 = {"X86_V3", "AVX", "F16C", "FMA3", "AVX2"}  # the targets of the AVX2 level, both spellings


def is_x86() -> bool:
    return platform.machine().lower() in ("x86_64", "amd64", "i686", "x86")


def targets() -> set:
    """Every dispatch target some NumPy function has (not the baseline)."""
    from numpy.lib.introspect import opt_func_info

    names = set()
    for signatures in opt_func_info().values():
        for info in signatures.values():
            names.update(n for n in info["available"].split() if not n.startswith("baseline"))
    return names


def level_of(target: str) -> str:
    """The level of one dispatch target name, e.g. "X86_V4" or "AVX512_SKX" → "AVX-512"."""
    if target.startswith("baseline"):
        return "baseline"
    if target.startswith("AVX512") or target == "X86_V4":
        return "AVX-512"
    if target in _AVX2:
        return "AVX2"
    return "baseline"  # SSE4.1/4.2 and the like: below AVX2


def disabled(level: str) -> str:
    """The NPY_DISABLE_CPU_FEATURES value that leaves NumPy at `level` (at most)."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    if not is_x86():
        return ""
    above = LEVELS[: LEVELS.index(level)]
    return " ".join(sorted(t for t in targets() if level_of(t) in above))


def exp_target() -> str:
    """Where NumPy dispatches float64 exp in this process."""
    from numpy.lib.introspect import opt_func_info

    return opt_func_info(func_name="^exp$", signature="float64")["exp"]["dd"]["current"]


if __name__ == "__main__":
    print(disabled(sys.argv[1]) if len(sys.argv) == 2 else sys.exit(__doc__))
