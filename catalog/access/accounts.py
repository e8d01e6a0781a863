"""Accounts and API tokens, kept in the store beside the catalog (ADR 0008).

A token is `gct_<id>_<secret>`: the id finds the token, the secret proves it. Only a SHA-256 of
the secret is stored: the secret is 256 random bits, so a fast hash is as strong as a slow KDF
would be (a KDF protects low-entropy passwords; govcat has none). The comparison is constant-time.
Tokens expire and can be revoked; disabling an account revokes its tokens.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from catalog.access.principals import AGENCY_ROLES, SCOPES, Principal, Role, Unauthenticated
from catalog.store import cypher
from catalog.store.port import GraphStore

_TOKEN = re.compile(r"^gct_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$")
DEFAULT_DAYS = 90


@dataclass(frozen=True)
class IssuedToken:
    token: str  # shown once; only its hash is kept
    id: str
    expires: datetime


@dataclass(frozen=True)
class Account:
    principal: Principal
    disabled: bool
    live_tokens: int


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _principal(row: dict[str, Any]) -> Principal:
    return Principal(row["name"], Role(row["role"]), row["agency"] or None,
                     frozenset(row["bodies"] or ()), row["province"] or None,
                     frozenset(row["scopes"] or ()))


class AccountError(ValueError):
    """An account cannot be created as asked (a steward without an agency, …)."""


class Accounts:
    def __init__(self, store: GraphStore,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.store = store
        self._now = now

    def save(self, p: Principal) -> None:
        """Create or update an account; its scope must fit its role."""
        if p.role in AGENCY_ROLES and not p.agency:
            raise AccountError(f"a {p.role.value} account needs an agency (R-20.1)")
        if p.role is Role.REVIEWER and not p.bodies:
            raise AccountError("a reviewer account needs one or more approving bodies (R-2.2)")
        if p.role is Role.PROVINCIAL_VERIFIER and not p.province:
            raise AccountError("a provincial verifier account needs a province (R-8.1)")
        unknown = sorted(p.scopes - SCOPES)
        if unknown:
            raise AccountError(f"unknown scope(s) {unknown}; known: {sorted(SCOPES)}")
        self.store.write(cypher.ACCOUNT_UPSERT, {
            "name": p.name, "role": p.role.value, "agency": p.agency,
            "bodies": sorted(p.bodies), "province": p.province, "scopes": sorted(p.scopes),
            "now": self._stamp()})

    def disable(self, name: str) -> int:
        """Disable an account and revoke its tokens; returns how many were revoked."""
        rows = self.store.write(cypher.ACCOUNT_DISABLE, {"name": name, "now": self._stamp()})
        if not rows:
            raise AccountError(f"no account {name!r}")
        return int(rows[0]["n"])

    def accounts(self) -> list[Account]:
        rows = self.store.read(cypher.ACCOUNTS, {"now": self._stamp()})
        return [Account(_principal(r), bool(r["disabled"]), int(r["live_tokens"])) for r in rows]

    def find(self, name: str) -> Account | None:
        return next((a for a in self.accounts() if a.principal.name == name), None)

    def issue(self, name: str, days: int = DEFAULT_DAYS, label: str = "",
              known: tuple[str, str] | None = None) -> IssuedToken:
        """A new token for `name`. `known` (id, secret) is for the demo's published tokens
        only (cli.demo); every other token is random."""
        if not 0 < days <= 366:
            raise AccountError("a token lives 1 to 366 days")
        token_id, secret = known or (secrets.token_hex(8), secrets.token_urlsafe(32))
        if not _TOKEN.match(f"gct_{token_id}_{secret}"):
            raise AccountError("a token id is 16 hex digits and its secret 43 URL-safe chars")
        expires = self._now() + timedelta(days=days)
        rows = self.store.write(cypher.TOKEN_CREATE, {
            "name": name, "id": token_id, "hash": _digest(secret), "now": self._stamp(),
            "expires": expires.astimezone(UTC).isoformat(), "label": label})
        if not rows:
            raise AccountError(f"no active account {name!r}")
        return IssuedToken(f"gct_{token_id}_{secret}", token_id, expires)

    def revoke(self, token_id: str) -> str:
        """Revoke a token; returns its account's name."""
        rows = self.store.write(cypher.TOKEN_REVOKE, {"id": token_id, "now": self._stamp()})
        if not rows:
            raise AccountError(f"no live token {token_id!r}")
        return str(rows[0]["name"])

    def tokens(self, name: str) -> list[dict[str, Any]]:
        return self.store.read(cypher.TOKENS_OF, {"name": name})

    def authenticate(self, token: str) -> Principal:
        """The principal behind a token, or Unauthenticated (same answer for every failure,
        so a caller learns nothing about which tokens exist)."""
        match = _TOKEN.match(token.strip())
        rows = self.store.read(cypher.TOKEN_LOOKUP, {"id": match.group(1)}) if match else []
        row = rows[0] if rows else None
        # Compare even when nothing was found, so timing does not tell whether an id exists.
        expected = row["hash"] if row else _digest("")
        given = _digest(match.group(2)) if match else _digest("-")
        ok = hmac.compare_digest(expected, given) and row is not None
        if not ok or row is None or row["revoked"] or row["disabled"] \
                or row["expires"] <= self._stamp():
            raise Unauthenticated("a valid API token is required (missing, unknown, expired "
                                  "or revoked)",
                                  "توکن معتبر لازم است (نیامده، ناشناخته، منقضی یا باطل‌شده)")
        return _principal(row)

    def _stamp(self) -> str:
        return self._now().astimezone(UTC).isoformat()
