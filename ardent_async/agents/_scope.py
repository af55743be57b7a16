"""Scope pinning: ids outside the pinned project or connector are refused, not defaulted."""

from __future__ import annotations

from typing import Any

from ardent_async.agents._context import ToolContext
from ardent_async.errors import ArdentValidationError

__all__ = ["connector_in_scope", "project_in_scope", "refuse_outside_project"]


def _refusal(field: str, pinned: str, given: object) -> ArdentValidationError:
    return ArdentValidationError(
        f"{field}: refused: these tools are pinned to {field.removesuffix('_id')} {pinned}, "
        f"not {given}",
        field=field,
    )


def project_in_scope(ctx: ToolContext, given: Any) -> str:
    """The project to act on: ``given`` if allowed, the pinned one when none is given."""
    pinned = ctx.settings.project_id
    if given is None:
        if pinned is None:
            raise ArdentValidationError("project_id: required argument missing", field="project_id")
        return pinned
    if pinned is not None and given != pinned:
        raise _refusal("project_id", pinned, given)
    return str(given)


async def connector_in_scope(ctx: ToolContext, given: Any) -> str:
    """The connector to act on: ``given`` if allowed, the pinned one when none is given.

    With a pinned project, a connector of another project is refused too (its row says which
    project it belongs to).
    """
    pinned = ctx.settings.connector_id
    if given is None:
        if pinned is None:
            raise ArdentValidationError(
                "connector_id: required argument missing", field="connector_id"
            )
        return pinned
    if pinned is not None and given != pinned:
        raise _refusal("connector_id", pinned, given)
    connector = str(given)
    if pinned is None and ctx.settings.project_id is not None:
        row = await ctx.client.connectors.get(connector)
        refuse_outside_project(ctx, row.project_id, f"connector {connector}")
    return connector


def refuse_outside_project(ctx: ToolContext, project_id: object, what: str) -> None:
    pinned = ctx.settings.project_id
    if pinned is not None and project_id != pinned:
        raise ArdentValidationError(
            f"connector_id: refused: {what} is not in project {pinned}, the project these "
            "tools are pinned to",
            field="connector_id",
        )
