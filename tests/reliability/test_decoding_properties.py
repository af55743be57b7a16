"""Property tests over every generated model: extra fields never change a decode, and a missing
required field always raises ArdentResponseError naming it."""

from __future__ import annotations

import enum
import types
import typing
from datetime import datetime, timezone
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ardent_async import models
from ardent_async._core._converter import converter
from ardent_async.errors import ArdentResponseError

MODELS = sorted(
    (
        obj
        for name in models.__all__
        if attrs.has(obj := getattr(models, name)) and attrs.fields(obj)
    ),
    key=lambda cls: cls.__name__,
)

json_scalars = st.none() | st.booleans() | st.integers(-(2**31), 2**31) | st.text(max_size=8)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def _strategy(tp: Any) -> st.SearchStrategy[Any]:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(_strategy(a) for a in args))
    if tp is type(None):
        return st.none()
    if origin is list:
        return st.lists(_strategy(args[0]), max_size=3)
    if origin is dict:
        values = json_values if args[1] is Any else _strategy(args[1])
        return st.dictionaries(st.text(max_size=6), values, max_size=3)
    if tp is Any:
        return json_values
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return st.sampled_from([m.value for m in tp])
    if tp is str:
        return st.text(max_size=12)
    if tp is bool:
        return st.booleans()
    if tp is int:
        return st.integers(0, 100)
    if tp is float:
        return st.floats(allow_nan=False, allow_infinity=False) | st.integers(-5, 5)
    if tp is datetime:
        return st.datetimes(timezones=st.just(timezone.utc)).map(lambda d: d.isoformat())
    if attrs.has(tp):
        return _payload(tp)
    raise AssertionError(f"no strategy for {tp!r}")


def _fields(cls: type) -> list[attrs.Attribute[Any]]:
    attrs.resolve_types(cls)
    return [f for f in attrs.fields(cls) if f.name != "extra"]


def _payload(cls: type) -> st.SearchStrategy[dict[str, Any]]:
    required = {f.name: _strategy(f.type) for f in _fields(cls) if f.default is attrs.NOTHING}
    optional = {f.name: _strategy(f.type) for f in _fields(cls) if f.default is not attrs.NOTHING}
    return st.fixed_dictionaries(required, optional=optional)


def _known(cls: type) -> set[str]:
    return {f.name for f in _fields(cls)}


def _without_extra(obj: Any) -> dict[str, Any]:
    return attrs.asdict(obj, filter=lambda a, _: a.name != "extra", recurse=False)


@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_extra_fields_never_change_the_decode(cls: type, data: st.DataObject) -> None:
    payload = data.draw(_payload(cls))
    extras = data.draw(
        st.dictionaries(
            st.text(min_size=1, max_size=10).filter(lambda k: k not in _known(cls)),
            json_values,
            max_size=4,
        )
    )
    plain = converter.structure(payload, cls)
    enriched = converter.structure({**payload, **extras}, cls)
    assert _without_extra(enriched) == _without_extra(plain)
    if "extra" in attrs.fields_dict(cls):
        assert enriched.extra == extras


REQUIRED = [
    (cls, field.name) for cls in MODELS for field in _fields(cls) if field.default is attrs.NOTHING
]


@pytest.mark.parametrize(("cls", "field"), REQUIRED, ids=lambda v: getattr(v, "__name__", v))
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_missing_required_field_is_named(cls: type, field: str, data: st.DataObject) -> None:
    payload = data.draw(_payload(cls))
    del payload[field]
    with pytest.raises(ArdentResponseError) as info:
        converter.structure(payload, cls)
    assert info.value.path == f"{cls.__name__}.{field}"
    assert f"{cls.__name__}.{field}" in str(info.value)
