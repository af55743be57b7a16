"""One thin service per resource: build the request, call the pipeline, decode the reply."""

from ardent_async.legacy.configs_service import ConfigsService
from ardent_async.legacy.jobs_service import JobsService
from ardent_async.services.branches import BranchesService, ReadyBranch
from ardent_async.services.connectors import ConnectorsService, EngineSetupResult
from ardent_async.services.operations import OperationsService
from ardent_async.services.orgs import OrgsService
from ardent_async.services.projects import ProjectsService

__all__ = [
    "BranchesService",
    "ConfigsService",
    "ConnectorsService",
    "EngineSetupResult",
    "JobsService",
    "OperationsService",
    "OrgsService",
    "ProjectsService",
    "ReadyBranch",
]
