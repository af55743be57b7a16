"""Agent tools with a default org: the model needs no org id, and the schema tells it which."""

from __future__ import annotations

import json

import pytest

from ardent_async.agents import ArdentTools
from ardent_async.emulator import Emulator


async def test_default_org_makes_org_id_optional_and_visible() -> None:
    async with Emulator(op_duration=0) as emu, emu.client() as client:
        plain = ArdentTools(client, tools=["list_connectors"])
        assert plain.org_id is None
        assert "org_id" in plain.definitions[0].input_schema["required"]
        refused = await plain.run("list_connectors", {})
        assert refused.is_error

        tools = ArdentTools(client, tools=["list_connectors"], org_id=emu.org_id)
        schema = tools.definitions[0].input_schema
        assert "org_id" not in schema["required"]
        assert schema["properties"]["org_id"]["default"] == emu.org_id
        assert emu.org_id in schema["properties"]["org_id"]["description"]
        listed = await tools.run("list_connectors", {})
        assert not listed.is_error, listed.content
        assert json.loads(listed.content) == []


async def test_default_org_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    async with Emulator(op_duration=0) as emu, emu.client() as client:
        monkeypatch.setenv("ARDENT_ORG_ID", emu.org_id)
        tools = ArdentTools(client, tools=["list_connectors", "preflight_connector"])
        assert tools.org_id == emu.org_id
        outcome = await tools.run("list_connectors", {})
        assert not outcome.is_error, outcome.content
