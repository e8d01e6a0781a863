"""An answer that is a part of the graph (a trace, a chain, a lineage, an impact: the named
queries whose header says `subgraph: yes`) as the data of the interactive graph
(static/graph.js, cytoscape): the same nodes and edges the SVG picture draws
(graph_queries.picture.answer_graph), each node labelled by its record's title in the reader's
language and linked to the record's page, never shown as an IRI (ADR 0031)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from api.web.answers import Record, tail
from graph_queries.answer import Answer
from graph_queries.picture import MAX_NODES, answer_graph


def graph_data(answer: Answer, known: Mapping[str, Record],
               kinds: Mapping[str, str]) -> dict[str, Any] | None:
    """{nodes: [{id, label, href, kind, kind_name, root}], edges: [{source, target}]}, at most
    MAX_NODES nodes (the table keeps every row); None when the answer is a table or draws
    nothing. `kinds`: store label -> its name for the reader."""
    if not answer.subgraph:
        return None
    g, roots = answer_graph(answer)
    drawn = [*dict.fromkeys([r for r in roots if r in g] + list(g))][:MAX_NODES]
    if not drawn:
        return None
    keep = set(drawn)
    nodes = [_node(iri, known.get(iri), kinds, iri in roots) for iri in drawn]
    edges = [{"source": a, "target": b} for a, b in g.edges if a in keep and b in keep]
    return {"nodes": nodes, "edges": edges}


def _node(iri: str, rec: Record | None, kinds: Mapping[str, str], root: bool) -> dict[str, Any]:
    kind = rec.kind if rec else ""
    return {"id": iri, "label": rec.title if rec else tail(iri), "href": rec.href if rec else None,
            "kind": kind, "kind_name": kinds.get(kind, ""), "root": root}
