"""No secret reaches a log record, an exception's text, a repr or a pickled exception.

A hostile server echoes every secret it was sent (token, key, source passwords) into its error
bodies; every public call is driven through each error status and a failing transport, with
the ``ardent_async`` logger at DEBUG.
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
import respx

from ardent_async import ArdentClient, ArdentError
from ardent_async._core._transport._httpx import HttpxTransport
from tests.fakes import FakeClock

TOKEN = "sk-ard_live_T0kenS3cretValue9"
PUBLIC_KEY = "pk_legacy_public"
SECRET_KEY = "legacy-S3cretKeyValue"
CREATED_KEY = "sk-ard_test_Cr3atedKeyValue7"
SOURCE_PASSWORD = "Sourc3Passw0rd"
SOURCE_URL = f"postgresql://replicator:{SOURCE_PASSWORD}@db.internal:5432/app"
CONFIG_PASSWORD = "C0nfigPassw0rd"
SECRETS = [TOKEN, SECRET_KEY, CREATED_KEY, SOURCE_PASSWORD, CONFIG_PASSWORD]

Call = Callable[[ArdentClient], Awaitable[Any]]

CALLS: dict[str, Call] = {
    "projects.list": lambda c: c.projects.list("org_1"),
    "projects.create": lambda c: c.projects.create("p"),
    "connectors.preflight": lambda c: c.connectors.preflight({"url": SOURCE_URL}),
    "connectors.create": lambda c: c.connectors.create("p1", "n", {"url": SOURCE_URL}),
    "connectors.update": lambda c: c.connectors.update(
        "c1", connection_details={"url": SOURCE_URL}
    ),
    "connectors.get": lambda c: c.connectors.get("c1"),
    "connectors.delete": lambda c: c.connectors.delete("c1"),
    "connectors.engine_setup": lambda c: c.connectors.engine_setup("c1"),
    "branches.create": lambda c: c.branches.create("c1", "b1"),
    "branches.create_and_wait": lambda c: c.branches.create_and_wait("c1", "b1", timeout=5),
    "branches.list": lambda c: c.branches.list("c1"),
    "operations.get": lambda c: c.operations.get("op1"),
    "operations.wait": lambda c: c.operations.wait("op1", timeout=5),
    "orgs.create_api_key": lambda c: c.orgs.create_api_key(
        "org_1", "ci", role_id="role_org_member"
    ),
    "orgs.list_api_keys": lambda c: c.orgs.list_api_keys("org_1"),
    "jobs.create_and_execute": lambda c: c.jobs.create_and_execute("hello"),
    "configs.set": lambda c: c.configs.set(
        "postgreSQL",
        Hostname="db.internal",
        Port="5432",
        username="u",
        password=CONFIG_PASSWORD,
        databases=[{"name": "app"}],
    ),
}


def _hostile(status: int) -> Callable[[httpx.Request], httpx.Response]:
    def reply(request: httpx.Request) -> httpx.Response:
        echoed = f"{request.headers!r} {request.content.decode()} {CREATED_KEY} {SOURCE_URL}"
        return httpx.Response(status, json={"detail": f"refused: {echoed}", "echo": echoed})

    return reply


def _check(texts: list[str]) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, (
                f"secret leaked: ...{text[max(0, text.find(secret) - 40) :][:120]}"
            )


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 429, 500, 503])
@pytest.mark.parametrize("name", sorted(CALLS))
async def test_error_paths_leak_no_secret(
    name: str, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="ardent_async")
    with respx.mock(assert_all_called=False) as mock:
        mock.route().mock(side_effect=_hostile(status))
        client = ArdentClient(
            token=TOKEN,
            public_key=PUBLIC_KEY,
            secret_key=SECRET_KEY,
            base_url="https://api.test",
            transport=HttpxTransport(),
            clock=FakeClock(),
            max_retries=1,
        )
        async with client:
            with pytest.raises(ArdentError) as info:
                await CALLS[name](client)
            error = info.value
            texts = [
                str(error),
                repr(error),
                repr(vars(error)),
                pickle.dumps(error).decode("latin-1"),
                repr(client),
                caplog.text,
                *(repr(r.__dict__) for r in caplog.records),
            ]
            revived = pickle.loads(pickle.dumps(error))
            assert type(revived) is type(error)
            assert str(revived) == str(error)
    _check(texts)


@pytest.mark.parametrize("name", sorted(CALLS))
async def test_transport_failure_leaks_no_secret(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="ardent_async")

    def boom(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"refused {request.headers!r} {SOURCE_URL}", request=request)

    with respx.mock(assert_all_called=False) as mock:
        mock.route().mock(side_effect=boom)
        async with ArdentClient(
            token=TOKEN,
            public_key=PUBLIC_KEY,
            secret_key=SECRET_KEY,
            base_url="https://api.test",
            transport=HttpxTransport(),
            clock=FakeClock(),
        ) as client:
            with pytest.raises(ArdentError) as info:
                await CALLS[name](client)
    _check(
        [str(info.value), repr(info.value), pickle.dumps(info.value).decode("latin-1"), caplog.text]
    )


def test_reprs_of_clients_and_configs_hide_secrets() -> None:
    client = ArdentClient(token=TOKEN, public_key=PUBLIC_KEY, secret_key=SECRET_KEY)
    from ardent_async.legacy.configs import PostgreSQLConfig

    config = PostgreSQLConfig.from_params(
        {
            "Hostname": "db",
            "Port": "5432",
            "username": "u",
            "password": CONFIG_PASSWORD,
            "databases": [{"name": "app"}],
        }
    )
    _check([repr(client), repr(client._http.auth), repr(client._legacy_http.auth), repr(config)])


# -- a server that echoes a request-body secret as bare text ---------------------------------
# Not inside a URL, not as "password": "..." JSON: nothing but the value itself, so only the
# pipeline's scrubbing of the secrets it sent (``collect_secrets`` of the request body) hides it.

BODY_SECRET_CALLS: dict[str, Call] = {
    "configs.set": CALLS["configs.set"],
    "client.set_config": lambda c: c.set_config(
        config_type="mysql",
        host="db.internal",
        port="3306",
        username="u",
        password=CONFIG_PASSWORD,
        databases=[{"name": "app"}],
    ),
    "connectors.create": lambda c: c.connectors.create(
        "p1", "n", {"host": "db.internal", "user": "replicator", "password": SOURCE_PASSWORD}
    ),
}


def _echo_bare_secret(request: httpx.Request) -> httpx.Response:
    body = request.content.decode()
    secret = CONFIG_PASSWORD if CONFIG_PASSWORD in body else SOURCE_PASSWORD
    assert secret in body  # the call did send it
    return httpx.Response(400, json={"detail": f"login failed for u with {secret} at db.internal"})


async def _bare_echo_texts(name: str, caplog: pytest.LogCaptureFixture) -> list[str]:
    caplog.set_level(logging.DEBUG, logger="ardent_async")
    with respx.mock(assert_all_called=False) as mock:
        mock.route().mock(side_effect=_echo_bare_secret)
        async with ArdentClient(
            token=TOKEN,
            public_key=PUBLIC_KEY,
            secret_key=SECRET_KEY,
            base_url="https://api.test",
            transport=HttpxTransport(),
            clock=FakeClock(),
        ) as client:
            with pytest.raises(ArdentError) as info:
                await BODY_SECRET_CALLS[name](client)
    error = info.value
    assert getattr(error, "status_code", None) == 400
    return [
        str(getattr(error, "detail", "")),
        str(error),
        repr(error),
        repr(vars(error)),
        pickle.dumps(error).decode("latin-1"),
        caplog.text,
    ]


@pytest.mark.parametrize("name", sorted(BODY_SECRET_CALLS))
async def test_a_bare_echo_of_a_body_secret_is_scrubbed(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    texts = await _bare_echo_texts(name, caplog)
    _check(texts)
    assert texts[0] == "login failed for u with *** at db.internal"


async def test_the_bare_echo_test_catches_a_scrubber_that_forgets_the_body(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The planted bug: the request body's secrets no longer reach the error scrubber."""
    import ardent_async._core._pipeline

    monkeypatch.setattr(ardent_async._core._pipeline, "collect_secrets", lambda body: [])
    texts = await _bare_echo_texts("configs.set", caplog)
    with pytest.raises(AssertionError, match="secret leaked"):
        _check(texts)


UPSTREAM_TOKEN = "gho_Upstr3amT0kenValue"  # nobody told the client about it: only its shape shows


@pytest.mark.parametrize("status", [401, 502])
async def test_a_bearer_token_in_free_text_is_masked_even_when_not_ours(
    status: int, caplog: pytest.LogCaptureFixture
) -> None:
    """A proxy that echoes the header it forwarded: the token is not the client's own."""
    caplog.set_level(logging.DEBUG, logger="ardent_async")
    echoed = f"upstream refused Authorization: Bearer {UPSTREAM_TOKEN} (and bearer {TOKEN}x)"
    with respx.mock(assert_all_called=False) as mock:
        mock.route().mock(return_value=httpx.Response(status, json={"detail": echoed}))
        async with ArdentClient(
            token=TOKEN,
            base_url="https://api.test",
            transport=HttpxTransport(),
            clock=FakeClock(),
            max_retries=0,
        ) as client:
            with pytest.raises(ArdentError) as info:
                await client.projects.get("p1")
    texts = [str(info.value), repr(vars(info.value)), caplog.text]
    assert "upstream refused Authorization: Bearer ***" in texts[0]
    for text in texts:
        assert UPSTREAM_TOKEN not in text
        assert TOKEN not in text
