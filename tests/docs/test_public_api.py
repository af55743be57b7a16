"""The docs' public-API check (docs/_hooks/public_api.py) finds what it must, on a real package."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def load_hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("public_api", ROOT / "docs/_hooks/public_api.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_a_missing_docstring_is_reported(tmp_path: Path) -> None:
    package = tmp_path / "pkg_docs_probe"
    package.mkdir()
    (package / "__init__.py").write_text(
        '"""A package."""\n\n'
        '__all__ = ["Good", "Bare", "helper", "LIMIT", "NOTED"]\n\n'
        "LIMIT = 3\n"
        'NOTED = 4\n"""Documented constant."""\n\n\n'
        "class Good:\n"
        '    """Documented."""\n\n'
        "    @property\n"
        "    def size(self) -> int:\n"
        "        return 1\n\n"
        "    def run(self) -> None:\n"
        '        """Documented method."""\n\n'
        "    def _private(self) -> None:\n"
        "        pass\n\n\n"
        "class Bare:\n"
        "    def go(self) -> None:\n"
        "        pass\n\n\n"
        "def helper() -> None:\n"
        "    pass\n"
    )
    (package / "plain.py").write_text("def undocumented_module_function() -> None:\n    pass\n")
    hook = load_hook()
    found = hook.undocumented(
        "pkg_docs_probe", ("pkg_docs_probe", "pkg_docs_probe.plain"), [str(tmp_path)]
    )
    assert found == [
        "pkg_docs_probe: Good.size",
        "pkg_docs_probe: Bare",
        "pkg_docs_probe: Bare.go",
        "pkg_docs_probe: helper",
        "pkg_docs_probe: LIMIT",
        "pkg_docs_probe.plain: (module docstring)",
        "pkg_docs_probe.plain: undocumented_module_function",
    ]


def test_an_unrendered_module_is_reported(tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text("# API\n\n::: pkg.shown\n")
    assert load_hook().unreferenced(("pkg.shown", "pkg.hidden"), tmp_path) == ["pkg.hidden"]


def test_an_unlisted_module_is_reported(tmp_path: Path) -> None:
    package = tmp_path / "pkg_unlisted_probe"
    package.mkdir()
    (package / "__init__.py").write_text('"""A package."""\n')
    for name in ("listed", "forgotten", "_private"):
        (package / f"{name}.py").write_text('"""A module."""\n')
    found = load_hook().unlisted(
        "pkg_unlisted_probe", ("pkg_unlisted_probe.listed",), [str(tmp_path)]
    )
    assert found == ["pkg_unlisted_probe.forgotten"]


def test_the_package_is_documented() -> None:
    hook = load_hook()
    assert hook.undocumented() == []
    assert hook.unreferenced() == []
    assert hook.unlisted() == []


def test_rest_roles_become_markdown_references() -> None:
    spec = importlib.util.spec_from_file_location("rest_roles", ROOT / "docs/_hooks/rest_roles.py")
    assert spec is not None
    assert spec.loader is not None
    roles = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(roles)
    text = (
        "Raises :class:`~ardent_async.errors.NotFoundError`; see :meth:`execute` and\n"
        ":func:`ardent_async._core._redact.mask_url`. Example::\n\n    code()\n"
    )
    assert roles.markdown(text) == (
        "Raises [`NotFoundError`][ardent_async.errors.NotFoundError]; see `execute` and\n"
        "`ardent_async._core._redact.mask_url`. Example:\n\n```python\ncode()\n```\n"
    )
    # A literal block is fenced with its language, so the site highlights it; the text after
    # it stays a paragraph.
    module = "Usage::\n\n    async with X() as x:\n        await x.go()\n\nThen more.\n"
    assert roles.markdown(module) == (
        "Usage:\n\n```python\nasync with X() as x:\n    await x.go()\n```\n\nThen more.\n"
    )
    relative = "Raises :class:`~.router.Missing` or :class:`.router.Other`."
    assert roles.markdown(relative) == "Raises `Missing` or `router.Other`."
    shell = "Run::\n\n    $ ardent-emulator --port 8080\n"
    assert roles.markdown(shell) == "Run:\n\n```text\n$ ardent-emulator --port 8080\n```\n"
