"""Reports how many replies the contract tests served per operation (a table in
``build/test-reports/``, its totals in the terminal summary)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.contract.counts import TRIED
from tests.reports import report_table


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not TRIED:
        return
    lines = []
    total_ok = total_broken = 0
    for key in sorted(TRIED):
        ok, broken = TRIED[key]
        total_ok += ok
        total_broken += broken
        lines.append(f"{key:<76} {ok:>3} decoded {broken:>3} refused")
    operations = {key.rsplit(" (", 1)[0] for key in TRIED}
    summary = (
        f"published contract: {len(operations)} operations ({len(TRIED)} responses): "
        f"{total_ok} allowed replies decoded, {total_broken} broken replies raised "
        "ArdentResponseError"
    )
    report_table(terminalreporter.config, "contract-replies", lines, summary)


@pytest.fixture(scope="session")
def published() -> dict[str, Any]:
    from ardent_async._spec import load_published_spec

    return load_published_spec()
