"""Running ``ardent-async`` as a real process, with its own config directory."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from ardent_async.emulator._detached import READY_LINE

# The child installs Python's KeyboardInterrupt handler itself: a run started in the background
# inherits SIGINT ignored, and then Ctrl-C (our SIGINT) would never reach it.
CHILD = (
    "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "from ardent_async.cli import main; sys.exit(main(sys.argv[1:]))"
)


@attrs.define
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    @property
    def data(self) -> Any:
        document = self.json()
        assert document["json_schema_version"] == 1  # the official CLI's key
        assert "schema_version" not in document
        return document["data"]

    @property
    def error(self) -> dict[str, Any]:
        document = self.json()
        assert document["json_schema_version"] == 1
        error: dict[str, Any] = document["error"]
        return error


def read_banner(lines: Iterable[str]) -> str:
    """The emulator's banner (an ``export`` line, then shell comments), up to its Ctrl-C line:
    text a person pastes into a shell as it is."""
    banner = []
    for line in lines:
        banner.append(line.rstrip("\n"))
        if line.startswith(READY_LINE):
            return "\n".join(banner)
    raise AssertionError(f"the emulator exited before its banner: {banner}")


def clean_env(config_dir: Path, **values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARDENT_")}
    env["ARDENT_CONFIG_DIR"] = str(config_dir)
    env.update(values)
    return env


async def start(*args: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CHILD,
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def run(*args: str, env: dict[str, str], timeout: float = 120) -> Run:
    proc = await start(*args, env=env)
    out, err = await asyncio.wait_for(proc.communicate(), timeout)
    assert proc.returncode is not None
    return Run(proc.returncode, out.decode(), err.decode())
