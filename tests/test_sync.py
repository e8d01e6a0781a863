"""Syncing with govcat (issue 6, docs/syncing.md): a client takes a snapshot, then follows the
change feed while others write, and ends with exactly the server's catalog; the app is
replaced and the store restarted in between, and the feed goes on without a hole."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef

from api.app import create_app
from catalog.access.accounts import Accounts
from catalog.access.principals import Principal, Role
from catalog.cycle.config import default_config
from catalog.iris import Iris
from catalog.registry import Registry
from catalog.store.falkordb_server import FalkorServer
from catalog.store.falkordb_store import FalkorStore
from tests.conftest import BASE
from tests.workbooks import two_agencies, write_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BODIES = frozenset(s.body for s in default_config().steps.values())


class Client:
    """A system that mirrors the catalog: snapshot, then changes, applied by re-reading each
    record a change names (so applying a change twice leaves the same state)."""

    def __init__(self, http: TestClient, token: str) -> None:
        self.http = http
        self.headers = {"Authorization": f"Bearer {token}"}
        self.graph = Graph()
        self.cursor = 0
        self.applied: list[int] = []

    def first_sync(self) -> None:
        r = self.http.get("/snapshot", params={"format": "nt"}, headers=self.headers)
        assert r.status_code == 200, r.text
        self.graph = Graph().parse(data=r.text, format="nt")
        self.cursor = int(r.headers["X-Govcat-Cursor"])

    def follow(self) -> int:
        seen = 0
        while True:
            r = self.http.get("/changes", params={"after": self.cursor, "limit": 3},
                              headers=self.headers)
            assert r.status_code == 200, r.text
            body = r.json()
            for change in body["changes"]:
                assert change["seq"] > self.cursor  # commit order, nothing twice
                self.applied.append(change["seq"])
                for iri in change["records"]:
                    self._refresh(iri)
                self.cursor = change["seq"]
                seen += 1
            if not body["more"]:
                return seen

    def _refresh(self, iri: str) -> None:
        self.graph.remove((URIRef(iri), None, None))
        r = self.http.get("/resource", params={"iri": iri, "format": "nt"})
        if r.status_code == 200:
            self.graph += Graph().parse(data=r.text, format="nt")


def _world(registry: Registry) -> dict[str, str]:
    accounts = Accounts(registry.store)
    tokens = {}
    for p in (Principal("window", Role.SYSTEM, scopes=frozenset({"read:all"})),
              Principal("steward-reg", Role.STEWARD, agency="REG"),
              Principal("reviewer", Role.REVIEWER, bodies=BODIES)):
        accounts.save(p)
        tokens[p.name] = accounts.issue(p.name).token
    return tokens


def _writes(http: TestClient, tokens: dict[str, str], tmp_path: Path, n: int) -> None:
    """A steward edits and adds duties, and the cycle approves them (IDs issued)."""
    steward = {"Authorization": f"Bearer {tokens['steward-reg']}"}
    header = ["agency_code", "ref", "title_fa", "legal_basis", "status", "changed_on"]
    rows = [header] + [["REG", f"D{i}", f"وظیفه {i} نسخه {n}", "قانون ثبت احوال، ماده ۱",
                        "draft", ""] for i in range(1, 3 + n)]
    body = write_workbook(tmp_path / f"w{n}.xlsx", {"duties": rows}).read_bytes()
    r = http.post("/imports", content=body, headers={**steward, "content-type": XLSX})
    assert r.status_code == 201, r.text


def _server_state(registry: Registry) -> Graph:
    return Graph() + registry.export()


def test_a_first_sync_then_the_feed_ends_with_the_servers_state(
        registry: Registry, tmp_path: Path) -> None:
    base = write_workbook(tmp_path / "two.xlsx", two_agencies())
    from loaders.submission import read_submission

    registry.apply_checked(read_submission(base, registry).changeset)
    tokens = _world(registry)
    http = TestClient(create_app(registry))
    client = Client(http, tokens["window"])
    _writes(http, tokens, tmp_path, 1)  # before the snapshot
    client.first_sync()
    _writes(http, tokens, tmp_path, 2)  # while the client syncs
    reviewer = {"Authorization": f"Bearer {tokens['reviewer']}"}
    steward = {"Authorization": f"Bearer {tokens['steward-reg']}"}
    for action, who in (("start", steward), ("submit", steward), ("approve", reviewer)):
        assert http.post(f"/agencies/REG/steps/1/{action}", headers=who).status_code == 200
    assert client.follow() >= 4
    _writes(http, tokens, tmp_path, 3)
    http = TestClient(create_app(registry))  # the app is replaced; the feed is in the store
    client.http = http
    # the import, and the clock it starts by editing duties that hold IDs (ADR 0007)
    assert client.follow() == 2
    assert client.graph.isomorphic(_server_state(registry))
    assert client.follow() == 0  # nothing new: nothing applied twice


@pytest.fixture
def private_store(tmp_path: Path) -> Iterator[tuple[FalkorServer, Registry]]:
    server = FalkorServer(tmp_path / "data")
    server.start()
    store = FalkorStore(server.connect(), "sync", rewrite_aof=server.rewrite_aof)
    store.setup()
    registry = Registry(store, Iris(BASE))
    registry.ensure_code_lists()
    yield server, registry
    server.stop()


def test_the_feed_survives_a_store_restart(private_store: tuple[FalkorServer, Registry],
                                           tmp_path: Path) -> None:
    server, registry = private_store
    from loaders.submission import read_submission

    base = write_workbook(tmp_path / "two.xlsx", two_agencies())
    registry.apply_checked(read_submission(base, registry).changeset)
    tokens = _world(registry)
    client = Client(TestClient(create_app(registry)), tokens["window"])
    client.first_sync()
    _writes(client.http, tokens, tmp_path, 1)
    server.stop()  # the store goes down and comes back from its append-only file
    server.start()
    store = FalkorStore(server.connect(), "sync", rewrite_aof=server.rewrite_aof)
    registry = Registry(store, Iris(BASE))
    client.http = TestClient(create_app(registry))
    _writes(client.http, tokens, tmp_path, 2)
    assert client.follow() == 2
    assert client.applied == sorted(set(client.applied))
    assert client.graph.isomorphic(_server_state(registry))
