"""Leases: what this process created on a source, written down before it is created.

An orphaned replication slot holds WAL on the customer's server until its disk fills, so every
slot and publication the emulator creates on a source is first recorded in a lease file (one
per connector, mode 0600 since it holds the source URL) naming the owning process. Dropping
them removes the lease; a process that dies without doing so leaves the lease behind, and the
next start (:func:`reap_orphans`) finds it, sees its owner is gone, and drops the slot and the
publication by name.

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
from .owners import own_token, owner_alive
from .replication import IdentityChange, ReplicationError, ReplicationNames, drop_source_side

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
                [change.schema, change.name, change.previous] for change in self.restore_identity
            ],
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
    ) -> Lease:
        return cls(
            names=names,
            source=source,
            owner=own_token(),
            dies_with_owner=dies_with_owner,
            restore_identity=restore_identity,
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
                    IdentityChange(str(schema), str(name), str(previous))
                    for schema, name, previous in body.get("restore_identity", [])
                ),
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
    """Drop the slot and publication of every orphaned lease; return the slots dropped.

    A source that cannot be reached keeps its lease for the next start (and is logged).
    """
    reaped = []
    for lease in await asyncio.to_thread(orphaned_leases):
        if lease.dies_with_owner:
            await asyncio.to_thread(lease.remove)
            continue
        try:
            async with pgconn.connection(lease.source, timeout=timeout) as conn:
                await drop_source_side(
                    conn,
                    lease.names,
                    lease.subscription_oid,
                    restore=lease.restore_identity,
                    timeout=timeout,
                )
        except (OSError, asyncio.TimeoutError, pgconn.PostgresError, ReplicationError) as exc:
            _log.warning(
                "could not drop orphaned replication slot %s on %s: %s",
                lease.names.slot,
                lease.source.masked(),
                lease.source.scrub(f"{type(exc).__name__}: {exc}"),
            )
            continue
        await asyncio.to_thread(lease.remove)
        reaped.append(lease.names.slot)
    return reaped
