"""Run every benchmark script in this folder (`make bench`): benchmarks/bench_*.py, in order."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    wanted = argv or [p.stem for p in sorted(HERE.glob("bench_*.py"))]
    for name in wanted:
        path = HERE / f"{Path(name).stem}.py"
        print(f"\n=== {path.name} ===", flush=True)
        runpy.run_path(str(path), run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
