"""The answers users see when something is refused (docs/architecture.md, "Errors users see"):
every body in fa and en, with the requirement behind the rule; no stack trace, no secret.

Anything a route did not expect answers 500 with a generic sentence and an error id; the trace
goes to the log under that id, never into the answer (ADR 0011)."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.conneg import NotAcceptable
from api.limits import DATA_CSP, DOCS_PATHS, SECURITY_HEADERS
from catalog.access.accounts import AccountError
from catalog.access.principals import Forbidden, Unauthenticated
from catalog.cycle.states import CycleRefused
from catalog.port import StaleVersion, StillReferenced, StoreUnavailable
from catalog.problems import Rejected

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


log = logging.getLogger("govcat.api")

# Persian for the errors FastAPI and Starlette raise themselves (a bad body, an unknown path).
_FA_BY_STATUS = {
    400: "درخواست نادرست است",
    401: "توکن معتبر لازم است",
    403: "اجازه این کار را ندارید",
    404: "یافت نشد",
    405: "این روش درخواست برای این نشانی پذیرفته نیست",
    406: "قالب خواسته‌شده در دسترس نیست",
    409: "با وضعیت کنونی ناسازگار است",
    413: "بدنه درخواست بزرگ‌تر از حد مجاز است",
    415: "نوع محتوای درخواست پشتیبانی نمی‌شود",
    422: "درخواست با قالب مورد انتظار سازگار نیست",
    429: "درخواست‌ها بیش از حد مجاز است",
}


def internal_error(request: Request, exc: BaseException) -> JSONResponse:
    """500: a sentence and an error id for the caller; the trace, under the same id, for the
    operator's log. Sent past the middleware that sets the security headers, so set here."""
    error_id = uuid.uuid4().hex[:12]
    log.error("internal error %s on %s %s", error_id, request.method, request.url.path,
              exc_info=exc)
    response = JSONResponse(
        {"detail": f"an internal error occurred; it is logged as {error_id}: quote this id "
                   "when you report it", "detail_fa": f"خطای درونی رخ داد و با شناسه "
                   f"{error_id} ثبت شد؛ در گزارش خود این شناسه را بیاورید",
         "error_id": error_id}, status_code=500)
    response.headers.update(SECURITY_HEADERS)
    if not request.url.path.startswith(DOCS_PATHS):
        response.headers["Content-Security-Policy"] = DATA_CSP
    return response


def _quoted(error: Any) -> Any:
    """One fault of FastAPI's 422 as JSON: its input as given when that is short and valid
    JSON, else the start of its text."""
    if not isinstance(error, dict) or "input" not in error:
        return jsonable_encoder(error)
    value = jsonable_encoder(error["input"])
    try:
        shown = json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (ValueError, TypeError):
        shown, value = repr(error["input"]), None
    kept = jsonable_encoder({k: v for k, v in error.items() if k != "input"})
    return {**kept, "input": value if len(shown) <= 200 and value is not None else shown[:200]}


def install(app: FastAPI) -> None:
    document(app)
    _request_handlers(app)
    _refusal_handlers(app)


def _request_handlers(app: FastAPI) -> None:
    """What goes wrong with a request as such: an unexpected error, an HTTP error, a request
    FastAPI cannot validate, a format no answer comes in, the store down."""

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        return internal_error(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Routes raise HTTPException(status, {"detail": en, "detail_fa": fa}): sent flat.
        body = exc.detail if isinstance(exc.detail, dict) else {
            "detail": str(exc.detail),
            "detail_fa": _FA_BY_STATUS.get(exc.status_code, "درخواست پذیرفته نشد")}
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's own 422 (each fault of the request, in English), with a Persian sentence;
        # the input each fault quotes is cut short (a 5 MB value is not sent back) and made
        # JSON (Infinity and NaN are not).
        return JSONResponse({"detail": [_quoted(e) for e in exc.errors()],
                             "detail_fa": _FA_BY_STATUS[422]}, status_code=422)

    @app.exception_handler(NotAcceptable)
    async def not_acceptable(_: Request, exc: NotAcceptable) -> JSONResponse:
        # api.conneg: a ?format= the answer does not come in, or an Accept header refusing
        # every format it does.
        return JSONResponse({"detail": exc.message_en, "detail_fa": exc.message_fa,
                             "formats": exc.offered}, status_code=406,
                            headers={"Vary": "Accept"})

    @app.exception_handler(StoreUnavailable)
    async def store_down(_: Request, exc: StoreUnavailable) -> JSONResponse:
        return JSONResponse({"detail": "the store is unavailable; retry shortly",
                             "detail_fa": "پایگاه داده در دسترس نیست؛ اندکی بعد دوباره بکوشید"},
                            status_code=503, headers={"Retry-After": "5"})


def _refusal_handlers(app: FastAPI) -> None:
    """The refusals of the core: sign-in, policy, cycle, rules, versions, references,
    accounts."""

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
