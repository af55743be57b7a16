"""Run the published ardent-sdk releases and ``ardent_async.compat`` through the same scenarios.

::

    python -m tests.compat.run --published 0.3.5=/env/a/python --published 0.8.0=/env/b/python

Starts the emulator (API-only) in this process, then for each published interpreter runs that
release's scenario file (``scenario_0_3_5.py``...) with it, and once per release the same file
with only its ``from ardent import`` line changed to ``from ardent_async.compat import``, here.
Every step must pass in every run, and each compat run must agree with each published run of
its release step by step (outcomes compared with volatile ids masked); steps whose name says
``(differs: ...)`` only have to pass. Exit status 1 on any failure.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from ardent_async.sync import ArdentClient
from tests.threaded_emulator import EmulatorThread

HERE = Path(__file__).parent
PUBLISHED_IMPORT = "from ardent import "
COMPAT_IMPORT = "from ardent_async.compat import "
SOURCE = "postgresql://app:pw@db.example.com:5432/{name}"
RUN_TIMEOUT = 120


def fixtures(server: EmulatorThread, run: str) -> dict[str, str]:
    """Fresh credentials and resources for one run of a scenario (runs share the emulator)."""
    emulator = server.emulator
    assert emulator is not None
    assert emulator.legacy_key is not None
    admin = emulator.admin
    limited = server.call(
        lambda: admin.create_legacy_key(
            emulator.org_id, scopes={"job:create", "job:execute"}, credits=1
        )
    )
    viewer = server.call(lambda: admin.create_token(emulator.org_id, "viewer"))
    with ArdentClient(emulator.token, base_url=emulator.base_url, allow_insecure_http=True) as api:
        project = api.projects.create(f"compat {run}")
        # Each run's source database is its own: the emulator refuses a source another
        # connector already holds (preflight check already_connected).
        connector = api.connectors.create(
            project.id, f"doomed {run}", {"url": SOURCE.format(name=f"doomed_{run}")}
        )
    return {
        "ARDENT_COMPAT_URL": emulator.base_url,
        "ARDENT_PUBLIC_KEY": emulator.legacy_key.public_key,
        "ARDENT_SECRET_KEY": emulator.legacy_key.secret_key,
        "ARDENT_LIMITED_PUBLIC_KEY": limited.public_key,
        "ARDENT_LIMITED_SECRET_KEY": limited.secret_key,
        "ARDENT_API_KEY": emulator.token,
        "ARDENT_VIEWER_API_KEY": viewer.token,
        "ARDENT_PROJECT_ID": project.id,
        "ARDENT_CONNECTOR_ID": connector.id,
    }


def run_scenario(python: str, script: Path, env: dict[str, str]) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "records.json"
        full_env = {
            **os.environ,
            **env,
            "ARDENT_COMPAT_OUT": str(out),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])),
            "PYTHONWARNINGS": "error",
        }
        done = subprocess.run(
            [python, str(script)],
            env=full_env,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )
        if not out.exists():
            raise SystemExit(f"{script.name} with {python} crashed:\n{done.stdout}{done.stderr}")
        records: list[dict[str, Any]] = json.loads(out.read_text(encoding="utf-8"))
        if done.stderr.strip():
            print(done.stderr.rstrip(), file=sys.stderr)
        return records


def compat_copy(script: Path, into: Path) -> Path:
    text = script.read_text(encoding="utf-8")
    assert text.count(PUBLISHED_IMPORT) == 1, f"{script.name}: one 'from ardent import' line"
    copy = into / script.name
    copy.write_text(text.replace(PUBLISHED_IMPORT, COMPAT_IMPORT), encoding="utf-8")
    return copy


def version_of(python: str, module: str) -> str:
    code = f"import importlib.metadata as m; print(m.version({module!r}))"
    return subprocess.run(
        [python, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def compare(label: str, published: list[dict[str, Any]], compat: list[dict[str, Any]]) -> int:
    """Print the disagreements; return how many steps agree."""
    agree = 0
    names = [r["step"] for r in published]
    if names != [r["step"] for r in compat]:
        print(f"  {label}: the runs did not take the same steps", file=sys.stderr)
        return 0
    for mine, theirs in zip(compat, published, strict=False):
        if mine["outcome"] == theirs["outcome"] or "(differs:" in mine["step"]:
            agree += 1
            continue
        print(
            f"  DIFFERS {mine['step']}:\n    published: {theirs['outcome']}\n"
            f"    compat:    {mine['outcome']}",
            file=sys.stderr,
        )
    return agree


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--published",
        action="append",
        required=True,
        metavar="VERSION=PYTHON",
        help="an interpreter with ardent-sdk VERSION installed",
    )
    args = parser.parse_args()
    server = EmulatorThread(op_duration=0.01)
    server.start()
    failures = 0
    compat_runs: dict[str, list[dict[str, Any]]] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for index, entry in enumerate(args.published):
                version, _, python = entry.partition("=")
                assert version_of(python, "ardent-sdk") == version, entry
                script = HERE / f"scenario_{version.replace('.', '_')}.py"
                label = f"ardent-sdk {version} (httpx {version_of(python, 'httpx')})"
                published = run_scenario(python, script, fixtures(server, f"p{index}"))
                if version not in compat_runs:
                    compat_runs[version] = run_scenario(
                        sys.executable,
                        compat_copy(script, Path(tmp)),
                        fixtures(server, f"c{index}"),
                    )
                compat = compat_runs[version]
                passed = sum(r["passed"] for r in published)
                compat_passed = sum(r["passed"] for r in compat)
                agree = compare(label, published, compat)
                total = len(published)
                print(
                    f"{label}: {passed}/{total} steps pass; ardent_async.compat: "
                    f"{compat_passed}/{len(compat)} pass, {agree}/{total} agree"
                )
                failures += (total - passed) + (len(compat) - compat_passed) + (total - agree)
    finally:
        server.stop()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
