"""``python -m codegen [--check] [--spec PATH] [--out DIR]``: regenerate from the OpenAPI spec.

It writes the attrs models (``ardent_async/models/_generated.py``) and the endpoint table
(``ardent_async/_spec/endpoints.py``, see ``codegen/endpoints.py``).

It also writes a JSON copy of the spec into the package (``ardent_async/_spec/ardent.json``), so
the installed SDK can read the spec (agent tool schemas) without PyYAML, and the spec's enums,
limits and defaults as Python constants (``ardent_async/_spec/constants.py``, see
``codegen/constants.py``).

datamodel-code-generator has no attrs output type, so it runs with the dataclass model type and
the templates in ``codegen/templates``, which emit ``@attrs.define`` classes and open enums. The
result is made deterministic (no timestamp, fixed options) and formatted with ruff, so the
committed file must equal a fresh generation byte for byte; ``--check`` enforces that.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from codegen import constants, endpoints

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "ardent.yaml"
TEMPLATES = Path(__file__).resolve().parent / "templates"
TARGET = ROOT / "ardent_async" / "models" / "_generated.py"
SPEC_COPY = ROOT / "ardent_async" / "_spec" / "ardent.json"
CONSTANTS = ROOT / "ardent_async" / "_spec" / "constants.py"
ENDPOINTS = ROOT / "ardent_async" / "_spec" / "endpoints.py"
CALLS = ROOT / "ardent_async" / "_spec" / "endpoint_calls.py"

HEADER = '''\
"""Attrs models of the Ardent API, generated from ``openapi/ardent.yaml``.

DO NOT EDIT: run ``python -m codegen`` (or ``nox -s codegen``) after changing the spec.
"""
'''

GENERATOR_ARGS = [
    "--input-file-type=openapi",
    "--output-model-type=dataclasses.dataclass",
    "--use-standard-collections",
    "--use-union-operator",
    "--target-python-version=3.10",
    "--disable-timestamp",
    "--use-schema-description",
    "--use-field-description",
    "--output-datetime-class=datetime",
    "--keep-model-order",
    "--capitalise-enum-members",
    "--no-formatters",
    "--field-extra-keys-without-x-prefix",
    "x-sensitive",
    "x-timestamp",
]

# Schema markers (see the spec's info.description) that become class constants the converter
# reads: name in the spec -> template variable.
CLASS_MARKERS = {"x-tolerant": "open_schema", "x-any-json": "any_json"}

# The dataclass model type writes dataclass imports; the templates need attrs and OpenEnum.
IMPORT_REWRITES = {
    "from dataclasses import dataclass, field\n": "import attrs\n",
    "from dataclasses import dataclass\n": "import attrs\n",
    "from enum import Enum\n": "from ardent_async.models._base import OpenEnum\n",
    "import attrs\n": "import attrs\n\nfrom ardent_async._core._redact import redacted_repr\n",
    # Timestamps (x-timestamp) are ``datetime | str``; markers are ClassVars. Unused ones go.
    "from __future__ import annotations\n": (
        "from __future__ import annotations\n\nfrom datetime import datetime\n"
        "from typing import ClassVar\n"
    ),
}


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        raise SystemExit(f"codegen: `{name}` is not installed (pip install -e '.[dev]')")
    return found


def template_data(spec_path: Path = SPEC) -> str:
    """Per-model template variables from the schema markers, as JSON for the generator."""
    schemas = yaml.safe_load(spec_path.read_text(encoding="utf-8"))["components"]["schemas"]
    data = {
        name: {var: True for marker, var in CLASS_MARKERS.items() if schema.get(marker)}
        for name, schema in schemas.items()
    }
    return json.dumps({name: vars for name, vars in data.items() if vars}, sort_keys=True)


def generate(spec_path: Path = SPEC) -> str:
    """Return the formatted source of the models module for the spec at ``spec_path``."""
    with tempfile.TemporaryDirectory() as tmp:
        markers = Path(tmp) / "markers.json"
        markers.write_text(template_data(spec_path), encoding="utf-8")
        raw = Path(tmp) / "_generated.py"
        subprocess.run(
            [
                _tool("datamodel-codegen"),
                f"--input={spec_path}",
                f"--output={raw}",
                f"--custom-template-dir={TEMPLATES}",
                f"--extra-template-data={markers}",
                *GENERATOR_ARGS,
            ],
            check=True,
            cwd=ROOT,
        )
        text = raw.read_text(encoding="utf-8")
        body = (
            "from __future__ import annotations"
            + text.split("from __future__ import annotations", 1)[1]
        )
        for old, new in IMPORT_REWRITES.items():
            body = body.replace(old, new, 1)
        names = sorted(re.findall(r"^class (\w+)", body, flags=re.MULTILINE))
        exports = "\n\n__all__ = [\n" + "".join(f'    "{n}",\n' for n in names) + "]\n"
        source = HEADER + "\n" + body.rstrip() + "\n" + exports
        raw.write_text(source, encoding="utf-8")
        ruff = _tool("ruff")
        config = f"--config={ROOT / 'pyproject.toml'}"
        subprocess.run(
            [ruff, "check", "--quiet", config, "--select=I,F401", "--fix", str(raw)],
            check=True,
        )
        subprocess.run([ruff, "format", "--quiet", config, str(raw)], check=True)
        return raw.read_text(encoding="utf-8")


def spec_json(spec: dict[str, object]) -> str:
    """The spec as deterministic JSON (key order as written, YAML anchors expanded)."""
    return json.dumps(spec, indent=1, ensure_ascii=False) + "\n"


def outputs(spec_path: Path = SPEC, root: Path = ROOT) -> dict[Path, str]:
    """What codegen writes for the spec at ``spec_path``, by target under ``root``."""
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    return {
        root / TARGET.relative_to(ROOT): generate(spec_path),
        root / SPEC_COPY.relative_to(ROOT): spec_json(spec),
        root / CONSTANTS.relative_to(ROOT): constants.generate(spec),
        root / ENDPOINTS.relative_to(ROOT): endpoints.generate(spec),
        root / CALLS.relative_to(ROOT): _formatted(endpoints.generate_calls(spec), CALLS),
    }


def _formatted(source: str, target: Path) -> str:
    """``source`` as ruff formats it (with the project's settings) for ``target``."""
    ruff = _tool("ruff")
    config = f"--config={ROOT / 'pyproject.toml'}"
    return subprocess.run(
        [ruff, "format", "--quiet", config, f"--stdin-filename={target}", "-"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _shown(target: Path, root: Path) -> str:
    return str(target.relative_to(root))


def _stale(target: Path, fresh: str, root: Path) -> bool:
    """Print a diff and return True when ``target`` differs from ``fresh``."""
    current = target.read_text(encoding="utf-8") if target.exists() else ""
    if fresh == current:
        print(f"codegen: {_shown(target, root)} is up to date")
        return False
    diff = difflib.unified_diff(
        current.splitlines(keepends=True),
        fresh.splitlines(keepends=True),
        fromfile=f"{_shown(target, root)} (committed)",
        tofile=f"{_shown(target, root)} (generated)",
    )
    sys.stdout.writelines(diff)
    print(f"\ncodegen: {_shown(target, root)} is stale; run `python -m codegen`")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__)
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 with a diff when the committed files differ from a fresh generation",
    )
    parser.add_argument(
        "--spec", type=Path, default=SPEC, help="the spec to read (default: openapi/ardent.yaml)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT,
        help="the directory the package tree is written under (default: the repository)",
    )
    args = parser.parse_args(argv)
    root = args.out.resolve()
    fresh = outputs(args.spec.resolve(), root)
    if args.check:
        stale = [target for target, text in fresh.items() if _stale(target, text, root)]
        return 1 if stale else 0
    for target, text in fresh.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"codegen: wrote {_shown(target, root)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
