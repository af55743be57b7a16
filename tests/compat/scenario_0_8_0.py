"""ardent-sdk 0.8.0 (the newest: one bearer ``sk-ard_`` API key) through its public methods.

Run by ``nox -s compat`` with the published release, then with only the import line changed to
``ardent_async.compat``; the two runs must agree step by step (``setup_connector`` aside: see
the README, "Compat: what differs from the published SDK").
"""

from __future__ import annotations

import os
import uuid

from _steps import Steps, raises, returns
from ardent import ArdentAPIError, ArdentAuthError, ArdentClient, ArdentError, ArdentValidationError

URL = os.environ["ARDENT_COMPAT_URL"]
API_KEY = os.environ["ARDENT_API_KEY"]
VIEWER_KEY = os.environ["ARDENT_VIEWER_API_KEY"]
CONNECTOR_ID = os.environ["ARDENT_CONNECTOR_ID"]  # made by the runner, for delete_connector
DELETED = {"status": "success", "message": "Job deleted successfully"}

steps = Steps(ArdentError, ArdentAPIError, ArdentAuthError, ArdentValidationError)
call = steps.call

call(
    "constructor without a key",
    lambda: ArdentClient(""),
    raises(ArdentValidationError, "API key is required"),
)
call(
    "constructor with a key of the wrong format",
    lambda: ArdentClient(api_key="pk_live_0123"),
    raises(ArdentValidationError, "Invalid API key format (must start with sk-ard_)"),
)

with ArdentClient(API_KEY, base_url=URL) as client:
    job = call(
        "create_job",
        lambda: client.create_job("Query the database"),
        returns(lambda j: j["id"] and j["files_share_name"] and j["userID"]),
    )
    call(
        "create_job with header_overrides",
        lambda: client.create_job("traced", header_overrides={"X-Trace-Id": "t-1"}),
        returns(lambda j: j["userMessage"] == "traced"),
    )
    call(
        "execute_job",
        lambda: client.execute_job(
            job["id"], "Query the database", job["files_share_name"], job["userID"], safe_mode=True
        ),
        returns(lambda r: r["jobID"] == job["id"] and r["safeMode"] is True),
    )
    both = call(
        "create_and_execute_job with a non-ASCII message",
        lambda: client.create_and_execute_job("Répare le pipeline — vite ✓"),
        returns(lambda r: r["id"] == r["jobID"] and r["userMessage"].startswith("Répare")),
    )
    call(
        "get_job_files",
        lambda: client.get_job_files(both["id"]),
        returns(lambda r: [f["path"] for f in r["files"]] == ["/request.md", "/runs/001.md"]),
    )
    call("delete_job (204)", lambda: client.delete_job(both["id"]), returns(lambda r: r == DELETED))
    call(
        "delete_job of a deleted job",
        lambda: client.delete_job(job_id=both["id"]),
        raises(ArdentAPIError, "Job not found", status_code=None),
    )
    call(
        "header_overrides replacing the key",
        lambda: client.create_job("x", header_overrides={"Authorization": "Bearer sk-ard_test_no"}),
        raises(ArdentAuthError, "Invalid API key", not_caught_by=(ArdentAPIError,)),
    )
    call(
        "create_job with an empty message",
        lambda: client.create_job(""),
        raises(ArdentAPIError, status_code=422),
    )
    call(
        "execute_job missing parameters",
        lambda: client.execute_job(job["id"], "m"),
        raises(TypeError),
    )
    call(
        "setup_connector (differs: the published flow has no project and posts to /index)",
        lambda: client.setup_connector(
            "postgresql",
            {"url": f"postgresql://app:pw@db.example.com:5432/app_{uuid.uuid4().hex[:8]}"},
            name="orders",
            selected_paths=["public.customers", "public.orders"],
        ),
        # The published 0.8.0 cannot work against the published API (422: no project_id);
        # compat follows the published flow and returns the connector.
        lambda r: (
            (isinstance(r, ArdentAPIError) and r.status_code == 422)
            or (isinstance(r, dict) and r["name"] == "orders")
        ),
    )
    call(
        "delete_connector",
        lambda: client.delete_connector(CONNECTOR_ID),
        returns(lambda r: r["operation_id"] and r["type"] == "connector_delete"),
    )
    call(
        "delete_connector of an unknown connector",
        lambda: client.delete_connector("conn_0000000000000000"),
        raises(ArdentAPIError, "Connector not found", status_code=None),
    )

wrong = ArdentClient("sk-ard_test_not-a-key", base_url=URL)
call(
    "wrong API key",
    lambda: wrong.create_job("Query the database"),
    raises(ArdentAuthError, "Invalid API key", not_caught_by=(ArdentAPIError,)),
)
wrong.close()
viewer = ArdentClient(VIEWER_KEY, base_url=URL)
call(
    "execute_job with a key lacking the scope",
    lambda: viewer.create_and_execute_job("read only"),
    raises(ArdentAuthError, "Missing required scope: job:execute"),
)
call(
    "delete_connector with a key lacking the scope",
    lambda: viewer.delete_connector(CONNECTOR_ID),
    raises(ArdentAuthError, "Missing required scope: connectors.delete"),
)
viewer.close()
steps.finish()
