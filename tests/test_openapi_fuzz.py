"""schemathesis against the API's own OpenAPI document (ADR 0009, ADR 0011): generated requests
to every operation, signed in as an administrator and as a steward, on a real store; no answer
may be a 5xx or break the response schema the document declares."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from api.app import create_app
from catalog.access.accounts import Accounts
from catalog.access.principals import Principal, Role
from catalog.iris import Iris
from catalog.registry import Registry
from catalog.store.falkordb_server import FalkorServer
from catalog.store.falkordb_store import FalkorStore
from loaders.submission import read_submission
from tests.conftest import BASE
from tests.workbooks import two_agencies, write_workbook

TOKENS: dict[str, str] = {}


@pytest.fixture(scope="module")
def api_schema(falkor_server: FalkorServer, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The app on its own FalkorDB graph with the two-agency catalog and two accounts."""
    store = FalkorStore(falkor_server.connect(), "fuzz", rewrite_aof=falkor_server.rewrite_aof)
    store.clear()
    store.setup()
    registry = Registry(store, Iris(BASE))
    registry.ensure_code_lists()
    path = write_workbook(tmp_path_factory.mktemp("fuzz") / "two.xlsx", two_agencies())
    registry.apply_checked(read_submission(Path(path), registry).changeset)
    accounts = Accounts(store)
    for p in (Principal("admin", Role.ADMIN), Principal("steward-reg", Role.STEWARD,
                                                        agency="REG")):
        accounts.save(p)
        TOKENS[p.name] = accounts.issue(p.name).token
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(registry))


def _fuzz(schema: Any, who: str) -> list[str]:
    """Every operation with up to 10 generated requests each; the failures, described."""
    failures = []
    headers = {"Authorization": f"Bearer {TOKENS[who]}"}
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=10, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers,
                                   checks=[not_a_server_error, response_schema_conformance])

        try:
            run()
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure
            failures.append(f"{operation.label}: {str(exc)[:600]}")
    return failures


def test_as_an_administrator(api_schema: Any) -> None:
    assert _fuzz(api_schema, "admin") == []


def test_as_a_steward(api_schema: Any) -> None:
    assert _fuzz(api_schema, "steward-reg") == []
