"""Graph queries for auditors over HTTP (ADR 0004).

- `GET /queries` lists the named queries with their headers; `GET|POST /queries/{name}` runs
  one, parameters in the URL or a JSON body (`{"params": {...}, "format": "csv"}`). A query that
  takes a proposed structure (compare-structure) takes it as the request body: a workbook
  (`.xlsx` media type), Turtle or JSON-LD, parameters in the URL; or inside the JSON body, as
  Turtle text or a JSON-LD object. It is read by the loaders and never stored.
- `POST /queries/adhoc` runs the auditor's own read-only Cypher with a time and a row limit.
- `/queries/saved`: saved queries, shared between auditors: `GET` lists, `POST` saves (after
  one read-only run), `GET|DELETE /queries/saved/{name}`, `GET|POST /queries/saved/{name}/run`.

Answers are JSON, CSV or SVG, and Turtle or JSON-LD for an answer that is a part of the graph:
`?format=` (or `format` in a JSON body) wins, then the Accept header, else JSON. Who may call
them is decided by the app (ADR 0008).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from api import conneg
from api.auth import Caller, GuardDep
from api.conneg import Offers
from catalog.graphmap import MappingError, graph_to_nodes
from catalog.port import QueryTimeout, ReadOnlyViolation, StoreError, StoreUnavailable
from catalog.registry import Registry
from graph_queries import adhoc, formats, named, saved
from graph_queries.answer import Answer, QueryError
from graph_queries.structure import Structure
from loaders.submission import read_submission


class NamedRequest(BaseModel):
    params: dict[str, Any] = Field(default_factory=dict)
    format: str | None = None


MAX_CYPHER = 100_000  # characters of an auditor's own query


class AdhocRequest(BaseModel):
    cypher: str = Field(max_length=MAX_CYPHER)
    params: dict[str, Any] = Field(default_factory=dict)
    timeout_ms: int | None = None
    limit: int | None = None
    format: str | None = None


class SaveRequest(BaseModel):
    name: str = Field(max_length=100)
    cypher: str = Field(max_length=MAX_CYPHER)
    description: str = Field(max_length=4000)
    params: list[str | dict[str, Any]] = Field(default_factory=list)
    timeout_ms: int | None = None
    limit: int | None = None
    replace: bool = False


class SavedRunRequest(BaseModel):
    params: dict[str, Any] = Field(default_factory=dict)
    timeout_ms: int | None = None
    limit: int | None = None
    format: str | None = None


# What a request body holding a proposed structure may be: media type -> file suffix.
STRUCTURE_BODIES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "text/turtle": ".ttl",
    "application/x-turtle": ".ttl",
    "application/ld+json": ".jsonld",
}
ANSWERS = Offers(dict(formats.MEDIA_TYPES))  # JSON first: the default
_CONTROL = {"format", "timeout_ms", "limit"}  # URL parameters that are not query parameters


def _may_query(guard: GuardDep, who: Caller) -> None:
    """Named and saved queries: any signed-in person (catalog.access.policy)."""
    guard.may_query(who)


def router(registry: Registry) -> APIRouter:
    # Every route needs a token; a query of one's own Cypher (ad hoc, saving, deleting) needs
    # the auditor's right as well (catalog.access.policy, Act.RUN_CYPHER).
    r = APIRouter(prefix="/queries", tags=["queries"], dependencies=[Depends(_may_query)])
    _adhoc_routes(r, registry)
    _saved_routes(r, registry)
    _named_routes(r, registry)  # last: /{name} would take "adhoc" and "saved" for names
    return r


def _adhoc_routes(r: APIRouter, registry: Registry) -> None:
    """The list of named queries, and the auditor's own Cypher."""
    store = registry.store

    @r.get("")
    def list_queries() -> list[dict[str, Any]]:
        return named.listing()

    # Declared before /{name}, so "adhoc" and "saved" are never taken for query names.
    @r.post("/adhoc")
    def run_adhoc(body: AdhocRequest, request: Request, guard: GuardDep,
                  who: Caller) -> Response:
        guard.may_query(who, cypher_text=True)
        return _answer(registry, lambda: adhoc.run_adhoc(
            store, body.cypher, body.params, body.timeout_ms, body.limit),
            negotiate(request, body.format))


def _saved_routes(r: APIRouter, registry: Registry) -> None:
    """Saved queries, shared between auditors (ADR 0004)."""
    store = registry.store

    @r.get("/saved")
    def list_saved() -> list[dict[str, Any]]:
        return [q.as_dict() for q in saved.listing(store)]

    @r.post("/saved")
    def save(body: SaveRequest, guard: GuardDep, who: Caller) -> Response:
        guard.may_query(who, cypher_text=True)

        def work() -> Response:
            q, created = saved.save(store, body.name, body.cypher, body.description,
                                    who.name, body.params, body.timeout_ms, body.limit,
                                    body.replace)
            return JSONResponse({**q.as_dict(), "created": created},
                                status_code=201 if created else 200)
        return _guarded(work)

    @r.get("/saved/{name}")
    def get_saved(name: str) -> Response:
        return _guarded(lambda: JSONResponse(saved.get(store, name).as_dict()))

    @r.delete("/saved/{name}")
    def delete_saved(name: str, guard: GuardDep, who: Caller) -> Response:
        guard.may_query(who, cypher_text=True)

        def work() -> Response:
            saved.delete(store, name)
            return Response(status_code=204)
        return _guarded(work)

    @r.get("/saved/{name}/run")
    def run_saved_get(name: str, request: Request, format: str | None = None,
                      timeout_ms: int | None = None, limit: int | None = None) -> Response:
        raw = adhoc.typed_params({k: request.query_params.getlist(k)
                                  for k in request.query_params if k not in _CONTROL})
        return _answer(registry, lambda: saved.run_saved(store, name, raw, timeout_ms, limit),
                       negotiate(request, format))

    @r.post("/saved/{name}/run")
    def run_saved_post(name: str, body: SavedRunRequest, request: Request) -> Response:
        return _answer(registry, lambda: saved.run_saved(
            store, name, body.params, body.timeout_ms, body.limit),
            negotiate(request, body.format))


def _named_routes(r: APIRouter, registry: Registry) -> None:
    """Running a named query, parameters in the URL or the body."""
    store = registry.store

    @r.get("/{name}")
    def run_get(name: str, request: Request, format: str | None = None) -> Response:
        raw = {k: request.query_params.getlist(k) for k in request.query_params if k != "format"}
        return _answer(registry, lambda: named.run(store, name, raw, registry.iris.base),
                       negotiate(request, format))

    @r.post("/{name}")
    async def run_post(name: str, request: Request) -> Response:
        """A JSON body `{"params": ..., "format": ...}`, or a proposed structure as the body
        (workbook, Turtle, JSON-LD) with the parameters in the URL."""
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        data = await request.body()
        if media in STRUCTURE_BODIES:
            raw: dict[str, Any] = {k: request.query_params.getlist(k)
                                   for k in request.query_params if k != "format"}
            explicit = request.query_params.get("format")

            def compute() -> Answer:
                target = _structure_param(name)
                raw[target] = read_structure_bytes(data, STRUCTURE_BODIES[media], registry)
                return named.run(store, name, raw, registry.iris.base)
        else:
            try:
                body = NamedRequest.model_validate(json.loads(data or b"{}"))
            except (ValueError, ValidationError) as exc:
                return _error(422, f"the body is JSON {{params, format}}, or a proposed "
                                   f"structure as {', '.join(sorted(STRUCTURE_BODIES))}: {exc}",
                              "بدنه درخواست نادرست است")
            explicit = body.format

            def compute() -> Answer:
                params = dict(body.params)
                for p in named.get(name).params:
                    if p.type == "structure" and isinstance(params.get(p.name), str | dict):
                        params[p.name] = _inline_structure(params[p.name], registry)
                return named.run(store, name, params, registry.iris.base)
        # the store is read off the event loop, as FastAPI runs the plain routes
        return await run_in_threadpool(_answer, registry, compute, negotiate(request, explicit))


def negotiate(request: Request, explicit: str | None) -> str:
    """The answer's format: the one named (`format`), else the best of the Accept header that
    an answer can take, else JSON (api.conneg; 406 for a format no answer comes in, or an
    Accept header refusing them all)."""
    return conneg.negotiate(ANSWERS, request.headers.get("accept"), explicit)


# -- proposed structures (compare-structure) -------------------------------------------------------

def read_structure(path: Path, registry: Registry) -> Structure:
    """A proposed structure from a workbook, a CSV folder or an RDF file, read and checked by the
    loaders as a submission would be, and never stored. A file that cannot be read is refused;
    the rules of the regulation it breaks travel with it (the answer's `problems`)."""
    try:
        sub = read_submission(path, registry)
    except (SyntaxError, ValueError) as exc:  # rdflib's BadSyntax is a SyntaxError
        raise QueryError(f"the proposed structure cannot be read: {exc}") from None
    unreadable = [p for p in sub.problems if p.requirement is None]
    if unreadable:
        more = f" (and {len(unreadable) - 5} more)" if len(unreadable) > 5 else ""
        raise QueryError("the proposed structure cannot be read: "
                         + "; ".join(str(p) for p in unreadable[:5]) + more)
    try:
        nodes = graph_to_nodes(sub.changeset.graph, sub.changeset.subjects)
    except MappingError as exc:
        raise QueryError(f"the proposed structure does not fit the ontology: {exc}") from None
    # the rules the proposal breaks, not those its stored neighbours already broke
    mine = {str(s) for s in sub.changeset.subjects}
    problems = tuple(p.to_dict() for p in sub.problems if p.focus is None or p.focus in mine)
    return Structure(tuple(nodes), path.name, problems)


def read_structure_bytes(data: bytes, suffix: str, registry: Registry) -> Structure:
    if not data:
        raise QueryError("the request body holds no proposed structure")
    with tempfile.TemporaryDirectory(prefix="govcat-proposal-") as tmp:
        path = Path(tmp) / f"proposal{suffix}"
        path.write_bytes(data)
        return replace(read_structure(path, registry), source="request body")


def _inline_structure(value: str | dict[str, Any], registry: Registry) -> Structure:
    """Inside a JSON body: Turtle text, or a JSON-LD document (govcat's context only)."""
    if isinstance(value, dict):
        return read_structure_bytes(json.dumps(value, ensure_ascii=False).encode(), ".jsonld",
                                    registry)
    return read_structure_bytes(value.encode(), ".ttl", registry)


def _structure_param(name: str) -> str:
    for p in named.get(name).params:
        if p.type == "structure":
            return p.name
    raise QueryError(f"{name} takes no proposed structure: send JSON {{params, format}}")


# -- answers and errors ---------------------------------------------------------------------------

def _answer(registry: Registry, compute: Callable[[], Answer], fmt: str) -> Response:
    """`fmt` is one of formats.FORMATS: negotiate refused any other (406)."""

    def work() -> Response:
        text = formats.render(compute(), fmt, registry.store)
        return Response(text, media_type=formats.MEDIA_TYPES[fmt] + "; charset=utf-8")
    return _guarded(work)


def _guarded(work: Callable[[], Response]) -> Response:
    try:
        return work()
    except QueryError as exc:
        status = 404 if str(exc).startswith(("no query named", "no saved query named")) else 400
        return _error(status, str(exc), "پرسش یا پارامترهای آن نادرست است")
    except ReadOnlyViolation as exc:
        return _error(403, f"queries are read-only; this one tries to write ({exc})",
                      "پرسش‌ها فقط‌خواندنی‌اند؛ این پرسش می‌خواهد چیزی بنویسد")
    except QueryTimeout as exc:
        return _error(408, f"the query ran past its time limit and was stopped ({exc})",
                      "پرسش از زمان مجاز گذشت و متوقف شد")
    except StoreUnavailable:
        raise  # the app's handler answers 503 with Retry-After
    except StoreError as exc:
        return _error(400, f"the store refused the query: {exc}", "پایگاه داده پرسش را نپذیرفت")


def _error(status: int, en: str, fa: str) -> JSONResponse:
    return JSONResponse({"detail": en, "detail_fa": fa}, status_code=status)
