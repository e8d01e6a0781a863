"""Browser tests (ADR 0031): Debian's Chromium under Playwright, against govcat served over a
store holding the demo catalog (`demo_site`, read only, built once per test process and store
kind) or an empty one of the test's own (`site`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from catalog.cycle.engine import Cycle
from catalog.iris import Iris
from catalog.port import GraphStore
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


def demo_registry(request: pytest.FixtureRequest, kind: str, graph: str) -> Registry:
    """An empty store of `kind` (FalkorDB: the graph `graph`) with the demo built in it."""
    if kind == "falkordb":
        server: FalkorServer = request.getfixturevalue("falkor_server")
        store: GraphStore = FalkorStore(server.connect(), graph)
    else:
        store = Neo4jStore(request.getfixturevalue("neo4j_driver"), "neo4j")
    store.clear()
    store.setup()
    registry = Registry(store, Iris(BASE))
    registry.ensure_code_lists()
    return _demo(registry)


def _mark(registry: Registry) -> tuple[object, ...]:
    """What changes when anything is written to the catalog: the newest change, the cycle's
    steps and the counts of every kind of node (another test file clears Neo4j's database)."""
    steps = sorted((code, s.step, s.state.value) for code, s in Cycle(
        registry.store, registry.iris).all_steps())
    return registry.store.last_change(), tuple(steps), tuple(sorted(registry.counts().items()))


_BUILT: dict[str, tuple[Registry, tuple[object, ...]]] = {}


@pytest.fixture(scope="module", params=STORES)
def demo_site(request: pytest.FixtureRequest) -> Iterator[Site]:
    """The demo catalog served, to be read only: built once per test process and store kind
    and built again when another test file cleared or changed the store (Neo4j's test server
    has one database). A test that writes uses `site`, or a demo of its own module."""
    built = _BUILT.get(request.param)
    if built is None or _mark(built[0]) != built[1]:
        registry = demo_registry(request, request.param, "web-demo")
        built = _BUILT[request.param] = (registry, _mark(registry))
    with serve(built[0]) as s:
        yield s


@pytest.fixture
def site(registry: Registry) -> Iterator[Site]:
    """govcat served over the test's own empty store (both kinds, by `registry`)."""
    with serve(registry) as s:
        yield s
