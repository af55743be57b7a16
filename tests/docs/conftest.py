"""Fixtures for running documentation examples against an emulator."""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ardent_async import ArdentClient
from ardent_async.emulator import Emulator
from tests.docs.harness import Block, ExampleFailed
from tests.threaded_emulator import EmulatorThread

SOURCE_URL = "postgresql://replicator:secret@db.internal:5432/docs"
PYTEST_INI = """\
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
filterwarnings = error
"""


@pytest.fixture(scope="module")
def docs_emulator() -> Iterator[Emulator]:
    """One API-only emulator (replies checked against the spec) serving from its own thread,
    so blocks that run their own event loop (``asyncio.run``) can reach it."""
    server = EmulatorThread(op_duration=0, validate_responses=True)
    emulator = server.start()
    try:
        yield emulator
    finally:
        server.stop()


@pytest.fixture
def docs_env(docs_emulator: Emulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The environment a reader would have set: ``ArdentClient()`` reaches the emulator."""
    key = docs_emulator.legacy_key
    assert key is not None
    monkeypatch.setenv("ARDENT_TOKEN", docs_emulator.token)
    monkeypatch.setenv("ARDENT_API_URL", docs_emulator.base_url)
    monkeypatch.setenv("ARDENT_LEGACY_API_URL", docs_emulator.base_url)
    monkeypatch.setenv("ARDENT_PUBLIC_KEY", key.public_key)
    monkeypatch.setenv("ARDENT_SECRET_KEY", key.secret_key)
    monkeypatch.setenv("ARDENT_SOURCE_URL", SOURCE_URL)
    # The CLI saves its current org/project/connector: never in the real home directory.
    monkeypatch.setenv("ARDENT_CONFIG_DIR", str(tmp_path / "cli-config"))


@pytest.fixture
def page_loop() -> Iterator[asyncio.AbstractEventLoop]:
    """The event loop a page's top-level ``await`` blocks run on."""
    loop = asyncio.new_event_loop()
    try:
        yield loop
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


async def _ready_connector(client: ArdentClient) -> tuple[str, str]:
    """A project and a connector whose engine is set up, ready to branch."""
    # Unique per page: the API refuses a second connector on the same source.
    unique = secrets.token_hex(4)
    project = await client.projects.create(f"docs-{unique}")
    source = {"url": f"{SOURCE_URL}_{unique}"}
    connector = await client.connectors.create(project.id, "docs-source", source)
    accepted = await client.connectors.discover(connector.id)
    await client.operations.wait(accepted.operation_id, timeout=30)
    await client.connectors.set_selection(connector.id, ["*"])
    row = await client.connectors.get(connector.id)
    needing = row.extra.get("tables_needing_replica_identity_decision") or []
    if needing:
        decisions = dict.fromkeys(needing, "replica_identity_full")
        await client.connectors.set_replica_identity_decisions(connector.id, decisions)
    setup = await client.connectors.engine_setup(connector.id)
    if setup.operation is not None:
        await client.operations.wait(setup.operation.operation_id, timeout=30)
    return project.id, connector.id


@pytest.fixture
def page_seed(
    docs_emulator: Emulator,
    docs_env: None,
    page_loop: asyncio.AbstractEventLoop,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[dict[str, Any], dict[str, str]]]:
    """(namespace, placeholders) for one page: an open ``client`` and a ready connector (also
    ``$ARDENT_CONNECTOR_ID``, as the README's quickstart has it exported)."""
    client = docs_emulator.client()
    project_id, connector_id = page_loop.run_until_complete(_ready_connector(client))
    monkeypatch.setenv("ARDENT_CONNECTOR_ID", connector_id)
    key = docs_emulator.legacy_key
    assert key is not None
    namespace: dict[str, Any] = {
        "__name__": "__main__",
        "client": client,
        "org_id": docs_emulator.org_id,
        "project_id": project_id,
        "connector_id": connector_id,
        "source_url": SOURCE_URL,
    }
    placeholders = {
        "org_123": docs_emulator.org_id,
        "proj_123": project_id,
        "conn_123": connector_id,
        "pk_...": key.public_key,
        "sk_...": key.secret_key,
    }
    try:
        yield namespace, placeholders
    finally:
        page_loop.run_until_complete(client.close())


@pytest.fixture
def run_pytest_block(tmp_path: Path) -> Callable[[Block], None]:
    """Run a ``docs-test: pytest`` block as a test module in a fresh pytest process."""

    def run(block: Block) -> None:
        folder = tmp_path / f"example_{block.line}"
        folder.mkdir()
        (folder / "pytest.ini").write_text(PYTEST_INI)
        (folder / "test_example.py").write_text(block.code)
        # Only the plugins a reader's test needs: loading every installed one (hypothesis,
        # schemathesis...) would cost seconds per example.
        plugins = ["-p", "pytest_asyncio.plugin", "-p", "ardent_async.emulator.pytest_plugin"]
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *plugins, str(folder)],
            cwd=folder,
            env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0 or " passed" not in done.stdout:
            raise ExampleFailed(f"{block.where}: the example's tests failed:\n{done.stdout}")

    return run
