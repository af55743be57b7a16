"""Each error status raises its own class: callers catch "bad token" (401, get a new one)
apart from "not allowed" (403, ask for a role), though both are ArdentAuthError."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ardent_async import (
    ArdentAPIError,
    ArdentClient,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    UnprocessableEntityError,
)
from tests.spine.scripted import AiohttpBackend, Reply, RespxBackend

Backend = AiohttpBackend | RespxBackend
MakeClient = Callable[..., ArdentClient]

CLASSES: dict[int, type[ArdentAPIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
    500: ServerError,
    503: ServerError,
}


@pytest.mark.parametrize("status", sorted(CLASSES))
async def test_each_error_status_raises_its_own_class(
    backend: Backend, make_client: MakeClient, status: int
) -> None:
    backend.script.add("GET", "/v1/projects/p1", Reply(status, json={"detail": "no"}))
    with pytest.raises(ArdentAPIError) as info:
        await make_client(max_retries=0).projects.get("p1")
    assert type(info.value) is CLASSES[status]
    assert info.value.status_code == status


def test_401_and_403_are_not_each_others_class() -> None:
    assert not issubclass(PermissionDeniedError, AuthenticationError)
    assert not issubclass(AuthenticationError, PermissionDeniedError)
