"""The accuracy tests, once per NumPy dispatch level this CPU can emulate.

NumPy picks its SIMD kernels (exp, expm1, log1p, tanh, …) by CPU at import; each has its own
last-bit errors. `NPY_DISABLE_CPU_FEATURES` switches the better targets off, so one machine can
run what an AVX2 or an SSE-only CPU runs. It must be set before NumPy is imported: each level
runs the accuracy tests in a subprocess, which first checks that NumPy really dispatches float64
`exp` to the expected target (`numpy.lib.introspect.opt_func_info`). A level above the CPU's own
cannot be emulated (the test says so and skips); ARM has other kernels again (NEON/SVE), covered
by the derived bounds of tests/accuracy_reference.py, not by a run.
"""

from __future__ import annotations

import functools
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ACCURACY_TESTS = ["tests/test_activations_accuracy.py", "tests/test_softmax_accuracy.py"]
# (level, NPY_DISABLE_CPU_FEATURES, where NumPy 2.4 then dispatches float64 exp). The names are
# NumPy 2.4's dispatch groups; older names such as AVX512F are not targets (only a warning).
LEVELS = [
    ("AVX-512", "", "X86_V4"),
    ("AVX2", "X86_V4 AVX512_ICL AVX512_SPR", "X86_V3"),
    ("baseline", "X86_V3 X86_V4 AVX512_ICL AVX512_SPR", "baseline(X86_V2)"),
]
ORDER = [target for _, _, target in reversed(LEVELS)]  # lowest first

_TARGET = """
from numpy.lib.introspect import opt_func_info
print(opt_func_info(func_name="^exp$", signature="float64")["exp"]["dd"]["current"])
"""
_RUN = """
import sys
from numpy.lib.introspect import opt_func_info
import pytest
current = opt_func_info(func_name="^exp$", signature="float64")["exp"]["dd"]["current"]
if current != sys.argv[1]:
    sys.exit(f"the level did not take effect: NumPy dispatches float64 exp to {current}, "
             f"not {sys.argv[1]}")
print(f"NumPy dispatches float64 exp to {current}")
sys.exit(pytest.main(sys.argv[2:]))
"""


def _environment(disabled: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "NPY_DISABLE"))}
    if disabled:
        env["NPY_DISABLE_CPU_FEATURES"] = disabled
    return env


@functools.lru_cache(maxsize=None)
def best_target() -> str:
    """What NumPy dispatches float64 exp to on this CPU with nothing disabled."""
    out = subprocess.run([sys.executable, "-c", _TARGET], env=_environment(""), cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


@pytest.mark.slow
@pytest.mark.parametrize("level,disabled,target", LEVELS, ids=[level for level, _, _ in LEVELS])
def test_accuracy_contract_holds_at_dispatch_level(level, disabled, target):
    if platform.machine().lower() not in ("x86_64", "amd64"):
        pytest.skip(f"{platform.machine()}: x86 dispatch levels do not apply; ARM's kernels are "
                    "covered by the derived bounds, not by a run")
    best = best_target()
    if best not in ORDER or ORDER.index(target) > ORDER.index(best):
        pytest.skip(f"this CPU's best float64 exp kernel is {best}: the {level} level "
                    f"({target}) cannot be emulated upward here")
    run = subprocess.run(
        [sys.executable, "-c", _RUN, target, "-q", "-n", "0", "-p", "no:cacheprovider", *ACCURACY_TESTS],
        env=_environment(disabled), cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, f"{level} level failed:\n{run.stdout[-4000:]}\n{run.stderr[-2000:]}"
    assert f"NumPy dispatches float64 exp to {target}" in run.stdout
