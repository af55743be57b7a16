"""Which proxy a request goes through: one rule for every transport.

By default the proxy environment decides, read once when the transport is made:
``HTTPS_PROXY`` / ``HTTP_PROXY`` (by the URL's scheme; lower-case names too), ``ALL_PROXY`` as
the fallback, and ``NO_PROXY`` (comma-separated hosts or domain suffixes, ``*`` for all) to go
direct. An explicit proxy is used for every request and the environment is not read.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Callable
from urllib.parse import urlsplit

from ardent_async._core._redact import mask_url
from ardent_async.errors import ArdentValidationError

__all__ = ["ProxyRule", "check_proxy_url"]

# NO_PROXY matching as urllib does it (hosts, domain suffixes, ports, "*"); not in typeshed.
_bypass: Callable[[str, dict[str, str]], bool] = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]


def check_proxy_url(url: object, name: str = "proxy") -> str:
    """An http(s) proxy URL (credentials in it are allowed and never shown)."""
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        shown = mask_url(url) if isinstance(url, str) else type(url).__name__
        raise ArdentValidationError(
            f"{name}: expected an http(s) proxy URL such as http://proxy.internal:3128, "
            f"got {shown!r}",
            field=name,
        )
    return url  # type: ignore[return-value]  # parts is only set for a str


class ProxyRule:
    """The proxy URL for a request URL, or None to connect directly."""

    def __init__(self, proxy: str | None = None, *, trust_env: bool = True) -> None:
        self.explicit = None if proxy is None else check_proxy_url(proxy)
        environment: dict[str, str] = {}
        if self.explicit is None and trust_env:
            # urllib's reading: both spellings, and HTTP_PROXY ignored inside a CGI request.
            environment = urllib.request.getproxies_environment()
        self._env = environment
        self._by_scheme = {
            scheme: check_proxy_url(value, f"{scheme.upper()}_PROXY")
            for scheme in ("http", "https")
            if (value := environment.get(scheme) or environment.get("all"))
        }
        self._cache: dict[str, str | None] = {}
        # False when no request can go through a proxy (the transport's fast path): read on
        # every request, fixed from here on.
        self.active = self.explicit is not None or bool(self._by_scheme)

    def for_url(self, url: str) -> str | None:
        if self.explicit is not None:
            return self.explicit
        origin = url.split("/", 3)[:3]  # scheme:, "", host[:port]
        key = "/".join(origin)
        if key in self._cache:
            return self._cache[key]
        scheme = origin[0].rstrip(":").lower()
        chosen = self._by_scheme.get(scheme)
        if chosen is not None:
            host = origin[2] if len(origin) > 2 else ""
            if _bypass(host, self._env):
                chosen = None
        if len(self._cache) < 64:
            self._cache[key] = chosen
        return chosen

    def __repr__(self) -> str:
        shown = {k: mask_url(v) for k, v in self._by_scheme.items()}
        if self.explicit is not None:
            shown = {"all": mask_url(self.explicit)}
        return f"ProxyRule({shown})"
