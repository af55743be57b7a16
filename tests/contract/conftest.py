"""Prints how many replies the contract tests served per operation (also without ``-s``)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.contract.counts import TRIED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not TRIED:
        return
    terminalreporter.section("published contract: replies served per operation")
    total_ok = total_broken = 0
    for key in sorted(TRIED):
        ok, broken = TRIED[key]
        total_ok += ok
        total_broken += broken
        terminalreporter.write_line(f"{key:<76} {ok:>3} decoded {broken:>3} refused")
    operations = {key.rsplit(" (", 1)[0] for key in TRIED}
    terminalreporter.write_line(
        f"{len(operations)} operations ({len(TRIED)} responses): {total_ok} allowed replies"
        f" decoded, {total_broken} broken replies raised ArdentResponseError"
    )


@pytest.fixture(scope="session")
def published() -> dict[str, Any]:
    from ardent_async._spec import load_published_spec

    return load_published_spec()
