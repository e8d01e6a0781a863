"""Browser tests (ADR 0031): Debian's Chromium under Playwright, against govcat served over a
store holding the demo catalog (`demo_site`, built once per module and store kind, read
by the page tests of a module) or an empty one of the test's own (`site`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from catalog.iris import Iris
from catalog.registry import Registry
from catalog.store.falkordb_server import FalkorServer
from catalog.store.falkordb_store import FalkorStore
from catalog.store.neo4j_store import Neo4jStore
from cli import demo as people
from cli.main import DEMO_WORKBOOK
from loaders.submission import read_submission
from tests.conftest import BASE, STORES
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, Site, serve


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield b
    b.close()


def _demo(registry: Registry) -> Registry:
    """The demo catalog as `govcat demo` makes it: workbook, accounts (with their published
    passwords), the cycle's history."""
    sub = read_submission(DEMO_WORKBOOK, registry)
    assert [str(p) for p in sub.problems] == []
    registry.apply_checked(sub.changeset)
    people.install_accounts(registry)
    people.install_cycle(registry)
    return registry


@pytest.fixture(scope="module", params=STORES)
def demo_site(request: pytest.FixtureRequest) -> Iterator[Site]:
    """The demo catalog served, once per test module and store kind (Neo4j's test server has
    one database, which other modules clear); page tests only read it (a test that writes
    uses `site`)."""
    if request.param == "falkordb":
        server: FalkorServer = request.getfixturevalue("falkor_server")
        store = FalkorStore(server.connect(), "web-demo")
    else:
        store = Neo4jStore(request.getfixturevalue("neo4j_driver"), "neo4j")
    store.clear()
    store.setup()
    registry = Registry(store, Iris(BASE))
    registry.ensure_code_lists()
    with serve(_demo(registry)) as s:
        yield s


@pytest.fixture
def site(registry: Registry) -> Iterator[Site]:
    """govcat served over the test's own empty store (both kinds, by `registry`)."""
    with serve(registry) as s:
        yield s
