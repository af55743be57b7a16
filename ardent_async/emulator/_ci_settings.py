"""The branch fixtures' settings: command-line options, ini keys and environment alike.

An option wins over the environment, which wins over the ini file. The run id, when none is
given, comes from the CI's environment (stable across re-runs of the same job), else is random.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

DEFAULT_PREFIX = "ci"
# (CI, run variable, stable job-name variable): a retried job keeps its run and job name, so
# it reuses its branches; two jobs of one run differ by job name.
CI_RUN_VARIABLES = (
    ("gh", "GITHUB_RUN_ID", "GITHUB_JOB"),
    ("gl", "CI_PIPELINE_ID", "CI_JOB_NAME"),
    ("bk", "BUILDKITE_BUILD_ID", "BUILDKITE_STEP_KEY"),
    ("cc", "CIRCLE_WORKFLOW_ID", "CIRCLE_JOB"),
    ("jk", "BUILD_TAG", None),
)
MAX_RUN_ID = 40

# (option dest, flag, ini key, environment variable, help)
_TEXT_SETTINGS = (
    ("ardent_connector", "--ardent-connector", "ardent_connector", "ARDENT_CONNECTOR_ID",
     "connector to branch for the ardent_branch fixtures"),
    ("ardent_branch_prefix", "--ardent-branch-prefix", "ardent_branch_prefix",
     "ARDENT_BRANCH_PREFIX", f"first part of branch names (default {DEFAULT_PREFIX!r})"),
    ("ardent_run_id", "--ardent-run-id", "ardent_run_id", "ARDENT_RUN_ID",
     "run id in branch names (default: from the CI's environment, else random)"),
    ("ardent_emulator_seed", "--ardent-emulator-seed", "ardent_emulator_seed",
     "ARDENT_EMULATOR_SEED", "SQL file the --ardent-emulator source is built from"
     " (default: the sample source)"),
    ("ardent_manifest", "--ardent-manifest", "ardent_manifest", "ARDENT_MANIFEST",
     "write the branches this run used to this JSON file (for a cleanup job)"),
)  # fmt: skip


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("ardent", "Ardent branches for tests (ardent_branch fixtures)")
    for dest, flag, ini, env, help_text in _TEXT_SETTINGS:
        group.addoption(flag, dest=dest, default=None, help=f"{help_text}; env {env}")
        parser.addini(ini, f"{help_text} (ini)", default=None)
    group.addoption(
        "--ardent-emulator",
        dest="ardent_emulator",
        action="store_true",
        default=None,
        help="run the branch fixtures on one embedded emulator (real Postgres) for the whole"
        " run, xdist workers included; env ARDENT_EMULATOR=1",
    )
    parser.addini("ardent_emulator", "--ardent-emulator (ini)", type="bool", default=False)


@dataclasses.dataclass(frozen=True)
class Settings:
    connector: str | None
    prefix: str
    run_id: str
    emulator: bool
    seed: Path | None
    manifest: Path | None


def read_settings(config: pytest.Config, environ: Mapping[str, str] = os.environ) -> Settings:
    """The settings of this run (the controller's; workers get theirs from it)."""
    values = {
        dest: _text(config, dest, ini, env, environ) for dest, _, ini, env, _ in _TEXT_SETTINGS
    }
    seed, manifest = values["ardent_emulator_seed"], values["ardent_manifest"]
    return Settings(
        connector=values["ardent_connector"],
        prefix=_slug(values["ardent_branch_prefix"] or DEFAULT_PREFIX),
        run_id=_slug(values["ardent_run_id"] or ci_run_id(environ) or secrets.token_hex(4)),
        emulator=_emulator_flag(config, environ),
        seed=None if seed is None else Path(seed).resolve(),
        manifest=None if manifest is None else Path(manifest).resolve(),
    )


def ci_run_id(environ: Mapping[str, str]) -> str | None:
    """``gh-<run>-<job>`` and so on, from the first CI whose run variable is set; else None."""
    for short, run_var, job_var in CI_RUN_VARIABLES:
        run = environ.get(run_var)
        if run:
            job = environ.get(job_var, "") if job_var else ""
            return "-".join(part for part in (short, run, job) if part)
    return None


def _text(
    config: pytest.Config, dest: str, ini: str, env: str, environ: Mapping[str, str]
) -> str | None:
    value = config.getoption(dest) or environ.get(env) or config.getini(ini)
    return str(value).strip() or None if value else None


def _emulator_flag(config: pytest.Config, environ: Mapping[str, str]) -> bool:
    if config.getoption("ardent_emulator"):
        return True
    if environ.get("ARDENT_EMULATOR", "").strip().lower() in ("1", "true", "yes", "on"):
        return True
    return bool(config.getini("ardent_emulator"))


def _slug(text: str) -> str:
    """Lower-case letters, digits and dashes; a long one keeps its start and a short hash."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"
    if len(slug) <= MAX_RUN_ID:
        return slug
    digest = hashlib.sha256(slug.encode()).hexdigest()[:8]
    return f"{slug[: MAX_RUN_ID - 9].rstrip('-')}-{digest}"


@dataclasses.dataclass(frozen=True)
class RunInfo:
    """What every process of a run shares (the controller hands it to xdist workers)."""

    connector: str | None
    prefix: str
    run_id: str
    api_url: str | None = None
    """The run's emulator (``--ardent-emulator``); None: ``ARDENT_API_URL`` or the default."""
    token: str | None = dataclasses.field(default=None, repr=False)
    emulator: bool = False
    session_started_at: float = 0.0
    workers_prestarted: bool = False
    """xdist's controller started every worker's branch: a worker joins its own at once."""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunInfo:
        return cls(**data)

    def branch_name(self, *parts: str) -> str:
        return "-".join((self.prefix, self.run_id, *parts))
