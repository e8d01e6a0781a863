"""Syncing with govcat (ADR 0009, docs/syncing.md): a client takes a snapshot, then follows the
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
from tests.support.auth import tokens_for
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
        self.deleted: list[str] = []

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
                # a deleted record is named too: re-read, it answers 404 and is dropped
                assert set(change.get("deleted", ())) <= set(change["records"])
                self.deleted.extend(change.get("deleted", ()))
                for iri in change["records"]:
                    self._refresh(iri)
                self.cursor = change["seq"]
                seen += 1
            if not body["more"]:
                return seen

    def _refresh(self, iri: str) -> None:
        self.graph.remove((URIRef(iri), None, None))
        r = self.http.get("/resource", params={"iri": iri, "format": "nt"},
                          headers=self.headers)
        if r.status_code == 200:
            self.graph += Graph().parse(data=r.text, format="nt")


def _world(registry: Registry) -> dict[str, str]:
    return tokens_for(registry, (Principal("window", Role.SYSTEM, scopes=frozenset({"read:all"})),
                                 Principal("steward-reg", Role.STEWARD, agency="REG"),
                                 Principal("reviewer", Role.REVIEWER, bodies=BODIES)))


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
    # the import, the clock it starts by editing duties that hold IDs (ADR 0007), and
    # the review flag on the service mapped to the changed duty (ADR 0015)
    assert client.follow() == 3
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


def test_a_scoped_client_syncs_only_what_it_may_see(registry: Registry, tmp_path: Path) -> None:
    """read:approved: no drafts, no employees in the snapshot or the feed (ADR 0009)."""
    from loaders.submission import read_submission

    base = write_workbook(tmp_path / "two.xlsx", two_agencies())
    registry.apply_checked(read_submission(base, registry).changeset)
    tokens = _world(registry)
    accounts = Accounts(registry.store)
    accounts.save(Principal("portal", Role.SYSTEM, scopes=frozenset({"read:approved"})))
    client = Client(TestClient(create_app(registry)), accounts.issue("portal").token)
    client.first_sync()
    subjects = {str(s) for s in client.graph.subjects()}
    assert str(registry.iris.agency("REG")) in subjects
    assert str(registry.iris.owned("duty", "REG", "D1")) not in subjects  # a draft
    assert str(registry.iris.employee("E-REG-1")) not in subjects
    steward = {"Authorization": f"Bearer {tokens['steward-reg']}"}
    employees = [["id", "post_id"], ["E-REG-9", "P-REG-1"]]
    body = write_workbook(tmp_path / "e.xlsx", {"employees": employees}).read_bytes()
    assert client.http.post("/imports", content=body, headers={
        **steward, "content-type": XLSX}).status_code == 201
    r = client.http.get("/changes", params={"after": client.cursor}, headers=client.headers)
    [change] = r.json()["changes"]
    assert change["action"] == "import" and change["records"] == []


def test_a_deleted_record_leaves_the_mirror(registry: Registry, tmp_path: Path) -> None:
    """Records created and deleted through the resources API (ADR 0009): the feed names the
    deleted ones, the client re-reads them, gets 404, and drops them."""
    from loaders.submission import read_submission

    base = write_workbook(tmp_path / "two.xlsx", two_agencies())
    registry.apply_checked(read_submission(base, registry).changeset)
    tokens = _world(registry)
    client = Client(TestClient(create_app(registry)), tokens["window"])
    client.first_sync()
    steward = {"Authorization": f"Bearer {tokens['steward-reg']}"}
    system = {"agency_code": "REG", "ref": "SYS9", "name_fa": "سامانه ثبت"}
    dataset = {"agency_code": "REG", "ref": "DS9", "title_fa": "داده ولادت",
               "information_system": "SYS9"}
    for kind, body in (("systems", system), ("datasets", dataset)):
        r = client.http.put(f"/resources/{kind}", json=body, headers=steward)
        assert r.status_code == 201, r.text
    assert client.follow() == 2
    iris = [str(registry.iris.owned(k, "REG", r)) for k, r in (("dataset", "DS9"),
                                                                ("system", "SYS9"))]
    assert all((URIRef(i), None, None) in client.graph for i in iris)
    for iri in iris:  # the dataset first: it points at the system
        r = client.http.delete("/resource", params={"iri": iri}, headers=steward)
        assert r.status_code == 200, r.text
    assert client.follow() == 2
    assert client.deleted == iris
    assert not any((URIRef(i), None, None) in client.graph for i in iris)
    assert client.graph.isomorphic(_server_state(registry))
