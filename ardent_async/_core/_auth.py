"""Request signing: bearer tokens (public API) and HMAC-SHA256 (legacy jobs/configs API)."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Mapping
from typing import Protocol

from ardent_async._core._clock import Clock
from ardent_async._core._redact import mask_secret
from ardent_async.errors import ArdentAuthError


class Auth(Protocol):
    """Headers that authenticate one attempt of a request (re-computed for every retry)."""

    def headers(self, method: str, path: str, body: bytes) -> Mapping[str, str]: ...

    def secrets(self) -> tuple[str, ...]:
        """Values to scrub from anything shown to people."""
        ...


class BearerAuth:
    """``Authorization: Bearer <token>``; a missing token fails before any request is sent."""

    def __init__(self, token: str | None) -> None:
        self._token = token
        self._headers = {"Authorization": f"Bearer {token}"} if token else None

    def headers(self, method: str, path: str, body: bytes) -> Mapping[str, str]:
        if self._headers is None:
            raise ArdentAuthError(
                "no API token: set ARDENT_TOKEN or pass one as ArdentClient(token)"
            )
        return self._headers

    @property
    def has_token(self) -> bool:
        return self._headers is not None

    def secrets(self) -> tuple[str, ...]:
        return (self._token,) if self._token else ()

    def __repr__(self) -> str:
        shown = mask_secret(self._token) if self._token else "None"
        return f"BearerAuth(token={shown})"


class LegacyAuth:
    """The legacy jobs/configs API's two schemes, as the published ``ardent-sdk`` sends them.

    With a key pair (ardent-sdk <= 0.6): ``X-Signature`` = hex HMAC-SHA256(secret, ts + METHOD +
    path + body). Without one, a bearer API key (ardent-sdk 0.8: ``Authorization: Bearer
    sk-ard_...``, the org taken from the key). ``X-Session-ID`` is one UUID4 per client either way.
    """

    def __init__(
        self,
        public_key: str | None,
        secret_key: str | None,
        clock: Clock,
        *,
        token: str | None = None,
    ) -> None:
        self._public_key = public_key
        self._secret = secret_key.encode() if secret_key else None
        self._secret_text = secret_key
        self._token = token
        self._clock = clock
        self.session_id = str(uuid.uuid4())

    @property
    def signs(self) -> bool:
        """True when requests are HMAC-signed (a key pair was given)."""
        return bool(self._public_key) and self._secret is not None

    def headers(self, method: str, path: str, body: bytes) -> Mapping[str, str]:
        if self._public_key and self._secret is not None:
            timestamp = str(int(self._clock.time()))
            return {
                "X-API-Key": self._public_key,
                "X-Timestamp": timestamp,
                "X-Signature": sign(self._secret, timestamp, method, path, body),
                "X-Session-ID": self.session_id,
            }
        if self._token:
            return {"Authorization": f"Bearer {self._token}", "X-Session-ID": self.session_id}
        raise ArdentAuthError(
            "legacy API needs public_key and secret_key (or ARDENT_PUBLIC_KEY and "
            "ARDENT_SECRET_KEY), or an API token (ARDENT_TOKEN)"
        )

    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self._secret_text, self._token) if s)

    def __repr__(self) -> str:
        if self.signs:
            return f"LegacyAuth(public_key={self._public_key!r}, secret_key=***)"
        shown = mask_secret(self._token) if self._token else "None"
        return f"LegacyAuth(token={shown})"


def sign(secret: bytes, timestamp: str, method: str, path: str, body: bytes) -> str:
    """Legacy signature over ``timestamp + METHOD + path + body``: ``body`` is the exact bytes
    sent, which the pipeline encodes as the published client signs them (compact JSON with
    ASCII escapes), so a server checking either the raw bytes or that re-serialization agrees."""
    message = timestamp.encode() + method.upper().encode() + path.encode() + body
    return hmac.new(secret, message, hashlib.sha256).hexdigest()
