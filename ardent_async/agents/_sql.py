"""The SQL tools: use a branch without its password.

The process connects with the branch's credentials (read from the API here, never handed to
the model). Every statement runs in a transaction that is READ ONLY unless the operator allows
writes, so read-only is enforced by Postgres, not by parsing SQL; each has a statement timeout,
and results are capped at a number of rows (``truncated`` says when there were more).
"""

from __future__ import annotations

import datetime
import decimal
import math
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from ardent_async._core._redact import redact_text
from ardent_async.agents._context import ToolContext
from ardent_async.agents._schema_diff import SCHEMA_QUERIES, assemble, compare
from ardent_async.agents._scope import connector_in_scope
from ardent_async.errors import ArdentError, ArdentValidationError

__all__ = ["HANDLERS", "SQLError"]

AGENTS_EXTRA = "pip install 'ardent-async[agents]'"
CONNECT_TIMEOUT = 10.0


class SQLError(ArdentError):
    """Postgres refused a statement (or the connection); ``sqlstate`` is its error code."""

    def __init__(self, message: str, *, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def _driver() -> Any:
    try:
        import asyncpg
    except ImportError:
        raise ArdentError(f"the SQL tools need asyncpg: {AGENTS_EXTRA}") from None
    return asyncpg


async def _branch_url(ctx: ToolContext, args: dict[str, Any]) -> str:
    connector = await connector_in_scope(ctx, args.get("connector_id"))
    row = await ctx.client.branches.get(connector, args["branch"])
    if not row.branch_url:
        raise ArdentValidationError(
            f"branch: branch {row.name!r} has no connection URL yet (status {row.status})",
            field="branch",
        )
    return row.branch_url


def _scrub(message: str, secret: str) -> str:
    """``message`` with secrets masked: the known URL and password first, then any pattern."""
    from urllib.parse import unquote, urlsplit

    password = urlsplit(secret).password
    for value in (secret, password, unquote(password) if password else None):
        if value:
            message = message.replace(value, "***")
    return redact_text(message)


@asynccontextmanager
async def _transaction(url: str, *, readonly: bool, timeout: float) -> AsyncIterator[Any]:
    """A connection inside a transaction (READ ONLY unless ``readonly`` is False) with a
    statement timeout; Postgres errors become SQLError with secrets masked."""
    asyncpg = _driver()
    try:
        connection = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        raise SQLError(
            f"could not connect: {_scrub(str(exc), url)}", sqlstate=getattr(exc, "sqlstate", None)
        ) from None
    try:
        transaction = connection.transaction(readonly=readonly)
        await transaction.start()
        try:
            await connection.execute(f"SET LOCAL statement_timeout = {int(timeout * 1000)}")
            yield connection
        except BaseException:
            await transaction.rollback()
            raise
        else:
            await transaction.commit()
    except asyncpg.PostgresError as exc:
        raise SQLError(_scrub(str(exc), url), sqlstate=exc.sqlstate) from None
    finally:
        await connection.close(timeout=CONNECT_TIMEOUT)


def json_value(value: Any) -> Any:
    """A Postgres value as JSON data (exact numbers as text, times as ISO 8601)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "\\x" + bytes(value).hex()
    if isinstance(value, (list, tuple)):
        return [json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)


async def run_sql(ctx: ToolContext, args: dict[str, Any]) -> dict[str, Any]:
    url = await _branch_url(ctx, args)
    cap = min(int(args.get("max_rows") or ctx.settings.max_rows), ctx.settings.max_rows)
    writes = ctx.settings.sql_writes
    async with _transaction(url, readonly=not writes, timeout=ctx.settings.sql_timeout) as conn:
        try:
            # In a savepoint: a refused prepare must not abort the whole transaction.
            async with conn.transaction():
                statement = await conn.prepare(args["sql"])
        except _driver().PostgresSyntaxError as exc:
            if "multiple commands" not in str(exc):
                raise
            # Several statements: the simple protocol runs them all (and returns no rows).
            status = await conn.execute(args["sql"])
            return {
                "columns": [],
                "rows": [],
                "row_count": 0,
                "truncated": False,
                "command": status,
                "read_only": not writes,
            }
        columns = [{"name": a.name, "type": a.type.name} for a in statement.get_attributes()]
        if not columns:
            await statement.fetch()
            rows: list[Any] = []
        else:
            cursor = await statement.cursor()
            rows = await cursor.fetch(cap + 1)
        truncated = len(rows) > cap
        shown = [[json_value(v) for v in row.values()] for row in rows[:cap]]
        return {
            "columns": columns,
            "rows": shown,
            "row_count": len(shown),
            "truncated": truncated,
            "command": statement.get_statusmsg(),
            "read_only": not writes,
        }


async def _schema_of(ctx: ToolContext, url: str, schema: str | None) -> list[dict[str, Any]]:
    async with _transaction(url, readonly=True, timeout=ctx.settings.sql_timeout) as conn:
        found = {}
        for part, query in SCHEMA_QUERIES.items():
            found[part] = [
                {k: json_value(v) for k, v in row.items()}
                for row in await conn.fetch(query, schema)
            ]
    return assemble(found)


async def describe_branch_schema(ctx: ToolContext, args: dict[str, Any]) -> dict[str, Any]:
    url = await _branch_url(ctx, args)
    return {"tables": await _schema_of(ctx, url, args.get("schema"))}


async def compare_branch_schema(ctx: ToolContext, args: dict[str, Any]) -> dict[str, Any]:
    url = await _branch_url(ctx, args)
    other_branch = args.get("against_branch")
    other_source = args.get("against_source")
    if other_branch is not None and other_source is not None:
        raise ArdentValidationError(
            "against_branch: give against_branch or against_source, not both",
            field="against_branch",
        )
    if other_branch is not None:
        base_url = await _branch_url(ctx, {**args, "branch": other_branch})
        against = {"branch": other_branch}
    else:
        sources = ctx.settings.sources
        if other_source is None and len(sources) == 1:
            other_source = next(iter(sources))
        if not isinstance(other_source, str) or other_source not in sources:
            known = ", ".join(sources) or "none are configured"
            raise ArdentValidationError(
                "against_source: name a configured source (" + known + ") or give against_branch",
                field="against_source",
            )
        base_url = sources[other_source]
        against = {"source": other_source}
    schema = args.get("schema")
    base = await _schema_of(ctx, base_url, schema)
    target = await _schema_of(ctx, url, schema)
    return {"branch": args["branch"], "against": against, **compare(base, target)}


HANDLERS = {
    "run_sql": run_sql,
    "describe_branch_schema": describe_branch_schema,
    "compare_branch_schema": compare_branch_schema,
}
