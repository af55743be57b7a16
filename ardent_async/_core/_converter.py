"""The one cattrs converter: JSON replies -> attrs models, request models -> JSON bodies.

Rules (the API's stability contract: every reply the published contract allows decodes):
- unknown fields are ignored; on models whose schema allows more fields they are kept in ``extra``;
- unknown enum values decode (models use :class:`~ardent_async.models.OpenEnum`);
- timestamps (``datetime | str`` fields) are an aware datetime when the string parses, else the
  string as sent (:mod:`ardent_async._core._timestamp`); a whole-number float is an integer;
- on objects the published contract leaves free-form (models with ``OPEN_SCHEMA``) a named
  field whose value has another type is left at its default and the value kept in ``extra``;
  models with ``ANY_JSON`` stand for replies that may be any JSON: a non-object decodes as an
  empty model with ``extra == {"value": <the reply>}``;
- a missing required field, a ``null`` where a value is required or a wrong type raises
  :class:`~ardent_async.errors.ArdentResponseError` naming the model and field path
  (``BranchRow.created_at``), never a bare cattrs/KeyError/TypeError.

Decoding runs on a converter without detailed validation (fast); only when it fails is the
payload decoded again with detailed validation, to name the field that was wrong.
"""

from __future__ import annotations

import itertools
import linecache
from collections.abc import Callable
from datetime import datetime
from types import UnionType
from typing import Any, TypeVar, Union, get_args, get_origin

import attrs
import cattrs
import cattrs.errors
from cattrs.gen import make_dict_structure_fn, override

from ardent_async._core._timestamp import parse_timestamp
from ardent_async.errors import ArdentResponseError
from ardent_async.models._base import OpenEnum

T = TypeVar("T")

__all__ = ["ModelConverter", "converter"]


def _structure_str(value: Any, _: Any) -> str:
    if type(value) is str:
        return value
    raise TypeError(f"expected a string, got {_kind(value)}")


def _structure_int(value: Any, _: Any) -> int:
    if type(value) is int:
        return value
    # JSON Schema counts 50.0 as an integer; 50.5 is not one.
    if type(value) is float and value.is_integer():
        return int(value)
    raise TypeError(f"expected an integer, got {_kind(value)}")


def _structure_float(value: Any, _: Any) -> float:
    if type(value) is float or type(value) is int:
        return float(value)
    raise TypeError(f"expected a number, got {_kind(value)}")


def _structure_bool(value: Any, _: Any) -> bool:
    if type(value) is bool:
        return value
    raise TypeError(f"expected a boolean, got {_kind(value)}")


def _structure_timestamp(value: Any, _: Any) -> datetime | str:
    if type(value) is not str:
        raise TypeError(f"expected a date-time string, got {_kind(value)}")
    parsed = parse_timestamp(value)
    return value if parsed is None else parsed


def _structure_optional_timestamp(value: Any, _: Any) -> datetime | str | None:
    return None if value is None else _structure_timestamp(value, None)


def _is_timestamp(tp: Any) -> bool:
    return _is_union(tp) and frozenset(get_args(tp)) in _TIMESTAMP_UNIONS


_TIMESTAMP_UNIONS = (frozenset({datetime, str}), frozenset({datetime, str, type(None)}))


def _timestamp_hook(tp: Any) -> Callable[[Any, Any], Any]:
    if type(None) in get_args(tp):
        return _structure_optional_timestamp
    return _structure_timestamp


def _structure_datetime(value: Any, _: Any) -> datetime:
    """A field typed plain ``datetime`` (none from the spec today) must parse."""
    parsed = _structure_timestamp(value, None)
    if isinstance(parsed, datetime):
        return parsed
    raise ValueError(f"expected an ISO 8601 date-time, got {value[:40]!r}")


def _unstructure_datetime(value: datetime) -> str:
    return value.isoformat()


def _structure_open_enum(value: Any, cls: Any) -> Any:
    member = cls._value2member_map_.get(value) if type(value) is str else None
    return member if member is not None else cls(_structure_str(value, None))


def _is_optional(tp: Any) -> bool:
    args = get_args(tp)
    return len(args) == 2 and type(None) in args and get_origin(tp) in (Union, UnionType)


def _optional_hook(conv: cattrs.Converter, tp: Any) -> Callable[[Any, Any], Any]:
    inner = next(a for a in get_args(tp) if a is not type(None))
    hook = conv.get_structure_hook(inner)

    def structure(value: Any, _: Any) -> Any:
        return None if value is None else hook(value, inner)

    return structure


def _is_list(tp: Any) -> bool:
    return get_origin(tp) is list


def _list_hook(conv: cattrs.Converter, tp: Any, *, detailed: bool) -> Callable[[Any, Any], Any]:
    """``list[X]``: only a JSON array (cattrs' own hook takes any iterable: ``{}`` became
    ``[]`` and ``"ab"`` became ``["a", "b"]``); element errors keep their index."""
    inner = (get_args(tp) or (Any,))[0]
    hook = conv.get_structure_hook(inner)

    def structure(value: Any, _: Any) -> list[Any]:
        if type(value) is not list:
            raise TypeError(f"expected an array, got {_kind(value)}")
        if not detailed:
            return [hook(item, inner) for item in value]
        return _structure_items(value, hook, inner, tp)

    return structure


def _structure_items(
    value: list[Any], hook: Callable[[Any, Any], Any], inner: Any, tp: Any
) -> list[Any]:
    items, errors = [], []
    for index, item in enumerate(value):
        try:
            items.append(hook(item, inner))
        except Exception as exc:  # collected, as cattrs does, with the index for the path
            note = f"Structuring {tp} @ index {index}"
            exc.__notes__ = [  # type: ignore[attr-defined]  # no add_note() before 3.11
                *getattr(exc, "__notes__", []),
                cattrs.errors.IterableValidationNote(note, index, inner),
            ]
            errors.append(exc)
    if errors:
        raise cattrs.IterableValidationError(f"While structuring {tp!r}", errors, tp)
    return items


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, UnionType)


_JSON_TYPES: dict[Any, tuple[type, ...]] = {
    str: (str,),
    int: (int,),
    float: (float, int),
    bool: (bool,),
    type(None): (type(None),),
    datetime: (str,),
}


def _union_hook(conv: cattrs.Converter, tp: Any) -> Callable[[Any, Any], Any]:
    """A union like ``str | list[ValidationError]``: pick the member by the JSON value's type."""
    members: list[tuple[tuple[type, ...], Any, Callable[[Any, Any], Any]]] = []
    for member in get_args(tp):
        origin = get_origin(member) or member
        if origin in _JSON_TYPES:
            accepts = _JSON_TYPES[origin]
        elif origin is list:
            accepts = (list,)
        else:  # dicts and models
            accepts = (dict,)
        members.append((accepts, member, conv.get_structure_hook(member)))
    names = " or ".join(_type_name(m) for m in get_args(tp))

    def structure(value: Any, _: Any) -> Any:
        kind = type(value)
        for accepts, member, hook in members:
            if kind in accepts:
                return hook(value, member)
        raise TypeError(f"expected {names}, got {_kind(value)}")

    return structure


def _is_any_object(tp: Any) -> bool:
    return get_origin(tp) is dict and get_args(tp) == (str, Any)


def _structure_any_object(value: Any, _: Any) -> dict[str, Any]:
    if type(value) is dict:
        return value
    raise TypeError(f"expected an object, got {_kind(value)}")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )


def _has_extra(cls: type) -> bool:
    return attrs.has(cls) and "extra" in attrs.fields_dict(cls)


def _build(*, detailed: bool) -> cattrs.Converter:
    conv = cattrs.Converter(detailed_validation=detailed, forbid_extra_keys=False)
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(float, _structure_float)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(datetime, _structure_datetime)
    conv.register_unstructure_hook(datetime, _unstructure_datetime)
    # OpenEnum subclasses str: register it explicitly so the str hook above does not win.
    conv.register_structure_hook(OpenEnum, _structure_open_enum)
    # Pre-resolved hooks for the hot shapes: cattrs' generic Optional handling dispatches on
    # every call, and dict[str, Any] would be copied key by key for nothing.
    conv.register_structure_hook_factory(_is_list, lambda t: _list_hook(conv, t, detailed=detailed))
    conv.register_structure_hook_factory(_is_union, lambda t: _union_hook(conv, t))
    conv.register_structure_hook_factory(_is_optional, lambda t: _optional_hook(conv, t))
    conv.register_structure_hook_func(_is_any_object, _structure_any_object)
    conv.register_structure_hook_factory(_is_timestamp, _timestamp_hook)

    def object_with_extra(cls: Any) -> Callable[[Any, Any], Any]:
        if getattr(cls, "OPEN_SCHEMA", False):
            return tolerant_object(cls)
        if not detailed:
            return _compiled_object(conv, cls, keep_extra=True)
        known = frozenset(a.name for a in attrs.fields(cls) if a.name != "extra")
        base = make_dict_structure_fn(cls, conv, extra=override(omit=True))

        def structure(data: Any, _: Any) -> Any:
            if not isinstance(data, dict):
                raise TypeError(f"expected an object, got {_kind(data)}")
            obj = base(data, cls)
            if len(data) > len(known) or not known.issuperset(data):
                extra = {k: v for k, v in data.items() if k not in known}
                if extra:
                    obj.extra = extra
            return obj

        return structure

    def tolerant_object(cls: Any) -> Callable[[Any, Any], Any]:
        """Every named field is optional here; one that does not decode moves to ``extra``."""
        attrs.resolve_types(cls)
        hooks = {
            a.name: (conv.get_structure_hook(a.type), a.type)
            for a in attrs.fields(cls)
            if a.name != "extra"
        }
        any_json = getattr(cls, "ANY_JSON", False)

        def structure(data: Any, _: Any) -> Any:
            if not isinstance(data, dict):
                if any_json:
                    return cls(extra={"value": data})
                raise TypeError(f"expected an object, got {_kind(data)}")
            values: dict[str, Any] = {}
            extra: dict[str, Any] = {}
            for key, value in data.items():
                found = hooks.get(key)
                if found is None:
                    extra[key] = value
                    continue
                hook, tp = found
                try:
                    values[key] = hook(value, tp)
                except Exception:
                    extra[key] = value
            return cls(**values, extra=extra)

        return structure

    def object_without_extra(cls: Any) -> Callable[[Any, Any], Any]:
        if not detailed:
            return _compiled_object(conv, cls, keep_extra=False)
        base = make_dict_structure_fn(cls, conv)

        def structure(data: Any, _: Any) -> Any:
            if not isinstance(data, dict):
                raise TypeError(f"expected an object, got {_kind(data)}")
            return base(data, cls)

        return structure

    # Later registrations take precedence: the `extra` case must come last.
    conv.register_structure_hook_factory(attrs.has, object_without_extra)
    conv.register_structure_hook_factory(_has_extra, object_with_extra)
    return conv


def _compiled_object(
    conv: cattrs.Converter, cls: Any, *, keep_extra: bool
) -> Callable[[Any, Any], Any]:
    """The fast decoder of one model: straight-line code, as cattrs generates, but tighter.

    String fields are checked inline and optional fields skip their hook when absent or
    ``null``, so a typical reply row costs one hook call (its timestamp) instead of one per
    field. Any failure raises, and the detailed converter then names the field; both give the
    same results (the contract tests decode every allowed reply). The source is registered
    with ``linecache`` (as attrs does for its generated methods), so a traceback through a
    decoder shows its lines.
    """
    attrs.resolve_types(cls)
    source = _DecoderSource(conv, cls)
    for index, field in enumerate(source.fields):
        source.read(index, field)
    direct = source.construct()
    if keep_extra:
        source.keep_extra(direct)
    structure: Callable[[Any, Any], Any] = source.compile(keep_extra)["structure"]
    return structure


_decoder_numbers = itertools.count()


class _DecoderSource:
    """The source of one model's fast decoder (``structure(o, _)``), written step by step:
    the type check, one read per field, the construction, the unknown keys."""

    def __init__(self, conv: cattrs.Converter, cls: Any) -> None:
        self.conv = conv
        self.cls = cls
        self.fields = [a for a in attrs.fields(cls) if a.name != "extra"]
        self.names: dict[str, Any] = {"cls": cls, "TypeError": TypeError}
        self.lines = [
            "def structure(o, _):",
            "    if o.__class__ is not dict:",
            "        raise TypeError('expected an object')",
        ]
        # Fields with another default than None go by name, through ``kw``.
        self.by_keyword = any(f.default not in (attrs.NOTHING, None) for f in self.fields)
        if self.by_keyword:
            self.lines.append("    kw = {}")
        self.args: list[str] = []
        self.by_name = False

    def read(self, index: int, field: attrs.Attribute[Any]) -> None:
        """Read field number ``index`` into ``v<index>`` and convert it."""
        var, key = f"v{index}", repr(field.name)
        convert, optional = self._conversion(index, field)
        if field.default is attrs.NOTHING:
            self.lines += [f"    {var} = o[{key}]", f"    {convert}"]
        elif field.default is None and optional:
            self.lines += [f"    {var} = o.get({key})", f"    {convert}"]
        else:
            # Another default (a constant, a factory): attrs supplies it unless the key is sent.
            self.lines += [f"    if {key} in o:", f"        {var} = o[{key}]", f"        {convert}"]
            self.lines += [f"        kw[{key}] = {var}"]
            self.by_name = True  # the fields after it cannot go by position
            return
        self.args.append(f"{field.name}={var}" if field.kw_only or self.by_name else var)

    def _conversion(self, index: int, field: attrs.Attribute[Any]) -> tuple[str, bool]:
        """The statement converting ``v<index>`` (skipped when its hook has nothing to do),
        and whether the field is optional."""
        var, tp = f"v{index}", field.type
        optional = _is_optional(tp)
        inner = next(a for a in get_args(tp) if a is not type(None)) if optional else tp
        hook = self.conv.get_structure_hook(inner)
        if hook is _structure_optional_timestamp:
            optional, hook = True, _structure_timestamp
        self.names[f"h{index}"], self.names[f"t{index}"] = hook, inner
        conditions = [f"{var} is not None"] if optional else []
        if inner is str:
            conditions.append(f"{var}.__class__ is not str")
        convert = f"{var} = h{index}({var}, t{index})"
        if hook is _structure_timestamp:
            # The parse inline (the hook only for a non-string, which it refuses).
            self.names["parse_timestamp"] = parse_timestamp
            convert = (
                f"{var} = (parse_timestamp({var}) or {var}) if {var}.__class__ is str"
                f" else h{index}({var}, t{index})"
            )
        if conditions:
            convert = f"if {' and '.join(conditions)}: {convert}"
        return convert, optional

    def construct(self) -> bool:
        """Build ``obj``; True when its fields are set in place (no ``__init__`` call)."""
        direct = not self.by_name and _plain_init(self.cls)
        if direct:
            # What the generated __init__ would do, minus its call: each field set in place.
            self.names["new"] = object.__new__
            self.lines += ["    obj = new(cls)"]
            self.lines += [f"    obj.{field.name} = v{i}" for i, field in enumerate(self.fields)]
            return True
        args = [*self.args, "**kw"] if self.by_keyword else self.args
        self.lines += [f"    obj = cls({', '.join(args)})"]
        return False

    def keep_extra(self, direct: bool) -> None:
        """Keep unknown keys in ``obj.extra`` (set to ``{}`` when ``obj`` skipped __init__)."""
        self.names["known"] = known = frozenset(f.name for f in self.fields)
        if all(f.default is attrs.NOTHING for f in self.fields):
            # Every known key was read, so any further key is an unknown one.
            self.lines += [f"    if len(o) != {len(known)}:"]
        else:
            self.lines += ["    if not known.issuperset(o):"]
        self.lines += ["        obj.extra = {k: v for k, v in o.items() if k not in known}"]
        if direct:
            self.lines += ["    else:", "        obj.extra = {}"]

    def compile(self, keep_extra: bool) -> dict[str, Any]:
        """Run the source (ending in ``return obj``); its names, ``structure`` among them."""
        source = "\n".join([*self.lines, "    return obj", ""])
        kind = "with extra" if keep_extra else "without extra"
        name = f"{self.cls.__module__}.{self.cls.__qualname__}"
        filename = f"<ardent_async decoder {name} {kind} #{next(_decoder_numbers)}>"
        # A traceback through the decoder shows its source (as for attrs' generated methods).
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        exec(compile(source, filename, "exec"), self.names)
        return self.names


def _plain_init(cls: Any) -> bool:
    """Whether ``cls()`` only stores its arguments (and ``extra={}``): no validator, converter,
    hook, alias or other default, nor a ``__setattr__`` of its own, that setting the fields
    in place would skip."""
    if cls.__setattr__ is not object.__setattr__:  # frozen, or on_setattr hooks
        return False
    if any(hasattr(cls, hook) for hook in ("__attrs_pre_init__", "__attrs_post_init__")):
        return False
    for field in attrs.fields(cls):
        if field.validator or field.converter or not field.init or field.alias != field.name:
            return False
        if field.name == "extra":
            if field.default != attrs.Factory(dict):
                return False
        elif field.default not in (attrs.NOTHING, None):
            return False
    return True


def _type_name(tp: Any) -> str:
    origin = get_origin(tp)
    if origin is list:
        return f"{_type_name(get_args(tp)[0])}[]"
    if origin is dict:
        return f"dict[str, {_type_name(get_args(tp)[1])}]"
    return getattr(tp, "__name__", str(tp))


def _describe(exc: BaseException, root: str) -> tuple[str, str]:
    """(path, message) of the first leaf error of a detailed-validation exception."""
    if isinstance(exc, (cattrs.ClassValidationError, cattrs.IterableValidationError)):
        messages = cattrs.transform_error(exc, path=root, format_exception=_format_leaf)
        if messages:
            message, _, path = messages[0].rpartition(" @ ")
            return path, message
    return root, _format_leaf(exc, None)


def _format_leaf(exc: BaseException, _type: Any) -> str:
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, (TypeError, ValueError)):
        text = str(exc)
        return text if text.startswith("expected") else f"invalid value ({type(exc).__name__})"
    return f"invalid value ({type(exc).__name__})"


class ModelConverter:
    """Decode replies into models and encode request models, by the API's rules."""

    def __init__(self) -> None:
        self._fast = _build(detailed=False)
        self._detailed = _build(detailed=True)
        # Hooks by reply type, so a decode skips cattrs' dispatch.
        self._hooks: dict[Any, Callable[[Any, Any], Any]] = {}

    def structure(self, data: Any, tp: type[T] | Any, status_code: int | None = None) -> T:
        """Decode ``data`` into ``tp``; raise ArdentResponseError naming the bad field."""
        hook = self._hooks.get(tp)
        if hook is None:
            hook = self._hooks[tp] = self._fast.get_structure_hook(tp)
        try:
            return hook(data, tp)  # type: ignore[no-any-return]
        except Exception:
            pass
        root = _type_name(tp)
        try:
            value = self._detailed.structure(data, tp)
        except Exception as exc:
            path, message = _describe(exc, root)
            raise ArdentResponseError(
                f"malformed reply: {path}: {message}",
                model=root,
                path=path,
                status_code=status_code,
            ) from None
        return value  # type: ignore[no-any-return]

    def unstructure(self, obj: Any) -> Any:
        """Encode a model into JSON-ready data."""
        return self._fast.unstructure(obj)

    def body(self, obj: Any) -> dict[str, Any]:
        """JSON body of a request model: ``None`` fields omitted, ``extra`` merged in."""
        data: dict[str, Any] = self._fast.unstructure(obj)
        extra = data.pop("extra", None) or {}
        body = {k: v for k, v in data.items() if v is not None}
        body.update(extra)
        return body


converter = ModelConverter()
