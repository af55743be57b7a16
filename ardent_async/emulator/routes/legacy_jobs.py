"""Legacy ``/v1/jobs/*`` (HMAC-signed, or a bearer API key): create, execute, delete agent jobs
and read their files."""

from __future__ import annotations

import secrets

from aiohttp import web

from ardent_async.models import (
    LegacyCreateJobRequest,
    LegacyDeleteJobRequest,
    LegacyExecuteJobRequest,
    LegacyJob,
    LegacyResult,
)

from ..bodies import parse_model, read_json
from ..context import caller
from ..http_errors import ApiError, not_found
from ..responses import no_content, reply
from ..runtime import Runtime, runtime
from ..state import LegacyJob as JobRecord
from ..state import new_id, utcnow
from ._base import OperationHandler


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
        user_id=who.user_id or f"user-{who.org_id}",
        created_at=utcnow(),
    )
    job.files["request.md"] = body.userMessage
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
    response = f"Emulated run of {body.userMessage!r} in {mode}."
    job.files[f"runs/{len(job.files):03d}.md"] = response
    # The reply names the job's share and user itself: create-and-execute sends no userID.
    result = LegacyResult(
        extra={
            "jobID": job.id,
            "status": "completed",
            "safeMode": body.safeMode,
            "response": response,
            "files_share_name": job.files_share_name,
            "userID": job.user_id,
        }
    )
    return reply(result)


async def delete_job(request: web.Request) -> web.Response:
    rt = runtime(request)
    body = parse_model(await read_json(request), LegacyDeleteJobRequest)
    job = _job(rt, body.jobID)
    del rt.store.legacy_jobs[job.id]
    # 204, as the published client expects of a delete (it answers its own success dict).
    return no_content()


async def get_job_files(request: web.Request) -> web.Response:
    job = _job(runtime(request), request.match_info["jobID"])
    files = [
        {"name": path.rsplit("/", 1)[-1], "path": f"/{path}", "type": "file", "size": len(text)}
        for path, text in sorted(job.files.items())
    ]
    return reply(
        LegacyResult(
            extra={"jobID": job.id, "files_share_name": job.files_share_name, "files": files}
        )
    )


HANDLERS = [
    OperationHandler("create_job", create_job, "job:create"),
    OperationHandler("execute_job", execute_job, "job:execute"),
    OperationHandler("delete_job", delete_job, "job:delete"),
    OperationHandler("get_job_files", get_job_files, "job:read"),
]
