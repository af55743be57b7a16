"""What logical replication does not carry: schema changes and sequence positions.

Schema: the replicated tables' columns are compared between source and replica (by name, in
column order); differences become ``ALTER TABLE`` statements on the replica, so the apply
worker (which stops on a change it cannot apply) can go on and the next branch has the source's
schema. Tables that appear on the source inside a wholly selected schema are reported as new
(the caller creates, publishes and syncs them); tables gone from the source are dropped from
the replica.

Sequences: their values are read from the source and set on the replica before each clone, so
an INSERT into a branch continues after the source's current values.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence

from . import catalog
from .idents import quote_ident, quote_literal, quote_qualified
from .pgconn import Connection

Table = tuple[str, str]


@dataclasses.dataclass(frozen=True)
class Column:
    name: str
    data_type: str
    not_null: bool
    default: str | None
    identity: str  # '' | 'a' (always) | 'd' (by default)
    generated: str  # '' | 's' (stored) | 'v' (virtual)


@dataclasses.dataclass(frozen=True)
class Drift:
    """How the replica's schema differs from the source's."""

    statements: tuple[str, ...] = ()
    """``ALTER TABLE`` statements bringing the replica's existing tables to the source's."""
    changed_tables: tuple[str, ...] = ()
    new_tables: tuple[Table, ...] = ()
    """In a wholly selected schema on the source, replicable, not replicated yet."""
    blocked_tables: tuple[str, ...] = ()
    """New on the source but without a primary key or replica identity: not replicated."""
    dropped_tables: tuple[Table, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.statements or self.new_tables or self.dropped_tables)

    def describe(self) -> list[str]:
        lines = [f"columns changed on {path}" for path in self.changed_tables]
        lines += [f"table added: {schema}.{name}" for schema, name in self.new_tables]
        lines += [f"table dropped: {schema}.{name}" for schema, name in self.dropped_tables]
        return lines


async def columns_of(conn: Connection, tables: Collection[Table]) -> dict[Table, list[Column]]:
    """Visible columns of *tables* (those that exist), in column order."""
    if not tables:
        return {}
    rows = await conn.fetch(
        "SELECT n.nspname AS schema, c.relname AS name, a.attname AS column,"
        " format_type(a.atttypid, a.atttypmod) AS data_type, a.attnotnull AS not_null,"
        " pg_get_expr(d.adbin, d.adrelid) AS default_expr, a.attidentity::text AS identity,"
        " a.attgenerated::text AS generated"
        " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
        " LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum"
        " WHERE (n.nspname, c.relname) IN (SELECT * FROM unnest($1::text[], $2::text[]))"
        " ORDER BY n.nspname, c.relname, a.attnum",
        [schema for schema, _ in tables],
        [name for _, name in tables],
    )
    found: dict[Table, list[Column]] = {}
    for row in rows:
        found.setdefault((row["schema"], row["name"]), []).append(
            Column(
                name=row["column"],
                data_type=row["data_type"],
                not_null=row["not_null"],
                default=row["default_expr"],
                identity=row["identity"] or "",
                generated=row["generated"] or "",
            )
        )
    return found


async def detect(
    source: Connection,
    replica: Connection,
    *,
    replicated: Sequence[Table],
    whole_schemas: Sequence[str],
    excluded: Collection[str],
    blocked: Collection[str] = (),
) -> Drift:
    """Compare the source's and the replica's shapes of the replicated tables."""
    on_source = await columns_of(source, replicated)
    on_replica = await columns_of(replica, replicated)
    statements: list[str] = []
    changed: list[str] = []
    dropped: list[Table] = []
    for table in replicated:
        if table not in on_source:
            dropped.append(table)
            continue
        wanted, have = on_source[table], on_replica.get(table, [])
        table_statements = _alter(table, have, wanted)
        if table_statements:
            statements += table_statements
            changed.append(f"{table[0]}.{table[1]}")
    new: list[Table] = []
    held: list[str] = []
    if whole_schemas:
        known = set(replicated)
        for row in await catalog.tables(source, list(whole_schemas)):
            table = (row.schema, row.name)
            if row.is_partition or table in known or row.path in excluded:
                continue
            if row.has_primary_key or row.replica_identity in ("f", "i"):
                new.append(table)
            else:
                held.append(row.path)
    return Drift(
        statements=tuple(statements),
        changed_tables=tuple(changed),
        new_tables=tuple(new),
        blocked_tables=tuple(sorted({*held, *blocked})),
        dropped_tables=tuple(dropped),
    )


async def source_shape(
    conn: Connection, replicated: Sequence[Table], whole_schemas: Sequence[str]
) -> tuple[object, ...]:
    """A comparable summary of the replicated tables' columns and of the tables in
    *whole_schemas* (with their identity), read from one side."""
    columns = await columns_of(conn, replicated)
    listed = (
        [
            (row.schema, row.name, row.has_primary_key, row.replica_identity)
            for row in await catalog.tables(conn, list(whole_schemas))
        ]
        if whole_schemas
        else []
    )
    return (tuple(sorted((table, tuple(cols)) for table, cols in columns.items())), tuple(listed))


def _alter(table: Table, have: list[Column], wanted: list[Column]) -> list[str]:
    target = quote_qualified(*table)
    current = {column.name: column for column in have}
    desired = {column.name for column in wanted}
    out = [
        f"ALTER TABLE {target} DROP COLUMN {quote_ident(column.name)}"
        for column in have
        if column.name not in desired
    ]
    for column in wanted:
        name = quote_ident(column.name)
        old = current.get(column.name)
        if old is None:
            out.append(f"ALTER TABLE {target} ADD COLUMN {name} {_definition(column)}")
            continue
        regenerate = column.generated and old.default != column.default
        if old.generated != column.generated or regenerate:
            out.append(f"ALTER TABLE {target} DROP COLUMN {name}")
            out.append(f"ALTER TABLE {target} ADD COLUMN {name} {_definition(column)}")
            continue
        if old.data_type != column.data_type:
            out.append(
                f"ALTER TABLE {target} ALTER COLUMN {name} TYPE {column.data_type}"
                f" USING {name}::{column.data_type}"
            )
        if old.identity != column.identity:
            if old.identity:
                out.append(f"ALTER TABLE {target} ALTER COLUMN {name} DROP IDENTITY")
            if column.identity:
                out.append(
                    f"ALTER TABLE {target} ALTER COLUMN {name} ADD {_identity(column.identity)}"
                )
        elif old.default != column.default and not column.identity:
            if column.default is None:
                out.append(f"ALTER TABLE {target} ALTER COLUMN {name} DROP DEFAULT")
            else:
                out.append(f"ALTER TABLE {target} ALTER COLUMN {name} SET DEFAULT {column.default}")
        if old.not_null != column.not_null:
            verb = "SET" if column.not_null else "DROP"
            out.append(f"ALTER TABLE {target} ALTER COLUMN {name} {verb} NOT NULL")
    return out


def _identity(kind: str) -> str:
    return "GENERATED ALWAYS AS IDENTITY" if kind == "a" else "GENERATED BY DEFAULT AS IDENTITY"


def _definition(column: Column) -> str:
    parts = [column.data_type]
    if column.generated:
        storage = "STORED" if column.generated == "s" else "VIRTUAL"
        parts.append(f"GENERATED ALWAYS AS ({column.default}) {storage}")
    elif column.identity:
        parts.append(_identity(column.identity))
    elif column.default is not None:
        parts.append(f"DEFAULT {column.default}")
    if column.not_null and not column.identity:
        parts.append("NOT NULL")
    return " ".join(parts)


# -- sequences ------------------------------------------------------------------------------


async def sequence_values(
    conn: Connection, schemas: Sequence[str]
) -> dict[Table, tuple[int, bool]]:
    """``{(schema, name): (last_value, is_called)}`` of the readable sequences in *schemas*
    (``pg_sequences.last_value`` is NULL for one never used or not readable: left out)."""
    if not schemas:
        return {}
    rows = await conn.fetch(
        "SELECT schemaname AS schema, sequencename AS name, last_value"
        " FROM pg_sequences WHERE schemaname = ANY($1::text[]) AND last_value IS NOT NULL",
        list(schemas),
    )
    return {(row["schema"], row["name"]): (int(row["last_value"]), True) for row in rows}


async def apply_sequences(conn: Connection, values: dict[Table, tuple[int, bool]]) -> None:
    """``setval`` each sequence that exists on the replica behind *conn* to its source value.

    The values are inlined (quoted) rather than sent as array parameters: on a fresh
    connection asyncpg would first introspect the array types, a ~15 ms round trip."""
    if not values:
        return
    rows = ", ".join(
        f"({quote_literal(schema)}, {quote_literal(name)}, {int(value)}::int8)"
        for (schema, name), (value, _) in values.items()
    )
    await conn.execute(
        "SELECT setval(c.oid, s.value, true)"
        f" FROM (VALUES {rows}) AS s(schema, name, value)"
        " JOIN pg_namespace n ON n.nspname = s.schema"
        " JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.name AND c.relkind = 'S'"
    )
