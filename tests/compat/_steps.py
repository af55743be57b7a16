"""The scenarios' harness (standard library only: it runs next to each published release).

Each step is one call of the client, with what the release documents for it: a result to
check, or the exception to raise (its class, message and ``status_code``). The outcome is
recorded in a canonical form (volatile ids and times masked) so that two runs of the same
scenario - the published client and ``ardent_async.compat`` - can be compared step by step.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable
from typing import Any

_VOLATILE = [
    (re.compile(r"\bjob_[0-9a-f]+"), "<job>"),
    (re.compile(r"\bconn_[0-9a-f]+"), "<connector>"),
    (re.compile(r"\bproj_[0-9a-f]+"), "<project>"),
    (re.compile(r"\bop_[0-9a-f]+"), "<operation>"),
    (re.compile(r"\bshare-[0-9a-f]+"), "<share>"),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<uuid>"),
    (re.compile(r"\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:\d\d)?"), "<time>"),
    (re.compile(r"\bapp_[0-9a-f]{8}\b"), "<db>"),
]
NOT_RAISED = object()


def canon(value: Any) -> Any:
    if isinstance(value, str):
        for pattern, mask in _VOLATILE:
            value = pattern.sub(mask, value)
        return value
    if isinstance(value, dict):
        return {canon(k): canon(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [canon(v) for v in value]
    return value


class Steps:
    """``call(name, fn, check)``: run ``fn()``, record its outcome and whether ``check`` passed."""

    def __init__(self, *classes: type[BaseException]) -> None:
        self.classes = classes
        self.records: list[dict[str, Any]] = []

    def call(self, name: str, fn: Callable[[], Any], check: Callable[[Any], bool]) -> Any:
        try:
            value = fn()
        except Exception as exc:  # the outcome under test
            outcome: dict[str, Any] = {
                "raised": type(exc).__name__,
                # What the seed's documented ``except`` clauses catch.
                "caught_by": [c.__name__ for c in self.classes if isinstance(exc, c)],
                "message": canon(str(exc)),
                "status_code": getattr(exc, "status_code", "absent"),
            }
            passed, result = _passes(check, exc), None
        else:
            outcome = {"returned": canon(value)}
            passed, result = _passes(check, value), value
        self.records.append({"step": name, "passed": passed, "outcome": outcome})
        return result

    def finish(self) -> None:
        """Write the records where the runner asked (``ARDENT_COMPAT_OUT``), report, exit."""
        out = os.environ.get("ARDENT_COMPAT_OUT")
        if out:
            with open(out, "w", encoding="utf-8") as handle:
                json.dump(self.records, handle, indent=1, ensure_ascii=False)
        failed = [r for r in self.records if not r["passed"]]
        for record in failed:
            print(f"FAIL {record['step']}: {record['outcome']}", file=sys.stderr)
        print(f"{len(self.records) - len(failed)} of {len(self.records)} steps pass")


def _passes(check: Callable[[Any], bool], value: Any) -> bool:
    try:
        return bool(check(value))
    except Exception:
        return False


def returns(test: Callable[[Any], bool] = lambda value: True) -> Callable[[Any], bool]:
    """A result (not an exception) for which ``test`` holds."""
    return lambda value: not isinstance(value, BaseException) and test(value)


def raises(
    cls: type[BaseException],
    message: str | None = None,
    *,
    status_code: Any = NOT_RAISED,
    not_caught_by: tuple[type[BaseException], ...] = (),
) -> Callable[[Any], bool]:
    """An exception of ``cls`` (with that exact message and ``status_code``, when given) that
    the ``not_caught_by`` classes do not catch."""

    def check(value: Any) -> bool:
        return (
            isinstance(value, cls)
            and (message is None or str(value) == message)
            and (status_code is NOT_RAISED or getattr(value, "status_code", None) == status_code)
            and not any(isinstance(value, other) for other in not_caught_by)
        )

    return check
