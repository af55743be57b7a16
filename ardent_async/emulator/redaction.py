"""What the emulator hides from its replies and logs: passwords, tokens and keys.

The emulator's own (it imports no SDK internals): operation failure messages may quote a source
URL or a driver error, legacy configuration echoes carry connection parameters, and the CI
plugin shows branch URLs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MASK = "***"

# scheme://user:password@host -> scheme://user:***@host
_URL_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.\-]*://[^:/?#@\s]*:)[^@/?#\s]*@")
# password=... in a query string or a libpq keyword string
_KEYWORD_PASSWORD = re.compile(r"(?i)(?P<head>\b(?:password|passwd|pwd|secret|token)=)[^&\s]+")
# "password": "..." inside JSON (or a repr of it) quoted in free text
_QUOTED_SECRET = re.compile(
    r"(?i)(?P<head>[\"'](?:password|passwd|secret|secret_key|token|api_key|access_token|"
    r"connection_string|authorization)[\"']\s*:\s*[\"'])[^\"']*"
)
_ARDENT_KEY = re.compile(r"sk-ard_[A-Za-z0-9_\-]+")
_BEARER = re.compile(r"(?i)(?P<head>bearer\s+)[^\s\"',]+")
#: Keys whose values a configuration echo never shows (compared lower-cased).
SECRET_KEYS = frozenset(
    {"password", "passwd", "pwd", "secret", "secret_key", "token", "api_key", "access_token"}
    | {"connection_string", "authorization", "private_key"}
)


def mask_url(url: str) -> str:
    """``url`` with its password (``user:***@``, ``password=***``) masked; the rest visible."""
    url = _URL_PASSWORD.sub(lambda m: m.group("head") + MASK + "@", url)
    return _KEYWORD_PASSWORD.sub(lambda m: m.group("head") + MASK, url)


def redact_text(text: str) -> str:
    """``text`` without URL passwords, ``password=`` values, quoted secrets, Ardent keys and
    bearer tokens."""
    text = mask_url(text)
    for pattern in (_QUOTED_SECRET, _BEARER):
        text = pattern.sub(lambda m: m.group("head") + MASK, text)
    return _ARDENT_KEY.sub("sk-ard_" + MASK, text)


def redact_value(value: Any) -> Any:
    """A copy of JSON-like ``value`` with secret keys' values masked and strings redacted."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {
            key: MASK
            if str(key).lower() in SECRET_KEYS and item is not None
            else redact_value(item)
            for key, item in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [redact_value(item) for item in value]
    return value


def _redact_item(key: str, item: Any) -> Any:
    return MASK if key.lower() in SECRET_KEYS and item is not None else redact_value(item)
