"""docs/ci.md's pipeline examples: valid YAML, and every command in them parses as written
(the CLI's own parser; the pytest plugin's own options)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from ardent_async.cli._parser import parse

PAGE = Path(__file__).parents[2] / "docs" / "ci.md"
PLUGIN_OPTIONS = {
    "--ardent-connector",
    "--ardent-branch-prefix",
    "--ardent-run-id",
    "--ardent-emulator",
    "--ardent-emulator-seed",
    "--ardent-manifest",
}


def pipeline_commands() -> list[str]:
    text = PAGE.read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL)
    assert len(blocks) == 2  # GitHub Actions, GitLab CI
    commands: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("run", "script") and isinstance(value, str):
                    commands.append(value)
                elif key == "script" and isinstance(value, list):
                    commands.extend(str(line) for line in value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for block in blocks:
        walk(yaml.safe_load(block))
    return commands


def words(command: str) -> list[str]:
    # Expressions and variables stand for plain words at run time.
    plain = re.sub(r"\$\{\{[^}]*\}\}", "X", command)
    return shlex.split(re.sub(r"\$[A-Z_]+", "X", plain))


@pytest.mark.parametrize("command", pipeline_commands())
def test_pipeline_commands_parse(command: str) -> None:
    argv = words(command)
    if argv[0] == "ardent-async":
        args = parse(argv[1:])
        assert args.names
    elif argv[0] == "pytest":
        options = {word.split("=")[0] for word in argv if word.startswith("--ardent")}
        assert options <= PLUGIN_OPTIONS
    else:
        assert argv[0] in ("pip", "echo")


def test_the_plugin_registers_the_documented_options(pytestconfig: pytest.Config) -> None:
    for flag in PLUGIN_OPTIONS:  # the installed plugin is loaded in this run too
        assert pytestconfig.getoption(flag.lstrip("-").replace("-", "_")) is None
    with pytest.raises(ValueError, match="no option named"):
        pytestconfig.getoption("ardent_not_an_option")


def test_the_page_shows_the_sample_file_the_suite_runs() -> None:
    snippet = re.search(
        r'^--8<-- "(tests/ci_plugin/sample/[^"]+)"$', PAGE.read_text(), re.MULTILINE
    )
    assert snippet is not None, "docs/ci.md no longer includes the sample's test file"
    assert (PAGE.parents[1] / snippet.group(1)).is_file()
