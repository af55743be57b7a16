"""``ardent_emulator_pg`` from the wrong event loop fails at once naming ``loop_scope``, and the
pytest configuration the docs show is warning-free (the run is made with ``-W error``)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.ci_plugin.conftest import PLUGINS

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[2]
FORGOT_THE_LOOP_SCOPE = """
async def test_forgot_the_loop_scope(ardent_emulator_pg):
    async with ardent_emulator_pg.client() as client:
        await client.projects.create("never-sent")
"""


def docs_pytest_configuration() -> str:
    page = (ROOT / "docs" / "emulator.md").read_text(encoding="utf-8")
    found = re.search(r"```toml\n(\[tool\.pytest\.ini_options\]\n.*?)```", page, re.DOTALL)
    assert found is not None, "docs/emulator.md shows no [tool.pytest.ini_options] block"
    return found.group(1)


def test_the_wrong_loop_fails_at_once_naming_loop_scope(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(docs_pytest_configuration(), encoding="utf-8")
    (tmp_path / "test_user.py").write_text(FORGOT_THE_LOOP_SCOPE, encoding="utf-8")
    junit = tmp_path / "junit.xml"
    command = [sys.executable, "-m", "pytest", "-W", "error", "-p", "no:cacheprovider"]
    for plugin in PLUGINS:
        command += ["-p", plugin]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "ARDENT_"))}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    done = subprocess.run(
        [*command, f"--junitxml={junit}", "-q"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert 'loop_scope="session"' in output
    assert "Warning" not in output
    [case] = ET.parse(junit).getroot().iter("testcase")
    assert float(case.attrib["time"]) < 5.0
