"""Per framework, through its own package: a scripted model takes an empty org to ``run_sql``
returning the sample source's rows on a new branch, and no secret reaches what it saw.

openai-agents ``Runner`` with a scripted ``Model``, LangChain tools called with ``ainvoke``
from a scripted chat model's tool calls, pydantic-ai ``Agent`` with ``FunctionModel``, and
Anthropic's tool runner against mocked HTTP.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from ardent_async import ArdentClient
from ardent_async.emulator import Emulator
from ardent_async.emulator.admin import TokenGrant
from tests.agents.flow import (
    CUSTOMERS,
    SOURCE_NAME,
    Script,
    assert_no_secrets,
    branch_urls,
    new_org,
    secrets_of,
)

pytest.importorskip("asyncpg")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.asyncio(loop_scope="session"),
]
MAX_CALLS = 40


@pytest_asyncio.fixture(loop_scope="session")
async def org(
    ardent_emulator_pg: Emulator, request: pytest.FixtureRequest
) -> AsyncIterator[tuple[TokenGrant, ArdentClient, dict[str, Any]]]:
    """An empty org of this test's own, its client, and the tools' options."""
    grant = new_org(ardent_emulator_pg, request.node.name)
    client = ardent_emulator_pg.client(grant.token)
    options = {
        "org_id": grant.org_id,
        "sources": {SOURCE_NAME: ardent_emulator_pg.sample_source_url or ""},
    }
    try:
        yield grant, client, options
    finally:
        await client.close()


async def _check(emulator: Emulator, grant: TokenGrant, script: Script, seen: list[str]) -> None:
    assert script.done, script.calls
    assert script.rows is not None
    assert len(script.rows) == CUSTOMERS
    urls = await branch_urls(emulator, grant, script.connector_id or "")
    assert len(urls) == 1
    assert_no_secrets([*script.seen, *seen], secrets_of(emulator, grant.token, urls))


async def test_openai_agents_runner(
    org: tuple[TokenGrant, ArdentClient, dict[str, Any]], ardent_emulator_pg: Emulator
) -> None:
    agents = pytest.importorskip("agents")
    from agents.items import ModelResponse
    from agents.models.interface import Model
    from agents.usage import Usage
    from openai.types.responses import (
        ResponseFunctionToolCall,
        ResponseOutputMessage,
        ResponseOutputText,
    )

    from ardent_async.agents.openai_agents import ardent_tools

    grant, client, options = org
    script = Script()
    seen: list[str] = []

    class ScriptedModel(Model):
        async def get_response(
            self, system_instructions: Any, input: Any, *a: Any, **k: Any
        ) -> Any:
            seen.append(json.dumps(input, default=str))
            last = input[-1] if isinstance(input, list) else None
            result = last.get("output") if isinstance(last, dict) else None
            call = script.next(result)
            if call is None:
                text = ResponseOutputText(type="output_text", text="done", annotations=[])
                message = ResponseOutputMessage(
                    id="msg_1", type="message", role="assistant", status="completed", content=[text]
                )
                return ModelResponse(output=[message], usage=Usage(), response_id=None)
            n = len(script.calls)
            tool_call = ResponseFunctionToolCall(
                type="function_call",
                call_id=f"call_{n}",
                name=call[0],
                arguments=json.dumps(call[1]),
            )
            return ModelResponse(output=[tool_call], usage=Usage(), response_id=None)

        def stream_response(self, *a: Any, **k: Any) -> Any:
            raise NotImplementedError

    tools = ardent_tools(client, **options)
    assert all(tool.strict_json_schema for tool in tools)
    agent = agents.Agent(
        name="dba", instructions="Make a branch.", tools=tools, model=ScriptedModel()
    )
    result = await agents.Runner.run(
        agent,
        "Branch the sample database and read its customers.",
        max_turns=MAX_CALLS,
        run_config=agents.RunConfig(tracing_disabled=True),
    )
    assert result.final_output == "done"
    await _check(ardent_emulator_pg, grant, script, seen)


async def test_openai_agents_deletes_need_approval(
    org: tuple[TokenGrant, ArdentClient, dict[str, Any]],
) -> None:
    pytest.importorskip("agents")
    from ardent_async.agents.openai_agents import ardent_tools

    _, client, options = org
    tools = {tool.name: tool for tool in ardent_tools(client, **options, allow_writes=True)}
    assert tools["delete_connector"].needs_approval is True
    assert tools["create_branch"].needs_approval is False


async def test_langchain_tools_ainvoke(
    org: tuple[TokenGrant, ArdentClient, dict[str, Any]], ardent_emulator_pg: Emulator
) -> None:
    pytest.importorskip("langchain_core")
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

    from ardent_async.agents.langchain import ardent_tools

    grant, client, options = org
    script = Script()
    tools = {tool.name: tool for tool in ardent_tools(client, **options)}

    def replies() -> Any:
        """The scripted model's messages: each a tool call decided from the last result."""
        result: str | None = None
        while True:
            call = script.next(result)
            if call is None:
                yield AIMessage(content="done")
                return
            tool_call = {"name": call[0], "args": call[1], "id": f"call_{len(script.calls)}"}
            result = yield AIMessage(content="", tool_calls=[tool_call])

    scripted = replies()
    model = GenericFakeChatModel(messages=iter(()))
    messages: list[Any] = [HumanMessage("Branch the sample database and read its customers.")]
    reply = next(scripted)
    for _ in range(MAX_CALLS):
        model.messages = iter([reply])
        answer = await model.ainvoke(messages)
        messages.append(answer)
        if not answer.tool_calls:
            break
        (call,) = answer.tool_calls
        done = await tools[call["name"]].ainvoke({**call, "type": "tool_call"})
        assert isinstance(done, ToolMessage)
        assert done.status == "success", done.content
        messages.append(done)
        try:
            reply = scripted.send(done.content)
        except StopIteration:
            break
    failed = await tools["list_branches"].ainvoke(
        {
            "name": "list_branches",
            "args": {"connector_id": "conn_nope"},
            "id": "x",
            "type": "tool_call",
        }
    )
    assert failed.status == "error"
    assert json.loads(failed.content)["error"]["status_code"] == 404
    await _check(ardent_emulator_pg, grant, script, [str(m.content) for m in messages])


async def test_pydantic_ai_agent_with_function_model(
    org: tuple[TokenGrant, ArdentClient, dict[str, Any]], ardent_emulator_pg: Emulator
) -> None:
    pytest.importorskip("pydantic_ai")
    from pydantic_ai import Agent
    from pydantic_ai.messages import ModelResponse, TextPart, ToolCallPart, ToolReturnPart
    from pydantic_ai.models.function import AgentInfo, FunctionModel
    from pydantic_ai.usage import UsageLimits

    from ardent_async.agents.pydantic_ai import ardent_tools

    grant, client, options = org
    script = Script()
    seen: list[str] = []

    def model(messages: list[Any], info: AgentInfo) -> ModelResponse:
        returned = [part for part in messages[-1].parts if isinstance(part, ToolReturnPart)]
        result = str(returned[-1].content) if returned else None
        if result is not None:
            seen.append(result)
        call = script.next(result)
        if call is None:
            return ModelResponse(parts=[TextPart("done")])
        return ModelResponse(
            parts=[ToolCallPart(call[0], call[1], tool_call_id=f"c{len(script.calls)}")]
        )

    agent = Agent(FunctionModel(model), tools=ardent_tools(client, **options))
    result = await agent.run(
        "Branch the sample database and read its customers.",
        usage_limits=UsageLimits(request_limit=MAX_CALLS),
    )
    assert result.output == "done"
    await _check(ardent_emulator_pg, grant, script, seen)


async def test_anthropic_tool_runner_with_mocked_http(
    org: tuple[TokenGrant, ArdentClient, dict[str, Any]], ardent_emulator_pg: Emulator
) -> None:
    anthropic = pytest.importorskip("anthropic")
    import httpx2

    from ardent_async.agents.anthropic import ardent_tools

    grant, client, options = org
    script = Script()
    requests: list[str] = []
    errors: list[bool] = []

    def messages_api(request: Any) -> Any:
        """The Messages API, scripted: answers each request with the next tool_use."""
        body = json.loads(request.content)
        requests.append(request.content.decode())
        # The first request carries the tools; later ones continue its thread.
        assert body.get("tools") or body["thread"]["type"] == "continue"
        last = body["messages"][-1]
        result = None
        if last["role"] == "user" and isinstance(last["content"], list):
            (block,) = [b for b in last["content"] if b.get("type") == "tool_result"]
            errors.append(bool(block.get("is_error")))
            content = block["content"]
            result = content if isinstance(content, str) else content[0]["text"]
        call = script.next(result)
        n = len(script.calls)
        if call is None:
            content_blocks = [{"type": "text", "text": "done"}]
            stop = "end_turn"
        else:
            content_blocks = [
                {"type": "tool_use", "id": f"toolu_{n}", "name": call[0], "input": call[1]}
            ]
            stop = "tool_use"
        return httpx2.Response(
            200,
            json={
                "id": f"msg_{n}",
                "type": "message",
                "role": "assistant",
                "model": "claude-scripted",
                "content": content_blocks,
                "stop_reason": stop,
                "stop_sequence": None,
                "usage": {"input_tokens": 1, "output_tokens": 1},
            },
        )

    http = httpx2.AsyncClient(transport=httpx2.MockTransport(messages_api))
    api = anthropic.AsyncAnthropic(api_key="sk-ant-test", http_client=http, max_retries=0)
    runner = api.beta.messages.tool_runner(
        model="claude-scripted",
        max_tokens=1024,
        messages=[
            {"role": "user", "content": "Branch the sample database and read its customers."}
        ],
        tools=ardent_tools(client, **options),
        max_iterations=MAX_CALLS,
    )
    final = None
    async for message in runner:
        final = message
    assert final is not None
    assert final.content[0].text == "done"
    assert not any(errors)
    await api.close()
    await _check(ardent_emulator_pg, grant, script, requests)
