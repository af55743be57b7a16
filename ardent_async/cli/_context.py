"""The current org, project and connector: saved by ``... switch`` commands, per API URL.

The published API has no "who am I" call, so the CLI cannot ask which org a token belongs to.
It resolves each id from, in order: its flag, the environment (``ARDENT_ORG_ID``), then the
context saved by ``orgs switch`` / ``projects switch`` / ``connectors switch`` (and by
``projects create`` / ``connectors create``). The file holds ids only, never a token, and is
keyed by API URL so ids of the emulator never leak into calls to the real Ardent.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import attrs

from ardent_async.cli._failure import CliError

CONTEXT_KEYS = ("org_id", "project_id", "connector_id")
_VERSION = 1


def context_path() -> Path:
    """``$ARDENT_CONFIG_DIR/context.json``, else under ``$XDG_CONFIG_HOME`` or ``~/.config``."""
    explicit = os.environ.get("ARDENT_CONFIG_DIR")
    if explicit:
        return Path(explicit) / "context.json"
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "ardent-async" / "context.json"


@attrs.define
class SavedContext:
    """The ids saved for one API URL."""

    api_url: str
    org_id: str | None = None
    project_id: str | None = None
    connector_id: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {key: getattr(self, key) for key in CONTEXT_KEYS}


def load(api_url: str) -> SavedContext:
    data = _read(context_path())
    entry = data.get("apis", {}).get(api_url, {})
    ids = {k: v for k, v in entry.items() if k in CONTEXT_KEYS and isinstance(v, str) and v}
    return SavedContext(api_url, **ids)


def save(context: SavedContext) -> Path:
    path = context_path()
    data = _read(path)
    apis = data.setdefault("apis", {})
    apis[context.api_url] = {k: v for k, v in context.as_dict().items() if v is not None}
    data["version"] = _VERSION
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write-then-rename: a crash never leaves half a file behind.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".context-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, sort_keys=True)
            handle.write("\n")
        os.replace(tmp, path)
    except OSError as exc:
        raise CliError(
            "config_error", f"cannot save the current context to {path}: {exc.strerror}"
        ) from None
    return path


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise CliError("config_error", f"cannot read {path}: {exc.strerror}") from None
    try:
        data = json.loads(text)
    except ValueError:
        raise CliError(
            "config_error",
            f"{path} is not valid JSON; fix it or run `ardent-async context clear`",
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("apis", {}), dict):
        raise CliError("config_error", f"{path}: expected an object with an 'apis' object")
    return data
