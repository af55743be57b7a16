"""A source database's URL from a connector's ``connection_details``, and what identifies it.

Every error message here is password-free: it names the field, never its value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

DEFAULT_PORT = 5432


def source_url_from(details: Mapping[str, Any]) -> str:
    """The source's ``postgresql://`` URL from connection details: ``url`` (or
    ``connection_string``), or ``host``/``port``/``database``/``username``/``password``.
    Raises ValueError with a password-free message."""
    url = details.get("url", details.get("connection_string"))
    if url is not None:
        return _checked_url(url)
    return _url_from_fields(details)


def source_identity(url: str) -> tuple[str, int, str]:
    """(host, port, database) of a source URL: what makes two connectors the same source."""
    parts = urlsplit(url)
    database = parts.path.lstrip("/") or (parts.username or "")
    return ((parts.hostname or "").lower(), parts.port or DEFAULT_PORT, database)


def _checked_url(url: object) -> str:
    if not isinstance(url, str):
        raise ValueError("connection_details.url must be a string")
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - validates the port
    except ValueError:
        raise ValueError("connection_details.url has an invalid port") from None
    if parts.scheme not in ("postgresql", "postgres") or not parts.hostname:
        raise ValueError("connection_details.url must be a postgresql://user@host/db URL")
    if not parts.username:
        raise ValueError("connection_details.url has no user name")
    return url


def _first(details: Mapping[str, Any], *names: str) -> object:
    """The first of ``names`` with a truthy value (``host`` or ``hostname``, ...)."""
    return next((details[name] for name in names if details.get(name)), None)


def _url_from_fields(details: Mapping[str, Any]) -> str:
    fields = {
        "host": _first(details, "host", "hostname"),
        "username": _first(details, "username", "user"),
        "database": _first(details, "database", "dbname"),
    }
    missing = [name for name, value in fields.items() if not isinstance(value, str) or not value]
    if missing:
        raise ValueError(
            "connection_details needs a url, or host, port, database, username and password;"
            f" missing: {', '.join(missing)}"
        )
    host, user, database = (str(fields[name]) for name in ("host", "username", "database"))
    port = _port(details.get("port", DEFAULT_PORT))
    password = details.get("password")
    if password is not None and not isinstance(password, str):
        raise ValueError("connection_details.password must be a string")
    userinfo = quote(user, safe="") + (":" + quote(password, safe="") if password else "")
    return f"postgresql://{userinfo}@{host}:{port}/{quote(database, safe='')}"


def _port(port: object) -> int:
    if isinstance(port, str) and port.isdigit():
        port = int(port)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise ValueError("connection_details.port must be a port number")
    return port
