"""The change feed as a Linked Data Event Stream (ADR 0026): an LDES client starts at /ldes,
walks the view's pages by their tree:relation to the latest, and rebuilds the catalog from
the members (the newest version of each record, tombstones dropping theirs); it ends with
exactly the server's records, on both stores. No Python LDES client is kept on PyPI (the
maintained ones are JavaScript and Java), so the walk is rdflib's, by the specification."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from api.app import create_app
from catalog import ldes
from catalog.access.principals import Principal, Role
from catalog.cycle.config import default_config
from catalog.iris import Iris
from catalog.registry import Registry
from catalog.store.falkordb_server import FalkorServer
from catalog.store.falkordb_store import FalkorStore
from catalog.vocab import GC
from cli.demo import install_cycle, install_legacy
from loaders.harvest import materialize
from loaders.submission import read_submission
from tests.conftest import BASE
from tests.support.auth import tokens_for
from tests.support.records import records_graph
from tests.workbooks import load_valid, two_agencies

TREE, LDES, AS = ldes.TREE, ldes.LDES, ldes.AS
DEMO = Path(__file__).resolve().parent.parent / "demo"
BODIES = frozenset(s.body for s in default_config().steps.values())
# What a member says about itself rather than about the record it is a version of.
_ABOUT_VERSION = {DCTERMS.isVersionOf, PROV.generatedAtTime, GC.seq, AS.deleted}


@dataclass
class Walker:
    """An LDES client: from the stream to the last page, by the relations each page has."""

    http: TestClient
    headers: dict[str, str]
    pages: list[str] = field(default_factory=list)
    graph: Graph = field(default_factory=Graph)  # every page, merged

    def get(self, url: str, accept: str = "text/turtle") -> Graph:
        r = self.http.get(url, headers={**self.headers, "Accept": accept})
        assert r.status_code == 200, r.text
        fmt = "json-ld" if "json" in accept else "turtle"
        return Graph().parse(data=r.text, format=fmt, publicID=url)

    def walk(self) -> None:
        root = self.get("/ldes")
        [stream] = root.subjects(RDF.type, LDES.EventStream)
        assert root.value(stream, LDES.versionOfPath) == DCTERMS.isVersionOf
        assert root.value(stream, LDES.timestampPath) == PROV.generatedAtTime
        todo = [str(o) for o in root.objects(stream, TREE.view)]
        while todo:
            url = todo.pop(0)
            if url in self.pages:
                continue
            self.pages.append(url)
            page = self.get(url)
            self.graph += page
            for relation in page.objects(URIRef(url), TREE.relation):
                todo.extend(str(n) for n in page.objects(relation, TREE.node))

    def members(self) -> list[URIRef]:
        found = {m for m in self.graph.objects(None, TREE.member) if isinstance(m, URIRef)}
        return sorted(found, key=self.seq)

    def seq(self, member: URIRef) -> int:
        value = self.graph.value(member, GC.seq)
        assert isinstance(value, Literal)
        return int(value.toPython())

    def replica(self) -> Graph:
        """The catalog as the members build it: each record as its newest version says."""
        newest: dict[URIRef, URIRef] = {}
        for m in self.members():  # in change order
            record = self.graph.value(m, DCTERMS.isVersionOf)
            assert isinstance(record, URIRef)
            newest[record] = m
        g = Graph()
        for record, m in newest.items():
            if (m, RDF.type, AS.Delete) in self.graph:
                continue
            for _, p, o in self.graph.triples((m, None, None)):
                if p not in _ABOUT_VERSION:
                    g.add((record, p, o))
        return g


def _world(registry: Registry, tmp_path: Path) -> tuple[TestClient, dict[str, dict[str, str]]]:
    load_valid(registry, tmp_path / "two.xlsx", two_agencies())
    tokens = tokens_for(registry, (
        Principal("window", Role.SYSTEM, scopes=frozenset({"read:all"})),
        Principal("portal", Role.SYSTEM, scopes=frozenset({"read:approved"})),
        Principal("steward-reg", Role.STEWARD, agency="REG"),
        Principal("reviewer", Role.REVIEWER, bodies=BODIES)))
    return TestClient(create_app(registry)), {
        name: {"Authorization": f"Bearer {t}"} for name, t in tokens.items()}


def _history(http: TestClient, who: dict[str, dict[str, str]]) -> None:
    """Edits, the cycle's approval of step 1 (IDs issued, no version written), a record made
    and deleted through the resources API."""
    steward, reviewer = who["steward-reg"], who["reviewer"]
    duty = {"agency_code": "REG", "ref": "D1", "title_fa": "ثبت وقایع حیاتی نسخه دوم",
            "legal_basis": "قانون ثبت احوال، ماده ۱"}
    assert http.put("/resources/duties", json=duty, headers=steward).status_code == 200
    for action, headers in (("start", steward), ("submit", steward), ("approve", reviewer)):
        r = http.post(f"/agencies/REG/steps/1/{action}", headers=headers)
        assert r.status_code == 200, r.text
    system = {"agency_code": "REG", "ref": "SYS9", "name_fa": "سامانه ثبت"}
    dataset = {"agency_code": "REG", "ref": "DS9", "title_fa": "داده ولادت",
               "information_system": "SYS9"}
    for kind, body in (("systems", system), ("datasets", dataset)):
        r = http.put(f"/resources/{kind}", json=body, headers=steward)
        assert r.status_code == 201, r.text


def test_a_client_walks_the_stream_and_rebuilds_the_catalog(
        registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ldes, "PAGE", 3)  # several pages from a few changes
    http, who = _world(registry, tmp_path)
    _history(http, who)
    dataset = str(registry.iris.owned("dataset", "REG", "DS9"))
    r = http.delete("/resource", params={"iri": dataset}, headers=who["steward-reg"])
    assert r.status_code == 200, r.text

    client = Walker(http, who["window"])
    client.walk()
    assert len(client.pages) >= 3
    assert client.replica().isomorphic(records_graph(registry))
    # `govcat harvest` reads an event stream the same way (loaders.harvest, ADR 0026)
    assert materialize(client.graph).isomorphic(records_graph(registry))

    # the duty's members: its versions as its writes left them, then the approval that gave
    # it an ID (a decision writes no version)
    duty = str(registry.iris.owned("duty", "REG", "D1"))
    mine = [m for m in client.members()
            if client.graph.value(m, DCTERMS.isVersionOf) == URIRef(duty)]
    written = [v.seq for v in registry.versions(duty) if not v.working]
    assert [client.seq(m) for m in mine][:len(written)] == written
    assert len(mine) == len(written) + 1
    [stored] = registry.store.describe([duty])
    assert client.graph.value(mine[-1], GC.dutyId) == Literal(stored.props["dutyId"])
    assert client.graph.value(mine[-2], GC.dutyId) is None

    # the deleted dataset: its last member is a tombstone, with no content
    last = [m for m in client.members()
            if client.graph.value(m, DCTERMS.isVersionOf) == URIRef(dataset)][-1]
    assert (last, RDF.type, AS.Delete) in client.graph
    assert (last, RDF.type, AS.Tombstone) in client.graph  # as IPDC marks a deleted instance
    assert {p for _, p, _ in client.graph.triples((last, None, None))} == {
        RDF.type, DCTERMS.isVersionOf, PROV.generatedAtTime, GC.seq, AS.deleted}


def test_pages_are_cached_by_whether_they_can_still_change(
        registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ldes, "PAGE", 3)
    http, who = _world(registry, tmp_path)
    _history(http, who)
    last = registry.store.last_change()
    latest = last // 3 + 1
    first = http.get("/ldes/1", headers=who["window"])
    assert "immutable" in first.headers["cache-control"]
    assert first.headers["etag"]
    again = http.get("/ldes/1", headers={**who["window"], "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    newest = http.get(f"/ldes/{latest}", headers=who["window"])
    assert newest.status_code == 200
    assert "immutable" not in newest.headers["cache-control"]
    assert "max-age=10" in newest.headers["cache-control"]
    assert (None, TREE.relation, None) not in Graph().parse(data=newest.text, format="turtle")
    r = http.get(f"/ldes/{latest + 1}", headers=who["window"])
    assert r.status_code == 404 and r.json()["detail_fa"]
    # JSON-LD by content negotiation: the same page
    walker = Walker(http, who["window"])
    as_jsonld = walker.get("/ldes/1", accept="application/ld+json")
    as_turtle = walker.get("/ldes/1")
    assert as_jsonld.isomorphic(as_turtle)
    assert http.get("/ldes").status_code == 401  # read as the feed: with a token


def test_a_scoped_reader_gets_what_it_may_see_and_tombstones_for_the_rest(
        registry: Registry, tmp_path: Path) -> None:
    """read:approved: employees are never members; a draft duty is a tombstone until its
    approval, then a member with its ID (ADR 0010)."""
    http, who = _world(registry, tmp_path)
    _history(http, who)
    client = Walker(http, who["portal"])
    client.walk()
    records = {client.graph.value(m, DCTERMS.isVersionOf) for m in client.members()}
    assert URIRef(str(registry.iris.employee("E-REG-1"))) not in records
    duty = URIRef(str(registry.iris.owned("duty", "REG", "D1")))
    mine = [m for m in client.members() if client.graph.value(m, DCTERMS.isVersionOf) == duty]
    assert all((m, RDF.type, AS.Delete) in client.graph for m in mine[:-1])
    assert (mine[-1], RDF.type, AS.Delete) not in client.graph
    assert client.graph.value(mine[-1], GC.dutyId) is not None
    replica = client.replica()
    assert URIRef(str(registry.iris.owned("duty", "TAXO", "D1"))) not in set(replica.subjects())
    assert (duty, None, None) in replica


def test_the_demo_catalog_is_rebuilt_from_its_stream(
        falkor_server: FalkorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo as `govcat demo` makes it: imports, the cycle's approvals (IDs issued) and
    rejections, legacy identifiers; walked in pages of 25 changes (one store: the demo takes
    minutes to load on Neo4j; the tests above run on both)."""
    monkeypatch.setattr(ldes, "PAGE", 25)
    store = FalkorStore(falkor_server.connect(), "ldes-demo",
                        rewrite_aof=falkor_server.rewrite_aof)
    store.clear()
    store.setup()
    registry = Registry(store, Iris(BASE))
    registry.ensure_code_lists()
    sub = read_submission(DEMO / "govcat-demo.xlsx", registry)
    assert sub.problems == []
    registry.apply_checked(sub.changeset)
    install_cycle(registry)
    install_legacy(registry, DEMO / "legacy-ids.csv")
    tokens = tokens_for(registry, [Principal("w", Role.SYSTEM, scopes=frozenset({"read:all"}))])
    client = Walker(TestClient(create_app(registry)), {"Authorization": f"Bearer {tokens['w']}"})
    client.walk()
    assert len(client.pages) == registry.store.last_change() // 25 + 1
    assert client.replica().isomorphic(records_graph(registry))
