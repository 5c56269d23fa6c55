"""Generate exercises/ from solutions/ with nbgrader's own preprocessors (never losing a student's work).

Usage:
    python tools/make_exercises.py                  regenerate every exercises/NN_*.ipynb
    python tools/make_exercises.py solutions/01_sigmoid.ipynb   just that one
    python tools/make_exercises.py --force          also overwrite notebooks edited since generated
    python tools/make_exercises.py --check          exit 1 if exercises/ is out of date (writes nothing)
    python tools/make_exercises.py --no-execute     do not run them (no outputs; for a quick look)
    (`make exercises` runs the first form; `make exercises FORCE=1` the --force one.)

The solutions are the source of truth: each `### BEGIN SOLUTION` … `### END SOLUTION` region
becomes `raise NotImplementedError()`, each written answer becomes "YOUR ANSWER HERE", hidden
tests and outputs are removed and the check cells are locked — by nbgrader's ClearSolutions,
ClearHiddenTests, ClearMarkScheme, ClearOutput and LockCells, the same steps as
`nbgrader generate_assignment`. The result is then executed (tools/run_notebooks.py), so the
committed exercises show what a student sees first: every check says "not implemented yet"
(and GitHub shows the plots).

A student's work is never lost. Each generated notebook stores a fingerprint (SHA-256 of its
cell types and sources) in its metadata; a notebook whose cells no longer match it (or that has
none) was edited, and the command then refuses, names it, and writes nothing at all unless
--force is given (an edited notebook is first copied to NAME.ipynb.bak). Every write goes to a
temporary file that replaces the target in one step (os.replace), only after all notebooks were
generated and executed, so an error never leaves a half-written or half-updated exercises/.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_notebooks import execute  # noqa: E402 - the one way notebooks are executed here

FINGERPRINT_KEY = "course_utils"
# Cell metadata a front end may change without the student editing anything.
VOLATILE_CELL_METADATA = ("execution", "collapsed", "scrolled", "trusted", "jp-MarkdownHeadingCollapsed")


class Refused(Exception):
    """Some targets were edited since they were generated; nothing was written."""


def content_hash(nb) -> str:
    """SHA-256 of what a student edits: each cell's type and source, in order."""
    cells = [[cell.cell_type, cell.source] for cell in nb.cells]
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode("utf-8")).hexdigest()


def generate(solution, source_name: str):
    """The exercise notebook for one solutions notebook (in memory, not executed)."""
    from nbgrader.preprocessors import (
        CheckCellMetadata, ClearHiddenTests, ClearMarkScheme, ClearOutput, ClearSolutions,
        LockCells,
    )

    nb = copy.deepcopy(solution)
    resources = {}
    for step in (CheckCellMetadata(), ClearHiddenTests(), ClearMarkScheme(), ClearSolutions(),
                 ClearOutput(), LockCells(), CheckCellMetadata()):
        nb, resources = step.preprocess(nb, resources)
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
    nb.metadata.pop("widgets", None)
    nb.metadata[FINGERPRINT_KEY] = {
        "generated_from": source_name,
        "generator": "tools/make_exercises.py (edit the solutions notebook, not this one)",
        "content_sha256": content_hash(nb),
    }
    return nb


def edited_reason(path: Path):
    """None if `path` is missing or unchanged since generated; otherwise why it counts as edited."""
    if not path.exists():
        return None
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as err:  # noqa: BLE001 - unreadable means we cannot prove it is unedited
        return f"cannot be read as a notebook ({type(err).__name__})"
    stored = nb.metadata.get(FINGERPRINT_KEY, {}).get("content_sha256")
    if stored is None:
        return "has no generator fingerprint (not made by this tool)"
    if stored != content_hash(nb):
        return "was edited since it was generated"
    return None


def comparable(nb) -> dict:
    """What must match between a committed exercise and a fresh one: cells and fingerprint."""
    cells = []
    for cell in nb.cells:
        meta = {k: v for k, v in cell.metadata.items() if k not in VOLATILE_CELL_METADATA}
        cells.append({"cell_type": cell.cell_type, "source": cell.source, "metadata": meta})
    return {"cells": cells, "fingerprint": nb.metadata.get(FINGERPRINT_KEY)}


def _atomic_write(nb, path: Path) -> Path:
    """Write nb to a temporary file beside `path` and return it (the caller os.replace-s it)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".ipynb.tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            nbformat.write(nb, fh)
    except BaseException:
        os.unlink(tmp)
        raise
    return Path(tmp)


def make_exercises(solutions, out_dir: Path, force=False, run=True, log=print) -> list[Path]:
    """Generate (and execute) the exercises for `solutions` into `out_dir`; returns the targets.

    Raises Refused (and writes nothing) if a target was edited since it was generated and
    force is False. Any other error also leaves every target untouched.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    plan = []
    for source in solutions:
        source = Path(source)
        try:
            name = source.resolve().relative_to(ROOT).as_posix()
        except ValueError:
            name = source.name
        nb = generate(nbformat.read(source, as_version=4), name)
        plan.append((out_dir / source.name, nb))
    edited = [(target, why) for target, _ in plan if (why := edited_reason(target))]
    if edited and not force:
        lines = [f"  {t.relative_to(out_dir.parent) if out_dir.parent in t.parents else t}: {why}"
                 for t, why in edited]
        raise Refused(
            "Refusing to overwrite exercise notebooks that may hold a student's work:\n"
            + "\n".join(lines)
            + "\nNothing was written. Move them away, or rerun with --force (each is first "
              "copied to NAME.ipynb.bak)."
        )
    temps = []
    try:
        for target, nb in plan:
            tmp = _atomic_write(nb, target)
            temps.append((tmp, target))
            if run:
                seconds = execute(tmp, name=target.name)
                log(f"generated and ran {target.name} in {seconds:.1f} s")
            else:
                log(f"generated {target.name}")
        for target, _ in edited:  # only reached with force=True
            shutil.copy2(target, target.with_name(target.name + ".bak"))
            log(f"saved the edited {target.name} as {target.name}.bak")
        for tmp, target in temps:
            os.replace(tmp, target)
    finally:
        for tmp, _ in temps:
            if tmp.exists():
                tmp.unlink()
    return [target for target, _ in plan]


def out_of_date(solutions, out_dir: Path) -> list[str]:
    """Targets whose cells or fingerprint differ from a fresh generation (for --check and tests)."""
    stale = []
    for source in solutions:
        source = Path(source)
        target = out_dir / source.name
        try:
            name = source.resolve().relative_to(ROOT).as_posix()
        except ValueError:
            name = source.name
        fresh = generate(nbformat.read(source, as_version=4), name)
        if not target.exists() or comparable(nbformat.read(target, as_version=4)) != comparable(fresh):
            stale.append(str(target))
    return stale


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("solutions", nargs="*", type=Path,
                        help="solutions notebooks (default: solutions/*.ipynb)")
    parser.add_argument("--out", type=Path, default=ROOT / "exercises", help="output directory")
    parser.add_argument("--force", action="store_true",
                        help="overwrite exercise notebooks edited since they were generated")
    parser.add_argument("--no-execute", dest="run", action="store_false",
                        help="do not execute the generated notebooks (outputs stay empty)")
    parser.add_argument("--check", action="store_true",
                        help="only report whether the exercises are up to date (exit 1 if not)")
    args = parser.parse_args(argv)
    solutions = args.solutions or sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
    if not solutions:
        print("no solutions notebooks found", file=sys.stderr)
        return 1
    if args.check:
        stale = out_of_date(solutions, args.out)
        for path in stale:
            print(f"out of date: {path} (run: make exercises)")
        return 1 if stale else 0
    try:
        make_exercises(solutions, args.out, force=args.force, run=args.run)
    except Refused as err:
        print(err, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
