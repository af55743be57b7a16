"""Reading a :class:`~ardent_async.models.PreflightReport`: which checks failed, and why.

The report's ``checks`` is an open object keyed by check name; its entries have taken several
shapes (``{"status": "fail", "message": ..., "hint": ...}``, ``{"ok": false}``,
``{"passed": false}``, or a bare boolean or status string). :func:`check_results` reads all of
them into one :class:`CheckResult` shape, so callers never parse the raw dict.

::

    report = await client.connectors.preflight({"host": ...})
    if not report.preflight_pass:
        for check in failing_checks(report):
            print(f"{check.name}: {check.message} ({check.hint})")
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from ardent_async.models import PreflightReport

__all__ = ["CheckResult", "check_results", "failing_checks"]

PASS = "pass"
FAIL = "fail"
WARN = "warn"
UNKNOWN = "unknown"
#: A check the server did not run (``"checked": false``: an unreachable source leaves every
#: check after ``reachable`` unrun); not a failure of its own.
NOT_CHECKED = "not checked"

_STATUS_ALIASES = {
    "pass": PASS,
    "passed": PASS,
    "ok": PASS,
    "success": PASS,
    "fail": FAIL,
    "failed": FAIL,
    "failure": FAIL,
    "error": FAIL,
    "warn": WARN,
    "warning": WARN,
    "skipped": NOT_CHECKED,
    "not_checked": NOT_CHECKED,
}


@attrs.define(frozen=True)
class CheckResult:
    """One preflight check. ``status`` is ``pass``, ``fail``, ``warn``, ``not checked`` (the
    server did not run it) or ``unknown``."""

    name: str
    status: str
    message: str | None = None
    hint: str | None = None

    @property
    def failed(self) -> bool:
        """True when the check's status is ``fail``."""
        return self.status == FAIL


def check_results(report: PreflightReport) -> list[CheckResult]:
    """Every check of ``report``, in the server's order."""
    checks = report.checks or {}
    return [_read_check(str(name), entry) for name, entry in checks.items()]


def failing_checks(report: PreflightReport) -> list[CheckResult]:
    """The checks that failed (warnings and unreadable entries are not failures)."""
    return [check for check in check_results(report) if check.failed]


def _read_check(name: str, entry: Any) -> CheckResult:
    if isinstance(entry, bool):
        return CheckResult(name, PASS if entry else FAIL)
    if isinstance(entry, str):
        return CheckResult(name, _status(entry))
    if not isinstance(entry, Mapping):
        return CheckResult(name, UNKNOWN)
    if entry.get("checked") is False:
        status = NOT_CHECKED
    elif isinstance(entry.get("status"), str):
        status = _status(entry["status"])
    elif isinstance(entry.get("ok"), bool):
        status = PASS if entry["ok"] else FAIL
    elif isinstance(entry.get("passed"), bool):
        status = PASS if entry["passed"] else FAIL
    else:
        status = UNKNOWN
    return CheckResult(
        name,
        status,
        message=_first_text(entry, "message", "detail", "error", "reason"),
        hint=_first_text(entry, "hint", "remediation", "fix"),
    )


def _status(value: str) -> str:
    return _STATUS_ALIASES.get(value.strip().lower(), UNKNOWN)


def _first_text(entry: Mapping[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = entry.get(key)
        if isinstance(value, str) and value:
            return value
    return None
