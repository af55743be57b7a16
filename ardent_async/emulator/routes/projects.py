"""``/v1/projects``: workspaces for connectors and branches."""

from __future__ import annotations

from aiohttp import web

from ardent_async.models import (
    CreateProjectRequest,
    MessageResponse,
    ProjectListResponse,
    ProjectRow,
    UpdateProjectRequest,
)

from .. import roles
from ..bodies import parse_model, query_text, read_json
from ..context import caller
from ..http_errors import bad_request, conflict, invalid
from ..responses import reply
from ..runtime import runtime
from ..state import Project, new_id, utcnow
from ._base import OperationHandler, check_org, project_of


def row(project: Project) -> ProjectRow:
    return ProjectRow(
        id=project.id, org_id=project.org_id, name=project.name, created_at=project.created_at
    )


async def list_projects(request: web.Request) -> web.Response:
    who = caller()
    org_id = query_text(request, "org_id", required=True)
    assert org_id is not None
    check_org(who, org_id)
    projects = [p for p in runtime(request).store.projects.values() if p.org_id == org_id]
    return reply(ProjectListResponse(projects=[row(p) for p in projects]))


async def create_project(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    body = parse_model(await read_json(request), CreateProjectRequest)
    org_id = body.org_id or who.org_id
    check_org(who, org_id)
    name = body.name.strip()
    if not name:
        raise invalid(["body", "name"], "Project name must not be blank")
    if any(p.org_id == org_id and p.name == name for p in rt.store.projects.values()):
        raise conflict(f"A project named {name!r} already exists")
    project = Project(id=new_id("proj"), org_id=org_id, name=name, created_at=utcnow())
    rt.store.projects[project.id] = project
    return reply(row(project), 201)


async def get_project(request: web.Request) -> web.Response:
    project = project_of(runtime(request), caller(), request.match_info["project_id"])
    return reply(row(project))


async def update_project(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    project = project_of(rt, who, request.match_info["project_id"])
    body = parse_model(await read_json(request), UpdateProjectRequest)
    if body.name is None:
        raise bad_request("No fields to update")
    name = body.name.strip()
    if not name:
        raise invalid(["body", "name"], "Project name must not be blank")
    taken = any(
        p.org_id == project.org_id and p.name == name and p.id != project.id
        for p in rt.store.projects.values()
    )
    if taken:
        raise bad_request(f"A project named {name!r} already exists")
    project.name = name
    return reply(row(project))


async def delete_project(request: web.Request) -> web.Response:
    rt, who = runtime(request), caller()
    project = project_of(rt, who, request.match_info["project_id"])
    if any(c.project_id == project.id for c in rt.store.connectors.values()):
        raise conflict("The project still has connectors; delete or move them first")
    del rt.store.projects[project.id]
    return reply(MessageResponse(message="Project deleted"))


HANDLERS = [
    OperationHandler("list_projects", list_projects, roles.PROJECTS_READ),
    OperationHandler("create_project", create_project, roles.PROJECTS_WRITE),
    OperationHandler("get_project", get_project, roles.PROJECTS_READ),
    OperationHandler("update_project", update_project, roles.PROJECTS_WRITE),
    OperationHandler("delete_project", delete_project, roles.PROJECTS_WRITE),
]
