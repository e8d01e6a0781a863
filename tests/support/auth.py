"""API clients with a real account and token (catalog.access), for tests of routes that need
one: the token is issued in the test's store and sent on every request."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app
from catalog.access.accounts import Accounts
from catalog.access.principals import Principal, Role
from catalog.registry import Registry


def client_as(registry: Registry, principal: Principal) -> TestClient:
    accounts = Accounts(registry.store)
    accounts.save(principal)
    token = accounts.issue(principal.name).token
    return TestClient(create_app(registry), headers={"Authorization": f"Bearer {token}"})


def auditor_client(registry: Registry, name: str = "auditor") -> TestClient:
    return client_as(registry, Principal(name, Role.AUDITOR))
