"""The example harness fails on a broken example, and runs what it says it runs."""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.docs.harness import Block, ExampleFailed, parse, run_page

FENCE = "```"


def page(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "page.md"
    path.write_text(text.replace("~~~", FENCE))
    return path


def test_a_broken_example_fails_with_its_page_and_line(
    tmp_path: Path, page_loop: asyncio.AbstractEventLoop
) -> None:
    path = page(
        tmp_path,
        "# Title\n\n~~~python\nx = 1\n~~~\n\nText.\n\n~~~python\ny = x + 1\nassert y == 3\n~~~\n",
    )
    with pytest.raises(ExampleFailed, match=r"page\.md:10: the example raised AssertionError"):
        run_page(path, {}, page_loop)


def test_the_traceback_shows_the_markdown_line(
    tmp_path: Path, page_loop: asyncio.AbstractEventLoop
) -> None:
    path = page(tmp_path, "Intro\n\n~~~python\nvalue = {}\nvalue['missing']\n~~~\n")
    with pytest.raises(ExampleFailed) as caught:
        run_page(path, {}, page_loop)
    frames = traceback.extract_tb(caught.value.__cause__.__traceback__)
    assert (frames[-1].filename, frames[-1].lineno) == (str(path), 5)
    assert frames[-1].line == "value['missing']"


def test_a_syntax_error_fails(tmp_path: Path, page_loop: asyncio.AbstractEventLoop) -> None:
    path = page(tmp_path, "~~~python\ndef broken(:\n~~~\n")
    with pytest.raises(ExampleFailed, match="not valid Python"):
        run_page(path, {}, page_loop)


def test_blocks_share_a_namespace_in_order_with_await_and_asyncio_run(
    tmp_path: Path, page_loop: asyncio.AbstractEventLoop
) -> None:
    path = page(
        tmp_path,
        "~~~python\nimport asyncio\nseen = ['first']\n~~~\n"
        "<!-- docs-test: setup\nseen.append('hidden')\n-->\n"
        "~~~python\nawait asyncio.sleep(0)\nseen.append('awaited')\n~~~\n"
        "~~~python\nasync def main():\n    seen.append('script')\n\nasyncio.run(main())\n~~~\n",
    )
    namespace: dict[str, object] = {}
    outcome = run_page(path, namespace, page_loop)
    assert namespace["seen"] == ["first", "hidden", "awaited", "script"]
    assert [block.kind for block in outcome.ran] == ["run", "setup", "run", "run"]


def test_placeholder_ids_are_replaced(tmp_path: Path, page_loop: asyncio.AbstractEventLoop) -> None:
    path = page(tmp_path, "~~~python\nfound = ('conn_123', 'conn_1234')\n~~~\n")
    namespace: dict[str, object] = {}
    run_page(path, namespace, page_loop, placeholders={"conn_123": "conn_real"})
    assert namespace["found"] == ("conn_real", "conn_1234")


def test_a_skip_needs_a_reason_and_is_still_compiled(
    tmp_path: Path, page_loop: asyncio.AbstractEventLoop
) -> None:
    with pytest.raises(ExampleFailed, match="must say why"):
        parse(page(tmp_path, "<!-- docs-test: skip -->\n~~~python\nx = 1\n~~~\n"))
    blocks = parse(
        page(tmp_path, "<!-- docs-test: skip needs a model API key -->\n~~~python\nboom()\n~~~\n")
    )
    assert [(b.kind, b.reason) for b in blocks] == [("skip", "needs a model API key")]
    bad = page(tmp_path, "<!-- docs-test: skip reason -->\n~~~python\ndef broken(:\n~~~\n")
    with pytest.raises(ExampleFailed, match="not valid Python"):
        run_page(bad, {}, page_loop)


def test_a_failing_pytest_example_fails(
    tmp_path: Path,
    page_loop: asyncio.AbstractEventLoop,
    run_pytest_block: Callable[[Block], None],
) -> None:
    good = (
        "async def test_ok(ardent_client, ardent_emulator):\n"
        "    assert await ardent_client.projects.list(ardent_emulator.org_id) == []\n"
    )
    bad = "def test_bad():\n    assert 1 == 2\n"
    text = f"<!-- docs-test: pytest -->\n~~~python\n{good}~~~\n\n<!-- docs-test: pytest -->\n"
    path = page(tmp_path, text + f"~~~python\n{bad}~~~\n")
    with pytest.raises(ExampleFailed, match=r"page\.md:9: the example's tests failed"):
        run_page(path, {}, page_loop, run_pytest=run_pytest_block)


def test_cli_examples_run_each_command_and_fail_on_a_bad_status(
    tmp_path: Path, page_loop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCS_PROBE_URL", "postgresql://u:p@h/db")
    text = (
        "<!-- docs-test: cli -->\n~~~bash\n"
        "ardent-async projects list --org-id org_123   # a comment\n\n"
        'ardent-async connectors preflight --url "$DOCS_PROBE_URL"\n~~~\n'
        "~~~bash\npip install never-run\n~~~\n"
    )
    calls: list[list[str]] = []

    def fake_cli(argv: list[str]) -> int:
        calls.append(argv)
        return 0 if len(calls) == 1 else 1

    with pytest.raises(ExampleFailed, match=r"page\.md:5: .* exited with status 1"):
        run_page(
            page(tmp_path, text),
            {},
            page_loop,
            placeholders={"org_123": "org_real"},
            run_cli=fake_cli,
        )
    assert calls == [
        ["projects", "list", "--org-id", "org_real"],
        ["connectors", "preflight", "--url", "postgresql://u:p@h/db"],
    ]
