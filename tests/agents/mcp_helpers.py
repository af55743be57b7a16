"""Starting ``ardent-async mcp`` as a process and talking to it with the official ``mcp`` client,
over stdio or streamable HTTP."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from mcp import ClientSession, StdioServerParameters, stdio_client

ROOT = Path(__file__).resolve().parents[2]
HTTP_TOKEN = "mcp-http-token-for-tests-0123456789"
SERVER = [sys.executable, "-m", "ardent_async.mcp_server"]


def server_env(base_url: str, token: str, org_id: str, **more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARDENT_")}
    env.update(ARDENT_TOKEN=token, ARDENT_API_URL=base_url, ARDENT_ORG_ID=org_id, **more)
    return env


def wire(model: Any) -> dict[str, Any]:
    data: dict[str, Any] = model.model_dump(by_alias=True, mode="json", exclude_none=True)
    return data


def text_of(result: Any) -> str:
    (content,) = wire(result)["content"]
    assert content["type"] == "text"
    text: str = content["text"]
    return text


@asynccontextmanager
async def stdio_session(
    env: dict[str, str], *args: str, log: Path | None = None, **session: Any
) -> AsyncIterator[ClientSession]:
    """A client session with ``ardent-async mcp ARGS`` on stdio (its stderr to ``log``)."""
    server = StdioServerParameters(
        command=SERVER[0], args=[*SERVER[1:], *args], env=env, cwd=str(ROOT)
    )
    # The client hands the file to a child process: a plain, short open.
    with open(log or os.devnull, "w", encoding="utf-8") as errlog:  # noqa: ASYNC230
        async with (
            stdio_client(server, errlog=errlog) as (read, write),
            ClientSession(read, write, **session) as client,
        ):
            await client.initialize()
            yield client


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@asynccontextmanager
async def http_server(env: dict[str, str], *args: str) -> AsyncIterator[tuple[str, Path]]:
    """``ardent-async mcp --http`` running; yields its URL and its stderr log file."""
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="mcp-http-", suffix=".log")[1])
    with open(log, "w", encoding="utf-8") as errlog:  # noqa: ASYNC230 - handed to the child
        process = await asyncio.create_subprocess_exec(
            *SERVER,
            "--http",
            f"127.0.0.1:{port}",
            *args,
            env={**env, "ARDENT_MCP_TOKEN": HTTP_TOKEN},
            cwd=ROOT,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=errlog,
        )
    try:
        await _until_listening(port, process)
        yield f"http://127.0.0.1:{port}/mcp", log
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), timeout=10)


async def _until_listening(port: int, process: asyncio.subprocess.Process) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while loop.time() < deadline:
        if process.returncode is not None:
            raise AssertionError(f"the server exited with {process.returncode}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)  # polling for the port, with a deadline
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise AssertionError("the HTTP server did not start listening")


@asynccontextmanager
async def http_session(url: str, token: str | None = HTTP_TOKEN) -> AsyncIterator[ClientSession]:
    """A client session over streamable HTTP (the same client API in mcp 1.30 and 2.x)."""
    from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client

    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    async with (
        create_mcp_http_client(headers=headers) as http,
        streamable_http_client(url, http_client=http) as streams,
        ClientSession(streams[0], streams[1]) as client,
    ):
        await client.initialize()
        yield client


class McpModel:
    """Feeds a scripted agent through an MCP session, keeping all the model saw."""

    def __init__(self, session: ClientSession) -> None:
        self.session = session
        self.seen: list[str] = []

    async def call(self, name: str, arguments: dict[str, Any]) -> str:
        result = await self.session.call_tool(name, arguments)
        data = wire(result)
        self.seen.append(json.dumps(data))
        return text_of(result)
