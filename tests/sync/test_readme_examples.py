"""The docs' blocking-client and seed-migration examples (docs/sync.md, docs/migrating.md) run
as written."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from ardent_async.sync import SyncArdentClient
from tests.sync.test_sync_client import _ready_connector
from tests.threaded_emulator import EmulatorThread

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _example(marker: str) -> dict[str, Any]:
    """The docs block containing ``marker``, run without its last line (the call of main)."""
    text = "\n".join(page.read_text() for page in sorted(DOCS.glob("*.md")))
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    (block,) = [b for b in blocks if marker in b]
    body, last = block.rstrip().rsplit("\n", 1)
    assert "main(" in last
    namespace: dict[str, Any] = {"__name__": "docs_example"}
    exec(compile(body, "docs", "exec"), namespace)
    return namespace


def test_blocking_client_example(
    served: EmulatorThread, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator = served.emulator
    with SyncArdentClient(emulator.token, base_url=emulator.base_url) as client:
        connector = _ready_connector(client)
    monkeypatch.setenv("ARDENT_TOKEN", emulator.token)
    monkeypatch.setenv("ARDENT_API_URL", emulator.base_url)

    _example("from ardent_async.sync import SyncArdentClient")["main"](connector.id)

    lines = capsys.readouterr().out.splitlines()
    assert lines[-2].startswith("completed")
    assert lines[-1].startswith("notebook-1 ")


def test_seed_migration_example(
    served: EmulatorThread, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key = served.emulator.legacy_key
    assert key is not None
    monkeypatch.setenv("ARDENT_PUBLIC_KEY", key.public_key)
    monkeypatch.setenv("ARDENT_SECRET_KEY", key.secret_key)
    monkeypatch.setenv("ARDENT_LEGACY_API_URL", served.emulator.base_url)

    _example("from ardent_async.compat import ArdentAPIError, ArdentClient")["main"]()

    out = capsys.readouterr().out
    assert "API error" not in out
    assert out.strip()  # the job id
    paths = [r.path for r in served.call(served.emulator.admin.requests)]
    assert paths == [
        "/v1/jobs/createJob",
        "/v1/jobs/APIChat",
        "/v1/configs/setConfig",
        "/v1/configs/deleteConfig",
    ]
