"""Auth and isolation: 401, 403 by role, 404 across orgs, API keys, legacy HMAC signatures."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable

import pytest

from ardent_async import ArdentAuthError, ArdentClient, NotFoundError
from ardent_async.emulator import Emulator
from ardent_async.emulator.middleware import MAX_CLOCK_SKEW

from .helpers import raw, ready_connector


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer sk-ard_test_not-a-real-key"},
        {"Authorization": "Basic dXNlcjpwdw=="},
        {"Authorization": "Bearer "},
    ],
)
async def test_missing_or_bad_token_is_401(
    ardent_emulator: Emulator, headers: dict[str, str]
) -> None:
    status, sent, body = await raw(
        ardent_emulator.base_url, "GET", f"/v1/orgs/{ardent_emulator.org_id}", headers=headers
    )
    assert status == 401
    assert isinstance(body["detail"], str)
    assert sent["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # last character changed
        lambda token: token[:16] + "x" * (len(token) - 16),  # only the first 16 kept
        lambda token: token[:16],
        lambda token: token + "x",
        lambda token: token.upper(),
    ],
    ids=["last-char", "first-16-padded", "first-16", "suffixed", "upper-case"],
)
async def test_a_token_is_accepted_only_when_it_matches_exactly(
    ardent_emulator: Emulator, ardent_client: ArdentClient, forge: Callable[[str], str]
) -> None:
    """Both kinds of bearer token: the emulator's session token and a created API key."""
    path = f"/v1/orgs/{ardent_emulator.org_id}"
    created = await ardent_client.orgs.create_api_key(
        ardent_emulator.org_id, "ci", role_id="role_org_member"
    )
    for token in (ardent_emulator.token, created.api_key):
        forged = forge(token)
        assert forged != token
        assert (await raw(ardent_emulator.base_url, "GET", path, token=forged))[0] == 401
        assert (await raw(ardent_emulator.base_url, "GET", path, token=token))[0] == 200


async def test_viewer_reads_but_cannot_write(
    ardent_emulator: Emulator, ardent_client: ArdentClient
) -> None:
    project = await ardent_client.projects.create("shared")
    viewer = ardent_emulator.admin.create_token(ardent_emulator.org_id, "viewer")
    async with ardent_emulator.client(viewer.token) as client:
        assert (await client.projects.get(project.id)).name == "shared"
        for write in (
            client.projects.create("mine"),
            client.projects.update(project.id, name="x"),
            client.projects.delete(project.id),
            client.orgs.invite(ardent_emulator.org_id, "a@example.com"),
        ):
            with pytest.raises(ArdentAuthError) as info:
                await write
            assert info.value.status_code == 403
    assert (await ardent_client.projects.get(project.id)).name == "shared"


async def test_member_cannot_manage_org(ardent_emulator: Emulator) -> None:
    member = ardent_emulator.admin.create_token(ardent_emulator.org_id, "member")
    async with ardent_emulator.client(member.token) as client:
        assert (await client.projects.create("ok")).name == "ok"
        with pytest.raises(ArdentAuthError) as info:
            await client.orgs.create_api_key(ardent_emulator.org_id, "k", role_id="role_org_member")
        assert info.value.status_code == 403
        with pytest.raises(ArdentAuthError):
            await client.orgs.update(ardent_emulator.org_id, name="mine now")


async def test_admin_cannot_grant_owner(ardent_emulator: Emulator) -> None:
    admin = ardent_emulator.admin.create_token(ardent_emulator.org_id, "admin")
    async with ardent_emulator.client(admin.token) as client:
        with pytest.raises(ArdentAuthError) as info:
            await client.orgs.create_api_key(ardent_emulator.org_id, "k", role_id="role_org_owner")
    assert info.value.status_code == 403


async def test_other_orgs_resources_are_404(
    ardent_emulator: Emulator, ardent_client: ArdentClient
) -> None:
    project, connector = await ready_connector(ardent_client)
    handle = await ardent_client.branches.create(connector.id, "mine")
    other = ardent_emulator.admin.create_org("Other")
    async with ardent_emulator.client(other.token) as intruder:
        for attempt in (
            intruder.projects.get(project.id),
            intruder.projects.delete(project.id),
            intruder.connectors.get(connector.id),
            intruder.connectors.delete(connector.id),
            intruder.branches.list(connector.id),
            intruder.branches.create(connector.id, "theirs"),
            intruder.operations.get(handle.operation_id),
            intruder.orgs.get(ardent_emulator.org_id),
            intruder.projects.list(ardent_emulator.org_id),
            intruder.connectors.list(ardent_emulator.org_id),
        ):
            with pytest.raises(NotFoundError):
                await attempt
        assert await intruder.projects.list(other.org_id) == []
    assert (await ardent_client.projects.get(project.id)).id == project.id


async def test_created_api_key_works_at_once_and_stops_when_revoked(
    ardent_emulator: Emulator, ardent_client: ArdentClient
) -> None:
    org_id = ardent_emulator.org_id
    created = await ardent_client.orgs.create_api_key(org_id, "ci", role_id="role_org_member")
    async with ardent_emulator.client(created.api_key) as ci:
        project = await ci.projects.create("from-ci")
        listed = await ardent_client.orgs.list_api_keys(org_id)
        assert listed[0].last_used_at is not None
        await ardent_client.orgs.revoke_api_key(org_id, created.api_key_id)
        with pytest.raises(ArdentAuthError) as info:
            await ci.projects.get(project.id)
        assert info.value.status_code == 401
    assert await ardent_client.orgs.list_api_keys(org_id) == []
    with pytest.raises(NotFoundError):
        await ardent_client.orgs.revoke_api_key(org_id, created.api_key_id)


async def test_api_key_role_and_scopes_limit_it(
    ardent_emulator: Emulator, ardent_client: ArdentClient
) -> None:
    org_id = ardent_emulator.org_id
    viewer_key = await ardent_client.orgs.create_api_key(org_id, "ro", role_id="role_org_viewer")
    narrow = await ardent_client.orgs.create_api_key(
        org_id, "narrow", role_id="role_org_member", scopes=["projects.read"]
    )
    project = await ardent_client.projects.create("p")
    async with ardent_emulator.client(viewer_key.api_key) as viewer:
        assert (await viewer.projects.get(project.id)).id == project.id
        with pytest.raises(ArdentAuthError, match="403"):
            await viewer.projects.create("q")
    async with ardent_emulator.client(narrow.api_key) as scoped:
        assert (await scoped.projects.get(project.id)).id == project.id
        with pytest.raises(ArdentAuthError, match="403"):
            await scoped.connectors.list(org_id)


async def test_expired_api_key_is_401(
    ardent_emulator: Emulator, ardent_client: ArdentClient
) -> None:
    created = await ardent_client.orgs.create_api_key(
        ardent_emulator.org_id, "short", role_id="role_org_member", expires_days=1
    )
    ardent_emulator.admin.expire_api_key(created.api_key_id)
    async with ardent_emulator.client(created.api_key) as client:
        with pytest.raises(ArdentAuthError, match="401"):
            await client.projects.list(ardent_emulator.org_id)


# -- legacy HMAC ----------------------------------------------------------------------------


def _signed(
    secret: str, method: str, path: str, body: bytes, *, public: str, at: float | None = None
) -> dict[str, str]:
    stamp = str(int(time.time() if at is None else at))
    signature = hmac.new(
        secret.encode(), stamp.encode() + method.encode() + path.encode() + body, hashlib.sha256
    ).hexdigest()
    return {
        "X-API-Key": public,
        "X-Timestamp": stamp,
        "X-Signature": signature,
        "X-Session-ID": "3f1c3e0e-4c55-4a39-9a43-2a43f4c9a001",
        "Content-Type": "application/json",
    }


async def test_legacy_signature_checked_exactly(ardent_emulator: Emulator) -> None:
    pair = ardent_emulator.legacy_key
    assert pair is not None
    path = "/v1/jobs/createJob"
    body = json.dumps({"userMessage": "hi"}, separators=(",", ":")).encode()
    good = _signed(pair.secret_key, "POST", path, body, public=pair.public_key)
    status, _, reply = await raw(ardent_emulator.base_url, "POST", path, data=body, headers=good)
    assert status == 201
    assert reply["id"].startswith("job_")

    # The stamp is whole seconds, so each case keeps a margin of 10 s from the window's edge:
    # a stamp 1 s past the edge could land inside it once truncated and once the clock moves.
    for inside in (-(MAX_CLOCK_SKEW - 10), MAX_CLOCK_SKEW - 10):
        skewed = _signed(
            pair.secret_key, "POST", path, body, public=pair.public_key, at=time.time() + inside
        )
        status, _, reply = await raw(
            ardent_emulator.base_url, "POST", path, data=body, headers=skewed
        )
        assert status == 201, inside

    outside = MAX_CLOCK_SKEW + 10
    cases = {
        "wrong secret": _signed("nope", "POST", path, body, public=pair.public_key),
        "unknown key": _signed(pair.secret_key, "POST", path, body, public="pk_unknown"),
        "other body signed": _signed(pair.secret_key, "POST", path, b"{}", public=pair.public_key),
        "stale": _signed(
            pair.secret_key, "POST", path, body, public=pair.public_key, at=time.time() - outside
        ),
        "future": _signed(
            pair.secret_key, "POST", path, body, public=pair.public_key, at=time.time() + outside
        ),
        "unsigned": {"X-API-Key": pair.public_key, "Content-Type": "application/json"},
    }
    for case, headers in cases.items():
        status, _, reply = await raw(
            ardent_emulator.base_url, "POST", path, data=body, headers=headers
        )
        assert status == 401, case
        assert isinstance(reply["detail"], str), case


async def test_legacy_scopes_and_credits(ardent_emulator: Emulator) -> None:
    admin = ardent_emulator.admin
    limited = admin.create_legacy_key(ardent_emulator.org_id, scopes={"job:create"}, credits=1)
    async with ardent_emulator.client(
        public_key=limited.public_key, secret_key=limited.secret_key
    ) as client:
        job = await client.jobs.create("first")
        with pytest.raises(ArdentAuthError) as info:
            await client.jobs.execute(job, "run it")
        assert info.value.status_code == 403
        with pytest.raises(Exception, match="402") as spent:
            await client.jobs.create("second")
        assert getattr(spent.value, "status_code", None) == 402
