"""The README's quickstart, as a newcomer runs it: the Python example saved as a file and the
shell line, each run twice against the emulator, exit 0 and the same branches both times.

Also docs/cli.md's "one command at a time" block twice (its flow from an empty org, twice, is
``tests/cli/test_cli_postgres.py``; the set-up commands run in CI exactly as written,
``.ci/readme_setup.py``).
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from ardent_async import cli
from ardent_async.emulator import Emulator
from tests.cli._run import clean_env
from tests.docs.conftest import _ready_connector
from tests.docs.harness import _run_commands, parse

README = Path(__file__).resolve().parents[2] / "README.md"
CLI_PAGE = README.parent / "docs" / "cli.md"


def _connector(emulator: Emulator) -> str:
    async def make() -> str:
        async with emulator.client() as client:
            return (await _ready_connector(client))[1]

    return asyncio.run(make())


def _env(emulator: Emulator, connector_id: str, config: Path) -> dict[str, str]:
    return clean_env(
        config,
        ARDENT_API_URL=emulator.base_url,
        ARDENT_TOKEN=emulator.token,
        ARDENT_CONNECTOR_ID=connector_id,
    )


def _twice(command: list[str], env: dict[str, str]) -> tuple[str, str]:
    runs = [
        subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
        for _ in range(2)
    ]
    for number, run in enumerate(runs, 1):
        assert run.returncode == 0, f"run {number} of {command}: {run.stdout}{run.stderr}"
    return runs[0].stdout, runs[1].stdout


def test_the_quickstart_file_twice_gets_the_same_branches(
    docs_emulator: Emulator, tmp_path: Path
) -> None:
    (example,) = [block for block in parse(README) if block.kind == "run"]
    script = tmp_path / "quickstart.py"
    script.write_text(example.code, encoding="utf-8")
    env = _env(docs_emulator, _connector(docs_emulator), tmp_path)
    first, second = _twice([sys.executable, str(script)], env)
    assert first.startswith("pr-42 postgresql://")
    assert len(first.splitlines()) == 21  # pr-42 and agent-0 .. agent-19, each with its URL
    assert second == first


def test_the_readme_shell_line_twice_prints_the_same_branch(
    docs_emulator: Emulator, tmp_path: Path
) -> None:
    text = " ".join((README).read_text(encoding="utf-8").split())
    found = re.search(r'psql "\$\((\S*ardent-async branches create [^)]*--print-url)\)"', text)
    assert found is not None, "README.md: the psql line of the quickstart"
    command = found.group(1).replace(".venv/bin/ardent-async", f"{sys.executable} -m ardent_async")
    env = _env(docs_emulator, _connector(docs_emulator), tmp_path)
    first, second = _twice(["bash", "-euc", command], env)
    assert first.startswith("postgresql://")
    assert second == first


def test_the_cli_page_commands_run_twice(
    page_seed: tuple[dict[str, Any], dict[str, str]],
    page_loop: asyncio.AbstractEventLoop,
) -> None:
    """docs/cli.md's "one command at a time" block, twice: every line exits 0 both times and
    the branches it creates are the same ones."""
    namespace, placeholders = page_seed
    (block,) = [block for block in parse(CLI_PAGE) if block.kind == "cli"]
    client = namespace["client"]

    def branches() -> dict[str, str]:
        rows = page_loop.run_until_complete(client.branches.list(placeholders["conn_123"]))
        return {row.name: row.id for row in rows}

    _run_commands(block, placeholders, cli.main)  # raises when a line exits non-zero
    first = branches()
    _run_commands(block, placeholders, cli.main)
    assert {"pr-7", "pr-8"} <= set(first)
    assert branches() == first
