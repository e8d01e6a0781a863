"""A picture of an answer's subgraph as SVG, in pure Python (no graphviz on the servers):
the IRIs of the parameters on the left, then each further column of nodes one hop away, so an
auditor follows a trace, a chain, a lineage or an impact from left to right (ADR 0004).

Edges: the query's `picture` header pairs (`because -> iri`, `$chain -> service`, where
`$chain` is a parameter) when it has them; otherwise from
each row's first IRI to every other IRI of the row, and from the parameters to each row.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from xml.sax.saxutils import escape

import networkx as nx

from graph_queries.answer import Answer

MAX_NODES = 300  # past this a picture stops being readable; the JSON/CSV still has everything
COL_WIDTH, ROW_HEIGHT, BOX_W, BOX_H, MARGIN = 300, 34, 260, 24, 20


def _iris(value: Any) -> list[str]:
    values = value if isinstance(value, list | tuple) else [value]
    return [v for v in values if isinstance(v, str) and "://" in v]


def _cell(answer: Answer, row: dict[str, Any], column: str) -> list[str]:
    """A column of the row, or `$name`: the value of the parameter `name`."""
    if column.startswith("$"):
        return _iris(answer.params.get(column[1:]))
    return _iris(row.get(column))


def answer_graph(answer: Answer) -> tuple[nx.DiGraph, list[str]]:
    g = nx.DiGraph()
    roots = [i for v in answer.params.values() for i in _iris(v)]
    g.add_nodes_from(roots)
    for row in answer.rows:
        if answer.picture:
            for a, b in answer.picture:
                g.add_edges_from((x, y) for x in _cell(answer, row, a)
                                 for y in _cell(answer, row, b) if x != y)
            continue
        found = [i for c in answer.columns for i in _iris(row.get(c))]
        if not found:
            continue
        head, rest = found[0], found[1:]
        g.add_node(head)
        g.add_edges_from((r, head) for r in roots if r != head)
        g.add_edges_from((head, x) for x in rest if x != head)
    return g, roots


def _layers(g: nx.DiGraph, roots: list[str]) -> list[list[str]]:
    """Columns by hop distance from the roots (or from nodes nothing points to)."""
    starts = [r for r in roots if r in g] or [n for n in g if g.in_degree(n) == 0] or list(g)[:1]
    depth: dict[str, int] = {}
    und = g.to_undirected(as_view=True)
    for s in starts:
        for node, d in nx.single_source_shortest_path_length(und, s).items():
            depth[node] = min(d, depth.get(node, d))
    for node in g:  # parts not connected to a start: after the rest
        depth.setdefault(node, max(depth.values(), default=0) + 1)
    cols: dict[int, list[str]] = defaultdict(list)
    for node in sorted(depth, key=lambda n: (depth[n], n)):
        cols[depth[node]].append(node)
    return [cols[k] for k in sorted(cols)]


def _label(iri: str) -> str:
    tail = iri.split("/id/", 1)[-1]
    return tail if len(tail) <= 40 else "…" + tail[-39:]


def to_svg(answer: Answer) -> str:
    g, roots = answer_graph(answer)
    if g.number_of_nodes() > MAX_NODES:
        keep = [n for col in _layers(g, roots) for n in col][:MAX_NODES]
        g = g.subgraph(keep).copy()
    cols = _layers(g, roots)
    pos = {n: (MARGIN + i * COL_WIDTH, MARGIN + j * ROW_HEIGHT)
           for i, col in enumerate(cols) for j, n in enumerate(col)}
    width = MARGIN * 2 + max(len(cols), 1) * COL_WIDTH
    height = MARGIN * 2 + max((len(c) for c in cols), default=1) * ROW_HEIGHT + 20
    parts = [_head(width, height, answer.name)]
    parts += [_edge(pos[a], pos[b]) for a, b in g.edges]
    parts += [_node(n, pos[n], n in roots) for n in g]
    parts.append("</svg>\n")
    return "\n".join(parts)


def _head(width: int, height: int, name: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">\n'
            f"<title>{escape(name)}</title>\n"
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" '
            'markerHeight="6" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
            'fill="#555"/></marker></defs>')


def _edge(a: tuple[int, int], b: tuple[int, int]) -> str:
    (x1, y1), (x2, y2) = a, b
    start_x, end_x = (x1 + BOX_W, x2) if x2 > x1 else (x1, x2 + BOX_W)
    if x1 == x2:  # same column: from the right side round to the right side
        start_x = end_x = x1 + BOX_W
    return (f'<line x1="{start_x}" y1="{y1 + BOX_H // 2}" x2="{end_x}" y2="{y2 + BOX_H // 2}" '
            'stroke="#555" marker-end="url(#arrow)"/>')


def _node(iri: str, at: tuple[int, int], root: bool) -> str:
    x, y = at
    fill = "#fde68a" if root else "#e0ecff"
    return (f'<g><title>{escape(iri)}</title><rect x="{x}" y="{y}" width="{BOX_W}" '
            f'height="{BOX_H}" rx="4" fill="{fill}" stroke="#335"/>'
            f'<text x="{x + 6}" y="{y + 16}">{escape(_label(iri))}</text></g>')

