"""The OpenAPI specs shipped with the package.

``ardent.json``: a JSON copy of ``openapi/ardent.yaml`` written by ``python -m codegen`` (so
reading it needs no YAML library); never edit it by hand: change the YAML and regenerate. Its
``$ref``s are resolved here, the one resolver (the agent tool schemas inline them, the
emulator's reply validator follows them).

``ardent-public-openapi.json``: the published description of the API, vendored unchanged: the
contract every reply is held to (the emulator's reply checks and the contract tests).
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

__all__ = ["dereference", "load_published_spec", "load_spec", "ref_target"]


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


def ref_target(ref: str, spec: dict[str, Any] | None = None) -> Any:
    """What a local ``$ref`` (``#/components/...``) points at in ``spec`` (default: the shipped
    spec). A ref that leaves the document or names nothing is a ``ValueError``/``KeyError``."""
    if not ref.startswith("#/"):
        raise ValueError(f"unsupported $ref {ref!r} (only local #/... refs are used)")
    node: Any = load_spec() if spec is None else spec
    for raw in ref[2:].split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")  # JSON Pointer escapes
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"the spec has no {ref!r}")
        node = node[part]
    return node


def dereference(node: Any, spec: dict[str, Any] | None = None) -> Any:
    """``node`` with its chain of ``$ref``s followed (a node without one is returned as is)."""
    seen: list[str] = []
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if ref in seen:
            raise ValueError(f"circular $ref chain: {' -> '.join((*seen, ref))}")
        seen.append(ref)
        node = ref_target(ref, spec)
    return node
