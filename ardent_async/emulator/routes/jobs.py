"""Legacy ``/v1/jobs/*`` (HMAC-signed): create, execute and delete agent jobs."""

from __future__ import annotations

import secrets

from aiohttp import web

from ardent_async.models import (
    LegacyCreateJobRequest,
    LegacyExecuteJobRequest,
    LegacyIdRequest,
    LegacyJob,
    LegacyResult,
)

from ..bodies import parse_model, read_json
from ..context import caller
from ..http_errors import ApiError, not_found
from ..responses import reply
from ..runtime import Runtime, runtime
from ..state import LegacyJob as JobRecord
from ..state import new_id, utcnow
from ._base import LEGACY, Route


def _spend_credit(rt: Runtime) -> None:
    key = rt.store.legacy_keys.get(caller().legacy_key or "")
    if key is None or key.credits is None:
        return
    if key.credits <= 0:
        raise ApiError(402, "Out of credits")
    key.credits -= 1


def _job(rt: Runtime, job_id: str) -> JobRecord:
    job = rt.store.legacy_jobs.get(job_id)
    if job is None or job.org_id != caller().org_id:
        raise not_found("Job")
    return job


async def create_job(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    body = parse_model(await read_json(request), LegacyCreateJobRequest)
    _spend_credit(rt)
    job = JobRecord(
        id=new_id("job"),
        org_id=who.org_id,
        user_message=body.userMessage,
        files_share_name=f"share-{secrets.token_hex(6)}",
        user_id=f"user-{who.org_id}",
        created_at=utcnow(),
    )
    rt.store.legacy_jobs[job.id] = job
    created = LegacyJob(
        id=job.id,
        files_share_name=job.files_share_name,
        userID=job.user_id,
        extra={"userMessage": job.user_message, "createdAt": job.created_at.isoformat()},
    )
    return reply(created, 201)


async def execute_job(request: web.Request) -> web.Response:
    rt = runtime(request)
    body = parse_model(await read_json(request), LegacyExecuteJobRequest)
    job = _job(rt, body.jobID)
    _spend_credit(rt)
    mode = "safe mode (no side effects)" if body.safeMode else "normal mode"
    result = LegacyResult(
        extra={
            "jobID": job.id,
            "status": "completed",
            "safeMode": body.safeMode,
            "response": f"Emulated run of {body.userMessage!r} in {mode}.",
            "files_share_name": job.files_share_name,
            "userID": job.user_id,
        }
    )
    return reply(result)


async def delete_job(request: web.Request) -> web.Response:
    rt = runtime(request)
    body = parse_model(await read_json(request), LegacyIdRequest)
    job = _job(rt, body.id)
    del rt.store.legacy_jobs[job.id]
    return reply(LegacyResult(extra={"message": "Job deleted", "id": job.id}))


ROUTES = [
    Route("POST", "/v1/jobs/createJob", create_job, "job:create", auth=LEGACY),
    Route("POST", "/v1/jobs/APIChat", execute_job, "job:execute", auth=LEGACY),
    Route("DELETE", "/v1/jobs/deleteJob", delete_job, "job:delete", auth=LEGACY),
]
