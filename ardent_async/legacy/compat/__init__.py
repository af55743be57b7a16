"""A drop-in for the published ``ardent-sdk`` (0.3.5 and 0.8.0): change the import, keep the code.

::

    # before: from ardent import ArdentClient, ArdentAPIError, ArdentAuthError
    from ardent_async.compat import ArdentClient, ArdentAPIError, ArdentAuthError

    client = ArdentClient(public_key="...", secret_key="...")   # 0.3.5: HMAC key pair
    client = ArdentClient("sk-ard_live_...")                     # 0.8.0: bearer API key
    response = client.create_and_execute_job(message="Fix the failing airflow pipeline")
    config = client.set_config(config_type="mysql", host="...", port="3306", ...)
    client.delete_config(config_id=config["id"])
    client.close()

Same methods, positional and keyword parameters, results (JSON dicts, 204 handling, the
``{**run, **job}`` merge), client-side checks and exception classes as the published client;
the exceptions keep its hierarchy (auth and validation errors are not API errors). What differs
is listed in the README ("Compat: what differs from the published SDK").
"""

from __future__ import annotations

from ardent_async.legacy.compat._client import ArdentClient
from ardent_async.legacy.compat._errors import (
    ArdentAPIError,
    ArdentAuthError,
    ArdentError,
    ArdentValidationError,
)

__all__ = [
    "ArdentAPIError",
    "ArdentAuthError",
    "ArdentClient",
    "ArdentError",
    "ArdentValidationError",
]
