"""The app's route table, whatever FastAPI version: since FastAPI 0.16x, `app.routes` holds an
included router as one `_IncludedRouter`, so walking it for `APIRoute`s finds only the routes
declared on the app itself. `iter_route_contexts` walks into included routers."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import Route

try:
    from fastapi.routing import iter_route_contexts
except ImportError:  # older FastAPI: included routes are copied into app.routes
    iter_route_contexts = None  # type: ignore[assignment]


def route_table(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) the app answers, HEAD left out."""
    if iter_route_contexts is not None:
        found = {(m, rc.path) for rc in iter_route_contexts(app.routes)
                 for m in (rc.methods or ()) if rc.path is not None}
    else:
        found = {(m, r.path) for r in app.routes if isinstance(r, APIRoute | Route)
                 for m in (r.methods or ())}
    return sorted((m, p) for m, p in found if m != "HEAD")
