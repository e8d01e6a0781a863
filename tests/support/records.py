"""A catalog's records as a mirror holds them: its export without the code lists, which are
stored with the ontology, not by a change (what a replica, by the change feed or by harvest,
is compared with)."""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from catalog.registry import Registry


def records_graph(registry: Registry) -> Graph:
    g = registry.export()
    codes = {s for c in (SKOS.Concept, SKOS.ConceptScheme) for s in g.subjects(RDF.type, c)}
    out = Graph()
    for s, p, o in g:
        if s not in codes:
            out.add((s, p, o))
    return out
