"""mkdocs hook: the public surface is documented, or the build fails.

Checks, with griffe (the library mkdocstrings renders the reference with, so "has a docstring"
means "the reference shows a description"):

- every public module has a docstring and is rendered (``::: module``) on a reference page, and
  every top-level public module is listed (a new one cannot be forgotten);
- every name a public module exports (``__all__``) has a docstring: classes, functions and
  module-level constants (an attribute docstring, the string right after the assignment);
- every public method and property of an exported class has one (plain data fields are
  described by their class; enum members and dunders are exempt).

Each problem is logged as a warning, which ``mkdocs build --strict`` turns into a failure.
``python docs/_hooks/public_api.py`` prints the same list without building.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import griffe

PACKAGE = "ardent_async"
PUBLIC_MODULES = (
    "ardent_async",
    "ardent_async.errors",
    "ardent_async.models",
    "ardent_async.services",
    "ardent_async.fanout",
    "ardent_async.events",
    "ardent_async.preflight",
    "ardent_async.connector_state",
    "ardent_async.configs",
    "ardent_async.legacy",
    "ardent_async.sync",
    "ardent_async.compat",
    "ardent_async.agents",
    "ardent_async.mcp_server",
    "ardent_async.emulator",
    "ardent_async.emulator.pytest_plugin",
)
#: Public-named modules that are programs, not a library surface (their pages describe them).
APPLICATIONS = ("ardent_async.cli", "ardent_async.demo")
ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "docs" / "reference"
_DIRECTIVE = re.compile(r"^:::\s*([\w.]+)", re.MULTILINE)

log = logging.getLogger("mkdocs.hooks.public_api")


def undocumented(
    package: str = PACKAGE,
    modules: tuple[str, ...] = PUBLIC_MODULES,
    search_paths: list[str] | None = None,
) -> list[str]:
    """Every public symbol of ``modules`` without a docstring, as ``module: symbol`` lines."""
    loaded = griffe.load(
        package,
        search_paths=search_paths or [str(ROOT)],
        resolve_aliases=True,
        resolve_external=False,
    )
    problems: list[str] = []
    for name in modules:
        module = loaded if name == package else loaded[name.removeprefix(package + ".")]
        problems.extend(f"{name}: {symbol}" for symbol in _missing_in_module(module, package))
    return problems


def unreferenced(
    modules: tuple[str, ...] = PUBLIC_MODULES, reference: Path = REFERENCE
) -> list[str]:
    """Public modules that no reference page renders with a ``::: module`` directive."""
    rendered = {
        match.group(1)
        for page in reference.glob("*.md")
        for match in _DIRECTIVE.finditer(page.read_text(encoding="utf-8"))
    }
    return [name for name in modules if name not in rendered]


def unlisted(
    package: str = PACKAGE,
    modules: tuple[str, ...] = PUBLIC_MODULES,
    search_paths: list[str] | None = None,
) -> list[str]:
    """Top-level public modules in neither ``PUBLIC_MODULES`` nor ``APPLICATIONS``."""
    loaded = griffe.load(package, search_paths=search_paths or [str(ROOT)])
    return [
        f"{package}.{name}"
        for name, member in loaded.members.items()
        if not name.startswith("_")
        and not member.is_alias
        and member.is_module
        and f"{package}.{name}" not in (*modules, *APPLICATIONS)
    ]


def _missing_in_module(module: Any, package: str) -> Iterator[str]:
    if not module.docstring:
        yield "(module docstring)"
    exports = module.exports
    if exports is None:
        # No __all__ (the pytest plugin): its own public functions and classes.
        exports = [
            name
            for name, member in module.members.items()
            if not name.startswith("_")
            and not member.is_alias
            and (member.is_function or member.is_class)
        ]
    for export in exports:
        name = export if isinstance(export, str) else export.name
        if name.startswith("__") and name.endswith("__"):
            continue
        obj = _target(module.get_member(name) if name in module.members else None)
        if obj is None:
            yield f"{name} (cannot be resolved)"
            continue
        if not obj.docstring:
            yield name
        if obj.is_class:
            yield from (f"{name}.{member}" for member in _missing_in_class(obj, package))


def _missing_in_class(cls: Any, package: str) -> Iterator[str]:
    if any(str(base).endswith("Enum") for base in cls.bases):
        return
    for name, member in cls.all_members.items():
        if name.startswith("_"):
            continue
        target = _target(member)
        if target is None or not target.path.startswith(package + "."):
            continue
        if (target.is_function or "property" in target.labels) and not target.docstring:
            yield name


def _target(obj: Any) -> Any:
    if obj is None:
        return None
    try:
        return obj.final_target if obj.is_alias else obj
    except (griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None


def on_pre_build(config: Any) -> None:
    """Warn (fail under ``--strict``) for each undocumented or unrendered public symbol."""
    for problem in undocumented():
        log.warning("public symbol without a docstring: %s", problem)
    for name in unreferenced():
        log.warning("public module %s is not rendered on any docs/reference page", name)
    for name in unlisted():
        log.warning("public module %s is not in docs/_hooks/public_api.py's lists", name)


if __name__ == "__main__":
    found = [
        *undocumented(),
        *(f"{n}: not rendered" for n in unreferenced()),
        *(f"{n}: not listed" for n in unlisted()),
    ]
    print("\n".join(found) or "every public symbol is documented")
    sys.exit(1 if found else 0)
