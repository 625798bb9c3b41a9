"""What the package imports is what pyproject.toml declares, and the project has one licence."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def declared(requirements: list[str]) -> set[str]:
    return {normalized(re.match(r"[A-Za-z0-9._-]+", line)[0]) for line in requirements}


def normalized(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()


def imported(*folders: str) -> dict[str, set[str]]:
    """Top-level modules outside the standard library -> the files importing them."""
    modules: dict[str, set[str]] = {}
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            if "node_modules" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top != "gemini_widgets":
                        modules.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return modules


def undeclared(modules: dict[str, set[str]], allowed: set[str], local: set[str]) -> list[str]:
    providers = importlib.metadata.packages_distributions()
    missing = []
    for module, files in sorted(modules.items()):
        if module in local:
            continue
        dists = {normalized(d) for d in providers.get(module, [])}
        if not dists & allowed:
            missing.append(f"{module} ({', '.join(sorted(dists)) or '?'}) in {sorted(files)[0]}")
    return missing


def test_every_module_the_package_imports_is_a_declared_dependency():
    # An optional feature's import (Pillow for ``result.images``) is in its own extra.
    extras = PYPROJECT["project"]["optional-dependencies"]
    features = {d for name, deps in extras.items() if name != "dev" for d in declared(deps)}
    runtime = declared(PYPROJECT["project"]["dependencies"]) | features
    missing = undeclared(imported("gemini_widgets"), runtime, local=set())
    assert not missing, f"add to [project].dependencies in pyproject.toml: {missing}"


def test_every_module_the_tests_and_benchmarks_import_is_in_the_dev_extra():
    allowed = declared(PYPROJECT["project"]["dependencies"]) | declared(
        PYPROJECT["project"]["optional-dependencies"]["dev"]
    )
    # Their own helper modules, imported by file name.
    local = {
        path.stem
        for folder in ("tests", "benchmarks")
        for path in (ROOT / folder).rglob("*.py")
        if "node_modules" not in path.parts
    }
    missing = undeclared(imported("tests", "benchmarks"), allowed, local)
    assert not missing, f"add to the dev extra in pyproject.toml: {missing}"


def test_python_and_javascript_sides_have_one_licence():
    package_json = json.loads((ROOT / "js" / "package.json").read_text())
    assert PYPROJECT["project"]["license"] == package_json["license"] == "Apache-2.0"
    assert "Apache License" in (ROOT / "LICENSE").read_text()
