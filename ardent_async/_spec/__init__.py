"""The OpenAPI spec shipped with the package: ``ardent.json``, written by ``python -m codegen``.

A JSON copy of ``openapi/ardent.yaml`` (so reading it needs no YAML library); never edit it by
hand: change the YAML and run ``python -m codegen``.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

__all__ = ["load_spec"]


@functools.lru_cache(maxsize=1)
def load_spec() -> dict[str, Any]:
    """The parsed spec. Cached: callers must not change it."""
    text = resources.files(__name__).joinpath("ardent.json").read_text(encoding="utf-8")
    spec: dict[str, Any] = json.loads(text)
    return spec
