"""The pytest plugin costs nothing until a fixture is used, and says what is missing.

Each case runs a real pytest session in a fresh interpreter (plugins load by entry point, as in
a user's project), so what the plugin imports is exactly what the session imports.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# The plugin's own modules: all that a session without an ardent fixture may import of the SDK.
PLUGIN_MODULES = {
    "ardent_async",
    "ardent_async._version",
    "ardent_async.emulator",
    "ardent_async.emulator._fixtures",
    "ardent_async.emulator.pytest_plugin",
    # The branch fixtures' options, hooks and values: stdlib only (re, dataclasses, urllib).
    "ardent_async.emulator.redaction",
    "ardent_async.emulator._ci_fixtures",
    "ardent_async.emulator._ci_settings",
    "ardent_async.emulator.ci_values",
}

INI = "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"

RECORDING_TEST = """
import json, sys

def test_record(request):
    assert request.config.pluginmanager.has_plugin("ardent_emulator")
    with open({out!r}, "w") as f:
        json.dump(sorted(sys.modules), f)
"""

USING_TEST = """
import json, sys

async def test_uses_fixture(ardent_emulator, ardent_client):
    project = await ardent_client.projects.create("p", org_id=ardent_emulator.org_id)
    assert project.name == "p"
    with open({out!r}, "w") as f:
        json.dump(sorted(sys.modules), f)
"""


def _session(
    tmp_path: Path, test_source: str, *args: str, prelude: str = "", ini: str = INI
) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    out = tmp_path / "modules.json"
    (tmp_path / "test_user.py").write_text(test_source.format(out=str(out)), encoding="utf-8")
    # An ini file of its own, so this repo's pytest settings do not apply.
    (tmp_path / "pytest.ini").write_text(ini, encoding="utf-8")
    code = f"{prelude}\nimport sys, pytest; sys.exit(pytest.main(sys.argv[1:]))"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    done = subprocess.run(
        [sys.executable, "-c", code, "-q", "-p", "no:cacheprovider", *args, str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    modules = set(json.loads(out.read_text())) if out.exists() else set()
    return done, modules


def test_a_session_without_an_ardent_fixture_imports_no_emulator(tmp_path: Path) -> None:
    done, modules = _session(tmp_path, RECORDING_TEST)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "aiohttp.web" not in modules
    assert {m for m in modules if m.startswith("ardent_async")} == PLUGIN_MODULES


def test_a_used_fixture_starts_the_emulator(tmp_path: Path) -> None:
    done, modules = _session(tmp_path, USING_TEST)
    assert done.returncode == 0, done.stdout + done.stderr
    assert {"aiohttp.web", "ardent_async.emulator.server"} <= modules


def test_without_pytest_asyncio_a_fixture_fails_saying_what_to_install(tmp_path: Path) -> None:
    # As if pytest-asyncio were not installed: its import fails and its plugin is not loaded.
    shadow = tmp_path / "shadow" / "pytest_asyncio"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('pytest_asyncio is not installed')\n")
    blocked = f"import sys; sys.path.insert(0, {str(shadow.parent)!r})"
    source = "def test_needs(ardent_emulator):\n    pass\n"
    done, _ = _session(tmp_path, source, "-p", "no:asyncio", prelude=blocked, ini="[pytest]\n")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "the ardent_emulator fixture needs pytest-asyncio" in done.stdout
    assert "pip install 'ardent-async[pytest]'" in done.stdout


def test_the_plugin_can_be_turned_off(tmp_path: Path) -> None:
    source = (
        "def test_off(request):\n"
        "    assert not request.config.pluginmanager.has_plugin('ardent_emulator')\n"
    )
    done, _ = _session(tmp_path, source, "-p", "no:ardent_emulator")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("module", ["ardent_async", "ardent_async.emulator"])
def test_lazy_packages_still_export_their_names(module: str) -> None:
    code = (
        f"import importlib, sys; m = importlib.import_module({module!r}); "
        "missing = [n for n in m.__all__ if getattr(m, n, None) is None]; "
        "assert set(m.__all__) <= set(dir(m)); print(missing)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"
