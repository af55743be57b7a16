"""Test and operator helpers: orgs, tokens with roles, legacy key pairs, chaos, the request
log, quarantines and reset. Used in-process (``Emulator.admin``) and over HTTP (``/_emulator``).
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from ardent_async.models import QuarantineRow

from .chaos import ChaosConfig
from .request_log import LoggedRequest
from .roles import LEGACY_SCOPES, ROLES
from .routes.connectors import add_quarantine
from .runtime import Runtime
from .state import LegacyKey, Member, Org, SessionToken, new_id, new_secret, utcnow
from .teardown import delete_org, drop_everything

__all__ = ["LEGACY_SCOPES", "Admin", "LegacyKeyPair", "TokenGrant"]


@dataclasses.dataclass(frozen=True)
class TokenGrant:
    """A bearer token for a member of an org."""

    org_id: str
    user_id: str
    role: str
    token: str = dataclasses.field(repr=False)


@dataclasses.dataclass(frozen=True)
class LegacyKeyPair:
    """A legacy jobs/configs key pair of an org (the secret is kept out of the repr)."""

    org_id: str
    public_key: str
    secret_key: str = dataclasses.field(repr=False)


class Admin:
    """Operate on a running emulator's state directly."""

    def __init__(self, rt: Runtime) -> None:
        self._rt = rt
        self._seeds: list[tuple[str, str, str, str]] = []  # (org_id, name, user_id, token)
        self._legacy_seeds: list[LegacyKeyPair] = []

    # -- orgs and tokens -------------------------------------------------------------------

    def create_org(
        self,
        name: str = "Emulator org",
        *,
        org_id: str | None = None,
        token: str | None = None,
        email: str | None = None,
    ) -> TokenGrant:
        """A new org with one owner; returns the owner's token."""
        store = self._rt.store
        org_id = org_id or new_id("org")
        if org_id in store.orgs:
            raise ValueError(f"organization {org_id!r} already exists")
        store.orgs[org_id] = Org(id=org_id, name=name, created_at=utcnow())
        return self.create_token(org_id, "owner", token=token, email=email)

    def create_token(
        self,
        org_id: str,
        role: str = "member",
        *,
        token: str | None = None,
        email: str | None = None,
        full_name: str | None = None,
        user_id: str | None = None,
    ) -> TokenGrant:
        """A new member of ``org_id`` with ``role`` (owner/admin/member/viewer) and a token."""
        store = self._rt.store
        if org_id not in store.orgs:
            raise ValueError(f"no organization {org_id!r}")
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
        token = token or new_secret()
        if token in store.sessions or store.api_key_by_secret(token) is not None:
            raise ValueError("that token is already in use")
        user_id = user_id or new_id("user")
        store.members[user_id] = Member(
            user_id=user_id,
            org_id=org_id,
            email=email or f"{user_id}@emulator.local",
            full_name=full_name or f"Emulated {role}",
            role_key=role,
            joined_at=utcnow(),
        )
        store.sessions[token] = SessionToken(token=token, org_id=org_id, user_id=user_id)
        return TokenGrant(org_id=org_id, user_id=user_id, role=role, token=token)

    def seed(self, grant: TokenGrant) -> None:
        """Remember an org + owner token to re-create on :meth:`reset`."""
        org = self._rt.store.orgs[grant.org_id]
        self._seeds.append((grant.org_id, org.name, grant.user_id, grant.token))

    def orgs(self) -> list[dict[str, Any]]:
        """Every org with its members' count, as plain dicts."""
        store = self._rt.store
        return [
            {
                "id": org.id,
                "name": org.name,
                "created_at": org.created_at.isoformat(),
                "members": len(store.members_of(org.id)),
            }
            for org in store.orgs.values()
        ]

    async def delete_org(self, org_id: str) -> None:
        """Delete an org: its connectors' databases, then every record of it."""
        await delete_org(self._rt, org_id)

    # -- legacy keys -------------------------------------------------------------------------

    def create_legacy_key(
        self,
        org_id: str,
        *,
        scopes: set[str] | frozenset[str] | None = None,
        credits: int | None = None,
        public_key: str | None = None,
        secret_key: str | None = None,
    ) -> LegacyKeyPair:
        """A legacy (HMAC) key pair; ``scopes`` default to all, ``credits`` None = unlimited."""
        store = self._rt.store
        if org_id not in store.orgs:
            raise ValueError(f"no organization {org_id!r}")
        chosen = LEGACY_SCOPES if scopes is None else frozenset(scopes)
        unknown = sorted(chosen - LEGACY_SCOPES)
        if unknown:
            raise ValueError(f"unknown legacy scope(s): {', '.join(unknown)}")
        public_key = public_key or f"pk_emu_{secrets.token_hex(10)}"
        if public_key in store.legacy_keys:
            raise ValueError("that public key is already in use")
        secret_key = secret_key or f"sk_emu_{secrets.token_urlsafe(24)}"
        store.legacy_keys[public_key] = LegacyKey(
            public_key=public_key,
            secret_key=secret_key,
            org_id=org_id,
            scopes=chosen,
            credits=credits,
        )
        return LegacyKeyPair(org_id=org_id, public_key=public_key, secret_key=secret_key)

    def seed_legacy(self, pair: LegacyKeyPair) -> None:
        """Remember a legacy key pair to re-create on :meth:`reset`."""
        self._legacy_seeds.append(pair)

    def set_legacy_credits(self, public_key: str, credits: int | None) -> None:
        """Set the key's credits: one per job run (None: unlimited; at 0 a run gets 402)."""
        self._rt.store.legacy_keys[public_key].credits = credits

    # -- chaos, request log, quarantines -------------------------------------------------------

    @property
    def chaos(self) -> ChaosConfig:
        """The chaos settings in force."""
        return self._rt.chaos.config

    def set_chaos(self, config: ChaosConfig | str | Mapping[str, Any] | None) -> ChaosConfig:
        """Replace the chaos settings (and reseed); None turns chaos off."""
        if config is None:
            config = ChaosConfig()
        elif isinstance(config, str):
            config = ChaosConfig.parse(config)
        elif not isinstance(config, ChaosConfig):
            config = ChaosConfig.from_dict(config)
        self._rt.chaos.configure(config)
        return config

    def requests(self) -> list[LoggedRequest]:
        """The request log, oldest first."""
        return self._rt.log.entries()

    def clear_requests(self) -> None:
        """Empty the request log."""
        self._rt.log.clear()

    def add_quarantine(
        self, connector_id: str, *, deployment_name: str | None = None, message: str | None = None
    ) -> QuarantineRow:
        """Quarantine a connector (as the service does on replication trouble)."""
        return add_quarantine(
            self._rt, connector_id, deployment_name=deployment_name, message=message
        )

    def expire_api_key(self, api_key_id: str) -> None:
        """Make an API key expired now (to test expiry without waiting)."""
        self._rt.store.api_keys[api_key_id].expires_at = utcnow() - timedelta(seconds=1)

    # -- reset ---------------------------------------------------------------------------------

    async def reset(self) -> None:
        """Forget everything (dropping connectors' databases) and re-create the seeded orgs,
        tokens and legacy keys, so configured clients keep working."""
        rt = self._rt
        await drop_everything(rt)
        for org_id, name, user_id, token in self._seeds:
            rt.store.orgs[org_id] = Org(id=org_id, name=name, created_at=utcnow())
            self.create_token(org_id, "owner", token=token, user_id=user_id)
        for pair in self._legacy_seeds:
            if pair.org_id in rt.store.orgs:
                self.create_legacy_key(
                    pair.org_id, public_key=pair.public_key, secret_key=pair.secret_key
                )
