"""A drop-in for the published ``ardent-sdk`` (0.3.5 and 0.8.0): change the import, keep the code.

::

    # before: from ardent import ArdentClient, ArdentAPIError, ArdentAuthError
    from ardent_async.compat import ArdentClient, ArdentAPIError, ArdentAuthError

    client = ArdentClient(public_key="...", secret_key="...")   # 0.3.5: HMAC key pair
    client = ArdentClient("sk-ard_live_...")                     # 0.8.0: bearer API key
    response = client.create_and_execute_job(message="Fix the failing airflow pipeline")
    client.close()

Same methods, parameters, results, client-side checks and exception classes as the published
client (see ``ardent_async.legacy.compat``, where it lives with the rest of the legacy API;
this module is the documented import path and re-exports it). What differs is listed in the
README ("Compat: what differs from the published SDK").
"""

from __future__ import annotations

from ardent_async.legacy.compat import (
    ArdentAPIError,
    ArdentAuthError,
    ArdentClient,
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
