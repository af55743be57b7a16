"""Everything a handler needs, stored on the aiohttp application under one typed key."""

from __future__ import annotations

import asyncio
import dataclasses

from aiohttp import web

from .branch_backend import BranchBackend
from .chaos import Chaos
from .operation_runner import OperationRunner
from .request_log import RequestLog
from .state import Store


@dataclasses.dataclass
class Runtime:
    store: Store
    runner: OperationRunner
    backend: BranchBackend
    chaos: Chaos
    log: RequestLog
    admin_token: str = dataclasses.field(repr=False)
    #: Hold ``GET /v1/operations/{id}?wait=N`` until done (the API's long-poll); False answers
    #: at once, like a server that does not support it (clients must fall back to backoff).
    long_poll: bool = True
    #: Serialises state changes of one connector across awaits (setup, delete, branch create).
    locks: dict[str, asyncio.Lock] = dataclasses.field(default_factory=dict)

    def lock(self, key: str) -> asyncio.Lock:
        return self.locks.setdefault(key, asyncio.Lock())


RUNTIME: web.AppKey[Runtime] = web.AppKey("ardent_emulator_runtime", Runtime)


def runtime(request: web.Request) -> Runtime:
    return request.app[RUNTIME]
