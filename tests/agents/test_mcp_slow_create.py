"""openai-agents' ``MCPServerStdio`` with its default timeout (5 s) against branch creates that
take 8 s: the agent ends with the same branch, through a retry and ``wait_operation``, and
never meets a 409 or a client-side timeout."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from ardent_async.emulator import Emulator
from tests.emulator.helpers import ready_connector
from tests.threaded_emulator import EmulatorThread

pytest.importorskip("mcp")
agents = pytest.importorskip("agents")
from tests.agents.mcp_helpers import ROOT, SERVER, server_env  # noqa: E402

pytestmark = pytest.mark.slow
OP_DURATION = 8.0
CONFLICT = re.compile(r"(?<![0-9a-f])409(?![0-9a-f])|conflict", re.IGNORECASE)


@pytest.fixture(scope="module")
def threaded() -> Iterator[EmulatorThread]:
    server = EmulatorThread(op_duration=0)
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def test_the_same_branch_under_the_default_timeout(threaded: EmulatorThread) -> None:
    from agents.items import ModelResponse
    from agents.mcp import MCPServerStdio
    from agents.models.interface import Model
    from agents.usage import Usage
    from openai.types.responses import (
        ResponseFunctionToolCall,
        ResponseOutputMessage,
        ResponseOutputText,
    )

    emulator = threaded.emulator
    assert isinstance(emulator, Emulator)
    client = emulator.client()
    try:
        _, connector = await ready_connector(client)
        # From here on, every operation (the branch create) takes 8 s.
        threaded.call(lambda: setattr(emulator.runtime.runner, "op_duration", OP_DURATION))
        results: list[str] = []
        arguments = {"connector_id": connector.id, "name": "slow-1"}
        plan: list[tuple[str, dict[str, Any]]] = [
            ("create_branch", arguments),
            ("create_branch", arguments),  # the natural retry of a create that did not finish
        ]

        class ScriptedModel(Model):
            async def get_response(
                self, system_instructions: Any, input: Any, *a: Any, **k: Any
            ) -> Any:
                last = input[-1] if isinstance(input, list) else None
                if isinstance(last, dict) and "output" in last:
                    output = last["output"]
                    results.append(output if isinstance(output, str) else json.dumps(output))
                call = self._next()
                if call is None:
                    text = ResponseOutputText(type="output_text", text="done", annotations=[])
                    done = ResponseOutputMessage(
                        id="m", type="message", role="assistant", status="completed", content=[text]
                    )
                    return ModelResponse(output=[done], usage=Usage(), response_id=None)
                tool_call = ResponseFunctionToolCall(
                    type="function_call",
                    call_id=f"call_{len(results)}",
                    name=call[0],
                    arguments=json.dumps(call[1]),
                )
                return ModelResponse(output=[tool_call], usage=Usage(), response_id=None)

            def _next(self) -> tuple[str, dict[str, Any]] | None:
                if len(results) < len(plan):
                    return plan[len(results)]
                data = json.loads(_text(results[-1]))
                if data.get("status") == "running":
                    return ("wait_operation", {"operation_id": data["operation_id"]})
                return None

            def stream_response(self, *a: Any, **k: Any) -> Any:
                raise NotImplementedError

        env = server_env(emulator.base_url, emulator.token, emulator.org_id)
        params = {"command": SERVER[0], "args": SERVER[1:], "env": env, "cwd": str(ROOT)}
        async with MCPServerStdio(params=params) as mcp_server:  # type: ignore[arg-type]
            assert mcp_server.client_session_timeout_seconds == 5  # the default
            agent = agents.Agent(name="dba", model=ScriptedModel(), mcp_servers=[mcp_server])
            result = await agents.Runner.run(
                agent,
                "Create branch slow-1.",
                max_turns=20,
                run_config=agents.RunConfig(tracing_disabled=True),
            )
        assert result.final_output == "done"
        outcomes = [json.loads(_text(text)) for text in results]
        assert not any("error" in outcome for outcome in outcomes), results
        # A 409 would show as a status, not inside a hex id or a timestamp (a branch id once
        # held "409" and failed this check).
        assert not CONFLICT.search("".join(results)), results
        first, retry = outcomes[0], outcomes[1]
        assert first["status"] == "running"
        assert retry["operation_id"] == first["operation_id"]  # resumed, not a second create
        assert outcomes[-1]["status"] == "completed"
        branch_id = outcomes[-1]["operation"]["result"]["branch_id"]
        (row,) = await client.branches.list(connector.id)
        assert (row.id, row.name) == (branch_id, "slow-1")
    finally:
        await client.close()


def _text(output: str) -> str:
    """The tool's JSON text from what openai-agents hands the model (the text, or a JSON list
    of content blocks)."""
    try:
        parsed = json.loads(output)
    except json.JSONDecodeError:
        return output
    if isinstance(parsed, dict) and parsed.get("type") == "text":
        return str(parsed["text"])
    if isinstance(parsed, list) and parsed and isinstance(parsed[0], dict):
        return str(parsed[0].get("text", output))
    return output
