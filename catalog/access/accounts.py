"""Accounts and API tokens, kept in the store beside the catalog (ADR 0008), sealed at rest
(ADR 0016: catalog.access.credentials).

A token is `gct_<id>_<secret>`: the id finds the token, the secret proves it. Only a SHA-256 of
the secret is kept, inside the token's sealed value: the secret is 256 random bits, so a fast
hash is as strong as a slow KDF would be. The comparison is constant-time.

People sign in to the web app with a password (ADR 0031): set by the person through a one-time
link an administrator issues, kept as an Argon2id hash (salted, slow: a KDF for a low-entropy
secret) inside the account's sealed value. A sign-in issues a short-lived session token. Each
token has a purpose, `api` (a bearer token), `session` (the web app's cookie) or `password` (a
one-time link), and signs in only for its purpose.

Tokens expire and can be revoked; disabling an account revokes its tokens: at once, by a new
generation of the account that its earlier tokens do not carry, and then on each token.

No name, role, token id or hash is in the store in the clear: an account's node is found by an
HMAC of its name, a token's by an HMAC of its id, and everything else is sealed with the server
key, which is not in the store. So no query over the graph, export or backup reads them.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from catalog.access.credentials import ACCOUNT, TOKEN, SealBroken, Sealer
from catalog.access.principals import (
    AGENCY_ROLES,
    SCOPES,
    SUBMIT_EMERGENCIES,
    Principal,
    Role,
    Unauthenticated,
)
from catalog.config import Settings
from catalog.port import CredentialSwap, GraphStore, SealedCredential, StoreError

_TOKEN = re.compile(r"^gct_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$")
DEFAULT_DAYS = 90
_TRIES = 50  # reads and writes again when a credential changed meanwhile
API, SESSION, PASSWORD = "api", "session", "password"  # a token's purpose
SESSION_HOURS = 12
LINK_HOURS = 72
MIN_PASSWORD = 10
_HASHER = PasswordHasher()  # Argon2id with RFC 9106's low-memory parameters


@cache
def _no_password() -> str:
    """Verified against when an account has no password, so timing does not tell which have
    one; made on the first sign-in, not when a command imports this module."""
    return _HASHER.hash(secrets.token_urlsafe(16))


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
    has_password: bool = False


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
                 now: Callable[[], datetime] = lambda: datetime.now(UTC),
                 sealer: Sealer | None = None) -> None:
        self.store = store
        self._now = now
        self.sealer = sealer or Sealer.from_settings()

    def save(self, p: Principal) -> None:
        """Create or update an account (enabled); its scope must fit its role."""
        if p.role in AGENCY_ROLES and not p.agency:
            raise AccountError(f"a {p.role.value} account needs an agency (R-20.1)")
        if p.role is Role.REVIEWER and not p.bodies:
            raise AccountError("a reviewer account needs one or more approving bodies (R-2.2)")
        if p.role is Role.PROVINCIAL_VERIFIER and not p.province:
            raise AccountError("a provincial verifier account needs a province (R-8.1)")
        unknown = sorted(p.scopes - SCOPES)
        if unknown:
            raise AccountError(f"unknown scope(s) {unknown}; known: {sorted(SCOPES)}")
        if SUBMIT_EMERGENCIES in p.scopes and p.role is not Role.SYSTEM:
            raise AccountError(f"{SUBMIT_EMERGENCIES} is for a system account (--role system), "
                               "such as Foad 128's, not a person's (R-7)")
        key = self._account_key(p.name)
        for _ in range(_TRIES):
            was, old = self._account(key)
            content = {"kind": ACCOUNT, "name": p.name, "role": p.role.value,
                       "agency": p.agency, "bodies": sorted(p.bodies), "province": p.province,
                       "scopes": sorted(p.scopes), "disabled": False, "updated": self._stamp(),
                       "generation": int(old["generation"]) if old else 0,
                       "password": old.get("password") if old else None}
            sealed = self.sealer.seal(key, content)
            if was is None:
                if self.store.create_credential(key, sealed):
                    return
            elif self.store.swap_credential(key, was, sealed):
                return
        raise _busy()

    def disable(self, name: str) -> int:
        """Disable an account and revoke its tokens; returns how many were revoked."""
        key = self._account_key(name)
        old = self._rewrite(key, name, lambda old: {
            **old, "disabled": True, "updated": self._stamp(),
            "generation": int(old["generation"]) + 1})
        # The new generation has revoked them already; each is marked too, for its listing.
        live = [(k, s, t) for k, s, t in self._tokens_of(key)
                if t["revoked"] is None and t["generation"] == old["generation"]]
        self.store.swap_credentials(
            [CredentialSwap(k, s, self.sealer.seal(k, {**t, "revoked": self._stamp()}))
             for k, s, t in live])
        return len(live)

    def accounts(self) -> list[Account]:
        found: dict[str, dict[str, Any]] = {}
        tokens: dict[str, list[dict[str, Any]]] = {}
        for c in self.store.all_credentials():
            content = self.sealer.open(c.key, c.sealed)
            if c.owner is None and _is(content, ACCOUNT):
                found[c.key] = content
            elif c.owner is not None and _is(content, TOKEN):
                tokens.setdefault(c.owner, []).append(content)
        return sorted((self._account_of(a, tokens.get(k, [])) for k, a in found.items()),
                      key=lambda a: a.principal.name)

    def find(self, name: str) -> Account | None:
        key = self._account_key(name)
        _, content = self._account(key)
        if content is None:
            return None
        return self._account_of(content, [t for _, _, t in self._tokens_of(key)])

    def issue(self, name: str, days: int = DEFAULT_DAYS, label: str = "",
              known: tuple[str, str] | None = None, purpose: str = API,
              hours: int | None = None) -> IssuedToken:
        """A new token for `name`. `known` (id, secret) is for the demo's published tokens
        only (cli.demo); every other token is random. `hours`, when given, is its life in
        place of `days` (sessions and links)."""
        if not 0 < days <= 366:
            raise AccountError("a token lives 1 to 366 days")
        token_id, secret = known or (secrets.token_hex(8), secrets.token_urlsafe(32))
        if not _TOKEN.match(f"gct_{token_id}_{secret}"):
            raise AccountError("a token id is 16 hex digits and its secret 43 URL-safe chars")
        expires = self._now() + (timedelta(hours=hours) if hours else timedelta(days=days))
        owner = self._account_key(name)
        key = self._token_key(token_id)
        for _ in range(_TRIES):
            was, account = self._account(owner)
            if was is None or account is None or account["disabled"]:
                raise AccountError(f"no active account {name!r}")
            content = {"kind": TOKEN, "id": token_id, "account": name,
                       "hash": _digest(secret), "created": self._stamp(),
                       "expires": expires.astimezone(UTC).isoformat(), "label": label,
                       "revoked": None, "generation": account["generation"],
                       "purpose": purpose}
            made = self.store.create_token(owner, was, key, self.sealer.seal(key, content))
            if made is not None:
                if not made:
                    raise AccountError(f"a token {token_id!r} exists already")
                return IssuedToken(f"gct_{token_id}_{secret}", token_id, expires)
        raise _busy()

    def revoke(self, token_id: str) -> str:
        """Revoke a token; returns its account's name."""
        key = self._token_key(token_id)
        for _ in range(_TRIES):
            was = self.store.sealed_credential(key)
            token = self.sealer.open(key, was) if was is not None else None
            if was is None or token is None or token["revoked"] is not None:
                raise AccountError(f"no live token {token_id!r}")
            sealed = self.sealer.seal(key, {**token, "revoked": self._stamp()})
            if self.store.swap_credential(key, was, sealed):
                return str(token["account"])
        raise _busy()

    def tokens(self, name: str) -> list[dict[str, Any]]:
        """An account's tokens (id, label, created, expires, revoked), oldest first: never
        the hash."""
        found = [{**{k: t[k] for k in ("id", "label", "created", "expires", "revoked")},
                  "purpose": t.get("purpose", API)}
                 for _, _, t in self._tokens_of(self._account_key(name))]
        return sorted(found, key=lambda t: (t["created"], t["id"]))

    def authenticate(self, token: str, purpose: str = API) -> Principal:
        """The principal behind a token of `purpose`, or Unauthenticated (same answer for
        every failure, so a caller learns nothing about which tokens exist)."""
        match = _TOKEN.match(token.strip())
        key = self._token_key(match.group(1)) if match else ""
        stored = self.store.sign_in_credentials(key) if match else None
        found = self._opened(key, *stored) if stored else None
        # Compare even when nothing was found, so timing does not tell whether an id exists.
        expected = found[0]["hash"] if found else _digest("")
        given = _digest(match.group(2)) if match else _digest("-")
        ok = hmac.compare_digest(expected, given) and found is not None
        if (not ok or found is None or not _live(*found, self._stamp())
                or found[0].get("purpose", API) != purpose):
            raise Unauthenticated("a valid API token is required (missing, unknown, expired "
                                  "or revoked)",
                                  "توکن معتبر لازم است (نیامده، ناشناخته، منقضی یا باطل‌شده)")
        return _principal(found[1])

    # -- people's passwords and sessions (ADR 0031) --------------------------------------------

    def password_link(self, name: str, hours: int = LINK_HOURS) -> IssuedToken:
        """A one-time code with which the account's person sets a password."""
        return self.issue(name, label="password link", purpose=PASSWORD, hours=hours)

    def set_password(self, code: str, password: str) -> str:
        """Set the password of the code's account, and spend the code; returns the name."""
        who = self.authenticate(code, PASSWORD)
        self._store_password(who.name, password)
        self.revoke(code.strip().split("_", 2)[1])
        return who.name

    def set_known_password(self, name: str, password: str) -> None:
        """The demo's published passwords only (cli.demo); people set theirs by a link."""
        self._store_password(name, password)

    def sign_in(self, name: str, password: str, hours: int = SESSION_HOURS) -> IssuedToken:
        """A session token for the name and password, or Unauthenticated (the same answer for
        an unknown name, a wrong password, no password yet and a disabled account)."""
        _, account = self._account(self._account_key(name))
        stored = (account or {}).get("password") or _no_password()
        try:
            ok = _HASHER.verify(stored, password) and stored is not _no_password()
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok or account is None or account["disabled"]:
            raise Unauthenticated("the name or the password is wrong",
                                  "نام کاربری یا گذرواژه نادرست است")
        return self.issue(name, label="web session", purpose=SESSION, hours=hours)

    def sign_out(self, session: str) -> None:
        """End a session (its token is revoked); an unknown or spent one is left alone."""
        match = _TOKEN.match(session.strip())
        if match:
            with contextlib.suppress(AccountError):
                self.revoke(match.group(1))

    def _store_password(self, name: str, password: str) -> None:
        if len(password) < MIN_PASSWORD or password.strip().casefold() == name.casefold():
            raise AccountError(f"a password has at least {MIN_PASSWORD} characters and is not "
                               "the account's name")
        hashed = _HASHER.hash(password)

        def with_password(old: dict[str, Any]) -> dict[str, Any]:
            if old["disabled"]:
                raise AccountError(f"no active account {name!r}")
            return {**old, "password": hashed, "updated": self._stamp()}

        self._rewrite(self._account_key(name), name, with_password)

    def _rewrite(self, key: str, name: str,
                 change: Callable[[dict[str, Any]], dict[str, Any]]) -> dict[str, Any]:
        """Seal the account's value as `change` makes it of the stored one (read again when
        another process changed it meanwhile); returns the value it replaced."""
        for _ in range(_TRIES):
            was, old = self._account(key)
            if was is None or old is None:
                raise AccountError(f"no account {name!r}")
            if self.store.swap_credential(key, was, self.sealer.seal(key, change(old))):
                return old
        raise _busy()

    # -- the sealed nodes ---------------------------------------------------------------------

    def _account_key(self, name: str) -> str:
        return self.sealer.lookup(ACCOUNT, name)

    def _token_key(self, token_id: str) -> str:
        return self.sealer.lookup(TOKEN, token_id)

    def _account(self, key: str) -> tuple[str | None, dict[str, Any] | None]:
        """The account's sealed value as stored, and opened (None, None: no such account)."""
        sealed = self.store.sealed_credential(key)
        if sealed is None:
            return None, None
        return sealed, self.sealer.open(key, sealed)

    def _tokens_of(self, owner: str) -> list[tuple[str, str, dict[str, Any]]]:
        return [(t.key, t.sealed, self.sealer.open(t.key, t.sealed))
                for t in self.store.tokens_of(owner)]

    def _opened(self, key: str, sealed_token: str | None,
                sealed_account: str | None) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """A token and its account, opened; None when either is missing or does not open as
        the other's (a sealed value opens only on the node it was sealed for)."""
        if sealed_token is None or sealed_account is None:
            return None
        try:
            token = self.sealer.open(key, sealed_token)
            account = self.sealer.open(self._account_key(str(token["account"])),
                                       sealed_account)
        except SealBroken:
            return None  # the same answer as for any other failure
        if not (_is(token, TOKEN) and _is(account, ACCOUNT)):
            return None
        return token, account

    def _account_of(self, account: dict[str, Any], tokens: list[dict[str, Any]]) -> Account:
        now = self._stamp()
        live = sum(1 for t in tokens if t["revoked"] is None and t["expires"] > now
                   and t["generation"] == account["generation"]
                   and t.get("purpose", API) == API)
        return Account(_principal(account), bool(account["disabled"]), live,
                       bool(account.get("password")))

    def _stamp(self) -> str:
        return self._now().astimezone(UTC).isoformat()


def _is(content: dict[str, Any], kind: str) -> bool:
    return content.get("kind") == kind


def _live(t: dict[str, Any], account: dict[str, Any], now: str) -> bool:
    """A token that signs in: not revoked, of the account's generation (not revoked by
    disabling it), unexpired, of an enabled account."""
    return (t["revoked"] is None and not account["disabled"]
            and t["generation"] == account["generation"] and t["expires"] > now)


def _busy() -> StoreError:
    return StoreError("an account or token kept changing while it was written; try again")


def seal_plain_credentials(store: GraphStore, sealer: Sealer | None = None,
                           settings: Settings | None = None) -> int:
    """Seal the plain `Account`/`ApiToken` nodes of earlier versions (ADR 0016), in one atomic
    write: each becomes a Credential node with the same properties, so its tokens stay valid.
    Idempotent: a store with none is left alone (and no key is needed for it). Returns how many
    nodes were sealed."""
    count = store.plain_credential_count()
    if not count:
        return 0
    rows = sealed_from_plain(sealer or Sealer.from_settings(settings), store.plain_accounts(),
                             store.plain_tokens())
    store.replace_plain_credentials(
        [SealedCredential(r["key"], r["owner"], r["sealed"]) for r in rows])
    return count


def sealed_from_plain(sealer: Sealer, accounts: Iterable[Mapping[str, Any]],
                      tokens: Iterable[tuple[Mapping[str, Any], str | None]]
                      ) -> list[dict[str, Any]]:
    """Credential nodes (key, owner, sealed) of plain account properties and of plain token
    properties with their account's name, as earlier versions stored them (and backups of
    format 1 hold them). A token of no account, which never signed in, is dropped."""
    rows: list[dict[str, Any]] = []
    for p in accounts:
        key = sealer.lookup(ACCOUNT, str(p["name"]))
        content = {"kind": ACCOUNT, "name": p["name"], "role": p["role"],
                   "agency": p.get("agency"), "bodies": list(p.get("bodies") or ()),
                   "province": p.get("province"), "scopes": list(p.get("scopes") or ()),
                   "disabled": bool(p.get("disabled")), "updated": p.get("updated"),
                   "generation": 0}
        rows.append({"key": key, "owner": None, "sealed": sealer.seal(key, content)})
    for p, account in tokens:
        if account is None:
            continue
        key = sealer.lookup(TOKEN, str(p["id"]))
        content = {"kind": TOKEN, "id": p["id"], "account": account, "hash": p["hash"],
                   "created": p.get("created"), "expires": p["expires"],
                   "label": p.get("label") or "", "revoked": p.get("revoked"),
                   "generation": 0}
        rows.append({"key": key, "owner": sealer.lookup(ACCOUNT, account),
                     "sealed": sealer.seal(key, content)})
    return rows
