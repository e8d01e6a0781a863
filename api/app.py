"""The HTTP API: health, and every resource dereferenceable by its IRI (JSON, JSON-LD, Turtle,
N-Triples, RDF/XML by content negotiation). The rest of the API has its own issue (#6)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response

from api import accounts, cycle, errors, feed, obligations, profiles, queries, records
from catalog.guard import Guard
from catalog.registry import Registry
from catalog.serialize import MEDIA_TYPES, context, serialize

_BY_MEDIA = {v: k for k, v in MEDIA_TYPES.items()} | {
    "application/json": "json", "text/n3": "ttl", "application/x-turtle": "ttl"}


def negotiate(accept: str, fmt: str | None) -> str:
    """The representation to send: ?format= wins, then the Accept header (by q), else JSON-LD."""
    if fmt:
        return fmt if fmt in MEDIA_TYPES or fmt == "json" else "jsonld"
    best, best_q = "jsonld", -1.0
    for part in accept.split(","):
        media, _, params = part.strip().partition(";")
        q = 1.0
        for p in params.split(";"):
            name, _, value = p.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media.strip() in _BY_MEDIA and q > best_q:
            best, best_q = _BY_MEDIA[media.strip()], q
    return best


def create_app(registry: Registry) -> FastAPI:
    app = FastAPI(title="govcat", version="0.1.0",
                  description="Metadata graph of the service intelligentization cycle")

    app.state.guard = Guard(registry)
    errors.install(app)

    @app.get("/health")
    def health() -> dict[str, Any]:
        counts = registry.counts()
        return {"status": "ok", "store": registry.store.name, "records": counts}

    @app.get("/context.jsonld")
    def jsonld_context() -> JSONResponse:
        return JSONResponse({"@context": context()}, media_type="application/ld+json")

    @app.get("/id/{path:path}")
    def dereference(request: Request, path: str, format: str | None = None) -> Response:
        raw = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
        iri = registry.iris.base + raw.split("/id/", 1)[1]
        return _resource(registry, iri, negotiate(request.headers.get("accept", ""), format))

    @app.get("/resource")
    def by_iri(request: Request, iri: str = Query(...), format: str | None = None) -> Response:
        return _resource(registry, iri, negotiate(request.headers.get("accept", ""), format))

    app.include_router(queries.router(registry))  # graph queries for auditors (issue 5)
    app.include_router(cycle.router())  # the cycle, the trail, deadlines (issue 4)
    app.include_router(obligations.router())  # clocks, representative, reports (ADR 0007)
    app.include_router(records.router())
    app.include_router(accounts.router())
    app.include_router(profiles.router(registry, negotiate))  # DCAT-AP, CPSV-AP (issue 6)
    app.include_router(feed.router(negotiate))  # snapshot and change feed (issue 6)
    return app


def _resource(registry: Registry, iri: str, fmt: str) -> Response:
    nodes = registry.store.describe([iri])
    if not nodes:
        return JSONResponse({"detail": f"no resource {iri}", "detail_fa": "چنین منبعی نیست"},
                            status_code=404)
    if fmt == "json":
        node = nodes[0]
        return JSONResponse({"iri": node.iri, "type": node.label, "properties": node.props,
                             "links": {k: list(v) for k, v in node.rels.items()}})
    graph = registry.describe(iri)
    assert graph is not None
    return Response(serialize(graph, fmt), media_type=MEDIA_TYPES[fmt] + "; charset=utf-8")
