"""The request pipeline: the only place for auth, retries, error mapping and decoding.

Every service call goes through :meth:`Pipeline.send` (a row of the endpoint table: through
:meth:`Pipeline.send_endpoint`), which builds the call and hands it to
:meth:`Pipeline.exchange`, a loop over the other named steps. Each step is small enough to read
on its own (the layering httpx uses: each layer does one thing and
hands a plain object to the next):

1. **build** (:meth:`Pipeline.build`): the caller's arguments and options become a
   :class:`Call`: the :class:`~ardent_async._core._transport.Request` (URL, headers, encoded body,
   timeout) with what its attempts share (how many are allowed, whether a retry is safe).
   Bad options are refused here, before anything is sent.
2. **attempt** (:meth:`Pipeline.attempt`): one HTTP exchange. It sends the call over the
   transport (a bearer client's headers are fixed and shared; HMAC-signed legacy calls are
   sent as a copy signed again each attempt).
   It returns the :class:`~ardent_async._core._transport.Response`, whatever its status, or raises
   :class:`~ardent_async.errors.ArdentConnectionError` /
   :class:`~ardent_async.errors.ArdentTimeoutError`. Seam: one span or hook per attempt
   belongs here (the request in, the response or the error out).
3. **classify** (:meth:`Pipeline.classify`): what a non-2xx response or a transport error
   means: a :class:`Retry` (with its reason and delay), or the typed error, raised. A 2xx is
   the answer and is handled inline in ``exchange`` (the hot path: one comparison). Seam: every
   retry decision is made here, so a hook that reports retries reads the :class:`Retry`.
4. **delay** (:meth:`Pipeline.retry_delay`): how long to wait before the next attempt:
   ``Retry-After`` when the server sent one (capped), else the policy's jittered backoff.

Between attempts :meth:`Pipeline.pause` logs the retry and sleeps on the injected clock; a
client closed meanwhile ends the call with ClientClosedError. The answer of a 2xx is
recorded for :func:`~ardent_async.with_response` and decoded by :meth:`Pipeline.accept`.

When is a retry safe? GET/HEAD/OPTIONS/PUT/DELETE and any request carrying an idempotency key
always; others only when the request never left this process (a connection error raised
before it was sent): a POST that reached the server may have taken effect.
"""

from __future__ import annotations

import json
import logging
import platform
import random
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from types import MappingProxyType
from typing import Any, Final, TypeVar, overload
from urllib.parse import urlencode, urlsplit

import attrs

from ardent_async._core._auth import Auth, BearerAuth
from ardent_async._core._clock import Clock
from ardent_async._core._converter import converter
from ardent_async._core._options import ResolvedOptions, resolve
from ardent_async._core._redact import collect_secrets, redact_text
from ardent_async._core._response import ResponseInfo, response_sink
from ardent_async._core._retry import IDEMPOTENT_METHODS, RetryPolicy, parse_retry_after
from ardent_async._core._sentinel import KEEP, Keep
from ardent_async._core._telemetry import CallScope, current_call, retry_reason
from ardent_async._core._transport import Request, Response, Transport
from ardent_async._spec.endpoints import IDEMPOTENCY_HEADER, Endpoint
from ardent_async._version import __version__
from ardent_async.errors import (
    ArdentConnectionError,
    ArdentError,
    ArdentResponseError,
    ArdentTimeoutError,
    ClientClosedError,
    from_response,
)

__all__ = [
    "IDEMPOTENCY_HEADER",
    "KEEP",
    "USER_AGENT",
    "Call",
    "Keep",
    "Pipeline",
    "Retry",
    "encode_json",
    "new_idempotency_key",
    "parse_json",
]

T = TypeVar("T")
R = TypeVar("R")

logger = logging.getLogger("ardent_async")
# A library logs, the application decides where to: no "last resort" output to stderr.
logger.addHandler(logging.NullHandler())

USER_AGENT = f"ardent-async/{__version__} python/{platform.python_version()}"


class _Raw:
    """``Pipeline.send(reply_type=RAW)``: hand back the response itself (what request() does)."""


_RAW: Final = _Raw()


def new_idempotency_key() -> str:
    return f"ardent-async-{uuid.uuid4()}"


def encode_json(body: Any, *, ascii_only: bool = False) -> bytes:
    """Compact JSON. ``ascii_only`` (the legacy API): with ASCII escapes, byte-identical to
    what the published ardent-sdk signs, so a server checking the raw bytes and one checking
    that re-serialization both agree."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=ascii_only).encode()


# One object per call, not a Request plus a record beside it: every call builds one (not
# frozen either: a frozen attrs __init__ costs three times as much).
@attrs.define(slots=True)
class Call(Request):
    """One call as built by :meth:`Pipeline.build`: the request its attempts send, and what
    they share.

    It is sent as is when ``signed`` (fixed headers: a bearer token's); otherwise each attempt
    sends a signed copy (the legacy API's HMAC covers a timestamp). ``path`` is the request's
    path without the base URL or query (what logs and errors name), ``attempts`` how many
    the call may make, ``retry_safe`` whether a failed attempt that reached the server may be
    repeated. ``json_body`` (as encoded: plain JSON data) is kept to mask its secrets in an
    error message. ``template`` is the endpoint's path template (``/v1/projects/{project_id}``)
    when the call sends a row of the endpoint table: what an HTTP span is named by.
    """

    path: str = ""
    attempts: int = 1
    retry_safe: bool = False
    signed: bool = False
    json_body: Any = attrs.field(default=None, repr=False)
    template: str | None = None


@attrs.frozen
class Retry:
    """The decision to try a call again (:meth:`Pipeline.classify`).

    ``attempt`` is the number of the attempt that failed (1-based), ``attempts`` how many the
    call may make, ``reason`` what went wrong (``"503"``, ``"ArdentConnectionError"``) and
    ``delay`` the seconds to wait before the next one (``retry_after``: the server's).
    """

    attempt: int
    attempts: int
    reason: str
    delay: float
    retry_after: bool = False


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
        _lifecycle: _Lifecycle | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        # What precedes an endpoint's template in its URL's path (``url.template`` of a span).
        self._path_prefix = urlsplit(self.base_url).path
        self.ascii_json = ascii_json
        self.auth = auth
        self.transport = transport
        self._retry = retry
        self._attempts = retry.max_retries + 1  # read by every call
        self.timeout = timeout
        self.clock = clock
        self._rng = rng or random.Random()
        # Shared with the with_options copies: closing one closes all.
        self._life = _lifecycle or _Lifecycle()
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
    def retry(self) -> RetryPolicy:
        """The retry policy (fixed: :meth:`with_options` makes a copy with another)."""
        return self._retry

    @property
    def closed(self) -> bool:
        return self._life.closed

    def close(self) -> None:
        self._life.closed = True

    def with_options(
        self,
        *,
        timeout: float | Keep | None = KEEP,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        retry: RetryPolicy | None = None,
    ) -> Pipeline:
        """A copy with other defaults, sharing the transport, auth, clock, random source and
        open/closed state. The original is never changed (its headers included).

        ``timeout`` is applied only when given (``timeout=None`` means no limit).
        """
        retry = retry or self.retry
        if max_retries is not None:
            retry = attrs.evolve(retry, max_retries=max_retries)
        # The copy's own dict: the original's static headers stay as they are.
        headers = dict(self._static_headers)
        headers.update(extra_headers or {})
        return Pipeline(
            base_url=self.base_url,
            auth=self.auth,
            transport=self.transport,
            retry=retry,
            timeout=self.timeout if isinstance(timeout, Keep) else timeout,
            clock=self.clock,
            rng=self._rng,
            headers=headers,
            ascii_json=self.ascii_json,
            _lifecycle=self._life,
        )

    @overload
    def send(
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
        template: str | None = ...,
    ) -> Coroutine[Any, Any, T]: ...

    @overload
    def send(
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
        template: str | None = ...,
    ) -> Coroutine[Any, Any, None]: ...

    @overload
    def send(
        self,
        method: str,
        path: str,
        reply_type: _Raw,
        *,
        params: Mapping[str, Any] | None = ...,
        json_body: Any = ...,
        idempotency_key: str | None = ...,
        retry_safe: bool | None = ...,
        timeout: float | None = ...,
        options: Mapping[str, Any] | None = ...,
        template: str | None = ...,
    ) -> Coroutine[Any, Any, Response]: ...

    def send(
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
        template: str | None = None,
    ) -> Coroutine[Any, Any, Any]:
        """Send a request and decode its JSON reply into ``reply_type`` (None: ignore the body).

        ``json_body`` is JSON-ready data or a request model (encoded by the converter, ``None``
        fields omitted). ``options`` are the caller's per-call
        :class:`~ardent_async._core._options.RequestOptions`, checked here. ``template``: the
        path's template, when it is an endpoint's (spans are named by it).

        ``timeout`` is the service's own per-request timeout (a held long-poll's, say); a
        caller's ``options["timeout"]`` replaces the client's base that it was built from.

        The call is built (step 1) when this is called, so bad options are refused even if
        the coroutine is never awaited; the coroutine sends it.
        """
        call = self.build(
            method, path, params, json_body, idempotency_key, retry_safe, timeout, options, template
        )
        return self.exchange(call, reply_type)

    def send_endpoint(
        self,
        endpoint: Endpoint[R],
        path: str | None = None,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        idempotency_key: str | None = None,
        timeout: float | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, R]:
        """:meth:`send` for a row of the endpoint table (what every service calls): the row
        says the method, the reply type, the path template and whether a repeat is harmless;
        ``path`` is the template filled in (default: the template itself)."""
        call = self.build_endpoint(
            endpoint, path, params, json_body, idempotency_key, timeout, options
        )
        # Not typing.cast: a call it would add to every request (the row's type says what R is).
        reply: Any = endpoint.reply
        sent: Coroutine[Any, Any, R] = self.exchange(call, reply)
        return sent

    def request_endpoint(
        self,
        endpoint: Endpoint[Any],
        path: str | None = None,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        idempotency_key: str | None = None,
        timeout: float | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> Coroutine[Any, Any, Response]:
        """:meth:`send_endpoint` returning the 2xx response itself, undecoded (for replies
        whose type depends on the status, and the legacy API's free-form objects)."""
        call = self.build_endpoint(
            endpoint, path, params, json_body, idempotency_key, timeout, options
        )
        response: Coroutine[Any, Any, Response] = self.exchange(call, _RAW)
        return response

    def build_endpoint(
        self,
        endpoint: Endpoint[Any],
        path: str | None,
        params: Mapping[str, Any] | None,
        json_body: Any,
        idempotency_key: str | None,
        timeout: float | None,
        options: Mapping[str, Any] | None,
    ) -> Call:
        """Step 1 for a row of the endpoint table: the one place a row becomes a call (its
        method, its template, and its retry safety, which an idempotency key also grants)."""
        return self.build(
            endpoint.method,
            endpoint.path if path is None else path,
            params,
            json_body,
            idempotency_key,
            endpoint.retry_safe or idempotency_key is not None,
            timeout,
            options,
            endpoint.path,
        )

    async def exchange(self, call: Call, reply_type: Any) -> Any:
        """Send ``call`` until it is answered (retrying what may be retried) and decode the
        answer into ``reply_type`` (None: no value; ``_RAW``: the response itself)."""
        # Every call of the SDK runs this loop: the steps are named methods (module docstring),
        # the loop itself only chains them.
        attempt = 0
        while True:  # cheaper than a range
            attempt += 1
            try:
                response = await self.attempt(call, attempt)
            except (ArdentConnectionError, ArdentTimeoutError) as exc:
                retry = self.classify(call, attempt, exc)
            else:
                if response.status_code < 300:
                    return self.accept(call, attempt, response, reply_type)
                retry = self.classify(call, attempt, response)
            await self.pause(call, retry)

    # -- the steps, in the order send runs them ----------------------------------------------

    def build(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        idempotency_key: str | None = None,
        retry_safe: bool | None = None,
        timeout: float | None = None,
        options: Mapping[str, Any] | None = None,
        template: str | None = None,
    ) -> Call:
        """Step 1: the :class:`Call` for these arguments (see :meth:`send`); nothing is sent.

        A bad option is the caller's error: refused before anything else, even on a closed
        client.
        """
        chosen = resolve(options) if options else None
        if self._life.closed:
            raise ClientClosedError("the client is closed; create a new ArdentClient")
        url = self.base_url + path
        if params:
            query = _encode_query(params)
            if query:
                url = f"{url}?{query}"
        if retry_safe is None:
            retry_safe = method in IDEMPOTENT_METHODS or idempotency_key is not None
        signed = self._signed
        if json_body is None and idempotency_key is None and chosen is None and signed:
            # The hot path: a plain request of a bearer client, every header fixed.
            timeout = self.timeout if timeout is None else timeout
            return Call(
                method, url, signed, None, timeout, path, self._attempts, retry_safe, True, None,
                template,
            )  # fmt: skip
        call = self._build_with_headers(
            method, url, path, json_body, idempotency_key, retry_safe, timeout, chosen
        )
        call.template = template
        return call

    def _build_with_headers(
        self,
        method: str,
        url: str,
        path: str,
        json_body: Any,
        idempotency_key: str | None,
        retry_safe: bool,
        own_timeout: float | None,
        chosen: ResolvedOptions | None,
    ) -> Call:
        """A call whose headers are its own: a body, an idempotency key, per-call options, or
        an auth that signs each attempt."""
        headers: Mapping[str, str] = self._static_headers
        body = b""
        if json_body is not None:
            if attrs.has(type(json_body)):
                json_body = converter.body(json_body)
            body = encode_json(json_body, ascii_only=self.ascii_json)
            headers = {**headers, "Content-Type": "application/json"}
        if idempotency_key is not None:
            headers = {**headers, IDEMPOTENCY_HEADER: idempotency_key}
        timeout = self.timeout if own_timeout is None else own_timeout
        attempts = self._attempts
        if chosen is not None:
            headers, timeout, attempts = self._apply(
                chosen, headers, own_timeout, timeout, attempts
            )
        return Call(
            method,
            url,
            headers,
            body or None,
            timeout,
            path,
            attempts,
            retry_safe,
            False,
            json_body,
        )

    def attempt(self, call: Call, attempt: int) -> Awaitable[Response]:
        """Step 2: one HTTP exchange of ``call`` (``attempt`` counts from 1), to be awaited.

        The awaitable returns the response whatever its status, or raises
        ArdentConnectionError or ArdentTimeoutError (``request_sent`` tells whether the request
        left this process). Without debug logging it is the transport's own coroutine: no
        coroutine of this step's sits in between (every call runs this); code that runs around
        the exchange (a span, a hook) wraps it here, as the debug log does.
        """
        request: Request = call if call.signed else self._sign(call)
        scope = current_call()  # a call that records (telemetry, hooks): None when off
        if scope is not None:
            return self._recorded_exchange(scope, request, call, attempt)
        if logger.isEnabledFor(logging.DEBUG):
            return self._logged_exchange(request, call.path, attempt)
        return self.transport.send(request)

    async def _logged_exchange(self, request: Request, path: str, attempt: int) -> Response:
        started = self.clock.monotonic()
        response = await self.transport.send(request)
        logger.debug(
            "%s %s -> %d in %.1f ms (attempt %d)",
            request.method,
            path,
            response.status_code,
            (self.clock.monotonic() - started) * 1000,
            attempt,
            extra={
                "ardent_method": request.method,
                "ardent_path": path,
                "ardent_status": response.status_code,
                "ardent_attempt": attempt,
            },
        )
        return response

    async def _recorded_exchange(
        self, scope: CallScope, request: Request, call: Call, attempt: int
    ) -> Response:
        """The exchange as an attempt of ``scope``: a span, ``traceparent``, request and
        response hooks (see ``_telemetry``)."""
        # The endpoint's template under the base URL's own path: no ids, no query, no secrets.
        template = None if call.template is None else self._path_prefix + call.template
        recording = await scope.attempt(request.method, request.url, attempt, template)
        headers = recording.headers(request.headers)
        if headers is not request.headers:  # the call's request is shared by its attempts
            request = Request(
                request.method, request.url, headers, request.content, request.timeout
            )
        try:
            if logger.isEnabledFor(logging.DEBUG):
                response = await self._logged_exchange(request, call.path, attempt)
            else:
                response = await self.transport.send(request)
        except (ArdentConnectionError, ArdentTimeoutError) as exc:
            await recording.ended(None, exc)
            raise
        except BaseException as exc:
            recording.abandon(exc)
            raise
        await recording.ended(response, None)
        return response

    def _sign(self, call: Call) -> Request:
        """The request of ``call`` with the auth's headers for this attempt."""
        headers = {**call.headers, **self.auth.headers(call.method, call.path, call.content or b"")}
        return Request(call.method, call.url, headers, call.content, call.timeout)

    def classify(self, call: Call, attempt: int, outcome: Response | ArdentError) -> Retry:
        """Step 3: a :class:`Retry` for a failed attempt that may be tried again; otherwise the
        typed error, raised (``outcome`` is a non-2xx response or a transport error)."""
        if isinstance(outcome, Response):
            status = outcome.status_code
            if status in self.retry.statuses and call.retry_safe and attempt < call.attempts:
                delay = self.retry_delay(attempt, outcome)
                hint = outcome.headers.get("retry-after")
                hinted = hint is not None and parse_retry_after(hint, self.clock.time()) is not None
                return Retry(attempt, call.attempts, str(status), delay, hinted)
            raise self._error_of(call, outcome)
        if self._life.closed:
            raise ClientClosedError(
                f"the client was closed while {call.method} {call.path} was in flight"
            ) from None
        # Connection errors before the request left this process are safe to retry for any
        # method: the server never saw it.
        safe = call.retry_safe or (
            isinstance(outcome, ArdentConnectionError) and not outcome.request_sent
        )
        if not safe or attempt >= call.attempts:
            raise _with_context(outcome, call.method, call.path, attempt) from None
        return Retry(attempt, call.attempts, type(outcome).__name__, self.retry_delay(attempt))

    def retry_delay(self, attempt: int, response: Response | None = None) -> float:
        """Step 4: seconds to wait after failed attempt number ``attempt`` (1-based): the
        response's Retry-After when it has one (capped at ``max_retry_after``), else the
        policy's jittered backoff."""
        if response is None:
            return self.retry.backoff(attempt - 1, self._rng)
        hint = response.headers.get("retry-after")
        return self.retry.delay(attempt - 1, hint, self.clock.time(), self._rng)

    async def pause(self, call: Call, retry: Retry) -> None:
        """Log the retry, wait its delay; ClientClosedError if the client closed meanwhile."""
        method = call.method
        logger.warning(
            "%s %s failed (%s); retry %d/%d in %.2f s",
            method,
            call.path,
            retry.reason,
            retry.attempt,
            retry.attempts - 1,
            retry.delay,
            extra={
                "ardent_method": method,
                "ardent_path": call.path,
                "ardent_attempt": retry.attempt,
                "ardent_reason": retry.reason,
                "ardent_delay": retry.delay,
            },
        )
        scope = current_call()
        if scope is not None:
            await scope.retry(
                method,
                call.url,
                retry.attempt,
                retry_reason(retry.reason),
                retry.delay,
                retry.retry_after,
            )
        await self.clock.sleep(retry.delay)
        if self._life.closed:
            raise ClientClosedError(
                f"the client was closed while retrying {call.method} {call.path}"
            )

    def accept(self, call: Call, attempt: int, response: Response, reply_type: Any) -> Any:
        """The answer of a 2xx ``response``: recorded for ``with_response``, then decoded into
        ``reply_type`` (None: no value; ``_RAW``: the response itself)."""
        sink = response_sink.get()
        if sink is not None:
            sink.append(
                ResponseInfo(
                    call.method, call.path, response.status_code, response.headers, attempt
                )
            )
        if reply_type is None:
            return None
        if reply_type is _RAW:
            return response
        return converter.structure(parse_json(response), reply_type, response.status_code)

    def _error_of(self, call: Call, response: Response) -> ArdentError:
        """The typed error of a non-2xx response, secrets masked."""
        return from_response(
            response.status_code,
            response.headers,
            _error_body(response),
            method=call.method,
            path=call.path,
            secrets=(*self.auth.secrets(), *collect_secrets(call.json_body)),
        )

    # -- conveniences over send --------------------------------------------------------------

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
        template: str | None = None,
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
            template=template,
        )
        return response

    def _apply(
        self,
        chosen: ResolvedOptions,
        headers: Mapping[str, str],
        own_timeout: float | None,
        effective_timeout: float | None,
        attempts: int,
    ) -> tuple[Mapping[str, str], float | None, int]:
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
