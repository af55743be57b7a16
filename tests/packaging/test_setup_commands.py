"""The set-up a newcomer runs: the README's two commands (run by CI as written), the same two in
getting-started, and the noxfile finding pyenv's Pythons by itself."""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def readme_setup() -> ModuleType:
    return _load(ROOT / ".ci" / "readme_setup.py", "readme_setup")


def test_getting_started_shows_the_readme_commands(readme_setup: ModuleType) -> None:
    commands = readme_setup.readme_commands()
    assert commands[0].startswith("python3 -m venv .venv && ")  # no pip into a system Python
    assert commands[1] == ".venv/bin/nox -s tests"
    page = (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")
    section = page.split("## The two set-up commands", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, flags=re.S)
    assert block is not None
    assert block.group(1).split("\n")[:2] == commands


def test_ci_runs_the_readme_commands_with_both_pythons() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 .ci/readme_setup.py debian\n" in ci
    assert "python3 .ci/readme_setup.py pyenv\n" in ci
    assert not re.search(r"^nox -s (demo|tests)\b", ci, flags=re.M)  # only as README says


def _fake_python(root: Path, version: str) -> None:
    minor = ".".join(version.split(".")[:2])
    binary = root / "versions" / version / "bin" / f"python{minor}"
    binary.parent.mkdir(parents=True)
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)


def test_the_noxfile_finds_pyenv_pythons_by_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for version in ("3.10.13", "3.12.0", "3.12.10", "3.12.9", "3.9.18", "3.13.0"):
        _fake_python(tmp_path, version)
    (tmp_path / "versions" / "3.11-dev").mkdir()  # not a release: ignored
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))
    monkeypatch.setenv("PATH", "/nonexistent")
    noxfile = _load(ROOT / "noxfile.py", "noxfile_under_test")
    versions = tmp_path / "versions"
    assert noxfile._pyenv_bins() == {
        "3.10": versions / "3.10.13" / "bin",
        "3.12": versions / "3.12.10" / "bin",  # the newest patch release
        "3.13": versions / "3.13.0" / "bin",
    }
    assert noxfile.FOUND == ["3.10", "3.12", "3.13"]  # no python3.11 on this PATH
    assert os.environ["PATH"].split(os.pathsep)[:4] == [
        *(str(versions / v / "bin") for v in ("3.10.13", "3.12.10", "3.13.0")),
        "/nonexistent",
    ]
    # The full suite runs where there is a 3.11; here only the running Python may be one.
    expected = "3.11" if sys.version_info[:2] == (3, 11) else noxfile.RUNNING
    chosen: str = noxfile.FULL_SUITE_PYTHON
    assert chosen == expected
