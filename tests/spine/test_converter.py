"""The one converter: forward compatible, strict about what is required, typed errors."""

from __future__ import annotations

import json
import traceback
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from ardent_async._core._converter import converter
from ardent_async._core._pipeline import parse_json
from ardent_async._core._timestamp import _COMMON, parse_general, parse_timestamp
from ardent_async._core._transport import Response
from ardent_async.errors import ArdentResponseError
from ardent_async.models import (
    APIKeyCreateResponse,
    AsyncOperationResponse,
    BranchRow,
    CreateConnectorRequest,
    MessageResponse,
    OperationStatus,
    OperationType,
    OrgDetails,
    OrgMember,
    OrgUpdateReply,
)

OPERATION: dict[str, Any] = {
    "id": "op_1",
    "org_id": "org_1",
    "type": "branch_create",
    "resource_id": "br_1",
    "status": "running",
    "created_at": "2026-11-25T10:00:00Z",
    "updated_at": "2026-11-25T10:00:01.250000+00:00",
    "progress": 40,
}
BRANCH: dict[str, Any] = {
    "id": "br_1",
    "name": "pr-1",
    "connector_id": "conn_1",
    "service_type": "postgres",
    "status": "ready",
    "created_at": "2026-11-25T10:00:00Z",
    "branch_url": "postgresql://u_br1:hunter2hunter2@127.0.0.1:5432/br1",
}


def test_decodes_iso_datetimes_and_enums() -> None:
    op = converter.structure(OPERATION, AsyncOperationResponse)
    assert op.created_at == datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)
    assert op.updated_at.microsecond == 250000
    assert op.status is OperationStatus.RUNNING
    assert op.type is OperationType.BRANCH_CREATE
    assert op.result is None


def test_unknown_enum_values_decode() -> None:
    op = converter.structure(
        {**OPERATION, "type": "branch_teleport", "status": "paused"}, AsyncOperationResponse
    )
    assert op.type == "branch_teleport"
    assert op.type.is_known is False
    assert op.status == "paused"
    assert isinstance(op.type, OperationType)


def test_unknown_fields_ignored_or_kept_in_extra() -> None:
    op = converter.structure({**OPERATION, "shard": 7}, AsyncOperationResponse)
    assert not hasattr(op, "extra")  # AsyncOperationResponse does not allow more fields
    branch = converter.structure({**BRANCH, "tags": ["ci"]}, BranchRow)
    assert branch.extra == {"tags": ["ci"]}


@pytest.mark.parametrize(
    ("payload", "path", "message"),
    [
        (
            {k: v for k, v in BRANCH.items() if k != "created_at"},
            "BranchRow.created_at",
            "required field missing",
        ),
        ({**BRANCH, "name": None}, "BranchRow.name", "expected a string, got null"),
        ({**BRANCH, "name": 12}, "BranchRow.name", "expected a string, got int"),
        ({**BRANCH, "created_at": 1767225600}, "BranchRow.created_at", "date-time string, got int"),
        ({**BRANCH, "created_at": None}, "BranchRow.created_at", "date-time string, got null"),
        ([BRANCH], "BranchRow", "expected an object, got an array"),
    ],
)
def test_bad_payloads_raise_typed_error_naming_field(payload: Any, path: str, message: str) -> None:
    with pytest.raises(ArdentResponseError) as info:
        converter.structure(payload, BranchRow)
    assert info.value.path == path
    assert info.value.model == "BranchRow"
    assert message in str(info.value)


def test_list_error_path_has_index() -> None:
    with pytest.raises(ArdentResponseError) as info:
        converter.structure([BRANCH, {**BRANCH, "id": None}], list[BranchRow])
    assert info.value.path == "BranchRow[][1].id"


def test_secrets_masked_in_model_repr() -> None:
    branch = converter.structure(BRANCH, BranchRow)
    assert "hunter2hunter2" not in repr(branch)
    assert "u_br1:***@127.0.0.1" in repr(branch)
    assert branch.branch_url == BRANCH["branch_url"]  # the value itself is intact
    key = APIKeyCreateResponse(
        api_key="sk-ard_live_abcdefSECRET",
        api_key_id="k1",
        name="ci",
        key_prefix="sk-ard_live_ab",
        scopes=[],
        created_at=datetime.now(timezone.utc),
        warning="store it",
        role_id="r",
        role_key="role_org_member",
    )
    assert "abcdefSECRET" not in repr(key)


def test_request_body_omits_none_and_masks_repr() -> None:
    request = CreateConnectorRequest(
        project_id="p1",
        name="prod",
        service_name="postgresql",
        connection_details={"url": "postgresql://u:s3cretpw@h/db"},
    )
    body = converter.body(request)
    assert body == {
        "project_id": "p1",
        "name": "prod",
        "service_name": "postgresql",
        "connection_details": {"url": "postgresql://u:s3cretpw@h/db"},
        "allow_high_rtt_placement": False,
        "use_environment": False,
    }
    assert "s3cretpw" not in repr(request)


# One table, the same results on every Python in the matrix (3.10's fromisoformat differs).
UTC = timezone.utc
TIMESTAMPS: list[tuple[str, datetime | str]] = [
    ("2026-01-01T00:00:00Z", datetime(2026, 1, 1, tzinfo=UTC)),
    ("2026-01-01t00:00:00z", datetime(2026, 1, 1, tzinfo=UTC)),
    ("2026-01-01T00:00:00.1+00:00", datetime(2026, 1, 1, 0, 0, 0, 100000, tzinfo=UTC)),
    ("2026-01-01T00:00:00.123456789Z", datetime(2026, 1, 1, 0, 0, 0, 123456, tzinfo=UTC)),
    ("2026-01-01T00:00:00,5Z", datetime(2026, 1, 1, 0, 0, 0, 500000, tzinfo=UTC)),
    ("2026-01-01 12:30:00+02:00", datetime(2026, 1, 1, 10, 30, tzinfo=UTC)),
    ("2026-01-01T12:30:00-0530", datetime(2026, 1, 1, 18, 0, tzinfo=UTC)),
    ("2026-01-01T12:30+01", datetime(2026, 1, 1, 11, 30, tzinfo=UTC)),
    ("2026-01-01T12:30:00", datetime(2026, 1, 1, 12, 30, tzinfo=UTC)),
    ("2026-01-01", datetime(2026, 1, 1, tzinfo=UTC)),
    ("Mon, 01 Jan 2026 00:00:00 GMT", datetime(2026, 1, 1, tzinfo=UTC)),
    ("", ""),
    ("1767225600", "1767225600"),
    ("yesterday", "yesterday"),
    ("2026-13-01T00:00:00Z", "2026-13-01T00:00:00Z"),
    ("2026-12-31T23:59:60Z", "2026-12-31T23:59:60Z"),
    ("2026-01-01T24:00:00Z", "2026-01-01T24:00:00Z"),
    ("2026-01-01T00:00:00+25:00", "2026-01-01T00:00:00+25:00"),
    ("2026-01-01T00:00:00Z trailing", "2026-01-01T00:00:00Z trailing"),
]


@pytest.mark.parametrize(("text", "expected"), TIMESTAMPS)
def test_timestamps_decode_the_same_on_every_python(text: str, expected: datetime | str) -> None:
    row = converter.structure({**BRANCH, "created_at": text, "read_ready_at": text}, BranchRow)
    assert row.created_at == expected
    assert row.read_ready_at == expected
    assert type(row.created_at) is type(expected)
    if isinstance(row.created_at, datetime):
        assert row.created_at.utcoffset() is not None  # always aware


def test_timestamp_keeps_the_given_offset() -> None:
    row = converter.structure({**BRANCH, "created_at": "2026-01-01T12:30:00+02:00"}, BranchRow)
    assert isinstance(row.created_at, datetime)
    assert row.created_at.utcoffset() == timedelta(hours=2)


def test_whole_number_floats_are_integers() -> None:
    assert (
        converter.structure({**OPERATION, "progress": 50.0}, AsyncOperationResponse).progress == 50
    )
    with pytest.raises(ArdentResponseError, match="progress: expected an integer, got float"):
        converter.structure({**OPERATION, "progress": 50.5}, AsyncOperationResponse)
    with pytest.raises(ArdentResponseError, match="expected an integer, got a boolean"):
        converter.structure({**OPERATION, "progress": True}, AsyncOperationResponse)


def test_open_schema_fields_of_another_type_move_to_extra() -> None:
    member = converter.structure(
        {"user_id": {}, "email": "a@b.c", "joined_at": 7, "seat": 1}, OrgMember
    )
    assert member.user_id is None
    assert member.email == "a@b.c"
    assert member.joined_at is None
    assert member.extra == {"user_id": {}, "joined_at": 7, "seat": 1}
    # still an object: a list of members that holds a string is malformed
    with pytest.raises(ArdentResponseError, match=r"OrgMember\[\]\[0\]: expected an object"):
        converter.structure(["x"], list[OrgMember])


@pytest.mark.parametrize("reply", [0, "ok", None, [1], True])
def test_any_json_replies_decode(reply: Any) -> None:
    assert converter.structure(reply, MessageResponse).extra == {"value": reply}
    assert converter.structure(reply, OrgUpdateReply).extra == {"value": reply}
    assert converter.structure({"message": "gone"}, MessageResponse).message == "gone"


@pytest.mark.parametrize("reply", [None, 12345, "x", [], [1], True])
def test_a_reply_typed_as_an_object_refuses_other_json(reply: Any) -> None:
    """GET /v1/orgs/{org_id} is an object in the published contract (PATCH's may be anything)."""
    with pytest.raises(ArdentResponseError, match="OrgDetails: expected an object"):
        converter.structure(reply, OrgDetails)
    assert converter.structure({"id": "org_1"}, OrgDetails).id == "org_1"


@given(
    moment=st.datetimes(
        min_value=datetime(1, 1, 2),
        max_value=datetime(9999, 12, 30),
        timezones=st.integers(-1439, 1439).map(lambda m: timezone(timedelta(minutes=m))),
    ),
    timespec=st.sampled_from(["seconds", "milliseconds", "microseconds"]),
    zulu=st.booleans(),
)
def test_fast_path_agrees_with_the_general_parser(
    moment: datetime, timespec: str, zulu: bool
) -> None:
    kept = {"seconds": 0, "milliseconds": moment.microsecond // 1000 * 1000}
    moment = moment.replace(microsecond=kept.get(timespec, moment.microsecond))
    text = moment.isoformat(timespec=timespec)
    if zulu:
        text = moment.astimezone(timezone.utc).isoformat(timespec=timespec)[:-6] + "Z"
    assume(_COMMON.fullmatch(text))
    assert parse_timestamp(text) == parse_general(text) == moment


# Texts close to the fast paths' shapes: digits (some not ASCII), the separators, and noise.
_NEAR_TIMESTAMP = st.builds(
    lambda base, edits: _edited(base, edits),
    st.sampled_from(
        [
            "2026-11-25T10:00:00Z",
            "2026-11-25T10:00:00.123Z",
            "2026-11-25T10:00:00.123456Z",
            "2026-11-25T10:00:00+02:00",
            "2026-11-25 10:00:00.123456-05:30",
        ]
    ),
    st.lists(st.tuples(st.integers(0, 40), st.sampled_from("0912３٣-:.TtZz +,W")), max_size=3),
)


def _edited(base: str, edits: list[tuple[int, str]]) -> str:
    chars = list(base)
    for position, char in edits:
        if position < len(chars):
            chars[position] = char
        else:
            chars.append(char)
    return "".join(chars)


@given(text=_NEAR_TIMESTAMP)
@example(text="2026-11-25T10:00:00+02:90")  # found by this test: read as +03:30 by the fast path
def test_fast_paths_never_decide_otherwise_than_the_general_parser(text: str) -> None:
    assert parse_timestamp(text) == parse_general(text)


@pytest.mark.parametrize(
    "base", ["2026-11-25T10:00:00", "2026-11-25 10:00:00.123", "2026-11-25T10:00:00.123456"]
)
def test_fast_paths_agree_with_the_general_parser_on_every_offset(base: str) -> None:
    """Every ``±HH:MM`` from 00:00 to 99:99: valid ones (up to 23:59) read the same, the
    others are refused by both."""
    for sign in "+-":
        for hours in range(100):
            for minutes in range(100):
                text = f"{base}{sign}{hours:02}:{minutes:02}"
                general = parse_general(text)
                assert parse_timestamp(text) == general, text
                assert (general is not None) == (hours <= 23 and minutes <= 59), text


@pytest.mark.parametrize(
    "text",
    [
        "２026-11-25T10:00:00Z",  # a non-ASCII digit: the general parser reads it
        "2026-11-25T10:00:0١Z",
        "2026-11-25T24:00:00Z",
        "2026-13-25T10:00:00Z",
        "2026-W48-1T10:00:00Z",
        "2026-11-25X10:00:00Z",
        "2026-11-25T10:00:00.ab3Z",
        "2026-11-25T10:00:00.1234Z",
    ],
)
def test_fast_paths_agree_on_edge_cases(text: str) -> None:
    assert parse_timestamp(text) == parse_general(text)


# -- the compiled decoders ----------------------------------------------------------------


@attrs.define
class _Plain:
    id: str
    note: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, kw_only=True)


@attrs.define
class _Checked:
    id: str = attrs.field(validator=attrs.validators.matches_re(r"p\d+"))
    extra: dict[str, Any] = attrs.field(factory=dict, kw_only=True)


_BUILT: list[str] = []


@attrs.define
class _Hooked:
    id: str
    extra: dict[str, Any] = attrs.field(factory=dict, kw_only=True)

    def __attrs_post_init__(self) -> None:
        _BUILT.append(self.id)


def test_compiled_decoder_sets_fields_as_the_init_would() -> None:
    first = converter.structure({"id": "p1"}, _Plain)
    second = converter.structure({"id": "p2", "note": "n", "more": 1}, _Plain)
    assert first == _Plain("p1")
    assert second == _Plain("p2", "n", extra={"more": 1})
    first.extra["x"] = 1  # each model gets its own dict, as the factory gives
    assert converter.structure({"id": "p3"}, _Plain).extra == {}


def test_compiled_decoder_keeps_validators_and_hooks() -> None:
    """A model whose __init__ does more than store its arguments is built by calling it."""
    with pytest.raises(ArdentResponseError, match="_Checked"):
        converter.structure({"id": "q1"}, _Checked)
    _BUILT.clear()
    converter.structure({"id": "p1"}, _Hooked)
    assert _BUILT == ["p1"]


def test_a_compiled_decoder_shows_its_source_in_tracebacks() -> None:
    """The fast decoder is generated code: a traceback through it shows the failing line."""
    hook = converter._fast.get_structure_hook(_Plain)
    with pytest.raises(KeyError) as raised:
        hook({"note": "no id"}, _Plain)
    frames = traceback.extract_tb(raised.value.__traceback__)
    generated = [f for f in frames if f.filename.startswith("<ardent_async decoder")]
    assert generated, [f.filename for f in frames]
    assert _Plain.__qualname__ in generated[-1].filename
    assert generated[-1].line == "v0 = o['id']"


# -- reply JSON ----------------------------------------------------------------------------

_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
_WHITESPACE = st.text(alphabet=" \t\r\n", max_size=3)


def _parsed(text: str) -> Any:
    return parse_json(Response(200, {"content-type": "application/json"}, text.encode()))


@given(
    value=_JSON_VALUES,
    indent=st.none() | st.integers(0, 2),
    before=_WHITESPACE,
    after=_WHITESPACE,
    tail=st.sampled_from(["", "x", "}", "0", ",1", "\x00", "/"]),
)
def test_reply_json_reads_as_json_loads(
    value: Any, indent: int | None, before: str, after: str, tail: str
) -> None:
    """The scanner fast path decides every text as json.loads does, value or error."""
    text = before + json.dumps(value, indent=indent) + after + tail
    try:
        expected = json.loads(text)
    except ValueError:
        with pytest.raises(ArdentResponseError, match="not valid JSON"):
            _parsed(text)
    else:
        assert _parsed(text) == expected


@pytest.mark.parametrize("text", ["", " ", "NaN", "[1, 2", '"\\ud800"', "1e400", "-"])
def test_reply_json_edge_cases_read_as_json_loads(text: str) -> None:
    try:
        expected = json.loads(text)
    except ValueError:
        with pytest.raises(ArdentResponseError):
            _parsed(text)
    else:
        assert repr(_parsed(text)) == repr(expected)
