"""``client.connectors``: the Postgres sources Ardent replicates and branches."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
from typing_extensions import Unpack

from ardent_async._core import _validate
from ardent_async._core._converter import converter
from ardent_async._core._options import RequestOptions
from ardent_async._core._paths import check_id, segment
from ardent_async._core._pipeline import Pipeline
from ardent_async._spec import constants, endpoints
from ardent_async._spec.constants import (
    CREATE_CONNECTOR_REQUEST_ALLOW_HIGH_RTT_PLACEMENT_DEFAULT as CREATE_HIGH_RTT_DEFAULT,
)
from ardent_async._spec.constants import (
    PREFLIGHT_CONNECTOR_REQUEST_ALLOW_HIGH_RTT_PLACEMENT_DEFAULT as PREFLIGHT_HIGH_RTT_DEFAULT,
)
from ardent_async.errors import (
    ArdentResponseError,
    ArdentValidationError,
    PreflightFailedError,
    UnprocessableEntityError,
)
from ardent_async.models import (
    ConnectorDeletionLockRequest,
    ConnectorRow,
    CreateConnectorRequest,
    DiscoverAccepted,
    OperationHandle,
    PreflightConnectorRequest,
    PreflightReport,
    QuarantineRow,
    ReplicaIdentityDecisionsRequest,
    SelectionRequest,
    UpdateConnectorRequest,
)
from ardent_async.preflight import failing_checks
from ardent_async.services._endpoint import request, send

__all__ = ["REPLICA_IDENTITY_DECISIONS", "ConnectorsService", "EngineSetupResult"]

REPLICA_IDENTITY_DECISIONS = constants.REPLICA_IDENTITY_DECISIONS_REQUEST_DECISIONS_VALUES
MAX_LOCK_REASON = constants.CONNECTOR_DELETION_LOCK_REQUEST_REASON_MAX_LENGTH


@attrs.define(frozen=True)
class EngineSetupResult:
    """The answer to an engine-setup request.

    Either setup started (or joined a running one): ``operation`` is the handle to poll; or the
    engine was already set up: ``already_set_up`` is True and ``connector`` is its row.
    """

    operation: OperationHandle | None = None
    connector: ConnectorRow | None = None

    @property
    def already_set_up(self) -> bool:
        """True when the engine was already set up (no operation started)."""
        return self.operation is None


class ConnectorsService:
    """Preflight, create, read, change and delete connectors; discovery, selection, setup."""

    def __init__(self, http: Pipeline) -> None:
        self._http = http

    async def preflight(
        self,
        connection_details: Mapping[str, Any],
        *,
        service_name: str = constants.PREFLIGHT_CONNECTOR_REQUEST_SERVICE_NAME_DEFAULT,
        org_id: str | None = None,
        selected_schemas: Sequence[str] | None = None,
        database: str | None = None,
        environment_id: str | None = None,
        private_link_id: str | None = None,
        use_environment: bool = constants.PREFLIGHT_CONNECTOR_REQUEST_USE_ENVIRONMENT_DEFAULT,
        allow_high_rtt_placement: bool = PREFLIGHT_HIGH_RTT_DEFAULT,
        **options: Unpack[RequestOptions],
    ) -> PreflightReport:
        """Check a source before creating a connector; nothing is stored.

        A failed check is not an error: read ``report.preflight_pass`` and
        :func:`ardent_async.preflight.failing_checks`.
        """
        body = PreflightConnectorRequest(
            connection_details=_validate.mapping("connection_details", connection_details),
            service_name=_validate.text("service_name", service_name),
            org_id=_optional_id("org_id", org_id),
            selected_schemas=(
                None
                if selected_schemas is None
                else _validate.string_list("selected_schemas", selected_schemas)
            ),
            database=_validate.optional_text("database", database),
            environment_id=_optional_id("environment_id", environment_id),
            private_link_id=_private_link("private_link_id", private_link_id, use_environment),
            use_environment=_validate.flag("use_environment", use_environment),
            allow_high_rtt_placement=_validate.flag(
                "allow_high_rtt_placement", allow_high_rtt_placement
            ),
        )
        return await send(
            self._http, endpoints.PREFLIGHT_CONNECTOR, json_body=body, options=options
        )

    async def create(
        self,
        project_id: str,
        name: str,
        connection_details: Mapping[str, Any],
        *,
        service_name: str = constants.CREATE_CONNECTOR_REQUEST_SERVICE_NAME_DEFAULT,
        org_id: str | None = None,
        environment_id: str | None = None,
        private_link_id: str | None = None,
        use_environment: bool = constants.CREATE_CONNECTOR_REQUEST_USE_ENVIRONMENT_DEFAULT,
        allow_high_rtt_placement: bool = CREATE_HIGH_RTT_DEFAULT,
        drop_extensions: Sequence[str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> ConnectorRow:
        """Create a connector in ``project_id``.

        Raises :class:`~ardent_async.errors.PreflightFailedError` (``.report``) when the
        source's preflight has not passed.
        """
        body = CreateConnectorRequest(
            project_id=check_id("project_id", project_id),
            name=_validate.text("name", name),
            connection_details=_validate.mapping("connection_details", connection_details),
            service_name=_validate.text("service_name", service_name),
            org_id=_optional_id("org_id", org_id),
            environment_id=_optional_id("environment_id", environment_id),
            private_link_id=_private_link("private_link_id", private_link_id, use_environment),
            use_environment=_validate.flag("use_environment", use_environment),
            allow_high_rtt_placement=_validate.flag(
                "allow_high_rtt_placement", allow_high_rtt_placement
            ),
            drop_extensions=(
                None
                if drop_extensions is None
                else _validate.string_list("drop_extensions", drop_extensions)
            ),
        )
        try:
            return await send(
                self._http, endpoints.CREATE_CONNECTOR, json_body=body, options=options
            )
        except UnprocessableEntityError as exc:
            failure = _as_preflight_failure(exc)
            if failure is None:
                raise
            raise failure from None

    async def list(
        self,
        org_id: str,
        *,
        connector_category: str | None = None,
        service_name: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> list[ConnectorRow]:
        """Connectors of ``org_id`` visible to the caller, optionally filtered."""
        params = {
            "org_id": check_id("org_id", org_id),
            "connector_category": _validate.optional_text("connector_category", connector_category),
            "service_name": _validate.optional_text("service_name", service_name),
        }
        reply = await send(self._http, endpoints.LIST_CONNECTORS, params=params, options=options)
        return reply.connectors

    async def get(self, connector_id: str, **options: Unpack[RequestOptions]) -> ConnectorRow:
        """The connector's row. NotFoundError if there is none."""
        path = endpoints.GET_CONNECTOR.path_for(connector_id=segment("connector_id", connector_id))
        return await send(self._http, endpoints.GET_CONNECTOR, path, options=options)

    async def update(
        self,
        connector_id: str,
        *,
        name: str | None = None,
        project_id: str | None = None,
        connection_details: Mapping[str, Any] | None = None,
        drop_extensions: Sequence[str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> ConnectorRow:
        """Change the given fields; the others stay as they are. ``drop_extensions=[]`` clears."""
        path = endpoints.UPDATE_CONNECTOR.path_for(
            connector_id=segment("connector_id", connector_id)
        )
        if all(v is None for v in (name, project_id, connection_details, drop_extensions)):
            raise ArdentValidationError(
                "update: pass at least one of name, project_id, connection_details, "
                "drop_extensions",
                field="update",
            )
        body = UpdateConnectorRequest(
            name=_validate.optional_text("name", name),
            project_id=_optional_id("project_id", project_id),
            connection_details=(
                None
                if connection_details is None
                else _validate.mapping("connection_details", connection_details)
            ),
            drop_extensions=(
                None
                if drop_extensions is None
                else _validate.string_list("drop_extensions", drop_extensions)
            ),
        )
        return await send(
            self._http, endpoints.UPDATE_CONNECTOR, path, json_body=body, options=options
        )

    async def delete(
        self,
        connector_id: str,
        *,
        force: bool = constants.DELETE_CONNECTOR_FORCE_DEFAULT,
        **options: Unpack[RequestOptions],
    ) -> OperationHandle:
        """Start deleting the connector; poll the returned operation."""
        path = endpoints.DELETE_CONNECTOR.path_for(
            connector_id=segment("connector_id", connector_id)
        )
        # The server's default needs no parameter.
        forced = _validate.flag("force", force) != constants.DELETE_CONNECTOR_FORCE_DEFAULT
        params = {"force": force} if forced else None
        return await send(
            self._http, endpoints.DELETE_CONNECTOR, path, params=params, options=options
        )

    async def discover(
        self, connector_id: str, **options: Unpack[RequestOptions]
    ) -> DiscoverAccepted:
        """Start (or join) discovery of the source's schemas; poll the returned operation."""
        path = endpoints.DISCOVER_CONNECTOR.path_for(
            connector_id=segment("connector_id", connector_id)
        )
        return await send(self._http, endpoints.DISCOVER_CONNECTOR, path, options=options)

    async def set_selection(
        self, connector_id: str, selected_paths: Sequence[str], **options: Unpack[RequestOptions]
    ) -> ConnectorRow:
        """Choose the discovered paths to replicate (``["*"]``: everything)."""
        path = endpoints.SET_CONNECTOR_SELECTION.path_for(
            connector_id=segment("connector_id", connector_id)
        )
        paths = _validate.string_list("selected_paths", selected_paths)
        if not paths:
            raise ArdentValidationError(
                "selected_paths: expected at least one path (['*'] selects everything), got []",
                field="selected_paths",
            )
        body = SelectionRequest(selected_paths=paths)
        return await send(
            self._http, endpoints.SET_CONNECTOR_SELECTION, path, json_body=body, options=options
        )

    async def set_replica_identity_decisions(
        self, connector_id: str, decisions: Mapping[str, str], **options: Unpack[RequestOptions]
    ) -> ConnectorRow:
        """Decide, per table, what to do about tables without a usable replica identity.

        Values: ``exclude``, ``add_pk`` or ``replica_identity_full``.
        """
        path = endpoints.SET_REPLICA_IDENTITY_DECISIONS.path_for(
            connector_id=segment("connector_id", connector_id)
        )
        checked = _validate.mapping("decisions", decisions)
        for table, decision in checked.items():
            _validate.choice(f"decisions[{table!r}]", decision, REPLICA_IDENTITY_DECISIONS)
        body = ReplicaIdentityDecisionsRequest(decisions=checked)
        return await send(
            self._http,
            endpoints.SET_REPLICA_IDENTITY_DECISIONS,
            path,
            json_body=body,
            options=options,
        )

    async def engine_setup(
        self, connector_id: str, **options: Unpack[RequestOptions]
    ) -> EngineSetupResult:
        """Start (or join) the engine setup; or learn that it is already done."""
        setup = endpoints.START_ENGINE_SETUP
        path = setup.path_for(connector_id=segment("connector_id", connector_id))
        response = await request(self._http, setup, path, options=options)
        reply = setup.replies.get(response.status_code)
        if reply is OperationHandle:
            return EngineSetupResult(operation=self._http.decode(response, OperationHandle))
        if reply is ConnectorRow:
            return EngineSetupResult(connector=self._http.decode(response, ConnectorRow))
        expected = " or ".join(str(status) for status in sorted(setup.success_statuses))
        raise ArdentResponseError(
            f"unexpected status {response.status_code} from POST {path} (expected {expected})",
            status_code=response.status_code,
        )

    async def lock_deletion(
        self, connector_id: str, *, reason: str | None = None, **options: Unpack[RequestOptions]
    ) -> ConnectorRow:
        """Refuse deletes of this connector until unlocked."""
        path = endpoints.LOCK_CONNECTOR_DELETION.path_for(
            connector_id=segment("connector_id", connector_id)
        )
        body = ConnectorDeletionLockRequest(
            reason=_validate.optional_text("reason", reason, max_length=MAX_LOCK_REASON)
        )
        reply = await send(
            self._http, endpoints.LOCK_CONNECTOR_DELETION, path, json_body=body, options=options
        )
        return reply.connector

    async def unlock_deletion(
        self, connector_id: str, **options: Unpack[RequestOptions]
    ) -> ConnectorRow:
        """Allow the connector to be deleted again (see :meth:`lock_deletion`)."""
        path = endpoints.UNLOCK_CONNECTOR_DELETION.path_for(
            connector_id=segment("connector_id", connector_id)
        )
        reply = await send(self._http, endpoints.UNLOCK_CONNECTOR_DELETION, path, options=options)
        return reply.connector

    # `builtins.list`: inside this class body, `list` names the method above.
    async def list_quarantines(
        self, connector_id: str, **options: Unpack[RequestOptions]
    ) -> builtins.list[QuarantineRow]:
        """The connector's paused (quarantined) replication deployments."""
        path = endpoints.LIST_CONNECTOR_QUARANTINES.path_for(
            connector_id=segment("connector_id", connector_id)
        )
        reply = await send(self._http, endpoints.LIST_CONNECTOR_QUARANTINES, path, options=options)
        return reply.quarantines

    async def release_quarantine(
        self, connector_id: str, quarantine_id: str, **options: Unpack[RequestOptions]
    ) -> QuarantineRow:
        """Resume a paused replication deployment."""
        release = endpoints.RELEASE_CONNECTOR_QUARANTINE
        path = release.path_for(
            connector_id=segment("connector_id", connector_id),
            quarantine_id=segment("quarantine_id", quarantine_id),
        )
        return await send(self._http, release, path, options=options)


def _optional_id(name: str, value: object) -> str | None:
    return None if value is None else check_id(name, value)


def _private_link(name: str, value: object, use_environment: object) -> str | None:
    link = _optional_id(name, value)
    if link is not None and use_environment is not True:
        raise ArdentValidationError(
            f"{name}: a private link needs use_environment=True", field=name
        )
    return link


def _as_preflight_failure(exc: UnprocessableEntityError) -> PreflightFailedError | None:
    """The 422 of a create whose body is a preflight report (not a ``detail`` list)."""
    body = exc.body
    if exc.status_code != 422 or not isinstance(body, dict):
        return None
    if isinstance(body.get("detail"), list) or not ("checks" in body or "preflight_pass" in body):
        return None
    try:
        report: PreflightReport = converter.structure(body, PreflightReport, status_code=422)
    except ArdentResponseError:
        return None
    failed = [check.name for check in failing_checks(report)]
    summary = f": failing checks {', '.join(failed)}" if failed else ""
    return PreflightFailedError(
        f"422 preflight has not passed on {exc.method} {exc.path}{summary}",
        report=report,
        status_code=exc.status_code,
        detail=exc.detail,
        body=body,
        headers=exc.headers,
        method=exc.method,
        path=exc.path,
    )
