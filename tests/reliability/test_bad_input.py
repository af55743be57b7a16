"""Bad input on every public method: refused with ArdentValidationError naming the parameter,
before any request; ids with URL characters are refused or escaped, never another path.

The methods are found by introspection (every public method of every service on the client,
the operation poller, and the client's seed shortcuts), and every parameter of each must have
an entry in ``PARAMETERS``: a new method or parameter without bad-input cases fails here.

For each parameter, the method is called with every other argument valid and one bad value.
Refusals must raise ArdentValidationError whose ``field`` names that parameter, with no request
sent (respx records none). Ids may instead be sent percent-escaped: then the request must be
the valid call's request with exactly that id replaced by its escaped form (same path
otherwise, nothing added to the query), proven against the raw bytes respx received.
"""

from __future__ import annotations

import collections
import dataclasses
import inspect
import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import pytest
import respx

from ardent_async import ArdentClient, ArdentError, ArdentValidationError
from ardent_async._core._converter import converter
from ardent_async._core._transport._httpx import HttpxTransport
from ardent_async._spec import load_spec
from ardent_async._spec.endpoints import ENDPOINTS
from tests.contract.replies import minimal
from tests.fakes import FakeClock
from tests.reports import report
from tests.spine.scripted import AiohttpBackend, Reply

BASE_URL = "https://api.test"
# A valid id is a unique plain token, so it can be found in the request the valid call sends.
IDS = {
    "org_id": "zzorgzz",
    "project_id": "zzprojectzz",
    "connector_id": "zzconnectorzz",
    "quarantine_id": "zzquarantinezz",
    "operation_id": "zzoperationzz",
    "user_id": "zzuserzz",
    "invite_id": "zzinvitezz",
    "api_key_id": "zzapikeyzz",
    "environment_id": "zzenvironmentzz",
    "private_link_id": "zzprivatelinkzz",
    "job_id": "zzjobzz",
    "config_id": "zzconfigzz",
    "id": "zzidzz",
}

# -- bad values, by kind of parameter --------------------------------------------------------

WRONG_TYPES: list[Any] = [123, 1.5, b"bytes", ["list"], True, object()]
REFUSED_IDS: list[Any] = [
    "",
    "   ",
    "a/b",
    "/",
    "/v1/orgs",
    "../x",
    "..",
    ".",
    "a\\b",
    "x\n",
    "\x00",
    "\tx",
]
# Legal in an id, dangerous in a URL: must be refused or percent-escaped.
ESCAPED_IDS = ["?x", "#x", "a?b#c", "x&y=1", "%2e%2e", "%2F", "x y", "ü", ";x", "..."]


@dataclasses.dataclass(frozen=True)
class Kind:
    """A kind of parameter: values it must refuse (and, for ids, ones to refuse or escape)."""

    name: str
    refused: tuple[Any, ...]
    escapable: tuple[str, ...] = ()


def identifier(*, optional: bool = False) -> Kind:
    required = () if optional else (None,)
    return Kind("id", (*required, *WRONG_TYPES, *REFUSED_IDS), tuple(ESCAPED_IDS))


def text(*, optional: bool = False, max_length: int | None = None) -> Kind:
    too_long = () if max_length is None else ("x" * (max_length + 1),)
    required = () if optional else (None,)
    return Kind("text", (*required, *WRONG_TYPES, "", "   ", *too_long))


def number(
    low: float, high: float | None, *, optional: bool = False, exclusive_low: bool = False
) -> Kind:
    out = [low - 1, -1e9, float("-inf")]
    if exclusive_low:
        out.append(low)
    if high is not None:
        out += [high + 0.5, 1e9, float("inf")]
    required = () if optional else (None,)
    return Kind("number", (*required, "5", b"5", True, False, float("nan"), [1], *out))


def integer(low: int, high: int | None = None, *, optional: bool = False) -> Kind:
    out = [low - 1, -(10**9)]
    if high is not None:
        out += [high + 1, 10**9]
    required = () if optional else (None,)
    return Kind("integer", (*required, 2.5, "3", True, float("nan"), *out))


def choice(*, optional: bool = False) -> Kind:
    required = () if optional else (None,)
    return Kind("choice", (*required, "superuser", "", "OWNER", " member", 3, ["member"]))


def strings(*, optional: bool = False, non_empty: bool = False) -> Kind:
    empty = ([],) if non_empty else ()
    required = () if optional else (None,)
    return Kind("strings", (*required, "abc", b"ab", 5, {"a": 1}, [1], [""], [None], *empty))


FLAG = Kind("flag", (None, "true", "yes", 1, 0, 1.0, []))
MAPPING = Kind("mapping", (None, "x", ["a"], 5, {}, {1: "a"}, {"": "a"}))
OPTIONAL_MAPPING = Kind("mapping", ("x", ["a"], 5, {}, {1: "a"}))
EMAIL = Kind("email", (None, 5, "", "nope", "a@b", "a b@c.d", "@c.d", "a@@c.d", "a@c.d@e"))
HEADER_KEY = Kind("header", ("", " ", "a\nb", "ü", 5, b"key"))  # no length limit in the spec
CALLBACK = Kind("callable", (5, "print", [print]))
NAMES = Kind(
    "names",
    (None, "abc", b"ab", 5, {"a": 1}, ["a", ""], ["a", 3], ["a", "a"], ["a", "  "]),
)
DECISIONS = Kind(
    "decisions",
    (*MAPPING.refused, {"public.t": "drop"}, {"public.t": ""}, {"public.t": 3}, {"t": None}),
)
OPERATION_IDS = Kind(
    "operation ids", (None, "abc", b"ab", 5, {"a": 1}, [""], ["a/b"], [5], [None], ["ok", ".."])
)
SERVICE_TYPE = Kind("service_type", (*text().refused, "postgresql"))  # any length, as published
JOB = Kind(
    "job",
    (None, 5, "job", [], {}, {"id": ""}, {"id": "a/b"}, {"id": 5}, {"id": "j", "userID": 5}),
)
IF_EXISTS = Kind("if_exists", (None, "", "keep", "REUSE", 1))
UNTIL = Kind("until", (None, "", "connected", "READY", 1))
CONFIG_TYPE = Kind("config_type", (None, 5, "", "nosuch", "postgresql", "MYSQL"))
VALID_CONFIG = {
    "Hostname": "db.internal",
    "Port": "5432",
    "username": "u",
    "password": "pw",
    "databases": [{"name": "app"}],
}
# ``**params`` of configs.set: each case changes the valid keywords and names the bad one.
CONFIG_PARAMS: list[tuple[dict[str, Any], str]] = [
    ({k: v for k, v in VALID_CONFIG.items() if k != "Hostname"}, "Hostname"),
    ({**VALID_CONFIG, "Port": "http"}, "Port"),
    ({**VALID_CONFIG, "Port": 70000}, "Port"),
    ({**VALID_CONFIG, "Port": True}, "Port"),
    ({**VALID_CONFIG, "Hostnme": "db"}, "Hostnme"),
    ({**VALID_CONFIG, "Hostname": ""}, "Hostname"),
    ({**VALID_CONFIG, "password": 5}, "password"),
    ({**VALID_CONFIG, "databases": "app"}, "databases"),
    ({**VALID_CONFIG, "databases": {"name": "app"}}, "databases"),
    ({**VALID_CONFIG, "databases": [{"nme": "app"}]}, "databases[0].nme"),
    ({**VALID_CONFIG, "databases": [{"name": ""}]}, "databases[0].name"),
]

ID, OPTIONAL_ID = identifier(), identifier(optional=True)
TEXT, OPTIONAL_TEXT = text(), text(optional=True)

# -- every public method: its valid arguments and the kind of each parameter -----------------

SOURCE = {"url": "postgresql://u:pw@db.internal:5432/app"}


@dataclasses.dataclass(frozen=True)
class Method:
    valid: dict[str, Any]
    kinds: dict[str, Kind | str]
    # Arguments that must change for a parameter's checks to be reached (or to be valid).
    context: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)


def _ids(*names: str) -> dict[str, str]:
    return {name: IDS[name] for name in names}


WAIT = {"timeout": number(0.001, None)}
PREFLIGHT_KINDS: dict[str, Kind | str] = {
    "connection_details": MAPPING,
    "service_name": TEXT,
    "org_id": OPTIONAL_ID,
    "selected_schemas": strings(optional=True),
    "database": OPTIONAL_TEXT,
    "environment_id": OPTIONAL_ID,
    "private_link_id": OPTIONAL_ID,
    "use_environment": FLAG,
    "allow_high_rtt_placement": FLAG,
}
# A private link is only valid with use_environment=True; test its checks in that setting.
PRIVATE_LINK = {"private_link_id": {"use_environment": True}}

PARAMETERS: dict[str, Method] = {
    # client shortcuts (seed-compatible)
    "client.create_job": Method({"message": "hi"}, {"message": TEXT}),
    "client.create_and_execute_job": Method(
        {"message": "hi"}, {"message": TEXT, "safe_mode": FLAG}
    ),
    "client.set_config": Method(
        {"config_type": "postgreSQL", "id": IDS["id"], "params": VALID_CONFIG},
        {"config_type": CONFIG_TYPE, "id": OPTIONAL_ID, "params": "config_params"},
    ),
    "client.delete_config": Method(_ids("config_id"), {"config_id": ID}),
    # projects
    "projects.list": Method(_ids("org_id"), {"org_id": ID}),
    "projects.create": Method(
        {"name": "p", **_ids("org_id")}, {"name": text(max_length=100), "org_id": OPTIONAL_ID}
    ),
    "projects.get": Method(_ids("project_id"), {"project_id": ID}),
    "projects.update": Method(
        {"name": "p", **_ids("project_id")}, {"project_id": ID, "name": text(max_length=100)}
    ),
    "projects.delete": Method(_ids("project_id"), {"project_id": ID}),
    # connectors
    "connectors.preflight": Method(
        {"connection_details": SOURCE, **_ids("org_id", "environment_id")},
        PREFLIGHT_KINDS,
        PRIVATE_LINK,
    ),
    "connectors.create": Method(
        {"name": "c", "connection_details": SOURCE, **_ids("project_id", "org_id")},
        {
            **PREFLIGHT_KINDS,
            "project_id": ID,
            "name": TEXT,
            "drop_extensions": strings(optional=True),
            "selected_schemas": "absent",
            "database": "absent",
        },
        PRIVATE_LINK,
    ),
    "connectors.list": Method(
        {"connector_category": "source", "service_name": "postgresql", **_ids("org_id")},
        {"org_id": ID, "connector_category": OPTIONAL_TEXT, "service_name": OPTIONAL_TEXT},
    ),
    "connectors.get": Method(_ids("connector_id"), {"connector_id": ID}),
    "connectors.update": Method(
        {"name": "n", **_ids("connector_id", "project_id")},
        {
            "connector_id": ID,
            "name": OPTIONAL_TEXT,
            "project_id": OPTIONAL_ID,
            "connection_details": OPTIONAL_MAPPING,
            "drop_extensions": strings(optional=True),
        },
    ),
    "connectors.delete": Method(_ids("connector_id"), {"connector_id": ID, "force": FLAG}),
    "connectors.discover": Method(_ids("connector_id"), {"connector_id": ID}),
    "connectors.set_selection": Method(
        {"selected_paths": ["*"], **_ids("connector_id")},
        {"connector_id": ID, "selected_paths": strings(non_empty=True)},
    ),
    "connectors.set_replica_identity_decisions": Method(
        {"decisions": {"public.t": "exclude"}, **_ids("connector_id")},
        {"connector_id": ID, "decisions": DECISIONS},
    ),
    "connectors.engine_setup": Method(_ids("connector_id"), {"connector_id": ID}),
    "connectors.lock_deletion": Method(
        {"reason": "r", **_ids("connector_id")},
        {"connector_id": ID, "reason": text(optional=True, max_length=500)},
    ),
    "connectors.unlock_deletion": Method(_ids("connector_id"), {"connector_id": ID}),
    "connectors.list_quarantines": Method(_ids("connector_id"), {"connector_id": ID}),
    "connectors.release_quarantine": Method(
        _ids("connector_id", "quarantine_id"), {"connector_id": ID, "quarantine_id": ID}
    ),
    # branches
    "branches.create": Method(
        {"name": "b", "idempotency_key": "key-1", **_ids("connector_id")},
        {
            "connector_id": ID,
            "name": text(),
            "service_type": SERVICE_TYPE,
            "idempotency_key": HEADER_KEY,
            "idempotency_scope": OPTIONAL_TEXT,
        },
        # A scope goes with a derived key: its own checks are reached without a caller's key.
        {"idempotency_scope": {"idempotency_key": None}},
    ),
    "branches.create_and_wait": Method(
        {"name": "b", "idempotency_key": "key-1", **_ids("connector_id")},
        {
            "connector_id": ID,
            "name": text(),
            "timeout": number(0, None, exclusive_low=True),
            "service_type": SERVICE_TYPE,
            "idempotency_key": HEADER_KEY,
            "idempotency_scope": OPTIONAL_TEXT,
            "if_exists": IF_EXISTS,
            "until": UNTIL,
        },
        {"idempotency_scope": {"idempotency_key": None}},
    ),
    "branches.create_or_reuse": Method(
        {"name": "b", "idempotency_key": "key-1", **_ids("connector_id")},
        {
            "connector_id": ID,
            "name": text(),
            "timeout": number(0, None, exclusive_low=True),
            "service_type": SERVICE_TYPE,
            "idempotency_key": HEADER_KEY,
            "idempotency_scope": OPTIONAL_TEXT,
            "until": UNTIL,
        },
        {"idempotency_scope": {"idempotency_key": None}},
    ),
    "branches.create_many": Method(
        {"names": ["b"], **_ids("connector_id")},
        {
            "connector_id": ID,
            "names": NAMES,
            "concurrency": integer(1, 1000),
            "max_building": integer(1, optional=True),
            "wait": FLAG,
            "timeout": number(0, None, exclusive_low=True),
            "service_type": SERVICE_TYPE,
            "idempotency_scope": OPTIONAL_TEXT,
            "on_progress": CALLBACK,
        },
    ),
    "branches.create_iter": Method(
        {"names": ["b"], **_ids("connector_id")},
        {
            "connector_id": ID,
            "names": NAMES,
            "concurrency": integer(1, 1000),
            "max_building": integer(1, optional=True),
            "wait": FLAG,
            "timeout": number(0, None, exclusive_low=True),
            "service_type": SERVICE_TYPE,
            "idempotency_scope": OPTIONAL_TEXT,
        },
    ),
    "branches.list": Method(
        {"tag": "ci", **_ids("connector_id")}, {"connector_id": ID, "tag": OPTIONAL_TEXT}
    ),
    "branches.get": Method(
        {"branch_id_or_name": "b", **_ids("connector_id")},
        {"connector_id": ID, "branch_id_or_name": TEXT},
    ),
    "branches.wait_ready": Method(
        {"branch_id_or_name": "b", **_ids("connector_id")},
        {
            "connector_id": ID,
            "branch_id_or_name": TEXT,
            "timeout": number(0, None, exclusive_low=True),
        },
    ),
    # operations (and the poller they wait with)
    "operations.get": Method(
        {"wait": 1, **_ids("operation_id")},
        {"operation_id": ID, "wait": number(0, 10, optional=True)},
    ),
    "operations.wait": Method(
        _ids("operation_id"),
        {**WAIT, "operation_id": ID, "poll_interval": number(0.001, 3600, optional=True)},
    ),
    "operations.watch": Method(
        _ids("operation_id"), {**WAIT, "operation_id": ID, "update_every": number(0.1, 10)}
    ),
    "operations.poller.wait": Method(
        _ids("operation_id"),
        {**WAIT, "operation_id": ID, "poll_interval": number(0.001, 3600, optional=True)},
    ),
    "operations.wait_many": Method(
        {"operation_ids": [IDS["operation_id"]]}, {**WAIT, "operation_ids": OPERATION_IDS}
    ),
    "operations.poller.wait_many": Method(
        {"operation_ids": [IDS["operation_id"]]}, {**WAIT, "operation_ids": OPERATION_IDS}
    ),
    "operations.poller.watch": Method(
        _ids("operation_id"), {**WAIT, "operation_id": ID, "update_every": number(0.1, 10)}
    ),
    # orgs
    "orgs.get": Method(_ids("org_id"), {"org_id": ID}),
    "orgs.update": Method({"name": "o", **_ids("org_id")}, {"org_id": ID, "name": TEXT}),
    "orgs.delete": Method(_ids("org_id"), {"org_id": ID}),
    "orgs.list_members": Method(_ids("org_id"), {"org_id": ID}),
    "orgs.update_member_role": Method(
        {"role_key": "admin", **_ids("org_id", "user_id")},
        {"org_id": ID, "user_id": ID, "role_key": choice()},
    ),
    "orgs.remove_member": Method(_ids("org_id", "user_id"), {"org_id": ID, "user_id": ID}),
    "orgs.invite": Method(
        {"email": "a@example.com", **_ids("org_id")},
        {"org_id": ID, "email": EMAIL, "role_key": choice()},
    ),
    "orgs.list_invites": Method(_ids("org_id"), {"org_id": ID}),
    "orgs.revoke_invite": Method(_ids("org_id", "invite_id"), {"org_id": ID, "invite_id": ID}),
    "orgs.list_roles": Method(_ids("org_id"), {"org_id": ID}),
    "orgs.list_api_keys": Method(_ids("org_id"), {"org_id": ID}),
    "orgs.create_api_key": Method(
        {"name": "ci", "role_id": "role_org_member", "scopes": ["a"], **_ids("org_id")},
        {
            "org_id": ID,
            "name": text(max_length=100),
            "role_id": TEXT,
            "scopes": strings(optional=True),
            "expires_days": integer(1, optional=True),
        },
    ),
    "orgs.revoke_api_key": Method(_ids("org_id", "api_key_id"), {"org_id": ID, "api_key_id": ID}),
    # legacy jobs and configs
    "jobs.create": Method({"message": "hi"}, {"message": TEXT}),
    "jobs.execute": Method(
        {"job": {"id": IDS["job_id"]}, "message": "hi"},
        {"job": JOB, "message": TEXT, "safe_mode": FLAG},
    ),
    "jobs.create_and_execute": Method({"message": "hi"}, {"message": TEXT, "safe_mode": FLAG}),
    "jobs.delete": Method(_ids("job_id"), {"job_id": ID}),
    "jobs.files": Method(_ids("job_id"), {"job_id": ID}),
    "configs.set": Method(
        {"config_type": "postgreSQL", "id": IDS["id"], "params": VALID_CONFIG},
        {"config_type": CONFIG_TYPE, "id": OPTIONAL_ID, "params": "config_params"},
    ),
    "configs.delete": Method(_ids("config_id"), {"config_id": ID}),
}

# -- client.endpoints: cases made from the spec, so a new operation needs no hand edit --------

SPEC = load_spec()


def _not_null(node: Any) -> Any:
    """``node`` with each ``type: [t, "null"]`` as ``t`` (``minimal`` reads one type)."""
    if isinstance(node, list):
        return [_not_null(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _not_null(value) for key, value in node.items()}
    if isinstance(out.get("type"), list):
        out["type"] = next(t for t in out["type"] if t != "null")
    return out


SCHEMAS = {"$defs": _not_null(SPEC["components"]["schemas"])}


def _operations() -> Iterator[dict[str, Any]]:
    for item in SPEC["paths"].values():
        for op in item.values():
            if isinstance(op, dict) and op.get("operationId") in ENDPOINTS:
                yield op


def _model(op: dict[str, Any]) -> Any:
    """A valid instance of the operation's request model: its required fields, nothing more."""
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    model = ENDPOINTS[op["operationId"]].request_model
    return converter.structure(minimal(SCHEMAS, _not_null(schema)), model)


def _query_kind(schema: dict[str, Any], *, optional: bool) -> Kind:
    """The refusals the parameter's schema implies (type, enum, length, bounds)."""
    types = {schema["type"]} if isinstance(schema["type"], str) else set(schema["type"])
    required = () if optional else (None,)
    low, high = schema.get("minimum"), schema.get("maximum")
    if "boolean" in types:
        return Kind("flag", (*required, "true", "yes", 1, 0, 1.0, []))
    if "integer" in types:
        out = [] if low is None else [low - 1]
        out += [] if high is None else [high + 1]
        return Kind("integer", (*required, 2.5, "3", True, float("nan"), *out))
    if "number" in types:
        out = [] if low is None else [low - 1, -1e9, float("-inf")]
        out += [] if high is None else [high + 0.5, 1e9, float("inf")]
        return Kind("number", (*required, "5", b"5", True, False, float("nan"), [1], *out))
    lengths = []
    if "maxLength" in schema:
        lengths.append("x" * (schema["maxLength"] + 1))
    if schema.get("minLength", 0) > 0:
        lengths.append("x" * (schema["minLength"] - 1))
    values = ("not one of the values",) if "enum" in schema else ()
    return Kind("text", (*required, *WRONG_TYPES, *lengths, *values))


def _valid_query(schema: dict[str, Any], name: str) -> Any:
    """A value the schema allows (a plain token for strings, findable in the query)."""
    if "enum" in schema:
        return schema["enum"][0]
    value = minimal(SCHEMAS, _not_null(schema))
    return IDS.setdefault(name, f"zz{name.lower().replace('_', '')}zz") if value == "x" else value


def _endpoint_method(op: dict[str, Any], other_body: Any) -> Method:
    valid: dict[str, Any] = {}
    kinds: dict[str, Kind | str] = {}
    for param in op.get("parameters", ()):
        name, optional = param["name"], not param.get("required")
        if param["in"] == "path":
            valid[name] = IDS.setdefault(name, f"zz{name.lower().replace('_', '')}zz")
            kinds[name] = ID
        elif param["in"] == "query":
            if not optional:
                valid[name] = _valid_query(param["schema"], name)
            kinds[name] = _query_kind(param["schema"], optional=optional)
        elif ENDPOINTS[op["operationId"]].idempotency_header == name:
            valid["idempotency_key"] = "key-1"
            kinds["idempotency_key"] = HEADER_KEY
    if "requestBody" in op:
        valid["body"] = _model(op)
        required = () if op["requestBody"].get("required") is False else (None,)
        # Another operation's request model: the right shape of value, the wrong model.
        kinds["body"] = Kind("model", (*required, {}, 5, "x", ["x"], other_body))
    return Method(valid, kinds)


def endpoint_methods() -> dict[str, Method]:
    with_body = [op for op in _operations() if "requestBody" in op]
    found = {}
    for op in _operations():
        model = ENDPOINTS[op["operationId"]].request_model
        other = next(o for o in with_body if ENDPOINTS[o["operationId"]].request_model != model)
        found[f"endpoints.{op['operationId']}"] = _endpoint_method(op, _model(other))
    return found


PARAMETERS.update(endpoint_methods())

# Extra refusals that are about a combination, not one value.
COMBINATIONS: dict[str, list[tuple[dict[str, Any], str]]] = {
    "connectors.update": [({"name": None, "project_id": None}, "update")],
    "connectors.preflight": [({"private_link_id": "pl"}, "private_link_id")],
    "connectors.create": [({"private_link_id": "pl"}, "private_link_id")],
}

# -- finding the methods ---------------------------------------------------------------------


def _client() -> ArdentClient:
    return ArdentClient(
        token="sk-ard_test_token",
        public_key="pk_test",
        secret_key="sk_test_secret",
        base_url=BASE_URL,
        transport=HttpxTransport(),
        clock=FakeClock(),
        max_retries=0,
    )


def _public_methods(owner: object, prefix: str) -> Iterator[str]:
    for name, member in inspect.getmembers(type(owner)):
        if not name.startswith("_") and inspect.isfunction(member):
            yield f"{prefix}{name}"


def public_methods(client: ArdentClient) -> list[str]:
    # with_options and the per-call **options are checked in tests/spine/test_options.py.
    skipped = {"client.close", "client.with_options"}
    found = [m for m in _public_methods(client, "client.") if m not in skipped]
    for attribute, service in vars(client).items():
        if attribute.startswith("_"):
            continue
        found += _public_methods(service, f"{attribute}.")
        for inner, part in vars(service).items():
            if not inner.startswith("_") and type(part).__module__.startswith("ardent_async"):
                found += _public_methods(part, f"{attribute}.{inner}.")
    return sorted(found)


def resolve(client: ArdentClient, dotted: str) -> Callable[..., Any]:
    target: Any = client
    for part in dotted.split(".")[1 if dotted.startswith("client.") else 0 :]:
        target = getattr(target, part)
    return target  # type: ignore[no-any-return]


async def invoke(client: ArdentClient, dotted: str, arguments: dict[str, Any]) -> None:
    """Call the method; an async iterator (watch) is stepped once."""
    kwargs = dict(arguments)
    extra = kwargs.pop("params", {})
    result = resolve(client, dotted)(**kwargs, **extra)
    if inspect.isawaitable(result):
        await result
    elif hasattr(result, "__anext__"):
        await result.__anext__()


def test_every_public_method_and_parameter_has_cases() -> None:
    client = _client()
    methods = public_methods(client)
    assert set(methods) == set(PARAMETERS), (
        "public methods without bad-input cases (or stale entries): "
        f"{sorted(set(methods) ^ set(PARAMETERS))}"
    )
    for dotted in methods:
        signature = inspect.signature(resolve(client, dotted))
        declared = {name for name, kind in PARAMETERS[dotted].kinds.items() if kind != "absent"}
        named = {
            n for n, p in signature.parameters.items() if n != "options" or p.kind != p.VAR_KEYWORD
        }
        assert named == declared, dotted


# -- running the cases -------------------------------------------------------------------------

TRIED: collections.Counter[str] = collections.Counter()


@pytest.fixture(scope="module", autouse=True)
def report_totals(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if not TRIED:
        return
    refused, escaped = TRIED["refused"], TRIED["escaped"]
    # A module-wide total, in the terminal summary (shown in CI logs without -s).
    report(
        request.config,
        f"bad input: {refused + escaped} bad inputs tried on {len(PARAMETERS)} public "
        f"methods: {refused} refused before any request, {escaped} ids sent percent-escaped"
        " to exactly the intended path",
    )


@dataclasses.dataclass
class Sent:
    path: bytes  # raw: exactly what went on the wire
    body: bytes


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        router.route().mock(return_value=httpx.Response(404, json={"detail": "Not Found"}))
        yield router


def sent(router: respx.MockRouter) -> list[Sent]:
    return [Sent(call.request.url.raw_path, call.request.content) for call in router.calls]


def _names(field: str | None, parameter: str) -> bool:
    if field is None:
        return False
    return field == parameter or field.startswith(
        (f"{parameter}[", f"{parameter}.", f"{parameter} ")
    )


async def _refused(
    client: ArdentClient, router: respx.MockRouter, dotted: str, args: dict[str, Any], field: str
) -> None:
    router.reset()
    with pytest.raises(ArdentValidationError) as info:
        await invoke(client, dotted, args)
    shown = {k: v for k, v in args.items() if k != "params"}
    assert _names(info.value.field, field), (
        f"{dotted}({shown}): field {info.value.field!r}, expected {field!r}: {info.value}"
    )
    assert router.calls.call_count == 0, f"{dotted}({shown}) sent a request"
    TRIED["refused"] += 1


def _expected(baseline: Sent, placeholder: str, value: str) -> Sent:
    path, _, query = baseline.path.partition(b"?")
    marker = placeholder.encode()
    if marker in path:
        path = path.replace(marker, quote(value, safe="").encode())
    elif marker in query:
        query = query.replace(marker, quote_plus(value).encode())
    else:
        assert marker in baseline.body, f"{placeholder} is not in the request"
    # The legacy API's bodies are ASCII-escaped (exactly what its published client signs).
    legacy = path.startswith((b"/v1/jobs/", b"/v1/configs/"))
    body = baseline.body.replace(marker, json.dumps(value, ensure_ascii=legacy)[1:-1].encode())
    return Sent(path + (b"?" + query if query else b""), body)


async def _first_request(
    client: ArdentClient, router: respx.MockRouter, dotted: str, args: dict[str, Any]
) -> Sent | ArdentValidationError:
    """What the call sent first, or its client-side refusal; the mock's 404 ends the call."""
    router.reset()
    refusal: ArdentValidationError | None = None
    try:
        await invoke(client, dotted, args)
    except ArdentValidationError as exc:
        refusal = exc
    except ArdentError:
        pass
    calls = sent(router)
    if refusal is not None:
        assert refusal.status_code is None, f"{dotted}: {refusal}"  # not the mock's answer
        assert not calls, f"{dotted}: refused after sending: {refusal}"
        return refusal
    assert calls, f"{dotted} sent nothing"
    return calls[0]


@pytest.mark.parametrize("dotted", sorted(PARAMETERS))
async def test_bad_input_is_refused_before_any_request(dotted: str, api: respx.MockRouter) -> None:
    method = PARAMETERS[dotted]
    async with _client() as client:
        assert isinstance(await _first_request(client, api, dotted, method.valid), Sent)

        for parameter, kind in method.kinds.items():
            if kind == "absent":
                continue
            base = {**method.valid, **method.context.get(parameter, {})}
            if kind == "config_params":
                for params, field in CONFIG_PARAMS:
                    await _refused(client, api, dotted, {**base, "params": params}, field)
                continue
            assert isinstance(kind, Kind)
            for value in kind.refused:
                await _refused(client, api, dotted, {**base, parameter: value}, parameter)
            if not kind.escapable:
                continue
            # The reference: the same call with a plain id, found again in what is sent.
            placeholder = IDS[parameter]
            reference = await _first_request(client, api, dotted, {**base, parameter: placeholder})
            assert isinstance(reference, Sent), f"{dotted}: {reference}"
            for value in kind.escapable:
                got = await _first_request(client, api, dotted, {**base, parameter: value})
                if isinstance(got, ArdentValidationError):
                    assert _names(got.field, parameter), f"{dotted}({parameter}={value!r}): {got}"
                    TRIED["refused"] += 1
                    continue
                want = _expected(reference, placeholder, value)
                assert (got.path, got.body) == (want.path, want.body), (
                    f"{dotted}({parameter}={value!r}) sent {got.path!r}, expected {want.path!r}"
                )
                TRIED["escaped"] += 1
        for overrides, field in COMBINATIONS.get(dotted, []):
            await _refused(client, api, dotted, {**method.valid, **overrides}, field)


async def test_escaped_ids_reach_exactly_their_path_over_aiohttp() -> None:
    """The default transport sends the escaped path as is (no re-quoting, no normalising)."""
    server = AiohttpBackend()
    server.script.default = Reply(404, json={"detail": "Not Found"})
    await server.start()

    def seen() -> list[str]:
        return [s.path + (f"?{s.query}" if s.query else "") for s in server.script.seen]

    calls: dict[str, Callable[[ArdentClient, str], Any]] = {
        "/v1/connectors/{}": lambda c, v: c.connectors.get(v),
        "/v1/orgs/o1/members/{}": lambda c, v: c.orgs.remove_member("o1", v),
        "/v1/connectors/{}/quarantine/q1/release": lambda c, v: c.connectors.release_quarantine(
            v, "q1"
        ),
        "/v1/operations/{}?wait=1": lambda c, v: c.operations.get(v, wait=1),
    }
    try:
        async with ArdentClient("sk-ard_test_token", base_url=server.base_url, max_retries=0) as c:
            for value in ESCAPED_IDS:
                for template, call in calls.items():
                    server.script.seen.clear()
                    with pytest.raises(ArdentError):
                        await call(c, value)
                    assert seen() == [template.format(quote(value, safe=""))]
    finally:
        await server.stop()
