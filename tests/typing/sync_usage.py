"""Checked by ``mypy --strict`` (tests/typing/test_typing.py): the blocking client is typed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ardent_async import with_response
from ardent_async.sync import SyncArdentClient
from ardent_async.sync import with_response as with_response_sync

if TYPE_CHECKING:
    from typing_extensions import reveal_type


def use(client: SyncArdentClient) -> None:
    reveal_type(client.projects.list("org_1"))
    reveal_type(client.branches.create("conn_1", "ci-1", idempotency_key="k", timeout=5))
    reveal_type(client.branches.create_and_wait("conn_1", "ci-1", timeout=300))
    reveal_type(client.branches.create_or_reuse("conn_1", "ci-1", until="connectable"))
    reveal_type(client.operations.watch("op_1"))
    reveal_type(client.connectors.engine_setup("conn_1", max_retries=0))
    reveal_type(client.with_options(timeout=10))
    reveal_type(with_response_sync(client.orgs.get, "org_1"))
    reveal_type(client.branches.create_iter("conn_1", ["a", "b"]))
    reveal_type(client.operations.wait_many(["op_1", "op_2"], timeout=60))


async def use_async(client: SyncArdentClient) -> None:
    from ardent_async import ArdentClient as AsyncClient

    async with AsyncClient() as a:
        reveal_type(await with_response(a.projects.get, "prj_1"))
