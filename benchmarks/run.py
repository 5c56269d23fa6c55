"""Run benchmark scripts in this folder (`make bench`): every benchmarks/bench_*.py, or the named ones.

    python benchmarks/run.py                      # all of them, in name order
    python benchmarks/run.py bench_activations    # only these

Each script runs as `__main__` with no arguments of its own; a script that exits non-zero (or
crashes) is reported and the others still run. The exit status is 1 if any of them failed.
"""

from __future__ import annotations

import runpy
import sys
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run_one(path: Path) -> bool:
    saved_argv = sys.argv
    sys.argv = [str(path)]  # the scripts parse their own options; none come from here
    try:
        runpy.run_path(str(path), run_name="__main__")
        return True
    except SystemExit as stop:
        return stop.code in (None, 0)
    except Exception:  # noqa: BLE001 - report it, then run the next benchmark
        traceback.print_exc()
        return False
    finally:
        sys.argv = saved_argv


def main(argv: list[str]) -> int:
    available = {p.stem: p for p in sorted(HERE.glob("bench_*.py"))}
    wanted = [Path(name).stem for name in argv] or list(available)
    unknown = [name for name in wanted if name not in available]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; available: {sorted(available)}", file=sys.stderr)
        return 2
    failed = []
    for name in wanted:
        print(f"\n=== {name}.py ===", flush=True)
        if not run_one(available[name]):
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
