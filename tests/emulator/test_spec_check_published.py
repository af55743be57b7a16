"""The emulator's reply checks hold replies to the published description as well as ours."""

from __future__ import annotations

import copy
import json

from ardent_async import ArdentClient
from ardent_async.emulator import Emulator, SpecValidator

PROJECT = {"id": "prj_1", "org_id": "org_1", "name": "p", "created_at": "2026-01-01T00:00:00Z"}
TEMPLATE = "/v1/projects/{project_id}"


def _problems(validator: SpecValidator, reply: object, status: int = 200) -> list[str]:
    body = json.dumps(reply).encode()
    return validator.problems("GET", TEMPLATE, status, "application/json", body)


def test_a_realistic_reply_passes_both() -> None:
    assert _problems(SpecValidator(), PROJECT) == []


def test_timestamps_stay_realistic_though_any_string_is_allowed() -> None:
    problems = _problems(SpecValidator(), {**PROJECT, "created_at": "yesterday"})
    assert len(problems) == 1
    assert "date-time" in problems[0]
    assert "published" not in problems[0]  # the published description allows any string


def test_a_reply_the_published_description_refuses_is_reported() -> None:
    validator = SpecValidator()
    assert validator.published is not None
    stricter = copy.deepcopy(validator.published)
    stricter["components"]["schemas"]["ProjectRow"]["required"].append("owner")
    validator.published = stricter
    problems = _problems(validator, PROJECT)
    assert problems == [
        f"GET {TEMPLATE} -> 200 (published spec): (root): 'owner' is a required property"
    ]
    # statuses it does not list (401, this 403) are its known gaps: not checked against it
    assert _problems(validator, {"detail": "no"}, status=403) == []


async def test_emulator_replies_pass_the_published_description(
    ardent_emulator: Emulator, ardent_client: ArdentClient
) -> None:
    assert ardent_emulator.validator is not None
    assert ardent_emulator.validator.published is not None
    project = await ardent_client.projects.create("checked")
    await ardent_client.projects.get(project.id)
    await ardent_client.projects.delete(project.id)
    assert ardent_emulator.validator.checked >= 3
    ardent_emulator.validator.assert_clean()
