"""Figures the suite reports (chaos totals, conformance counts...): shown in pytest's terminal
summary, after the progress dots, never in the middle of them. Long tables go to files under
``build/test-reports/`` with one line in the summary naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

FOLDER = Path(__file__).resolve().parents[1] / "build" / "test-reports"
_LINES = pytest.StashKey[list[str]]()


def report(config: pytest.Config, text: str) -> None:
    """Show ``text`` in the terminal summary's ``reports`` section."""
    config.stash.setdefault(_LINES, []).append(text.strip("\n"))


def report_table(config: pytest.Config, name: str, lines: list[str], summary: str) -> None:
    """Write ``lines`` to ``build/test-reports/NAME.txt``; show ``summary`` and the file."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    path = FOLDER / f"{name}.txt"
    path.write_text("\n".join([*lines, summary]) + "\n", encoding="utf-8")
    report(config, f"{summary} (table: {path})")


def reported(config: pytest.Config) -> list[str]:
    return config.stash.get(_LINES, [])
