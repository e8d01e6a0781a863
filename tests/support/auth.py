"""API clients with a real account and token (catalog.access), for tests of routes that need
one: the token is issued in the test's store and sent on every request."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi.testclient import TestClient

from api.app import create_app
from catalog.access.accounts import Accounts
from catalog.access.principals import Principal, Role
from catalog.registry import Registry


def tokens_for(registry: Registry, principals: Iterable[Principal]) -> dict[str, str]:
    """An account and a fresh token for each principal: name → token."""
    accounts = Accounts(registry.store)
    tokens = {}
    for p in principals:
        accounts.save(p)
        tokens[p.name] = accounts.issue(p.name).token
    return tokens


def client_as(registry: Registry, principal: Principal) -> TestClient:
    accounts = Accounts(registry.store)
    accounts.save(principal)
    token = accounts.issue(principal.name).token
    return TestClient(create_app(registry), headers={"Authorization": f"Bearer {token}"})


def auditor_client(registry: Registry, name: str = "auditor") -> TestClient:
    return client_as(registry, Principal(name, Role.AUDITOR))
