"""The typed face of asyncpg used by this package (asyncpg ships no type information)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any, Protocol, cast

import asyncpg  # type: ignore[import-untyped, unused-ignore]

from .dsn import PostgresUrl

APPLICATION_NAME = "ardent-emulator"
DEFAULT_CONNECT_TIMEOUT = 10.0

PostgresError: type[Exception] = asyncpg.PostgresError
InvalidPasswordError: type[Exception] = asyncpg.InvalidPasswordError
InvalidAuthorizationSpecificationError: type[Exception] = (
    asyncpg.InvalidAuthorizationSpecificationError
)
InvalidCatalogNameError: type[Exception] = asyncpg.InvalidCatalogNameError
InsufficientPrivilegeError: type[Exception] = asyncpg.InsufficientPrivilegeError


class Record(Protocol):
    """A result row (``asyncpg.Record``)."""

    def __getitem__(self, key: str | int, /) -> Any: ...


class Connection(Protocol):
    """The subset of ``asyncpg.Connection`` this package uses."""

    async def execute(self, query: str, *args: object, timeout: float | None = None) -> str: ...

    async def fetch(
        self, query: str, *args: object, timeout: float | None = None
    ) -> list[Record]: ...

    async def fetchrow(
        self, query: str, *args: object, timeout: float | None = None
    ) -> Record | None: ...

    async def fetchval(
        self, query: str, *args: object, column: int = 0, timeout: float | None = None
    ) -> Any: ...

    async def close(self, *, timeout: float | None = None) -> None: ...

    def is_closed(self) -> bool: ...

    def is_in_transaction(self) -> bool: ...

    def terminate(self) -> None: ...


def reusable_here(conn: Connection) -> bool:
    """True for an open connection of the running event loop. A kept one opened in another
    loop (a test runner's, the blocking client's thread) can only be terminated, not awaited."""
    return not conn.is_closed() and _of_this_loop(conn)


def _of_this_loop(conn: Connection) -> bool:
    return getattr(conn, "_loop", None) is asyncio.get_running_loop()


async def close_quietly(conn: Connection) -> None:
    """Close *conn*, ignoring a server or network failure; one of another loop is terminated."""
    if conn.is_closed():
        return
    if not _of_this_loop(conn):
        with suppress(RuntimeError):  # that loop may be closed already, and its socket with it
            conn.terminate()
        return
    with suppress(OSError, asyncio.TimeoutError, PostgresError):
        await conn.close(timeout=DEFAULT_CONNECT_TIMEOUT)


async def connect(url: PostgresUrl, *, timeout: float = DEFAULT_CONNECT_TIMEOUT) -> Connection:
    """Open a connection; the password travels as a parameter, never inside a DSN string."""
    conn = await asyncpg.connect(
        dsn=url.to_url(with_password=False),
        password=url.password or None,
        timeout=timeout,
        server_settings={"application_name": APPLICATION_NAME},
    )
    return cast(Connection, conn)


@asynccontextmanager
async def connection(
    url: PostgresUrl, *, timeout: float = DEFAULT_CONNECT_TIMEOUT
) -> AsyncIterator[Connection]:
    """``async with connection(url) as conn:`` — closed on exit."""
    conn = await connect(url, timeout=timeout)
    try:
        yield conn
    finally:
        await conn.close(timeout=timeout)
