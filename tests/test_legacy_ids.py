"""Legacy identifiers (R-4.2, ADR 0015, ADR 0024) on both stores: each is checked by its
scheme's form, held by one record of the scheme's kind, unique within its scheme (in the file
and against the store); once recorded it is found by a search typed in any digits, shown on the
record (JSON-LD and Turtle of its IRI), and exported in CPSV-AP as an adms:Identifier beside
the issued ID, the profile's shapes still conforming."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from api.app import create_app
from catalog.access.principals import Principal, Role
from catalog.changeset import Origin
from catalog.legacy import LegacyRow, record_legacy
from catalog.problems import Rejected
from catalog.profiles import export_profile, validate_profile
from catalog.registry import Registry
from catalog.resources import ResourceQuery, list_page
from catalog.vocab import ADMS, GC, concept
from tests.support.auth import tokens_for
from tests.workbooks import load_valid, two_agencies

ADMIN = Principal("admin", Role.ADMIN)
AUDITOR = Principal("auditor", Role.AUDITOR)
SCHEME = "national-service-id"


def _rows(*items: tuple[str, str, str]) -> list[LegacyRow]:
    return [LegacyRow(record, scheme, identifier, Origin("legacy.csv", row=n))
            for n, (record, scheme, identifier) in enumerate(items, start=2)]


def _refused(registry: Registry, *items: tuple[str, str, str]) -> list[tuple[str, str]]:
    """(column, English message) of each problem; nothing is stored."""
    with pytest.raises(Rejected) as refused:
        record_legacy(registry, ADMIN, _rows(*items))
    problems = refused.value.problems
    assert all(p.requirement == "R-4.2" and p.message_fa for p in problems)
    return [(str(p.column), p.message_en) for p in problems]


@pytest.fixture
def loaded(registry: Registry, tmp_path: Path) -> Registry:
    load_valid(registry, tmp_path / "two.xlsx", two_agencies())
    return registry


def _held(registry: Registry, agency: str, ref: str) -> tuple[object, object]:
    [node] = registry.store.describe([str(registry.iris.owned("service", agency, ref))])
    return node.props.get("legacyId"), node.props.get("legacyIdScheme")


def test_each_identifier_is_checked_by_its_scheme_and_unique_within_it(
        loaded: Registry) -> None:
    reg = loaded
    # the scheme's form, an unknown scheme, a record of another kind or none, a bad reference
    assert [c for c, _ in _refused(reg, ("REG:S1", SCHEME, "12345"))] == ["identifier"]
    assert [c for c, _ in _refused(reg, ("REG:S1", SCHEME, "1303146510a"))] == ["identifier"]
    assert [c for c, _ in _refused(reg, ("REG:S1", "tax-code", "13031465100"))] == ["scheme"]
    duty = str(reg.iris.owned("duty", "REG", "D1"))
    assert [c for c, _ in _refused(reg, (duty, SCHEME, "13031465100"))] == ["record"]
    assert [c for c, _ in _refused(reg, ("REG:S9", SCHEME, "13031465100"))] == ["record"]
    assert [c for c, _ in _refused(reg, ("S1", SCHEME, "13031465100"))] == ["record"]
    # unique within the scheme: in one file, and one record given twice
    twice = _refused(reg, ("REG:S1", SCHEME, "13031465100"), ("TAXO:S1", SCHEME, "13031465100"))
    assert twice[0][0] == "identifier" and "given to" in twice[0][1]
    again = _refused(reg, ("REG:S1", SCHEME, "13031465100"), ("REG:S1", SCHEME, "13031465101"))
    assert again[0][0] == "record"
    assert _held(reg, "REG", "S1") == (None, None)  # all or nothing: none stored
    # recorded in Arabic-Indic digits, kept in ASCII with its scheme
    record_legacy(reg, ADMIN, _rows(("REG:S1", SCHEME, "١٣٠٣١٤٦٥١٠٠")))
    assert _held(reg, "REG", "S1") == ("13031465100", SCHEME)
    # against the store: held by another record of the scheme, in any digits
    taken = _refused(reg, ("TAXO:S1", SCHEME, "۱۳۰۳۱۴۶۵۱۰۰"))
    assert taken[0][0] == "identifier" and "already held by" in taken[0][1]
    # recording it again for the same record is not a clash; a correction replaces it
    record_legacy(reg, ADMIN, _rows(("REG:S1", SCHEME, "13031465100")))
    record_legacy(reg, ADMIN, _rows(("REG:S1", SCHEME, "130314651001")))
    assert _held(reg, "REG", "S1") == ("130314651001", SCHEME)
    record_legacy(reg, ADMIN, _rows(("TAXO:S1", SCHEME, "13031465100")))  # free again
    assert _held(reg, "TAXO", "S1") == ("13031465100", SCHEME)


def test_a_legacy_identifier_is_searched_shown_and_exported(loaded: Registry) -> None:
    reg = loaded
    record_legacy(reg, ADMIN, _rows(("REG:S1", SCHEME, "13031465100")))
    service = str(reg.iris.owned("service", "REG", "S1"))

    # found by a search typed in Persian, Arabic-Indic or ASCII digits, whole or in part
    for q in ("۱۳۰۳۱۴۶۵۱۰۰", "١٣٠٣١٤٦٥١٠٠", "13031465100", "۱۳۰۳۱۴۶", "1303 1465 100"):
        page = list_page(reg, ResourceQuery("PublicService", text=q), AUDITOR)
        assert [n.iri for n in page.items] == [service], q
    assert list_page(reg, ResourceQuery("PublicService", text="۱۳۰۳۱۴۶۵۱۰۹"),
                     AUDITOR).items == []

    # shown on the record: its IRI as JSON-LD and as Turtle
    client = TestClient(create_app(reg))
    token = tokens_for(reg, [AUDITOR])["auditor"]
    for fmt, parser in (("jsonld", "json-ld"), ("ttl", "turtle")):
        r = client.get("/resource", params={"iri": service, "format": fmt},
                       headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.text
        g = Graph().parse(data=r.text, format=parser)
        assert g.value(URIRef(service), GC.legacyId) == Literal("13031465100"), fmt
        assert str(g.value(URIRef(service), GC.legacyIdScheme)) == SCHEME, fmt

    # CPSV-AP: an adms:Identifier (notation typed by its scheme) beside dct:identifier
    g = export_profile(reg, "cpsv-ap")
    s = URIRef(service)
    [identifier] = g.objects(s, ADMS.identifier)
    assert (identifier, RDF.type, ADMS.Identifier) in g
    assert g.value(identifier, SKOS.notation) == Literal(
        "13031465100", datatype=URIRef(concept("legacy-id-scheme", SCHEME)))
    assert {lit.language for lit in g.objects(identifier, ADMS.schemaAgency)} == {"fa", "en"}
    [issued] = g.objects(s, DCTERMS.identifier)
    assert str(issued) == service  # not approved yet: its IRI; the legacy ID is not it
    other = URIRef(str(reg.iris.owned("service", "TAXO", "S1")))
    assert list(g.objects(other, ADMS.identifier)) == []
    conforms, _, text = validate_profile(g, "cpsv-ap")
    assert conforms, text
