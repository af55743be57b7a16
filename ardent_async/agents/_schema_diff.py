"""Reading a database's schema (tables, columns, keys, indexes) and comparing two of them."""

from __future__ import annotations

from typing import Any

__all__ = ["SCHEMA_QUERIES", "assemble", "compare"]

_USER_SCHEMAS = """
    n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
    AND ($1::text IS NULL OR n.nspname = $1)
"""

#: name -> SQL, each taking the schema filter ($1, NULL for all user schemas).
SCHEMA_QUERIES = {
    "tables": f"""
        SELECT n.nspname AS schema, c.relname AS name,
               CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                    WHEN 'p' THEN 'partitioned table' ELSE 'table' END AS kind
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm') AND {_USER_SCHEMAS}
        ORDER BY 1, 2""",
    "columns": f"""
        SELECT n.nspname AS schema, c.relname AS table, a.attname AS name,
               format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable,
               pg_get_expr(d.adbin, d.adrelid) AS default,
               NULLIF(a.attidentity, '') AS identity
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm')
              AND {_USER_SCHEMAS}
        ORDER BY 1, 2, a.attnum""",
    "constraints": f"""
        SELECT n.nspname AS schema, c.relname AS table, k.conname AS name,
               CASE k.contype WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique'
                    WHEN 'f' THEN 'foreign key' WHEN 'c' THEN 'check' ELSE 'exclusion' END
                   AS kind,
               pg_get_constraintdef(k.oid) AS definition
        FROM pg_constraint k
        JOIN pg_class c ON c.oid = k.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE k.contype IN ('p', 'u', 'f', 'c', 'x') AND {_USER_SCHEMAS}
        ORDER BY 1, 2, 3""",
    "indexes": f"""
        SELECT n.nspname AS schema, t.relname AS table, i.relname AS name,
               x.indisunique AS unique, pg_get_indexdef(x.indexrelid) AS definition
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE {_USER_SCHEMAS}
        ORDER BY 1, 2, 3""",
}


def assemble(found: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Tables with their columns, constraints and indexes, from the rows of SCHEMA_QUERIES."""
    tables: dict[tuple[str, str], dict[str, Any]] = {}
    for row in found["tables"]:
        tables[(row["schema"], row["name"])] = {
            "schema": row["schema"],
            "name": row["name"],
            "kind": row["kind"],
            "columns": [],
            "constraints": [],
            "indexes": [],
        }
    for part in ("columns", "constraints", "indexes"):
        for row in found[part]:
            table = tables.get((row["schema"], row["table"]))
            if table is not None:
                table[part].append({k: v for k, v in row.items() if k not in ("schema", "table")})
    return list(tables.values())


def _by_name(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in items}


def _changes(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, Any]:
    old, new = _by_name(before), _by_name(after)
    changed = []
    for name in sorted(old.keys() & new.keys()):
        if old[name] != new[name]:
            fields = sorted(k for k in old[name].keys() | new[name].keys() if k != "name")
            changed.append(
                {
                    "name": name,
                    "from": {
                        k: old[name].get(k) for k in fields if old[name].get(k) != new[name].get(k)
                    },
                    "to": {
                        k: new[name].get(k) for k in fields if old[name].get(k) != new[name].get(k)
                    },
                }
            )
    return {
        "added": [new[name] for name in new if name not in old],
        "removed": [old[name] for name in old if name not in new],
        "changed": changed,
    }


def compare(base: list[dict[str, Any]], target: list[dict[str, Any]]) -> dict[str, Any]:
    """What changes from ``base`` to ``target``: tables added and removed, and per table the
    columns, constraints and indexes added, removed or changed."""

    def key(table: dict[str, Any]) -> str:
        return f"{table['schema']}.{table['name']}"

    old = {key(t): t for t in base}
    new = {key(t): t for t in target}
    changed = []
    for name in sorted(old.keys() & new.keys()):
        parts = {
            part: _changes(old[name][part], new[name][part])
            for part in ("columns", "constraints", "indexes")
        }
        differs = {part: diff for part, diff in parts.items() if any(diff.values())}
        if differs:
            changed.append({"table": name, **differs})
    added = sorted(new.keys() - old.keys())
    removed = sorted(old.keys() - new.keys())
    return {
        "identical": not (added or removed or changed),
        "tables_added": [new[name] for name in added],
        "tables_removed": removed,
        "tables_changed": changed,
    }
