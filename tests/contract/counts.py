"""What the contract tests served, for the summary printed by conftest (no heavy imports)."""

from __future__ import annotations

#: "METHOD /path (status)" -> [allowed replies decoded, broken replies refused]
TRIED: dict[str, list[int]] = {}
