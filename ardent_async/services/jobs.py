"""``client.jobs``'s service; it lives in ``ardent_async.legacy.jobs_service`` with the rest
of the legacy API, and this import path keeps working."""

from __future__ import annotations

from ardent_async.legacy.jobs_service import JOB_DELETED, JobsService

__all__ = ["JOB_DELETED", "JobsService"]
