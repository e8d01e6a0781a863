"""An answer that is a part of the graph (a trace, a chain, a lineage, an impact) as RDF: the
stored descriptions of the resources it names, its parameters included, mapped back by the
ontology (catalog.graphmap) and written as Turtle or JSON-LD with govcat's context (ADR 0004).
A resource the store does not hold (a unit a proposed structure adds) has no description."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rdflib import Graph

from catalog.graphmap import nodes_to_graph
from catalog.ontology import bind_prefixes
from catalog.port import GraphStore
from catalog.serialize import serialize
from graph_queries.answer import Answer

PAGE = 5_000  # IRIs described per read, as the export pages them


def answer_iris(answer: Answer) -> list[str]:
    found: set[str] = set()
    for value in answer.params.values():
        found.update(_iris(value))
    for row in answer.rows:
        for value in row.values():
            found.update(_iris(value))
    return sorted(found)


def _iris(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        if "://" in value:
            yield value
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _iris(v)


def answer_graph(answer: Answer, store: GraphStore) -> Graph:
    g = bind_prefixes(Graph())
    iris = answer_iris(answer)
    for start in range(0, len(iris), PAGE):
        nodes_to_graph(store.describe(iris[start:start + PAGE]), g)
    return g


def to_rdf(answer: Answer, fmt: str, store: GraphStore) -> str:
    return serialize(answer_graph(answer, store), fmt)
