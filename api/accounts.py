"""Accounts and API tokens over HTTP (ADR 0008); administrators only, decided by the policy."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.auth import Caller, GuardDep
from catalog.access.principals import Principal, Role


class AccountBody(BaseModel):
    role: Role
    agency: str | None = Field(None, max_length=100, description="stewards, representatives")
    bodies: list[str] = Field(default_factory=list, description="reviewers: approving bodies")
    province: str | None = Field(None, max_length=20, description="provincial verifiers")
    scopes: list[str] = Field(default_factory=list, description="system clients")


class TokenBody(BaseModel):
    days: int = Field(90, ge=1, le=366)
    label: str = Field("", max_length=200)


def _account(p: Principal) -> dict[str, Any]:
    return {"name": p.name, "role": p.role.value, "agency": p.agency,
            "bodies": sorted(p.bodies), "province": p.province, "scopes": sorted(p.scopes)}


def router() -> APIRouter:
    r = APIRouter(prefix="/accounts", tags=["accounts"])

    @r.get("")
    def accounts(guard: GuardDep, who: Caller) -> list[dict[str, Any]]:
        return [{**_account(a.principal), "disabled": a.disabled, "live_tokens": a.live_tokens}
                for a in guard.list_accounts(who)]

    @r.put("/{name}")
    def save(guard: GuardDep, who: Caller, name: str, body: AccountBody) -> dict[str, Any]:
        account = Principal(name, body.role, body.agency, frozenset(body.bodies),
                            body.province, frozenset(body.scopes))
        guard.save_account(who, account)
        return _account(account)

    @r.delete("/{name}")
    def disable(guard: GuardDep, who: Caller, name: str) -> dict[str, Any]:
        return {"name": name, "disabled": True, "revoked": guard.disable_account(who, name)}

    @r.post("/{name}/tokens", status_code=201)
    def token(guard: GuardDep, who: Caller, name: str,
              body: TokenBody | None = None) -> dict[str, Any]:
        """A new token for the account: shown once, only its hash is kept."""
        body = body or TokenBody(days=90, label="")
        issued = guard.issue_token(who, name, body.days, body.label)
        return {"token": issued.token, "id": issued.id, "expires": issued.expires.isoformat()}

    @r.post("/{name}/password-link", status_code=201)
    def password_link(guard: GuardDep, who: Caller, name: str) -> dict[str, Any]:
        """A one-time link for the account's person to set a web-app password (ADR 0031):
        shown once, only its hash is kept; 72 hours."""
        issued = guard.password_link(who, name)
        return {"path": f"/app/set-password?code={issued.token}",
                "expires": issued.expires.isoformat()}

    @r.delete("/{name}/tokens/{token_id}")
    def revoke(guard: GuardDep, who: Caller, name: str, token_id: str) -> dict[str, Any]:
        return {"account": guard.revoke_token(who, token_id), "revoked": token_id}

    return r
