"""Typed configurations for the legacy jobs/configs API (``client.configs.set``).

One class per configuration type, with typed nested parts (``databases``, ``catalogs``...).
:func:`build_config` makes one from the keyword arguments the seed SDK took, checking every
parameter before anything is sent: an unknown type, a missing, unknown or wrongly typed
parameter raises :class:`~ardent_async.errors.ArdentValidationError` whose ``field`` is the
parameter's path (``databases[0].name``, ``catalogs[0].databases[1].tables[0].name``).

Values are never echoed in those errors (they may be passwords), and secret fields are masked
in every ``repr``::

    config = build_config("mysql", {"host": "db", "port": 3306, "username": "u",
                                    "password": "pw", "databases": [{"name": "shop"}]})
    await client.configs.set(config)
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, TypeVar, cast, get_args, get_origin

import attrs

from ardent_async._core import _validate
from ardent_async._core._redact import redacted_repr
from ardent_async.errors import ArdentValidationError

__all__ = [
    "CONFIG_TYPES",
    "AirflowConfig",
    "AzureSQLServerConfig",
    "BaseConfig",
    "Database",
    "DatabricksCatalog",
    "DatabricksConfig",
    "DatabricksDatabase",
    "DatabricksJobsConfig",
    "DatabricksTable",
    "MongoCollection",
    "MongoDBConfig",
    "MongoDatabase",
    "MySQLConfig",
    "PostgreSQLConfig",
    "SnowflakeConfig",
    "SupabaseConfig",
    "TigerBeetleConfig",
    "build_config",
    "check_published",
]

P = TypeVar("P", bound="_Part")

# Field metadata: "key" is the wire name when it differs from the attribute name (postgreSQL's
# capitalised Hostname/Port); "kind" overrides the kind read from the annotation.
_PORT = {"kind": "port"}
_TEXT_OR_INT = {"kind": "text_or_int"}
_UINT = {"kind": "uint"}
_PUBLISHED_REQUIRED_LIST = {"published": "required list"}


class _Part:
    """A config or a nested part of one: built from, and written as, a JSON object."""

    __slots__ = ()

    @classmethod
    def from_params(cls: type[P], params: object, *, path: str = "") -> P:
        """Check ``params`` (a mapping, or an instance) and build the part from it."""
        if isinstance(params, cls):
            params = params.params()
        if not isinstance(params, Mapping):
            where = path or cls.__name__
            raise _error(where, f"an object with {_expected_keys(cls)}", params)
        fields = _fields(cls)
        for key in params:
            if key not in fields:
                where = _join(path, str(key))
                close = difflib.get_close_matches(str(key), list(fields), n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise ArdentValidationError(
                    f"{where}: unknown parameter (expected {_expected_keys(cls)}){hint}",
                    field=where,
                )
        values: dict[str, Any] = {}
        for key, (field, kind) in fields.items():
            where = _join(path, key)
            if key not in params:
                if field.default is attrs.NOTHING:
                    raise ArdentValidationError(f"{where}: missing parameter", field=where)
                continue
            values[field.name] = _check(kind, params[key], where)
        return cls(**values)

    def params(self) -> dict[str, Any]:
        """The part as JSON-ready data, under its wire names."""
        # An optional parameter left unset is not sent (the server takes its default).
        return {
            key: _write(value)
            for key, (field, _) in _fields(type(self)).items()
            if (value := getattr(self, field.name)) is not None
        }


class BaseConfig(_Part):
    """A legacy configuration; ``config_type`` is the ``type`` it is stored under."""

    __slots__ = ()

    config_type: ClassVar[str]


@attrs.define(frozen=True)
class MongoCollection(_Part):
    """A MongoDB collection, by name."""

    name: str


@attrs.define(frozen=True)
class MongoDatabase(_Part):
    """A MongoDB database and the collections to use."""

    name: str
    collections: list[MongoCollection]


@attrs.define(frozen=True)
class Database(_Part):
    """A database, by name (MySQL, PostgreSQL, Azure SQL Server, Snowflake, Supabase)."""

    name: str


@attrs.define(frozen=True)
class DatabricksTable(_Part):
    """A Databricks table, by name."""

    name: str


@attrs.define(frozen=True)
class DatabricksDatabase(_Part):
    """A Databricks database and its tables."""

    name: str
    tables: list[DatabricksTable]


@attrs.define(frozen=True)
class DatabricksCatalog(_Part):
    """A Databricks catalog and its databases."""

    name: str
    databases: list[DatabricksDatabase]


@attrs.define(frozen=True)
class MongoDBConfig(BaseConfig):
    """MongoDB: a connection string and the databases to use."""

    config_type: ClassVar[str] = "mongodb"

    connection_string: str = attrs.field(repr=redacted_repr)
    databases: list[MongoDatabase]


@attrs.define(frozen=True)
class AirflowConfig(BaseConfig):
    """Airflow: the DAG repository (GitHub token, repo, DAG path) and the Airflow host."""

    config_type: ClassVar[str] = "airflow"

    github_token: str = attrs.field(repr=redacted_repr)
    repo: str
    dag_path: str
    host: str
    username: str
    password: str = attrs.field(repr=redacted_repr)
    requirements_path: str | None = None


@attrs.define(frozen=True)
class AzureSQLServerConfig(BaseConfig):
    """Azure SQL Server: server, credentials, version and databases."""

    config_type: ClassVar[str] = "azureSQLServer"

    server: str
    username: str
    password: str = attrs.field(repr=redacted_repr)
    version: str = attrs.field(metadata=_TEXT_OR_INT)
    databases: list[Database]


@attrs.define(frozen=True)
class DatabricksJobsConfig(BaseConfig):
    """Databricks Jobs: the workspace and the repository holding the jobs."""

    config_type: ClassVar[str] = "databricksJobs"

    workspace_url: str
    access_token: str = attrs.field(repr=redacted_repr)
    github_token: str = attrs.field(repr=redacted_repr)
    repo: str
    repo_path: str


@attrs.define(frozen=True)
class DatabricksConfig(BaseConfig):
    """Databricks SQL."""

    config_type: ClassVar[str] = "databricks"

    server_hostname: str
    http_path: str
    access_token: str = attrs.field(repr=redacted_repr)
    catalogs: list[DatabricksCatalog]


@attrs.define(frozen=True)
class MySQLConfig(BaseConfig):
    """MySQL: host, port, credentials and databases."""

    config_type: ClassVar[str] = "mysql"

    host: str
    port: str = attrs.field(metadata=_PORT)
    username: str
    password: str = attrs.field(repr=redacted_repr)
    databases: list[Database]


@attrs.define(frozen=True)
class PostgreSQLConfig(BaseConfig):
    """PostgreSQL. As ``set_config`` keywords and on the wire: ``Hostname`` and ``Port``."""

    config_type: ClassVar[str] = "postgreSQL"

    hostname: str = attrs.field(metadata={"key": "Hostname"})
    port: str = attrs.field(metadata={**_PORT, "key": "Port"})
    username: str
    password: str = attrs.field(repr=redacted_repr)
    databases: list[Database]


@attrs.define(frozen=True)
class SnowflakeConfig(BaseConfig):
    """Snowflake: account, user, password, warehouse and databases."""

    config_type: ClassVar[str] = "snowflake"

    account: str
    user: str
    password: str = attrs.field(repr=redacted_repr)
    warehouse: str
    databases: list[Database]


@attrs.define(frozen=True)
class SupabaseConfig(BaseConfig):
    """Supabase; ``databases`` may stay empty (Supabase detects them)."""

    config_type: ClassVar[str] = "supabase"

    project_url: str
    api_key: str = attrs.field(repr=redacted_repr)
    # The published client requires the key (``databases=[]`` is fine) and checks no items.
    databases: list[Database] = attrs.field(factory=list, metadata=_PUBLISHED_REQUIRED_LIST)


@attrs.define(frozen=True)
class TigerBeetleConfig(BaseConfig):
    """TigerBeetle: the cluster id and its replica addresses."""

    config_type: ClassVar[str] = "tigerbeetle"

    cluster_id: str = attrs.field(metadata=_UINT)
    replica_addresses: list[str]


CONFIG_TYPES: Mapping[str, type[BaseConfig]] = {
    cls.config_type: cls
    for cls in (
        MongoDBConfig,
        AirflowConfig,
        AzureSQLServerConfig,
        DatabricksJobsConfig,
        DatabricksConfig,
        MySQLConfig,
        PostgreSQLConfig,
        SnowflakeConfig,
        SupabaseConfig,
        TigerBeetleConfig,
    )
}
"""Each config type's wire name (``config_type``) and its class."""


def build_config(config_type: object, params: Mapping[str, Any]) -> BaseConfig:
    """The checked configuration of type ``config_type`` (``"mysql"``, ``"postgreSQL"``...)."""
    cls = CONFIG_TYPES.get(config_type) if isinstance(config_type, str) else None
    if cls is None:
        known = ", ".join(CONFIG_TYPES)
        hint = ""
        if isinstance(config_type, str):
            lowered = {name.lower(): name for name in CONFIG_TYPES}
            if config_type.lower() in lowered:
                hint = f"; did you mean {lowered[config_type.lower()]!r}?"
            shown = repr(config_type[:40])
        else:
            shown = type(config_type).__name__
        raise ArdentValidationError(
            f"config_type: expected one of {known}, got {shown}{hint}", field="config_type"
        )
    return cls.from_params(params)


def check_published(config_type: object, params: Mapping[str, Any]) -> None:
    """The published ardent-sdk 0.3.5's own checks of ``set_config``, with its messages: a
    known type, the required parameters present, each known one of the right Python type
    (strings as ``str``, lists as ``list``; nested items with their required fields). Unknown
    parameters pass through unchecked. ``ArdentValidationError`` (its ``field`` the path)."""
    cls = CONFIG_TYPES.get(config_type) if isinstance(config_type, str) else None
    if cls is None:
        raise ArdentValidationError(
            f"Invalid configuration type: {config_type}", field="config_type"
        )
    fields = _fields(cls)
    for key, (field, _) in fields.items():
        required = field.metadata.get("published") == "required list"
        if key not in params and (required or field.default is attrs.NOTHING):
            raise ArdentValidationError(f"Missing required parameter: {key}", field=key)
    for key, (field, kind) in fields.items():
        if key in params:
            plain = field.metadata.get("published") == "required list"
            _check_published("strings" if plain else kind, params[key], key)


def _check_published(kind: Any, value: object, where: str) -> None:
    expected: type = list if kind == "strings" or isinstance(kind, tuple) else str
    if not isinstance(value, expected):
        raise ArdentValidationError(
            f"Invalid type at {where}. Expected {expected.__name__}, got {type(value).__name__}",
            field=where,
        )
    if not isinstance(kind, tuple):
        return
    fields = _fields(kind[1])
    for index, item in enumerate(cast(list[Any], value)):
        at = f"{where}[{index}]"
        if not isinstance(item, Mapping):
            raise ArdentValidationError(
                f"Invalid type at {at}. Expected dict, got {type(item).__name__}", field=at
            )
        for key, (field, _) in fields.items():
            if key not in item and field.default is attrs.NOTHING:
                raise ArdentValidationError(
                    f"Missing required field '{key}' at {at}", field=f"{at}.{key}"
                )
        for key, (_, part_kind) in fields.items():
            if key in item:
                _check_published(part_kind, item[key], f"{at}.{key}")


_WIRE_FIELDS: dict[type[_Part], dict[str, tuple[attrs.Attribute[Any], Any]]] = {}


def _fields(cls: type[_Part]) -> dict[str, tuple[attrs.Attribute[Any], Any]]:
    """Wire key -> (attribute, kind), where kind is a field kind or ("items", part class)."""
    fields = _WIRE_FIELDS.get(cls)
    if fields is None:
        attrs_cls: Any = attrs.resolve_types(cast(Any, cls))
        fields = {
            field.metadata.get("key", field.name): (field, _kind(field))
            for field in attrs.fields(attrs_cls)
        }
        _WIRE_FIELDS[cls] = fields
    return fields


def _kind(field: attrs.Attribute[Any]) -> Any:
    if "kind" in field.metadata:
        return field.metadata["kind"]
    if field.type is str or _optional_of(field.type) is str:
        return "text"
    if get_origin(field.type) is list:
        (item,) = get_args(field.type)
        if item is str:
            return "strings"
        if isinstance(item, type) and issubclass(item, _Part):
            return ("items", item)
    raise TypeError(f"unsupported config field type {field.type!r}")  # pragma: no cover


def _optional_of(annotation: Any) -> Any:
    """``X`` for ``X | None``, else None."""
    args = get_args(annotation)
    if len(args) == 2 and type(None) in args:
        return next(arg for arg in args if arg is not type(None))
    return None


def _check(kind: Any, value: object, where: str) -> Any:
    if kind == "text":
        return _validate.text(where, value, hide=True)
    if kind == "text_or_int":
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return _check("text", value, where)
    if kind in ("port", "uint"):
        return _check_digits(value, where, port=kind == "port")
    if kind == "strings":
        return _check_strings(value, where)
    _, part = kind
    items = _sequence(value, where, f"a list of objects with {_expected_keys(part)}")
    return [part.from_params(item, path=f"{where}[{index}]") for index, item in enumerate(items)]


def _check_digits(value: object, where: str, *, port: bool) -> str:
    """A whole number as the legacy API takes it: a string of digits (a port in range)."""
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not text.isascii() or not text.isdigit():
        raise _error(where, "a whole number (as an int or a string of digits)", value)
    if port and not 1 <= int(text) <= 65535:
        raise _error(where, "a port number in [1, 65535]", value)
    return text


def _check_strings(value: object, where: str) -> list[str]:
    items = _sequence(value, where, "a non-empty list of strings")
    if not items:
        raise _error(where, "a non-empty list of strings", value)
    return [
        _validate.text(f"{where}[{index}]", item, hide=True) for index, item in enumerate(items)
    ]


def _sequence(value: object, where: str, expected: str) -> list[Any]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
        raise _error(where, expected, value)
    return list(value)


def _write(value: Any) -> Any:
    if isinstance(value, _Part):
        return value.params()
    if isinstance(value, list):
        return [_write(item) for item in value]
    return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _expected_keys(cls: type[_Part]) -> str:
    return ", ".join(_fields(cls))


def _error(where: str, expected: str, got: object) -> ArdentValidationError:
    # Only the kind of value is shown: config values include passwords and tokens.
    return _validate.refusal(where, expected, got, hide=True)
