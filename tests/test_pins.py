"""constraints.txt, pyproject.toml and environment.yml must name the same versions."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def load_pins(python_version: str) -> dict[str, str]:
    """name → pinned version for one Python version (markers evaluated)."""
    pins = {}
    for raw in (ROOT / "constraints.txt").read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        spec, _, marker = line.partition(";")
        if marker.strip() and not Marker(marker.strip()).evaluate({"python_version": python_version}):
            continue
        name, _, version = spec.strip().partition("==")
        assert version, f"constraints.txt: {raw!r} is not pinned with =="
        key = canonicalize_name(name)
        assert key not in pins, f"constraints.txt pins {name} twice for Python {python_version}"
        pins[key] = version
    return pins


def pyproject_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        reqs += extra
    return [Requirement(r) for r in reqs]


def environment_yml() -> tuple[str, dict[str, str]]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    python, packages = None, {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for item in dep.get("pip", []):
                if item.startswith("-e"):
                    continue
                name, _, version = item.partition("==")
                packages[canonicalize_name(name)] = version
        else:
            name, _, version = dep.partition("=")
            if name == "python":
                python = version
            elif name != "pip":
                packages[canonicalize_name(name)] = version
    return python, packages


@pytest.mark.parametrize("python_version", ["3.10", "3.11", "3.12", "3.13"])
def test_every_direct_dependency_is_pinned_inside_its_range(python_version):
    pins = load_pins(python_version)
    for req in pyproject_requirements():
        key = canonicalize_name(req.name)
        assert key in pins, f"{req.name} is in pyproject.toml but not pinned in constraints.txt"
        assert req.specifier.contains(pins[key], prereleases=True), (
            f"constraints.txt pins {req.name}=={pins[key]} (Python {python_version}), "
            f"outside pyproject's range {req.specifier}"
        )


def test_environment_yml_matches_the_pins():
    python, packages = environment_yml()
    pins = load_pins(python)
    for name, version in packages.items():
        assert name in pins, f"environment.yml names {name}, which constraints.txt does not pin"
        assert version == pins[name], (
            f"environment.yml has {name}={version} but constraints.txt pins {pins[name]}"
        )
    direct = {canonicalize_name(r.name) for r in pyproject_requirements()}
    missing = direct - set(packages)
    assert not missing, f"environment.yml lacks direct dependencies {sorted(missing)}"


def test_environment_yml_installs_the_repo_editable():
    text = (ROOT / "environment.yml").read_text()
    assert re.search(r"^\s*- -e \.\s*$", text, re.M), "environment.yml must pip-install the repo with -e ."
