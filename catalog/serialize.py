"""Graphs out as Turtle, N-Triples, RDF/XML or JSON-LD compacted with govcat's own context."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from rdflib import Graph

from catalog.vocab import ONTOLOGY_DIR

MEDIA_TYPES = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdfxml": "application/rdf+xml",
}
_RDFLIB_FORMAT = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdfxml": "xml"}


@cache
def context() -> dict[str, Any]:
    with (ONTOLOGY_DIR / "context.jsonld").open(encoding="utf-8") as f:
        ctx: dict[str, Any] = json.load(f)["@context"]
    return ctx


def serialize(g: Graph, fmt: str) -> str:
    if fmt == "jsonld":
        return g.serialize(format="json-ld", context=context(), auto_compact=True,
                           ensure_ascii=False, indent=2)
    return g.serialize(format=_RDFLIB_FORMAT[fmt])
