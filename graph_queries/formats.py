"""Answers as JSON and CSV (ADR 0004). Lists in a CSV cell are joined with `;`, as in the
loading template, so a spreadsheet user reads them the same way; a cell that would start a
spreadsheet formula is written as text (catalog.csvsafe, ADR 0011). An answer that is a subgraph
is also given as Turtle or JSON-LD (graph_queries.rdf) and every answer as SVG
(graph_queries.picture)."""

from __future__ import annotations

import io
import json
from typing import Any

from catalog import csvsafe
from catalog.port import GraphStore
from graph_queries.answer import Answer, QueryError

FORMATS = ("json", "csv", "svg", "ttl", "jsonld")
RDF_FORMATS = ("ttl", "jsonld")
MEDIA_TYPES = {"json": "application/json", "csv": "text/csv", "svg": "image/svg+xml",
               "ttl": "text/turtle", "jsonld": "application/ld+json"}


def to_json(answer: Answer) -> str:
    body = {"query": answer.name, "params": answer.params, "columns": answer.columns,
            "count": len(answer.rows), "truncated": answer.truncated, "rows": answer.rows,
            **answer.meta}
    return json.dumps(body, ensure_ascii=False, indent=2, default=str)


def to_csv(answer: Answer) -> str:
    out = io.StringIO()
    writer = csvsafe.writer(out, lineterminator="\n")
    writer.writerow(answer.columns)
    for row in answer.rows:
        writer.writerow([_cell(row.get(c)) for c in answer.columns])
    return out.getvalue()


def _cell(value: Any) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value  # a number stays one (csvsafe leaves numbers alone)
    if isinstance(value, list | tuple):
        return ";".join(str(_cell(v)) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def render(answer: Answer, fmt: str, store: GraphStore | None = None) -> str:
    """The answer in `fmt`; Turtle and JSON-LD describe the answer's resources from `store`."""
    if fmt in RDF_FORMATS:
        if not answer.subgraph:
            raise QueryError(f"{answer.name} answers with a table, not a part of the graph: "
                             "use json, csv or svg")
        if store is None:
            raise QueryError("an answer as RDF is read from the store: give it")
        from graph_queries.rdf import to_rdf

        return to_rdf(answer, fmt, store)
    if fmt == "json":
        return to_json(answer)
    if fmt == "csv":
        return to_csv(answer)
    if fmt == "svg":
        from graph_queries.picture import to_svg

        return to_svg(answer)
    raise ValueError(f"unknown format {fmt!r}: use {', '.join(FORMATS)}")
