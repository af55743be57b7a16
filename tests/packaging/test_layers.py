"""The layers of docs/development.md ("The layout") hold: the core (``ardent_async/_core``) and
the waiting (``ardent_async/_waiting``) import only the layers below them.

The core may import itself, the generated spec modules, the version and the public vocabulary
(``models``, ``errors``, ``events``, ``fanout``): no waiting, service, client, legacy,
application or emulator module, and no name of the package ``ardent_async`` itself (its
``__init__`` imports the client). The waiting may import the same and itself. ``EXCEPTIONS``
(files let through) is empty: the one there was (``_branch_reuse``, standing on the client) is
gone, its work done by the public ``client.branches.create_or_reuse``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "ardent_async"
BELOW_CORE = (
    "ardent_async._core",
    "ardent_async._spec",
    "ardent_async._version",
    "ardent_async.models",
    "ardent_async.errors",
    "ardent_async.events",
    "ardent_async.fanout",
)
ALLOWED = {
    "_core": BELOW_CORE,
    "_waiting": (*BELOW_CORE, "ardent_async._waiting"),
}
EXCEPTIONS: frozenset[str] = frozenset()


def imported_modules(path: Path, module_package: str) -> Iterator[tuple[int, str]]:
    """``(line, absolute module)`` for each import in the file (relative ones resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                base = node.module or ""
            else:
                parts = module_package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, node.module] if node.module else parts)
            if base != "ardent_async":
                yield node.lineno, base
                continue
            for alias in node.names:  # `from ardent_async import errors` names a module
                yield node.lineno, f"{base}.{alias.name}"


def layer_violations(package: Path, layer: str) -> list[str]:
    """``path:line: module`` for each import under ``package/layer`` outside what it may use."""
    allowed = ALLOWED[layer]
    found = []
    for path in sorted((package / layer).rglob("*.py")):
        relative = path.relative_to(package)
        if relative.as_posix() in EXCEPTIONS:
            continue
        parts = ["ardent_async", *relative.with_suffix("").parts]
        module_package = ".".join(parts[:-1])
        for line, name in imported_modules(path, module_package):
            if name.partition(".")[0] != "ardent_async":
                continue
            if not any(name == ok or name.startswith(ok + ".") for ok in allowed):
                found.append(f"{relative}:{line}: {name}")
    return found


def test_the_core_imports_only_the_layers_below_it() -> None:
    assert layer_violations(PACKAGE, "_core") == []


def test_the_waiting_imports_only_the_core_and_below() -> None:
    assert layer_violations(PACKAGE, "_waiting") == []


def test_a_planted_upward_import_is_caught(tmp_path: Path) -> None:
    for layer, plant in [
        ("_core", "_retry.py"),
        ("_core", "_transport/_base.py"),
        ("_waiting", "_poller.py"),
    ]:
        source = PACKAGE / layer / plant
        copy = tmp_path / layer / plant
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    append(tmp_path / "_core" / "_retry.py", "from ardent_async.services import branches\n")
    append(tmp_path / "_core" / "_retry.py", "from ardent_async import ArdentClient, errors\n")
    append(tmp_path / "_core" / "_transport" / "_base.py", "from ..._waiting import _poller\n")
    append(tmp_path / "_waiting" / "_poller.py", "import ardent_async._client\n")

    core = layer_violations(tmp_path, "_core")
    waiting = layer_violations(tmp_path, "_waiting")

    assert [entry.rpartition(": ")[2] for entry in core] == [
        "ardent_async.services",
        "ardent_async.ArdentClient",
        "ardent_async._waiting",
    ]
    assert [entry.rpartition(": ")[2] for entry in waiting] == ["ardent_async._client"]


def append(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + line, encoding="utf-8")
