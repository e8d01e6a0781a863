"""The answers users see when something is refused (ARCHITECTURE.md, "Errors users see"):
every body in fa and en, with the requirement behind the rule; no stack trace, no secret."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from catalog.access.accounts import AccountError
from catalog.access.principals import Forbidden, Unauthenticated
from catalog.cycle import CycleRefused
from catalog.problems import Rejected
from catalog.store.port import StaleVersion, StillReferenced, StoreUnavailable

# Every error answer of govcat: a sentence in English and in Persian, and, where it applies,
# the requirement, the problems of a submission or the reasons of a refusal.
ERROR_SCHEMA: dict[str, Any] = {
    "title": "GovcatError", "type": "object", "required": ["detail"],
    "properties": {
        "detail": {"title": "Detail", "type": "string"},
        "detail_fa": {"title": "Detail in Persian", "type": "string"},
        "requirement": {"title": "Requirement (R-ID)", "type": "string"},
        "problems": {"type": "array", "items": {"type": "object"}},
        "reasons": {"type": "array", "items": {"type": "object"}},
    },
}


def document(app: FastAPI) -> None:
    """The OpenAPI document says what error answers look like: a 422 is either FastAPI's
    validation error or a GovcatError (a submission's problems)."""
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        doc = get_openapi(title=app.title, version=app.version,
                          description=app.description, routes=app.routes)
        doc.setdefault("components", {}).setdefault("schemas", {})["GovcatError"] = ERROR_SCHEMA
        for path in doc.get("paths", {}).values():
            for op in path.values():
                bad = op.get("responses", {}).get("422")
                if bad is not None:
                    bad["content"] = {"application/json": {"schema": {"anyOf": [
                        {"$ref": "#/components/schemas/HTTPValidationError"},
                        {"$ref": "#/components/schemas/GovcatError"}]}}}
        doc["components"]["schemas"].setdefault("HTTPValidationError", {"type": "object"})
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]


def install(app: FastAPI) -> None:
    document(app)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Routes raise HTTPException(status, {"detail": en, "detail_fa": fa}): sent flat.
        body = exc.detail if isinstance(exc.detail, dict) else {"detail": str(exc.detail)}
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(StoreUnavailable)
    async def store_down(_: Request, exc: StoreUnavailable) -> JSONResponse:
        return JSONResponse({"detail": "the store is unavailable; retry shortly",
                             "detail_fa": "پایگاه داده در دسترس نیست؛ اندکی بعد دوباره بکوشید"},
                            status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(Unauthenticated)
    async def unauthenticated(_: Request, exc: Unauthenticated) -> JSONResponse:
        return JSONResponse({"detail": exc.message_en, "detail_fa": exc.message_fa},
                            status_code=401, headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(Forbidden)
    async def forbidden(_: Request, exc: Forbidden) -> JSONResponse:
        d = exc.denial
        return JSONResponse({"detail": d.message_en, "detail_fa": d.message_fa,
                             "requirement": d.requirement}, status_code=403)

    @app.exception_handler(CycleRefused)
    async def refused(_: Request, exc: CycleRefused) -> JSONResponse:
        # The request is well formed, but the cycle's state or order does not allow it now.
        return JSONResponse({"detail": "refused by the rules of the cycle",
                             "detail_fa": "قواعد چرخه این کار را نمی‌پذیرد",
                             "reasons": [{"message_en": r.message_en, "message_fa": r.message_fa,
                                          "requirement": r.requirement} for r in exc.reasons]},
                            status_code=409)

    @app.exception_handler(Rejected)
    async def rejected(_: Request, exc: Rejected) -> JSONResponse:
        return JSONResponse({"detail": "the submission breaks the rules; nothing was stored",
                             "detail_fa": "داده‌ها با قواعد سازگار نیست؛ چیزی ذخیره نشد",
                             "problems": [p.to_dict() for p in exc.problems]},
                            status_code=422)

    @app.exception_handler(StaleVersion)
    async def stale(_: Request, exc: StaleVersion) -> JSONResponse:
        # If-Match / If-None-Match did not hold when the write would have committed (ADR 0009).
        headers = {"ETag": f'"{exc.found}"'} if exc.found else {}
        return JSONResponse({"detail": "the record is not at the version the request expects; "
                                       "nothing was written: read it again",
                             "detail_fa": "نسخه رکورد با نسخه مورد انتظار درخواست یکی نیست؛ "
                                          "چیزی ذخیره نشد: دوباره آن را بخوانید",
                             "iri": exc.iri, "etag": headers.get("ETag")},
                            status_code=412, headers=headers)

    @app.exception_handler(StillReferenced)
    async def referenced(_: Request, exc: StillReferenced) -> JSONResponse:
        return JSONResponse({"detail": "other records still point at it; nothing was deleted",
                             "detail_fa": "رکوردهای دیگری هنوز به آن ارجاع می‌دهند؛ چیزی حذف نشد",
                             "referrers": exc.referrers}, status_code=409)

    @app.exception_handler(AccountError)
    async def bad_account(_: Request, exc: AccountError) -> JSONResponse:
        return JSONResponse({"detail": str(exc), "detail_fa": "درخواست حساب نادرست است"},
                            status_code=400)
