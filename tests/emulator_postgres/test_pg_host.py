"""BranchHost lifecycle: embedded start/stop and the external-server (from_url) mode."""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

import pytest

from ardent_async.emulator.postgres import (
    BranchHost,
    ConnectorStore,
    HostError,
    PostgresUrl,
    preflight,
)

from .pg_helpers import connect

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.postgres]


async def test_embedded_host_starts_on_tcp_and_close_removes_it(tmp_path: Path) -> None:
    host = await BranchHost.start_embedded(tmp_path)
    admin = PostgresUrl.parse(host.admin_url)
    assert (host.host, admin.user) == ("127.0.0.1", "ardent_admin")
    assert admin.password not in repr(host)
    async with connect(host.admin_url) as conn:
        assert await conn.fetchval("SHOW wal_level") == "logical"
        assert await conn.fetchval("SHOW max_connections") == "300"
    assert len(os.listdir(tmp_path)) == 1

    await host.close()
    await host.close()  # idempotent

    assert os.listdir(tmp_path) == []
    with pytest.raises(ConnectionRefusedError):
        async with connect(host.admin_url):
            pass
    with pytest.raises(HostError):
        async with host.admin_connection():
            pass


async def test_passwords_are_enforced(pg_host: BranchHost) -> None:
    admin = PostgresUrl.parse(pg_host.admin_url)
    with pytest.raises(Exception, match="password authentication failed"):
        async with connect(admin.with_credentials(admin.user, "not-it").to_url()):
            pass


async def test_from_url_cleans_up_what_it_created(pg_host: BranchHost) -> None:
    external = await BranchHost.from_url(pg_host.admin_url)
    assert not external.is_embedded
    source_url = await external.create_sample_source("ardent_sample_ext")
    result = await preflight(source_url, selected_schemas=None, already_connected=False)
    assert result.branching_prerequisites_pass
    store = ConnectorStore(external, "conn-ext")
    await store.setup(
        source_url=source_url,
        selected_paths=None,
        decisions={"public.audit_events": "replica_identity_full"},
    )
    branch = await store.create_branch("main")
    async with connect(branch.url) as conn:
        assert await conn.fetchval("SELECT count(*) FROM public.audit_events") == 30

    await external.close()

    async with pg_host.admin_connection() as conn:
        leftovers = await conn.fetch(
            "SELECT datname FROM pg_database WHERE datname = 'ardent_sample_ext'"
            " OR starts_with(datname, $1)"
            " UNION ALL SELECT rolname FROM pg_roles"
            " WHERE rolname = 'ardent_sample_ext_owner' OR starts_with(rolname, $1)",
            store.prefix,
        )
    assert leftovers == []


async def test_from_url_requires_a_reachable_superuser(
    pg_host: BranchHost, sample_url: str
) -> None:
    source = PostgresUrl.parse(sample_url)
    with pytest.raises(HostError, match="not a superuser"):
        await BranchHost.from_url(sample_url)
    wrong = source.with_credentials(source.user, "Wr0ng-Secret-Value").to_url()
    with pytest.raises(HostError) as info:
        await BranchHost.from_url(wrong)
    assert "Wr0ng-Secret-Value" not in str(info.value)


async def test_a_start_reaps_the_server_of_a_dead_owner(shared_dir: Path) -> None:
    from ardent_async.emulator.postgres.embedded import (
        OWNER_FILE,
        EmbeddedServer,
        reap_orphaned_servers,
    )

    workdir = shared_dir  # the server may run as another OS user
    server = await EmbeddedServer.start(workdir)
    try:
        pid = int((server.data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
        assert reap_orphaned_servers(workdir) == []  # its owner (we) is alive
        assert server.root.exists()
        # As if the owner had died with its watchdog: a PID that cannot exist.
        (server.root / OWNER_FILE).write_text(f"{2**22 + 7}:1")
        assert reap_orphaned_servers(workdir) == [server.root]
        assert not server.root.exists()
        deadline = time.monotonic() + 10  # the postmaster may take a moment to be reaped
        while _alive(pid) and time.monotonic() < deadline:
            await asyncio.to_thread(time.sleep, 0.05)
        assert not _alive(pid)
    finally:
        await server.stop()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_the_default_workdir_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ardent_async.emulator.postgres import embedded

    monkeypatch.setenv("ARDENT_EMULATOR_PG_DIR", str(tmp_path / "explicit"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    assert embedded.default_workdir() == tmp_path / "explicit"
    monkeypatch.delenv("ARDENT_EMULATOR_PG_DIR")
    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    assert embedded.default_workdir() == tmp_path / "tmp"
    monkeypatch.delenv("TMPDIR")
    monkeypatch.setattr(tempfile, "tempdir", None)
    assert embedded.default_workdir() == Path(tempfile.gettempdir())
    assert embedded.default_workdir() != Path("/dev/shm")  # memory only when asked for
