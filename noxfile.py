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
    """schemathesis fuzzing of the emulator against openapi/ardent.yaml and the published
    description (tests/conformance), with a bigger budget than the default test run (``-- -x``
    etc. go to pytest)."""
    session.install("-e", DEV)
    session.env["ARDENT_CONFORMANCE_EXAMPLES"] = "60"
    session.run("pytest", "-m", "conformance", "tests/conformance", *session.posargs)


@nox.session(python="3.11")
def demo(session: nox.Session) -> None:
    """The main job: parallel branches on the embedded emulator (``-- --branches 50``)."""
    session.install("-e", ".[emulator,cli]")
    session.run("python", "-m", "ardent_async.demo", *session.posargs)


# The published ardent-sdk releases the compat client stands in for, each with the httpx
# releases it is run against (httpx 0.28 sends raw UTF-8 JSON, <= 0.27 json.dumps' spaces).
PUBLISHED_SDK = [("0.3.5", "0.28.1"), ("0.3.5", "0.27.2"), ("0.8.0", "0.28.1")]


@nox.session(python="3.11")
def compat(session: nox.Session) -> None:
    """The published ardent-sdk releases, unchanged, against the emulator; then the same
    scenarios through ardent_async.compat with only the import changed: both must agree."""
    session.install("-e", DEV)  # the emulator validates its replies against the spec
    published = []
    for sdk, httpx in PUBLISHED_SDK:
        env = f"{session.virtualenv.location}-sdk{sdk}-httpx{httpx}"
        session.run(
            "uv", "venv", "--quiet", "--allow-existing", "--python", "3.11", env, external=True
        )
        python = f"{env}/bin/python"
        session.run(
            "uv", "pip", "install", "--quiet", "--python", python,
            f"ardent-sdk=={sdk}", f"httpx=={httpx}", external=True,
        )  # fmt: skip
        published += ["--published", f"{sdk}={python}"]
    session.run("python", "-m", "tests.compat.run", *published)


@nox.session(python="3.11")
def bench(session: nox.Session) -> None:
    """Benchmarks as ratios in one run; writes BENCHMARKS.md (``-- overhead fanout`` for some)."""
    session.install("-e", ".[emulator,cli]", "pydantic>=2", "openai")
    session.run("python", "-m", "bench", *session.posargs)


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
