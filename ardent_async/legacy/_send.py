"""Sending to the legacy jobs/configs API, whose replies are JSON objects that vary by call."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ardent_async._core._options import RequestOptions
from ardent_async._core._pipeline import Pipeline, parse_json
from ardent_async._spec.endpoints import Endpoint
from ardent_async.errors import ArdentAPIError, ArdentResponseError


async def send(
    http: Pipeline,
    endpoint: Endpoint[Any],
    body: Any,
    *,
    path: str | None = None,
    options: RequestOptions | None = None,
    no_content: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Send ``body`` (None: no body) to ``endpoint`` (at ``path``: default, its template) and
    return the reply object. The method and retry safety are the row's.

    ``no_content``: what a 204 (or an empty 2xx body) stands for, as the published client
    answers it (a delete's ``{"status": "success", ...}``); without it an empty reply is an
    error. The legacy contract (kept from the seed SDK) makes a reply that is not a JSON object
    an :class:`~ardent_async.errors.ArdentAPIError`, so callers catch one error class for it.
    """
    method = endpoint.method
    path = endpoint.path if path is None else path
    response = await http.request_endpoint(endpoint, path, json_body=body, options=options)
    if no_content is not None and (response.status_code == 204 or not response.content.strip()):
        return dict(no_content)
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
