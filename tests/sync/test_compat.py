"""``ardent_async.compat``: a drop-in for the published ardent-sdk 0.3.5 and 0.8.0.

The scenarios of ``tests/compat`` (which ``nox -s compat`` also runs with the published
releases themselves) run here through compat; the rest pins what they cannot see: the bytes
and headers sent, the published signatures, messages and error hierarchy, 204 handling.
"""

from __future__ import annotations

import hashlib
import hmac
import inspect
import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

import ardent_async
import ardent_async.errors
from ardent_async._core._transport._httpx import HttpxTransport
from ardent_async.compat import (
    ArdentAPIError,
    ArdentAuthError,
    ArdentClient,
    ArdentError,
    ArdentValidationError,
)
from ardent_async.legacy.compat._client import DEFAULT_BASE_URL, JOB_DELETED
from tests.compat import run
from tests.threaded_emulator import EmulatorThread

BASE = "https://legacy.test"
PUBLIC, SECRET = "pk_live_Publ1c", "legacy-Secret-Key-Value-9f8e7d"
API_KEY = "sk-ard_test_C0mpatKeyValue0123"
JOB = {"id": "job-1", "files_share_name": "share-1", "userID": "user-1"}


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorThread]:
    thread = EmulatorThread(op_duration=0.01)
    thread.start()
    yield thread
    thread.stop()


@pytest.mark.parametrize("release", ["0.3.5", "0.8.0"])
def test_the_published_scenarios_pass_through_compat(server: EmulatorThread, release: str) -> None:
    """The release's scenario file, with only its import line changed, passes every step."""
    script = run.HERE / f"scenario_{release.replace('.', '_')}.py"
    with tempfile.TemporaryDirectory() as tmp:
        copy = run.compat_copy(script, Path(tmp))
        assert copy.read_text() == script.read_text().replace(
            "from ardent import ", "from ardent_async.compat import "
        )
        records = run.run_scenario(sys.executable, copy, run.fixtures(server, f"t{release}"))
    failed = [r for r in records if not r["passed"]]
    assert failed == []
    assert len(records) >= 18


# -- the wire, byte for byte -------------------------------------------------------------------


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


@pytest.fixture
def hmac_client() -> Iterator[ArdentClient]:
    client = ArdentClient(PUBLIC, SECRET, BASE, transport=HttpxTransport())
    yield client
    client.close()


@pytest.fixture
def bearer_client() -> Iterator[ArdentClient]:
    client = ArdentClient(API_KEY, base_url=BASE, transport=HttpxTransport())
    yield client
    client.close()


def published_signature(request: httpx.Request, body: Any) -> str:
    """As ardent-sdk 0.3.5's ``_sign_request``: over ``json.dumps(body, separators=...)``."""
    signed = "" if body is None else json.dumps(body, separators=(",", ":"))
    message = f"{request.headers['x-timestamp']}{request.method}{request.url.path}{signed}"
    return hmac.new(SECRET.encode(), message.encode(), hashlib.sha256).hexdigest()


def test_hmac_requests_send_exactly_the_bytes_the_published_client_signs(
    api: respx.MockRouter, hmac_client: ArdentClient
) -> None:
    api.post("/v1/jobs/createJob").respond(201, json=JOB)
    api.post("/v1/jobs/APIChat").respond(200, json={"status": "done"})
    api.get("/v1/jobs/job-1/files").respond(200, json={"files": []})
    hmac_client.create_and_execute_job("Répare — vite ✓", True)
    hmac_client.get_job_files("job-1")
    create, execute, files = (call.request for call in api.calls)
    bodies = [
        {"userMessage": "Répare — vite ✓"},
        {"jobID": "job-1", "userMessage": "Répare — vite ✓", "files_share_name": "share-1",
         "safeMode": True},
        None,
    ]  # fmt: skip
    for request, body in zip((create, execute, files), bodies, strict=True):
        expected = b"" if body is None else json.dumps(body, separators=(",", ":")).encode()
        assert request.content == expected
        assert request.headers["x-signature"] == published_signature(request, body)
        assert request.headers["x-api-key"] == PUBLIC
        assert request.headers["x-session-id"] == hmac_client.session_id
        assert "authorization" not in request.headers
    assert create.headers["content-type"] == "application/json"


def test_bearer_requests_and_header_overrides(
    api: respx.MockRouter, bearer_client: ArdentClient
) -> None:
    api.post("/v1/jobs/createJob").respond(201, json=JOB)
    bearer_client.create_job("x", header_overrides={"X-Trace-Id": "t-1"})
    bearer_client.create_job("y", {"Authorization": "Bearer sk-ard_test_other"})
    first, second = (call.request for call in api.calls)
    assert first.headers["authorization"] == f"Bearer {API_KEY}"
    assert first.headers["x-trace-id"] == "t-1"
    assert first.headers["x-session-id"] == bearer_client.session_id
    assert not {"x-api-key", "x-signature", "x-timestamp"} & set(first.headers)
    assert second.headers["authorization"] == "Bearer sk-ard_test_other"
    assert "x-trace-id" not in second.headers


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (httpx.Response(204), JOB_DELETED),
        (httpx.Response(200, text="ok"), JOB_DELETED),
        (httpx.Response(200, json={"deleted": "job-1"}), {"deleted": "job-1"}),
    ],
)  # fmt: skip
def test_delete_job_replies_as_published(
    api: respx.MockRouter, hmac_client: ArdentClient, reply: httpx.Response, expected: Any
) -> None:
    api.delete("/v1/jobs/deleteJob").mock(return_value=reply)
    assert hmac_client.delete_job("job-1") == expected
    assert api.calls.last.request.content == b'{"jobID":"job-1"}'


def test_delete_connector_204(api: respx.MockRouter, bearer_client: ArdentClient) -> None:
    api.delete("/v1/connectors/conn_1").respond(204)
    assert bearer_client.delete_connector("conn_1") == {
        "status": "success",
        "message": "Connector deleted successfully",
    }


def test_create_job_fills_what_a_201_left_out(
    api: respx.MockRouter, hmac_client: ArdentClient
) -> None:
    api.post("/v1/jobs/createJob").respond(201, json={"userID": "u"})
    job = hmac_client.create_job("x")
    assert job["files_share_name"] == ""
    assert len(job["id"]) == 36


def test_create_and_execute_merges_with_the_job_winning(
    api: respx.MockRouter, hmac_client: ArdentClient
) -> None:
    api.post("/v1/jobs/createJob").respond(201, json={**JOB, "status": "created"})
    api.post("/v1/jobs/APIChat").respond(200, json={"status": "finished", "answer": 42})
    result = hmac_client.create_and_execute_job(message="m")
    assert result == {"status": "created", "answer": 42, **JOB}


# -- errors: the published hierarchy and messages ----------------------------------------------


def test_the_published_error_hierarchy() -> None:
    for cls in (ArdentAPIError, ArdentAuthError, ArdentValidationError):
        assert issubclass(cls, ArdentError)
    assert not issubclass(ArdentAuthError, ArdentAPIError)
    assert not issubclass(ArdentValidationError, ArdentAPIError)
    # Still one family with the SDK's own errors (and their secret scrubbing): each compat class
    # is also the main class of the same name.
    assert issubclass(ArdentError, ardent_async.errors.ArdentError)
    assert issubclass(ArdentAPIError, ardent_async.errors.ArdentAPIError)
    assert issubclass(ArdentAuthError, ardent_async.errors.ArdentAuthError)
    assert issubclass(ArdentValidationError, ardent_async.errors.ArdentValidationError)
    error = ArdentAPIError("boom", 503, None)
    assert (error.status_code, error.response, str(error)) == (503, None, "boom")
    # ... with the published attributes only: no status_code on auth and validation errors.
    for other in (ArdentAuthError("no"), ArdentValidationError("bad")):
        assert not hasattr(other, "status_code")


def _caught_by(error: BaseException) -> str:
    """Which clause of a published-SDK-shaped ``try`` catches ``error`` (most specific first,
    ``ArdentAPIError`` before ``ArdentAuthError`` as the published hierarchy allows)."""
    try:
        raise error
    except ArdentAPIError:
        return "api"
    except ArdentAuthError:
        return "auth"
    except ArdentValidationError:
        return "validation"
    except ArdentError:
        return "base"


def _caught_by_main(error: BaseException) -> str:
    """The same ``try`` written against :mod:`ardent_async`'s own classes."""
    try:
        raise error
    except ardent_async.ArdentAPIError:
        return "api"
    except ardent_async.ArdentAuthError:
        return "auth"
    except ardent_async.ArdentValidationError:
        return "validation"
    except ardent_async.ArdentError:
        return "base"


@pytest.mark.parametrize(
    ("call", "status", "clause"),
    [
        (lambda c: c.create_job("m"), 401, "auth"),
        (lambda c: c.delete_config("c"), 403, "auth"),
        (lambda c: c.delete_job("j"), 404, "api"),
        (lambda c: c.get_job_files("j"), 500, "api"),
        (lambda c: c.set_config("nope"), None, "validation"),
    ],
)
def test_published_except_clauses_and_the_sdks_own_both_catch_compat_errors(
    api: respx.MockRouter, hmac_client: ArdentClient, call: Any, status: int | None, clause: str
) -> None:
    if status is not None:
        api.route().respond(status, json={"detail": "no"})
    with pytest.raises(ArdentError) as info:
        call(hmac_client)
    assert _caught_by(info.value) == clause
    assert _caught_by_main(info.value) == clause


def test_a_compat_api_error_carries_the_reply_as_the_sdks_api_error_does(
    api: respx.MockRouter, hmac_client: ArdentClient
) -> None:
    api.route().respond(500, json={"detail": "down"}, headers={"X-Request-Id": "req-7"})
    with pytest.raises(ardent_async.ArdentAPIError) as info:
        hmac_client.get_job_files("j")
    error = info.value
    assert isinstance(error, ArdentAPIError)
    assert (error.status_code, error.body, error.request_id) == (500, {"detail": "down"}, "req-7")
    assert error.response is not None
    assert error.response.json() == {"detail": "down"}


@pytest.mark.parametrize(
    ("call", "status", "cls", "message", "status_code"),
    [
        (lambda c: c.create_job("m"), 401, ArdentAuthError, "Invalid API key or signature", "-"),
        (lambda c: c.execute_job("j", "m", "s", "u"), 402, ArdentAPIError, "Out of credits", None),
        (lambda c: c.create_and_execute_job("m"), 403, ArdentAuthError,
         "Missing required scope: job:execute", "-"),
        (lambda c: c.delete_job("j"), 404, ArdentAPIError, "Job not found", None),
        (lambda c: c.get_job_files("j"), 404, ArdentAPIError, "Job not found", None),
        (lambda c: c.delete_config("c"), 403, ArdentAuthError,
         "Missing required scope: config:write", "-"),
        (lambda c: c.delete_config("c"), 404, ArdentAPIError, "Configuration not found", None),
        (lambda c: c.get_job_files("j"), 403, ArdentAPIError, None, 403),
    ],
)  # fmt: skip
def test_status_mapping_per_method(
    api: respx.MockRouter,
    hmac_client: ArdentClient,
    call: Any,
    status: int,
    cls: type[ArdentError],
    message: str | None,
    status_code: Any,
) -> None:
    api.route().respond(status, json={"detail": "no"})
    with pytest.raises(ArdentError) as info:
        call(hmac_client)
    assert type(info.value) is cls
    if message is not None:
        assert str(info.value) == message
    assert getattr(info.value, "status_code", "-") == status_code


def test_other_statuses_carry_the_published_message_status_and_response(
    api: respx.MockRouter, hmac_client: ArdentClient
) -> None:
    echoed = f"bad password your_secure_password for {SECRET}"
    api.post("/v1/configs/setConfig").respond(400, json={"detail": echoed})
    with pytest.raises(ArdentAPIError) as info:
        hmac_client.set_config("tigerbeetle", "cfg-1", cluster_id="0", replica_addresses=["a"],
                               password="your_secure_password")  # fmt: skip
    error = info.value
    assert str(error) == (
        f"API request failed: Client error '400 Bad Request' for url '{BASE}/v1/configs/setConfig'"
        "\nFor more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/400"
    )
    assert error.status_code == 400
    assert error.response is not None
    assert (error.response.status_code, repr(error.response)) == (
        400,
        "<Response [400 Bad Request]>",
    )
    # The echoed secrets (a config password, the secret key) are scrubbed from the reply too.
    assert error.response.json() == {"detail": "bad password *** for ***"}
    assert "your_secure_password" not in error.response.text


def test_set_config_checks_as_published_and_passes_extras_through(
    api: respx.MockRouter, hmac_client: ArdentClient
) -> None:
    with pytest.raises(ArdentValidationError, match=r"^Invalid configuration type: nope$"):
        hmac_client.set_config("nope")
    with pytest.raises(
        ArdentValidationError, match=r"^Invalid type at Port\. Expected str, got int$"
    ):
        hmac_client.set_config("postgreSQL", Hostname="h", Port=5432, username="u", password="p",
                               databases=[{"name": "d"}])  # fmt: skip
    assert not api.calls
    api.post("/v1/configs/setConfig").respond(200, json={"ok": True})
    hmac_client.set_config("tigerbeetle", cluster_id="0", replica_addresses=["a:1"], extra=[1])
    sent = json.loads(api.calls.last.request.content)["Config"]
    assert sent["extra"] == [1]
    assert sent["type"] == "tigerbeetle"
    assert len(sent["id"]) == 36


# -- construction and surface ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("", ""), {}, "Both public and secret keys are required"),
        ((), {"public_key": "pk", "secret_key": ""}, "Both public and secret keys are required"),
        # One key alone is 0.8.0's api_key (0.3.5 raised TypeError: secret_key missing).
        ((), {"public_key": "pk"}, "Invalid API key format (must start with sk-ard_)"),
        (("",), {}, "API key is required"),
        ((), {"api_key": ""}, "API key is required"),
        (("pk_live_1",), {}, "Invalid API key format (must start with sk-ard_)"),
    ],
)
def test_constructor_refusals(args: Any, kwargs: Any, message: str) -> None:
    with pytest.raises(ArdentValidationError) as info:
        ArdentClient(*args, **kwargs)
    assert str(info.value) == message


def test_both_constructors_and_their_base_urls() -> None:
    forms = [
        (ArdentClient(PUBLIC, SECRET), DEFAULT_BASE_URL, False),
        (ArdentClient(PUBLIC, SECRET, "https://onprem.example/"), "https://onprem.example", False),
        (ArdentClient(API_KEY), DEFAULT_BASE_URL, True),
        (ArdentClient(API_KEY, "http://localhost:8080"), "http://localhost:8080", True),
        (ArdentClient(api_key=API_KEY, base_url=None), DEFAULT_BASE_URL, True),
    ]
    for client, base_url, bearer in forms:
        with client:
            assert client.base_url == base_url
            shown = repr(client)
            assert SECRET not in shown
            assert API_KEY not in shown
            assert ("sk-ard_***" in shown) is bearer


def test_setup_connector_needs_a_project_on_the_published_api(
    bearer_client: ArdentClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ARDENT_PROJECT_ID", raising=False)
    with pytest.raises(ArdentValidationError, match="project_id"):
        bearer_client.setup_connector("postgresql", {"url": "postgresql://h/db"})


# The published signatures, read from the wheels' ardent/client.py (0.3.5 and 0.8.0).
PUBLISHED: dict[str, list[tuple[str, Any]]] = {
    "create_job": [("message", inspect.Parameter.empty), ("header_overrides", None)],
    "execute_job": [
        ("jobID", inspect.Parameter.empty),
        ("message", inspect.Parameter.empty),
        ("files_share_name", inspect.Parameter.empty),
        ("userID", inspect.Parameter.empty),
        ("safe_mode", False),
        ("header_overrides", None),
    ],
    "create_and_execute_job": [
        ("message", inspect.Parameter.empty),
        ("safe_mode", False),
        ("header_overrides", None),
    ],
    "delete_job": [("job_id", inspect.Parameter.empty), ("header_overrides", None)],
    "get_job_files": [("jobID", inspect.Parameter.empty), ("header_overrides", None)],
    "set_config": [("config_type", inspect.Parameter.empty), ("id", None), ("config_params", "**")],
    "delete_config": [("config_id", inspect.Parameter.empty)],
    "setup_connector": [
        ("service_name", inspect.Parameter.empty),
        ("connection_details", inspect.Parameter.empty),
        ("name", None),
        ("selected_paths", None),
        ("header_overrides", None),
    ],
    "delete_connector": [("connector_id", inspect.Parameter.empty), ("header_overrides", None)],
    "recursive_structure_validation": [
        ("value", inspect.Parameter.empty),
        ("structure_def", inspect.Parameter.empty),
        ("path", ""),
    ],
    "close": [],
}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_every_published_method_keeps_its_positional_and_keyword_signature(name: str) -> None:
    parameters = list(inspect.signature(getattr(ArdentClient, name)).parameters.values())[1:]
    positional = [
        (p.name, "**" if p.kind is p.VAR_KEYWORD else p.default)
        for p in parameters
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.VAR_KEYWORD)
    ]
    assert positional == PUBLISHED[name]


def test_recursive_structure_validation_as_published(hmac_client: ArdentClient) -> None:
    structure = {"type": list, "structure": {"required": ["name"], "properties": {"name": str}}}
    hmac_client.recursive_structure_validation([{"name": "a"}], structure, "databases")
    with pytest.raises(ArdentValidationError, match=r"^Missing required field 'name' at db\[0\]$"):
        hmac_client.recursive_structure_validation([{}], structure, "db")


def test_the_scenario_runner_reports_a_disagreement(capsys: pytest.CaptureFixture[str]) -> None:
    """The comparison in ``nox -s compat`` can fail: a differing outcome is not an agreement."""
    published = [{"step": "a", "passed": True, "outcome": {"returned": 1}}]
    compat = [{"step": "a", "passed": True, "outcome": {"returned": 2}}]
    assert run.compare("x", published, compat) == 0
    assert "DIFFERS a" in capsys.readouterr().err
    assert run.compare("x", published, published) == 1


def test_scenarios_run_under_warnings_as_errors(tmp_path: Path) -> None:
    script = tmp_path / "s.py"
    script.write_text("import warnings\nwarnings.warn('x', ResourceWarning)\n")
    with pytest.raises(SystemExit, match="crashed"):
        run.run_scenario(sys.executable, script, {})
