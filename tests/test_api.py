"""The API serves every stored resource by its IRI, negotiated (JSON-LD, Turtle, N-Triples,
RDF/XML, plain JSON), and says when the store is up."""

from __future__ import annotations

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
    what its scopes allow; an unknown token is refused, not treated as anonymous (issue 6)."""
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
    assert negotiate("text/html", None) == "jsonld"
    assert negotiate("text/turtle", "nt") == "nt"
