"""Response validation against the spec (for tests; needs ``jsonschema``).

The spec is the package's JSON copy of ``openapi/ardent.yaml`` (``ardent_async._spec``), or a
YAML/JSON file given by path (YAML needs pyyaml).

:class:`SpecValidator` checks one reply: its status is documented for the operation (or is a
generic error status), and its JSON body validates against the documented schema, ``$ref``s
resolved, and ``x-timestamp`` strings held to RFC 3339 (the emulator's replies stay realistic
even though any string is allowed). Then, with ``published=True`` (the default), it checks the
reply against the **published** description (``ardent_async._spec.load_published_spec``) too:
a status that one documents for the operation must carry a body its schema allows. Statuses it
does not list (401 everywhere, most 404s) are its known gaps and are not checked there.
:func:`response_validation_middleware` applies it to every reply of an emulator and turns a
mismatch into a loud 500 (and a recorded failure).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aiohttp import web

from ardent_async._spec import dereference, load_published_spec, load_spec

from . import context
from .routes._base import Handler

#: Error statuses any operation may answer (auth, visibility, conflicts, throttling, faults).
GENERIC_ERROR_STATUSES = frozenset({401, 403, 404, 405, 409, 413, 422, 429, 500, 503})
ERROR_SCHEMA_REF = "#/components/schemas/ErrorResponse"
METHODS = ("get", "put", "post", "delete", "patch")


class SpecMismatch(AssertionError):
    """A reply does not match the spec."""


class SpecValidator:
    """Validate replies against the OpenAPI document (default: the package's copy)."""

    def __init__(self, spec_path: Path | None = None, *, published: bool = True) -> None:
        self.spec: dict[str, Any] = load_spec() if spec_path is None else _read(spec_path)
        self.published: dict[str, Any] | None = load_published_spec() if published else None
        self.failures: list[str] = []
        self.checked = 0
        self._validators: dict[str, Any] = {}
        self._components = _timestamps_as_date_time(self.spec["components"])

    def operation(self, method: str, template: str) -> dict[str, Any] | None:
        """The spec's operation for ``method`` and path ``template``, or None."""
        item = self.spec["paths"].get(template)
        if item is None:
            return None
        op: dict[str, Any] | None = item.get(method.lower())
        return op

    def _validator(self, schema: dict[str, Any]) -> Any:
        from jsonschema import Draft202012Validator  # type: ignore[import-untyped, unused-ignore]

        key = json.dumps(schema, sort_keys=True)
        found = self._validators.get(key)
        if found is None:
            root = {**_timestamps_as_date_time(schema), "components": self._components}
            found = Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)
            self._validators[key] = found
        return found

    def problems(
        self,
        method: str,
        template: str | None,
        status: int,
        content_type: str | None,
        body: bytes | None,
    ) -> list[str]:
        """What is wrong with this reply (empty: it matches the spec and the published one)."""
        self.checked += 1
        problems = self._problems(method, template, status, content_type, body)
        if self.published is not None and template is not None:
            problems += self._published_problems(method, template, status, body)
        return problems

    def _published_problems(
        self, method: str, template: str, status: int, body: bytes | None
    ) -> list[str]:
        assert self.published is not None
        item = self.published["paths"].get(template) or {}
        op = item.get(method.lower())
        if op is None:
            return []  # legacy routes: not in the published description
        response = op["responses"].get(str(status))
        if response is None:
            return []  # a status it does not list: a known gap (see README)
        where = f"{method} {template} -> {status} (published spec)"
        media = (response.get("content") or {}).get("application/json")
        if media is None:
            # Its error statuses describe no body at all (a gap, not a promise of none).
            if body and status < 400:
                return [f"{where}: documented without a body, but the reply has one"]
            return []
        try:
            data = json.loads(body or b"")
        except ValueError:
            return [f"{where}: the body is not JSON"]
        from jsonschema import Draft202012Validator  # type: ignore[import-untyped, unused-ignore]

        key = f"published {method} {template} {status}"
        check = self._validators.get(key)
        if check is None:
            root = {**media["schema"], "components": self.published["components"]}
            check = self._validators[key] = Draft202012Validator(root)
        errors = sorted(check.iter_errors(data), key=lambda e: list(e.path))
        return [
            f"{where}: {'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
            for error in errors[:5]
        ]

    def _problems(
        self,
        method: str,
        template: str | None,
        status: int,
        content_type: str | None,
        body: bytes | None,
    ) -> list[str]:
        where = f"{method} {template or '(no route)'} -> {status}"
        op = self.operation(method, template) if template else None
        if template is not None and op is None:
            return [f"{where}: the operation is not in the spec"]
        documented = dereference(op["responses"].get(str(status)), self.spec) if op else None
        if documented is None:
            if status not in GENERIC_ERROR_STATUSES:
                return [f"{where}: status {status} is not documented for this operation"]
            schema: dict[str, Any] | None = {"$ref": ERROR_SCHEMA_REF}
        else:
            content = documented.get("content") or {}
            media = content.get("application/json")
            schema = media.get("schema") if media else None
            if not content:
                if body:
                    return [f"{where}: documented without a body, but the reply has one"]
                return []
        if content_type != "application/json":
            return [f"{where}: content type {content_type!r}, expected application/json"]
        try:
            data = json.loads(body or b"")
        except ValueError:
            return [f"{where}: the body is not JSON"]
        if schema is None:
            return []
        errors = sorted(self._validator(schema).iter_errors(data), key=lambda e: list(e.path))
        return [
            f"{where}: {'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
            for error in errors[:5]
        ]

    def assert_clean(self) -> None:
        """Raise AssertionError listing every reply that did not match the spec."""
        if self.failures:
            raise SpecMismatch(
                f"{len(self.failures)} repl(ies) did not match the spec:\n"
                + "\n".join(self.failures)
            )


def _timestamps_as_date_time(node: Any) -> Any:
    """A copy of ``node`` where ``x-timestamp`` fields also carry ``format: date-time``."""
    if isinstance(node, list):
        return [_timestamps_as_date_time(n) for n in node]
    if not isinstance(node, dict):
        return node
    copied = {k: _timestamps_as_date_time(v) for k, v in node.items()}
    if node.get("x-timestamp"):
        copied["format"] = "date-time"
    return copied


def _read(path: Path) -> dict[str, Any]:
    text = path.read_text()
    if path.suffix == ".json":
        data: dict[str, Any] = json.loads(text)
        return data
    import yaml  # type: ignore[import-untyped, unused-ignore]

    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def response_validation_middleware(validator: SpecValidator) -> Any:
    """An aiohttp middleware validating every ``/v1`` reply; a mismatch becomes a 500."""

    @web.middleware
    async def check_response(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        if not request.path.startswith("/v1") or context.current().dropped:
            return response
        matched = request.match_info.http_exception is None
        resource = request.match_info.route.resource
        template = resource.canonical if matched and resource is not None else None
        body = response.body if isinstance(response, web.Response) else None
        problems = validator.problems(
            request.method,
            template,
            response.status,
            response.content_type if body else None,
            body if isinstance(body, bytes) else None,
        )
        if not problems:
            return response
        validator.failures.extend(problems)
        return web.json_response(
            {"detail": "emulator reply does not match the spec: " + "; ".join(problems)},
            status=500,
        )

    return check_response
