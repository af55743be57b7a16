"""Every Python example in README.md and docs/ runs, in order, against the emulator.

See ``tests/docs/harness.py`` for the markers (hidden setup, the rare skip, pytest examples) and
the placeholder ids (``"conn_123"`` is a real, ready connector when the example runs).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ardent_async import cli
from tests.docs.harness import Block, parse, run_page

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"), key=str)]
WITH_EXAMPLES = [page for page in PAGES if parse(page)]


def test_the_docs_have_examples() -> None:
    blocks = [block for page in PAGES for block in parse(page)]
    assert len(WITH_EXAMPLES) >= 10
    assert sum(block.kind == "run" for block in blocks) >= 35
    skipped = [block for block in blocks if block.kind == "skip"]
    # Opting out is the rare exception: each one names its reason.
    assert len(skipped) <= 5, [block.where for block in skipped]


@pytest.mark.parametrize("page", WITH_EXAMPLES, ids=lambda page: str(page.relative_to(ROOT)))
def test_page_examples_run(
    page: Path,
    page_seed: tuple[dict[str, Any], dict[str, str]],
    page_loop: asyncio.AbstractEventLoop,
    run_pytest_block: Callable[[Block], None],
) -> None:
    namespace, placeholders = page_seed
    outcome = run_page(
        page,
        namespace,
        page_loop,
        placeholders=placeholders,
        run_pytest=run_pytest_block,
        run_cli=cli.main,
    )
    assert outcome.ran, f"{page.name}: no example ran"


def test_the_readme_links_into_the_docs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\((?!https?:)([^)#]+)", readme)
    assert len(links) >= 10
    assert [link for link in links if not (ROOT / link).is_file()] == []


# The pages a newcomer copies from first: every Python example there runs as a file
# (`python example.py`), so none may use top-level `await`.
AS_FILES = [ROOT / "README.md", ROOT / "docs" / "getting-started.md"]


@pytest.mark.parametrize("page", AS_FILES, ids=lambda page: page.name)
def test_first_pages_examples_run_as_files(page: Path) -> None:
    blocks = [block for block in parse(page) if block.kind == "run"]
    assert blocks
    for block in blocks:
        try:
            compile(block.code, block.where, "exec")  # no top-level await allowed
        except SyntaxError as exc:
            pytest.fail(f"{block.where}: does not run as a file: {exc}")
