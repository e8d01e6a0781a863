"""Keeping in sync (ADR 0009): `GET /snapshot` is the whole catalog with the cursor it is at
least as new as; `GET /changes?after=CURSOR` is every committed change after it, in commit
order, as JSON or as PROV RDF. The guide is docs/syncing.md."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from rdflib import Graph

from api.auth import Caller, GuardDep
from api.conneg import Offers, negotiate
from catalog import feed
from catalog.access.policy import Act
from catalog.access.visibility import visible
from catalog.graphmap import nodes_to_graph
from catalog.ontology import bind_prefixes
from catalog.serialize import MEDIA_TYPES, serialize
from catalog.trail_chain import Head

_RDF = {"text/n3": ("ttl",), "application/x-turtle": ("ttl",)}
# The change feed: plain JSON by default, or the PROV activities in an RDF syntax.
CHANGES = Offers({"json": "application/json", **MEDIA_TYPES}, aliases=_RDF)
# The snapshot is RDF: Turtle by default; JSON-LD for application/json or ?format=json.
SNAPSHOT = Offers(dict(MEDIA_TYPES), aliases={"application/json": ("jsonld",), **_RDF},
                  names={"json": "jsonld"})


def router() -> APIRouter:
    r = APIRouter(tags=["sync"])

    @r.get("/changes")
    def changes(request: Request, guard: GuardDep, who: Caller,
                after: int = Query(0, ge=0, description="the last cursor you processed"),
                limit: int = Query(500, ge=1, le=5000),
                format: str | None = None) -> Response:
        """Changes after `after`, oldest first; `next` is the cursor to ask with next time.
        Each names the records it wrote or acted on: fetch them by IRI (or from the record's
        versions) to apply it. JSON by default; Turtle/JSON-LD give the PROV activities.
        `trail_head` (and the `X-Govcat-Trail-Head` header): the head of the trail's hash chain,
        seq and SHA-256; keep it to prove later that the history up to it was not rewritten
        (GET /audit/verify, ADR 0017)."""
        guard.policy.check(who, Act.READ_FEED)
        head = feed.trail_head(guard.registry)  # sealed now: later changes may follow it
        found = feed.changes(guard.registry, after, limit, reader=who)
        nxt = found[-1].seq if found else after
        fmt = negotiate(CHANGES, request.headers.get("accept"), format)  # api.conneg
        if fmt == "json":
            return JSONResponse({"after": after, "next": nxt, "more": len(found) == limit,
                                 "trail_head": head.as_dict(),
                                 "changes": [c.__dict__ for c in found]},
                                headers=_head_header(head))
        nodes = guard.registry.store.describe(
            [c.event for c in found] + [c.event + "/association" for c in found])
        g = nodes_to_graph(nodes, bind_prefixes(Graph()))
        return Response(serialize(g, fmt), media_type=MEDIA_TYPES[fmt] + "; charset=utf-8",
                        headers={"X-Govcat-Next": str(nxt), **_head_header(head)})

    @r.get("/snapshot")
    def snapshot(request: Request, guard: GuardDep, who: Caller,
                 format: str | None = None) -> Response:
        """The whole catalog (RDF) and, in `X-Govcat-Cursor`, a cursor it is at least as new
        as: follow `/changes?after=` that cursor. A change committed while the snapshot is read
        may be in both; applying it again leaves the same state."""
        guard.policy.check(who, Act.READ_FEED)
        head = feed.trail_head(guard.registry)
        cursor = feed.last_change(guard.registry)
        fmt = negotiate(SNAPSHOT, request.headers.get("accept"), format)  # api.conneg
        g = guard.registry.export(only=lambda n: visible(who, n))
        return Response(serialize(g, fmt), media_type=MEDIA_TYPES[fmt] + "; charset=utf-8",
                        headers={"X-Govcat-Cursor": str(cursor), **_head_header(head)})

    return r


def _head_header(head: Head) -> dict[str, str]:
    """The head of the trail's hash chain (ADR 0017): `<seq> <sha256>`."""
    return {"X-Govcat-Trail-Head": f"{head.seq} {head.hash}"}
