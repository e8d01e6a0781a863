"""The change feed as a Linked Data Event Stream (ADR 0026, catalog.ldes): `GET /ldes` is the
stream (ldes:EventStream) and its view; `GET /ldes/{page}` a page (tree:Node) of members,
each linked to the next by a tree:GreaterThanRelation on the change number (gc:seq). Read as
the change feed is (Act.READ_FEED, with the reader's view, ADR 0010). A page before the latest
is immutable (cached for a year); the latest grows, and is cached for seconds. Turtle by
default; JSON-LD or N-Triples by `Accept` or `format`. The guide is docs/syncing.md."""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import Response

from api.auth import Caller, GuardDep
from api.conneg import Offers, negotiate
from api.resources import parse_etags
from catalog import feed, ldes
from catalog.access.policy import Act
from catalog.serialize import MEDIA_TYPES, serialize

STREAM = Offers({"ttl": MEDIA_TYPES["ttl"], "jsonld": MEDIA_TYPES["jsonld"],
                 "nt": MEDIA_TYPES["nt"]},
                aliases={"application/json": ("jsonld",), "text/n3": ("ttl",),
                         "application/x-turtle": ("ttl",)},
                names={"json": "jsonld"})
IMMUTABLE = "private, max-age=31536000, immutable"  # a page before the latest never changes
LATEST = "private, max-age=10, must-revalidate"  # the latest page grows


def router() -> APIRouter:
    r = APIRouter(tags=["sync"])

    @r.get("/ldes")
    def stream(request: Request, guard: GuardDep, who: Caller,
               format: str | None = None) -> Response:
        """The catalog's changes as a Linked Data Event Stream (W3C TREE / LDES): its
        timestamp and version-of paths and its view, whose first page is `/ldes/1`; follow
        each page's tree:relation to the latest."""
        guard.policy.check(who, Act.READ_FEED)
        fmt = negotiate(STREAM, request.headers.get("accept"), format)  # api.conneg
        server = _server(request)
        g = ldes.stream_graph(f"{server}/ldes", f"{server}/ldes/1")
        return _answer(request, serialize(g, fmt), fmt, "private, max-age=3600")

    @r.get("/ldes/{page}", responses={404: {"description": "no such page yet"}})
    def page(request: Request, guard: GuardDep, who: Caller,
             page: int = Path(ge=1, le=10**12), format: str | None = None) -> Response:
        """A page of the stream: the members (record versions, tombstones) of the changes
        numbered ((page-1)·100, page·100], those the caller may see. A page before the latest
        never changes; the latest links to no next page until it is full."""
        guard.policy.check(who, Act.READ_FEED)
        latest = ldes.latest_page(feed.last_change(guard.registry))
        if page > latest:
            raise HTTPException(404, {
                "detail": f"page {page} does not exist yet: the latest is {latest}",
                "detail_fa": f"صفحهٔ {page} هنوز وجود ندارد؛ آخرین صفحه {latest} است"})
        fmt = negotiate(STREAM, request.headers.get("accept"), format)  # api.conneg
        server = _server(request)
        found = ldes.members(guard.registry.store, guard.registry.iris, page, who)
        g = ldes.page_graph(f"{server}/ldes", f"{server}/ldes/{page}",
                            f"{server}/ldes/{page + 1}" if page < latest else None, page, found)
        return _answer(request, serialize(g, fmt), fmt,
                       IMMUTABLE if page < latest else LATEST)

    return r


def _server(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _answer(request: Request, body: str, fmt: str, cache: str) -> Response:
    """The body with its ETag (a hash of it) and caching; 304 when the client has it."""
    tag = hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]
    headers = {"ETag": f'"{tag}"', "Cache-Control": cache, "Vary": "Accept, Authorization"}
    if tag in parse_etags(request.headers.get("if-none-match")):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=MEDIA_TYPES[fmt] + "; charset=utf-8", headers=headers)
