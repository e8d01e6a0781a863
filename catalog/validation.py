"""SHACL validation of a submission plus just the neighbourhood the shapes read (ARCHITECTURE.md,
"The path of one write", step 4): the records it defines, the stored records they point at, and
the stored records that point at them. Whole-graph validation is for audits.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from typing import Any

import pyshacl
import pyshacl_turbo
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from catalog.changeset import ChangeSet
from catalog.graphmap import nodes_to_graph
from catalog.ontology import codelists_graph, mapping
from catalog.problems import Problem
from catalog.store.port import GraphStore
from catalog.vocab import CODE, GC, SHAPES_DIR

# pyshacl-turbo (a Rust engine with pyshacl's API) by default: 13x faster here on a synthetic
# catalog, and it passes the same rule suite (tests/test_shapes.py runs both engines).
# GOVCAT_SHACL_ENGINE=pyshacl switches back to the reference implementation.
ENGINES: dict[str, Callable[..., Any]] = {"turbo": pyshacl_turbo.validate,
                                          "pyshacl": pyshacl.validate}


def engine() -> Callable[..., Any]:
    return ENGINES[os.environ.get("GOVCAT_SHACL_ENGINE", "turbo")]


@cache
def shapes_graph() -> Graph:
    g = Graph()
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def neighbourhood(
    cs: ChangeSet, store: GraphStore | None
) -> tuple[Graph, list[URIRef], bool]:
    """The data graph to validate, its focus nodes, and whether it holds other records (stored
    neighbours that are read by the shapes but not judged)."""
    data = Graph()
    data += cs.graph
    data += codelists_graph()
    subjects = set(cs.subjects)
    focus = set(subjects)
    others = False
    if store is not None:
        referenced = {o for o in cs.graph.objects() if isinstance(o, URIRef)
                      and o not in subjects and not str(o).startswith(CODE)}
        referrers = {URIRef(i) for i in store.referrers(sorted(map(str, subjects)))} - subjects
        first = store.describe(sorted(map(str, referenced | referrers)))
        # Stored records that point at a changed one are re-checked, so they need their own
        # targets too (a service's units, when one of its duties changes).
        second = {t for n in first if URIRef(n.iri) in referrers for ts in n.rels.values()
                  for t in ts} - {str(x) for x in subjects | referenced | referrers}
        nodes = first + store.describe(sorted(t for t in second if not t.startswith(CODE)))
        nodes_to_graph([n for n in nodes if URIRef(n.iri) not in subjects], data)
        focus |= referrers
        others = any(URIRef(n.iri) not in focus for n in nodes)
    return data, sorted(focus), others


def validate(cs: ChangeSet, store: GraphStore | None) -> list[Problem]:
    data, focus, others = neighbourhood(cs, store)
    if not focus:
        return []
    # pyshacl filters targets against focus_nodes as a list (quadratic in a bulk load), so the
    # filter is only asked for when the graph holds records that must not be judged.
    conforms, results, _ = engine()(
        data, shacl_graph=shapes_graph(), inference="none", advanced=True,
        focus_nodes=list[str | URIRef](focus) if others else None, allow_warnings=False,
    )
    if conforms:
        return []
    assert isinstance(results, Graph), results
    # Only the report's own results: nested sh:detail results explain a parent, not a fault.
    top = [r for report in results.subjects(RDF.type, SH.ValidationReport)
           for r in results.objects(report, SH.result) if isinstance(r, URIRef | BNode)]
    return sorted((_problem(results, r, cs) for r in top),
                  key=lambda p: (p.source or "", p.sheet or "", p.row or 0, p.column or ""))


def _messages(results: Graph, result: URIRef | BNode) -> tuple[str, str]:
    # pyshacl drops the language tag of messages of SPARQL constraints, so the shape's own
    # sh:message (tagged fa and en) is preferred.
    texts: dict[str | None, str] = {}
    shapes = shapes_graph()
    for source in (results.value(result, SH.sourceConstraint),
                   results.value(result, SH.sourceShape)):
        if source is not None:
            for lit in shapes.objects(source, SH.message):
                if isinstance(lit, Literal) and lit.language:
                    texts.setdefault(lit.language, str(lit))
    for lit in results.objects(result, SH.resultMessage):
        if isinstance(lit, Literal):
            texts.setdefault(lit.language, str(lit))
    en = texts.get("en") or texts.get(None) or "the record breaks a rule of the cycle"
    return en, texts.get("fa") or en


def _requirement(result: URIRef | BNode, results: Graph) -> str | None:
    shapes = shapes_graph()
    for source in (results.value(result, SH.sourceConstraint),
                   results.value(result, SH.sourceShape)):
        if source is not None:
            req = shapes.value(source, GC.requirement)
            if req is not None:
                return str(req)
    return None


def _problem(results: Graph, result: URIRef | BNode, cs: ChangeSet) -> Problem:
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    en, fa = _messages(results, result)
    origin = cs.origin(focus) if isinstance(focus, URIRef) else None
    column = None
    if isinstance(focus, URIRef) and isinstance(path, URIRef):
        column = cs.column(focus, path)
        if column is None:
            term = mapping().term(path)
            column = term.name if term else str(path)
    return Problem(
        message_en=en, message_fa=fa,
        source=origin.source if origin else "stored record",
        sheet=origin.sheet if origin else None,
        row=origin.row if origin else None,
        column=column, requirement=_requirement(result, results),
        focus=str(focus) if focus is not None else None,
        value=str(value) if value is not None else None,
    )
