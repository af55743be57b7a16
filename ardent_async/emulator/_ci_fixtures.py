"""The branch fixtures (``ardent_branch`` and friends) and the hooks that run them.

Loaded in every pytest session where the SDK is installed: at import it needs pytest and the
stdlib only; the SDK, the emulator and asyncpg are imported when a test asks for a branch.
How a run goes: the first process (xdist's controller, or the only one) reads the settings and,
with ``--ardent-emulator``, starts one emulator; it hands the workers the run id and where to
branch (``workerinput``). Under ``-n N`` the controller also starts the N workers' branches
at its session start, while xdist is still starting the workers (a connector set for the run
means its tests branch); each worker then reuses or joins its own from its session start.
Otherwise each process that collected a test using a branch starts building its branch right
after collection, so all workers build at the same time. Workers send back what they built
(``workeroutput``); the first process writes the manifest (one record per branch) and stops
the emulator.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import pytest

from ._ci_settings import RunInfo, Settings, add_options, read_settings
from .ci_values import BranchDSN, CIBranch, SecretURL

if TYPE_CHECKING:
    from ._ci_branches import Builder
    from ._ci_emulator import SharedEmulator

WORKERINPUT_KEY = "ardent_ci"
BRANCH_FIXTURES = frozenset(
    {"ardent_branch", "ardent_branch_url", "ardent_branch_dsn", "ardent_fresh_branch"}
)
NO_CONNECTOR = (
    "the {fixture} fixture needs a connector to branch: --ardent-connector ID (or"
    " ARDENT_CONNECTOR_ID, or ini ardent_connector), or --ardent-emulator for a local one"
)
MANIFEST_NOTE = (
    "Branches this test run used. The public Ardent API has no branch delete: remove them"
    " with the connector (or keep them until the provider expires them)."
)


@dataclasses.dataclass
class RunState:
    """This process's part of the run."""

    worker: str
    settings: Settings | None = None  # the first process only
    info: RunInfo | None = None
    emulator: SharedEmulator | None = None
    builder: Builder | None = None
    worker_records: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    session_started_at: float = 0.0


RUN_STATE = pytest.StashKey[RunState]()


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    workerinput = getattr(config, "workerinput", None)
    if workerinput is None:
        config.stash[RUN_STATE] = RunState("main", settings=read_settings(config))
        return
    state = RunState(str(workerinput["workerid"]))
    shared = workerinput.get(WORKERINPUT_KEY)
    if shared is not None:
        state.info = RunInfo.from_dict(shared)
    config.stash[RUN_STATE] = state


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    state = session.config.stash.get(RUN_STATE, None)
    if state is None:
        return
    state.session_started_at = time.time()
    if state.settings is None:
        if state.info is not None and state.info.workers_prestarted:
            # The branch is being built anyway: fetch it while this worker collects.
            _builder(state, "ardent_branch").start(_worker_branch(state), kind="worker")
        return
    settings = state.settings
    info = RunInfo(
        settings.connector,
        settings.prefix,
        settings.run_id,
        session_started_at=state.session_started_at,
    )
    if settings.emulator:
        state.emulator = _start_emulator(settings)
        assert state.emulator.emulator is not None
        info = dataclasses.replace(
            info,
            connector=state.emulator.connector_id,
            api_url=state.emulator.emulator.base_url,
            token=state.emulator.emulator.token,
            emulator=True,
        )
    state.info = info
    _start_worker_branches(session.config, state)


def _xdist_workers(config: pytest.Config) -> list[str]:
    """The ids xdist gives the workers it is about to start (``-n N``: ``gw0``..), or none."""
    if not config.pluginmanager.has_plugin("dsession"):
        return []  # no xdist, or not distributing (``--collect-only``, ``-n 0``)
    count = config.getoption("numprocesses", None)
    if not isinstance(count, int) or count <= 0:
        return []  # workers from ``--tx`` specs: each starts its own build
    return [f"gw{index}" for index in range(len(config.getoption("tx", None) or ()))]


def _start_worker_branches(config: pytest.Config, state: RunState) -> None:
    """xdist's controller starts every worker's branch now, while xdist is still starting the
    workers (over a second): each worker's own build, under the same name and derived key,
    then reuses or joins it. A connector set for the run is taken to mean its tests branch."""
    workers = _xdist_workers(config)
    if not workers or state.info is None or state.info.connector is None:
        return
    builder = _builder(state, "ardent_branch")
    builder.start_for_workers({worker: state.info.branch_name(worker) for worker in workers})
    state.info = dataclasses.replace(state.info, workers_prestarted=True)


def _start_emulator(settings: Settings) -> SharedEmulator:
    try:
        from ._ci_emulator import SharedEmulator

        name = f"pytest-{settings.prefix}-{settings.run_id}"
        return SharedEmulator(seed=settings.seed, connector_name=name).start()
    except Exception as exc:
        raise pytest.UsageError(
            f"--ardent-emulator: the emulator did not start ({type(exc).__name__}: {exc});"
            " it needs the emulator extra: pip install 'ardent-async[emulator]'"
        ) from None


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist: hand a starting worker the run's settings (its run id above all)."""
    state = node.config.stash.get(RUN_STATE, None)
    if state is not None and state.info is not None:
        node.workerinput[WORKERINPUT_KEY] = state.info.to_dict()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """xdist: keep what a finished worker built, for the manifest."""
    state = node.config.stash.get(RUN_STATE, None)
    records = getattr(node, "workeroutput", {}).get(WORKERINPUT_KEY)
    if state is not None and records:
        state.worker_records.extend(records)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start this process's branch now if a collected test will need it (in parallel with
    every other worker's), so the first such test only waits for what is left."""
    state = session.config.stash.get(RUN_STATE, None)
    if state is None or state.info is None or state.info.connector is None:
        return
    if any(BRANCH_FIXTURES & set(getattr(item, "fixturenames", ())) for item in session.items):
        _builder(state, "ardent_branch").start(_worker_branch(state), kind="worker")


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    state = config.stash.get(RUN_STATE, None)
    if state is None:
        return
    records = []
    if state.builder is not None:
        state.builder.close()
        records = state.builder.records
    if state.settings is None:  # an xdist worker: the controller writes the manifest
        config.workeroutput[WORKERINPUT_KEY] = records  # type: ignore[attr-defined]
        return
    try:
        if state.settings.manifest is not None and state.info is not None:
            _write_manifest(state, _merged(state.worker_records, records))
    finally:
        if state.emulator is not None:
            state.emulator.stop()


def _write_manifest(state: RunState, records: list[dict[str, Any]]) -> None:
    assert state.settings is not None
    assert state.settings.manifest is not None
    assert state.info is not None
    info = state.info
    manifest = {
        "note": MANIFEST_NOTE,
        "run_id": info.run_id,
        "prefix": info.prefix,
        "connector_id": info.connector,
        "emulator": info.emulator,
        "session_started_at": info.session_started_at,
        "branches": sorted(records, key=lambda record: str(record["name"])),
    }
    path = state.settings.manifest
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def _merged(workers: list[dict[str, Any]], own: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One record per branch. A worker's branch the controller started (*own*) is recorded by
    both: the worker's record (when it held the branch) is kept, ``created`` if either created
    it, built from the first start; a branch no worker asked for keeps the controller's record
    (it exists all the same)."""
    merged = [dict(record) for record in workers]
    by_name = {str(record["name"]): record for record in merged}
    for record in own:
        kept = by_name.get(str(record["name"]))
        if kept is None:
            merged.append(dict(record))
            continue
        kept["created"] = bool(kept["created"] or record["created"])
        kept["build_started_at"] = min(kept["build_started_at"], record["build_started_at"])
    return merged


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, Any]:
    """A failed test's report names its branches and how to connect (password masked)."""
    report = yield
    if report.failed:
        values = getattr(item, "funcargs", {}).values()
        branches = {id(value): value for value in values if isinstance(value, CIBranch)}
        if branches:
            text = "\n".join(branch.how_to_connect() for branch in branches.values())
            longrepr = report.longrepr
            if hasattr(longrepr, "addsection"):
                longrepr.addsection("ardent branch", text)
            else:
                report.sections.append(("ardent branch", text))
    return report


@pytest.hookimpl(tryfirst=True)
def pytest_assertrepr_compare(op: str, left: object, right: object) -> list[str] | None:
    """Comparing a branch URL: no character diff (it would print the password)."""
    if not isinstance(left, SecretURL) and not isinstance(right, SecretURL):
        return None
    from .redaction import mask_url

    return [
        f"{mask_url(repr(left))} {op} {mask_url(repr(right))}",
        "(a branch connection string: compared without a diff, so its password stays masked)",
    ]


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def ardent_branch(request: pytest.FixtureRequest) -> CIBranch:
    """This worker's branch for the whole session: ``{prefix}-{run}-{worker}``, connectable."""
    state = request.config.stash[RUN_STATE]
    builder = _builder(state, "ardent_branch")
    return _result(builder, _worker_branch(state), kind="worker", test=None)


@pytest.fixture(scope="session")
def ardent_branch_url(ardent_branch: CIBranch) -> SecretURL:
    """``ardent_branch``'s connection URL (a ``str`` that prints with its password masked)."""
    return ardent_branch.url


@pytest.fixture(scope="session")
def ardent_branch_dsn(ardent_branch: CIBranch) -> BranchDSN:
    """``ardent_branch`` as a libpq DSN; ``host``, ``port``, ``user``... as attributes."""
    return ardent_branch.dsn


@pytest.fixture
def ardent_fresh_branch(request: pytest.FixtureRequest) -> CIBranch:
    """A branch of this test's own: ``{prefix}-{run}-t{hash of the test id}``, connectable."""
    state = request.config.stash[RUN_STATE]
    builder = _builder(state, "ardent_fresh_branch")
    nodeid = request.node.nodeid
    digest = hashlib.sha256(nodeid.encode()).hexdigest()[:10]
    assert state.info is not None
    return _result(builder, state.info.branch_name(f"t{digest}"), kind="fresh", test=nodeid)


def _worker_branch(state: RunState) -> str:
    assert state.info is not None
    return state.info.branch_name(state.worker)


def _builder(state: RunState, fixture: str) -> Builder:
    if state.info is None or state.info.connector is None:
        pytest.fail(NO_CONNECTOR.format(fixture=fixture), pytrace=False)
    if state.builder is None:
        from ._ci_branches import Builder

        state.builder = Builder(state.info, state.worker, state.session_started_at)
    return state.builder


def _result(builder: Builder, name: str, *, kind: str, test: str | None) -> CIBranch:
    from ardent_async.errors import ArdentError

    try:
        return builder.result(name, kind=kind, test=test)
    except ArdentError as exc:
        pytest.fail(f"branch {name}: {type(exc).__name__}: {exc}", pytrace=False)
