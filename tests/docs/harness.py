"""Run the Python examples of a Markdown page, in order, in one namespace.

A page's ```` ```python ```` blocks run top to bottom in one shared namespace that the caller
seeds (an open ``client``, ids of a ready connector...). A block with top-level ``await`` runs on
the page's event loop; any other block runs as a plain script (so ``asyncio.run(main())`` works).
Tracebacks point at the Markdown file and line.

Markers are HTML comments, so they never show on the rendered page:

``<!-- docs-test: skip REASON -->`` right before a block
    compile it (it must be valid Python) but do not run it; the reason is required and is
    reported by the test.
``<!-- docs-test: pytest -->`` right before a block
    the block is a pytest test module: it is written to a file and run by pytest, and must pass.
``<!-- docs-test: cli -->`` right before a ```` ```bash ```` block
    each line is an ``ardent-async`` command: run in-process (``$VARS`` from the environment,
    placeholder ids replaced) and must exit 0. Other shell blocks are shown, not run.
``<!-- docs-test: setup`` ... ``-->``
    hidden code run at that point of the page (fakes for third-party APIs, extra objects).

Placeholder ids make the examples read naturally and still run: a string literal that is exactly
a key of ``placeholders`` (``"conn_123"``) is replaced by its value (a real connector id) before
the block runs.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import os
import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_FENCE = re.compile(r"^```(python|bash)[ \t]*\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)
_SETUP = re.compile(r"^<!--\s*docs-test:\s*setup[ \t]*\n(.*?)^-->[ \t]*$", re.DOTALL | re.MULTILINE)
_MARKER = re.compile(r"<!--\s*docs-test:\s*(skip|pytest|cli)\b(.*?)-->\s*$", re.DOTALL)


class ExampleFailed(AssertionError):
    """An example raised (its traceback is chained), or a marker is malformed."""


@dataclass(frozen=True)
class Block:
    """One example: its code, where it starts (1-based line of its first code line), its kind."""

    page: Path
    line: int
    code: str
    kind: str  # "run" | "skip" | "pytest" | "setup" | "cli"
    reason: str = ""

    @property
    def where(self) -> str:
        return f"{self.page.name}:{self.line}"


def parse(page: Path) -> list[Block]:
    """The page's blocks in document order (hidden setup blocks included)."""
    text = page.read_text(encoding="utf-8")
    found: list[tuple[int, Block]] = []
    for match in _SETUP.finditer(text):
        found.append((match.start(), _block(page, text, match, "setup")))
    for match in _FENCE.finditer(text):
        if _inside_setup(text, match.start()):
            continue
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        kind, reason = "run", ""
        marker = _MARKER.search(before)
        if match.group(1) == "bash":
            # Shell blocks are shown, not run, unless marked as CLI commands to run.
            if marker is not None and marker.group(1) == "cli":
                found.append((match.start(), _block(page, text, match, "cli")))
            continue
        if marker is not None:
            kind, reason = marker.group(1), marker.group(2).strip(" -—:\n")
            if kind == "skip" and not reason:
                line = text.count("\n", 0, match.start())
                raise ExampleFailed(f"{page.name}:{line}: a skipped example must say why")
        found.append((match.start(), _block(page, text, match, kind, reason)))
    return [block for _, block in sorted(found, key=lambda item: item[0])]


def _block(page: Path, text: str, match: re.Match[str], kind: str, reason: str = "") -> Block:
    body = match.lastindex or 1
    first_line = text.count("\n", 0, match.start(body)) + 1
    return Block(page, first_line, match.group(body), kind, reason)


def _inside_setup(text: str, position: int) -> bool:
    return any(m.start() < position < m.end() for m in _SETUP.finditer(text))


def compile_block(block: Block, placeholders: Mapping[str, str] | None = None) -> Any:
    """The block compiled with top-level await allowed, line numbers matching the page."""
    source = "\n" * (block.line - 1) + block.code
    try:
        tree = ast.parse(source, filename=str(block.page))
    except SyntaxError as exc:
        raise ExampleFailed(f"{block.where}: not valid Python: {exc}") from exc
    if placeholders:
        tree = _Substitute(placeholders).visit(tree)
    return compile(tree, str(block.page), "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)


class _Substitute(ast.NodeTransformer):
    def __init__(self, placeholders: Mapping[str, str]) -> None:
        self._placeholders = placeholders

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, str) and node.value in self._placeholders:
            return ast.copy_location(ast.Constant(self._placeholders[node.value]), node)
        return node


@dataclass
class PageRun:
    """What running a page did: blocks run, and the skipped ones with their reasons."""

    ran: list[Block]
    skipped: list[Block]


def run_page(
    page: Path,
    namespace: dict[str, Any],
    loop: asyncio.AbstractEventLoop,
    *,
    placeholders: Mapping[str, str] | None = None,
    run_pytest: Callable[[Block], None] | None = None,
    run_cli: Callable[[list[str]], int] | None = None,
) -> PageRun:
    """Run every block of ``page`` in order in ``namespace``; raise ExampleFailed on the first
    block that raises. ``loop`` runs blocks with top-level await and must not be running."""
    outcome = PageRun([], [])
    for block in parse(page):
        if block.kind == "cli":
            _run_commands(block, placeholders or {}, run_cli)
            outcome.ran.append(block)
            continue
        code = compile_block(block, placeholders)
        if block.kind == "skip":
            outcome.skipped.append(block)
            continue
        if block.kind == "pytest":
            if run_pytest is None:
                raise ExampleFailed(f"{block.where}: a pytest example needs run_pytest")
            run_pytest(block)
            outcome.ran.append(block)
            continue
        try:
            if code.co_flags & inspect.CO_COROUTINE:
                loop.run_until_complete(eval(code, namespace))
            else:
                exec(code, namespace)
        except Exception as exc:
            raise ExampleFailed(
                f"{block.where}: the example raised {type(exc).__name__}: {exc}"
            ) from exc
        outcome.ran.append(block)
    return outcome


def _run_commands(
    block: Block, placeholders: Mapping[str, str], run_cli: Callable[[list[str]], int] | None
) -> None:
    if run_cli is None:
        raise ExampleFailed(f"{block.where}: a cli example needs run_cli")
    for offset, line in enumerate(block.code.splitlines()):
        words = shlex.split(os.path.expandvars(line), comments=True)
        if not words:
            continue
        where = f"{block.page.name}:{block.line + offset}"
        if words[0] != "ardent-async":
            raise ExampleFailed(f"{where}: a cli example runs ardent-async commands only")
        argv = [placeholders.get(word, word) for word in words[1:]]
        status = run_cli(argv)
        if status != 0:
            raise ExampleFailed(f"{where}: {line.strip()!r} exited with status {status}")
