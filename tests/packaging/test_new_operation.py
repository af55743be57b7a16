"""An operation added to the spec shows up without hand edits: codegen and the sync twin run on
a copy of the package with a synthetic operation in the spec, and a separate interpreter finds
it in the endpoint table, in ``client.endpoints`` (called over real HTTP), in the blocking twin
and in the agents' spec catalogue, and the emulator refuses to start naming it as missing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

PIN_BRANCH = {
    "operationId": "pin_branch",
    "tags": ["branches"],
    "summary": "Pin Branch",
    "x-ardent-retry-safe": "Pinning a pinned branch changes nothing.",
    "parameters": [
        {"in": "path", "name": "connector_id", "required": True, "schema": {"type": "string"}},
        {"in": "path", "name": "branch_id", "required": True, "schema": {"type": "string"}},
        {"in": "query", "name": "days", "required": False, "schema": {"type": "integer"}},
    ],
    "responses": {
        "200": {
            "description": "The pinned branch.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BranchRow"}}},
        }
    },
}

# Runs in the copy: a real aiohttp server answers the new path; the client only knows it
# from the regenerated table.
PROBE = textwrap.dedent(
    """
    import asyncio, inspect, json, sys
    from aiohttp import web

    import ardent_async
    from ardent_async import ArdentClient
    from ardent_async._spec.endpoints import ENDPOINTS
    from ardent_async._sync_twin import SyncEndpointsService
    from ardent_async.agents._spec_schemas import spec_catalogue
    from ardent_async.emulator import Emulator
    from ardent_async.emulator.router import MissingHandlersError

    seen = []

    async def pin(request):
        seen.append((request.method, request.path_qs))
        return web.json_response({
            "id": request.match_info["branch"], "name": "pinned",
            "connector_id": "conn 1", "service_type": "postgres", "status": "ready",
            "created_at": "2026-12-07T10:00:00Z",
        })

    async def main():
        app = web.Application()
        app.router.add_post("/v1/branches/{connector}/{branch}/pin", pin)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        try:
            async with ArdentClient(
                token="ardent_test", base_url=f"http://127.0.0.1:{port}",
                allow_insecure_http=True,
            ) as client:
                row = await client.endpoints.pin_branch("conn 1", "br_1", days=3)
        finally:
            await runner.cleanup()
        return row

    row = asyncio.run(main())

    async def emulator_refusal():
        try:
            await Emulator().start()
        except MissingHandlersError as exc:
            return exc.missing
        return "started"

    refused = asyncio.run(emulator_refusal())
    endpoint = ENDPOINTS["pin_branch"]
    entry = next(op for op in spec_catalogue() if op.operation_id == "pin_branch")
    print(json.dumps({
        "package": ardent_async.__file__,
        "row": [endpoint.method, endpoint.path, list(endpoint.path_params),
                list(endpoint.query_params), endpoint.reply.__name__, endpoint.retry_safe],
        "sent": seen,
        "reply": [type(row).__name__, row.id, row.name],
        "twin": str(inspect.signature(SyncEndpointsService.pin_branch)),
        "catalogue": [entry.method, entry.path, entry.summary,
                      [(a.name, a.location, a.required) for a in entry.arguments]],
        "emulator_missing": refused,
    }))
    """
)


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.slow
def test_an_operation_added_to_the_spec_shows_up_without_hand_edits(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(
        ROOT / "ardent_async", tree / "ardent_async", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    spec = yaml.safe_load((ROOT / "openapi" / "ardent.yaml").read_text(encoding="utf-8"))
    spec["paths"]["/v1/branches/{connector_id}/{branch_id}/pin"] = {"post": PIN_BRANCH}
    spec_path = tmp_path / "ardent.yaml"
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")

    _run(sys.executable, "-m", "codegen", "--spec", spec_path, "--out", tree, cwd=ROOT)
    _run(sys.executable, "-m", "codegen.sync_twin", "--root", tree, cwd=ROOT)
    env = {**os.environ, "PYTHONPATH": str(tree)}
    env.pop("ARDENT_TOKEN", None)
    found = json.loads(_run(sys.executable, "-c", PROBE, cwd=tree, env=env))

    assert found["package"].startswith(str(tree))  # the copy, not this checkout
    assert found["row"] == [
        "POST",
        "/v1/branches/{connector_id}/{branch_id}/pin",
        ["connector_id", "branch_id"],
        ["days"],
        "BranchRow",
        True,
    ]
    assert found["sent"] == [["POST", "/v1/branches/conn%201/br_1/pin?days=3"]]
    assert found["reply"] == ["BranchRow", "br_1", "pinned"]
    assert found["twin"].startswith("(self, connector_id: 'str', branch_id: 'str', *, days:")
    assert found["catalogue"] == [
        "POST",
        "/v1/branches/{connector_id}/{branch_id}/pin",
        "Pin Branch",
        [["connector_id", "path", True], ["branch_id", "path", True], ["days", "query", False]],
    ]
    assert found["emulator_missing"] == ["pin_branch"]  # refuses to start without a handler


def test_the_checkout_has_no_pin_branch() -> None:
    # The synthetic operation lives only in the copy above.
    from ardent_async._spec.endpoints import ENDPOINTS

    assert "pin_branch" not in ENDPOINTS
