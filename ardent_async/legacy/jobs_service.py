"""``client.jobs``: jobs of the legacy API (HMAC-signed with the key pair, or a bearer key)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from typing_extensions import Unpack

from ardent_async._core import _validate
from ardent_async._core._converter import converter
from ardent_async._core._options import RequestOptions
from ardent_async._core._paths import check_id, segment
from ardent_async._core._pipeline import Pipeline
from ardent_async._spec import endpoints
from ardent_async.errors import validation_error
from ardent_async.legacy import _send
from ardent_async.models import LegacyCreateJobRequest, LegacyDeleteJobRequest, LegacyJob

# What the published client returns for a delete answered with 204 No Content.
JOB_DELETED = {"status": "success", "message": "Job deleted successfully"}


class JobsService:
    """Create, execute and delete jobs for Ardent to run, and read their files."""

    def __init__(self, http: Pipeline) -> None:
        self._http = http

    async def create(self, message: str, **options: Unpack[RequestOptions]) -> LegacyJob:
        """Create a job that will do what ``message`` asks (run it with :meth:`execute`)."""
        body = LegacyCreateJobRequest(userMessage=_validate.text("message", message))
        reply = await _send.send(self._http, endpoints.CREATE_JOB, body, options=options)
        job: LegacyJob = converter.structure(reply, LegacyJob)
        return job

    async def execute(
        self,
        job: LegacyJob | Mapping[str, Any],
        message: str,
        *,
        safe_mode: bool = False,
        **options: Unpack[RequestOptions],
    ) -> dict[str, Any]:
        """Run a created job (``job``: as :meth:`create` returned it, or its dict form)."""
        fields = _job_fields(job)
        body = {
            "jobID": check_id("job.id", fields.get("id")),
            "userMessage": _validate.text("message", message),
            # Sent even when null: the server expects both keys from the created job.
            "files_share_name": _optional_str(
                "job.files_share_name", fields.get("files_share_name")
            ),
            "userID": _optional_str("job.userID", fields.get("userID")),
            "safeMode": _validate.flag("safe_mode", safe_mode),
        }
        return await _send.send(self._http, endpoints.EXECUTE_JOB, body, options=options)

    async def create_and_execute(
        self, message: str, *, safe_mode: bool = False, **options: Unpack[RequestOptions]
    ) -> dict[str, Any]:
        """Create a job and run it: the run's reply with the job's fields over it (as the
        published client merges them, ``{**run, **job}``: on a clash the job's value wins)."""
        _validate.flag("safe_mode", safe_mode)
        job = await self.create(message, **options)
        # As the published client sends it: the job's share, but no userID (the server knows
        # the caller).
        body = {
            "jobID": job.id,
            "userMessage": message,
            "files_share_name": job.files_share_name,
            "safeMode": safe_mode,
        }
        result = await _send.send(self._http, endpoints.EXECUTE_JOB, body, options=options)
        return {**result, **converter.body(job)}

    async def delete(self, job_id: str, **options: Unpack[RequestOptions]) -> dict[str, Any]:
        """Delete a job: the server's reply, or ``JOB_DELETED`` for a 204 without a body."""
        body = LegacyDeleteJobRequest(jobID=check_id("job_id", job_id))
        return await _send.send(
            self._http, endpoints.DELETE_JOB, body, no_content=JOB_DELETED, options=options
        )

    async def files(self, job_id: str, **options: Unpack[RequestOptions]) -> dict[str, Any]:
        """The job's file system, as the server describes it."""
        path = endpoints.GET_JOB_FILES.path_for(jobID=segment("job_id", job_id))
        return await _send.send(
            self._http, endpoints.GET_JOB_FILES, None, path=path, options=options
        )


def _job_fields(job: object) -> Mapping[str, Any]:
    if isinstance(job, LegacyJob):
        return converter.body(job)
    if isinstance(job, Mapping):
        return job
    raise validation_error("job", "a LegacyJob or the job's dict", job)


def _optional_str(name: str, value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise validation_error(name, "a string or None", value)
    return value
