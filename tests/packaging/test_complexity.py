"""Functions short enough to hold in one's head: cyclomatic complexity (radon's measure, as
``radon cc`` reports it) at most 15 in the SDK and 20 in the emulator.

No function is over its limit today. ``ALLOWED`` is kept (empty) for a function that must go
over for a while, listed with its complexity: such an entry may only shrink (a higher figure
fails), and one back within the limit must be removed (so the list only gets shorter).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from radon.complexity import add_inner_blocks, cc_visit

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "ardent_async"
SDK_LIMIT = 15
EMULATOR_LIMIT = 20

# "module path:qualified name" -> its complexity when listed: a function over the limit that is
# allowed, for a while, at that figure. Empty now; an entry may only shrink, and one back
# within the limit must be removed (the tests below say so).
ALLOWED: dict[str, int] = {}


def limit_for(relative: str) -> int:
    return EMULATOR_LIMIT if relative.startswith("ardent_async/emulator/") else SDK_LIMIT


def complexities(source: str, relative: str) -> dict[str, int]:
    """Every function's and method's complexity in ``source``, by ``path:qualified name``."""
    return {
        f"{relative}:{block.fullname}": block.complexity
        for block in add_inner_blocks(cc_visit(source))
        if not hasattr(block, "methods")  # a class's own figure is its methods' average
    }


def violations(measured: dict[str, int], allowed: dict[str, int]) -> list[str]:
    """What breaks the rule: a function over its file's limit and not allowed at its figure."""
    found = []
    for name, complexity in sorted(measured.items()):
        limit = max(limit_for(name), allowed.get(name, 0))
        if complexity > limit:
            found.append(f"{name} has complexity {complexity} (limit {limit})")
    return found


def measure_package() -> dict[str, int]:
    measured: dict[str, int] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        measured.update(complexities(path.read_text(encoding="utf-8"), relative))
    return measured


@pytest.fixture(scope="module")
def measured() -> dict[str, int]:
    return measure_package()


def test_no_function_is_over_the_limit(measured: dict[str, int]) -> None:
    assert violations(measured, ALLOWED) == []


def test_the_allowlist_only_shrinks(measured: dict[str, int]) -> None:
    stale = [
        f"{name}: now {measured[name]} (limit {limit_for(name)}), remove it from ALLOWED"
        if name in measured
        else f"{name}: no such function any more, remove it from ALLOWED"
        for name in ALLOWED
        if measured.get(name, 0) <= limit_for(name)
    ]
    assert stale == []


def test_the_package_is_measured(measured: dict[str, int]) -> None:
    # The pipeline's send loop and the emulator's modules are among what is measured.
    assert "ardent_async/_core/_pipeline.py:Pipeline.send" in measured
    assert any(name.startswith("ardent_async/emulator/") for name in measured)


_BRANCHY = "\n".join(
    ["def planted(x):"]
    + [f"    if x == {i}:\n        return {i}" for i in range(16)]
    + ["    return -1"]
)


def test_a_planted_violation_fails() -> None:
    # 16 ifs: complexity 17, over the SDK's 15 but within the emulator's 20.
    sdk = complexities(_BRANCHY, "ardent_async/_planted.py")
    assert sdk == {"ardent_async/_planted.py:planted": 17}
    assert violations(sdk, ALLOWED) == [
        "ardent_async/_planted.py:planted has complexity 17 (limit 15)"
    ]
    assert violations(complexities(_BRANCHY, "ardent_async/emulator/_planted.py"), {}) == []
    # A method and a function nested in one are measured too, by radon's qualified names.
    method = "class Planted:\n" + _indented(_BRANCHY.replace("(x)", "(self, x)"))
    assert violations(complexities(method, "ardent_async/_planted.py"), {}) == [
        "ardent_async/_planted.py:Planted.planted has complexity 17 (limit 15)"
    ]
    nested = "class Planted:\n    def method(self, x):\n" + _indented(_indented(_BRANCHY))
    assert violations(complexities(nested, "ardent_async/_planted.py"), {}) == [
        "ardent_async/_planted.py:method.planted has complexity 17 (limit 15)"
    ]


def _indented(source: str) -> str:
    return "\n".join("    " + line for line in source.splitlines())


def test_an_allowed_entry_cannot_grow() -> None:
    sdk = complexities(_BRANCHY, "ardent_async/_planted.py")
    assert violations(sdk, {"ardent_async/_planted.py:planted": 17}) == []
    assert violations(sdk, {"ardent_async/_planted.py:planted": 16}) == [
        "ardent_async/_planted.py:planted has complexity 17 (limit 16)"
    ]
