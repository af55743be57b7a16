"""What the docs site shows around the examples."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"
# The copy button covers the right end of a block's first line: at the site's width a line
# of more than about 80 characters runs under it.
UNDER_THE_COPY_BUTTON = 80


def test_no_comment_on_a_first_line_runs_under_the_copy_button() -> None:
    covered = []
    for page in sorted(DOCS.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        for block in re.finditer(r"^```\w*\n(.*?)\n", text, flags=re.M):
            first = block.group(1)
            if "#" in first and len(first) > UNDER_THE_COPY_BUTTON:
                line = text.count("\n", 0, block.start(1)) + 1
                covered.append(f"{page.name}:{line}: {first}")
    assert covered == []
