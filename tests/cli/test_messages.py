"""What a newcomer reads when a command is refused or a check fails: each message says what to
do, names the argument, and a refusal comes before any output or request. In-process (``main``)
against an emulator serving from its own thread."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from ardent_async.cli import main
from ardent_async.cli._progress import progress
from ardent_async.emulator import Emulator
from ardent_async.emulator.api_only_backend import ApiOnlyBackend
from ardent_async.emulator.postgres.source import preflight as inspect_source
from ardent_async.emulator.request_log import LoggedRequest
from tests.threaded_emulator import EmulatorThread

# Nothing listens on port 1: the source is unreachable, as a typo'd host would be.
UNREACHABLE = "postgresql://replicator:Unreach4ble@127.0.0.1:1/app"


class RealSourceChecks(ApiOnlyBackend):
    """API-only, but preflight inspects UNREACHABLE for real (as the Postgres backend does), so
    it gets the report a real server gives an unreachable source."""

    async def preflight(
        self,
        source_url: str,
        *,
        details: Mapping[str, Any],
        selected_schemas: Sequence[str] | None,
        already_connected: bool,
        database: str | None,
    ) -> dict[str, Any]:
        if source_url != UNREACHABLE:
            return await super().preflight(
                source_url,
                details=details,
                selected_schemas=selected_schemas,
                already_connected=already_connected,
                database=database,
            )
        result = await inspect_source(
            source_url,
            selected_schemas=selected_schemas,
            already_connected=already_connected,
            database=database,
            timeout=5,
        )
        return result.to_dict()


@pytest.fixture(scope="module")
def served() -> Iterator[EmulatorThread]:
    server = EmulatorThread(backend=RealSourceChecks())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def emulator(served: EmulatorThread, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Emulator:
    emulator = served.emulator
    assert emulator is not None
    monkeypatch.setenv("ARDENT_CONFIG_DIR", str(tmp_path))
    monkeypatch.setenv("ARDENT_API_URL", emulator.base_url)
    monkeypatch.setenv("ARDENT_TOKEN", emulator.token)
    monkeypatch.setenv("ARDENT_ORG_ID", emulator.org_id)
    served.call(emulator.admin.clear_requests)
    return emulator


def _requests(served: EmulatorThread, emulator: Emulator) -> list[LoggedRequest]:
    return served.call(emulator.admin.requests)


def _sent(served: EmulatorThread, emulator: Emulator) -> list[str]:
    return [f"{r.method} {r.path}" for r in _requests(served, emulator)]


def test_plain_http_refusal_reads_as_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(
        ["projects", "list", "--org-id", "org_1", "--token", "sk-ard_test_x",
         "--api-url", "http://example.com"]
    )  # fmt: skip
    assert status == 2
    err = capsys.readouterr().err
    assert (
        "--api-url: refusing to send credentials over plain http to example.com; "
        "use https, or pass --insecure-http"
    ) in err
    assert err.count(" to ") == 2, err  # not "... to send ... to send ..."


def test_unreachable_source_fails_one_check_and_says_what_was_not_checked(
    served: EmulatorThread, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["connectors", "preflight", UNREACHABLE])
    assert status == 1
    shown = capsys.readouterr()
    rows = [line.split() for line in shown.out.splitlines()]
    assert [row[:2] for row in rows if "fail" in row[:2]] == [["reachable", "fail"]]
    assert any(row[:4] == ["8", "more", "not", "checked"] for row in rows), shown.out
    assert "preflight FAIL: reachable\n" in shown.err
    # No grant script follows (nothing to grant on a server that cannot be reached).
    assert "grant script" not in shown.out + shown.err
    assert "Fix the source, then run the preflight again." in shown.err
    assert "Unreach4ble" not in shown.out + shown.err


def test_failing_preflight_with_a_grant_script_points_at_it(
    emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    # The API-only checks of an emulated failure come with a (placeholder) grant script.
    status = main(
        ["--format", "table", "connectors", "preflight", "--connection-details",
         '{"url": "postgresql://u:p@db.internal/app", "emulate_failed_checks": ["wal_level"]}']
    )  # fmt: skip
    assert status == 1
    shown = capsys.readouterr()
    assert "To fix, run on the source:" in shown.out
    assert "Fix the source (the grant script below), then run" in shown.err


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["connectors", "preflight", ""], "URL: expected a source URL like postgresql://"),
        (["connectors", "preflight", "--url", "postgresql://db.internal/app"], "--url: "),
        (["connectors", "create", "mysql://root:Secr3tPw@db/app"], "got a mysql:// URL"),
        (["connectors", "create", "postgresql://u:Secr3tPw@db:5432x/app"], "port is not a"),
        (["connectors", "preflight", "postgresql", "Secr3tPw"], "got text that is not a URL"),
    ],
)
def test_bad_source_urls_are_refused_locally_naming_the_argument(
    served: EmulatorThread,
    emulator: Emulator,
    capsys: pytest.CaptureFixture[str],
    words: list[str],
    expected: str,
) -> None:
    status = main([*words, "--format", "json"])
    assert status == 2
    shown = capsys.readouterr()
    assert '"code": "invalid_argument"' in shown.out
    assert expected in shown.out
    assert "Secr3tPw" not in shown.out + shown.err
    assert _sent(served, emulator) == []


def test_an_empty_source_url_hints_at_the_unset_variable(
    emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["connectors", "preflight", ""]) == 2
    err = capsys.readouterr().err
    assert "URL: expected a source URL" in err
    assert "is ARDENT_SOURCE_URL exported?" in err


def test_repeated_branch_names_are_refused_before_any_output(
    served: EmulatorThread, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["branches", "create", "dup", "other", "dup", "--connector-id", "conn_1"])
    assert status == 2
    shown = capsys.readouterr()
    assert shown.out == ""
    assert shown.err.startswith("ardent-async: error: NAME: each branch name once; 'dup' given")
    assert "creating" not in shown.err
    assert _sent(served, emulator) == []


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_shows_the_real_total_from_its_first_frame() -> None:
    screen = _Terminal()
    with progress("branches", total=3, stream=screen):
        pass  # the frame drawn before any branch finishes
    assert "0/3" in screen.getvalue()
    assert "/100" not in screen.getvalue()


def test_the_documented_creates_are_safe_to_repeat(
    served: EmulatorThread, emulator: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    source = "postgresql://replicator:pw@db.internal:5432/twice"
    steps = [
        ["projects", "create", "twice"],
        ["connectors", "create", "postgresql", source, "--name", "app", "--decide-all", "exclude"],
        ["connectors", "preflight", source],
    ]
    runs = []
    for _ in range(2):
        outputs = []
        for step in steps:
            assert main([*step, "--format", "json"]) == 0, capsys.readouterr()
            outputs.append(json.loads(capsys.readouterr().out)["data"])
        runs.append(outputs)
    (project, connector, report), (project_again, connector_again, report_again) = runs
    assert project_again["id"] == project["id"]
    assert connector_again["id"] == connector["id"]
    assert report["preflight_pass"] is False  # the source is connected from the first run on
    assert report_again == report
    posted = [r.path for r in _requests(served, emulator) if r.method == "POST"]
    assert posted.count("/v1/projects") == 1  # one create each, however often it runs
    assert posted.count("/v1/connectors") == 1
