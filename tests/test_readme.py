"""The README's examples are valid Python, and the mocking example runs as written."""

from __future__ import annotations

import ast
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)


def test_every_python_block_compiles() -> None:
    assert len(BLOCKS) >= 8
    for block in BLOCKS:
        compile(block, "README.md", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)


async def test_respx_mocking_example_runs() -> None:
    block = next(b for b in BLOCKS if "respx.mock" in b)
    code = compile(block, "README.md", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    result = eval(code, {})  # top-level await: eval returns a coroutine
    if result is not None:
        await result


async def test_per_call_options_example_runs() -> None:
    block = next(b for b in BLOCKS if "with_response" in b)
    code = compile(block, "README.md", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    result = eval(code, {})
    if result is not None:
        await result
