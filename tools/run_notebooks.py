"""Execute notebooks in place: a fresh kernel each, top to bottom, deterministic metadata.

Usage: python tools/run_notebooks.py NOTEBOOK.ipynb [...]   (`make notebooks` runs them all)
       python tools/run_notebooks.py --check NOTEBOOK.ipynb [...]   run them, write nothing

The stored outputs are what nbval compares, so they must come from one clean run: this clears
old outputs, runs every cell in order, and stores no timings. A failing notebook is reported
with its cell and error, left unchanged on disk, and makes the command exit non-zero.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 600


def kernel_env() -> dict:
    """Environment for the kernel: hash seed fixed, no user config leaking into outputs."""
    env = dict(os.environ)
    env["PYTHONHASHSEED"] = "0"
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env["TQDM_DISABLE"] = "1"
    return env


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def stable_widget_ids(nb, name: str) -> None:
    """Replace the random model ids of stored widget views by ids derived from the cell.

    The models do not outlive the kernel, so the ids only ever point at nothing; random ones
    would change every file on every run. (JupyterLab shows the stored PNG beside each view.)
    """
    for i, cell in enumerate(nb.cells):
        for j, output in enumerate(cell.get("outputs", [])):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view and view.get("model_id"):
                view["model_id"] = hashlib.sha1(f"{name}:{i}:{j}".encode()).hexdigest()[:32]


def coalesce_streams(nb) -> None:
    """Merge consecutive stdout (or stderr) outputs of a cell into one, as nbval compares them:
    where a print is split depends on flush timing, which would change files run to run."""
    for cell in nb.cells:
        merged = []
        for output in cell.get("outputs", []):
            last = merged[-1] if merged else None
            if (output.get("output_type") == "stream" and last is not None
                    and last.get("output_type") == "stream" and last.get("name") == output.get("name")):
                last["text"] = "".join(last["text"]) + "".join(output["text"])
            else:
                merged.append(output)
        if "outputs" in cell:
            cell.outputs = merged


def execute(path: Path, name: str | None = None, write: bool = True) -> float:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
    client = NotebookClient(
        nb,
        timeout=TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    start = time.perf_counter()
    client.execute(env=kernel_env())  # the kernel's environment; this process's stays as it was
    elapsed = time.perf_counter() - start
    if not write:
        return elapsed
    nb.metadata.pop("widgets", None)  # widget state from a headless run is noise
    coalesce_streams(nb)
    stable_widget_ids(nb, name or path.name)  # `name`: the final file name when `path` is a temporary
    # Atomic write: a crash mid-write never leaves a half notebook.
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".ipynb.tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        nbformat.write(nb, fh)
    os.replace(tmp, path)
    return elapsed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="run them, write nothing")
    args = parser.parse_args(argv)
    failed = []
    for path in args.notebooks:
        if not path.exists():
            print(f"skip {path}: no such file")  # e.g. an unmatched glob
            continue
        try:
            seconds = execute(path, write=not args.check)
        except CellExecutionError as err:
            failed.append(path)
            print(f"FAILED {path}:\n{str(err)[-2000:]}", file=sys.stderr)
            continue
        print(f"ran {path} in {seconds:.1f} s")
    if failed:
        print(f"{len(failed)} notebook(s) failed: {', '.join(map(str, failed))}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
