"""The shape of course_utils: dependencies point one way, and packages meet only in public.

Read from the source with `ast` (nothing is imported), counting every import, also those inside
functions (a lazy import is still a dependency):
- no module imports another package's private (`_x`) module or private name; what two packages
  share is public, or lives in the shared `course_utils._validate`;
- no import cycle, neither between modules nor between packages;
- every package's `__all__` lists names that exist, and every name in it is used somewhere
  (by a notebook, another package, a test, a benchmark or a tool).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "course_utils"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def is_private(part: str) -> bool:
    return part.startswith("_") and not part.startswith("__")


def imports(name: str) -> list[tuple[str, str | None]]:
    """(module imported, name taken from it or None) for every import in module `name`."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names if alias.name.startswith("course_utils")]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if not base.startswith("course_utils"):
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.append((sub, None) if sub in MODULES else (base, alias.name))
    return found


def owner(module: str) -> str:
    """The package a module belongs to: course_utils.network.layers → course_utils.network."""
    return module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]


def test_the_scan_sees_the_package():
    assert {"course_utils.activations", "course_utils.activations._base", "course_utils._validate",
            "course_utils.widgets._base", "course_utils.keras_compare.values"} <= set(MODULES)
    assert ("course_utils._validate", "describe") in imports("course_utils.activations._base")


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_reaches_into_another_packages_private_parts(name):
    for target, attr in imports(name):
        parts = target.split(".")
        for i, part in enumerate(parts):
            if is_private(part):  # a private module: only its own package may import it
                home = ".".join(parts[:i])
                assert name == home or name.startswith(home + "."), (
                    f"{name} imports {target}, a private module of {home}")
        if attr is not None and is_private(attr):
            assert owner(name) == owner(target), f"{name} imports the private name {target}.{attr}"


def graph(key=lambda m: m) -> dict:
    edges = {}
    for name in MODULES:
        for target, _ in imports(name):
            a, b = key(name), key(target)
            if a != b:
                edges.setdefault(a, set()).add(b)
    return edges


def find_cycle(edges: dict) -> list | None:
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def top_package(module: str) -> str:
    """course_utils.network.layers → course_utils.network; top-level modules stand alone."""
    return ".".join(module.split(".")[:2])


def test_no_import_cycle_between_modules():
    assert find_cycle(graph()) is None, " → ".join(find_cycle(graph()))


def test_no_import_cycle_between_packages():
    cycle = find_cycle(graph(top_package))
    assert cycle is None, " → ".join(cycle)


def test_the_cycle_finder_finds_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}}) is None


# --- __all__: exists, and is used --------------------------------------------------------------
PACKAGES = sorted(m for m, p in MODULES.items() if p.name == "__init__.py" and m != "course_utils")


def declared_all(name: str) -> list[str]:
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            return ast.literal_eval(node.value)
    return []


def corpus() -> str:
    """All code that could use a name: notebooks' code cells, other packages, tests, tools."""
    texts = []
    for folder in ("notebooks", "solutions", "exercises"):
        for nb in sorted((ROOT / folder).glob("*.ipynb")):
            cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
            texts += ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    for folder in ("tests", "benchmarks", "tools"):
        texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / folder).rglob("*.py"))
                  if p.name != Path(__file__).name]
    return "\n".join(texts)


@pytest.mark.parametrize("name", PACKAGES)
def test_every_exported_name_exists_and_is_used(name):
    import importlib

    package = importlib.import_module(name)
    exported = declared_all(name)
    assert exported, f"{name} has no __all__"
    missing = [n for n in exported if not hasattr(package, n)]
    assert not missing, f"{name}.__all__ lists names it does not define: {missing}"
    others = corpus() + "\n".join(
        p.read_text(encoding="utf-8") for m, p in MODULES.items() if top_package(m) != name)
    unused = [n for n in exported if n not in others]
    assert not unused, f"{name}.__all__ exports names nothing outside the package uses: {unused}"
