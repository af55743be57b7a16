"""Typed blocking twins of the async services, generated from their source.

DO NOT EDIT: run ``python -m codegen.sync_twin`` (``nox -s codegen``) after changing a service.
"""

from __future__ import annotations

import builtins
import os
import ssl
from abc import abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from typing_extensions import Unpack

from ardent_async._blocking import (
    BlockingIterator,
    BlockingService,
    LoopThread,
    call_on,
)
from ardent_async._client import ArdentClient as AsyncArdentClient
from ardent_async._core._clock import Clock
from ardent_async._core._options import RequestOptions
from ardent_async._core._retry import RetryPolicy
from ardent_async._core._telemetry import MeterProvider, TracerProvider
from ardent_async._core._transport import Transport
from ardent_async._spec import constants
from ardent_async._spec.constants import (
    CREATE_CONNECTOR_REQUEST_ALLOW_HIGH_RTT_PLACEMENT_DEFAULT as CREATE_HIGH_RTT_DEFAULT,
)
from ardent_async._spec.constants import (
    DEFAULT_CONCURRENCY,
    DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_WAIT_TIMEOUT,
)
from ardent_async._spec.constants import (
    PREFLIGHT_CONNECTOR_REQUEST_ALLOW_HIGH_RTT_PLACEMENT_DEFAULT as PREFLIGHT_HIGH_RTT_DEFAULT,
)
from ardent_async._spec.endpoint_calls import EndpointsService
from ardent_async._waiting._poller import WATCH_HOLD
from ardent_async.events import EventHooks
from ardent_async.fanout import BranchOutcome, OperationOutcome, ProgressCallback
from ardent_async.legacy.configs import BaseConfig
from ardent_async.legacy.configs_service import ConfigsService
from ardent_async.legacy.jobs_service import JobsService
from ardent_async.models import (
    APIKeyCreateResponse,
    APIKeyListItem,
    AsyncOperationResponse,
    BranchCreateResult,
    BranchRow,
    ConnectorRow,
    DiscoverAccepted,
    LegacyJob,
    MessageResponse,
    OperationHandle,
    OrgDetails,
    OrgInvite,
    OrgMember,
    OrgRole,
    PreflightReport,
    ProjectRow,
    QuarantineRow,
)
from ardent_async.models import _generated as models
from ardent_async.services.branches import SERVICE_TYPE, BranchesService, IfExists, ReadyBranch
from ardent_async.services.connectors import ConnectorsService, EngineSetupResult
from ardent_async.services.operations import OperationsService
from ardent_async.services.orgs import OrgsService
from ardent_async.services.projects import ProjectsService


class SyncProjectsService(BlockingService[ProjectsService]):
    """Blocking ``ProjectsService``: its methods as plain calls."""

    def list(
        self,
        org_id: str,
        **options: Unpack[RequestOptions],
    ) -> list[ProjectRow]:
        """Projects of ``org_id`` visible to the caller."""
        return self._call(self._service.list, org_id, **options)

    def create(
        self,
        name: str,
        *,
        org_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ProjectRow:
        """Create a project (``name``: 1-100 characters). ``org_id`` defaults to the token's org."""
        return self._call(self._service.create, name, org_id=org_id, **options)

    def get(
        self,
        project_id: str,
        **options: Unpack[RequestOptions],
    ) -> ProjectRow:
        """The project. NotFoundError if there is none."""
        return self._call(self._service.get, project_id, **options)

    def update(
        self,
        project_id: str,
        *,
        name: str,
        **options: Unpack[RequestOptions],
    ) -> ProjectRow:
        """Rename a project."""
        return self._call(self._service.update, project_id, name=name, **options)

    def delete(
        self,
        project_id: str,
        **options: Unpack[RequestOptions],
    ) -> MessageResponse:
        """Delete the project; the reply's ``message`` says what was done."""
        return self._call(self._service.delete, project_id, **options)


class SyncOperationsService(BlockingService[OperationsService]):
    """Blocking ``OperationsService``: its methods as plain calls."""

    def get(
        self,
        operation_id: str,
        *,
        wait: float | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncOperationResponse:
        """The operation's state. ``wait`` (0-10 s) asks the server to hold the request until
        the operation is terminal or the time passes."""
        return self._call(self._service.get, operation_id, wait=wait, **options)

    def wait(
        self,
        operation_id: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float | None = None,
    ) -> AsyncOperationResponse:
        """Wait until the operation is terminal and return it when ``completed``.

        Raises OperationFailedError (``.operation``, ``.error``) when it ``failed`` and
        OperationTimeoutError (``.operation``: the last state seen) after ``timeout`` seconds.
        Polls are held by the server (``wait=``) so the end is seen at once; ``poll_interval``
        is the first pause between polls should the server answer without holding.
        """
        return self._call(
            self._service.wait, operation_id, timeout=timeout, poll_interval=poll_interval
        )

    def wait_many(
        self,
        operation_ids: Iterable[str],
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
    ) -> list[OperationOutcome]:
        """Wait for many operations at once; one OperationOutcome per id, in the order given.

        Never raises halfway: ``.operation`` is the final (or last seen) state and ``.error``
        is OperationFailedError, OperationTimeoutError (after ``timeout`` seconds, one deadline
        for all) or whatever else ended that wait. All waits share the client's bounded budget
        of polls, so 10 or 10,000 ids cost the server about the same per second.
        """
        return self._call(self._service.wait_many, operation_ids, timeout=timeout)

    def watch(
        self,
        operation_id: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        update_every: float = WATCH_HOLD,
    ) -> BlockingIterator[AsyncOperationResponse]:
        """Each change of the operation's status, progress or stage, once, until it ends::

            async for op in client.operations.watch(op_id):
                print(op.status, op.stage_label, op.progress)

        Ends after the terminal state; after a ``failed`` one the next step raises
        OperationFailedError. OperationTimeoutError after ``timeout`` seconds.
        """
        return self._iterate(
            self._service.watch, operation_id, timeout=timeout, update_every=update_every
        )


class SyncBranchesService(BlockingService[BranchesService]):
    """Blocking ``BranchesService``: its methods as plain calls."""

    def create(
        self,
        connector_id: str,
        name: str,
        *,
        service_type: str = SERVICE_TYPE,
        idempotency_key: str | None = None,
        idempotency_scope: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> OperationHandle:
        """Start creating branch ``name`` of the connector; returns the operation to wait for.

        Safe to repeat: the ``X-Idempotency-Key`` is derived from (connector, service type,
        name[, ``idempotency_scope``]) unless ``idempotency_key`` is given, so the same create
        sent again (a retry, a re-run script, ``create_many`` with this name) resumes the first
        one and answers with its operation. A create racing the same key elsewhere resolves to
        that create's operation. A replay also replays the outcome, failures included: pass a
        new ``idempotency_scope`` (a CI run id, say) to make a fresh request. A name taken by a
        create under another key raises ConflictError (``create_and_wait`` reuses it instead).
        """
        return self._call(
            self._service.create,
            connector_id,
            name,
            service_type=service_type,
            idempotency_key=idempotency_key,
            idempotency_scope=idempotency_scope,
            **options,
        )

    def create_and_wait(
        self,
        connector_id: str,
        name: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        service_type: str = SERVICE_TYPE,
        idempotency_key: str | None = None,
        idempotency_scope: str | None = None,
        if_exists: IfExists = "reuse",
        until: str = "ready",
    ) -> BranchCreateResult:
        """Create a branch and wait until it is ready; return its details (``branch_url``...).

        Safe to repeat, as :meth:`create` (same key rules). When the name is already taken on
        the connector by a create the server no longer links to this key (another key, or one
        it has forgotten), ``if_exists="reuse"`` (the default) returns that branch once it has
        a ``branch_url``; ``if_exists="error"`` raises the server's ConflictError. When the
        derived key replays an earlier run's failed create, a new create is started (a failed
        operation never recovers), under a key derived from that failure.

        ``timeout`` bounds the whole call. Raises OperationFailedError if the create failed,
        OperationTimeoutError after ``timeout`` (``.operation`` says how far it got), and
        EmptyBranchURLError if the finished branch has no ``branch_url``.

        ``until="connectable"`` also waits, after the operation completed, until a real
        connection to ``branch_url`` runs ``SELECT 1`` (retried within ``timeout``;
        BranchNotConnectableError if it never does). It needs asyncpg (the ``connect`` extra).
        """
        return self._call(
            self._service.create_and_wait,
            connector_id,
            name,
            timeout=timeout,
            service_type=service_type,
            idempotency_key=idempotency_key,
            idempotency_scope=idempotency_scope,
            if_exists=if_exists,
            until=until,
        )

    def create_or_reuse(
        self,
        connector_id: str,
        name: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        service_type: str = SERVICE_TYPE,
        idempotency_key: str | None = None,
        idempotency_scope: str | None = None,
        until: str = "ready",
    ) -> ReadyBranch:
        """:meth:`create_and_wait` with ``if_exists="reuse"``, saying whether this call created
        the branch: a :class:`ReadyBranch` (``.branch``, ``.created``).

        What a CI job needs to get the same branch back when it runs again::

            ready = await client.branches.create_or_reuse(conn_id, "pr-42", until="connectable")
            print(ready.branch.branch_url, "created" if ready.created else "reused")

        The same path as ``create_and_wait``: the create is sent under the key derived from
        (connector, service type, name[, ``idempotency_scope``]); a name taken on the connector
        is reused once its row has a ``branch_url`` (a row that failed or is being deleted is
        never reused); an earlier run's failed create, replayed, starts a new create. Same
        errors as ``create_and_wait``.
        """
        return self._call(
            self._service.create_or_reuse,
            connector_id,
            name,
            timeout=timeout,
            service_type=service_type,
            idempotency_key=idempotency_key,
            idempotency_scope=idempotency_scope,
            until=until,
        )

    def wait_ready(
        self,
        connector_id: str,
        branch_id_or_name: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
    ) -> BranchCreateResult:
        """An existing branch's details once it has a ``branch_url`` (as ``create_and_wait``
        returns them): for a branch some other run created, found by id or name.

        Polls the connector's branch list (backing off, within ``timeout``); NotFoundError if
        the list lacks it, BranchFailedError as soon as it is listed failed, error, deleting or
        deleted, OperationTimeoutError if it has no URL by then.
        """
        return self._call(
            self._service.wait_ready, connector_id, branch_id_or_name, timeout=timeout
        )

    def list(
        self,
        connector_id: str,
        *,
        tag: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> builtins.list[BranchRow]:
        """The connector's branches (the API returns at most 100: ``MAX_LISTED``).

        ``tag`` keeps rows whose ``tags`` column (an undocumented extra column, found in
        ``row.extra["tags"]``) contains it; the API has no tag filter, so this is done here.
        """
        return self._call(self._service.list, connector_id, tag=tag, **options)

    def get(
        self,
        connector_id: str,
        branch_id_or_name: str,
        **options: Unpack[RequestOptions],
    ) -> BranchRow:
        """The branch with this id (or else this name); NotFoundError if the list lacks it."""
        return self._call(self._service.get, connector_id, branch_id_or_name, **options)

    def create_many(
        self,
        connector_id: str,
        names: Iterable[str],
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        max_building: int | None = None,
        wait: bool = True,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        service_type: str = SERVICE_TYPE,
        idempotency_scope: str | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> builtins.list[BranchOutcome]:
        """Create many branches; one outcome per name, in the order of ``names``.

        Returns a :class:`~ardent_async.fanout.BranchOutcome` per name: ``.branch`` (the ready
        branch; with ``wait=False`` only ``.handle``) or ``.error``. One branch failing never
        stops the others. ``timeout`` bounds each branch's create and wait.

        Sending and waiting are separate stages: at most ``concurrency`` creates are in flight,
        and every accepted create is waited for by the client's shared waiter (a bounded budget
        of held polls, then round-robin polls at a bounded rate), so N branches take about the
        server's build time plus the time to send N creates. ``max_building`` (off by default)
        caps how many of these branches are being built on the server at once.

        Each create's idempotency key is derived from (connector, service type, name[,
        ``idempotency_scope``]), so running the same call again after a crash resumes the
        creates the server still remembers instead of duplicating them (also across processes:
        a create racing the same key elsewhere resolves to the same branch). A replayed create
        also replays its outcome, failures included: pass a new ``idempotency_scope`` (a CI run
        id, say) to make fresh requests, e.g. to retry names that failed or were deleted since.

        ``on_progress`` (a function or coroutine function) gets a FanOutProgress after each
        name finishes; an exception it raises stops sending, cancels the rest and propagates.
        Cancelling the call cancels every create and wait in flight. Arguments are all checked
        first: bad ones raise ArdentValidationError before any request.
        """
        return self._call(
            self._service.create_many,
            connector_id,
            names,
            concurrency=concurrency,
            max_building=max_building,
            wait=wait,
            timeout=timeout,
            service_type=service_type,
            idempotency_scope=idempotency_scope,
            on_progress=on_progress,
        )

    def create_iter(
        self,
        connector_id: str,
        names: Iterable[str],
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        max_building: int | None = None,
        wait: bool = True,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        service_type: str = SERVICE_TYPE,
        idempotency_scope: str | None = None,
    ) -> BlockingIterator[BranchOutcome]:
        """``create_many``, with each outcome yielded as soon as it is known::

            async with client.branches.create_iter(conn_id, names) as outcomes:
                async for outcome in outcomes:      # in completion order
                    if outcome.ok:
                        start_work(outcome.branch)

        One outcome per name, whatever happens to the others. Leaving the ``async with`` (or
        ``await outcomes.aclose()``) early stops sending and cancels the waits still pending;
        an iteration simply abandoned stops when it is garbage-collected. Arguments are the
        same as ``create_many``'s and are checked here, before any request.
        """
        return self._iterate(
            self._service.create_iter,
            connector_id,
            names,
            concurrency=concurrency,
            max_building=max_building,
            wait=wait,
            timeout=timeout,
            service_type=service_type,
            idempotency_scope=idempotency_scope,
        )


class SyncConnectorsService(BlockingService[ConnectorsService]):
    """Blocking ``ConnectorsService``: its methods as plain calls."""

    def preflight(
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
        return self._call(
            self._service.preflight,
            connection_details,
            service_name=service_name,
            org_id=org_id,
            selected_schemas=selected_schemas,
            database=database,
            environment_id=environment_id,
            private_link_id=private_link_id,
            use_environment=use_environment,
            allow_high_rtt_placement=allow_high_rtt_placement,
            **options,
        )

    def create(
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
        return self._call(
            self._service.create,
            project_id,
            name,
            connection_details,
            service_name=service_name,
            org_id=org_id,
            environment_id=environment_id,
            private_link_id=private_link_id,
            use_environment=use_environment,
            allow_high_rtt_placement=allow_high_rtt_placement,
            drop_extensions=drop_extensions,
            **options,
        )

    def list(
        self,
        org_id: str,
        *,
        connector_category: str | None = None,
        service_name: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> list[ConnectorRow]:
        """Connectors of ``org_id`` visible to the caller, optionally filtered."""
        return self._call(
            self._service.list,
            org_id,
            connector_category=connector_category,
            service_name=service_name,
            **options,
        )

    def get(
        self,
        connector_id: str,
        **options: Unpack[RequestOptions],
    ) -> ConnectorRow:
        """The connector's row. NotFoundError if there is none."""
        return self._call(self._service.get, connector_id, **options)

    def update(
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
        return self._call(
            self._service.update,
            connector_id,
            name=name,
            project_id=project_id,
            connection_details=connection_details,
            drop_extensions=drop_extensions,
            **options,
        )

    def delete(
        self,
        connector_id: str,
        *,
        force: bool = constants.DELETE_CONNECTOR_FORCE_DEFAULT,
        **options: Unpack[RequestOptions],
    ) -> OperationHandle:
        """Start deleting the connector; poll the returned operation."""
        return self._call(self._service.delete, connector_id, force=force, **options)

    def discover(
        self,
        connector_id: str,
        **options: Unpack[RequestOptions],
    ) -> DiscoverAccepted:
        """Start (or join) discovery of the source's schemas; poll the returned operation."""
        return self._call(self._service.discover, connector_id, **options)

    def set_selection(
        self,
        connector_id: str,
        selected_paths: Sequence[str],
        **options: Unpack[RequestOptions],
    ) -> ConnectorRow:
        """Choose the discovered paths to replicate (``["*"]``: everything)."""
        return self._call(self._service.set_selection, connector_id, selected_paths, **options)

    def set_replica_identity_decisions(
        self,
        connector_id: str,
        decisions: Mapping[str, str],
        **options: Unpack[RequestOptions],
    ) -> ConnectorRow:
        """Decide, per table, what to do about tables without a usable replica identity.

        Values: ``exclude``, ``add_pk`` or ``replica_identity_full``.
        """
        return self._call(
            self._service.set_replica_identity_decisions, connector_id, decisions, **options
        )

    def engine_setup(
        self,
        connector_id: str,
        **options: Unpack[RequestOptions],
    ) -> EngineSetupResult:
        """Start (or join) the engine setup; or learn that it is already done."""
        return self._call(self._service.engine_setup, connector_id, **options)

    def lock_deletion(
        self,
        connector_id: str,
        *,
        reason: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ConnectorRow:
        """Refuse deletes of this connector until unlocked."""
        return self._call(self._service.lock_deletion, connector_id, reason=reason, **options)

    def unlock_deletion(
        self,
        connector_id: str,
        **options: Unpack[RequestOptions],
    ) -> ConnectorRow:
        """Allow the connector to be deleted again (see :meth:`lock_deletion`)."""
        return self._call(self._service.unlock_deletion, connector_id, **options)

    def list_quarantines(
        self,
        connector_id: str,
        **options: Unpack[RequestOptions],
    ) -> builtins.list[QuarantineRow]:
        """The connector's paused (quarantined) replication deployments."""
        return self._call(self._service.list_quarantines, connector_id, **options)

    def release_quarantine(
        self,
        connector_id: str,
        quarantine_id: str,
        **options: Unpack[RequestOptions],
    ) -> QuarantineRow:
        """Resume a paused replication deployment."""
        return self._call(self._service.release_quarantine, connector_id, quarantine_id, **options)


class SyncOrgsService(BlockingService[OrgsService]):
    """Blocking ``OrgsService``: its methods as plain calls."""

    def get(
        self,
        org_id: str,
        **options: Unpack[RequestOptions],
    ) -> OrgDetails:
        """The organization's details."""
        return self._call(self._service.get, org_id, **options)

    def update(
        self,
        org_id: str,
        *,
        name: str,
        **options: Unpack[RequestOptions],
    ) -> OrgDetails:
        """Rename the organization."""
        return self._call(self._service.update, org_id, name=name, **options)

    def delete(
        self,
        org_id: str,
        **options: Unpack[RequestOptions],
    ) -> None:
        """Delete the organization."""
        return self._call(self._service.delete, org_id, **options)

    def list_members(
        self,
        org_id: str,
        **options: Unpack[RequestOptions],
    ) -> list[OrgMember]:
        """The organization's members and their roles."""
        return self._call(self._service.list_members, org_id, **options)

    def update_member_role(
        self,
        org_id: str,
        user_id: str,
        *,
        role_key: str,
        **options: Unpack[RequestOptions],
    ) -> OrgMember:
        """Give a member another role: ``owner``, ``admin``, ``member`` or ``viewer``."""
        return self._call(
            self._service.update_member_role, org_id, user_id, role_key=role_key, **options
        )

    def remove_member(
        self,
        org_id: str,
        user_id: str,
        **options: Unpack[RequestOptions],
    ) -> None:
        """Remove the member ``user_id`` from the organization."""
        return self._call(self._service.remove_member, org_id, user_id, **options)

    def invite(
        self,
        org_id: str,
        email: str,
        *,
        role_key: str = constants.INVITE_USER_REQUEST_ROLE_KEY_DEFAULT,
        **options: Unpack[RequestOptions],
    ) -> OrgInvite:
        """Invite ``email`` to join with ``role_key``."""
        return self._call(self._service.invite, org_id, email, role_key=role_key, **options)

    def list_invites(
        self,
        org_id: str,
        **options: Unpack[RequestOptions],
    ) -> list[OrgInvite]:
        """Pending invitations."""
        return self._call(self._service.list_invites, org_id, **options)

    def revoke_invite(
        self,
        org_id: str,
        invite_id: str,
        **options: Unpack[RequestOptions],
    ) -> None:
        """Revoke a pending invite."""
        return self._call(self._service.revoke_invite, org_id, invite_id, **options)

    def list_roles(
        self,
        org_id: str,
        **options: Unpack[RequestOptions],
    ) -> list[OrgRole]:
        """Roles that members and API keys can hold (``role_id`` for :meth:`create_api_key`)."""
        return self._call(self._service.list_roles, org_id, **options)

    def list_api_keys(
        self,
        org_id: str,
        **options: Unpack[RequestOptions],
    ) -> list[APIKeyListItem]:
        """Active keys, newest first. Secrets are never listed, only their prefixes."""
        return self._call(self._service.list_api_keys, org_id, **options)

    def create_api_key(
        self,
        org_id: str,
        name: str,
        *,
        role_id: str,
        scopes: Sequence[str] | None = None,
        expires_days: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> APIKeyCreateResponse:
        """Create a key holding ``role_id`` (optionally narrowed to ``scopes``).

        The reply's ``api_key`` is the secret, returned only this once (masked in its repr).
        """
        return self._call(
            self._service.create_api_key,
            org_id,
            name,
            role_id=role_id,
            scopes=scopes,
            expires_days=expires_days,
            **options,
        )

    def revoke_api_key(
        self,
        org_id: str,
        api_key_id: str,
        **options: Unpack[RequestOptions],
    ) -> None:
        """Revoke an API key; requests with it are refused from then on."""
        return self._call(self._service.revoke_api_key, org_id, api_key_id, **options)


class SyncJobsService(BlockingService[JobsService]):
    """Blocking ``JobsService``: its methods as plain calls."""

    def create(
        self,
        message: str,
        **options: Unpack[RequestOptions],
    ) -> LegacyJob:
        """Create a job that will do what ``message`` asks (run it with :meth:`execute`)."""
        return self._call(self._service.create, message, **options)

    def execute(
        self,
        job: LegacyJob | Mapping[str, Any],
        message: str,
        *,
        safe_mode: bool = False,
        **options: Unpack[RequestOptions],
    ) -> dict[str, Any]:
        """Run a created job (``job``: as :meth:`create` returned it, or its dict form)."""
        return self._call(self._service.execute, job, message, safe_mode=safe_mode, **options)

    def create_and_execute(
        self,
        message: str,
        *,
        safe_mode: bool = False,
        **options: Unpack[RequestOptions],
    ) -> dict[str, Any]:
        """Create a job and run it: the run's reply with the job's fields over it (as the
        published client merges them, ``{**run, **job}``: on a clash the job's value wins)."""
        return self._call(self._service.create_and_execute, message, safe_mode=safe_mode, **options)

    def delete(
        self,
        job_id: str,
        **options: Unpack[RequestOptions],
    ) -> dict[str, Any]:
        """Delete a job: the server's reply, or ``JOB_DELETED`` for a 204 without a body."""
        return self._call(self._service.delete, job_id, **options)

    def files(
        self,
        job_id: str,
        **options: Unpack[RequestOptions],
    ) -> dict[str, Any]:
        """The job's file system, as the server describes it."""
        return self._call(self._service.files, job_id, **options)


class SyncConfigsService(BlockingService[ConfigsService]):
    """Blocking ``ConfigsService``: its methods as plain calls."""

    def set(
        self,
        config_type: str | BaseConfig,
        *,
        id: str | None = None,
        **params: Any,
    ) -> dict[str, Any]:
        """Create or replace a configuration.

        Pass the type and its parameters as keywords (``set("mysql", host=..., ...)``; see
        :mod:`ardent_async.configs` for each type's), or a config object. ``id`` defaults to a
        new UUID; the reply always carries the ``id`` used, for :meth:`delete`. (Its keywords
        are the config's parameters: for request options use ``client.with_options(...)``.)
        """
        return self._call(self._service.set, config_type, id=id, **params)

    def delete(
        self,
        config_id: str,
        **options: Unpack[RequestOptions],
    ) -> dict[str, Any]:
        """Delete the configuration ``config_id`` (as returned by :meth:`set`)."""
        return self._call(self._service.delete, config_id, **options)


class SyncEndpointsService(BlockingService[EndpointsService]):
    """Blocking ``EndpointsService``: its methods as plain calls."""

    def create_branch(
        self,
        *,
        body: models.BranchCreateRequest,
        idempotency_key: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> models.OperationHandle:
        """Create Service Branch.

        ``POST /v1/branch/create``
        """
        return self._call(
            self._service.create_branch, body=body, idempotency_key=idempotency_key, **options
        )

    def list_branches(
        self,
        connector_id: str,
        **options: Unpack[RequestOptions],
    ) -> list[models.BranchRow]:
        """Get Branches.

        ``GET /v1/branches/{connector_id}``
        """
        return self._call(self._service.list_branches, connector_id, **options)

    def list_connectors(
        self,
        *,
        org_id: str,
        connector_category: str | None = None,
        service_name: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> models.ConnectorListResponse:
        """List Connectors Endpoint.

        ``GET /v1/connectors``
        """
        return self._call(
            self._service.list_connectors,
            org_id=org_id,
            connector_category=connector_category,
            service_name=service_name,
            **options,
        )

    def create_connector(
        self,
        *,
        body: models.CreateConnectorRequest,
        **options: Unpack[RequestOptions],
    ) -> models.ConnectorRow:
        """Create Connector Endpoint.

        ``POST /v1/connectors``
        """
        return self._call(self._service.create_connector, body=body, **options)

    def preflight_connector(
        self,
        *,
        body: models.PreflightConnectorRequest,
        **options: Unpack[RequestOptions],
    ) -> models.PreflightReport:
        """Preflight Connector Endpoint.

        ``POST /v1/connectors/preflight``
        """
        return self._call(self._service.preflight_connector, body=body, **options)

    def get_connector(
        self,
        connector_id: str,
        **options: Unpack[RequestOptions],
    ) -> models.ConnectorRow:
        """Get Connector Endpoint.

        ``GET /v1/connectors/{connector_id}``
        """
        return self._call(self._service.get_connector, connector_id, **options)

    def update_connector(
        self,
        connector_id: str,
        *,
        body: models.UpdateConnectorRequest,
        **options: Unpack[RequestOptions],
    ) -> models.ConnectorRow:
        """Update Connector Endpoint.

        ``PUT /v1/connectors/{connector_id}``
        """
        return self._call(self._service.update_connector, connector_id, body=body, **options)

    def delete_connector(
        self,
        connector_id: str,
        *,
        force: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> models.OperationHandle:
        """Delete Connector Endpoint.

        ``DELETE /v1/connectors/{connector_id}``
        """
        return self._call(self._service.delete_connector, connector_id, force=force, **options)

    def lock_connector_deletion(
        self,
        connector_id: str,
        *,
        body: models.ConnectorDeletionLockRequest,
        **options: Unpack[RequestOptions],
    ) -> models.ConnectorEnvelope:
        """Lock Connector Deletion Endpoint.

        ``POST /v1/connectors/{connector_id}/deletion-lock``
        """
        return self._call(self._service.lock_connector_deletion, connector_id, body=body, **options)

    def unlock_connector_deletion(
        self,
        connector_id: str,
        **options: Unpack[RequestOptions],
    ) -> models.ConnectorEnvelope:
        """Unlock Connector Deletion Endpoint.

        ``DELETE /v1/connectors/{connector_id}/deletion-lock``
        """
        return self._call(self._service.unlock_connector_deletion, connector_id, **options)

    def discover_connector(
        self,
        connector_id: str,
        **options: Unpack[RequestOptions],
    ) -> models.DiscoverAccepted:
        """Discover Connector Endpoint.

        ``POST /v1/connectors/{connector_id}/discover``
        """
        return self._call(self._service.discover_connector, connector_id, **options)

    def start_engine_setup(
        self,
        connector_id: str,
        **options: Unpack[RequestOptions],
    ) -> models.ConnectorRow | models.OperationHandle:
        """Engine Setup Endpoint.

        ``POST /v1/connectors/{connector_id}/engine-setup``
        """
        return self._call(self._service.start_engine_setup, connector_id, **options)

    def list_connector_quarantines(
        self,
        connector_id: str,
        **options: Unpack[RequestOptions],
    ) -> models.QuarantineListResponse:
        """List Connector Quarantines Endpoint.

        ``GET /v1/connectors/{connector_id}/quarantine``
        """
        return self._call(self._service.list_connector_quarantines, connector_id, **options)

    def release_connector_quarantine(
        self,
        connector_id: str,
        quarantine_id: str,
        **options: Unpack[RequestOptions],
    ) -> models.QuarantineRow:
        """Release Quarantine Endpoint.

        ``POST /v1/connectors/{connector_id}/quarantine/{quarantine_id}/release``
        """
        return self._call(
            self._service.release_connector_quarantine, connector_id, quarantine_id, **options
        )

    def set_replica_identity_decisions(
        self,
        connector_id: str,
        *,
        body: models.ReplicaIdentityDecisionsRequest,
        **options: Unpack[RequestOptions],
    ) -> models.ConnectorRow:
        """Set Replica Identity Decisions Endpoint.

        ``PUT /v1/connectors/{connector_id}/replica-identity-decisions``
        """
        return self._call(
            self._service.set_replica_identity_decisions, connector_id, body=body, **options
        )

    def set_connector_selection(
        self,
        connector_id: str,
        *,
        body: models.SelectionRequest,
        **options: Unpack[RequestOptions],
    ) -> models.ConnectorRow:
        """Set Selection Endpoint.

        ``POST /v1/connectors/{connector_id}/selection``
        """
        return self._call(self._service.set_connector_selection, connector_id, body=body, **options)

    def get_operation(
        self,
        operation_id: str,
        *,
        wait: float | None = None,
        **options: Unpack[RequestOptions],
    ) -> models.AsyncOperationResponse:
        """Get Operation Endpoint.

        ``GET /v1/operations/{operation_id}``
        """
        return self._call(self._service.get_operation, operation_id, wait=wait, **options)

    def get_org(
        self,
        org_id: str,
        **options: Unpack[RequestOptions],
    ) -> models.OrgDetails:
        """Get Org Details.

        ``GET /v1/orgs/{org_id}``
        """
        return self._call(self._service.get_org, org_id, **options)

    def delete_org(
        self,
        org_id: str,
        **options: Unpack[RequestOptions],
    ) -> None:
        """Delete Org.

        ``DELETE /v1/orgs/{org_id}``
        """
        return self._call(self._service.delete_org, org_id, **options)

    def update_org(
        self,
        org_id: str,
        *,
        body: models.UpdateOrgRequest,
        **options: Unpack[RequestOptions],
    ) -> models.OrgUpdateReply:
        """Update Org.

        ``PATCH /v1/orgs/{org_id}``
        """
        return self._call(self._service.update_org, org_id, body=body, **options)

    def list_api_keys(
        self,
        org_id: str,
        **options: Unpack[RequestOptions],
    ) -> list[models.APIKeyListItem]:
        """List Api Keys.

        ``GET /v1/orgs/{org_id}/api-keys``
        """
        return self._call(self._service.list_api_keys, org_id, **options)

    def create_api_key(
        self,
        org_id: str,
        *,
        body: models.CreateAPIKeyRequest,
        **options: Unpack[RequestOptions],
    ) -> models.APIKeyCreateResponse:
        """Create New Api Key.

        ``POST /v1/orgs/{org_id}/api-keys``
        """
        return self._call(self._service.create_api_key, org_id, body=body, **options)

    def revoke_api_key(
        self,
        org_id: str,
        api_key_id: str,
        **options: Unpack[RequestOptions],
    ) -> None:
        """Revoke Api Key Endpoint.

        ``DELETE /v1/orgs/{org_id}/api-keys/{api_key_id}``
        """
        return self._call(self._service.revoke_api_key, org_id, api_key_id, **options)

    def invite_org_member(
        self,
        org_id: str,
        *,
        body: models.InviteUserRequest,
        **options: Unpack[RequestOptions],
    ) -> models.OrgInvite:
        """Invite User To Org.

        ``POST /v1/orgs/{org_id}/invite``
        """
        return self._call(self._service.invite_org_member, org_id, body=body, **options)

    def list_org_invites(
        self,
        org_id: str,
        **options: Unpack[RequestOptions],
    ) -> list[models.OrgInvite]:
        """List Pending Invites.

        ``GET /v1/orgs/{org_id}/invites``
        """
        return self._call(self._service.list_org_invites, org_id, **options)

    def revoke_org_invite(
        self,
        org_id: str,
        invite_id: str,
        **options: Unpack[RequestOptions],
    ) -> None:
        """Revoke Invite.

        ``DELETE /v1/orgs/{org_id}/invites/{invite_id}``
        """
        return self._call(self._service.revoke_org_invite, org_id, invite_id, **options)

    def list_org_members(
        self,
        org_id: str,
        **options: Unpack[RequestOptions],
    ) -> list[models.OrgMember]:
        """List Org Members.

        ``GET /v1/orgs/{org_id}/members``
        """
        return self._call(self._service.list_org_members, org_id, **options)

    def remove_org_member(
        self,
        org_id: str,
        target_user_id: str,
        **options: Unpack[RequestOptions],
    ) -> None:
        """Remove Org Member.

        ``DELETE /v1/orgs/{org_id}/members/{target_user_id}``
        """
        return self._call(self._service.remove_org_member, org_id, target_user_id, **options)

    def update_org_member_role(
        self,
        org_id: str,
        target_user_id: str,
        *,
        body: models.UpdateMemberRoleRequest,
        **options: Unpack[RequestOptions],
    ) -> models.OrgMember:
        """Update Member Role.

        ``PATCH /v1/orgs/{org_id}/members/{target_user_id}``
        """
        return self._call(
            self._service.update_org_member_role, org_id, target_user_id, body=body, **options
        )

    def list_org_roles(
        self,
        org_id: str,
        **options: Unpack[RequestOptions],
    ) -> list[models.OrgRole]:
        """List Org Roles.

        ``GET /v1/orgs/{org_id}/roles``
        """
        return self._call(self._service.list_org_roles, org_id, **options)

    def list_projects(
        self,
        *,
        org_id: str,
        **options: Unpack[RequestOptions],
    ) -> models.ProjectListResponse:
        """List Projects Endpoint.

        ``GET /v1/projects``
        """
        return self._call(self._service.list_projects, org_id=org_id, **options)

    def create_project(
        self,
        *,
        body: models.CreateProjectRequest,
        **options: Unpack[RequestOptions],
    ) -> models.ProjectRow:
        """Create Project Endpoint.

        ``POST /v1/projects``
        """
        return self._call(self._service.create_project, body=body, **options)

    def get_project(
        self,
        project_id: str,
        **options: Unpack[RequestOptions],
    ) -> models.ProjectRow:
        """Get Project Endpoint.

        ``GET /v1/projects/{project_id}``
        """
        return self._call(self._service.get_project, project_id, **options)

    def delete_project(
        self,
        project_id: str,
        **options: Unpack[RequestOptions],
    ) -> models.MessageResponse:
        """Delete Project Endpoint.

        ``DELETE /v1/projects/{project_id}``
        """
        return self._call(self._service.delete_project, project_id, **options)

    def update_project(
        self,
        project_id: str,
        *,
        body: models.UpdateProjectRequest,
        **options: Unpack[RequestOptions],
    ) -> models.ProjectRow:
        """Update Project Endpoint.

        ``PATCH /v1/projects/{project_id}``
        """
        return self._call(self._service.update_project, project_id, body=body, **options)

    def create_job(
        self,
        *,
        body: models.LegacyCreateJobRequest,
        **options: Unpack[RequestOptions],
    ) -> models.LegacyJob:
        """Create a job.

        ``POST /v1/jobs/createJob``
        """
        return self._call(self._service.create_job, body=body, **options)

    def execute_job(
        self,
        *,
        body: models.LegacyExecuteJobRequest,
        **options: Unpack[RequestOptions],
    ) -> models.LegacyResult:
        """Execute a job.

        ``POST /v1/jobs/APIChat``
        """
        return self._call(self._service.execute_job, body=body, **options)

    def delete_job(
        self,
        *,
        body: models.LegacyDeleteJobRequest,
        **options: Unpack[RequestOptions],
    ) -> models.LegacyResult | None:
        """Delete a job.

        ``DELETE /v1/jobs/deleteJob``
        """
        return self._call(self._service.delete_job, body=body, **options)

    def get_job_files(
        self,
        jobID: str,
        **options: Unpack[RequestOptions],
    ) -> models.LegacyResult:
        """Get a job's files.

        ``GET /v1/jobs/{jobID}/files``
        """
        return self._call(self._service.get_job_files, jobID, **options)

    def set_config(
        self,
        *,
        body: models.LegacySetConfigRequest,
        **options: Unpack[RequestOptions],
    ) -> models.LegacyResult:
        """Create or replace a configuration.

        ``POST /v1/configs/setConfig``
        """
        return self._call(self._service.set_config, body=body, **options)

    def delete_config(
        self,
        *,
        body: models.LegacyIdRequest,
        **options: Unpack[RequestOptions],
    ) -> models.LegacyResult:
        """Delete a configuration.

        ``DELETE /v1/configs/deleteConfig``
        """
        return self._call(self._service.delete_config, body=body, **options)


class SyncClientBase:
    """The blocking client's generated part: constructor, services, shortcuts."""

    _client: AsyncArdentClient
    _runner: LoopThread

    def __init__(
        self,
        token: str | None = None,
        *,
        base_url: str | None = None,
        max_retries: int | None = None,
        timeout: float | None = DEFAULT_REQUEST_TIMEOUT,
        transport: Transport | None = None,
        connection_limit: int | None = None,
        max_response_bytes: int | None = None,
        proxy: str | None = None,
        trust_env: bool | None = None,
        ssl_context: ssl.SSLContext | None = None,
        ca_bundle: str | os.PathLike[str] | None = None,
        allow_insecure_http: bool = False,
        public_key: str | None = None,
        secret_key: str | None = None,
        legacy_base_url: str | None = None,
        retry_policy: RetryPolicy | None = None,
        clock: Clock | None = None,
        event_hooks: EventHooks | None = None,
        telemetry: bool = True,
        tracer_provider: TracerProvider | None = None,
        meter_provider: MeterProvider | None = None,
        propagate_trace: bool = True,
    ) -> None:
        # Building the async client opens nothing (its session is made on first use, on
        # the private loop), so argument errors surface here, before any thread starts.
        self._attach(
            AsyncArdentClient(
                token,
                base_url=base_url,
                max_retries=max_retries,
                timeout=timeout,
                transport=transport,
                connection_limit=connection_limit,
                max_response_bytes=max_response_bytes,
                proxy=proxy,
                trust_env=trust_env,
                ssl_context=ssl_context,
                ca_bundle=ca_bundle,
                allow_insecure_http=allow_insecure_http,
                public_key=public_key,
                secret_key=secret_key,
                legacy_base_url=legacy_base_url,
                retry_policy=retry_policy,
                clock=clock,
                event_hooks=event_hooks,
                telemetry=telemetry,
                tracer_provider=tracer_provider,
                meter_provider=meter_provider,
                propagate_trace=propagate_trace,
            ),
            None,
        )

    @abstractmethod
    def _bind(self, client: AsyncArdentClient, runner: LoopThread | None) -> LoopThread:
        """Take over ``client`` (start a runner if None); return the runner in use."""

    def _attach(self, client: AsyncArdentClient, runner: LoopThread | None) -> None:
        runner = self._bind(client, runner)
        self.projects = SyncProjectsService(client.projects, runner)
        self.operations = SyncOperationsService(client.operations, runner)
        self.branches = SyncBranchesService(client.branches, runner)
        self.connectors = SyncConnectorsService(client.connectors, runner)
        self.orgs = SyncOrgsService(client.orgs, runner)
        self.jobs = SyncJobsService(client.jobs, runner)
        self.configs = SyncConfigsService(client.configs, runner)
        self.endpoints = SyncEndpointsService(client.endpoints, runner)

    def create_job(
        self,
        message: str,
    ) -> dict[str, Any]:
        """``await client.create_job(message=...)``: the created job as a dict."""
        return call_on(self._runner, self._client.create_job, message)

    def create_and_execute_job(
        self,
        message: str,
        *,
        safe_mode: bool = False,
    ) -> dict[str, Any]:
        """``await client.create_and_execute_job(message=...)``: see ``jobs.create_and_execute``."""
        return call_on(
            self._runner, self._client.create_and_execute_job, message, safe_mode=safe_mode
        )

    def set_config(
        self,
        config_type: str | BaseConfig,
        *,
        id: str | None = None,
        **params: Any,
    ) -> dict[str, Any]:
        """``await client.set_config(config_type=..., **params)``: see ``configs.set``."""
        return call_on(self._runner, self._client.set_config, config_type, id=id, **params)

    def delete_config(
        self,
        config_id: str,
    ) -> dict[str, Any]:
        """``await client.delete_config(config_id=...)``."""
        return call_on(self._runner, self._client.delete_config, config_id)
