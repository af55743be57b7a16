"""The request pipeline: the only place for auth, retries, error mapping and decoding.

Every service call goes through :meth:`Pipeline.send`:
``build request -> sign -> transport.send -> (retry?) -> error or decode``.
"""

from __future__ import annotations

import json
import logging
import platform
import random
import uuid
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, TypeVar, overload
from urllib.parse import urlencode

import attrs

from ardent_async._auth import Auth, BearerAuth
from ardent_async._clock import Clock
from ardent_async._converter import converter
from ardent_async._options import ResolvedOptions, resolve
from ardent_async._redact import collect_secrets, redact_text
from ardent_async._response import ResponseInfo, response_sink
from ardent_async._retry import IDEMPOTENT_METHODS, RetryPolicy
from ardent_async._spec.endpoints import IDEMPOTENCY_HEADER
from ardent_async._transport import Request, Response, Transport
from ardent_async._version import __version__
from ardent_async.errors import (
    ArdentConnectionError,
    ArdentError,
    ArdentResponseError,
    ArdentTimeoutError,
    ClientClosedError,
    from_response,
)

T = TypeVar("T")

logger = logging.getLogger("ardent_async")
# A library logs, the application decides where to: no "last resort" output to stderr.
logger.addHandler(logging.NullHandler())

USER_AGENT = f"ardent-async/{__version__} python/{platform.python_version()}"
# Pipeline.with_options(timeout=KEEP): leave the timeout as it is (None means "no limit").
KEEP: Any = object()
# Pipeline.send(reply_type=_RAW): hand back the response itself (what request() returns).
_RAW: Any = object()


def new_idempotency_key() -> str:
    return f"ardent-async-{uuid.uuid4()}"


def encode_json(body: Any, *, ascii_only: bool = False) -> bytes:
    """Compact JSON. ``ascii_only`` (the legacy API): with ASCII escapes, byte-identical to
    what the published ardent-sdk signs, so a server checking the raw bytes and one checking
    that re-serialization both agree."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=ascii_only).encode()


class _Lifecycle:
    """Open/closed, shared by a pipeline and its :meth:`Pipeline.with_options` copies."""

    __slots__ = ("closed",)

    def __init__(self) -> None:
        self.closed = False


class Pipeline:
    """Sends requests for one API surface (base URL + auth) over a shared transport."""

    def __init__(
        self,
        *,
        base_url: str,
        auth: Auth,
        transport: Transport,
        retry: RetryPolicy,
        timeout: float | None,
        clock: Clock,
        rng: random.Random | None = None,
        headers: Mapping[str, str] | None = None,
        ascii_json: bool = False,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.ascii_json = ascii_json
        self.auth = auth
        self.transport = transport
        self.retry = retry
        self.timeout = timeout
        self.clock = clock
        self._rng = rng or random.Random()
        self._life = _Lifecycle()
        self._static_headers = {
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
            **(headers or {}),
        }
        self._signed = self._fixed_headers()

    def _fixed_headers(self) -> Mapping[str, str] | None:
        """Every header of a plain request, when no attempt needs its own (a bearer token's
        are the same each time): built once, read-only since each request shares it."""
        if isinstance(self.auth, BearerAuth) and self.auth.has_token:
            fixed = {**self._static_headers, **self.auth.headers("", "", b"")}
            return MappingProxyType(fixed)
        return None

    @property
    def closed(self) -> bool:
        return self._life.closed

    def close(self) -> None:
        self._life.closed = True

    def with_options(
        self,
        *,
        timeout: float | None = KEEP,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        retry: RetryPolicy | None = None,
    ) -> Pipeline:
        """A copy with other defaults, sharing the transport, auth, clock and open/closed state.

        ``timeout`` is applied only when given (``timeout=None`` means no limit).
        """
        copy = object.__new__(Pipeline)
        copy.__dict__.update(self.__dict__)
        if timeout is not KEEP:
            copy.timeout = timeout
        if retry is not None:
            copy.retry = retry
        if max_retries is not None:
            copy.retry = attrs.evolve(copy.retry, max_retries=max_retries)
        if extra_headers:
            copy._static_headers = {**self._static_headers, **extra_headers}
            copy._signed = copy._fixed_headers()
        return copy

    @overload
    async def send(
        self,
        method: str,
        path: str,
        reply_type: type[T],
        *,
        params: Mapping[str, Any] | None = ...,
        json_body: Any = ...,
        idempotency_key: str | None = ...,
        retry_safe: bool | None = ...,
        timeout: float | None = ...,
        options: Mapping[str, Any] | None = ...,
    ) -> T: ...

    @overload
    async def send(
        self,
        method: str,
        path: str,
        reply_type: None,
        *,
        params: Mapping[str, Any] | None = ...,
        json_body: Any = ...,
        idempotency_key: str | None = ...,
        retry_safe: bool | None = ...,
        timeout: float | None = ...,
        options: Mapping[str, Any] | None = ...,
    ) -> None: ...

    async def send(
        self,
        method: str,
        path: str,
        reply_type: Any,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        idempotency_key: str | None = None,
        retry_safe: bool | None = None,
        timeout: float | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> Any:
        """Send a request and decode its JSON reply into ``reply_type`` (None: ignore the body).

        ``json_body`` is JSON-ready data or a request model (encoded by the converter, ``None``
        fields omitted). ``options`` are the caller's per-call
        :class:`~ardent_async._options.RequestOptions`, checked here.

        ``timeout`` is the service's own per-request timeout (a held long-poll's, say); a
        caller's ``options["timeout"]`` replaces the client's base that it was built from.
        """
        # One coroutine from the service to the transport, as short as it can be kept: every
        # call of the SDK runs this. (``reply_type=_RAW``: :meth:`request` wants the response.)
        # Checked before anything else: a bad option is the caller's error, nothing is sent.
        chosen = resolve(options) if options else None
        if self._life.closed:
            raise ClientClosedError("the client is closed; create a new ArdentClient")
        url = self.base_url + path
        query = _encode_query(params) if params else ""
        if query:
            url = f"{url}?{query}"
        headers = self._static_headers
        signed = self._signed
        body = b""
        if json_body is not None:
            signed = None
            if attrs.has(type(json_body)):
                json_body = converter.body(json_body)
            body = encode_json(json_body, ascii_only=self.ascii_json)
            headers = {**headers, "Content-Type": "application/json"}
        if idempotency_key is not None:
            signed = None
            headers = {**headers, IDEMPOTENCY_HEADER: idempotency_key}
        if retry_safe is None:
            retry_safe = method in IDEMPOTENT_METHODS or idempotency_key is not None
        effective_timeout = self.timeout if timeout is None else timeout
        attempts = self.retry.max_retries + 1
        if chosen is not None:
            signed = None
            headers, effective_timeout, attempts = self._apply(
                chosen, headers, timeout, effective_timeout, attempts
            )

        attempt = 0
        while True:  # cheaper than a range: every call runs this
            attempt += 1
            request = Request(
                method,
                url,
                signed or {**headers, **self.auth.headers(method, path, body)},
                body or None,
                effective_timeout,
            )
            debug = logger.isEnabledFor(logging.DEBUG)
            started = self.clock.monotonic() if debug else 0.0
            try:
                response = await self.transport.send(request)
            except (ArdentConnectionError, ArdentTimeoutError) as exc:
                if self._life.closed:
                    raise ClientClosedError(
                        f"the client was closed while {method} {path} was in flight"
                    ) from None
                safe = retry_safe or (
                    isinstance(exc, ArdentConnectionError) and not exc.request_sent
                )
                if not safe or attempt >= attempts:
                    raise _with_context(exc, method, path, attempt) from None
                delay = self.retry.backoff(attempt - 1, self._rng)
                logger.warning(
                    "%s %s failed (%s); retry %d/%d in %.2f s",
                    method,
                    path,
                    type(exc).__name__,
                    attempt,
                    attempts - 1,
                    delay,
                )
                await self.clock.sleep(delay)
                continue

            status = response.status_code
            if debug:
                logger.debug(
                    "%s %s -> %d in %.1f ms (attempt %d)",
                    method,
                    path,
                    status,
                    (self.clock.monotonic() - started) * 1000,
                    attempt,
                )
            if status < 300:
                sink = response_sink.get()
                if sink is not None:
                    sink.append(ResponseInfo(method, path, status, response.headers, attempt))
                if reply_type is None:
                    return None
                if reply_type is _RAW:
                    return response
                return converter.structure(parse_json(response), reply_type, status)
            if status in self.retry.statuses and retry_safe and attempt < attempts:
                delay = self.retry.delay(
                    attempt - 1, response.headers.get("retry-after"), self.clock.time(), self._rng
                )
                logger.warning(
                    "%s %s -> %d; retry %d/%d in %.2f s",
                    method,
                    path,
                    status,
                    attempt,
                    attempts - 1,
                    delay,
                )
                await self.clock.sleep(delay)
                if self._life.closed:
                    raise ClientClosedError(f"the client was closed while retrying {method} {path}")
                continue
            raise from_response(
                status,
                response.headers,
                _error_body(response),
                method=method,
                path=path,
                secrets=(*self.auth.secrets(), *collect_secrets(json_body)),
            )

    def decode(self, response: Response, reply_type: type[T] | Any) -> T:
        decoded: T = converter.structure(parse_json(response), reply_type, response.status_code)
        return decoded

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        idempotency_key: str | None = None,
        retry_safe: bool | None = None,
        timeout: float | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> Response:
        """Send with retries; return the 2xx response or raise the typed error.

        ``timeout`` is the service's own per-request timeout (a held long-poll's, say); a
        caller's ``options["timeout"]`` replaces the client's base that it was built from.
        """
        response: Response = await self.send(
            method,
            path,
            _RAW,
            params=params,
            json_body=json_body,
            idempotency_key=idempotency_key,
            retry_safe=retry_safe,
            timeout=timeout,
            options=options,
        )
        return response

    def _apply(
        self,
        chosen: ResolvedOptions,
        headers: dict[str, str],
        own_timeout: float | None,
        effective_timeout: float | None,
        attempts: int,
    ) -> tuple[dict[str, str], float | None, int]:
        """Headers, timeout and attempts of one call with the caller's options applied."""
        if chosen.extra_headers:
            headers = {**headers, **chosen.extra_headers}
        if chosen.has_timeout:
            if chosen.timeout is None:
                effective_timeout = None
            elif own_timeout is not None and self.timeout is not None:
                # The service lengthened the base (a held poll): lengthen the caller's alike.
                effective_timeout = chosen.timeout + (own_timeout - self.timeout)
            else:
                effective_timeout = chosen.timeout
        if chosen.max_retries is not None:
            attempts = chosen.max_retries + 1
        return headers, effective_timeout, attempts


def _with_context(exc: ArdentError, method: str, path: str, attempt: int) -> ArdentError:
    tries = f" after {attempt} attempts" if attempt > 1 else ""
    message = f"{method} {path}: {exc.message}{tries}"
    if isinstance(exc, ArdentTimeoutError):
        return ArdentTimeoutError(message)
    if isinstance(exc, ArdentConnectionError):
        return ArdentConnectionError(message, request_sent=exc.request_sent)
    return exc


def _encode_query(params: Mapping[str, Any] | None) -> str:
    if not params:
        return ""
    items = []
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        items.append((key, value))
    return urlencode(items)


# json.loads runs two regex matches for the whitespace around the value, in Python, on every
# call: as much CPU as the scan of a typical reply row. The scanner is json.loads' own (set
# in JSONDecoder.__init__, which the stubs do not declare).
_scan_json: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def parse_json(response: Response) -> Any:
    """The reply's JSON, or ArdentResponseError saying what came instead."""
    content = response.content
    try:
        # Decoding first skips json's own encoding sniffing of bytes (the API speaks UTF-8).
        text = content.decode("utf-8")
        try:
            value, end = _scan_json(text, 0)
        except StopIteration:  # leading whitespace, or no JSON: json.loads decides
            end = -1
        if end == len(text):
            return value
        return json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        if not content.strip():
            raise ArdentResponseError(
                f"empty reply body (status {response.status_code}), expected JSON",
                status_code=response.status_code,
            ) from None
        kind = response.headers.get("content-type", "unknown content type")
        snippet = redact_text(content[:80].decode("utf-8", "replace"))
        raise ArdentResponseError(
            f"reply is not valid JSON ({kind}; {type(exc).__name__} at byte "
            f"{getattr(exc, 'pos', '?')}): {snippet!r}",
            status_code=response.status_code,
        ) from None


def _error_body(response: Response) -> Any:
    try:
        return json.loads(response.content) if response.content.strip() else None
    except (ValueError, UnicodeDecodeError):
        return response.content[:2000].decode("utf-8", "replace")
