"""Graph queries for auditors over HTTP (issue 5): `GET /queries` lists the named queries with
their headers; `GET|POST /queries/{name}` runs one (parameters in the URL or a JSON body);
`POST /queries/adhoc` runs the auditor's own read-only Cypher with a time and a row limit.
Answers are JSON, CSV or SVG (`format`). Who may call them is issue 4."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from catalog.registry import Registry
from catalog.store.port import QueryTimeout, ReadOnlyViolation, StoreError, StoreUnavailable
from graph_queries import adhoc, formats, named
from graph_queries.answer import Answer, QueryError


class NamedRequest(BaseModel):
    params: dict[str, Any] = Field(default_factory=dict)
    format: str = "json"


class AdhocRequest(BaseModel):
    cypher: str
    params: dict[str, Any] = Field(default_factory=dict)
    timeout_ms: int | None = None
    limit: int | None = None
    format: str = "json"


def router(registry: Registry) -> APIRouter:
    r = APIRouter(prefix="/queries", tags=["queries"])

    @r.get("")
    def list_queries() -> list[dict[str, Any]]:
        return named.listing()

    # Declared before /{name}, so "adhoc" is never taken for a query name.
    @r.post("/adhoc")
    def run_adhoc(body: AdhocRequest) -> Response:
        return _answer(lambda: adhoc.run_adhoc(registry.store, body.cypher, body.params,
                                               body.timeout_ms, body.limit), body.format)

    @r.get("/{name}")
    def run_get(name: str, request: Request, format: str = "json") -> Response:
        raw = {k: request.query_params.getlist(k) for k in request.query_params if k != "format"}
        return _answer(lambda: named.run(registry.store, name, raw, registry.iris.base), format)

    @r.post("/{name}")
    def run_post(name: str, body: NamedRequest) -> Response:
        return _answer(lambda: named.run(registry.store, name, body.params, registry.iris.base),
                       body.format)

    return r


def _answer(compute: Callable[[], Answer], fmt: str) -> Response:
    if fmt not in formats.FORMATS:
        return _error(400, f"unknown format {fmt!r}: use {', '.join(formats.FORMATS)}",
                      "قالب پاسخ شناخته نیست")
    try:
        answer = compute()
    except QueryError as exc:
        status = 404 if str(exc).startswith("no query named") else 400
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
    return Response(formats.render(answer, fmt),
                    media_type=formats.MEDIA_TYPES[fmt] + "; charset=utf-8")


def _error(status: int, en: str, fa: str) -> JSONResponse:
    return JSONResponse({"detail": en, "detail_fa": fa}, status_code=status)
