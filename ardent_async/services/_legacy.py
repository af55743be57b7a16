"""Sending to the legacy jobs/configs API, whose replies are JSON objects that vary by call."""

from __future__ import annotations

from typing import Any

from ardent_async._http import Pipeline, parse_json
from ardent_async._options import RequestOptions
from ardent_async.errors import ArdentAPIError, ArdentResponseError


async def send(
    http: Pipeline,
    method: str,
    path: str,
    body: Any,
    *,
    retry_safe: bool | None = None,
    options: RequestOptions | None = None,
) -> dict[str, Any]:
    """Send ``body`` and return the reply object.

    The legacy contract (kept from the seed SDK) makes a reply that is not a JSON object an
    :class:`~ardent_async.errors.ArdentAPIError`, so callers catch one error class for it.
    """
    response = await http.request(
        method, path, json_body=body, retry_safe=retry_safe, options=options
    )
    try:
        data = parse_json(response)
    except ArdentResponseError as exc:
        raise ArdentAPIError(
            f"{method} {path}: {exc.message}",
            status_code=response.status_code,
            headers=response.headers,
            method=method,
            path=path,
        ) from None
    if not isinstance(data, dict):
        raise ArdentAPIError(
            f"{method} {path}: expected a JSON object, got {type(data).__name__}",
            status_code=response.status_code,
            body=data,
            headers=response.headers,
            method=method,
            path=path,
        )
    return data
