"""Developer tasks. ``nox -s tests`` runs the suite on every Python 3.10-3.13 found."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.error_on_missing_interpreters = False
nox.options.sessions = ["lint", "typecheck", "codegen", "tests"]

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
DEV = ".[dev,httpx,emulator,cli]"


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The test suite (warnings are errors; see pyproject's pytest settings)."""
    session.install("-e", DEV)
    session.run("pytest", *session.posargs)


@nox.session(python="3.11")
def conformance(session: nox.Session) -> None:
    """schemathesis fuzzing of the emulator against openapi/ardent.yaml, with a bigger budget
    than the default test run (``-- -x`` etc. go to pytest)."""
    session.install("-e", DEV)
    session.env["ARDENT_CONFORMANCE_EXAMPLES"] = "60"
    session.run("pytest", "-m", "conformance", "tests/conformance", *session.posargs)


@nox.session(python="3.11")
def demo(session: nox.Session) -> None:
    """The main job: parallel branches on the embedded emulator (``-- --branches 50``)."""
    session.install("-e", ".[emulator,cli]")
    session.run("python", "-m", "ardent_async.demo", *session.posargs)


@nox.session(python="3.11")
def bench(session: nox.Session) -> None:
    """Benchmarks as ratios in one run; writes BENCHMARKS.md (``-- overhead fanout`` for some)."""
    session.install("-e", ".[emulator,cli]", "pydantic>=2", "openai")
    session.run("python", "-m", "bench", *session.posargs)


@nox.session(python="3.11")
def docs(session: nox.Session) -> None:
    """Build the docs site with warnings as errors: broken links, missing references and
    public symbols without docstrings fail it (``-- serve`` previews it instead)."""
    session.install("-e", ".[docs]")
    if session.posargs[:1] == ["serve"]:
        session.run("mkdocs", "serve", *session.posargs[1:])
        return
    session.run("mkdocs", "build", "--strict", "--site-dir", ".nox/docs-site", *session.posargs)


@nox.session(python="3.11")
def lint(session: nox.Session) -> None:
    """ruff lint and format check."""
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python="3.11")
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the package."""
    session.install("-e", DEV)
    session.run("mypy", "--strict", "ardent_async")


@nox.session(python="3.11")
def codegen(session: nox.Session) -> None:
    """Regenerate the models (``nox -s codegen -- --check`` only compares)."""
    session.install("-e", DEV)
    session.run("python", "-m", "codegen", *session.posargs)
    session.run("python", "-m", "codegen.sync_twin", *session.posargs)
