"""Leases: what this process created on a source, written down before it is created.

An orphaned replication slot holds WAL on the customer's server until its disk fills, so every
slot and publication the emulator creates on a source is first recorded in a lease file (one
per connector, mode 0600 since it holds the source URL) naming the owning process. Dropping
them removes the lease; a process that dies without doing so leaves the lease behind, and the
next start (:func:`reap_orphans`) finds it, sees its owner is gone, and drops the slot and the
publication by name. With a branch host given as a superuser URL (not embedded, so not deleted
with the process), the lease also names the host and the connector's name prefix, and the reap
first drops what the connector left there: its subscription, replica, branch databases and
roles.

Location: ``$ARDENT_EMULATOR_STATE_DIR``, else ``$XDG_STATE_HOME/ardent-emulator``, else
``~/.local/state/ardent-emulator``; leases live in its ``source-leases`` folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import os
from pathlib import Path

from . import pgconn
from .dsn import PostgresUrl
from .idents import quote_ident
from .owners import own_token, owner_alive
from .replication import (
    IdentityChange,
    ReplicationError,
    ReplicationNames,
    drop_source_side,
    drop_subscription,
)

STATE_DIR_ENV = "ARDENT_EMULATOR_STATE_DIR"
_log = logging.getLogger(__name__)


def state_dir() -> Path:
    explicit = os.environ.get(STATE_DIR_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "ardent-emulator"


def _lease_dir() -> Path:
    return state_dir() / "source-leases"


@dataclasses.dataclass(frozen=True)
class Lease:
    names: ReplicationNames
    source: PostgresUrl = dataclasses.field(repr=False)
    owner: str
    subscription_oid: int | None = None
    dies_with_owner: bool = False
    """The source lives on the owner's embedded server: nothing to drop once the owner died."""
    restore_identity: tuple[IdentityChange, ...] = ()
    """Tables given ``REPLICA IDENTITY FULL``, to be given back their previous identity."""
    host: PostgresUrl | None = dataclasses.field(default=None, repr=False)
    """Superuser URL of a branch host that outlives the owner (``None``: embedded)."""
    prefix: str | None = None
    """Name prefix of the connector's databases and roles on :attr:`host`."""

    @property
    def path(self) -> Path:
        return _lease_dir() / f"{self.names.slot}.json"

    def write(self) -> None:
        """Record (or update) the lease atomically, readable by this OS user only."""
        folder = _lease_dir()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        body = {
            "owner": self.owner,
            "source": self.source.to_url(),
            "publication": self.names.publication,
            "slot": self.names.slot,
            "subscription": self.names.subscription,
            "subscription_oid": self.subscription_oid,
            "dies_with_owner": self.dies_with_owner,
            "restore_identity": [
                [change.schema, change.name, change.previous, change.index]
                for change in self.restore_identity
            ],
            "host": None if self.host is None else self.host.to_url(),
            "prefix": self.prefix,
        }
        scratch = self.path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(body, handle)
        os.replace(scratch, self.path)

    def remove(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    @classmethod
    def new(
        cls,
        names: ReplicationNames,
        source: PostgresUrl,
        *,
        dies_with_owner: bool = False,
        restore_identity: tuple[IdentityChange, ...] = (),
        host: PostgresUrl | None = None,
        prefix: str | None = None,
    ) -> Lease:
        return cls(
            names=names,
            source=source,
            owner=own_token(),
            dies_with_owner=dies_with_owner,
            restore_identity=restore_identity,
            host=host,
            prefix=prefix,
        )

    @classmethod
    def read(cls, path: Path) -> Lease | None:
        try:
            body = json.loads(path.read_text())
            names = ReplicationNames(body["publication"], body["slot"], body["subscription"])
            return cls(
                names=names,
                source=PostgresUrl.parse(body["source"]),
                owner=str(body["owner"]),
                subscription_oid=body.get("subscription_oid"),
                dies_with_owner=bool(body.get("dies_with_owner", False)),
                restore_identity=tuple(
                    IdentityChange(str(schema), str(name), str(previous), index and str(index))
                    for schema, name, previous, index in body.get("restore_identity", [])
                ),
                host=PostgresUrl.parse(body["host"]) if body.get("host") else None,
                prefix=str(body["prefix"]) if body.get("prefix") else None,
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None


def orphaned_leases() -> list[Lease]:
    """Leases whose owning process is gone."""
    folder = _lease_dir()
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.json")):
        lease = Lease.read(path)
        if lease is not None and not owner_alive(lease.owner):
            found.append(lease)
    return found


async def reap_orphans(*, timeout: float = 10.0) -> list[str]:
    """Drop what every orphaned lease names (host side first, then the slot, publication and
    replica identities on the source); return the slots dropped.

    A server that cannot be reached keeps its lease for the next start (and is logged).
    """
    reaped = []
    for lease in await asyncio.to_thread(orphaned_leases):
        if lease.dies_with_owner and lease.host is None:
            await asyncio.to_thread(lease.remove)
            continue
        try:
            if lease.host is not None and lease.prefix:
                await _reap_host_side(lease.host, lease.prefix, lease.names, timeout=timeout)
            if not lease.dies_with_owner:
                async with pgconn.connection(lease.source, timeout=timeout) as conn:
                    await drop_source_side(
                        conn,
                        lease.names,
                        lease.subscription_oid,
                        restore=lease.restore_identity,
                        timeout=timeout,
                    )
        except (OSError, asyncio.TimeoutError, pgconn.PostgresError, ReplicationError) as exc:
            failed = lease.source
            _log.warning(
                "could not reap the replication %s of a crashed emulator (source %s): %s",
                lease.names.slot,
                failed.masked(),
                _scrub(lease, f"{type(exc).__name__}: {exc}"),
            )
            continue
        await asyncio.to_thread(lease.remove)
        reaped.append(lease.names.slot)
    return reaped


def _scrub(lease: Lease, text: str) -> str:
    text = lease.source.scrub(text)
    return text if lease.host is None else lease.host.scrub(text)


async def _reap_host_side(
    host: PostgresUrl, prefix: str, names: ReplicationNames, *, timeout: float
) -> None:
    """The subscription (detached from its slot first), then every database and role named
    ``<prefix>_*`` on *host*."""
    like = prefix + "_"
    async with pgconn.connection(host, timeout=timeout) as conn:
        databases = [
            str(row["datname"])
            for row in await conn.fetch(
                "SELECT datname FROM pg_database WHERE starts_with(datname, $1)", like
            )
        ]
        replica = f"{prefix}_replica"
        if replica in databases:
            async with pgconn.connection(host.with_database(replica), timeout=timeout) as sub:
                await drop_subscription(sub, names)
        for database in databases:
            ident = quote_ident(database)
            await conn.execute(f"ALTER DATABASE {ident} IS_TEMPLATE false")
            await conn.execute(f"DROP DATABASE IF EXISTS {ident} WITH (FORCE)")
        roles = await conn.fetch(
            "SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1)", like
        )
        for row in roles:
            await conn.execute(f"DROP ROLE IF EXISTS {quote_ident(str(row['rolname']))}")
