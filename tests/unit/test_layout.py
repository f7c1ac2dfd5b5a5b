"""The code's shape: imports flow one way, and each package declares its public names."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import sys
from pathlib import Path

import pytest

import footcast

SRC = Path(footcast.__file__).parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _modules(package: str) -> list[Path]:
    return sorted((SRC / package).rglob("*.py"))


@pytest.mark.parametrize("path", _modules("domain"), ids=lambda p: p.name)
def test_domain_imports_only_the_standard_library_itself_and_errors(path: Path) -> None:
    allowed_footcast = {"footcast.domain", "footcast.errors"}
    for name in _imports(path):
        root = name.split(".")[0]
        if root == "footcast":
            assert any(name == a or name.startswith(a + ".") for a in allowed_footcast), name
        else:
            assert root in sys.stdlib_module_names or root == "__future__", (path.name, name)


@pytest.mark.parametrize("package", ["domain", "sources", "forecasters"])
def test_inner_packages_never_import_db_web_or_cli(package: str) -> None:
    for path in _modules(package):
        for name in _imports(path):
            assert not name.startswith(("footcast.db", "footcast.web", "footcast.cli")), (
                path.name,
                name,
            )


_PACKAGES = tuple(
    f"footcast.{p.name}" for p in sorted(SRC.iterdir()) if (p / "__init__.py").is_file()
)
_ABOVE_DB = ("sources", "forecasters", "pipeline", "ops", "web", "commands", "cli", "demo")

# package or module -> what none of its modules may import. ``db`` is below everything that
# uses it; ``web`` calls ``ops`` and ``db`` (an operator action that needs the pipeline is an
# ``ops`` function); ``config`` is read by every package, so it imports none of them.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "db": tuple(f"footcast.{p}" for p in _ABOVE_DB),
    "web": ("footcast.pipeline", "footcast.commands", "footcast.cli"),
    "ops": ("footcast.web", "footcast.commands", "footcast.cli"),
    "pipeline": ("footcast.web", "footcast.ops", "footcast.commands", "footcast.cli"),
    "config.py": _PACKAGES,
    "clock.py": _PACKAGES,
}


def _forbidden_imports(place: str) -> list[tuple[str, str]]:
    paths = [SRC / place] if place.endswith(".py") else _modules(place)
    return [
        (path.name, name)
        for path in paths
        for name in sorted(_imports(path))
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN[place])
    ]


@pytest.mark.parametrize("place", sorted(FORBIDDEN))
def test_imports_flow_one_way(place: str) -> None:
    assert _forbidden_imports(place) == []


def test_web_does_not_import_pipeline() -> None:
    assert _forbidden_imports("web") == []


def test_errors_is_a_leaf_module() -> None:
    imported = {n for n in _imports(SRC / "errors.py") if n.startswith("footcast")}
    assert imported == set()


def _all_modules() -> list[str]:
    names = ["footcast"]
    for info in pkgutil.walk_packages([str(SRC)], prefix="footcast."):
        if ".migrations" not in info.name:
            names.append(info.name)
    return names


@pytest.mark.parametrize("name", _all_modules())
def test_module_all_lists_its_public_names(name: str) -> None:
    module = importlib.import_module(name)
    declared = getattr(module, "__all__", None)
    assert declared is not None, f"{name} has no __all__"
    for public in declared:
        assert hasattr(module, public), f"{name}.__all__ names missing {public}"
    if name == "footcast.cli" or name.startswith("footcast.commands."):
        return  # command functions are reached through `app`, not imported
    defined_here = {
        attr
        for attr, value in vars(module).items()
        if not attr.startswith("_")
        and getattr(value, "__module__", None) == name
        and callable(value)
    }
    assert defined_here <= set(declared), f"{name} defines public {defined_here - set(declared)}"
