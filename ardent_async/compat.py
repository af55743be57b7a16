"""A drop-in for the seed ``ardent-sdk`` client: change the import, keep the code.

::

    # before: from ardent import ArdentClient, ArdentAPIError, ArdentAuthError
    from ardent_async.compat import ArdentClient, ArdentAPIError, ArdentAuthError

    client = ArdentClient(public_key="...", secret_key="...")
    response = client.create_and_execute_job(message="Fix the failing airflow pipeline")
    config = client.set_config(config_type="mysql", host="...", port="3306", ...)
    client.delete_config(config_id=config["id"])
    client.close()

Same methods, keyword names and results (JSON dicts) as the seed, blocking like the seed; the
errors are the seed's three classes (here: :mod:`ardent_async.errors`, where they have more
precise subclasses). Requests are signed with the keys as the seed signed them.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from ardent_async.configs import BaseConfig
from ardent_async.errors import ArdentAPIError, ArdentAuthError, ArdentError, ArdentValidationError
from ardent_async.services import _validate
from ardent_async.sync import ArdentClient as SyncArdentClient

__all__ = [
    "ArdentAPIError",
    "ArdentAuthError",
    "ArdentClient",
    "ArdentError",
    "ArdentValidationError",
]


class ArdentClient:
    """The seed SDK's client: jobs and configs of the legacy API, as blocking calls.

    ``base_url``: only for an on-prem deployment (default: the Ardent API, or
    ``ARDENT_LEGACY_API_URL`` / ``ARDENT_API_URL`` from the environment).
    """

    def __init__(self, public_key: str, secret_key: str, base_url: str | None = None) -> None:
        public_key = _validate.text("public_key", public_key)
        secret_key = _validate.text("secret_key", secret_key)
        self._client = SyncArdentClient(
            base_url=base_url,
            legacy_base_url=base_url,
            public_key=public_key,
            secret_key=secret_key,
        )

    def create_and_execute_job(self, message: str, *, safe_mode: bool = False) -> dict[str, Any]:
        """Create a job for ``message`` and run it; the job's fields merged with the run's reply."""
        result: dict[str, Any] = self._client.jobs.create_and_execute(message, safe_mode=safe_mode)
        return result

    def create_job(self, message: str) -> dict[str, Any]:
        """Create a job (``id``, ``files_share_name``, ``userID``...) without running it."""
        job: dict[str, Any] = self._client.create_job(message)
        return job

    def set_config(
        self, config_type: str | BaseConfig, *, id: str | None = None, **params: Any
    ) -> dict[str, Any]:
        """Create or replace a configuration; parameters are checked before sending (an unknown
        type or a missing or mistyped parameter raises ArdentValidationError naming it)."""
        config: dict[str, Any] = self._client.configs.set(config_type, id=id, **params)
        return config

    def delete_config(self, config_id: str) -> dict[str, Any]:
        """Delete a configuration by id."""
        reply: dict[str, Any] = self._client.configs.delete(config_id)
        return reply

    def close(self) -> None:
        """Release the connections. Idempotent."""
        self._client.close()

    def __enter__(self) -> ArdentClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = " closed" if self._client.closed else ""
        return f"<ardent_async.compat.ArdentClient{state}>"
