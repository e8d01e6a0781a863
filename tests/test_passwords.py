"""People's passwords and sessions (ADR 0031), on both stores: a one-time link sets an
Argon2id-hashed password; each token signs in only for its purpose; disabling an account ends
its sessions; the password survives an account's update; administrators alone issue links
(API and CLI), and failed sign-ins are limited like guessed tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from catalog.access.accounts import PASSWORD, SESSION, AccountError, Accounts
from catalog.access.principals import Principal, Role, Unauthenticated
from catalog.config import Settings
from catalog.registry import Registry
from tests.support.auth import tokens_for

STEWARD = Principal("steward-reg", Role.STEWARD, agency="REG")
SECRET = "a long passphrase 1405"


def _linked(accounts: Accounts) -> str:
    accounts.save(STEWARD)
    return accounts.password_link(STEWARD.name).token


def test_a_link_sets_a_password_once_and_sign_in_issues_a_session(registry: Registry) -> None:
    accounts = Accounts(registry.store)
    code = _linked(accounts)
    assert accounts.set_password(code, SECRET) == STEWARD.name
    with pytest.raises(Unauthenticated):  # spent
        accounts.set_password(code, "another passphrase")
    session = accounts.sign_in(STEWARD.name, SECRET).token
    assert accounts.authenticate(session, SESSION) == STEWARD
    found = accounts.find(STEWARD.name)
    assert found is not None and found.has_password and found.live_tokens == 0
    for wrong in (("steward-reg", "a long passphrase 1406"), ("nobody", SECRET)):
        with pytest.raises(Unauthenticated):
            accounts.sign_in(*wrong)


def test_each_token_signs_in_for_its_purpose_only(registry: Registry) -> None:
    accounts = Accounts(registry.store)
    code = _linked(accounts)
    api = accounts.issue(STEWARD.name).token
    accounts.set_password(_linked(accounts), SECRET)
    session = accounts.sign_in(STEWARD.name, SECRET).token
    assert accounts.authenticate(api) == STEWARD
    for token, purpose in ((session, "api"), (code, "api"), (api, SESSION), (code, SESSION),
                           (api, PASSWORD), (session, PASSWORD)):
        with pytest.raises(Unauthenticated):
            accounts.authenticate(token, purpose)


def test_the_password_is_hashed_kept_on_update_and_sessions_end_with_the_account(
        registry: Registry) -> None:
    accounts = Accounts(registry.store)
    accounts.set_password(_linked(accounts), SECRET)
    stored = [c.sealed for c in registry.store.all_credentials()]
    assert not any(SECRET in str(s) or "argon2" in str(s) for s in stored)  # sealed at rest
    accounts.save(Principal(STEWARD.name, Role.STEWARD, agency="REG2"))  # an update
    session = accounts.sign_in(STEWARD.name, SECRET).token
    accounts.disable(STEWARD.name)
    with pytest.raises(Unauthenticated):
        accounts.authenticate(session, SESSION)
    with pytest.raises(Unauthenticated):
        accounts.sign_in(STEWARD.name, SECRET)


def test_a_weak_password_and_an_expired_link_are_refused(registry: Registry) -> None:
    accounts = Accounts(registry.store)
    code = _linked(accounts)
    for weak in ("short", "steward-reg", "STEWARD-REG"):
        with pytest.raises(AccountError):
            accounts.set_password(code, weak)
    later = Accounts(registry.store, now=lambda: datetime.now(UTC) + timedelta(hours=73))
    with pytest.raises(Unauthenticated):
        later.set_password(code, SECRET)


def test_only_administrators_issue_links_and_never_for_a_system(registry: Registry) -> None:
    people = [Principal("admin", Role.ADMIN), STEWARD, Principal("auditor", Role.AUDITOR),
              Principal("window", Role.SYSTEM, scopes=frozenset({"read:approved"}))]
    tokens = tokens_for(registry, people)
    client = TestClient(create_app(registry))
    for name in ("steward-reg", "auditor", "window"):
        r = client.post("/accounts/steward-reg/password-link",
                        headers={"Authorization": f"Bearer {tokens[name]}"})
        assert r.status_code == 403, name
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    assert client.post("/accounts/window/password-link", headers=admin).status_code == 400
    r = client.post("/accounts/steward-reg/password-link", headers=admin)
    assert r.status_code == 201 and r.json()["path"].startswith("/app/set-password?code=gct_")
    code = r.json()["path"].split("code=", 1)[1]
    assert Accounts(registry.store).set_password(code, SECRET) == "steward-reg"


def test_failed_sign_ins_are_limited_per_address(registry: Registry) -> None:
    Accounts(registry.store).save(STEWARD)
    client = TestClient(create_app(registry, Settings(rate_per_minute=600)))
    page = client.get("/app/sign-in")
    csrf = page.cookies.get("govcat_csrf", "")
    statuses = [client.post("/app/sign-in", data={"name": "steward-reg", "password": f"x{i}",
                                                  "csrf": csrf}).status_code
                for i in range(12)]
    assert statuses[:10] == [401] * 10 and statuses[-1] == 429
