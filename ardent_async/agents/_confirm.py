"""Two-step confirmation of destructive tools, for clients that cannot ask the user themselves.

The first call answers with a token bound to the tool and its exact arguments; only a second
call carrying that token acts. The token is an HMAC under a secret of this process, so a model
cannot make one up, and it expires.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from typing import Any

__all__ = ["Confirmations"]

TOKEN_LIFETIME = 600.0


class Confirmations:
    """Issues and checks confirmation tokens (one secret per instance)."""

    def __init__(self) -> None:
        self._secret = secrets.token_bytes(32)

    def _sign(self, tool: str, arguments: dict[str, Any], issued: int) -> str:
        message = json.dumps([tool, arguments, issued], sort_keys=True, default=str).encode()
        digest = hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:24]
        return f"confirm-{issued}-{digest}"

    def issue(self, tool: str, arguments: dict[str, Any]) -> str:
        return self._sign(tool, arguments, int(time.time()))

    def check(self, tool: str, arguments: dict[str, Any], token: str) -> bool:
        """True when ``token`` was issued for this tool and these arguments, and is fresh."""
        parts = token.split("-")
        if len(parts) != 3 or parts[0] != "confirm" or not parts[1].isdigit():
            return False
        issued = int(parts[1])
        if not 0 <= time.time() - issued <= TOKEN_LIFETIME:
            return False
        return hmac.compare_digest(self._sign(tool, arguments, issued), token)
