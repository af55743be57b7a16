"""SQL identifier/literal quoting and the derivation of safe database and role names."""

from __future__ import annotations

import hashlib
import re

MAX_IDENTIFIER_LENGTH = 63  # NAMEDATALEN - 1
_UNSAFE = re.compile(r"[^a-z0-9]+")


def quote_ident(name: str) -> str:
    """Quote *name* as a SQL identifier, always (like ``quote_ident`` but unconditional)."""
    if not name or "\x00" in name:
        raise ValueError("an SQL identifier must be a non-empty string without NUL bytes")
    return '"' + name.replace('"', '""') + '"'


def quote_qualified(schema: str, name: str) -> str:
    """``"schema"."name"``; also a literal-matching pattern for ``pg_dump -n/-t/-T``."""
    return f"{quote_ident(schema)}.{quote_ident(name)}"


def quote_literal(value: str) -> str:
    """Quote *value* as a standard-conforming SQL string literal."""
    if "\x00" in value:
        raise ValueError("an SQL string literal cannot contain NUL bytes")
    return "'" + value.replace("'", "''") + "'"


def slug(text: str, max_length: int) -> str:
    """Lower-case ``[a-z0-9_]`` rendering of *text*, at most *max_length* characters."""
    return _UNSAFE.sub("_", text.lower()).strip("_")[:max_length].rstrip("_")


def digest(*parts: str, length: int = 10) -> str:
    """A short stable hex digest of *parts* (distinguishes names whose slugs collide)."""
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode())
        hasher.update(b"\x00")
    return hasher.hexdigest()[:length]


def derive_name(prefix: str, text: str, *, slug_length: int = 12) -> str:
    """``{prefix}_{slug(text)}_{digest(text)}``: a safe identifier unique per *text*.

    *prefix* must itself be a safe identifier (``[a-z0-9_]``).
    """
    if slug(prefix, MAX_IDENTIFIER_LENGTH) != prefix:
        raise ValueError("a name prefix must consist of [a-z0-9_] only")
    pieces = [prefix, slug(text, slug_length), digest(prefix, text)]
    name = "_".join(piece for piece in pieces if piece)
    if len(name) > MAX_IDENTIFIER_LENGTH:
        raise ValueError("derived name exceeds Postgres' 63-byte identifier limit")
    return name
