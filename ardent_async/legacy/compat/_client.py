"""``ArdentClient``: the published ardent-sdk client (0.3.5 and 0.8.0), call for call."""

from __future__ import annotations

import os
import uuid
import weakref
from collections.abc import Callable, Coroutine, Mapping
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import quote

from ardent_async import errors
from ardent_async._blocking import LoopThread
from ardent_async._client import DEFAULT_LEGACY_BASE_URL as DEFAULT_BASE_URL
from ardent_async._core._auth import Auth, LegacyAuth
from ardent_async._core._clock import SystemClock
from ardent_async._core._converter import converter
from ardent_async._core._pipeline import Pipeline, parse_json
from ardent_async._core._retry import RetryPolicy
from ardent_async._core._transport import AiohttpTransport, Response, Transport
from ardent_async._waiting._poller import OperationPoller
from ardent_async.legacy.compat._errors import (
    ArdentAPIError,
    ArdentAuthError,
    ArdentError,
    ArdentValidationError,
    ErrorResponse,
    status_error,
)
from ardent_async.legacy.configs import check_published
from ardent_async.services import ConnectorsService

T = TypeVar("T")

# The published client's timeout: long enough for a job run.
PUBLISHED_SDK_TIMEOUT = 3000.0
JOB_DELETED = {"status": "success", "message": "Job deleted successfully"}
CONNECTOR_DELETED = {"status": "success", "message": "Connector deleted successfully"}

# Per status, what the published method raises instead of the generic "API request failed".
Overrides = Mapping[int, Callable[[], ArdentError]]


class ArdentClient:
    """The published ``ardent-sdk`` client: change the import, keep the code.

    ``ArdentClient(public_key, secret_key, base_url=...)`` signs requests with the HMAC key pair
    (0.3.5); ``ArdentClient(api_key, base_url=...)`` sends the ``sk-ard_`` key as a bearer token
    (0.8.0). Every public method of both releases, with their positional and keyword
    parameters, results and exceptions. Leave ``base_url`` unset except for an on-prem
    deployment.
    """

    def __init__(
        self,
        public_key: str | None = None,
        secret_key: str | None = None,
        base_url: str | None = DEFAULT_BASE_URL,
        *,
        api_key: str | None = None,
        transport: Transport | None = None,
    ) -> None:
        public_key, secret_key, base_url, api_key = _credentials(
            public_key, secret_key, base_url, api_key
        )
        self.public_key = public_key
        # None (which the published client would choke on) means the default, too.
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self._bearer = api_key is not None and public_key is None
        self._auth = LegacyAuth(public_key, secret_key, SystemClock(), token=api_key)
        self.session_id = self._auth.session_id
        self._transport = transport or AiohttpTransport()
        self._runner = LoopThread()
        self._http = self._new_pipeline(self._auth)
        self._finalizer = weakref.finalize(self, _shut_down, self._transport, self._runner)

    # -- jobs -------------------------------------------------------------------------------

    def create_job(
        self, message: str, header_overrides: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Create a new job with the given message (the reply as a dict, ``id`` filled in)."""
        response = self._send(
            "POST", "/v1/jobs/createJob", {"userMessage": message}, header_overrides
        )
        data = self._json(response)
        if response.status_code == 201:
            if not data:
                raise ArdentAPIError("API returned empty response")
            if isinstance(data, dict):
                # The published client fills these two in when the server leaves them out.
                data.setdefault("id", str(uuid.uuid4()))
                data.setdefault("files_share_name", "")
        return data  # type: ignore[no-any-return]

    def execute_job(
        self,
        jobID: str,  # the published parameter names, camelCase included
        message: str,
        files_share_name: str,
        userID: str,
        safe_mode: bool = False,
        header_overrides: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """Execute a job with the given parameters."""
        body = {
            "jobID": jobID,
            "userMessage": message,
            "files_share_name": files_share_name,
            "userID": userID,
            "safeMode": safe_mode,
        }
        response = self._send("POST", "/v1/jobs/APIChat", body, header_overrides, _EXECUTE_ERRORS)
        return self._json(response)  # type: ignore[no-any-return]

    def create_and_execute_job(
        self,
        message: str,
        safe_mode: bool = False,
        header_overrides: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """Create and execute a job in one operation: ``{**run_reply, **job}``."""
        created = self._send(
            "POST",
            "/v1/jobs/createJob",
            {"userMessage": message},
            header_overrides,
            _EXECUTE_ERRORS,
        )
        job = self._json(created)
        if not job:
            raise ArdentAPIError("Job creation failed - empty response")
        if not isinstance(job, dict) or "id" not in job:
            raise ArdentAPIError("Job creation failed - the reply has no job id")
        body = {
            "jobID": job["id"],
            "userMessage": message,
            "files_share_name": job.get("files_share_name"),
            "safeMode": safe_mode,
        }
        run = self._send("POST", "/v1/jobs/APIChat", body, header_overrides, _EXECUTE_ERRORS)
        result = self._json(run)
        return {**result, **job}

    def delete_job(
        self, job_id: str, header_overrides: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Delete a job by its ID (a 204 reply: ``{"status": "success", ...}``)."""
        errors_by_status: Overrides = {
            403: lambda: ArdentAuthError(
                "Missing required scope: job:delete or cannot delete jobs for different user"
            ),
            404: lambda: ArdentAPIError("Job not found"),
        }
        response = self._send(
            "DELETE", "/v1/jobs/deleteJob", {"jobID": job_id}, header_overrides, errors_by_status
        )
        return _reply_or(response, JOB_DELETED)

    def get_job_files(
        self,
        jobID: str,
        header_overrides: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """Get the file system associated with a specific job."""
        path = f"/v1/jobs/{quote(str(jobID), safe='')}/files"
        response = self._send("GET", path, None, header_overrides, _JOB_NOT_FOUND)
        return self._json(response)  # type: ignore[no-any-return]

    # -- configs (0.3.5) --------------------------------------------------------------------

    def set_config(
        self, config_type: str, id: str | None = None, **config_params: Any
    ) -> dict[str, Any]:
        """Set configuration for various data sources; checked as the published client checks
        it (type, required parameters, their types; others passed through)."""
        if id is None:
            id = str(uuid.uuid4())
        try:
            check_published(config_type, config_params)
        except errors.ArdentValidationError as exc:
            raise ArdentValidationError(exc.message) from None
        body = {"Config": {"type": config_type, "id": id, **config_params}}
        # A write under a fixed id replaces the same configuration: safe to retry.
        response = self._send("POST", "/v1/configs/setConfig", body, None, retry_safe=True)
        return self._json(response)  # type: ignore[no-any-return]

    def delete_config(self, config_id: str) -> dict[str, Any]:
        """Delete a configuration by its ID."""
        errors_by_status: Overrides = {
            403: lambda: ArdentAuthError("Missing required scope: config:write"),
            404: lambda: ArdentAPIError("Configuration not found"),
        }
        response = self._send(
            "DELETE", "/v1/configs/deleteConfig", {"id": config_id}, None, errors_by_status
        )
        return self._json(response)  # type: ignore[no-any-return]

    # -- connectors (0.4+) ------------------------------------------------------------------

    def setup_connector(
        self,
        service_name: str,
        connection_details: dict[str, Any],
        name: str | None = None,
        selected_paths: list[str] | None = None,
        header_overrides: dict[str, str] | None = None,
        *,
        project_id: str | None = None,
    ) -> dict[str, Any]:
        """Set up a data connector on the published API: create it in ``project_id`` (default
        ``ARDENT_PROJECT_ID``), discover, select ``selected_paths`` (if given), start the engine
        setup. Returns the created connector.

        Differs from 0.8.0, whose flow (create without a project, then ``/index``) the published
        API does not have: the project is needed, discovery is waited for before selecting, and
        ``engine-setup`` replaces ``index``.
        """
        project = project_id or os.environ.get("ARDENT_PROJECT_ID")
        if not project:
            raise ArdentValidationError(
                "setup_connector: the published API creates a connector in a project: pass "
                "project_id=... or set ARDENT_PROJECT_ID"
            )
        http = self._pipeline(header_overrides)
        connectors = ConnectorsService(http)
        poller = OperationPoller(http)

        async def flow() -> dict[str, Any]:
            row = await connectors.create(
                project,
                name or f"{service_name} connector",
                connection_details,
                service_name=service_name,
            )
            accepted = await connectors.discover(row.id)
            await poller.wait(accepted.operation_id)
            if selected_paths:
                await connectors.set_selection(row.id, selected_paths)
            await connectors.engine_setup(row.id)
            created: dict[str, Any] = converter.body(row)
            return created

        return self._run(flow())

    def delete_connector(
        self, connector_id: str, header_overrides: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Delete a connector by its ID (the reply: the deletion's operation)."""
        errors_by_status: Overrides = {
            403: lambda: ArdentAuthError("Missing required scope: connectors.delete"),
            404: lambda: ArdentAPIError("Connector not found"),
        }
        path = f"/v1/connectors/{quote(str(connector_id), safe='')}"
        response = self._send("DELETE", path, None, header_overrides, errors_by_status)
        return _reply_or(response, CONNECTOR_DELETED)

    # -- the published client's validation helper and lifetime -------------------------------

    def recursive_structure_validation(
        self, value: Any, structure_def: Any, path: str = ""
    ) -> None:
        """The published client's structure check: ``structure_def`` a type, or ``{"type":
        list, "structure": {"required": [...], "properties": {...}}}``."""
        if isinstance(structure_def, type):
            if not isinstance(value, structure_def):
                raise ArdentValidationError(
                    f"Invalid type at {path}. Expected {structure_def.__name__}, "
                    f"got {type(value).__name__}"
                )
            return
        expected = structure_def["type"]
        if not isinstance(value, expected):
            raise ArdentValidationError(
                f"Invalid type at {path}. Expected {expected.__name__}, got {type(value).__name__}"
            )
        if "structure" in structure_def:
            structure = structure_def["structure"]
            for index, item in enumerate(value):
                at = f"{path}[{index}]"
                for field in structure["required"]:
                    if field not in item:
                        raise ArdentValidationError(f"Missing required field '{field}' at {at}")
                for name, part in structure["properties"].items():
                    if name in item:
                        self.recursive_structure_validation(item[name], part, f"{at}.{name}")

    def close(self) -> None:
        """Close the underlying HTTP client and clean up resources."""
        self._finalizer()

    def __enter__(self) -> ArdentClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        scheme = "api_key=sk-ard_***" if self._bearer else f"public_key={self.public_key!r}"
        return f"<ardent_async.compat.ArdentClient {scheme} base_url={self.base_url!r}>"

    # -- sending ----------------------------------------------------------------------------

    def _pipeline(self, header_overrides: Mapping[str, str] | None) -> Pipeline:
        """The legacy pipeline; a call's ``header_overrides`` get a pipeline of their own (the
        transport and its connections stay shared)."""
        if not header_overrides:
            return self._http
        return self._new_pipeline(_OverridingAuth(self._auth, dict(header_overrides)))

    def _new_pipeline(self, auth: Auth) -> Pipeline:
        return Pipeline(
            base_url=self.base_url,
            auth=auth,
            transport=self._transport,
            retry=RetryPolicy(),
            timeout=PUBLISHED_SDK_TIMEOUT,
            clock=SystemClock(),
            ascii_json=True,
        )

    def _send(
        self,
        method: str,
        path: str,
        body: Any,
        header_overrides: Mapping[str, str] | None,
        by_status: Overrides | None = None,
        *,
        retry_safe: bool | None = None,
    ) -> Response:
        http = self._pipeline(header_overrides)
        return self._run(
            http.request(method, path, json_body=body, retry_safe=retry_safe), by_status
        )

    def _run(self, coroutine: Coroutine[Any, Any, T], by_status: Overrides | None = None) -> T:
        """Run on the client's loop; the SDK's errors become the published client's."""
        try:
            return self._runner.run(coroutine)
        except ArdentError:
            raise
        except errors.ArdentAPIError as exc:
            if exc.status_code is None:  # refused before sending (setup_connector's checks)
                raise ArdentValidationError(exc.message) from None
            raise self._published_error(exc, by_status or {}) from None
        except errors.ArdentValidationError as exc:  # refused before sending
            raise ArdentValidationError(exc.message) from None

    def _published_error(self, exc: errors.ArdentAPIError, by_status: Overrides) -> ArdentError:
        status = exc.status_code or 0
        if status == 401:
            return ArdentAuthError(
                "Invalid API key" if self._bearer else "Invalid API key or signature"
            )
        if status in by_status:
            return by_status[status]()
        url = self.base_url + (exc.path or "")
        reply = ErrorResponse(status_code=status, headers=exc.headers, url=url, body=exc.body)
        return ArdentAPIError(status_error(status, url), status_code=status, response=reply)

    def _json(self, response: Response) -> Any:
        try:
            return parse_json(response)
        except errors.ArdentResponseError as exc:
            raise ArdentAPIError(f"Invalid JSON response from API: {exc.message}") from None


_EXECUTE_ERRORS: Overrides = {
    402: lambda: ArdentAPIError("Out of credits"),
    403: lambda: ArdentAuthError("Missing required scope: job:execute"),
}
_JOB_NOT_FOUND: Overrides = {404: lambda: ArdentAPIError("Job not found")}


class _OverridingAuth:
    """The client's auth headers with the call's ``header_overrides`` over them (as 0.8.0)."""

    def __init__(self, auth: LegacyAuth, overrides: dict[str, str]) -> None:
        self._auth = auth
        self._overrides = overrides

    def headers(self, method: str, path: str, body: bytes) -> Mapping[str, str]:
        return {**self._auth.headers(method, path, body), **self._overrides}

    def secrets(self) -> tuple[str, ...]:
        return self._auth.secrets()


def _reply_or(response: Response, no_content: Mapping[str, str]) -> dict[str, Any]:
    """A delete's reply: its JSON, or the published success dict for a 204 or a non-JSON body."""
    if response.status_code == 204:
        return dict(no_content)
    try:
        data: dict[str, Any] = parse_json(response)
    except errors.ArdentResponseError:
        return dict(no_content)
    return data


def _is_api_key(value: object) -> bool:
    return isinstance(value, str) and value.startswith("sk-ard_")


def _credentials(
    public_key: str | None, secret_key: str | None, base_url: str | None, api_key: str | None
) -> tuple[str | None, str | None, str | None, str | None]:
    """(public_key, secret_key, base_url, api_key) as both published releases read their
    positional arguments, checked with their messages."""
    if api_key is None and secret_key is None and public_key is not None:
        api_key, public_key = public_key, None  # ArdentClient(api_key)
    elif api_key is None and _is_url(secret_key) and _is_api_key(public_key):
        # ArdentClient(api_key, base_url): 0.8.0's second positional parameter.
        api_key, base_url, public_key, secret_key = public_key, str(secret_key), None, None
    if api_key is not None and public_key is None and secret_key is None:
        if not api_key:
            raise ArdentValidationError("API key is required")
        if not _is_api_key(api_key):
            raise ArdentValidationError("Invalid API key format (must start with sk-ard_)")
    elif not public_key or not secret_key:
        raise ArdentValidationError("Both public and secret keys are required")
    return public_key, secret_key, base_url, api_key


def _is_url(value: object) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def _shut_down(transport: Transport, runner: LoopThread) -> None:
    try:
        if runner.started and not runner.in_loop_thread():
            runner.run(transport.aclose())
    finally:
        runner.stop()
