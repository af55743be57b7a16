"""Logical replication of a source into a replica database on the branch host.

Source side (as the connector's own role, needing only what preflight's ``grant_script``
grants): a publication ``FOR TABLE`` the replicated tables and a ``pgoutput`` slot, created by
us rather than by ``CREATE SUBSCRIPTION`` (which hangs when source and host are one cluster).
Host side (superuser): a subscription streaming into the replica database, created with
``disable_on_error`` so that a change the replica cannot apply (e.g. a column added on the
source) stops it visibly instead of retrying forever.

"Applied up to LSN x" is read from the source's ``pg_stat_replication`` (the subscriber's
reported replay position for our walsender) or the slot's confirmed flush position, the same
signals Postgres' own test-suite uses to wait for a logical subscriber to catch up.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import Sequence
from typing import Any

from . import pgconn
from .dsn import PostgresUrl
from .idents import quote_ident, quote_literal, quote_qualified

PLUGIN = "pgoutput"
DEFAULT_CATCH_UP_TIMEOUT = 60.0
_POLL_START, _POLL_MAX = 0.002, 0.05


class ReplicationError(RuntimeError):
    """Creating, waiting on or removing the replication failed (message is password-free)."""


@dataclasses.dataclass(frozen=True)
class IdentityChange:
    """A source table we gave ``REPLICA IDENTITY FULL``, and the identity to give back when
    the replication is removed: *previous* is ``pg_class.relreplident`` (``d``efault,
    ``n``othing or ``i``ndex, then *index* names it)."""

    schema: str
    name: str
    previous: str
    index: str | None = None

    @property
    def clause(self) -> str:
        """What follows ``ALTER TABLE ... REPLICA IDENTITY`` to give it back."""
        if self.previous == "i" and self.index:
            return f"USING INDEX {quote_ident(self.index)}"
        return "NOTHING" if self.previous == "n" else "DEFAULT"


@dataclasses.dataclass(frozen=True)
class ReplicationNames:
    """Names of one connector's replication objects (derived, never user text)."""

    publication: str
    slot: str
    subscription: str


def conninfo(source: PostgresUrl) -> str:
    """A libpq key=value connection string for the subscription (password included)."""
    parts = {
        "host": source.host,
        "port": str(source.port),
        "dbname": source.database,
        "user": source.user,
        "application_name": "ardent-emulator-subscription",
    }
    if source.password:
        parts["password"] = source.password
    return " ".join(f"{key}={_libpq_quote(value)}" for key, value in parts.items())


def _libpq_quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


# -- source side ------------------------------------------------------------------------------


async def identity_changes(
    conn: pgconn.Connection, tables: Sequence[tuple[str, str]]
) -> list[IdentityChange]:
    """What giving *tables* ``REPLICA IDENTITY FULL`` changes (tables already FULL: nothing)."""
    changes = []
    for schema, name in tables:
        row = await conn.fetchrow(
            "SELECT c.relreplident::text AS identity, (SELECT i.relname FROM pg_index x"
            "   JOIN pg_class i ON i.oid = x.indexrelid"
            "   WHERE x.indrelid = c.oid AND x.indisreplident) AS index_name"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = $1 AND c.relname = $2",
            schema,
            name,
        )
        if row is None or row["identity"] == "f":
            continue
        changes.append(IdentityChange(schema, name, row["identity"], row["index_name"]))
    return changes


async def restore_identities(conn: pgconn.Connection, changes: Sequence[IdentityChange]) -> None:
    """Give back each table's previous replica identity, unless it was changed since (it is
    no longer FULL) or the table is gone."""
    for change in changes:
        table = quote_qualified(change.schema, change.name)
        current = await conn.fetchval(
            "SELECT relreplident::text FROM pg_class WHERE oid = to_regclass($1)", table
        )
        if current == "f":
            await conn.execute(f"ALTER TABLE {table} REPLICA IDENTITY {change.clause}")


async def create_source_side(
    conn: pgconn.Connection,
    names: ReplicationNames,
    tables: Sequence[tuple[str, str]],
    full_identity: Sequence[IdentityChange],
) -> None:
    """``REPLICA IDENTITY FULL`` on *full_identity*, the publication, then the slot."""
    for change in full_identity:
        table = quote_qualified(change.schema, change.name)
        await conn.execute(f"ALTER TABLE {table} REPLICA IDENTITY FULL")
    listed = ", ".join(quote_qualified(schema, name) for schema, name in tables)
    target = f" FOR TABLE {listed}" if listed else ""
    await conn.execute(f"CREATE PUBLICATION {quote_ident(names.publication)}{target}")
    await conn.execute("SELECT pg_create_logical_replication_slot($1, $2)", names.slot, PLUGIN)


async def publish_tables(
    conn: pgconn.Connection, names: ReplicationNames, tables: Sequence[tuple[str, str]]
) -> None:
    if tables:
        listed = ", ".join(quote_qualified(schema, name) for schema, name in tables)
        await conn.execute(f"ALTER PUBLICATION {quote_ident(names.publication)} ADD TABLE {listed}")


async def drop_source_side(
    conn: pgconn.Connection,
    names: ReplicationNames,
    subscription_oid: int | None,
    *,
    restore: Sequence[IdentityChange] = (),
    timeout: float = 30.0,
) -> None:
    """Drop the slot (and any table-sync slot of the subscription) and the publication, then
    give the tables in *restore* their previous replica identity.

    A slot still held by a walsender that is shutting down is retried; one held for longer is
    released by ending that walsender (our own role's backend, so no extra right is needed).
    """
    patterns = [names.slot]
    sync_prefix = f"pg_{subscription_oid}_sync_" if subscription_oid is not None else None
    deadline = time.monotonic() + timeout
    delay = _POLL_START
    while True:
        rows = await conn.fetch(
            "SELECT slot_name::text AS name, active, active_pid FROM pg_replication_slots"
            " WHERE slot_name = ANY($1::text[]) OR ($2::text IS NOT NULL"
            "   AND starts_with(slot_name::text, $2))",
            patterns,
            sync_prefix,
        )
        busy = False
        for row in rows:
            if row["active"]:
                busy = True
                if time.monotonic() > deadline - timeout / 2:
                    with contextlib.suppress(pgconn.PostgresError):
                        await conn.execute("SELECT pg_terminate_backend($1)", row["active_pid"])
                continue
            try:
                await conn.execute("SELECT pg_drop_replication_slot($1)", row["name"])
            except pgconn.PostgresError as exc:
                if getattr(exc, "sqlstate", None) not in ("55006", "42704"):  # in use, gone
                    raise
                busy = True
        if not busy:
            break
        if time.monotonic() > deadline:
            raise ReplicationError(f"replication slot {names.slot!r} stayed in use")
        await asyncio.sleep(delay)
        delay = min(delay * 2, _POLL_MAX)
    await conn.execute(f"DROP PUBLICATION IF EXISTS {quote_ident(names.publication)}")
    await restore_identities(conn, restore)


async def current_lsn(conn: pgconn.Connection) -> str:
    """The source's WAL position covering every transaction committed so far.

    A walsender sends only flushed WAL, and a commit made with ``synchronous_commit = off``
    may not be flushed yet; so a tiny transaction that writes WAL (a logical message, which
    pgoutput does not forward) is committed with ``synchronous_commit = on``, flushing all WAL
    before it, and the message's position is the answer: every commit before it lies before
    it. One statement, one round trip (the setting is local to its implicit transaction and
    read at its commit). Where the role may not emit a message, the insert position is
    (correct, only waiting for the WAL writer).
    """
    try:
        return str(
            await conn.fetchval(
                "SELECT pg_logical_emit_message(true, 'ardent-emulator', '')::text"
                " FROM (SELECT set_config('synchronous_commit', 'on', true)) AS local_setting"
            )
        )
    except pgconn.PostgresError:
        return str(await conn.fetchval("SELECT pg_current_wal_insert_lsn()::text"))


async def applied(conn: pgconn.Connection, names: ReplicationNames, lsn: str) -> bool:
    """Whether the subscriber has applied everything the source committed before *lsn*."""
    return bool(
        await conn.fetchval(
            "SELECT coalesce((SELECT max(replay_lsn) FROM pg_stat_replication r"
            "   JOIN pg_replication_slots s ON s.active_pid = r.pid WHERE s.slot_name = $1)"
            "   >= $2::text::pg_lsn, false)"
            " OR coalesce((SELECT confirmed_flush_lsn >= $2::text::pg_lsn FROM pg_replication_slots"
            "   WHERE slot_name = $1), false)",
            names.slot,
            lsn,
        )
    )


async def slot_health(conn: pgconn.Connection, names: ReplicationNames) -> dict[str, Any]:
    """Lag and positions of the slot as the source sees them."""
    row = await conn.fetchrow(
        "SELECT s.active, s.confirmed_flush_lsn::text AS confirmed_flush_lsn,"
        " pg_current_wal_lsn()::text AS source_lsn,"
        " pg_wal_lsn_diff(pg_current_wal_lsn(), s.confirmed_flush_lsn)::int8 AS lag_bytes,"
        " (SELECT max(r.replay_lsn)::text FROM pg_stat_replication r WHERE r.pid = s.active_pid)"
        "   AS replay_lsn, s.wal_status"
        " FROM pg_replication_slots s WHERE s.slot_name = $1",
        names.slot,
    )
    if row is None:
        return {"slot_exists": False}
    applied_lsn = row["replay_lsn"] or row["confirmed_flush_lsn"]
    replay_lag = None
    if applied_lsn is not None:
        replay_lag = await conn.fetchval(
            "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::text::pg_lsn)::int8", applied_lsn
        )
    return {
        "slot_exists": True,
        "slot_active": row["active"],
        "source_lsn": row["source_lsn"],
        "confirmed_flush_lsn": row["confirmed_flush_lsn"],
        "last_applied_lsn": applied_lsn,
        "slot_lag_bytes": max(0, row["lag_bytes"] or 0),
        "apply_lag_bytes": None if replay_lag is None else max(0, replay_lag),
        "wal_status": row["wal_status"],
    }


# -- host side ----------------------------------------------------------------------------------


async def create_subscription(
    conn: pgconn.Connection, names: ReplicationNames, source: PostgresUrl
) -> int:
    """Subscribe (initial copy, then streaming); return the subscription's OID."""
    await conn.execute(
        f"CREATE SUBSCRIPTION {quote_ident(names.subscription)}"
        f" CONNECTION {quote_literal(conninfo(source))}"
        f" PUBLICATION {quote_ident(names.publication)}"
        f" WITH (create_slot = false, slot_name = {quote_literal(names.slot)},"
        " copy_data = true, disable_on_error = true, synchronous_commit = 'off',"
        " binary = true, run_as_owner = true)"
    )
    return int(
        await conn.fetchval(
            "SELECT oid::int8 FROM pg_subscription WHERE subname = $1", names.subscription
        )
    )


async def subscription_oid(conn: pgconn.Connection, names: ReplicationNames) -> int | None:
    value = await conn.fetchval(
        "SELECT oid::int8 FROM pg_subscription WHERE subname = $1", names.subscription
    )
    return None if value is None else int(value)


async def tables_synced(conn: pgconn.Connection, oid: int) -> bool:
    """Every table of the subscription finished its initial copy. *conn*: connected to the
    subscription's database (``pg_subscription_rel`` is per database; elsewhere it is empty)."""
    return not await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM pg_subscription_rel WHERE srsubid = $1"
        " AND srsubstate NOT IN ('r', 's'))",
        oid,
    )


async def set_enabled(conn: pgconn.Connection, names: ReplicationNames, enabled: bool) -> None:
    verb = "ENABLE" if enabled else "DISABLE"
    await conn.execute(f"ALTER SUBSCRIPTION {quote_ident(names.subscription)} {verb}")


async def workers_gone(conn: pgconn.Connection, oid: int, database: str) -> bool:
    """No apply/sync worker of the subscription, and no session at all, in *database*.

    An autovacuum worker there is ended (``CREATE DATABASE ... TEMPLATE`` would end it too,
    but only after sleeping 100 ms; and vacuuming a large replica can outlast any wait)."""
    return bool(  # one round trip; an autovacuum worker just ended is waited for
        await conn.fetchval(
            "SELECT ended.count = 0"
            " AND NOT EXISTS (SELECT 1 FROM pg_stat_subscription WHERE subid = $1"
            "   AND pid IS NOT NULL)"
            " AND NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = $2"
            "   AND pid <> pg_backend_pid())"
            " FROM (SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            "   WHERE datname = $2 AND backend_type = 'autovacuum worker') AS ended",
            oid,
            database,
        )
    )


async def refresh_publication(conn: pgconn.Connection, names: ReplicationNames) -> None:
    await conn.execute(
        f"ALTER SUBSCRIPTION {quote_ident(names.subscription)} REFRESH PUBLICATION"
        " WITH (copy_data = true)"
    )


async def subscription_health(conn: pgconn.Connection, oid: int) -> dict[str, Any]:
    """State of the subscription; *conn* connected to its database (see ``tables_synced``)."""
    row = await conn.fetchrow(
        "SELECT s.subenabled AS enabled,"
        " (SELECT max(latest_end_lsn)::text FROM pg_stat_subscription WHERE subid = s.oid)"
        "   AS latest_end_lsn,"
        " (SELECT count(*) FROM pg_stat_subscription WHERE subid = s.oid AND pid IS NOT NULL)"
        "   AS workers,"
        " coalesce(st.apply_error_count, 0)::int8 AS apply_errors,"
        " coalesce(st.sync_error_count, 0)::int8 AS sync_errors,"
        " (SELECT count(*) FROM pg_subscription_rel r WHERE r.srsubid = s.oid"
        "   AND r.srsubstate NOT IN ('r', 's'))::int8 AS tables_syncing"
        " FROM pg_subscription s LEFT JOIN pg_stat_subscription_stats st ON st.subid = s.oid"
        " WHERE s.oid = $1",
        oid,
    )
    if row is None:
        return {"subscription_exists": False}
    return {
        "subscription_exists": True,
        "subscription_enabled": row["enabled"],
        "apply_workers": int(row["workers"]),
        "apply_errors": int(row["apply_errors"]),
        "sync_errors": int(row["sync_errors"]),
        "tables_syncing": int(row["tables_syncing"]),
        "latest_end_lsn": row["latest_end_lsn"],
    }


async def drop_subscription(conn: pgconn.Connection, names: ReplicationNames) -> None:
    """Detach the subscription from its slot (dropped on the source by us), then drop it."""
    exists = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM pg_subscription WHERE subname = $1)", names.subscription
    )
    if not exists:
        return
    sub = quote_ident(names.subscription)
    await conn.execute(f"ALTER SUBSCRIPTION {sub} DISABLE")
    await conn.execute(f"ALTER SUBSCRIPTION {sub} SET (slot_name = NONE)")
    await conn.execute(f"DROP SUBSCRIPTION IF EXISTS {sub}")


async def poll(check: Any, what: str, *, timeout: float = DEFAULT_CATCH_UP_TIMEOUT) -> None:
    """Await ``check()`` until it returns true (short exponential back-off), or fail."""
    deadline = time.monotonic() + timeout
    delay = _POLL_START
    while not await check():
        if time.monotonic() > deadline:
            raise ReplicationError(f"timed out after {timeout:g} s waiting for {what}")
        await asyncio.sleep(delay)
        delay = min(delay * 2, _POLL_MAX)
