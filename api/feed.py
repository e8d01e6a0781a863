"""Keeping in sync (issue 6): `GET /snapshot` is the whole catalog with the cursor it is at
least as new as; `GET /changes?after=CURSOR` is every committed change after it, in commit
order, as JSON or as PROV RDF. The guide is docs/syncing.md."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from rdflib import Graph

from api.auth import Caller, GuardDep
from catalog import feed
from catalog.access.policy import Act
from catalog.access.visibility import visible
from catalog.graphmap import nodes_to_graph
from catalog.ontology import bind_prefixes
from catalog.serialize import MEDIA_TYPES, serialize


def router(negotiate: Any) -> APIRouter:
    r = APIRouter(tags=["sync"])

    @r.get("/changes")
    def changes(request: Request, guard: GuardDep, who: Caller,
                after: int = Query(0, ge=0, description="the last cursor you processed"),
                limit: int = Query(500, ge=1, le=5000),
                format: str | None = None) -> Response:
        """Changes after `after`, oldest first; `next` is the cursor to ask with next time.
        Each names the records it wrote or acted on: fetch them by IRI (or from the record's
        versions) to apply it. JSON by default; Turtle/JSON-LD give the PROV activities."""
        guard.policy.check(who, Act.READ_FEED)
        found = feed.changes(guard.registry, after, limit, reader=who)
        nxt = found[-1].seq if found else after
        fmt = _rdf_or_json(request, format, negotiate)
        if fmt == "json":
            return JSONResponse({"after": after, "next": nxt, "more": len(found) == limit,
                                 "changes": [c.__dict__ for c in found]})
        nodes = guard.registry.store.describe(
            [c.event for c in found] + [c.event + "/association" for c in found])
        g = nodes_to_graph(nodes, bind_prefixes(Graph()))
        return Response(serialize(g, fmt), media_type=MEDIA_TYPES[fmt] + "; charset=utf-8",
                        headers={"X-Govcat-Next": str(nxt)})

    @r.get("/snapshot")
    def snapshot(request: Request, guard: GuardDep, who: Caller,
                 format: str | None = None) -> Response:
        """The whole catalog (RDF) and, in `X-Govcat-Cursor`, a cursor it is at least as new
        as: follow `/changes?after=` that cursor. A change committed while the snapshot is read
        may be in both; applying it again leaves the same state."""
        guard.policy.check(who, Act.READ_FEED)
        cursor = feed.last_change(guard.registry)
        fmt = negotiate(request.headers.get("accept", ""), format)
        fmt = "ttl" if fmt == "json" else fmt
        g = guard.registry.export(only=lambda n: visible(who, n))
        return Response(serialize(g, fmt), media_type=MEDIA_TYPES[fmt] + "; charset=utf-8",
                        headers={"X-Govcat-Cursor": str(cursor)})

    return r


def _rdf_or_json(request: Request, fmt: str | None, negotiate: Any) -> str:
    """Plain JSON unless an RDF format is asked for by name or by an Accept media type."""
    if fmt:
        return fmt if fmt in MEDIA_TYPES else "json"
    accept = request.headers.get("accept", "")
    named = any(m in accept for m in MEDIA_TYPES.values())
    return str(negotiate(accept, None)) if named else "json"
