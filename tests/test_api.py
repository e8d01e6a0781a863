"""The API serves every stored resource by its IRI, negotiated (JSON-LD, Turtle, N-Triples,
RDF/XML, plain JSON), and says when the store is up."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from api.app import negotiate
from catalog.access.principals import Principal, Role
from catalog.registry import Registry
from loaders.submission import read_submission
from tests.support.auth import auditor_client, client_as
from tests.workbooks import two_agencies, write_workbook


@pytest.fixture
def client(registry: Registry, tmp_path: Path) -> TestClient:
    sub = read_submission(write_workbook(tmp_path / "ok.xlsx", two_agencies()), registry)
    assert sub.problems == []
    registry.apply_checked(sub.changeset)
    return auditor_client(registry)  # sees every record (catalog.access.visibility)


def _path(registry: Registry, iri: str) -> str:
    rel = registry.iris.path_of(iri)
    assert rel is not None
    return "/id/" + rel


def test_health_reports_the_store(client: TestClient, registry: Registry) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["store"] == registry.store.name
    assert body["records"]["PublicService"] == 2


@pytest.mark.parametrize(("accept", "fmt"), [
    ("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
    ("application/n-triples", "nt"), ("application/rdf+xml", "xml"),
])
def test_a_service_dereferences_in_each_rdf_format(
    client: TestClient, registry: Registry, accept: str, fmt: str
) -> None:
    iri = registry.iris.owned("service", "REG", "S1")
    resp = client.get(_path(registry, iri), headers={"Accept": accept})
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith(accept)
    g = Graph().parse(data=resp.text, format=fmt)
    titles = {str(t) for t in g.objects(URIRef(iri), DCTERMS.title)}
    assert titles == {"ثبت ولادت"}


def test_plain_json_and_unknown_iri(client: TestClient, registry: Registry) -> None:
    iri = registry.iris.owned("duty", "REG", "D1")
    body = client.get(_path(registry, iri), params={"format": "json"}).json()
    assert body["type"] == "Duty"
    assert body["properties"]["title@fa"] == "ثبت وقایع حیاتی"
    assert body["links"]["agency"] == [str(registry.iris.agency("REG"))]
    assert client.get("/id/agency/NOPE").status_code == 404


def test_resource_by_iri_and_context(client: TestClient, registry: Registry) -> None:
    iri = registry.iris.agency("TAXO")
    resp = client.get("/resource", params={"iri": iri}, headers={"Accept": "text/turtle"})
    assert resp.status_code == 200 and "سازمان مالیات نمونه" in resp.text
    assert "@context" in client.get("/context.jsonld").json()


def test_each_reader_sees_what_its_scope_allows(client: TestClient, registry: Registry) -> None:
    """Without a token, the public view: no drafts, no employees (R-16); a system client sees
    what its scopes allow; an unknown token is refused, not treated as anonymous (ADR 0009)."""
    duty = _path(registry, registry.iris.owned("duty", "REG", "D1"))  # a draft
    agency = _path(registry, registry.iris.agency("REG"))
    employee = _path(registry, registry.iris.employee("E-REG-1"))
    anonymous = TestClient(client.app)
    assert anonymous.get(agency).status_code == 200
    assert anonymous.get(duty).status_code == 404
    assert anonymous.get(employee).status_code == 404
    assert client.get(duty).status_code == 200 and client.get(employee).status_code == 200
    window = client_as(registry, Principal("window", Role.SYSTEM,
                                           scopes=frozenset({"read:approved"})))
    assert window.get(agency).status_code == 200 and window.get(duty).status_code == 404
    everything = client_as(registry, Principal("dgs", Role.SYSTEM,
                                               scopes=frozenset({"read:all"})))
    assert everything.get(employee).status_code == 200
    bad = anonymous.get(agency, headers={"Authorization": "Bearer gct_nope"})
    assert bad.status_code == 401


def test_negotiation_prefers_the_highest_q() -> None:
    assert negotiate("application/ld+json;q=0.5, text/turtle", None) == "ttl"
    assert negotiate("text/html", None) == "html"  # a browser: the record's page (ADR 0031)
    assert negotiate("*/*", None) == negotiate("", None) == "jsonld"
    assert negotiate("text/*", None) == "ttl"
    assert negotiate("text/turtle", "nt") == "nt"


# -- content negotiation, one rule for every route (api.conneg) --------------------------------

def test_conneg_honours_q_values() -> None:
    from api.conneg import NotAcceptable, Offers
    from api.conneg import negotiate as choose

    rdf = Offers({"ttl": "text/turtle", "jsonld": "application/ld+json",
                  "nt": "application/n-triples"})
    assert choose(rdf, None) == choose(rdf, "") == "ttl"  # no header: the default
    assert choose(rdf, "text/turtle;q=0") == "jsonld"  # refused, never chosen
    assert choose(rdf, "application/ld+json;q=0.5, text/turtle;q=0.9") == "ttl"
    assert choose(rdf, "text/*;q=0.1, application/n-triples") == "nt"
    assert choose(rdf, "text/turtle;q=0, */*") == "jsonld"  # the specific range wins
    assert choose(rdf, "application/*, text/turtle;q=0.5") == "jsonld"
    assert choose(rdf, "text/html") == "ttl"  # nothing named that is offered: disregarded
    assert choose(rdf, "text/turtle;q=banana, application/n-triples;q=0.2") == "nt"
    for refusing in ("*/*;q=0", "text/turtle;q=0, application/*;q=0"):
        with pytest.raises(NotAcceptable):
            choose(rdf, refusing)
    with pytest.raises(NotAcceptable) as refused:
        choose(rdf, "text/turtle", "pdf")
    assert "pdf" in refused.value.message_en and "pdf" in refused.value.message_fa


PERSIAN = re.compile(r"[\u0600-\u06FF]")


def _is_406(resp: object) -> None:
    assert resp.status_code == 406, (resp.status_code, resp.text)  # type: ignore[attr-defined]
    body = resp.json()  # type: ignore[attr-defined]
    assert body["detail"] and PERSIAN.search(body["detail_fa"]), body
    assert body["formats"]


def test_turtle_refused_with_q_0_is_never_sent(client: TestClient, registry: Registry) -> None:
    """`Accept: text/turtle;q=0` on every route that negotiates, Turtle its default or not."""
    no_turtle = {"Accept": "text/turtle;q=0"}
    service = _path(registry, registry.iris.owned("service", "REG", "S1"))
    routes = [(service, {}), ("/resource", {"iri": str(registry.iris.agency("REG"))}),
              ("/profiles/cpsv-ap", {}), ("/snapshot", {}), ("/changes", {}),
              ("/sparql", {"query": "CONSTRUCT WHERE { ?s a ?t } LIMIT 3"}),
              ("/queries/posts-without-holder", {})]
    for path, params in routes:
        resp = client.get(path, params=params, headers=no_turtle)
        assert resp.status_code == 200, (path, resp.status_code, resp.text)
        assert not resp.headers["content-type"].startswith("text/turtle"), path
    turtle = client.get("/snapshot", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")


def test_an_unknown_format_or_an_accept_refusing_everything_is_406(
        client: TestClient, registry: Registry) -> None:
    service = _path(registry, registry.iris.owned("service", "REG", "S1"))
    routes = [(service, {}), ("/resource", {"iri": str(registry.iris.agency("REG"))}),
              ("/profiles/dcat-ap", {}), ("/snapshot", {}), ("/changes", {}),
              ("/sparql", {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}),
              ("/queries/posts-without-holder", {})]
    for path, params in routes:
        _is_406(client.get(path, params={**params, "format": "docx"}))
        _is_406(client.get(path, params=params, headers={"Accept": "*/*;q=0"}))
    # a format of another form of answer: SELECT answers come in no Turtle
    _is_406(client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
                                          "format": "ttl"}))
    ok = client.get(service, params={"format": "nt"}, headers={"Accept": "*/*;q=0"})
    assert ok.status_code == 200  # ?format= wins over Accept
