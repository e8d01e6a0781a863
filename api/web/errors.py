"""Refusals as pages (ADR 0031): on the web app's paths (`/` and `/app/…`) the same refusals
the API answers as JSON (api.errors) are shown as a page in the reader's language, with the
requirement behind each; the API's paths keep their JSON. A page without a session sends the
person to sign in and back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.web.render import lang_of, page, translator
from api.web.session import BadForm, SignInNeeded, sign_in_url
from catalog.access.accounts import AccountError
from catalog.access.principals import Forbidden, Unauthenticated
from catalog.cycle.states import CycleRefused
from catalog.problems import Rejected

Handler = Callable[[Request, Any], Awaitable[Response] | Response]


def is_page(request: Request) -> bool:
    path = request.url.path
    return path == "/" or path.startswith("/app/")


def reasons_of(exc: BaseException) -> list[dict[str, str | None]]:
    """What a refusal says, as {fa, en, requirement, where, column, row}: for a page."""
    if isinstance(exc, Forbidden):
        d = exc.denial
        return [{"fa": d.message_fa, "en": d.message_en, "requirement": d.requirement}]
    if isinstance(exc, CycleRefused):
        return [{"fa": r.message_fa, "en": r.message_en, "requirement": r.requirement}
                for r in exc.reasons]
    if isinstance(exc, Rejected):
        return [{"fa": p.message_fa, "en": p.message_en, "requirement": p.requirement,
                 "where": p.where(), "column": p.column,
                 "row": str(p.row) if p.row is not None else None} for p in exc.problems]
    if isinstance(exc, Unauthenticated):
        return [{"fa": exc.message_fa, "en": exc.message_en, "requirement": None}]
    if isinstance(exc, AccountError):
        return [{"fa": "درخواست حساب نادرست است: " + str(exc), "en": str(exc),
                 "requirement": None}]
    return []


_STATUS: dict[type[BaseException], tuple[int, str]] = {
    Forbidden: (403, "error_forbidden"),
    CycleRefused: (409, "error_refused"),
    Rejected: (422, "error_rejected"),
    Unauthenticated: (401, "error_forbidden"),
    AccountError: (400, "error_other"),
    RequestValidationError: (400, "error_other"),
}


def error_page(request: Request, exc: BaseException) -> Response:
    from api.web.render import lang_of, translator

    status, key = _STATUS.get(type(exc), (400, "error_other"))
    if isinstance(exc, StarletteHTTPException):
        status = exc.status_code
        key = "error_not_found" if status == 404 else "error_other"
    return page(request, "error.html", status=status,
                heading=translator(lang_of(request))(key), reasons=reasons_of(exc))


def install(app: FastAPI) -> None:
    @app.exception_handler(SignInNeeded)
    async def sign_in_first(_: Request, exc: SignInNeeded) -> Response:
        return RedirectResponse(sign_in_url(exc.back_to), status_code=303)

    @app.exception_handler(BadForm)
    async def bad_form(request: Request, _: BadForm) -> Response:
            return page(request, "error.html", status=403,
                    heading=translator(lang_of(request))("error_bad_form"), reasons=[])

    for cls in (*_STATUS, StarletteHTTPException):
        app.add_exception_handler(cls, _page_or(app.exception_handlers.get(cls)))


def _page_or(api_handler: Handler | None) -> Handler:
    async def handle(request: Request, exc: Any) -> Response:
        if is_page(request) or api_handler is None:
            return error_page(request, exc)
        answer = api_handler(request, exc)
        return await answer if isinstance(answer, Awaitable) else answer

    return handle
