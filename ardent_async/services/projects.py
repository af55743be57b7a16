"""``client.projects``: workspaces for related connectors and branches."""

from __future__ import annotations

from typing_extensions import Unpack

from ardent_async._core import _validate
from ardent_async._core._options import RequestOptions
from ardent_async._core._paths import check_id, segment
from ardent_async._core._pipeline import Pipeline
from ardent_async._spec import constants, endpoints
from ardent_async.models import (
    CreateProjectRequest,
    MessageResponse,
    ProjectRow,
    UpdateProjectRequest,
)
from ardent_async.services._endpoint import send


class ProjectsService:
    """List, create, read, rename and delete projects."""

    def __init__(self, http: Pipeline) -> None:
        self._http = http

    async def list(self, org_id: str, **options: Unpack[RequestOptions]) -> list[ProjectRow]:
        """Projects of ``org_id`` visible to the caller."""
        params = {"org_id": check_id("org_id", org_id)}
        reply = await send(self._http, endpoints.LIST_PROJECTS, params=params, options=options)
        return reply.projects

    async def create(
        self, name: str, *, org_id: str | None = None, **options: Unpack[RequestOptions]
    ) -> ProjectRow:
        """Create a project (``name``: 1-100 characters). ``org_id`` defaults to the token's org."""
        body = CreateProjectRequest(
            name=_validate.text(
                "name", name, max_length=constants.CREATE_PROJECT_REQUEST_NAME_MAX_LENGTH
            ),
            org_id=None if org_id is None else check_id("org_id", org_id),
        )
        return await send(self._http, endpoints.CREATE_PROJECT, json_body=body, options=options)

    async def get(self, project_id: str, **options: Unpack[RequestOptions]) -> ProjectRow:
        """The project. NotFoundError if there is none."""
        path = endpoints.GET_PROJECT.path_for(project_id=segment("project_id", project_id))
        return await send(self._http, endpoints.GET_PROJECT, path, options=options)

    async def update(
        self, project_id: str, *, name: str, **options: Unpack[RequestOptions]
    ) -> ProjectRow:
        """Rename a project."""
        path = endpoints.UPDATE_PROJECT.path_for(project_id=segment("project_id", project_id))
        body = UpdateProjectRequest(
            name=_validate.text(
                "name", name, max_length=constants.UPDATE_PROJECT_REQUEST_NAME_MAX_LENGTH
            )
        )
        return await send(
            self._http, endpoints.UPDATE_PROJECT, path, json_body=body, options=options
        )

    async def delete(self, project_id: str, **options: Unpack[RequestOptions]) -> MessageResponse:
        """Delete the project; the reply's ``message`` says what was done."""
        path = endpoints.DELETE_PROJECT.path_for(project_id=segment("project_id", project_id))
        return await send(self._http, endpoints.DELETE_PROJECT, path, options=options)
