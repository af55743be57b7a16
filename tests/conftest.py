"""Suite-wide collection rules and settings.

Tests that start processes, real Postgres servers or long chaos runs are marked ``slow``: they
exercise integration, not the interpreter, so ``nox -s tests`` runs them on one Python (3.11)
and the fast rest on every Python of the matrix (see noxfile.py). ``pytest`` alone runs all.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from tests.reports import reported
from tests.upstream_leaks import leaked_loop_filters

TESTS = Path(__file__).parent

# missing_extras: in CI a skipped import of an extra's module fails the run.
pytest_plugins = ["tests.missing_extras", "pytester"]

# In CI, property tests draw the same examples on every run: a test that finds a bug by chance
# would be a flake there (fix it, and pin the example with @example). Locally they explore.
settings.register_profile("ardent-ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ardent-ci")

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


def pytest_configure(config: pytest.Config) -> None:
    for warning_filter in leaked_loop_filters():
        config.addinivalue_line("filterwarnings", warning_filter)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--reversed-order",
        action="store_true",
        help="run the tests in reverse order (with -p no:randomly): finds order dependencies",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        relative = Path(item.path).resolve().relative_to(TESTS).as_posix()
        if any(relative == slow or relative.startswith(f"{slow}/") for slow in SLOW):
            item.add_marker(pytest.mark.slow)
    if config.getoption("--reversed-order"):
        items.reverse()


@pytest.hookimpl(trylast=True)  # after the conftests that add their figures in this hook
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = reported(terminalreporter.config)
    if lines:
        terminalreporter.section("reports")
        for line in lines:
            terminalreporter.write_line(line)
    # The order's seed, at the end too (``-q`` hides the header): ``-p randomly
    # --randomly-seed=N`` runs the tests in that order again.
    seed = getattr(terminalreporter.config.option, "randomly_seed", None)
    if isinstance(seed, int) and terminalreporter.config.pluginmanager.has_plugin("randomly"):
        terminalreporter.write_line(f"tests ran in random order: --randomly-seed={seed}")
