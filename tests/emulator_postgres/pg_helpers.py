"""Small asyncpg helpers shared by the Postgres-layer tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg


@asynccontextmanager
async def connect(url: str) -> AsyncIterator[Any]:
    conn = await asyncpg.connect(url, timeout=10)
    try:
        yield conn
    finally:
        await conn.close()


async def table_digest(url: str, table: str) -> tuple[int, str]:
    """(row count, md5 of all rows in a canonical order) of *table* (``schema.name``)."""
    async with connect(url) as conn:
        row = await conn.fetchrow(
            f"SELECT count(*) AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
            f" AS digest FROM {table} AS t"
        )
    return row["n"], row["digest"]


def sqlstate_of(exc: BaseException) -> str | None:
    return getattr(exc, "sqlstate", None)


async def replication_objects(url: str, prefix: str = "ardent_") -> list[str]:
    """Replication slots (of the source's database) and publications on the source at *url*
    whose names start with *prefix* (``slot:name`` / ``publication:name``)."""
    async with connect(url) as conn:
        rows = await conn.fetch(
            "SELECT 'slot:' || slot_name AS name FROM pg_replication_slots"
            " WHERE starts_with(slot_name::text, $1) AND database = current_database()"
            " UNION ALL SELECT 'publication:' || pubname FROM pg_publication"
            " WHERE starts_with(pubname::text, $1) ORDER BY 1",
            prefix,
        )
    return [row["name"] for row in rows]
