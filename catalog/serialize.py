"""Graphs out as Turtle, N-Triples, RDF/XML or JSON-LD compacted with govcat's own context.

The stored values become RDF terms through catalog.graphmap, which leaves out what cannot be
written (ADR 0025). A graph built otherwise that still holds such a term (an IRI that is not
one, a lone surrogate) is written without those triples, and the log names them: an answer
never fails whole for one term.
"""

from __future__ import annotations

import logging
import re

from rdflib import Graph, Literal, URIRef

from catalog.iri_check import iri_problem, shown, text_problem
from catalog.ontology import context

log = logging.getLogger("govcat.export")

MEDIA_TYPES = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdfxml": "application/rdf+xml",
}
_RDFLIB_FORMAT = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdfxml": "xml"}
_SURROGATE = re.compile("[\ud800-\udfff]")


def _written(g: Graph, fmt: str) -> str:
    if fmt == "jsonld":
        return g.serialize(format="json-ld", context=context(), auto_compact=True,
                           ensure_ascii=False, indent=2)
    return g.serialize(format=_RDFLIB_FORMAT[fmt])


def serialize(g: Graph, fmt: str) -> str:
    try:
        text = _written(g, fmt)
        if _SURROGATE.search(text) is None:  # the answer is sent as UTF-8
            return text
    except Exception:  # rdflib raises a bare Exception for an IRI it cannot write
        if not unwritable(g):
            raise
    return _written(writable(g), fmt)


def _bad(term: object) -> str | None:
    if isinstance(term, URIRef):
        why = iri_problem(str(term))
        return why[0] if why else None
    if isinstance(term, Literal):
        why = text_problem(str(term))
        return why[0] if why else None
    return None


def unwritable(g: Graph) -> list[tuple[object, object, object]]:
    """The triples of `g` holding a term no syntax can write as it is."""
    return [t for t in g if any(_bad(x) for x in t)]


def writable(g: Graph) -> Graph:
    """`g` without its unwritable triples (each logged, naming its subject)."""
    out = Graph()
    for prefix, namespace in g.namespaces():
        out.bind(prefix, namespace, override=True)
    for t in g:
        why = next((w for x in t if (w := _bad(x))), None)
        if why is None:
            out.add(t)
        else:
            log.warning("triple of %s left out of an answer: %s %s (%s)", shown(t[0]),
                        shown(t[1]), shown(t[2]), why)
    return out
