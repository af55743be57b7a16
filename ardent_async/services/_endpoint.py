"""Sending one row of the endpoint table (``ardent_async._spec.endpoints``).

The row says the method, the reply type and whether a repeat is harmless; the service says only
the path's segments (checked and quoted by ``_core._paths.segment``), the query, the body
and the caller's options. These return the pipeline's own coroutine (no extra frame on the hot
path: every call of the SDK goes through here).
"""

from __future__ import annotations

from typing import Any

from ardent_async._core._pipeline import Pipeline
from ardent_async._core._transport import Response
from ardent_async._spec.endpoints import Endpoint
from ardent_async.errors import ArdentResponseError

# Send ``endpoint`` at ``path`` (default: its template, for a path without parameters) and
# decode the reply into the row's reply type: the pipeline's own method (no frame of this
# module's between a service and the pipeline: every call of the SDK goes through here).
send = Pipeline.send_endpoint


# Send ``endpoint`` and return the 2xx response itself (for replies whose type depends on the
# status: decode with ``endpoint.replies[status]``).
request = Pipeline.request_endpoint


def decode_by_status(http: Pipeline, endpoint: Endpoint[Any], response: Response) -> Any:
    """The reply of ``response`` as the row's type for its status (``None``: no body)."""
    status = response.status_code
    if status not in endpoint.replies:
        expected = " or ".join(str(s) for s in sorted(endpoint.success_statuses))
        raise ArdentResponseError(
            f"unexpected status {status} from {endpoint.method} {endpoint.path} "
            f"(expected {expected})",
            status_code=status,
        )
    reply = endpoint.replies[status]
    return None if reply is None else http.decode(response, reply)


def held_timeout(http: Pipeline, hold: float | None) -> float | None:
    """The timeout of a request the server may hold for ``hold`` seconds (a long poll): the
    pipeline's own, lengthened by the hold (None: the pipeline's unchanged)."""
    if hold is None or http.timeout is None:
        return None
    return http.timeout + hold
