"""The CLI's CI flags: refusals before any request, the masked password forms, the file format."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from ardent_async.cli._ci_outputs import _append, _password_forms, check
from ardent_async.cli._failure import CliError


def args(*names: str, **flags: object) -> argparse.Namespace:
    values: dict[str, object] = {
        "names": list(names),
        "if_exists": "reuse",
        "print_url": False,
        "github_output": False,
        "env_file": None,
        "wait_connectable": False,
    }
    values.update(flags)
    return argparse.Namespace(**values)


@pytest.mark.parametrize(
    ("given", "environ", "says"),
    [
        (args("a", "b", wait_connectable=True), {}, "take one NAME (2 given)"),
        (args("a", env_file="x", if_exists="error"), {}, "not with --if-exists error"),
        (args("a", env_file="x", print_url=True), {}, "--print-url prints only the URL"),
        (args("a", github_output=True), {}, "$GITHUB_OUTPUT is not set"),
    ],
)
def test_what_cannot_work_is_refused(
    given: argparse.Namespace, environ: dict[str, str], says: str
) -> None:
    with pytest.raises(CliError) as refused:
        check(given, environ)
    assert says in str(refused.value)


def test_github_output_with_the_variable_set_passes() -> None:
    check(args("a", github_output=True), {"GITHUB_OUTPUT": "/tmp/out"})


def test_the_password_is_masked_as_written_and_decoded() -> None:
    url = "postgresql://role:p%40ss%2Fw@host:5432/db"
    assert _password_forms(url) == ["p%40ss%2Fw", "p@ss/w"]
    assert _password_forms("postgresql://role:plain@host/db") == ["plain"]
    assert _password_forms("postgresql://host/db") == []


def test_values_are_appended_and_a_line_break_uses_a_delimiter(tmp_path: Path) -> None:
    path = tmp_path / "out"
    path.write_text("earlier=1\n")
    _append(path, {"a": "1", "b": "x\ny"})
    lines = path.read_text().splitlines()
    assert lines[:2] == ["earlier=1", "a=1"]
    head, delimiter = lines[2].split("<<")
    assert head == "b"
    assert lines[3:] == ["x", "y", delimiter]
