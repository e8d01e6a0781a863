"""The read-only SPARQL endpoint (ADR 0009), on both stores: known answers over the
two-agency workbook, a write seen by the next query without a restart (the view follows the
change feed), updates / LOAD / SERVICE refused with nothing changed and nothing sent out, a slow
query stopped, tokens required, the standard result formats, and the read-scope hook."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef

from api.app import create_app
from catalog.access.policy import Act
from catalog.access.principals import OPERATOR, Principal, Role
from catalog.graphmap import Node
from catalog.guard import Guard
from catalog.registry import Registry
from catalog.resources import Precondition
from catalog.sparql import Scope, SparqlTimeout, SparqlView
from loaders.submission import read_submission
from tests.conftest import BASE
from tests.support.auth import auditor_client, client_as
from tests.workbooks import two_agencies, write_workbook

AGENCIES = ("SELECT ?code ?name WHERE { ?a a cv:PublicOrganisation ; dct:identifier ?code ; "
            "skos:prefLabel ?name FILTER(LANG(?name) = 'en') } ORDER BY ?code")
SERVICES = ("SELECT ?agency ?title WHERE { ?s a cpsv:PublicService ; gc:agency ?a ; "
            "dct:title ?title . ?a dct:identifier ?agency } ORDER BY ?agency")
DUTIES = ("SELECT ?ref ?title WHERE { ?d a gc:Duty ; gc:agency <agency/REG> ; gc:ref ?ref ; "
          "dct:title ?title } ORDER BY ?ref")
AUDITOR = Principal("auditor", Role.AUDITOR)


def _load(registry: Registry, path: Path) -> None:
    sub = read_submission(path, registry)
    assert sub.problems == [], sub.problems
    registry.apply_checked(sub.changeset)


@pytest.fixture
def loaded(registry: Registry, tmp_path: Path) -> Registry:
    _load(registry, write_workbook(tmp_path / "two.xlsx", two_agencies()))
    return registry


@pytest.fixture
def http(loaded: Registry) -> TestClient:
    return auditor_client(loaded)


def _rows(client: TestClient, query: str) -> list[tuple[str, ...]]:
    r = client.get("/sparql", params={"query": query})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    body = r.json()
    names = body["head"]["vars"]
    return [tuple(b[n]["value"] for n in names) for b in body["results"]["bindings"]]


def _duties(rows: list[list[str]]) -> dict[str, list[list[str]]]:
    header = ["agency_code", "ref", "title_fa", "legal_basis", "status", "changed_on"]
    return {"duties": [header] + rows}


# -- answers, freshness ---------------------------------------------------------------------------

def test_a_select_over_two_agencies_gives_the_known_answer(http: TestClient) -> None:
    assert _rows(http, AGENCIES) == [("REG", "Sample Registry"), ("TAXO", "Sample Tax")]
    assert _rows(http, SERVICES) == [("REG", "ثبت ولادت"), ("TAXO", "ثبت‌نام مالیاتی")]
    r = http.get("/sparql", params={"query": "SELECT ?n WHERE { <agency/TAXO> dct:spatial ?p . "
                                              "?p skos:notation ?n }"})
    body = r.json()
    assert body["results"]["bindings"] == [{"n": {"type": "literal", "value": "isfahan"}}]
    assert int(r.headers["X-Govcat-Cursor"]) >= 1
    # the cycle's state and the audit trail are not in the catalog's RDF view (as in an export)
    assert _rows(http, "SELECT ?e WHERE { ?e a prov:Activity }") == []


def test_the_next_query_sees_a_write_without_a_restart(
        loaded: Registry, http: TestClient, tmp_path: Path) -> None:
    assert _rows(http, DUTIES) == [("D1", "ثبت وقایع حیاتی")]
    cursor = int(http.get("/sparql", params={"query": "ASK {}"}).headers["X-Govcat-Cursor"])
    _load(loaded, write_workbook(tmp_path / "more.xlsx", _duties([
        ["REG", "D1", "ثبت وقایع حیاتی (ویرایش)", "قانون ثبت احوال، ماده ۱", "draft", ""],
        ["REG", "D2", "صدور شناسنامه", "قانون ثبت احوال، ماده ۲", "draft", ""]])))
    # an edit replaces the record's triples (the old title is gone); a new record appears
    assert _rows(http, DUTIES) == [("D1", "ثبت وقایع حیاتی (ویرایش)"), ("D2", "صدور شناسنامه")]
    r = http.get("/sparql", params={"query": "ASK {}"})
    assert int(r.headers["X-Govcat-Cursor"]) > cursor
    # a second import of the same file changes nothing and adds no change
    _load(loaded, tmp_path / "more.xlsx")
    assert http.get("/sparql", params={"query": "ASK {}"}).headers["X-Govcat-Cursor"] == \
        r.headers["X-Govcat-Cursor"]


def test_a_deleted_record_is_dropped(loaded: Registry, http: TestClient) -> None:
    service = loaded.iris.owned("service", "TAXO", "S1")
    assert _rows(http, f"SELECT * WHERE {{ <{service}> ?p ?o }}")
    assert Guard(loaded).delete_record(OPERATOR, str(service), Precondition()) is not None
    assert _rows(http, f"SELECT * WHERE {{ <{service}> ?p ?o }}") == []
    assert _rows(http, SERVICES) == [("REG", "ثبت ولادت")]


def test_queries_and_writes_side_by_side(loaded: Registry, tmp_path: Path) -> None:
    """Readers in threads while an import commits: every answer is whole, and the first query
    that starts after the commit sees it."""
    view = SparqlView(loaded)
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                answer = view.query(AUDITOR, DUTIES)
                assert [r[0].value for r in answer.rows if r[0]] in (["D1"], ["D1", "D2"])
            except BaseException as exc:  # reported below
                errors.append(exc)
                return

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    _load(loaded, write_workbook(tmp_path / "d2.xlsx", _duties([
        ["REG", "D2", "صدور شناسنامه", "قانون ثبت احوال، ماده ۲", "draft", ""]])))
    after = view.query(AUDITOR, DUTIES)
    stop.set()
    for t in threads:
        t.join(10)
    assert errors == []
    assert [r[0].value for r in after.rows if r[0]] == ["D1", "D2"]


# -- read-only ------------------------------------------------------------------------------------

class _Listener(BaseHTTPRequestHandler):
    hits: list[str] = []

    def _any(self) -> None:
        self.hits.append(f"{self.command} {self.path}")
        self.send_response(200)
        self.send_header("content-type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(b'{"head": {"vars": []}, "results": {"bindings": [{}]}}')

    do_GET = do_POST = _any

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[str]:
    """A local HTTP server that would see any outbound request (SERVICE, LOAD)."""
    _Listener.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Listener)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


def test_updates_loads_and_service_are_refused_and_change_nothing(
        loaded: Registry, http: TestClient, listener: str) -> None:
    before = loaded.export(trail=True)
    triples = _rows(http, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    refused = [
        "INSERT DATA { <agency/REG> skos:prefLabel 'hacked'@en }",
        "DELETE WHERE { ?s ?p ?o }",
        "PREFIX x: <http://x/> DELETE { ?s ?p ?o } INSERT { ?s x:p 1 } WHERE { ?s ?p ?o }",
        f"LOAD <{listener}>",
        f"LOAD SILENT <{listener}> INTO GRAPH <agency/REG>",
        "CLEAR ALL",
        "DROP DEFAULT",
        "CREATE GRAPH <g>",
        f"SELECT * WHERE {{ SERVICE <{listener}> {{ ?s ?p ?o }} }}",
        f"ASK {{ FILTER NOT EXISTS {{ SERVICE SILENT <{listener}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{listener}> {{ ?s ?p ?o }} }} }} }}",
        "SELECT * WHERE { ?s ?p ?o ",  # not SPARQL at all
        "",
    ]
    for query in refused:
        for r in (http.get("/sparql", params={"query": query}),
                  http.post("/sparql", data={"query": query}),
                  http.post("/sparql", content=query.encode(),
                            headers={"content-type": "application/sparql-query"})):
            assert r.status_code == 400, (query, r.status_code, r.text)
            assert r.json()["detail"] and r.json()["detail_fa"], query
    r = http.post("/sparql", data={"update": "CLEAR ALL"})
    assert r.status_code == 400 and "read-only" in r.json()["detail"]
    r = http.post("/sparql", content=b"query=ASK{}", headers={"content-type": "text/plain"})
    assert r.status_code == 415
    assert _Listener.hits == []  # nothing was sent out
    assert loaded.export(trail=True).isomorphic(before)
    assert _rows(http, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == triples
    assert _rows(http, "SELECT ?n WHERE { <agency/REG> skos:prefLabel ?n FILTER(LANG(?n)='en') }"
                 ) == [("Sample Registry",)]


def test_a_too_slow_query_is_stopped(http: TestClient) -> None:
    # a few thousand solutions a second out of hundreds of millions of combinations: far
    # past the limit, and the worker sees the stop at its next solution
    slow = ("SELECT ?x WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i "
            "BIND(SHA512(CONCAT(STR(?c), STR(?f), STR(?i))) AS ?x) FILTER(STRSTARTS(?x, '000')) }")
    started = time.monotonic()
    r = http.get("/sparql", params={"query": slow, "timeout_ms": 500})
    assert r.status_code == 408, r.text
    assert r.json()["detail_fa"]
    assert time.monotonic() - started < 5
    deadline = time.monotonic() + 10
    while any(t.name == "govcat-sparql" for t in threading.enumerate()):
        assert time.monotonic() < deadline, "the stopped query's worker is still running"
        time.sleep(0.05)
    assert http.get("/sparql", params={"query": "ASK {}"}).json()["boolean"] is True


def test_results_are_cut_at_the_limit(loaded: Registry) -> None:
    view = SparqlView(loaded, max_results=5)
    answer = view.query(AUDITOR, "SELECT * WHERE { ?s ?p ?o }")
    assert answer.truncated and len(answer.rows) == 5
    answer = view.query(AUDITOR, "CONSTRUCT WHERE { ?s ?p ?o }")
    assert answer.truncated and len(answer.triples) == 5
    assert not view.query(AUDITOR, DUTIES).truncated
    with pytest.raises(SparqlTimeout):
        SparqlView(loaded, timeout=0.2).query(
            AUDITOR, "SELECT ?x WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i BIND(SHA512(CONCAT("
            "STR(?c), STR(?f), STR(?i))) AS ?x) FILTER(STRSTARTS(?x, '000')) }")


# -- access ---------------------------------------------------------------------------------------

def test_a_token_is_required_and_every_role_may_query(loaded: Registry) -> None:
    anonymous = TestClient(create_app(loaded))
    assert anonymous.get("/sparql", params={"query": "ASK {}"}).status_code == 401
    assert anonymous.post("/sparql", data={"query": "ASK {}"}).status_code == 401
    bad = {"Authorization": "Bearer gct_0000000000000000_nope"}
    assert anonymous.get("/sparql", params={"query": "ASK {}"}, headers=bad).status_code == 401
    policy = Guard(loaded).policy
    for role in Role:
        policy.check(Principal("x", role, agency="REG", bodies=frozenset({"b"}),
                               province="tehran"), Act.QUERY_SPARQL)
    steward = client_as(loaded, Principal("steward-reg", Role.STEWARD, agency="REG"))
    assert _rows(steward, AGENCIES)[0] == ("REG", "Sample Registry")


def test_the_scope_hook_confines_every_query_to_what_it_shows(
        loaded: Registry, tmp_path: Path) -> None:
    """A scope keeps its principals' queries to the records it shows, whatever the query
    names, and stays in step with writes (ADR 0009)."""
    taxo = loaded.iris.agency("TAXO")

    def not_taxo(n: Node) -> bool:
        return n.iri != str(taxo) and str(taxo) not in n.rels.get("agency", ())

    def scope_of(p: Principal) -> Scope | None:
        return Scope("not-taxo", not_taxo) if p.role is Role.SYSTEM else None

    view = SparqlView(loaded, scope=scope_of)
    window = Principal("window", Role.SYSTEM, scopes=frozenset({"read:approved"}))
    taxo_iri = f"<{taxo}>"
    hidden = [f"SELECT ?p ?o WHERE {{ {taxo_iri} ?p ?o }}",
              f"SELECT ?p ?o FROM {taxo_iri} WHERE {{ ?s ?p ?o }}",
              f"SELECT ?p ?o WHERE {{ GRAPH {taxo_iri} {{ ?s ?p ?o }} }}",
              "SELECT ?s WHERE { ?s gc:agency <agency/TAXO> }",
              f"CONSTRUCT WHERE {{ {taxo_iri} ?p ?o }}"]
    for q in hidden:
        answer = view.query(window, q)
        assert answer.rows == [] and answer.triples == [], q
        everything = view.query(AUDITOR, q)
        assert everything.rows or everything.triples, q
    assert view.query(window, f"DESCRIBE {taxo_iri}").triples == []
    assert [r[0].value for r in view.query(window, DUTIES).rows if r[0]] == ["D1"]
    _load(loaded, write_workbook(tmp_path / "d.xlsx", _duties([
        ["REG", "D2", "صدور شناسنامه", "قانون ثبت احوال، ماده ۲", "draft", ""],
        ["TAXO", "D2", "وظیفه پنهان", "قانون مالیات‌های مستقیم، ماده ۲", "draft", ""]])))
    assert [r[0].value for r in view.query(window, DUTIES).rows if r[0]] == ["D1", "D2"]
    secret = "SELECT ?t WHERE { ?d dct:title ?t FILTER(STR(?t) = 'وظیفه پنهان') }"
    assert view.query(window, secret).rows == []
    assert len(view.query(AUDITOR, secret).rows) == 1


# -- formats --------------------------------------------------------------------------------------

def test_result_formats(http: TestClient) -> None:
    q = {"query": AGENCIES}
    xml = http.get("/sparql", params=q, headers={"Accept": "application/sparql-results+xml"})
    assert xml.headers["content-type"].startswith("application/sparql-results+xml")
    parsed = ox.parse_query_results(xml.content, format=ox.QueryResultsFormat.XML)
    assert isinstance(parsed, ox.QuerySolutions)
    assert [(s["code"].value, s["name"].language) for s in parsed] == [("REG", "en"),
                                                                       ("TAXO", "en")]
    js = http.get("/sparql", params=q, headers={"Accept": "application/sparql-results+json"})
    parsed = ox.parse_query_results(js.content, format=ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions)
    assert [s["name"].value for s in parsed] == ["Sample Registry", "Sample Tax"]
    text = http.get("/sparql", params=q, headers={"Accept": "text/csv"})
    assert text.headers["content-type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(text.text))) == [
        ["code", "name"], ["REG", "Sample Registry"], ["TAXO", "Sample Tax"]]
    tsv = http.get("/sparql", params={**q, "format": "tsv"})
    assert tsv.text.splitlines()[0] == "?code\t?name"
    assert tsv.text.splitlines()[1] == '"REG"\t"Sample Registry"@en'
    # q-values and wildcards; an unknown type falls back to the default
    pick = http.get("/sparql", params=q, headers={
        "Accept": "text/csv;q=0.5, application/sparql-results+xml;q=0.9"})
    assert pick.headers["content-type"].startswith("application/sparql-results+xml")
    for accept in ("*/*", "image/png", ""):
        r = http.get("/sparql", params=q, headers={"Accept": accept})
        assert r.headers["content-type"].startswith("application/sparql-results+json")
    # ASK
    ask = http.get("/sparql", params={"query": "ASK { <agency/REG> a cv:PublicOrganisation }"})
    assert ask.json() == {"head": {}, "boolean": True}
    ask = http.get("/sparql", params={"query": "ASK { <agency/NOPE> ?p ?o }"},
                   headers={"Accept": "application/sparql-results+xml"})
    assert ox.parse_query_results(ask.content, format=ox.QueryResultsFormat.XML) is not None
    assert "<boolean>false</boolean>" in ask.text
    assert http.get("/sparql", params={"query": "ASK {}", "format": "csv"}).status_code == 406
    # CONSTRUCT and DESCRIBE: Turtle by default, N-Triples, JSON-LD, RDF/XML
    construct = "CONSTRUCT { ?a skos:prefLabel ?n } WHERE { ?a a cv:PublicOrganisation ; " \
                "skos:prefLabel ?n }"
    reg = URIRef(BASE + "agency/REG")
    for accept, fmt in (("text/turtle", "turtle"), ("application/n-triples", "nt"),
                        ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")):
        r = http.get("/sparql", params={"query": construct}, headers={"Accept": accept})
        assert r.status_code == 200 and r.headers["content-type"].startswith(accept), accept
        g = Graph().parse(data=r.text, format=fmt)
        assert len(g) == 4 and len(list(g.objects(reg, None))) == 2, accept
    r = http.get("/sparql", params={"query": "DESCRIBE <agency/REG>"})
    assert r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    assert (reg, None, None) in g
    # POST: a form or a application/sparql-query body
    form = http.post("/sparql", data={"query": AGENCIES}, headers={"Accept": "text/csv"})
    assert form.text == text.text
    raw = http.post("/sparql", content=AGENCIES.encode(),
                    headers={"content-type": "application/sparql-query; charset=utf-8"})
    assert json.loads(raw.text) == js.json()


def test_a_system_client_queries_only_its_view(loaded: Registry) -> None:
    """ADR 0010: read:approved sees agencies, not drafts or employees; read:all sees all."""
    from catalog.access.principals import Principal, Role
    from tests.support.auth import client_as

    draft = f"ASK {{ <{loaded.iris.owned('duty', 'REG', 'D1')}> ?p ?o }}"
    person = f"ASK {{ <{loaded.iris.employee('E-REG-1')}> ?p ?o }}"
    agency = f"ASK {{ <{loaded.iris.agency('REG')}> ?p ?o }}"

    def ask(client: TestClient, query: str) -> bool:
        r = client.get("/sparql", params={"query": query},
                       headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200, r.text
        return bool(r.json()["boolean"])

    portal = client_as(loaded, Principal("portal", Role.SYSTEM,
                                         scopes=frozenset({"read:approved"})))
    assert (ask(portal, agency), ask(portal, draft), ask(portal, person)) == (True, False, False)
    dgs = client_as(loaded, Principal("dgs", Role.SYSTEM, scopes=frozenset({"read:all"})))
    assert (ask(dgs, draft), ask(dgs, person)) == (True, True)
