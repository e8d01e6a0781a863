"""Graphs out as Turtle, N-Triples, RDF/XML or JSON-LD compacted with govcat's own context."""

from __future__ import annotations

from rdflib import Graph

from catalog.ontology import context

MEDIA_TYPES = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdfxml": "application/rdf+xml",
}
_RDFLIB_FORMAT = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdfxml": "xml"}


def serialize(g: Graph, fmt: str) -> str:
    if fmt == "jsonld":
        return g.serialize(format="json-ld", context=context(), auto_compact=True,
                           ensure_ascii=False, indent=2)
    return g.serialize(format=_RDFLIB_FORMAT[fmt])
