"""What the branch fixtures hand out: connection strings that print masked.

pytest prints a failing test's arguments, so a plain URL fixture would put the branch password
in the CI log. :class:`SecretURL` and :class:`BranchDSN` are ``str`` subclasses whose text is the
real connection string (pass them wherever one is expected: asyncpg, psycopg, SQLAlchemy) but
whose ``repr()``, ``str()`` and formatting (``f"{url}"``, ``print``) mask the password.
``.reveal()`` is the plain text, for the rare API that insists on building its own string.

Stdlib only: the pytest plugin imports this module in every run.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import unquote, urlsplit

from .redaction import mask_url

__all__ = ["BranchDSN", "CIBranch", "SecretURL"]


class SecretURL(str):
    """A connection URL; its text is the real URL, its ``repr``/``str`` mask the password."""

    def reveal(self) -> str:
        """The URL as a plain ``str``, password included: never print or log it."""
        return str.__str__(self)

    def __str__(self) -> str:
        return mask_url(self.reveal())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({mask_url(self.reveal())!r})"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


class BranchDSN(SecretURL):
    """A libpq keyword/value DSN (``host=... port=... user=... password=... dbname=...``)
    with the parts as attributes; prints masked like :class:`SecretURL`."""

    host: str
    port: int
    user: str
    password: str
    database: str

    @classmethod
    def from_url(cls, url: str) -> BranchDSN:
        """The DSN of a ``postgresql://user:password@host:port/database`` URL."""
        parts = urlsplit(str.__str__(url))
        host, port = parts.hostname or "localhost", parts.port or 5432
        user, password = unquote(parts.username or ""), unquote(parts.password or "")
        database = unquote(parts.path.lstrip("/")) or user
        pairs = {"host": host, "port": port, "user": user, "password": password}
        text = " ".join(f"{key}={_quoted(str(value))}" for key, value in pairs.items())
        dsn = cls(f"{text} dbname={_quoted(database)}")
        dsn.host, dsn.port, dsn.user, dsn.password, dsn.database = (
            host,
            port,
            user,
            password,
            database,
        )
        return dsn

    def as_dict(self) -> dict[str, str | int]:
        """``host``, ``port``, ``user``, ``password``, ``database``: ``asyncpg.connect(**d)``."""
        return {
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "password": self.password,
            "database": self.database,
        }


@dataclasses.dataclass(frozen=True)
class CIBranch:
    """A branch a test run uses: ready, and connectable (``SELECT 1`` ran on it)."""

    name: str
    branch_id: str
    connector_id: str
    url: SecretURL
    """The direct connection URL (prints masked)."""
    dsn: BranchDSN
    """The same as a libpq DSN with its parts as attributes (prints masked)."""
    pooled_url: SecretURL | None
    """The pooled URL, when the provider has one."""
    created: bool
    """False when an earlier attempt of the same run had created it and it was reused."""
    worker: str
    """The xdist worker (``gw0``...), or ``main`` without xdist."""

    def how_to_connect(self) -> str:
        """Lines for a failure report: the branch, its masked URL and the command for the
        password (the public API has no branch delete, so a kept branch stays inspectable)."""
        return "\n".join(
            [
                f"branch {self.name} (id {self.branch_id}, connector {self.connector_id},"
                f" worker {self.worker})",
                f"  connect: {self.url}",
                "  password: ardent-async branches info"
                f" {self.name} --connector-id {self.connector_id} --show-secrets",
            ]
        )


def _quoted(value: str) -> str:
    # libpq: a value with spaces, quotes or backslashes (or empty) goes in single quotes.
    if value and not any(char in value for char in " '\\"):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
