"""The source URL a command was given, checked before anything is sent.

The server refuses an empty or malformed source with a 400 naming its own field
(``connection_details.url has no user name``); checked here, the refusal names the argument
the person typed (``URL`` or ``--url``) and exits 2. Messages never repeat the password.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from ardent_async.cli._failure import EXIT_USAGE, CliError

SCHEMES = ("postgresql", "postgres")
_SHAPE = "postgresql://USER:PASSWORD@HOST[:PORT]/DATABASE"


def checked_source_url(url: str, argument: str) -> str:
    """``url`` when it is a usable ``postgresql://`` URL, else a :class:`CliError` (exit 2)
    naming ``argument``."""
    problem = _problem(url)
    if problem is None:
        return url
    hint = None
    if not url.strip():
        hint = "An unset shell variable expands to nothing: is ARDENT_SOURCE_URL exported?"
    raise CliError(
        "invalid_argument",
        f"{argument}: expected a source URL like {_SHAPE}, {problem}",
        exit_code=EXIT_USAGE,
        hint=hint,
    )


def _problem(url: str) -> str | None:
    if not url.strip():
        return "got an empty string"
    parts = urlsplit(url.strip())
    if parts.scheme not in SCHEMES:
        # Never the text itself: a pasted password must not end up in a terminal log.
        return f"got a {parts.scheme}:// URL" if parts.scheme else "got text that is not a URL"
    query = parse_qs(parts.query)
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return "got a URL whose port is not a number"
    if not parts.hostname and not query.get("host"):
        return "got a URL with no host"
    if not parts.username and not query.get("user"):
        return "got a URL with no user name"
    return None
