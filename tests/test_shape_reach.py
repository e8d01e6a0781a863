"""What the shapes read on records other than the one they judge (catalog.shape_reach, ADR 0014).

A write that changes none of those predicates is judged alone, without the stored records
around it (ADR 0014: one edit went from 74 judged records to 1). That is only safe if the set
is right, so it is checked three ways: on small shapes written for each SHACL construct, on
govcat's own shapes for the rules that cross records, and against the real engine: every
other predicate of a record of every kind in the demo catalog, removed or changed, changes no
other record's result.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, SKOS

from catalog.iris import Iris
from catalog.kinds import changeset as to_changeset
from catalog.shape_reach import (
    closure_terms,
    closure_terms_of,
    follow_terms,
    follow_terms_of,
    inverse_terms,
    inverse_terms_of,
    remote_terms,
    remote_terms_of,
)
from catalog.vocab import CODE, GC
from loaders.spreadsheet import read_workbook
from tests.support.whole import whole_problems

DEMO = Path(__file__).resolve().parent.parent / "demo" / "govcat-demo.xlsx"
EX = "http://example.org/"
PREFIXES = f"""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix ex: <{EX}> .
"""


def terms(turtle: str) -> tuple[set[str], set[str]]:
    g = Graph().parse(data=PREFIXES + turtle, format="turtle")

    def short(t: URIRef) -> str:
        return "type" if t == RDF.type else str(t).removeprefix(EX)

    return {short(t) for t in remote_terms_of(g)}, {short(t) for t in inverse_terms_of(g)}


def test_a_direct_path_on_the_focus_is_local() -> None:
    assert terms("ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
                 "sh:property [ sh:path ex:title ; sh:minCount 1 ] .") == (set(), set())


def test_later_steps_of_a_sequence_are_remote() -> None:
    remote, _ = terms("ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
                      "sh:property [ sh:path ( ex:a ex:b ex:c ) ; sh:minCount 2 ] .")
    assert remote == {"b", "c"}


def test_an_inverse_path_is_remote_and_followed_backwards() -> None:
    remote, inverse = terms("ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
                            "sh:property [ sh:path [ sh:inversePath ex:has ] ; sh:maxCount 1 ] .")
    assert remote == {"has"} and inverse == {"has"}


def test_alternatives_are_each_a_first_step() -> None:
    remote, _ = terms("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path "
                      "[ sh:alternativePath ( ex:unit ex:post ) ] ; sh:minCount 1 ] .")
    assert remote == set()


def test_value_nodes_shapes_and_classes_read_the_value_node() -> None:
    remote, _ = terms("""
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:duty ; sh:class ex:Duty ; sh:node ex:Approved ] .
        ex:Approved a sh:NodeShape ; sh:property [ sh:path ex:status ; sh:hasValue ex:ok ] .
    """)
    assert remote == {"type", "status"}


def test_a_node_shape_on_the_same_focus_stays_local() -> None:
    remote, _ = terms("""
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:node ex:Titled ;
            sh:or ( [ sh:path ex:fa ; sh:minCount 1 ] [ sh:path ex:en ; sh:minCount 1 ] ) .
        ex:Titled a sh:NodeShape ; sh:property [ sh:path ex:title ; sh:minCount 1 ] .
    """)
    assert remote == set()


def test_sparql_patterns_not_on_this_are_remote_filters_included() -> None:
    remote, inverse = terms('''
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select """
            SELECT $this ?value WHERE {
                $this <http://example.org/final> ?value ; <http://example.org/agency> ?a .
                ?chain <http://example.org/hasLink> $this .
                FILTER NOT EXISTS { ?value <http://example.org/agency> ?a ;
                                           <http://example.org/kind> ?k }
            }""" ] .
    ''')
    assert remote == {"agency", "kind", "hasLink"} and inverse == {"hasLink"}


def test_targets_of_objects_are_remote() -> None:
    remote, _ = terms("ex:S a sh:NodeShape ; sh:targetObjectsOf ex:holds ; "
                      "sh:property [ sh:path ex:title ; sh:minCount 1 ] .")
    assert remote == {"holds"}


def test_govcats_cross_record_rules_read_remote_predicates() -> None:
    """Each rule that joins records (R-11 units and posts, R-4.1 services' duties, R-3.2 and
    R-4.2 IDs, R-6.1/R-6.2 chains) reads these on the other record; titles are read only on
    the record itself."""
    remote = remote_terms()
    assert {GC.agency, ORG.unitOf, GC.dutyId, GC.serviceId, GC.hasLink, GC.linkService,
            GC.order, RDF.type} <= remote
    assert not {SKOS.prefLabel, DCTERMS.title, DCTERMS.description} & remote
    assert inverse_terms() == {GC.hasLink}


def _demo() -> Graph:
    parsed = read_workbook(DEMO)
    assert not parsed.problems
    return to_changeset(parsed.records, Iris("https://govcat.test/id/"), lambda _: None).graph


def _others_problems(graph: Graph, record: URIRef) -> set[tuple[str, str]]:
    """Whole-graph SHACL: the problems of records other than `record`."""
    return {(p.focus or "", p.message_en) for p in whole_problems(graph)
            if p.focus != str(record)}


def _one_of_each_kind(g: Graph) -> list[URIRef]:
    first: dict[URIRef, URIRef] = {}
    for s, cls in sorted(g.subject_objects(RDF.type)):
        if isinstance(s, URIRef) and not s.startswith(CODE):
            first.setdefault(cls, s)  # type: ignore[arg-type]
    return sorted(first.values())


@pytest.mark.parametrize("change", ["removed", "changed"])
def test_no_local_predicate_changes_another_records_result(change: str) -> None:
    """The demo conforms; for one record of every kind, each predicate it has that is not
    remote is removed (or given another value): whole-graph SHACL finds no problem on any
    other record. (A remote predicate changed does: the test cannot pass by judging nothing.)"""
    g = _demo()
    assert _others_problems(g, URIRef(EX)) == set(), "the demo conforms"
    checked = 0
    for record in _one_of_each_kind(g):
        for p in sorted({p for p in g.predicates(record) if p not in remote_terms()}):
            edited = Graph()
            edited += g
            old = list(edited.objects(record, p))
            edited.remove((record, p, None))
            if change == "changed":
                for o in old:
                    edited.add((record, p, URIRef(f"{EX}other") if isinstance(o, URIRef)
                                else Literal(f"{o} (ویرایش)", lang=getattr(o, "language", None))))
            assert _others_problems(edited, record) == set(), (record, p, change)
            checked += 1
    assert checked > 40, checked


def test_a_remote_predicate_changed_does_change_another_records_result() -> None:
    """The contrast: a unit moved to another agency leaves the posts in it in a unit of
    another agency (R-11), a problem on records other than the unit."""
    g = _demo()
    post = sorted(g.subjects(RDF.type, ORG.Post))[0]
    unit = g.value(post, ORG.postIn)
    other = next(a for a in sorted(set(g.objects(None, ORG.unitOf)))
                 if a != g.value(unit, ORG.unitOf))
    g.set((unit, ORG.unitOf, other))
    assert ORG.unitOf in remote_terms()
    assert str(post) in {focus for focus, _ in _others_problems(g, unit)}


def follows(turtle: str) -> tuple[set[str], set[str]] | None:
    g = Graph().parse(data=PREFIXES + turtle, format="turtle")
    found = follow_terms_of(g)
    if found is None:
        return None
    first, second = found
    return {str(t).removeprefix(EX) for t in first}, {str(t).removeprefix(EX) for t in second}


def test_a_value_read_for_its_class_is_followed_one_step() -> None:
    assert follows("ex:S sh:targetClass ex:Flow ; sh:property "
                   "[ sh:path ex:from ; sh:class ex:System ] , "
                   "[ sh:path ex:title ; sh:minCount 1 ] .") == ({"from"}, set())


def test_a_sequence_follows_each_step_but_an_unconstrained_last() -> None:
    assert follows("ex:S sh:targetClass ex:Chain ; sh:property "
                   "[ sh:path ( ex:hasLink ex:service ex:agency ) ; sh:minCount 2 ] .") == (
        {"hasLink"}, {"service"})


def test_a_nested_shape_follows_from_the_value_node() -> None:
    assert follows("""
        ex:S sh:targetClass ex:Service ; sh:property [ sh:path ex:duty ; sh:node ex:D ] .
        ex:D sh:property [ sh:path ex:law ; sh:class ex:Law ] .
    """) == ({"duty"}, {"law"})


def test_sparql_follows_a_variable_that_is_read_further() -> None:
    assert follows('''
        ex:S sh:targetClass ex:Chain ; sh:sparql [ sh:select """
            SELECT $this WHERE { $this <http://example.org/final> ?f .
                FILTER NOT EXISTS { ?f <http://example.org/agency> ?a .
                                    ?a <http://example.org/parent> ?p } }""" ] .
    ''') == ({"final"}, {"agency"})


def test_what_is_not_analysed_follows_everything() -> None:
    assert follows("ex:S sh:targetClass ex:Unit ; sh:property "
                   "[ sh:path [ sh:zeroOrMorePath ex:parent ] ; sh:maxCount 9 ] .") is None
    assert follows("ex:S sh:targetClass ex:C ; sh:property "
                   "[ sh:path ( ex:a ex:b ex:c ) ; sh:class ex:D ] .") is None  # 3 steps out


def test_govcats_shapes_follow_a_chain_to_its_services_and_flows_only_to_their_ends() -> None:
    found = follow_terms()
    assert found is not None
    first, second = found
    assert {GC.hasLink, GC.fromSystem, GC.toSystem, GC.carriesDataset} <= first
    # two steps out: a chain's links' services (R-6.1); a service's units', posts' and
    # employees' agencies and its posts' units, whose ancestors are then read by closure
    #
    assert second == {GC.linkService, GC.agency, ORG.unitOf, ORG.postIn}
    assert GC.supportsService not in second  # a flow's systems' services are not loaded


def test_a_repeated_sparql_path_is_a_closure_read_away_from_its_start() -> None:
    """`?owner p* ?top`: p is remote, read to the end of the chain (closure_terms), and the
    variable it starts from is still followed to (ADR 0018)."""
    shapes = '''
        ex:S sh:targetClass ex:Service ; sh:sparql [ sh:select """
            SELECT $this ?value WHERE { $this <http://example.org/unit> ?value .
                ?value <http://example.org/unitOf> ?owner .
                $this <http://example.org/agency> ?agency .
                FILTER NOT EXISTS { ?owner <http://example.org/parent>* ?agency } }""" ] .
    '''
    remote, _ = terms(shapes)
    assert remote == {"unitOf", "parent"}
    g = Graph().parse(data=PREFIXES + shapes, format="turtle")
    assert {str(t).removeprefix(EX) for t in closure_terms_of(g)} == {"parent"}
    assert follows(shapes) == ({"unit"}, {"unitOf"})


def test_govcats_closures_are_the_agency_and_unit_trees() -> None:
    assert closure_terms() == {ORG.subOrganizationOf}
    assert {ORG.subOrganizationOf, GC.delegatesTo, ORG.holds, ORG.postIn} <= remote_terms()
