"""The seed-compatible client: the seed's calls, keyword names, results and errors."""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import pytest

import ardent_async.errors
from ardent_async import compat
from ardent_async.compat import ArdentAPIError, ArdentAuthError, ArdentClient, ArdentValidationError
from tests.sync.conftest import ServedEmulator


@pytest.fixture
def client(served: ServedEmulator) -> Iterator[ArdentClient]:
    key = served.emulator.legacy_key
    assert key is not None
    client = ArdentClient(
        public_key=key.public_key, secret_key=key.secret_key, base_url=served.emulator.base_url
    )
    yield client
    client.close()


def _paths(served: ServedEmulator) -> list[str]:
    return [r.path for r in served.on_loop(served.emulator.admin.requests)]


def test_create_and_execute_job_as_the_seed_documents(
    client: ArdentClient, served: ServedEmulator
) -> None:
    response = client.create_and_execute_job(message="Fix the failing airflow pipeline")
    assert isinstance(response, dict)
    assert response["id"]
    assert "userID" in response
    assert _paths(served)[-2:] == ["/v1/jobs/createJob", "/v1/jobs/APIChat"]


def test_create_job(client: ArdentClient) -> None:
    job = client.create_job(message="Query the database")
    assert isinstance(job, dict)
    assert job["id"]
    assert "files_share_name" in job


def test_set_and_delete_a_config_as_the_seed_documents(client: ArdentClient) -> None:
    config = client.set_config(
        config_type="mysql",
        host="your-mysql-instance.region.rds.amazonaws.com",
        port="3306",
        username="your_mysql_user",
        password="your_secure_password",
        databases=[{"name": "example_database"}],
    )
    assert isinstance(config, dict)
    assert config["Config"]["type"] == "mysql"
    assert config["Config"]["host"] == "your-mysql-instance.region.rds.amazonaws.com"
    response = client.delete_config(config_id=config["id"])
    assert isinstance(response, dict)
    with pytest.raises(ArdentAPIError) as caught:
        client.delete_config(config_id=config["id"])  # gone
    assert caught.value.status_code == 404


def test_an_invalid_config_is_refused_before_sending(
    client: ArdentClient, served: ServedEmulator
) -> None:
    before = len(_paths(served))
    with pytest.raises(ArdentValidationError):
        client.set_config(config_type="invalid_type")
    with pytest.raises(ArdentValidationError) as caught:
        client.set_config(config_type="mysql", host="h", port="1", username="u", password="p")
    assert caught.value.field is not None
    assert "databases" in caught.value.field
    assert len(_paths(served)) == before


def test_an_empty_message_is_refused_before_sending(client: ArdentClient) -> None:
    with pytest.raises(ArdentValidationError) as info:
        client.create_job(message="")
    assert not isinstance(info.value, ArdentAPIError)


def test_bad_keys_raise_the_auth_error(served: ServedEmulator) -> None:
    key = served.emulator.legacy_key
    assert key is not None
    bad = ArdentClient(key.public_key, "not-the-secret", base_url=served.emulator.base_url)
    with bad, pytest.raises(ArdentAuthError) as caught:
        bad.create_and_execute_job(message="Query the database")
    assert caught.value.status_code == 401
    assert "not-the-secret" not in str(caught.value)


def test_out_of_credits_is_an_api_error_with_its_status(
    client: ArdentClient, served: ServedEmulator
) -> None:
    key = served.emulator.legacy_key
    assert key is not None
    served.on_loop(served.emulator.admin.set_legacy_credits, key.public_key, 0)
    with pytest.raises(ArdentAPIError) as caught:
        client.create_job(message="Query the database")
    assert caught.value.status_code == 402
    assert not isinstance(caught.value, ArdentAuthError)


def test_keys_are_required() -> None:
    with pytest.raises(ArdentValidationError) as caught:
        ArdentClient(public_key="", secret_key="sk")
    assert caught.value.field == "public_key"


def test_close_is_idempotent_and_the_client_is_a_context_manager(served: ServedEmulator) -> None:
    key = served.emulator.legacy_key
    assert key is not None
    with ArdentClient(key.public_key, key.secret_key, served.emulator.base_url) as client:
        assert client.create_job(message="hello")["id"]
    assert "closed" in repr(client)
    client.close()


def test_the_seed_surface() -> None:
    assert list(inspect.signature(ArdentClient).parameters) == [
        "public_key",
        "secret_key",
        "base_url",
    ]
    methods = {
        "create_and_execute_job": ["message"],
        "create_job": ["message"],
        "set_config": ["config_type"],
        "delete_config": ["config_id"],
        "close": [],
    }
    for name, leading in methods.items():
        params = list(inspect.signature(getattr(ArdentClient, name)).parameters)[1:]
        assert params[: len(leading)] == leading, name
    # Any other parameter=value pairs go to set_config as the config's parameters.
    kinds = [p.kind for p in inspect.signature(ArdentClient.set_config).parameters.values()]
    assert inspect.Parameter.VAR_KEYWORD in kinds
    # The seed's error classes are the SDK's own.
    assert compat.ArdentAPIError is ardent_async.errors.ArdentAPIError
    assert compat.ArdentAuthError is ardent_async.errors.ArdentAuthError
    assert compat.ArdentValidationError is ardent_async.errors.ArdentValidationError
