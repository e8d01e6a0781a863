"""Test session services: a real embedded FalkorDB and a real Neo4j (in-process test server from
Maven Central), both started here and stopped at the end. Store-backed tests run on both."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest

from catalog.iris import Iris
from catalog.port import GraphStore
from catalog.registry import Registry
from catalog.store.falkordb_server import FalkorServer
from catalog.store.falkordb_store import FalkorStore
from catalog.store.neo4j_store import Neo4jStore
from tests.support.neo4j_server import Neo4jProcess, start_neo4j

BASE = "https://govcat.test/id/"
STORES = ("falkordb", "neo4j")

# One server key for the test session and every process it starts, as for one installation:
# credentials sealed by a command open in the app and the other way round (ADR 0016).
TEST_KEY = base64.b64encode(b"govcat's test-session server key").decode()
os.environ.setdefault("GOVCAT_SECRET_KEY", TEST_KEY)


@pytest.fixture(scope="session")
def falkor_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FalkorServer]:
    server = FalkorServer(tmp_path_factory.mktemp("falkordb"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def neo4j_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jProcess]:
    """The session's Neo4j server; `routing_uri` for processes the tests start."""
    process = start_neo4j(tmp_path_factory.mktemp("neo4j"))
    yield process
    process.stop()


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_process: Neo4jProcess) -> Iterator[neo4j.Driver]:
    driver = neo4j.GraphDatabase.driver(neo4j_process.routing_uri)
    driver.verify_connectivity()
    yield driver
    driver.close()


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """An empty store of each kind, set up as govcat sets it up."""
    s: GraphStore
    if request.param == "falkordb":
        server: FalkorServer = request.getfixturevalue("falkor_server")
        s = FalkorStore(server.connect(), "test", rewrite_aof=server.rewrite_aof)
    else:
        s = Neo4jStore(request.getfixturevalue("neo4j_driver"), "neo4j")
    s.clear()
    s.setup()
    yield s


@pytest.fixture
def registry(store: GraphStore) -> Registry:
    reg = Registry(store, Iris(BASE))
    reg.ensure_code_lists()
    return reg


@pytest.fixture
def other(request: pytest.FixtureRequest, store: GraphStore) -> Registry:
    """An empty store of the other kind than `store`, opened as govcat opens one (code lists
    written): where a backup is restored to move between stores (ADR 0012)."""
    target: GraphStore
    if store.name == "falkordb":
        target = Neo4jStore(request.getfixturevalue("neo4j_driver"), "neo4j")
    else:
        server: FalkorServer = request.getfixturevalue("falkor_server")
        target = FalkorStore(server.connect(), "restore-target")
    target.clear()
    target.setup()
    reg = Registry(target, Iris(BASE))
    reg.ensure_code_lists()
    return reg


@pytest.fixture(scope="session")
def project_root() -> Path:
    return Path(__file__).resolve().parent.parent
