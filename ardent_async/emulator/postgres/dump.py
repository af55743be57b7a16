"""Copying selected tables (schema + rows) from a source into a target database.

Uses the wheel's ``pg_dump`` (custom format, whole schemas with unwanted relations excluded)
and ``pg_restore`` (one transaction, stop on first error). The plan is derived from the
source's catalogue so that the restore is self-consistent:

* relations outside the selection are excluded (``-T``), and so are sequences owned by them,
  foreign tables, and views/materialized views depending on anything not copied;
* foreign keys pointing at tables not copied are left out (filtered from the archive's TOC);
* the ``public`` schema's ``CREATE SCHEMA`` is skipped (the target already has one).

Not copied: extensions, large objects, publications/subscriptions, owners, privileges.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import tempfile
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from . import catalog
from .binaries import libpq_env, run_tool
from .dsn import PostgresUrl
from .idents import quote_ident, quote_qualified
from .pgconn import Connection, Record

_TOC_LINE = re.compile(r"^(\d+); (\d+) (\d+) ")


class CopyPlanError(ValueError):
    """The selection names something the source does not have."""


@dataclasses.dataclass(frozen=True)
class CopyPlan:
    """What to copy: ``schemas`` to dump, ``tables`` (schema, name) to keep, ``exclude``
    relations of those schemas not to dump."""

    schemas: tuple[str, ...]
    tables: tuple[tuple[str, str], ...]
    exclude: tuple[tuple[str, str], ...]
    skip_toc: frozenset[tuple[int, int]]  # (catalog oid, object oid) entries not to restore

    @property
    def paths(self) -> dict[str, tuple[str, str]]:
        """``{"schema.table": (schema, table)}`` for the copied tables."""
        return {f"{schema}.{name}": (schema, name) for schema, name in self.tables}


async def plan_copy(
    conn: Connection, selected_paths: Sequence[str] | None, excluded: Collection[str]
) -> CopyPlan:
    """Resolve *selected_paths* (``"schema"`` or ``"schema.table"``; ``None`` = all user
    schemas) minus *excluded* table paths, against the source behind *conn*."""
    schema_names = [schema.name for schema in await catalog.user_schemas(conn)]
    all_tables = await catalog.tables(conn)
    by_oid = {table.oid: table for table in all_tables}
    whole, picked = _resolve_selection(
        schema_names if selected_paths is None else selected_paths,
        excluded,
        schema_names,
        all_tables,
    )
    roots = {_partition_root(oid, by_oid) for oid in picked}
    schemas = tuple(dict.fromkeys([*whole, *(by_oid[oid].schema for oid in sorted(picked))]))
    kept = {
        t.oid for t in all_tables if _partition_root(t.oid, by_oid) in roots and t.schema in schemas
    }
    relations = await _relations(conn, schemas)
    kept |= _kept_sequences(relations, kept)
    kept |= _kept_views(relations, await _view_references(conn), kept)
    exclude = tuple((row["schema"], row["name"]) for row in relations if row["oid"] not in kept)
    skip = await _dangling_foreign_keys(conn, kept) | await _public_schema_entry(conn, schemas)
    tables = tuple(sorted((by_oid[oid].schema, by_oid[oid].name) for oid in kept if oid in by_oid))
    return CopyPlan(schemas=schemas, tables=tables, exclude=exclude, skip_toc=frozenset(skip))


def _resolve_selection(
    paths: Sequence[str],
    excluded: Collection[str],
    schema_names: list[str],
    all_tables: Sequence[catalog.TableRow],
) -> tuple[list[str], set[int]]:
    """The schemas selected whole, and the oids of the tables picked (a whole schema's
    tables that are not partitions, plus the tables named), less the *excluded* ones."""
    by_path = {table.path: table for table in all_tables}
    whole: list[str] = []
    picked: set[int] = set()
    for path in paths:
        if path in schema_names:
            whole.append(path)
            picked.update(t.oid for t in all_tables if t.schema == path and not t.is_partition)
        elif path in by_path:
            picked.add(by_path[path].oid)
        else:
            raise CopyPlanError(f"the source has no schema or table {path!r}")
    picked -= {by_path[path].oid for path in excluded if path in by_path}
    return whole, picked


def _partition_root(oid: int, by_oid: Mapping[int, catalog.TableRow]) -> int:
    """The topmost known parent of table *oid* (itself when it is not a partition)."""
    while (parent := by_oid[oid].parent_oid) is not None and parent in by_oid:
        oid = parent
    return oid


async def _relations(conn: Connection, schemas: Sequence[str]) -> list[Record]:
    """Tables, views, sequences and foreign tables of *schemas*, each with the table that
    owns it (a sequence's), if any."""
    return await conn.fetch(
        "SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name,"
        " c.relkind::text AS kind,"
        " (SELECT d.refobjid::int8 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
        "   AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass"
        "   AND d.deptype IN ('a', 'i') LIMIT 1) AS owner_table"
        " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')",
        list(schemas),
    )


async def _view_references(conn: Connection) -> dict[int, set[int]]:
    """For each view of the user schemas, the relations it reads."""
    view_refs: dict[int, set[int]] = {}
    for row in await conn.fetch(
        "SELECT DISTINCT r.ev_class::int8 AS view, d.refobjid::int8 AS ref"
        " FROM pg_rewrite r JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass"
        "  AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass"
        " JOIN pg_class rc ON rc.oid = d.refobjid JOIN pg_namespace n ON n.oid = rc.relnamespace"
        f" WHERE d.refobjid <> r.ev_class AND {catalog.USER_SCHEMA_PREDICATE}"
    ):
        view_refs.setdefault(row["view"], set()).add(row["ref"])
    return view_refs


def _kept_sequences(relations: Sequence[Record], kept: Collection[int]) -> set[int]:
    """Sequences to copy: those owned by no table, or by a table in *kept*."""
    return {
        row["oid"]
        for row in relations
        if row["kind"] == "S" and (row["owner_table"] is None or row["owner_table"] in kept)
    }


def _kept_views(
    relations: Sequence[Record], view_refs: Mapping[int, set[int]], kept: Collection[int]
) -> set[int]:
    """Views to copy: those reading only what is copied, views included (a fixed point)."""
    copied = set(kept)
    views = [row["oid"] for row in relations if row["kind"] in ("v", "m")]
    changed = True
    while changed:
        changed = False
        for oid in views:
            if oid not in copied and view_refs.get(oid, set()) <= copied:
                copied.add(oid)
                changed = True
    return copied - set(kept)


async def _dangling_foreign_keys(conn: Connection, kept: Collection[int]) -> set[tuple[int, int]]:
    """TOC entries of foreign keys of copied tables that point at tables not copied."""
    rows = await conn.fetch(
        "SELECT 'pg_constraint'::regclass::int8 AS classid, k.oid::int8 AS oid,"
        " k.conrelid::int8 AS table_oid, k.confrelid::int8 AS ref_oid"
        " FROM pg_constraint k WHERE k.contype = 'f' AND k.conrelid = ANY($1::oid[])",
        sorted(kept),
    )
    return {(row["classid"], row["oid"]) for row in rows if row["ref_oid"] not in kept}


async def _public_schema_entry(conn: Connection, schemas: Sequence[str]) -> set[tuple[int, int]]:
    """The ``public`` schema's TOC entry when it is copied (the target already has one)."""
    if "public" not in schemas:
        return set()
    public = await conn.fetchrow(
        "SELECT 'pg_namespace'::regclass::int8 AS classid, oid::int8 AS oid"
        " FROM pg_namespace WHERE nspname = 'public'"
    )
    return set() if public is None else {(public["classid"], public["oid"])}


async def copy_into(
    plan: CopyPlan,
    *,
    source: PostgresUrl,
    target: PostgresUrl,
    owner: str,
    schema_only: bool = False,
) -> None:
    """Dump *plan* from *source* and restore it into *target*, objects owned by *owner*
    (``pg_restore --role``); *schema_only*: no rows, no sequence positions. Raises
    :class:`~.binaries.ToolError` on failure."""
    if not plan.schemas:
        return
    selection = [f"--schema={quote_ident(name)}" for name in plan.schemas]
    selection += [f"--exclude-table={quote_qualified(s, t)}" for s, t in plan.exclude]
    await _dump_restore(
        selection, plan.skip_toc, source=source, target=target, owner=owner, schema_only=schema_only
    )


async def copy_table_schemas(
    tables: Sequence[tuple[str, str]], *, source: PostgresUrl, target: PostgresUrl, owner: str
) -> None:
    """Create *tables* (with their owned sequences, indexes and constraints) in *target*."""
    if tables:
        selection = [f"--table={quote_qualified(s, t)}" for s, t in tables]
        await _dump_restore(
            selection, frozenset(), source=source, target=target, owner=owner, schema_only=True
        )


async def _dump_restore(
    selection: list[str],
    skip_toc: Collection[tuple[int, int]],
    *,
    source: PostgresUrl,
    target: PostgresUrl,
    owner: str,
    schema_only: bool,
) -> None:
    secrets = (source, target)
    with tempfile.TemporaryDirectory(prefix="ardent-dump-") as scratch:
        archive = Path(scratch) / "archive.dump"
        toc = Path(scratch) / "restore.list"
        args = [
            "--format=custom",
            "--compress=0",
            "--no-sync",
            "--no-owner",
            "--no-privileges",
            "--no-publications",
            "--no-subscriptions",
            "--no-security-labels",
            "--no-tablespaces",
            "--lock-wait-timeout=60000",
            f"--file={archive}",
        ]
        if schema_only:
            args.append("--schema-only")
        args += selection
        args.append(f"--dbname={source.to_url(with_password=False)}")
        await run_tool("pg_dump", args, env=libpq_env(source), scrub_for=secrets)

        listing = await run_tool("pg_restore", ["--list", str(archive)], scrub_for=secrets)
        await asyncio.to_thread(toc.write_text, filter_toc(listing, skip_toc))
        await run_tool(
            "pg_restore",
            [
                "--exit-on-error",
                "--single-transaction",
                "--no-owner",
                "--no-privileges",
                "--no-publications",
                "--no-subscriptions",
                "--no-security-labels",
                "--no-tablespaces",
                f"--role={owner}",
                f"--use-list={toc}",
                f"--dbname={target.to_url(with_password=False)}",
                str(archive),
            ],
            env=libpq_env(target),
            scrub_for=secrets,
        )


def filter_toc(listing: str, skip: Collection[tuple[int, int]]) -> str:
    """Drop the ``pg_restore --list`` lines whose (catalog oid, object oid) is in *skip*."""
    kept = []
    for line in listing.splitlines():
        match = _TOC_LINE.match(line)
        if match and (int(match.group(2)), int(match.group(3))) in skip:
            continue
        kept.append(line)
    return "\n".join(kept) + "\n"
