"""mypy --strict on files using the blocking client: reveal_type shows the async client's types."""

from __future__ import annotations

from pathlib import Path

import pytest

api = pytest.importorskip("mypy.api")

HERE = Path(__file__).parent


def _mypy(name: str, tmp_path: Path) -> tuple[str, int]:
    out, err, status = api.run(
        ["--strict", "--cache-dir", str(tmp_path / "cache"), str(HERE / name)]
    )
    return out + err, status


def test_the_blocking_client_has_the_async_clients_types(tmp_path: Path) -> None:
    out, status = _mypy("sync_usage.py", tmp_path)
    assert status == 0, out
    revealed = [
        line.split("Revealed type is ")[1].replace("builtins.list", "list")
        for line in out.splitlines()
        if "Revealed" in line
    ]
    assert revealed == [
        '"list[ardent_async.models._generated.ProjectRow]"',
        '"ardent_async.models._generated.OperationHandle"',
        '"ardent_async.models._generated.BranchCreateResult"',
        '"ardent_async.services.branches.ReadyBranch"',
        '"ardent_async._blocking.BlockingIterator[ardent_async.models._generated.AsyncOperationResponse]"',
        '"ardent_async.services.connectors.EngineSetupResult"',
        '"ardent_async.sync.SyncArdentClient"',
        '"ardent_async._core._response.WithResponse[ardent_async.models._generated.OrgDetails]"',
        '"ardent_async._blocking.BlockingIterator[ardent_async.fanout.BranchOutcome]"',
        '"list[ardent_async.fanout.OperationOutcome]"',
        '"ardent_async._core._response.WithResponse[ardent_async.models._generated.ProjectRow]"',
    ], out
    assert "error" not in out.replace("reveal_type", ""), out


def test_wrong_arguments_are_type_errors(tmp_path: Path) -> None:
    out, status = _mypy("sync_errors.py", tmp_path)
    assert status == 1
    assert 'Argument 1 to "get" of "SyncProjectsService" has incompatible type "int"' in out
    assert '"timout"' in out
    assert '"SyncBranchesService" has no attribute "no_such_method"' in out


def test_the_sync_twin_is_current() -> None:
    # A service method added without regenerating fails here (and in nox -s codegen -- --check).
    from codegen.sync_twin import main

    assert main(["--check"]) == 0
