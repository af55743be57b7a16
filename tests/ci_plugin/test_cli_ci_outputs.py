"""``ardent-async branches create NAME --github-output --env-file``, as a real process: the
password appears only in the mask line and the URL; running it again reuses the branch."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ardent_async.emulator import Emulator
from tests.cli._run import clean_env, run

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def parse_outputs(text: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in text.splitlines():
        key, _, value = line.partition("=")
        values.setdefault(key, []).append(value)
    return values


async def test_github_output_masks_then_writes_and_a_rerun_reuses(
    served: tuple[Emulator, str], tmp_path: Path
) -> None:
    emulator, connector = served
    outputs, env_file = tmp_path / "github_output", tmp_path / ".env"
    env = clean_env(
        tmp_path / "config",
        ARDENT_API_URL=emulator.base_url,
        ARDENT_TOKEN=emulator.token,
        GITHUB_OUTPUT=str(outputs),
    )
    args = ["branches", "create", "pr-7", "--connector-id", connector, "--wait"]
    first = await run(*args, "--github-output", "--env-file", str(env_file), env=env)
    assert first.code == 0, first.err

    written = parse_outputs(outputs.read_text())
    [url] = written["branch_url"]
    password = urlsplit(url).password
    assert password
    assert first.out.splitlines()[0] == f"::add-mask::{password}"
    assert written["created"] == ["true"]
    assert written["branch_id"][0].startswith("br_")
    assert set(written) == {"branch_id", "branch_url", "pooled_branch_url", "created"}
    # The password: in the mask line and in the URL, nowhere else.
    assert first.out.count(password) == 1
    assert password not in first.err
    assert outputs.read_text().count(password) == 1
    assert env_file.read_text() == f"DATABASE_URL={url}\n"
    assert env_file.stat().st_mode & 0o077 == 0

    again = await run(*args, "--github-output", env=env)
    assert again.code == 0, again.err
    rerun = parse_outputs(outputs.read_text())
    assert rerun["created"] == ["true", "false"]
    assert rerun["branch_id"][1] == rerun["branch_id"][0]

    waited = await run(*args, "--wait-connectable", "--format", "json", env=env)
    assert waited.code == 0, waited.err
    assert waited.data["branch_id"] == rerun["branch_id"][0]
    assert password not in waited.out + waited.err  # no mask line: nothing printed it


async def test_json_output_stays_one_document_and_the_mask_goes_to_stderr(
    served: tuple[Emulator, str], tmp_path: Path
) -> None:
    emulator, connector = served
    outputs = tmp_path / "github_output"
    env = clean_env(
        tmp_path / "config",
        ARDENT_API_URL=emulator.base_url,
        ARDENT_TOKEN=emulator.token,
        GITHUB_OUTPUT=str(outputs),
    )
    args = ["branches", "create", "pr-8", "--connector-id", connector, "--wait"]
    done = await run(*args, "--github-output", "--format", "json", "--quiet", env=env)
    assert done.code == 0, done.err

    document = json.loads(done.out)  # all of stdout: no workflow command in front of it
    [url] = parse_outputs(outputs.read_text())["branch_url"]
    password = urlsplit(url).password
    assert password
    assert document["data"]["branch_id"] == parse_outputs(outputs.read_text())["branch_id"][0]
    # The runner reads workflow commands from stderr too; --quiet silences notes, not this.
    masks = done.err.splitlines()
    assert masks[0] == f"::add-mask::{password}"
    assert all(line.startswith("::add-mask::") for line in masks)
    assert password not in done.out  # the JSON masks the URL's password


async def test_without_github_output_set_the_flag_is_refused_before_any_request(
    tmp_path: Path,
) -> None:
    env = clean_env(tmp_path, ARDENT_API_URL="http://127.0.0.1:9", ARDENT_TOKEN="sk-ard_live_x")
    env.pop("GITHUB_OUTPUT", None)
    done = await run(
        "branches", "create", "a", "--connector-id", "conn_1", "--github-output", env=env
    )
    assert done.code == 2, done.err
    assert "$GITHUB_OUTPUT is not set" in done.err
