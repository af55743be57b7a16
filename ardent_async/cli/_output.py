"""How the command line shows results: tables for people, JSON for scripts, secrets masked."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, TextIO

import attrs

from ardent_async._core._converter import converter
from ardent_async._core._redact import mask_url, redact_value
from ardent_async.cli._failure import JSON_SCHEMA_VERSION, CliError

try:  # rich is optional (extra `cli`): plain text when it is missing
    from rich.console import Console
    from rich.table import Table
except ImportError:  # pragma: no cover - exercised only without the extra
    Console = None  # type: ignore[assignment,misc]
    Table = None  # type: ignore[assignment,misc]


def to_data(value: Any, *, show_secrets: bool) -> Any:
    """JSON-ready data of models, lists and dicts; secrets masked unless ``show_secrets``."""
    if attrs.has(type(value)):
        data = converter.unstructure(value)
        extra = data.pop("extra", None) if isinstance(data, dict) else None
        if extra:
            data.update(extra)
    elif isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        return [to_data(v, show_secrets=show_secrets) for v in value]
    elif isinstance(value, Mapping):
        data = {k: to_data(v, show_secrets=show_secrets) for k, v in value.items()}
    else:
        data = value
    return data if show_secrets else redact_value(data)


class Output:
    """Writes results in the chosen format to stdout; notes and progress go to stderr.

    JSON is one object per command: ``{"json_schema_version": 1, "data": ...}``, and on
    failure ``{"json_schema_version": 1, "error": {"code": ..., "message": ...}}`` (both when a
    result is partial, such as some of several branches failing).
    """

    def __init__(
        self,
        fmt: str,
        *,
        show_secrets: bool,
        quiet: bool = False,
        stream: TextIO | None = None,
        notes: TextIO | None = None,
    ) -> None:
        self.format = fmt
        self.show_secrets = show_secrets
        self.quiet = quiet
        self.stream = stream or sys.stdout
        self.notes = notes or sys.stderr
        self.wrote_result = False
        self._console = (
            Console(file=self.stream, highlight=False, soft_wrap=True)
            if Console is not None and fmt == "table" and self.stream.isatty()
            else None
        )

    def secret_url(self, url: str | None) -> str:
        if url is None:
            return ""
        return url if self.show_secrets else mask_url(url)

    def json(self, value: Any, *, error: CliError | None = None) -> None:
        document: dict[str, Any] = {"json_schema_version": JSON_SCHEMA_VERSION}
        if value is not None or error is None:
            document["data"] = to_data(value, show_secrets=self.show_secrets)
        if error is not None:
            document["error"] = error.as_dict()
        self.stream.write(json.dumps(document, indent=2, default=_json_default) + "\n")
        self.stream.flush()
        self.wrote_result = True

    def error(self, error: CliError) -> None:
        """A failure: a JSON document on stdout (``--format json``), else lines on stderr."""
        if self.format == "json":
            self.json(error.data, error=error)
            return
        self.notes.write(f"ardent-async: error: {error.message}\n")
        if error.hint:
            self.notes.write(f"  {error.hint}\n")
        if error.resume is not None:
            self.notes.write(error.resume.text() + "\n")
        self.notes.flush()

    def note(self, text: str) -> None:
        """A progress or stage note for people, on stderr (silenced by --quiet)."""
        if not self.quiet:
            self.notes.write(text + "\n")
            self.notes.flush()

    def table(
        self,
        value: Any,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        title: str | None = None,
    ) -> None:
        """``value`` is what --format json prints; ``rows`` what the table shows."""
        if self.format == "json":
            self.json(value)
            return
        self.wrote_result = True
        cells = [[_cell(c) for c in row] for row in rows]
        if self._console is not None and Table is not None:
            table = Table(title=title, show_lines=False)
            for column in columns:
                table.add_column(column)
            for row in cells:
                table.add_row(*row)
            self._console.print(table)
            return
        widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
        if title:
            self.stream.write(title + "\n")
        for row in [list(columns), *cells]:
            line = "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))
            self.stream.write(line.rstrip() + "\n")

    def record(
        self, value: Any, *, title: str | None = None, fields: Mapping[str, Any] | None = None
    ) -> None:
        """One object as a two-column table (field, value): ``fields`` when given (a summary
        for people), else all of ``value``; ``--format json`` prints all of ``value``."""
        data = to_data(value if fields is None else fields, show_secrets=self.show_secrets)
        if self.format == "json" or not isinstance(data, dict):
            self.json(value)
            return
        self.table(value, ["field", "value"], [(k, v) for k, v in data.items()], title=title)

    def line(self, text: str) -> None:
        if self.format != "json":
            self.stream.write(text + "\n")

    def raw(self, text: str) -> None:
        """Exactly ``text`` and a newline on stdout, whatever the format (``--print-url``)."""
        self.stream.write(text + "\n")
        self.stream.flush()
        self.wrote_result = True


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, (dict, list)):
        return json.dumps(value, default=_json_default)
    return str(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
