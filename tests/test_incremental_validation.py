"""Incremental validation gives the whole-graph answer (issue 7, item 2).

A write is judged with only the neighbourhood its shapes reach (catalog.validation), and a bulk
load part by part. Here both are compared with one SHACL run over everything, on the demo
catalog with faults that cross agencies (R-11 posts and units, R-4.1 services and duties,
R-6.1/R-6.2 chains, R-3.2 duty IDs) and local ones, on FalkorDB and Neo4j.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import neo4j
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, SKOS

from catalog.changeset import ChangeSet, Origin
from catalog.graphmap import graph_to_nodes
from catalog.problems import Problem
from catalog.registry import Registry
from catalog.store.falkordb_server import FalkorServer
from catalog.store.falkordb_store import FalkorStore
from catalog.store.neo4j_store import Neo4jStore
from catalog.store.port import GraphStore
from catalog.validation import (
    neighbourhood,
    unseen,
    validate,
    validate_all,
)
from catalog.vocab import CPSV, CV, GC
from loaders.spreadsheet import read_workbook
from tests.support.whole import whole_problems

DEMO = Path(__file__).resolve().parent.parent / "demo" / "govcat-demo.xlsx"
Key = tuple[str | None, str | None, str, str | None]


def _key(p: Problem) -> Key:
    return (p.focus, p.requirement, p.message_en, p.value)


def whole(graph: Graph) -> set[Key]:
    """One SHACL run over the whole graph: the answer incremental validation must give."""
    return {_key(p) for p in whole_problems(graph)}


def demo_changeset(registry: Registry) -> ChangeSet:
    parsed = read_workbook(DEMO)
    assert not parsed.problems
    return registry.changeset(parsed.records)


def _of(g: Graph, cls: URIRef) -> list[URIRef]:
    return sorted(s for s in g.subjects(RDF.type, cls) if isinstance(s, URIRef))


def _agency(g: Graph, s: URIRef) -> URIRef:
    a = g.value(s, GC.agency)
    assert isinstance(a, URIRef), s
    return a


def _other(g: Graph, cls: URIRef, agency: URIRef) -> URIRef:
    return next(x for x in _of(g, cls) if g.value(x, GC.agency) != agency)


# Each fault edits the graph in place and returns the records it edited.
Fault = Callable[[Graph], list[URIRef]]


def post_in_other_agency_unit(g: Graph) -> list[URIRef]:
    post = _of(g, ORG.Post)[0]
    g.set((post, ORG.postIn, _other(g, ORG.OrganizationalUnit, _agency(g, post))))
    return [post]


def unit_under_other_agency_unit(g: Graph) -> list[URIRef]:
    unit = _of(g, ORG.OrganizationalUnit)[0]
    g.set((unit, ORG.subOrganizationOf, _other(g, ORG.OrganizationalUnit, _agency(g, unit))))
    return [unit]


def service_follows_other_agency_duty(g: Graph) -> list[URIRef]:
    service = _of(g, CPSV.PublicService)[0]
    g.add((service, CPSV.follows, _other(g, GC.Duty, _agency(g, service))))
    return [service]


def duty_id_taken_in_other_agency(g: Graph) -> list[URIRef]:
    held = [(s, o) for s, o in g.subject_objects(GC.dutyId)]
    assert held, "the demo has issued duty IDs"
    holder, taken = sorted(held)[0]
    duty = _other(g, GC.Duty, _agency(g, holder))  # type: ignore[arg-type]
    g.set((duty, GC.dutyId, taken))
    return [duty]


def chain_responsible_elsewhere(g: Graph) -> list[URIRef]:
    chain = _of(g, GC.ServiceChain)[0]
    final = g.value(chain, GC.finalService)
    agency = _agency(g, final)  # type: ignore[arg-type]
    other = min(a for a in g.objects(None, GC.agency) if a != agency)
    g.set((chain, GC.responsibleAgency, other))
    return [chain]


def link_depends_on_other_chain(g: Graph) -> list[URIRef]:
    chains = _of(g, GC.ServiceChain)
    assert len(chains) >= 2, "the demo has two chains"
    first = sorted(g.objects(chains[0], GC.hasLink))[0]
    other = sorted(g.objects(chains[1], GC.hasLink))[0]
    g.add((first, GC.dependsOn, other))  # type: ignore[arg-type]
    return [first]  # type: ignore[list-item]


def chain_services_move_to_one_agency(g: Graph) -> list[URIRef]:  # two steps back
    """The services of a chain's links all moved to one agency: the chain (stored, two steps
    from each service) breaks, though none of its records changed."""
    chain = _of(g, GC.ServiceChain)[0]
    services = sorted({s for link in g.objects(chain, GC.hasLink)
                       for s in g.objects(link, GC.linkService)})
    # To the final service's agency, so the edited records are not the chain's final service
    # (which the chain points at directly).
    agency = _agency(g, g.value(chain, GC.finalService))  # type: ignore[arg-type]
    moved = [s for s in services if _agency(g, s) != agency]  # type: ignore[arg-type]
    assert moved, "the chain crosses agencies"
    for s in moved:
        g.set((s, GC.agency, agency))
        g.set((s, CV.hasCompetentAuthority, agency))
    return moved  # type: ignore[return-value]


def duty_without_title(g: Graph) -> list[URIRef]:  # a local rule, for contrast
    duty = _of(g, GC.Duty)[-1]
    g.remove((duty, SKOS.prefLabel, None))
    g.remove((duty, GC.title, None))
    for p in {p for p, o in g.predicate_objects(duty) if isinstance(o, Literal)
              and o.language == "fa"}:
        g.remove((duty, p, None))
    return [duty]


FAULTS: list[Fault] = [post_in_other_agency_unit, unit_under_other_agency_unit,
                       service_follows_other_agency_duty, duty_id_taken_in_other_agency,
                       chain_responsible_elsewhere, link_depends_on_other_chain,
                       chain_services_move_to_one_agency, duty_without_title]


def test_a_bulk_load_judged_in_parts_gives_the_whole_answer(registry: Registry) -> None:
    """Every fault at once, in one submission, judged in parts of 5 and 40 records (so parts
    split agencies, chains from their links, services from their duties) and with no store."""
    cs = demo_changeset(registry)
    for fault in FAULTS:
        fault(cs.graph)
    expected = whole(cs.graph)
    requirements = {k[1] for k in expected}
    assert {"R-11", "R-4.1", "R-3.2", "R-6.2", "R-6.1"} <= requirements, expected
    for batch in (5, 40):
        got = {_key(p) for p in validate(cs, None, batch=batch)}
        assert got == expected, (batch, expected ^ got)


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.__name__)
def test_an_edit_judged_with_its_neighbourhood_gives_the_whole_answer(
        registry: Registry, fault: Fault) -> None:
    """The demo stored; one record edited: validating the edit against the store finds what
    validating the whole catalog with the edit applied finds, stored records included."""
    registry.submit(demo_changeset(registry))
    stored = registry.export()
    assert whole(stored) == set(), "the demo conforms as stored"
    edited = Graph()
    edited += stored
    records = fault(edited)
    cs = ChangeSet()
    for s in records:
        cs.subjects[s] = Origin("edit")
        for t in edited.triples((s, None, None)):
            cs.graph.add(t)
    expected = whole(edited)
    assert expected, f"{fault.__name__} breaks a rule"
    assert {_key(p) for p in registry.check(cs)} == expected


def open_test_store(kind: str, where: str, graph: str) -> GraphStore:
    """A new connection to a test store (picklable as a partial: validate_all's processes
    each open their own)."""
    if kind == "falkordb":
        return FalkorStore(FalkorServer(Path(where)).connect(), graph)
    return Neo4jStore(neo4j.GraphDatabase.driver(where), graph)


def _connect(request: pytest.FixtureRequest, store: GraphStore) -> Callable[[], GraphStore]:
    if isinstance(store, FalkorStore):
        server: FalkorServer = request.getfixturevalue("falkor_server")
        return partial(open_test_store, "falkordb", str(server.data_dir), "test")
    driver: neo4j.Driver = request.getfixturevalue("neo4j_driver")
    address = driver.get_server_info().address
    return partial(open_test_store, "neo4j", f"neo4j://{address.host}:{address.port}",
                   "neo4j")


def test_an_audit_of_the_store_in_parallel_parts_gives_the_whole_answer(
        request: pytest.FixtureRequest, registry: Registry) -> None:
    """`govcat validate --all`: the demo stored with every fault written straight to the store
    (as data written before a rule existed would be), judged in parts of 60 records by two
    processes, finds what one SHACL run over the exported catalog finds."""
    cs = demo_changeset(registry)
    for fault in FAULTS:
        fault(cs.graph)
    registry.apply_checked(cs)  # unchecked on purpose: the faults must reach the store
    expected = whole(registry.export())
    assert {"R-11", "R-4.1", "R-3.2", "R-6.2", "R-6.1"} <= {k[1] for k in expected}
    got = {_key(p) for p in validate_all(_connect(request, registry.store), processes=2,
                                         batch=60)}
    assert got == expected, expected ^ got


def test_an_edit_no_other_record_can_see_is_judged_alone(registry: Registry) -> None:
    """A service's title edited: no shape reads a title on another record (ADR 0014), so the
    stored records around the service are not judged again; its agency changed, they are."""
    registry.submit(demo_changeset(registry))
    stored = registry.export()
    service = _of(stored, CPSV.PublicService)[0]

    def focus(edit: Callable[[Graph], None]) -> list[URIRef]:
        edited = Graph()
        edited += stored
        edit(edited)
        cs = ChangeSet()
        cs.subjects[service] = Origin("edit")
        for t in edited.triples((service, None, None)):
            cs.graph.add(t)
        nodes = graph_to_nodes(cs.graph, [service])
        seen_not = unseen(nodes, registry.store.describe([str(service)]))
        return neighbourhood(cs, registry.store, unseen=seen_not)[1]

    def retitle(g: Graph) -> None:
        g.set((service, DCTERMS.title, Literal("عنوان تازه", lang="fa")))

    def move(g: Graph) -> None:
        g.set((service, GC.agency, _other(g, CPSV.PublicService, _agency(g, service))))

    assert focus(retitle) == [service]
    assert len(focus(move)) > 1
