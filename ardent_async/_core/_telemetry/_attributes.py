"""Attribute values shared by spans, metrics and hooks: ids and statuses only, never secrets."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from ardent_async.models import AsyncOperationResponse, BranchCreateResult, OperationHandle

__all__ = ["ARGUMENT_ATTRIBUTES", "error_name", "result_attributes", "retry_reason", "server_of"]

# Parameters of public calls recorded on their span (ids and names: nothing secret).
ARGUMENT_ATTRIBUTES = {
    "org_id": "ardent.org.id",
    "project_id": "ardent.project.id",
    "connector_id": "ardent.connector.id",
    "branch_id": "ardent.branch.id",
    "operation_id": "ardent.operation.id",
}


def error_name(error: BaseException) -> str:
    """``error.type``: the HTTP status of an API error, else the exception's class name."""
    status = getattr(error, "status_code", None)
    if isinstance(status, int):
        return str(status)
    return type(error).__qualname__


_REASONS = {"ArdentConnectionError": "connection", "ArdentTimeoutError": "timeout"}


def retry_reason(reason: str | BaseException) -> str:
    """Why a request is sent again: its HTTP status (``"503"``), ``connection`` or
    ``timeout`` (from the pipeline's reason, or the error itself)."""
    if isinstance(reason, BaseException):
        reason = error_name(reason)
    return _REASONS.get(reason, reason)


def result_attributes(result: object) -> dict[str, str | int]:
    """``ardent.*`` attributes of what a call returned (handles, operations, branches)."""
    # A branch with a word about it (``create_or_reuse``'s ReadyBranch): the branch's.
    result = getattr(result, "branch", result)
    if isinstance(result, BranchCreateResult):
        return {"ardent.branch.id": result.branch_id, "ardent.connector.id": result.connector_id}
    if isinstance(result, OperationHandle):
        return {
            "ardent.operation.id": result.operation_id,
            "ardent.operation.type": str(result.type),
        }
    if isinstance(result, AsyncOperationResponse):
        return {
            "ardent.operation.id": result.id,
            "ardent.operation.type": str(result.type),
            "ardent.operation.status": str(result.status),
        }
    if isinstance(result, list) and result and hasattr(result[0], "ok"):
        failed = sum(1 for outcome in result if not outcome.ok)
        return {"ardent.fanout.size": len(result), "ardent.fanout.failed": failed}
    return {}


@lru_cache(maxsize=64)
def _server(origin: str) -> tuple[str, int]:
    parts = urlsplit(origin)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.hostname or "", port


def server_of(url: str) -> tuple[str, int]:
    """``server.address`` and ``server.port`` of an absolute URL (cached per origin)."""
    scheme, _, rest = url.partition("://")
    return _server(f"{scheme}://{rest.split('/', 1)[0]}")
