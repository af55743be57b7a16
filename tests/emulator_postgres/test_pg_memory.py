"""Small replicas and their branches in the embedded server's tablespace in memory: where they
live, the fallback to disk when memory is short, and the directory's removal with the server."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from ardent_async.emulator.postgres import BranchHost, ConnectorStore, embedded, host, watchdog

from .pg_helpers import connect

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
in_session_loop = pytest.mark.asyncio(loop_scope="session")


async def _tablespace_of(pg_host: BranchHost, database: str) -> str:
    async with pg_host.admin_connection() as conn:
        return str(
            await conn.fetchval(
                "SELECT t.spcname FROM pg_database d"
                " JOIN pg_tablespace t ON t.oid = d.dattablespace WHERE d.datname = $1",
                database,
            )
        )


async def _rows(url: str) -> int:
    async with connect(url) as conn:
        return int(await conn.fetchval("SELECT count(*) FROM billing.invoices"))


@in_session_loop
async def test_small_replica_and_branches_live_in_memory_until_it_is_short(
    pg_host: BranchHost,
    new_source: Callable[[str], Awaitable[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if pg_host.memory_location is None:
        pytest.skip("no memory directory on this machine")
    source_url = await new_source("ardent_mem_src")
    store = ConnectorStore(pg_host, "conn-memory")
    await store.setup(source_url=source_url, selected_paths=["billing"], decisions={})
    try:
        assert store.replica_tablespace == host.MEMORY_TABLESPACE
        assert await _tablespace_of(pg_host, store.replica_database) == host.MEMORY_TABLESPACE
        source_rows = await _rows(source_url)

        in_memory = await store.create_branch("in-memory")
        assert await _tablespace_of(pg_host, in_memory.database) == host.MEMORY_TABLESPACE
        oid = await _oid(pg_host, in_memory.database)
        assert list(pg_host.memory_location.glob(f"PG_*/{oid}"))  # its files are there
        assert await _rows(in_memory.url) == source_rows

        # Memory short (nothing may take its last free byte): the next branch goes to disk,
        # holding the same rows.
        monkeypatch.setattr(host, "MEMORY_KEEP_FREE", 1.0)
        on_disk = await store.create_branch("on-disk")
        assert await _tablespace_of(pg_host, on_disk.database) == "pg_default"
        assert await _rows(on_disk.url) == source_rows
    finally:
        await store.drop()


@in_session_loop
async def test_a_large_replica_stays_on_disk(pg_host: BranchHost) -> None:
    assert pg_host.memory_tablespace_for(host.MEMORY_MAX_DATABASE_BYTES + 1) is None


async def _oid(pg_host: BranchHost, database: str) -> int:
    async with pg_host.admin_connection() as conn:
        return int(await conn.fetchval("SELECT oid FROM pg_database WHERE datname = $1", database))


@in_session_loop
async def test_the_memory_directory_goes_with_the_server(
    shared_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tmp_path = shared_dir  # the embedded server may run as another OS user
    memory = shared_dir / "memory"
    memory.mkdir()
    memory.chmod(0o1777)
    monkeypatch.setenv(embedded.PG_MEMORY_DIR_ENV, str(memory))
    async with await BranchHost.start_embedded(tmp_path) as started:
        assert started.memory_location is not None
        assert started.memory_location.parent.parent == memory
        async with started.admin_connection() as conn:
            location = await conn.fetchval(
                "SELECT pg_tablespace_location(oid) FROM pg_tablespace WHERE spcname = $1",
                host.MEMORY_TABLESPACE,
            )
        assert location == str(started.memory_location)
    assert _server_directories(memory) == []
    assert _server_directories(tmp_path) == []


def _server_directories(base: Path) -> list[Path]:
    return list(base.glob(embedded.ROOT_PREFIX + "*"))


def test_no_memory_directory_when_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(embedded.PG_MEMORY_DIR_ENV, "off")
    assert embedded.memory_workdir() is None


def test_watchdog_and_reaper_remove_the_memory_directory(tmp_path: Path) -> None:
    root = tmp_path / f"{embedded.ROOT_PREFIX}server"
    memory = tmp_path / f"{embedded.ROOT_PREFIX}memory"
    (memory / "tablespace").mkdir(parents=True)
    root.mkdir()
    (root / watchdog.MEMORY_LINK).symlink_to(memory)
    watchdog.stop_server(root)  # no server running: deletes both directories
    assert not root.exists()
    assert not memory.exists()

    # A directory in memory whose owner died (with its watchdog) is reaped by the next start.
    memory.mkdir()
    (memory / embedded.OWNER_FILE).write_text(f"{_dead_pid()}:1")
    assert embedded.reap_orphaned_servers(tmp_path) == [memory]
    assert not memory.exists()


def _dead_pid() -> int:
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return pid


@in_session_loop
async def test_a_tablespace_that_cannot_be_created_leaves_the_data_on_disk(
    shared_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = shared_dir / "no-such-directory"
    monkeypatch.setattr(embedded, "_prepare_memory", lambda root, os_user: missing)
    async with await BranchHost.start_embedded(shared_dir) as started:
        assert started.memory_location is None
        assert started.memory_tablespace_for(1) is None
