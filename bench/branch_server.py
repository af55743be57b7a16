"""A minimal branch-create server for the fan-out benchmark, run in its own process.

``python -m bench.branch_server [op_ms]`` prints ``PORT <n>`` once listening. It answers
``POST /v1/branch/create`` with a 202 operation handle and ``GET /v1/operations/{id}?wait=N``
the way the API does: held until the operation (``op_ms`` long) ends or N seconds pass.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import signal
import sys
import time

from aiohttp import web

OP_SECONDS = float(sys.argv[1]) / 1000 if len(sys.argv) > 1 else 0.05
_ids = itertools.count(1)
_ends: dict[str, tuple[float, str]] = {}


async def create(request: web.Request) -> web.Response:
    body = await request.json()
    op_id = f"op_{next(_ids)}"
    _ends[op_id] = (time.monotonic() + OP_SECONDS, body["name"])
    handle = {
        "operation_id": op_id,
        "resource_id": "br_" + op_id,
        "status": "pending",
        "type": "branch_create",
    }
    return web.json_response(handle, status=202)


async def operation(request: web.Request) -> web.Response:
    op_id = request.match_info["operation_id"]
    ends, name = _ends[op_id]
    wait = float(request.query.get("wait", "0") or 0)
    remaining = ends - time.monotonic()
    if remaining > 0 and wait > 0:
        await asyncio.sleep(min(remaining, wait))
    done = time.monotonic() >= ends
    body = {
        "id": op_id,
        "org_id": "org_bench",
        "type": "branch_create",
        "resource_id": "br_" + op_id,
        "status": "completed" if done else "running",
        "created_at": "2026-11-25T10:00:00Z",
        "updated_at": "2026-11-25T10:00:01Z",
        "progress": 100 if done else 50,
        "result": {
            "branch_id": "br_" + op_id,
            "name": name,
            "connector_id": "conn_bench",
            "service_type": "postgres",
            "status": "ready",
            "branch_url": f"postgresql://u:p@{op_id}.bench:5432/app",
        }
        if done
        else None,
    }
    return web.Response(body=json.dumps(body).encode(), content_type="application/json")


async def main() -> None:
    app = web.Application()
    app.router.add_post("/v1/branch/create", create)
    app.router.add_get("/v1/operations/{operation_id}", operation)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
    await site.start()
    print(f"PORT {runner.addresses[0][1]}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
