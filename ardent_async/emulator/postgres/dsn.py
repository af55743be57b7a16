"""Postgres connection URLs that keep their password out of reprs, logs and error text."""

from __future__ import annotations

import dataclasses
from urllib.parse import quote, unquote, urlsplit

_SCHEMES = ("postgresql", "postgres")
_MASK = "***"


@dataclasses.dataclass(frozen=True)
class PostgresUrl:
    """A parsed ``postgresql://user:password@host:port/database?query`` URL.

    ``repr``/``str`` mask the password; :meth:`to_url` renders the real thing.
    """

    user: str
    password: str = dataclasses.field(repr=False)
    host: str
    port: int
    database: str
    query: str = ""

    @classmethod
    def parse(cls, url: str) -> PostgresUrl:
        """Parse *url*; errors never echo the URL (it may hold a password)."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise ValueError("not a valid postgresql:// URL (could not parse it)") from None
        if parts.scheme not in _SCHEMES:
            raise ValueError("not a postgresql:// URL (unsupported scheme)")
        if not parts.hostname or "," in parts.netloc:
            raise ValueError("a postgresql:// URL with exactly one host is required")
        user = unquote(parts.username or "")
        if not user:
            raise ValueError("the postgresql:// URL has no user name")
        database = unquote(parts.path.lstrip("/")) or user
        return cls(
            user=user,
            password=unquote(parts.password or ""),
            host=parts.hostname,
            port=port if port is not None else 5432,
            database=database,
            query=parts.query,
        )

    def to_url(self, *, with_password: bool = True) -> str:
        """Render the URL; this is the only way to get the password back out as a URL."""
        userinfo = quote(self.user, safe="")
        if with_password and self.password:
            userinfo += ":" + quote(self.password, safe="")
        host = f"[{self.host}]" if ":" in self.host else self.host
        url = f"postgresql://{userinfo}@{host}:{self.port}/{quote(self.database, safe='')}"
        return f"{url}?{self.query}" if self.query else url

    def masked(self) -> str:
        """The URL with the password replaced by ``***`` (safe to log)."""
        rendered = self.to_url(with_password=False)
        if not self.password:
            return rendered
        user = quote(self.user, safe="")
        return rendered.replace(f"//{user}@", f"//{user}:{_MASK}@", 1)

    def with_database(self, database: str) -> PostgresUrl:
        return dataclasses.replace(self, database=database)

    def with_credentials(self, user: str, password: str) -> PostgresUrl:
        return dataclasses.replace(self, user=user, password=password)

    def scrub(self, text: str) -> str:
        """Remove every spelling of the password from *text* (for error messages)."""
        return scrub(text, self.password)

    def __str__(self) -> str:
        return self.masked()


def scrub(text: str, *secrets: str) -> str:
    """Replace each secret (raw and percent-encoded) in *text* with ``***``."""
    for secret in secrets:
        if not secret:
            continue
        for spelling in {secret, quote(secret, safe=""), quote(secret)}:
            text = text.replace(spelling, _MASK)
    return text
