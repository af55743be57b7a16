"""Suite-wide collection rules.

Tests that start processes, real Postgres servers or long chaos runs are marked ``slow``: they
exercise integration, not the interpreter, so ``nox -s tests`` runs them on one Python (3.11)
and the fast rest on every Python of the matrix (see noxfile.py). ``pytest`` alone runs all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reports import reported

TESTS = Path(__file__).parent

# Directories and files whose tests are slow as a whole.
SLOW = (
    "cli",
    "demo",
    "emulator_postgres",
    "conformance",
    "reliability/test_chaos.py",
    "reliability/test_cross_process.py",
    "emulator/test_postgres.py",
    "packaging/test_pytest_plugin.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        relative = Path(item.path).resolve().relative_to(TESTS).as_posix()
        if any(relative == slow or relative.startswith(f"{slow}/") for slow in SLOW):
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(trylast=True)  # after the conftests that add their figures in this hook
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = reported(terminalreporter.config)
    if lines:
        terminalreporter.section("reports")
        for line in lines:
            terminalreporter.write_line(line)
