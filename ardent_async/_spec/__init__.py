"""The OpenAPI specs shipped with the package.

``ardent.json``: a JSON copy of ``openapi/ardent.yaml`` written by ``python -m codegen`` (so
reading it needs no YAML library); never edit it by hand: change the YAML and regenerate.

``ardent-public-openapi.json``: the published description of the API, vendored unchanged: the
contract every reply is held to (the emulator's reply checks and the contract tests).
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

__all__ = ["load_published_spec", "load_spec"]


@functools.lru_cache(maxsize=1)
def load_spec() -> dict[str, Any]:
    """The parsed spec. Cached: callers must not change it."""
    text = resources.files(__name__).joinpath("ardent.json").read_text(encoding="utf-8")
    spec: dict[str, Any] = json.loads(text)
    return spec


@functools.lru_cache(maxsize=1)
def load_published_spec() -> dict[str, Any]:
    """The published description, parsed. Cached: callers must not change it."""
    text = (
        resources.files(__name__).joinpath("ardent-public-openapi.json").read_text(encoding="utf-8")
    )
    spec: dict[str, Any] = json.loads(text)
    return spec
