"""DCAT-AP 3 and CPSV-AP 3 exports (ADR 0006): the demo catalog's exports, national and
per agency, parse back (Turtle, JSON-LD) and satisfy govcat's shapes of the profiles' mandatory
properties, on both stores; each shape catches the export that lacks what it requires."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SH, SKOS, XSD
from typer.testing import CliRunner

from catalog.iris import Iris
from catalog.kinds import changeset as to_changeset
from catalog.ontology import bind_prefixes
from catalog.profiles import (
    PROFILES,
    UnknownAgency,
    export_profile,
    serialize_profile,
    to_profile,
    validate_profile,
)
from catalog.registry import Registry
from catalog.store.falkordb_server import FalkorServer
from catalog.validation import ENGINES
from catalog.vocab import CPSV, CV, ELI, GC
from cli.demo import install_cycle, install_legacy
from cli.main import app
from loaders.spreadsheet import read_workbook
from loaders.submission import read_submission
from tests.conftest import BASE
from tests.workbooks import two_agencies, write_workbook

DEMO = Path(__file__).resolve().parent.parent / "demo" / "govcat-demo.xlsx"
LEGACY = DEMO.with_name("legacy-ids.csv")
DAP = "https://w3id.org/govcat/shapes/dcat-ap#"
CPA = "https://w3id.org/govcat/shapes/cpsv-ap#"
EU = "http://publications.europa.eu/resource/authority/"
IRIS = Iris(BASE)
PARSE = {"ttl": "turtle", "jsonld": "json-ld"}


@pytest.fixture
def demo_registry(registry: Registry) -> Registry:
    sub = read_submission(DEMO, registry)
    assert [str(p) for p in sub.problems] == []
    registry.apply_checked(sub.changeset)
    install_cycle(registry)  # IDs come from the cycle's approvals, as in `govcat demo`
    install_legacy(registry, LEGACY)
    return registry


def _agency_codes(g: Graph) -> list[str]:
    return sorted(str(c) for a in g.subjects(RDF.type, CV.PublicOrganisation)
                  if (c := g.value(a, DCTERMS.identifier)) is not None)


def test_demo_exports(demo_registry: Registry) -> None:
    """One demo load per store (a load into Neo4j takes a while), every check of it."""
    _parse_and_conform(demo_registry)
    _dcat_ap_content(demo_registry)
    _agency_catalog_holds_only_that_agency(demo_registry)
    _cpsv_ap_content(demo_registry)


def _parse_and_conform(demo_registry: Registry) -> None:
    codes = _agency_codes(demo_registry.export())
    assert len(codes) == 8
    for agency in [None, *codes]:
        source = demo_registry.export(agency)  # read once, mapped to both profiles
        for profile in PROFILES:
            g = to_profile(source, profile, demo_registry.iris, agency)
            conforms, _, text = validate_profile(g, profile)
            assert conforms, f"{profile} {agency or 'national'}:\n{text}"
            for fmt, parser in PARSE.items():
                back = Graph().parse(data=serialize_profile(g, fmt), format=parser)
                assert back.isomorphic(g), (profile, agency, fmt)


def _dcat_ap_content(demo_registry: Registry) -> None:
    source = demo_registry.export()
    g = export_profile(demo_registry, "dcat-ap")
    datasets = set(source.subjects(RDF.type, DCAT.Dataset))
    systems = set(source.subjects(RDF.type, GC.InformationSystem))
    national = URIRef(BASE + "catalog")
    assert set(g.objects(national, DCAT.dataset)) == datasets
    assert set(g.objects(national, DCAT.service)) == systems
    owners = {source.value(x, GC.agency) for x in datasets | systems}
    assert set(g.objects(national, DCAT.catalog)) == {URIRef(f"{a}/catalog") for a in owners}
    for d in datasets:
        dist = g.value(d, DCAT.distribution)
        assert isinstance(g.value(dist, DCAT.accessURL), URIRef)
        assert {t.language for t in g.objects(d, DCTERMS.title)} == {"fa", "en"}
        assert {t.language for t in g.objects(d, DCTERMS.description)} == {"fa", "en"}
    for s in systems:
        url = source.value(s, DCAT.endpointURL)
        assert g.value(s, DCAT.endpointURL) == URIRef(str(url))
        held = set(source.subjects(GC.heldIn, s))
        assert set(g.objects(s, DCAT.servesDataset)) == held
    flows = set(source.subjects(RDF.type, GC.DataFlow))
    assert len(set(g.subjects(RDF.type, DCAT.Relationship))) == 2 * len(flows)
    rights = {str(o) for o in g.objects(None, DCTERMS.accessRights)}
    assert rights <= {f"{EU}access-right/{c}" for c in ("PUBLIC", "RESTRICTED", "NON_PUBLIC")}
    assert all(str(f).startswith(f"{EU}frequency/")
               for f in g.objects(None, DCTERMS.accrualPeriodicity))
    # govcat's own terms stay out, but for the one DCAT-AP lacks (personal data)
    assert {p for p in g.predicates() if str(p).startswith(str(GC))} == {GC.personalData}


def _agency_catalog_holds_only_that_agency(demo_registry: Registry) -> None:
    g = export_profile(demo_registry, "dcat-ap", "SABT")
    catalog = URIRef(BASE + "agency/SABT/catalog")
    assert g.value(catalog, DCTERMS.publisher) == URIRef(BASE + "agency/SABT")
    listed = {str(d) for d in g.objects(catalog, DCAT.dataset)}
    assert listed and all(d.startswith(BASE + "agency/SABT/dataset/") for d in listed)
    assert not any("agency/TAX/" in str(s) for s in g.subjects(RDF.type, DCAT.Dataset))
    with pytest.raises(UnknownAgency):
        export_profile(demo_registry, "dcat-ap", "NOPE")


def _cpsv_ap_content(demo_registry: Registry) -> None:
    source = demo_registry.export()
    g = export_profile(demo_registry, "cpsv-ap")
    services = set(source.subjects(RDF.type, CPSV.PublicService))
    assert set(g.objects(URIRef(BASE + "public-services"), DCTERMS.hasPart)) == services
    for s in services:
        (identifier,) = g.objects(s, DCTERMS.identifier)
        issued = source.value(s, GC.serviceId)
        assert str(identifier) == str(issued if issued is not None else s)
        assert set(g.objects(s, CPSV.follows)) == set(source.objects(s, CPSV.follows))
        laws = {law for d in source.objects(s, CPSV.follows)
                for law in source.objects(d, CPSV.implements)}
        assert set(g.objects(s, CV.hasLegalResource)) == laws
        assert (g.value(s, CV.hasChannel), RDF.type, CV.Channel) in g
    duty = next(d for d in source.subjects(RDF.type, GC.Duty) if source.value(d, GC.dutyId))
    assert str(g.value(duty, DCTERMS.identifier)) == str(source.value(duty, GC.dutyId))
    assert (next(g.objects(duty, CPSV.implements)), RDF.type, ELI.LegalResource) in g
    # each chain: the final service requires the services of its other links
    for chain in source.subjects(RDF.type, GC.ServiceChain):
        final = source.value(chain, GC.finalService)
        needed = {source.value(link, GC.linkService)
                  for link in source.objects(chain, GC.hasLink)} - {final}
        assert needed and set(g.objects(final, DCTERMS.requires)) == needed
    assert not list(g.subjects(RDF.type, CV.Cost))  # govcat holds no tariffs yet


def test_cli_exports_profiles(tmp_path: Path) -> None:
    env = {"GOVCAT_DATA_DIR": str(tmp_path / "data"), "GOVCAT_BASE_IRI": BASE}
    runner = CliRunner()
    try:
        path = write_workbook(tmp_path / "two.xlsx", two_agencies())
        result = runner.invoke(app, ["load", str(path)], env=env)
        assert result.exit_code == 0, result.output
        for profile in PROFILES:
            for fmt in PARSE:
                result = runner.invoke(app, ["export", "--profile", profile, "--format", fmt,
                                             "--agency", "REG"], env=env)
                assert result.exit_code == 0, result.output
                g = Graph().parse(data=result.output, format=PARSE[fmt])
                conforms, _, text = validate_profile(g, profile)
                assert conforms, text
        result = runner.invoke(app, ["export", "--profile", "cpsv-ap"], env=env)
        assert result.exit_code == 0 and "ثبت‌نام مالیاتی" in result.output
        result = runner.invoke(app, ["export", "--profile", "dcat-ap", "--agency", "NOPE"],
                               env=env)
        assert result.exit_code == 2 and "NOPE" in result.output
        result = runner.invoke(app, ["export", "--profile", "schema-org"], env=env)
        assert result.exit_code == 2
    finally:
        FalkorServer(tmp_path / "data").stop()


# -- the shapes catch what is missing (pure: the demo's graph without a store) -----------------

@pytest.fixture(scope="module")
def source() -> Graph:
    cs = to_changeset(read_workbook(DEMO).records, IRIS, lambda _: None)
    g = bind_prefixes(Graph())
    g += cs.graph
    return g


@pytest.fixture(scope="module")
def sabt(source: Graph) -> dict[str, Graph]:
    return {p: to_profile(source, p, IRIS, "SABT") for p in PROFILES}


@pytest.fixture(params=sorted(ENGINES))
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("GOVCAT_SHACL_ENGINE", request.param)
    yield request.param


def _violations(g: Graph, profile: str) -> set[tuple[str, str, str]]:
    """(source shape, path, focus node) of each top-level result."""
    conforms, report, _ = validate_profile(g, profile)
    found = set()
    for r in report.objects(None, SH.result):
        shape = report.value(r, SH.sourceShape)
        found.add((str(shape) if not isinstance(shape, BNode) else "_",
                   str(report.value(r, SH.resultPath)), str(report.value(r, SH.focusNode))))
    assert conforms == (not found)
    return found


def _first(g: Graph, cls: URIRef) -> URIRef:
    return sorted(s for s in g.subjects(RDF.type, cls) if isinstance(s, URIRef))[0]


def _drop(p: URIRef) -> Callable[[Graph, URIRef], None]:
    def change(g: Graph, s: URIRef) -> None:
        g.remove((s, p, None))
    return change


def _add(p: URIRef, o: URIRef | Literal) -> Callable[[Graph, URIRef], None]:
    def change(g: Graph, s: URIRef) -> None:
        g.add((s, p, o))
    return change


def _untag(p: URIRef) -> Callable[[Graph, URIRef], None]:
    def change(g: Graph, s: URIRef) -> None:
        for lit in list(g.objects(s, p)):
            g.remove((s, p, lit))
            g.add((s, p, Literal(str(lit))))
    return change


def _literal_url(p: URIRef) -> Callable[[Graph, URIRef], None]:
    def change(g: Graph, s: URIRef) -> None:
        for o in list(g.objects(s, p)):
            g.remove((s, p, o))
            g.add((s, p, Literal(str(o), datatype=XSD.anyURI)))
    return change


def _untype_object(p: URIRef, cls: URIRef) -> Callable[[Graph, URIRef], None]:
    def change(g: Graph, s: URIRef) -> None:
        for o in list(g.objects(s, p)):
            g.remove((o, RDF.type, cls))
    return change


OTHER = URIRef(BASE + "agency/TAX")
DCAT_CASES: dict[str, tuple[URIRef, Callable[[Graph, URIRef], None], str, URIRef]] = {
    # case: (class of the node to break, the change, shape expected, path expected)
    "catalog without title": (DCAT.Catalog, _drop(DCTERMS.title), "Catalog-title", DCTERMS.title),
    "catalog title untagged": (DCAT.Catalog, _untag(DCTERMS.title), "Catalog-title",
                               DCTERMS.title),
    "catalog without description": (DCAT.Catalog, _drop(DCTERMS.description),
                                    "Catalog-description", DCTERMS.description),
    "catalog without publisher": (DCAT.Catalog, _drop(DCTERMS.publisher), "Catalog-publisher",
                                  DCTERMS.publisher),
    "catalog with two publishers": (DCAT.Catalog, _add(DCTERMS.publisher, OTHER),
                                    "Catalog-publisher", DCTERMS.publisher),
    "catalog lists an undescribed dataset": (
        DCAT.Catalog, _add(DCAT.dataset, URIRef(BASE + "agency/SABT/dataset/ghost")),
        "Catalog-dataset", DCAT.dataset),
    "dataset without title": (DCAT.Dataset, _drop(DCTERMS.title), "Dataset-title",
                              DCTERMS.title),
    "dataset without Persian title": (DCAT.Dataset, _untag(DCTERMS.title), "Dataset-title-fa",
                                      DCTERMS.title),
    "dataset without description": (DCAT.Dataset, _drop(DCTERMS.description),
                                    "Dataset-description", DCTERMS.description),
    "dataset with an untyped access right": (
        DCAT.Dataset, _untype_object(DCTERMS.accessRights, DCTERMS.RightsStatement),
        "Dataset-accessRights", DCTERMS.accessRights),
    "distribution without access URL": (DCAT.Distribution, _drop(DCAT.accessURL),
                                        "Distribution-accessURL", DCAT.accessURL),
    "distribution with a literal access URL": (DCAT.Distribution, _literal_url(DCAT.accessURL),
                                               "Distribution-accessURL", DCAT.accessURL),
    "data service without endpoint URL": (DCAT.DataService, _drop(DCAT.endpointURL),
                                          "DataService-endpointURL", DCAT.endpointURL),
    "data service without title": (DCAT.DataService, _drop(DCTERMS.title), "DataService-title",
                                   DCTERMS.title),
    "agent without name": (FOAF.Agent, _drop(FOAF.name), "Agent-name", FOAF.name),
    "relationship without role": (DCAT.Relationship, _drop(DCAT.hadRole),
                                  "Relationship-hadRole", DCAT.hadRole),
    "relationship without relation": (DCAT.Relationship, _drop(DCTERMS.relation),
                                      "Relationship-relation", DCTERMS.relation),
    "concept without label": (SKOS.Concept, _drop(SKOS.prefLabel), "_", SKOS.prefLabel),
}

CPSV_CASES: dict[str, tuple[URIRef, Callable[[Graph, URIRef], None], str, URIRef]] = {
    "service without identifier": (CPSV.PublicService, _drop(DCTERMS.identifier),
                                   "PublicService-identifier", DCTERMS.identifier),
    "service with two identifiers": (CPSV.PublicService, _add(DCTERMS.identifier, Literal("x")),
                                     "PublicService-identifier", DCTERMS.identifier),
    "service without title": (CPSV.PublicService, _drop(DCTERMS.title), "PublicService-title",
                              DCTERMS.title),
    "service title untagged": (CPSV.PublicService, _untag(DCTERMS.title),
                               "PublicService-title", DCTERMS.title),
    "service without description": (CPSV.PublicService, _drop(DCTERMS.description),
                                    "PublicService-description", DCTERMS.description),
    "service without competent authority": (
        CPSV.PublicService, _drop(CV.hasCompetentAuthority), "PublicService-competentAuthority",
        CV.hasCompetentAuthority),
    "service follows an undescribed rule": (
        CPSV.PublicService, _add(CPSV.follows, URIRef(BASE + "agency/SABT/duty/ghost")),
        "PublicService-follows", CPSV.follows),
    "rule without identifier": (CPSV.Rule, _drop(DCTERMS.identifier), "Rule-identifier",
                                DCTERMS.identifier),
    "rule without title": (CPSV.Rule, _drop(DCTERMS.title), "Rule-title", DCTERMS.title),
    "rule without description": (CPSV.Rule, _drop(DCTERMS.description), "Rule-description",
                                 DCTERMS.description),
    "organisation without label": (CV.PublicOrganisation, _drop(SKOS.prefLabel),
                                   "PublicOrganisation-prefLabel", SKOS.prefLabel),
    "organisation without spatial": (CV.PublicOrganisation, _drop(DCTERMS.spatial),
                                     "PublicOrganisation-spatial", DCTERMS.spatial),
    "agent without identifier": (FOAF.Agent, _drop(DCTERMS.identifier), "Agent-identifier",
                                 DCTERMS.identifier),
    "agent without title": (FOAF.Agent, _drop(DCTERMS.title), "Agent-title", DCTERMS.title),
    "channel without identifier": (CV.Channel, _drop(DCTERMS.identifier), "Channel-identifier",
                                   DCTERMS.identifier),
    "dataset without publisher": (DCAT.Dataset, _drop(DCTERMS.publisher), "Dataset-publisher",
                                  DCTERMS.publisher),
    "dataset without title": (DCAT.Dataset, _drop(DCTERMS.title), "Dataset-title",
                              DCTERMS.title),
    "dataset without description": (DCAT.Dataset, _drop(DCTERMS.description),
                                    "Dataset-description", DCTERMS.description),
}


def _case(exports: dict[str, Graph], profile: str, prefix: str,
          case: tuple[URIRef, Callable[[Graph, URIRef], None], str, URIRef]) -> None:
    cls, change, shape, path = case
    g = Graph()
    g += exports[profile]
    assert _violations(g, profile) == set()
    node = _first(g, cls)
    change(g, node)
    expected = (prefix + shape if shape != "_" else "_", str(path), str(node))
    assert expected in _violations(g, profile)


@pytest.mark.parametrize("case", sorted(DCAT_CASES))
def test_dcat_ap_shape_catches(sabt: dict[str, Graph], engine: str, case: str) -> None:
    _case(sabt, "dcat-ap", DAP, DCAT_CASES[case])


@pytest.mark.parametrize("case", sorted(CPSV_CASES))
def test_cpsv_ap_shape_catches(sabt: dict[str, Graph], engine: str, case: str) -> None:
    _case(sabt, "cpsv-ap", CPA, CPSV_CASES[case])


def test_cpsv_ap_cost_shape(sabt: dict[str, Graph], engine: str) -> None:
    """govcat writes no costs yet; the shape is ready for the tariffs of step 8 (R-13)."""
    g = Graph()
    g += sabt["cpsv-ap"]
    service = _first(g, CPSV.PublicService)
    cost = URIRef(f"{service}/cost")
    g.add((service, CV.hasCost, cost))
    g.add((cost, RDF.type, CV.Cost))
    g.add((cost, CV.hasValue, Literal("12000")))
    found = _violations(g, "cpsv-ap")
    assert (CPA + "Cost-identifier", str(DCTERMS.identifier), str(cost)) in found
    assert (CPA + "Cost-value", str(CV.hasValue), str(cost)) in found
    g.add((cost, DCTERMS.identifier, Literal("T-1")))
    g.set((cost, CV.hasValue, Literal(12000.0, datatype=XSD.double)))
    assert _violations(g, "cpsv-ap") == set()


# -- what is derived when govcat lacks it ------------------------------------------------------

def test_derived_addresses_and_places(source: Graph) -> None:
    g = Graph()
    g += source
    system = URIRef(BASE + "agency/SABT/system/crs")
    agency = URIRef(BASE + "agency/SABT")
    g.remove((system, DCAT.endpointURL, None))
    g.remove((agency, DCTERMS.spatial, None))
    dcat = to_profile(g, "dcat-ap", IRIS, "SABT")
    assert validate_profile(dcat, "dcat-ap")[0]
    # no address: the system's govcat IRI stands in, and its datasets are reached there
    assert dcat.value(system, DCAT.endpointURL) == system
    held = next(d for d in g.subjects(GC.heldIn, system))
    assert dcat.value(dcat.value(held, DCAT.distribution), DCAT.accessURL) == held
    cpsv = to_profile(g, "cpsv-ap", IRIS, "SABT")
    assert validate_profile(cpsv, "cpsv-ap")[0]
    # no province: the country
    assert cpsv.value(agency, DCTERMS.spatial) == URIRef(f"{EU}country/IRN")


def test_unknown_profile_and_agency(source: Graph) -> None:
    with pytest.raises(ValueError, match="unknown profile"):
        to_profile(source, "schema-org", IRIS)
    with pytest.raises(UnknownAgency):
        to_profile(source, "cpsv-ap", IRIS, "NOPE")


def test_the_api_serves_both_profiles(demo_registry: Registry) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app

    client = TestClient(create_app(demo_registry))
    r = client.get("/profiles/dcat-ap", params={"agency": "SABT"},
                   headers={"accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    assert validate_profile(g, "dcat-ap")[0]
    r = client.get("/profiles/cpsv-ap", headers={"accept": "application/ld+json"})
    assert r.status_code == 200
    assert validate_profile(Graph().parse(data=r.text, format="json-ld"), "cpsv-ap")[0]
    assert client.get("/profiles/cpsv-ap", params={"agency": "NOPE"}).status_code == 404
    assert client.get("/profiles/other").status_code == 422
