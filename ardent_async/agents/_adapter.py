"""What every framework adapter shares: the tools from a client and options."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from ardent_async.agents._tools import ArdentTools

if TYPE_CHECKING:
    from ardent_async._client import ArdentClient

__all__ = ["agent_tools", "approved", "keyword_caller"]


def agent_tools(client: ArdentClient, options: dict[str, Any]) -> ArdentTools:
    """``ArdentTools(client, **options)``; an ``ArdentTools`` passed as ``client`` is used as is."""
    if isinstance(client, ArdentTools):
        if options:
            raise TypeError("options go to ArdentTools(...) when an ArdentTools is passed")
        return client
    return ArdentTools(client, **options)


async def approved(message: str) -> bool:
    """The framework asked the user already (its approval step): go on."""
    return True


def keyword_caller(
    tools: ArdentTools, name: str, *, raise_error: Callable[[str], Exception] | None = None
) -> Callable[..., Coroutine[Any, Any, str]]:
    """``await call(**arguments)``: the tool's JSON text; a failure is returned as its JSON
    error, or raised as ``raise_error(text)`` for frameworks that mark errors that way."""

    async def call(**arguments: Any) -> str:
        outcome = await tools.run(name, arguments)
        if outcome.is_error and raise_error is not None:
            raise raise_error(outcome.content)
        return outcome.content

    call.__name__ = name
    return call
