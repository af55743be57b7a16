"""A respx-mocked Ardent API for branches and operations, on a FakeClock.

Operations advance with the fake clock: each has a timeline of states by elapsed time. The
long-poll is simulated the way a real server holds a request: a ``wait=N`` poll answers at the
terminal moment or after N seconds, whichever comes first, by moving the fake clock there (a
VirtualClock: by sleeping until then, so concurrent holds overlap as they would for real;
``holds=False`` plays a server that ignores ``wait=`` and answers at once).

Every request is recorded; requests in flight are counted (each handler yields to the loop a
few times so concurrent calls really overlap).
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs

import attrs
import httpx
import respx

from ardent_async import ArdentClient
from ardent_async._core._transport._httpx import HttpxTransport
from tests.fakes import FakeClock, VirtualClock

BASE_URL = "https://api.ardent.test"
TOKEN = "sk-ard_test_BranchesTestToken123"
CONNECTOR = "conn_1"
BRANCH_URL = "postgresql://branch_user:S3cretPw@branch-1.db.ardent.test:5432/app"


def operation_json(
    op_id: str,
    status: str,
    *,
    progress: int | None = None,
    stage: str | None = None,
    error: str | None = None,
    result: dict[str, Any] | None = None,
    op_type: str = "branch_create",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "id": op_id,
        "org_id": "org_1",
        "type": op_type,
        "resource_id": "br_" + op_id,
        "status": status,
        "created_at": "2026-01-02T03:04:05Z",
        "updated_at": "2026-01-02T03:04:06Z",
        "progress": progress,
        "stage": stage,
        "stage_label": None if stage is None else stage.title(),
        "error": error,
        "result": result,
        **extra,
    }


def branch_result_json(name: str, *, branch_url: Any = BRANCH_URL, **extra: Any) -> dict[str, Any]:
    result = {
        "branch_id": "br_" + name,
        "name": name,
        "connector_id": CONNECTOR,
        "service_type": "postgres",
        "status": "ready",
        "branch_url": branch_url,
        "pooled_branch_url": None,
        "created_at": "2026-01-02T03:04:05Z",
        **extra,
    }
    if branch_url is ...:
        del result["branch_url"]
    return result


@attrs.define
class Step:
    """One point of an operation's timeline: from ``at`` seconds after creation on."""

    at: float
    status: str
    progress: int | None = None
    stage: str | None = None


@attrs.define
class FakeOperation:
    id: str
    created: float
    timeline: list[Step]
    error: str | None = None
    result: dict[str, Any] | None = None
    hang: bool = False  # polls never answer (for cancellation tests)

    @property
    def ends_at(self) -> float:
        return self.created + self.timeline[-1].at

    def step(self, now: float) -> Step:
        current = self.timeline[0]
        for step in self.timeline:
            if now - self.created >= step.at:
                current = step
        return current

    def json(self, now: float) -> dict[str, Any]:
        step = self.step(now)
        return operation_json(
            self.id,
            step.status,
            progress=step.progress,
            stage=step.stage,
            error=self.error if step.status == "failed" else None,
            result=self.result if step.status == "completed" else None,
        )


def simple_timeline(duration: float, final: str = "completed") -> list[Step]:
    """pending, then running with progress rising every 10 % of ``duration``, then ``final``."""
    steps = [Step(0.0, "pending")]
    steps += [Step(duration * i / 10, "running", i * 10, "copying") for i in range(1, 10)]
    steps.append(Step(duration, final))
    return steps


class FakeBranchApi:
    def __init__(
        self, clock: FakeClock | VirtualClock, *, holds: bool = True, duration: float = 5.0
    ) -> None:
        self.clock = clock
        self.holds = holds
        self.max_hold = 10.0  # the longest this server holds a poll, whatever it is asked
        self.duration = duration
        self.requests: list[httpx.Request] = []
        self.operations: dict[str, FakeOperation] = {}
        self.by_key: dict[str, tuple[Any, dict[str, Any]]] = {}
        # Scripted failures: popped before normal handling.
        self.create_errors: dict[str, deque[tuple[int, dict[str, str]]]] = defaultdict(deque)
        self.poll_errors: dict[str, deque[tuple[int, dict[str, str]]]] = defaultdict(deque)
        # How a name's operation ends: "completed" (default), "failed", or a result override.
        self.fail_names: set[str] = set()
        self.results: dict[str, dict[str, Any]] = {}
        self.hang_names: set[str] = set()
        self.durations: dict[str, float] = {}
        # Branches being created: accepted, and not yet reported terminal to the client.
        self.active: set[str] = set()
        self.max_active = 0
        self.branch_rows: list[dict[str, Any]] = []
        # Fixed replies by (method, path), answered before anything else.
        self.fixed: dict[tuple[str, str], httpx.Response] = {}
        self.in_flight = 0
        self.max_in_flight = 0
        # The same, by kind: creates (POST) and polls (GET of an operation).
        self.creates_in_flight = 0
        self.max_creates_in_flight = 0
        self.polls_in_flight = 0
        self.max_polls_in_flight = 0
        # Each poll's answer: (the clock's time, the status answered, or "error").
        self.poll_log: list[tuple[float, str]] = []
        # Polls of these operations lose their connection (ConnectError) this many times.
        self.poll_drops: dict[str, int] = {}
        self.hanging = 0
        self._changed = asyncio.Condition()

    # -- helpers for tests -------------------------------------------------------------------

    def add_operation(
        self,
        op_id: str,
        timeline: list[Step],
        *,
        error: str | None = None,
        result: dict[str, Any] | None = None,
        hang: bool = False,
    ) -> FakeOperation:
        op = FakeOperation(op_id, self.clock.now, timeline, error, result, hang)
        self.operations[op_id] = op
        return op

    def seen(self, method: str, path_prefix: str) -> list[httpx.Request]:
        return [
            r for r in self.requests if r.method == method and r.url.path.startswith(path_prefix)
        ]

    async def until(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait (real time, bounded) until ``predicate()`` holds; checked on each request."""

        async def check() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)

        await asyncio.wait_for(check(), timeout)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def polls(self, op_id: str | None = None) -> list[httpx.Request]:
        return self.seen("GET", "/v1/operations/" + (op_id or ""))

    # -- the server ----------------------------------------------------------------------------

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        await self._notify()
        kind = ""
        if request.method == "POST":
            kind = "creates"
        elif request.url.path.startswith("/v1/operations/"):
            kind = "polls"
        if kind:
            now = getattr(self, f"{kind}_in_flight") + 1
            setattr(self, f"{kind}_in_flight", now)
            setattr(self, f"max_{kind}_in_flight", max(now, getattr(self, f"max_{kind}_in_flight")))
        try:
            for _ in range(3):  # let concurrent calls pile up, as on a real network
                await asyncio.sleep(0)
            return await self._dispatch(request)
        finally:
            self.in_flight -= 1
            if kind:
                setattr(self, f"{kind}_in_flight", getattr(self, f"{kind}_in_flight") - 1)

    async def _dispatch(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        fixed = self.fixed.get((request.method, path))
        if fixed is not None:
            return fixed
        if request.method == "POST" and path == "/v1/branch/create":
            return self._create(request)
        if request.method == "GET" and path.startswith("/v1/branches/"):
            return httpx.Response(200, json=self.branch_rows)
        if request.method == "GET" and path.startswith("/v1/operations/"):
            return await self._poll(request, path.rsplit("/", 1)[1])
        return httpx.Response(404, json={"detail": f"no route {request.method} {path}"})

    def _create(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        name = body["name"]
        errors = self.create_errors.get(name)
        if errors:
            status, headers = errors.popleft()
            return httpx.Response(
                status, json={"detail": f"create {name}: {status}"}, headers=headers
            )
        key = request.headers["x-idempotency-key"]
        if key in self.by_key:
            earlier_body, handle = self.by_key[key]
            if earlier_body != body:
                return httpx.Response(409, json={"detail": "idempotency key reused"})
            return httpx.Response(202, json=handle, headers={"X-Idempotency-Replay": "true"})
        op_id = f"op_{len(self.operations) + 1}"
        failed = name in self.fail_names
        self.add_operation(
            op_id,
            simple_timeline(
                self.durations.get(name, self.duration), "failed" if failed else "completed"
            ),
            error=f"branch {name} could not be created" if failed else None,
            result=self.results.get(name, branch_result_json(name)),
            hang=name in self.hang_names,
        )
        handle = {
            "operation_id": op_id,
            "resource_id": "br_" + name,
            "status": "pending",
            "type": "branch_create",
            "queue_position": 3,  # a field this SDK version does not know
        }
        self.by_key[key] = (body, handle)
        self.active.add(op_id)
        self.max_active = max(self.max_active, len(self.active))
        return httpx.Response(202, json=handle)

    async def _poll(self, request: httpx.Request, op_id: str) -> httpx.Response:
        if self.poll_drops.get(op_id):
            self.poll_drops[op_id] -= 1
            self.poll_log.append((self.clock.now, "error"))
            raise httpx.ConnectError("connection reset by peer", request=request)
        errors = self.poll_errors.get(op_id)
        if errors:
            status, headers = errors.popleft()
            self.poll_log.append((self.clock.now, "error"))
            return httpx.Response(status, json={"detail": "try again"}, headers=headers)
        op = self.operations.get(op_id)
        if op is None:
            return httpx.Response(404, json={"detail": "Operation not found"})
        if op.hang:
            self.hanging += 1
            await self._notify()
            try:
                await asyncio.Event().wait()
            finally:
                self.hanging -= 1
        wait = float(parse_qs(request.url.query.decode()).get("wait", ["0"])[0])
        if self.holds and wait > 0 and self.clock.now < op.ends_at:
            hold = min(wait, self.max_hold)
            until = min(self.clock.now + hold, op.ends_at)
            if isinstance(self.clock, VirtualClock):
                await self.clock.sleep_until(until)
            else:
                self.clock.now = max(self.clock.now, until)
        reply = op.json(self.clock.now)
        self.poll_log.append((self.clock.now, reply["status"]))
        if reply["status"] in ("completed", "failed"):
            self.active.discard(op_id)
        return httpx.Response(200, json=reply)


@asynccontextmanager
async def running_api(api: FakeBranchApi) -> AsyncIterator[FakeBranchApi]:
    with respx.mock(assert_all_called=False, assert_all_mocked=True) as mock:
        mock.route(host="api.ardent.test").mock(side_effect=api.handle)
        yield api


def make_client(clock: FakeClock | VirtualClock, **options: Any) -> ArdentClient:
    settings: dict[str, Any] = {
        "token": TOKEN,
        "base_url": BASE_URL,
        "transport": HttpxTransport(),
        "clock": clock,
        "timeout": 30.0,
    }
    settings.update(options)
    return ArdentClient(**settings)
