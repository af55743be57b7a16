"""Objects work through each other's interfaces: ``BranchStream`` reads no private attribute of
another object (it once reached into the poller, the waiter and the pipeline)."""

from __future__ import annotations

import ast
import inspect
import textwrap

from ardent_async.services.branches import BranchStream


def foreign_private_attributes(source: str) -> list[str]:
    """``x._name`` where ``x`` is not ``self`` (dunders aside), as source text."""
    tree = ast.parse(textwrap.dedent(source))
    return [
        ast.unparse(node)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        and not (isinstance(node.value, ast.Name) and node.value.id == "self")
    ]


def test_branch_stream_uses_interfaces_only() -> None:
    assert foreign_private_attributes(inspect.getsource(BranchStream)) == []


def test_a_planted_reach_into_the_waiter_is_found() -> None:
    planted = "async def f(self):\n    await self._poller.waiter._pending.clear()\n"
    assert foreign_private_attributes(planted) == ["self._poller.waiter._pending"]
