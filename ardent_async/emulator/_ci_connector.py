"""A connector ready to branch, set up on an emulator for a test run (``--ardent-emulator``).

The same steps a user takes on the real Ardent (project, connector, discovery, selection,
replica-identity decisions, engine setup), on the public SDK only.
"""

from __future__ import annotations

from ardent_async import ArdentClient
from ardent_async.connector_state import replica_identity

SETUP_TIMEOUT = 120.0


async def ready_connector(client: ArdentClient, source_url: str, name: str) -> str:
    """Create project and connector ``name`` for ``source_url``, set it up; its id."""
    project = await client.projects.create(name)
    details = {"url": source_url}
    connector = await client.connectors.create(project.id, name, details)
    accepted = await client.connectors.discover(connector.id)
    await client.operations.wait(accepted.operation_id, timeout=SETUP_TIMEOUT)
    await client.connectors.set_selection(connector.id, ["*"])
    state = replica_identity(await client.connectors.get(connector.id))
    if state is not None and state.undecided:
        await client.connectors.set_replica_identity_decisions(
            connector.id, dict.fromkeys(state.undecided, "replica_identity_full")
        )
    setup = await client.connectors.engine_setup(connector.id)
    if setup.operation is not None:
        await client.operations.wait(setup.operation.operation_id, timeout=SETUP_TIMEOUT)
    return connector.id
