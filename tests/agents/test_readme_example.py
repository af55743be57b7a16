"""The docs' agent tools example (docs/agents.md) runs as written against the emulator."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from ardent_async import ArdentClient
from ardent_async.emulator import Emulator
from tests.emulator.helpers import ready_connector

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _example(marker: str) -> dict[str, Any]:
    """The docs block containing ``marker``, run without its last line (the call of main)."""
    text = "\n".join(page.read_text() for page in sorted(DOCS.glob("*.md")))
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    (block,) = [b for b in blocks if marker in b]
    body, last = block.rstrip().rsplit("\n", 1)
    assert "main(" in last
    namespace: dict[str, Any] = {"__name__": "readme_example"}
    exec(compile(body, "docs", "exec"), namespace)
    return namespace


async def test_agent_tools_example(
    ardent_emulator: Emulator,
    ardent_client: ArdentClient,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, connector = await ready_connector(ardent_client)
    monkeypatch.setenv("ARDENT_TOKEN", ardent_emulator.token)
    monkeypatch.setenv("ARDENT_API_URL", ardent_emulator.base_url)

    await _example("ArdentTools(client, tools=")["main"](connector.id)

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "['create_branch', 'list_branches', 'wait_operation']"
    assert lines[1].startswith("False {")
    assert '"name":"agent-1"' in lines[1]
    assert ":***@" in lines[1]
    assert '"argument":"connector_id"' in lines[2]
    assert "expected a string, got 42" in lines[2]
