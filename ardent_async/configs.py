"""Typed configurations for the legacy jobs/configs API (``client.configs.set``).

One class per configuration type, with typed nested parts (``databases``, ``catalogs``...).
:func:`build_config` makes one from the keyword arguments the seed SDK took, checking every
parameter before anything is sent: an unknown type, a missing, unknown or wrongly typed
parameter raises :class:`~ardent_async.errors.ArdentValidationError` whose ``field`` is the
parameter's path (``databases[0].name``). Secret fields are masked in every ``repr``.

The classes live in ``ardent_async.legacy.configs`` (with the rest of the legacy API); this
module is the documented import path and re-exports them.
"""

from __future__ import annotations

from ardent_async.legacy.configs import (
    CONFIG_TYPES,
    AirflowConfig,
    AzureSQLServerConfig,
    BaseConfig,
    Database,
    DatabricksCatalog,
    DatabricksConfig,
    DatabricksDatabase,
    DatabricksJobsConfig,
    DatabricksTable,
    MongoCollection,
    MongoDatabase,
    MongoDBConfig,
    MySQLConfig,
    PostgreSQLConfig,
    SnowflakeConfig,
    SupabaseConfig,
    TigerBeetleConfig,
    build_config,
    check_published,
)

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
