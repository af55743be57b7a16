"""ardent-sdk 0.3.5 (the seed's client, HMAC key pair) as its documentation uses it.

Run by ``nox -s compat`` with the published release, then with only the import line changed to
``ardent_async.compat``; the two runs must agree step by step.
"""

from __future__ import annotations

import os

from _steps import Steps, raises, returns
from ardent import ArdentAPIError, ArdentAuthError, ArdentClient, ArdentError, ArdentValidationError

URL = os.environ["ARDENT_COMPAT_URL"]
PUBLIC, SECRET = os.environ["ARDENT_PUBLIC_KEY"], os.environ["ARDENT_SECRET_KEY"]
LIMITED = (os.environ["ARDENT_LIMITED_PUBLIC_KEY"], os.environ["ARDENT_LIMITED_SECRET_KEY"])
MESSAGE = "Fix the failing airflow pipeline"

steps = Steps(ArdentError, ArdentAPIError, ArdentAuthError, ArdentValidationError)
call = steps.call

call(
    "constructor without keys",
    lambda: ArdentClient(public_key="", secret_key=""),
    raises(ArdentValidationError, "Both public and secret keys are required"),
)
client = ArdentClient(public_key=PUBLIC, secret_key=SECRET, base_url=URL)

# -- jobs ------------------------------------------------------------------------------------
job = call(
    "create_job",
    lambda: client.create_job(message="Query the database"),
    returns(lambda j: j["id"] and j["files_share_name"] and j["userID"]),
)
call(
    "execute_job, safe_mode positional",
    lambda: client.execute_job(
        job["id"], "Query the database", job["files_share_name"], job["userID"], True
    ),
    returns(lambda r: r["jobID"] == job["id"] and r["safeMode"] is True),
)
both = call(
    "create_and_execute_job (the seed's example)",
    lambda: client.create_and_execute_job(message=MESSAGE),
    # {**run, **job}: the job's own fields, and the run's reply around them.
    returns(lambda r: r["id"] == r["jobID"] and r["userMessage"] == MESSAGE and "response" in r),
)
call(
    "create_and_execute_job with a non-ASCII message",
    lambda: client.create_and_execute_job(message="Répare le pipeline — vite ✓", safe_mode=True),
    returns(lambda r: r["userMessage"] == "Répare le pipeline — vite ✓" and r["safeMode"]),
)
call(
    "get_job_files",
    lambda: client.get_job_files(jobID=both["id"]),
    returns(lambda r: r["jobID"] == both["id"] and len(r["files"]) == 2),
)
call(
    "delete_job (204)",
    lambda: client.delete_job(job_id=both["id"]),
    returns(lambda r: r == {"status": "success", "message": "Job deleted successfully"}),
)
call(
    "delete_job of a deleted job",
    lambda: client.delete_job(both["id"]),
    raises(ArdentAPIError, "Job not found", status_code=None),
)
call(
    "get_job_files of a deleted job",
    lambda: client.get_job_files(both["id"]),
    raises(ArdentAPIError, "Job not found"),
)
call(
    "create_job with an empty message (the seed's API-error example)",
    lambda: client.create_job(message=""),
    raises(ArdentAPIError, status_code=422, not_caught_by=(ArdentAuthError,)),
)
call(
    "create_job with a wrongly typed message (sent; the server refuses it)",
    lambda: client.create_job(message=42),
    raises(ArdentAPIError, status_code=422),
)
call(
    "execute_job missing parameters",
    lambda: client.execute_job(job["id"]),
    raises(TypeError),
)

# -- configs: the seed's example for each of the 10 types -------------------------------------
EXAMPLES = {
    "mongodb": {
        "connection_string": "mongodb://...",
        "databases": [{"name": "mydb", "collections": [{"name": "users"}]}],
    },
    "airflow": {
        "github_token": "ghp_1a2b3c4d5e6f7g8h9i0j",
        "repo": "https://github.com/your-org/airflow-dags",
        "dag_path": "dags/",
        "host": "http://your-airflow-instance:8080",
        "username": "airflow_user",
        "password": "your_secure_password",
    },
    "azureSQLServer": {
        "server": "your-server.database.windows.net",
        "username": "your_admin_user",
        "password": "your_secure_password",
        "version": "18",
        "databases": [{"name": "your_database_name"}],
    },
    "databricksJobs": {
        "workspace_url": "dbc-xxx.cloud.databricks.com",
        "access_token": "dapi1234567890abcdef",
        "github_token": "ghp_1a2b3c4d5e6f7g8h9i0j",
        "repo": "https://github.com/your-org/databricks-jobs",
        "repo_path": "/Repos/your.email@company.com/",
    },
    "databricks": {
        "server_hostname": "dbc-xxx.cloud.databricks.com",
        "http_path": "/sql/1.0/warehouses/abc123def456",
        "access_token": "dapi1234567890abcdef",
        "catalogs": [
            {
                "name": "example_catalog",
                "databases": [{"name": "example_database", "tables": [{"name": "example_table"}]}],
            }
        ],
    },
    "mysql": {
        "host": "your-mysql-instance.region.rds.amazonaws.com",
        "port": "3306",
        "username": "your_mysql_user",
        "password": "your_secure_password",
        "databases": [{"name": "example_database"}],
    },
    "postgreSQL": {
        "Hostname": "your-postgres-instance.region.neon.tech",
        "Port": "5432",
        "username": "your_postgres_user",
        "password": "your_secure_password",
        "databases": [{"name": "example_database"}],
    },
    "snowflake": {
        "account": "your-account-identifier",
        "user": "your_snowflake_user",
        "password": "your_secure_password",
        "warehouse": "your_warehouse_name",
        "databases": [{"name": "example_database"}],
    },
    "supabase": {
        "project_url": "https://your-project.supabase.co",
        "api_key": "your-supabase-service-role-key",
        "databases": [],
    },
    "tigerbeetle": {"cluster_id": "0", "replica_addresses": ["localhost:3000"]},
}
stored = {}
for config_type, params in EXAMPLES.items():
    stored[config_type] = call(
        f"set_config {config_type}",
        lambda config_type=config_type, params=params: client.set_config(
            config_type=config_type, **params
        ),
        returns(lambda r, t=config_type: r["Config"]["type"] == t and len(r["Config"]["id"]) == 36),
    )
call(
    "set_config passes extra parameters through (airflow requirements_path)",
    lambda: client.set_config(
        config_type="airflow", **EXAMPLES["airflow"], requirements_path="requirements.txt"
    ),
    returns(lambda r: r["Config"]["requirements_path"] == "requirements.txt"),
)
call(
    "set_config with a positional id",
    lambda: client.set_config("tigerbeetle", "cfg-fixed-1", **EXAMPLES["tigerbeetle"]),
    returns(lambda r: r["Config"]["id"] == "cfg-fixed-1"),
)
call(
    "delete_config",
    lambda: client.delete_config(config_id="cfg-fixed-1"),
    returns(lambda r: r["id"] == "cfg-fixed-1"),
)
call(
    "delete_config again",
    lambda: client.delete_config("cfg-fixed-1"),
    raises(ArdentAPIError, "Configuration not found", status_code=None),
)
call(
    "set_config with an invalid type (the seed's validation example)",
    lambda: client.set_config(config_type="invalid_type"),
    raises(
        ArdentValidationError,
        "Invalid configuration type: invalid_type",
        not_caught_by=(ArdentAPIError,),
    ),
)
mysql = EXAMPLES["mysql"]
call(
    "set_config missing a parameter",
    lambda: client.set_config("mysql", **{k: v for k, v in mysql.items() if k != "password"}),
    raises(ArdentValidationError, "Missing required parameter: password"),
)
call(
    "set_config with a wrongly typed parameter",
    lambda: client.set_config("mysql", **{**mysql, "port": 3306}),
    raises(ArdentValidationError, "Invalid type at port. Expected str, got int"),
)
call(
    "set_config with a nested field missing",
    lambda: client.set_config("mysql", **{**mysql, "databases": [{"title": "x"}]}),
    raises(ArdentValidationError, "Missing required field 'name' at databases[0]"),
)
call(
    "set_config with a nested field wrongly typed",
    lambda: client.set_config(
        "databricks",
        **{
            **EXAMPLES["databricks"],
            "catalogs": [{"name": "c", "databases": [{"name": "d", "tables": [{"name": 7}]}]}],
        },
    ),
    raises(
        ArdentValidationError,
        "Invalid type at catalogs[0].databases[0].tables[0].name. Expected str, got int",
    ),
)

# -- auth: a wrong key, a key out of credits, a key without a scope ---------------------------
wrong = ArdentClient(public_key=PUBLIC, secret_key="not-the-secret", base_url=URL)
call(
    "wrong secret key (the seed's auth example)",
    lambda: wrong.create_and_execute_job(message="Query the database"),
    raises(ArdentAuthError, "Invalid API key or signature", not_caught_by=(ArdentAPIError,)),
)
wrong.close()
limited = ArdentClient(*LIMITED, base_url=URL)
call(
    "out of credits",
    lambda: limited.create_and_execute_job(message="one credit only"),
    raises(ArdentAPIError, "Out of credits", status_code=None),
)
call(
    "delete_job without the job:delete scope",
    lambda: limited.delete_job(job["id"]),
    raises(
        ArdentAuthError,
        "Missing required scope: job:delete or cannot delete jobs for different user",
    ),
)
limited.close()
call("close", client.close, returns())
steps.finish()
