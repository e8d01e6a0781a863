"""The HTTP API: health, and every resource dereferenceable by its IRI (JSON, JSON-LD, Turtle,
N-Triples, RDF/XML by content negotiation; a page for a browser, ADR 0031); the routers of
each area, and the web app (api.web)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response

from api import (
    accounts,
    audit,
    conneg,
    cycle,
    errors,
    feed,
    ldes,
    legacy,
    limits,
    obligations,
    plans,
    profiles,
    progress,
    provinces,
    queries,
    records,
    resources,
    sparql,
    standard,
    web,
)
from api.auth import Reader
from api.conneg import Offers
from api.web import record_page
from api.web.session import viewer
from catalog.access.principals import Principal
from catalog.access.visibility import only_visible
from catalog.config import Settings
from catalog.graphmap import nodes_to_graph
from catalog.guard import Guard
from catalog.ontology import context
from catalog.registry import Registry
from catalog.serialize import MEDIA_TYPES, serialize

# A resource by its IRI: JSON-LD by default, any RDF syntax, or plain JSON (api.conneg);
# its page for a browser, which asks for text/html first (ADR 0031). HTML is offered last, so
# `*/*` and `text/*` still get JSON-LD and Turtle.
RESOURCE = Offers({"jsonld": MEDIA_TYPES["jsonld"],
                   **{k: v for k, v in MEDIA_TYPES.items() if k != "jsonld"},
                   "json": "application/json", "html": "text/html"},
                  aliases={"text/n3": ("ttl",), "application/x-turtle": ("ttl",)})


def negotiate(accept: str, fmt: str | None) -> str:
    """The representation of a resource: ?format= wins, then the Accept header by q (q=0 is
    refused), else JSON-LD; api.conneg.NotAcceptable (406) when nothing offered is wanted."""
    return conneg.negotiate(RESOURCE, accept, fmt)


def create_app(registry: Registry, settings: Settings | None = None) -> FastAPI:
    # /docs is served from govcat's own host by the web app (api.web.assets), not a CDN
    app = FastAPI(title="govcat", version="0.1.0", docs_url=None, redoc_url=None,
                  description="Metadata graph of the service intelligentization cycle")

    app.state.guard = Guard(registry)
    errors.install(app)
    limits.install(app, settings or Settings())

    @app.get("/health")
    def health() -> dict[str, Any]:
        counts = registry.counts()
        return {"status": "ok", "store": registry.store.name, "records": counts}

    @app.get("/context.jsonld")
    def jsonld_context() -> JSONResponse:
        return JSONResponse({"@context": context()}, media_type="application/ld+json")

    @app.get("/id/{path:path}")
    def dereference(request: Request, path: str, who: Reader,
                    format: str | None = None) -> Response:
        raw = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
        iri = registry.iris.base + raw.split("/id/", 1)[1]
        return _answer(request, registry, iri, who, format)

    @app.get("/resource")
    def by_iri(request: Request, who: Reader, iri: str = Query(...),
               format: str | None = None) -> Response:
        return _answer(request, registry, iri, who, format)

    app.include_router(queries.router(registry))  # graph queries for auditors (ADR 0004)
    app.include_router(cycle.router())  # the cycle, the trail, deadlines (ADR 0008)
    app.include_router(obligations.router())  # clocks, representative, reports (ADR 0007)
    app.include_router(progress.router())  # progress reports and evidence (ADR 0029)
    app.include_router(plans.router())  # step 3's improvement plans (ADR 0027)
    app.include_router(provinces.router())  # provincial slices, verification (ADR 0030)
    app.include_router(records.router())
    app.include_router(standard.router())  # standard RDF in (ADR 0023)
    app.include_router(accounts.router())
    app.include_router(profiles.router(registry))  # DCAT-AP, CPSV-AP (ADR 0009)
    app.include_router(feed.router())  # snapshot and change feed (ADR 0009)
    app.include_router(ldes.router())  # the change feed as an LDES (ADR 0026)
    app.include_router(sparql.router(registry))  # read-only SPARQL 1.1 (ADR 0009)
    app.include_router(resources.router())  # lists, versioned writes, deletes (ADR 0009)
    app.include_router(audit.router())  # the trail proves itself (ADR 0017)
    app.include_router(legacy.router())  # legacy identifiers, admin only (ADR 0015)
    web.install(app)  # the web app for people (ADR 0031)
    return app


def _answer(request: Request, registry: Registry, iri: str, who: Principal | None,
            fmt: str | None) -> Response:
    """A record in the representation asked for; a person signed in to the web app (no
    token) reads it as themselves (ADR 0031)."""
    chosen = negotiate(request.headers.get("accept", ""), fmt)
    reader = who or viewer(request)
    if chosen == "html":
        return record_page.show(request, iri, reader)
    return _resource(registry, iri, chosen, reader, request.headers.get("if-none-match"))


def _resource(registry: Registry, iri: str, fmt: str, who: Principal | None,
              if_none_match: str | None = None) -> Response:
    """A record as the reader may see it: one outside its view is not found (not forbidden,
    which would say that it exists; catalog.access.visibility). Its ETag is its version
    (ADR 0009): If-None-Match with it answers 304."""
    nodes = only_visible(who, registry.store.describe([iri]))
    if not nodes:
        return JSONResponse({"detail": f"no resource {iri}", "detail_fa": "چنین منبعی نیست"},
                            status_code=404)
    node = nodes[0]
    headers = {"ETag": resources.etag(node), "Vary": "Accept, Authorization, Cookie"}
    if resources.not_modified(if_none_match, node):
        return Response(status_code=304, headers=headers)
    if fmt == "json":
        return JSONResponse(resources.plain(node), headers=headers)
    graph = nodes_to_graph([node])  # the version its ETag names
    return Response(serialize(graph, fmt), media_type=MEDIA_TYPES[fmt] + "; charset=utf-8",
                    headers=headers)
