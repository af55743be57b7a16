"""A minimal aiohttp.web server for the overhead benchmark, run in its own process.

``python -m bench.server`` prints ``PORT <n>`` once listening. It answers
``GET /v1/projects/{id}`` with a fixed project row, as the real API would.
"""

from __future__ import annotations

import asyncio
import json
import signal

from aiohttp import web

BODY = json.dumps(
    {
        "id": "proj_bench",
        "org_id": "org_bench",
        "name": "bench",
        "created_at": "2026-11-25T10:00:00Z",
    }
).encode()


async def project(request: web.Request) -> web.Response:
    return web.Response(body=BODY, content_type="application/json")


async def main() -> None:
    app = web.Application()
    app.router.add_get("/v1/projects/{project_id}", project)
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
