"""The import contracts (``pyproject.toml``, checked by ``lint-imports``) cover every slice, so the next
slice cannot be forgotten: a slice is a folder of ``src/inklusi`` with a ``service.py`` or a ``service/``
package; it must be a container of the layers contract, and each of its modules must sit in one of the
layers."""

from __future__ import annotations

import ast
import re
import tomllib

from tests.conftest import REPOSITORY as ROOT

PACKAGE = ROOT / "src" / "inklusi"


def contracts() -> list[dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["importlinter"]["contracts"]


def slices() -> list[str]:
    return sorted(
        folder.name
        for folder in PACKAGE.iterdir()
        if (folder / "__init__.py").is_file()
        and ((folder / "service.py").is_file() or (folder / "service" / "__init__.py").is_file())
    )


def modules_of(slice_name: str) -> list[str]:
    """The slice's own modules and subpackages (a subpackage's modules sit in its layer)."""
    folder = PACKAGE / slice_name
    files = [path.stem for path in folder.glob("*.py") if path.stem != "__init__"]
    packages = [path.parent.name for path in folder.glob("*/__init__.py")]
    return sorted(files + packages)


def layer_names(layer: str) -> set[str]:
    return {name.strip().strip("()") for name in re.split(r"[|:]", layer)}


def layered() -> dict[str, set[str]]:
    """Each container of a layers contract, with the module names its layers place."""
    found: dict[str, set[str]] = {}
    for contract in contracts():
        if contract["type"] == "layers":
            names = set().union(*(layer_names(layer) for layer in contract["layers"]))
            for container in contract.get("containers", []):
                found.setdefault(container, set()).update(names)
    return found


def test_slices_are_found() -> None:
    assert {"access", "audit", "instrument", "linkage", "registry", "welfare", "wilayah"} <= set(slices())


def test_every_slice_is_a_container_of_the_layers_contract() -> None:
    missing = [name for name in slices() if f"inklusi.{name}" not in layered()]
    assert not missing, f"slices missing from the layers contract in pyproject.toml: {missing}"


def test_every_module_of_a_slice_sits_in_a_layer() -> None:
    containers = layered()
    unplaced = [
        f"inklusi.{name}.{module}"
        for name in slices()
        for module in modules_of(name)
        if module not in containers.get(f"inklusi.{name}", set())
    ]
    assert not unplaced, f"modules in no layer of the layers contract in pyproject.toml: {unplaced}"


def test_the_bottom_layers_are_checked_pure() -> None:
    (layers,) = [c for c in contracts() if "inklusi.registry" in c.get("containers", [])]
    bottom = layer_names(layers["layers"][-2]) | layer_names(layers["layers"][-1])
    (pure,) = [c for c in contracts() if c["name"].startswith("Domain models are pure")]
    unchecked = sorted({f"inklusi.*.{name}" for name in bottom} - set(pure["source_modules"]))
    assert not unchecked, f"bottom-layer modules the purity contract does not check: {unchecked}"


def internals(slice_name: str) -> set[str]:
    """What other slices may never import: the slice's store, tables and edges, and, when its service is a
    package, the package's submodules (others use what the package exports)."""
    modules = set(modules_of(slice_name))
    found = {
        f"inklusi.{slice_name}.{name}" for name in ("store", "tables", "api", "cli", "web") if name in modules
    }
    if (PACKAGE / slice_name / "service" / "__init__.py").is_file():
        found.add(f"inklusi.{slice_name}.service.**")
    return found


def test_every_slice_is_guarded_against_the_others() -> None:
    unguarded = []
    for name in slices():
        others = {f"inklusi.{other}" for other in slices() if other != name}
        if not any(
            contract["type"] == "forbidden"
            and others <= set(contract["source_modules"])
            and internals(name) <= set(contract["forbidden_modules"])
            for contract in contracts()
        ):
            unguarded.append(name)
    assert not unguarded, f"slices whose internals other slices may import (pyproject.toml): {unguarded}"


def test_only_the_engine_imports_duckdb_or_pyspark():
    offenders = []
    for module in PACKAGE.rglob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] in ("duckdb", "pyspark") for n in names):
                offenders.append(module.relative_to(PACKAGE).as_posix())
    assert set(offenders) <= {"analytics/engine.py"}


def imported_roots(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_disclosure_control_imports_only_numpy_pyarrow_and_the_foundation() -> None:
    """The ppks and sharing slices build on inklusi.disclosure: it stays a pure foundation module."""
    allowed_packages = {"numpy", "pyarrow", "__future__", "itertools", "collections", "dataclasses", "enum"}
    foundation = {"inklusi.errors", "inklusi.i18n"}
    modules = sorted((PACKAGE / "disclosure").glob("*.py"))
    assert modules, "inklusi.disclosure has moved"
    imports = set().union(*(imported_roots(m.relative_to(PACKAGE).as_posix()) for m in modules))
    imports = {name for name in imports if not name.startswith("inklusi.disclosure")}
    extra = {
        name for name in imports if name not in foundation and name.split(".")[0] not in allowed_packages
    }
    assert not extra, f"inklusi.disclosure imports more than numpy, pyarrow and the foundation: {extra}"
    (contract,) = [c for c in contracts() if c.get("source_modules") == ["inklusi.disclosure"]]
    assert {f"inklusi.{name}" for name in slices()} <= set(contract["forbidden_modules"])
