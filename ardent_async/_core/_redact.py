"""The one place that hides secrets: used by logging, reprs and error messages.

Tokens, API keys, HMAC secrets and passwords inside connection URLs must never reach a log
line, a ``repr`` or an exception's text. Everything that formats such values goes through here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

MASK = "***"

# scheme://user:password@host  ->  scheme://user:***@host  (any scheme: postgresql, mysql, http...)
_URL_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.\-]*://[^:/?#@\s]*:)(?P<pw>[^@/?#\s]*)@")
# password=... inside a query string or a libpq keyword string
_KV_PASSWORD = re.compile(
    r"(?i)(?P<head>\b(?:password|passwd|pwd|sslpassword|secret|token)=)(?P<pw>[^&\s]+)"
)
# Ardent API keys and bearer tokens wherever they appear in free text.
_ARDENT_KEY = re.compile(r"sk-ard_[A-Za-z0-9_\-]+")
_BEARER = re.compile(r"(?i)(?P<head>bearer\s+)(?P<pw>[^\s\"',]+)")
# "password": "..." inside JSON (or a repr of it) that ended up in free text
_JSON_SECRET = re.compile(
    r"(?i)(?P<head>[\"'](?:password|passwd|secret|secret_key|token|api_key|access_token|"
    r"github_token|connection_string|authorization|x-signature)[\"']\s*:\s*[\"'])"
    r"(?P<pw>[^\"']*)"
)

_SENSITIVE_KEYS = frozenset(
    {
        "authorization",
        "password",
        "passwd",
        "secret",
        "secret_key",
        "token",
        "api_key",
        "access_token",
        "github_token",
        "connection_string",
        "x-signature",
        "x-api-key",
    }
)


def mask_url(url: str) -> str:
    """Return ``url`` with any password replaced by ``***`` (user name and host stay visible)."""
    url = _URL_PASSWORD.sub(lambda m: m.group("head") + MASK + "@", url)
    return _KV_PASSWORD.sub(lambda m: m.group("head") + MASK, url)


def mask_secret(secret: str) -> str:
    """A recognisable but useless form of a key: its kind prefix, never its body."""
    if secret.startswith("sk-ard_"):
        kind = secret.split("_")[1] if secret.count("_") >= 2 else ""
        return f"sk-ard_{kind}_{MASK}" if kind else f"sk-ard_{MASK}"
    return MASK


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Remove known secrets, URL passwords, bearer tokens and Ardent keys from free text."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, MASK)
    text = mask_url(text)
    text = _JSON_SECRET.sub(lambda m: m.group("head") + MASK, text)
    text = _ARDENT_KEY.sub(lambda m: mask_secret(m.group(0)), text)
    return _BEARER.sub(lambda m: m.group("head") + MASK, text)


def redact_value(value: Any, secrets: Iterable[str] = ()) -> Any:
    """Deep copy of ``value`` with secret-looking keys masked and URL passwords removed."""
    if isinstance(value, str):
        return redact_text(value, secrets)
    if isinstance(value, Mapping):
        return {
            k: (
                MASK
                if str(k).lower() in _SENSITIVE_KEYS and v is not None
                else redact_value(v, secrets)
            )
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [redact_value(v, secrets) for v in value]
    return value


def collect_secrets(value: Any) -> list[str]:
    """Secret values inside a request body: under sensitive keys, and passwords in URLs."""
    found: list[str] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            if str(key).lower() in _SENSITIVE_KEYS and isinstance(item, str):
                found.append(item)
            else:
                found.extend(collect_secrets(item))
    elif isinstance(value, (list, tuple)):
        for item in value:
            found.extend(collect_secrets(item))
    elif isinstance(value, str):
        found.extend(m.group("pw") for m in _URL_PASSWORD.finditer(value) if m.group("pw"))
    return found


def redacted_repr(value: Any) -> str:
    """``repr`` for model fields marked ``x-sensitive`` in the spec."""
    if value is None:
        return "None"
    if isinstance(value, str) and "://" in value:
        return repr(mask_url(value))
    if isinstance(value, Mapping):
        return repr(redact_value(value))
    return repr(MASK)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers safe to show: credentials masked."""
    return {k: (MASK if k.lower() in _SENSITIVE_KEYS else v) for k, v in headers.items()}
