"""Read-only catalogue queries about user schemas and tables (any Postgres >= 10)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from .pgconn import Connection

#: SQL predicate on ``n`` (a ``pg_namespace`` row): true for user schemas.
USER_SCHEMA_PREDICATE = (
    "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"
    " AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'"
)


@dataclasses.dataclass(frozen=True)
class SchemaRow:
    oid: int
    name: str
    has_usage: bool


@dataclasses.dataclass(frozen=True)
class TableRow:
    oid: int
    schema: str
    name: str
    is_partition: bool
    parent_oid: int | None
    has_primary_key: bool
    replica_identity: str  # pg_class.relreplident: d(efault) n(othing) f(ull) i(ndex)
    estimated_rows: int
    can_select: bool

    @property
    def path(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclasses.dataclass(frozen=True)
class ColumnRow:
    name: str
    data_type: str
    nullable: bool
    in_primary_key: bool


async def user_schemas(conn: Connection) -> list[SchemaRow]:
    rows = await conn.fetch(
        "SELECT n.oid::int8 AS oid, n.nspname AS name,"
        " has_schema_privilege(n.oid, 'USAGE') AS has_usage"
        f" FROM pg_namespace n WHERE {USER_SCHEMA_PREDICATE} ORDER BY n.nspname"
    )
    return [SchemaRow(row["oid"], row["name"], row["has_usage"]) for row in rows]


async def tables(conn: Connection, schemas: Sequence[str] | None = None) -> list[TableRow]:
    """Ordinary and partitioned tables in *schemas* (default: all user schemas)."""
    rows = await conn.fetch(
        "SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name,"
        " c.relispartition AS is_partition,"
        " (SELECT i.inhparent::int8 FROM pg_inherits i WHERE i.inhrelid = c.oid LIMIT 1)"
        "   AS parent_oid,"
        " EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p')"
        "   AS has_primary_key,"
        " c.relreplident::text AS replica_identity,"
        " CASE WHEN c.reltuples >= 0 THEN c.reltuples::int8"
        "   ELSE coalesce(s.n_live_tup, 0)::int8 END AS estimated_rows,"
        " has_table_privilege(c.oid, 'SELECT') AS can_select"
        " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid"
        f" WHERE c.relkind IN ('r', 'p') AND {USER_SCHEMA_PREDICATE}"
        "   AND ($1::text[] IS NULL OR n.nspname = ANY($1::text[]))"
        " ORDER BY n.nspname, c.relname",
        None if schemas is None else list(schemas),
    )
    return [
        TableRow(
            oid=row["oid"],
            schema=row["schema"],
            name=row["name"],
            is_partition=row["is_partition"],
            parent_oid=row["parent_oid"],
            has_primary_key=row["has_primary_key"],
            replica_identity=row["replica_identity"],
            estimated_rows=row["estimated_rows"],
            can_select=row["can_select"],
        )
        for row in rows
    ]


async def columns(conn: Connection, table_oids: Sequence[int]) -> dict[int, list[ColumnRow]]:
    """Visible columns of the given tables, in column order."""
    rows = await conn.fetch(
        "SELECT a.attrelid::int8 AS oid, a.attname AS name,"
        " format_type(a.atttypid, a.atttypmod) AS data_type, NOT a.attnotnull AS nullable,"
        " EXISTS (SELECT 1 FROM pg_index x WHERE x.indrelid = a.attrelid AND x.indisprimary"
        "   AND a.attnum = ANY(x.indkey)) AS in_primary_key"
        " FROM pg_attribute a"
        " WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped"
        " ORDER BY a.attrelid, a.attnum",
        list(table_oids),
    )
    result: dict[int, list[ColumnRow]] = {oid: [] for oid in table_oids}
    for row in rows:
        result[row["oid"]].append(
            ColumnRow(row["name"], row["data_type"], row["nullable"], row["in_primary_key"])
        )
    return result
