"""What the operator decides for the agent tools: the org, named sources, scope and safety.

The model never chooses these: the org comes from configuration (the API has no "who am I"
call), sources are given by name so no source password travels through the model's arguments,
pinned project and connector ids refuse any other id, and the safety level decides which tools
exist at all.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

import attrs

from ardent_async._core._redact import mask_url
from ardent_async.errors import ArdentValidationError, validation_error

__all__ = [
    "DEFAULT_CREATE_WAIT",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_SQL_TIMEOUT",
    "TOOLSETS",
    "ToolSettings",
    "parse_sources",
]

#: Seconds a tool call waits at most (create_branch, the connector stages, wait_operation)
#: before handing back the operation: well under every framework's default tool timeout
#: (openai-agents' MCPServerStdio: 5 s), with room for the requests around the wait.
DEFAULT_CREATE_WAIT = 3.0
MAX_CREATE_WAIT = 60.0
#: Postgres statement_timeout of run_sql and the schema tools, in seconds.
DEFAULT_SQL_TIMEOUT = 15.0
#: Rows run_sql returns at most (the rest is reported as truncated).
DEFAULT_MAX_ROWS = 200
MAX_ROWS = 10_000

TOOLSETS = ("projects", "connectors", "branches", "operations", "sql")
"""The tool groups (``toolsets=``, ``--toolsets``)."""

ORG_HINT = (
    "the agent tools need the org they work in: pass org_id= to ArdentTools, or set "
    "ARDENT_ORG_ID (the MCP server: --org-id ORG or ARDENT_ORG_ID)"
)


def _sources(value: Mapping[str, str] | None) -> Mapping[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise validation_error("sources", "a mapping of source name to connection URL", value)
    checked: dict[str, str] = {}
    for name, url in value.items():
        if not isinstance(name, str) or not name.strip() or "=" in name:
            raise validation_error("sources", "source names that are non-empty text", name)
        if not isinstance(url, str) or urlsplit(url).scheme not in ("postgres", "postgresql"):
            # The URL is a secret: say what is wrong without showing it.
            raise ArdentValidationError(
                f"sources[{name!r}]: expected a postgresql:// URL, got {mask_url(str(url))!r}",
                field=f"sources[{name!r}]",
            )
        checked[name.strip()] = url
    return checked


def parse_sources(entries: Iterable[str] = (), environment: str | None = None) -> dict[str, str]:
    """Named sources from ``NAME=URL`` entries (``--source``, repeatable) and from
    ``ARDENT_SOURCES`` (a JSON object, or ``NAME=URL`` entries separated by spaces, newlines or
    ``;``). Later entries win."""
    found: dict[str, str] = {}
    if environment and environment.strip():
        text = environment.strip()
        if text.startswith("{"):
            try:
                loaded = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ArdentValidationError(
                    f"ARDENT_SOURCES: not a JSON object ({exc.msg} at position {exc.pos})",
                    field="ARDENT_SOURCES",
                ) from None
            if not isinstance(loaded, dict):
                raise validation_error("ARDENT_SOURCES", "a JSON object of NAME: URL", loaded)
            found.update({str(k): v for k, v in loaded.items()})
        else:
            entries = [*text.replace(";", " ").split(), *entries]
    for entry in entries:
        name, sep, url = entry.partition("=")
        if not sep or not name.strip() or not url.strip():
            raise ArdentValidationError(
                f"source: expected NAME=URL (like app=postgresql://...), got {mask_url(entry)!r}",
                field="source",
            )
        found[name.strip()] = url.strip()
    return found


def _optional_id(name: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise validation_error(name, "an id (text) or None", value)
    return value


def _org(value: object) -> str:
    if value is None:
        value = os.environ.get("ARDENT_ORG_ID") or None
    if value is None:
        raise ArdentValidationError(f"org_id: no org configured: {ORG_HINT}", field="org_id")
    if not isinstance(value, str) or not value.strip():
        raise validation_error("org_id", "an org id such as org_123", value)
    return value


def _toolsets(value: Iterable[str] | None) -> frozenset[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        raise validation_error("toolsets", "a list of toolset names", value)
    chosen = frozenset(value)
    unknown = sorted(chosen - set(TOOLSETS))
    if unknown:
        raise validation_error("toolsets", "toolsets from " + ", ".join(TOOLSETS), unknown[0])
    return chosen


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise validation_error(name, "True or False", value)
    return value


def _bounded(name: str, value: object, maximum: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= maximum:
        raise validation_error(name, f"seconds between 0 and {maximum:g}", value)
    return float(value)


def _rows(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ROWS:
        raise validation_error("max_rows", f"a whole number between 1 and {MAX_ROWS}", value)
    return value


def _project(value: object) -> str | None:
    return _optional_id("project_id", value)


def _connector(value: object) -> str | None:
    return _optional_id("connector_id", value)


def _create_wait(value: object) -> float:
    return _bounded("create_wait", value, MAX_CREATE_WAIT)


def _sql_timeout(value: object) -> float:
    return _bounded("sql_timeout", value, 3600.0)


def _is_flag(instance: object, attribute: attrs.Attribute[bool], value: object) -> None:
    _flag(attribute.name, value)


@attrs.define(frozen=True)
class ToolSettings:
    """The operator's choices (see :class:`~ardent_async.agents.ArdentTools` for each)."""

    org_id: str = attrs.field(converter=_org)
    sources: Mapping[str, str] = attrs.field(factory=dict, converter=_sources, repr=False)
    read_only: bool = attrs.field(default=False, validator=_is_flag)
    allow_writes: bool = attrs.field(default=False, validator=_is_flag)
    allow_connection_details: bool = attrs.field(default=False, validator=_is_flag)
    reveal_connection_urls: bool = attrs.field(default=False, validator=_is_flag)
    project_id: str | None = attrs.field(default=None, converter=_project)
    connector_id: str | None = attrs.field(default=None, converter=_connector)
    toolsets: frozenset[str] | None = attrs.field(default=None, converter=_toolsets)
    create_wait: float = attrs.field(default=DEFAULT_CREATE_WAIT, converter=_create_wait)
    sql_timeout: float = attrs.field(default=DEFAULT_SQL_TIMEOUT, converter=_sql_timeout)
    max_rows: int = attrs.field(default=DEFAULT_MAX_ROWS, converter=_rows)

    def __attrs_post_init__(self) -> None:
        if self.read_only and self.allow_writes:
            raise ArdentValidationError(
                "allow_writes: cannot be combined with read_only (choose one)",
                field="allow_writes",
            )

    @property
    def sql_writes(self) -> bool:
        """True when run_sql may write (else it runs in a READ ONLY transaction)."""
        return self.allow_writes and not self.read_only
