"""The emulator's import contract: the SDK's public API and the generated spec modules only.

An emulator that shares the SDK's decoder, redaction or client internals cannot catch their
bugs, so ``ardent_async/emulator`` may import ``ardent_async`` (the package's exports), its
public modules, ``ardent_async.models`` and ``ardent_async._spec.*`` (what codegen emits), and
nothing else with a private (``_``) segment: not ``ardent_async._core._converter``, not
``ardent_async.models._generated``.
"""

from __future__ import annotations

import ast
import shutil
from collections.abc import Iterator
from pathlib import Path

import ardent_async.emulator

EMULATOR = Path(ardent_async.emulator.__file__).parent
ALLOWED_PRIVATE = ("ardent_async._spec", "ardent_async.emulator")
# (file, module) pairs let through: none (the CI fixtures' branch builder uses the public
# ``client.branches.create_or_reuse``).
EXCEPTIONS: frozenset[tuple[str, str]] = frozenset()


def forbidden_imports(root: Path, package: str) -> list[str]:
    """``path:line: module`` for each import under ``root`` (the package ``package``) of a
    private SDK module outside the allowed ones."""
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).with_suffix("")
        parts = [package, *relative.parts]
        if parts[-1] == "__init__":
            parts.pop()
        module_package = ".".join(parts if path.name == "__init__.py" else parts[:-1])
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for line, name in _imported(tree, module_package):
            if _private_sdk_module(name) and (str(path.relative_to(root)), name) not in EXCEPTIONS:
                found.append(f"{path.relative_to(root)}:{line}: {name}")
    return found


def _imported(tree: ast.AST, module_package: str) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module, node.level, module_package)
            yield node.lineno, base
            for alias in node.names:  # `from ardent_async import _client` names a module
                if alias.name.startswith("_"):
                    yield node.lineno, f"{base}.{alias.name}"
        elif _is_import_module_call(node):
            assert isinstance(node, ast.Call)
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                level = len(first.value) - len(first.value.lstrip("."))
                yield node.lineno, _absolute(first.value.lstrip(".") or None, level, module_package)


def _is_import_module_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call) or not node.args:
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in ("import_module", "__import__")


def _absolute(module: str | None, level: int, module_package: str) -> str:
    if level == 0:
        return module or ""
    base = module_package.split(".")
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def _private_sdk_module(name: str) -> bool:
    parts = name.split(".")
    if parts[0] != "ardent_async":
        return False
    if any(name == allowed or name.startswith(allowed + ".") for allowed in ALLOWED_PRIVATE):
        return False
    return any(part.startswith("_") for part in parts[1:])


def test_the_emulator_imports_no_private_sdk_module() -> None:
    assert forbidden_imports(EMULATOR, "ardent_async.emulator") == []


def test_a_planted_private_import_is_caught(tmp_path: Path) -> None:
    copy = tmp_path / "emulator"
    shutil.copytree(EMULATOR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    plants = {
        "bodies.py": "from ardent_async._core._converter import converter\n",
        "routes/branches.py": "from ..._core import _redact\n",
        "responses.py": "import ardent_async.models._generated\n",
        "state.py": "from ardent_async import _client\n",
        "admin.py": "import importlib\nimportlib.import_module('ardent_async._core._pipeline')\n",
    }
    for name, line in plants.items():
        path = copy / name
        path.write_text(path.read_text(encoding="utf-8") + line, encoding="utf-8")

    found = forbidden_imports(copy, "ardent_async.emulator")

    assert [entry.rpartition(": ")[2] for entry in found] == [
        "ardent_async._core._pipeline",
        "ardent_async._core._converter",
        "ardent_async.models._generated",
        "ardent_async._core",
        "ardent_async._core._redact",
        "ardent_async._client",
    ]


def test_the_allowed_modules_pass(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text(
        "from ardent_async import ArdentClient\n"
        "from ardent_async.models import OperationStatus\n"
        "from ardent_async._spec.constants import OPERATION_STATUS_VALUES\n"
        "from ardent_async._spec import load_spec\n"
        "from ardent_async.errors import NotFoundError\n"
        "from . import routes\n",
        encoding="utf-8",
    )
    assert forbidden_imports(tmp_path, "ardent_async.emulator") == []
