"""Sign-in for people (ADR 0031): name and password, a session cookie, sign-out, the password
set through a one-time link, and the language switch. Failed sign-ins answer 401, which the
rate limit counts against the address as it counts a guessed token (api.limits)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from api.auth import guard_of
from api.web.render import LANG_COOKIE, LANGS, page
from api.web.session import (
    COOKIE,
    MaybePerson,
    check_csrf,
    keep_pre_cookie,
    local_path,
    start_session,
)
from catalog.access.accounts import MIN_PASSWORD, AccountError
from catalog.access.principals import Unauthenticated

FormText = Annotated[str, Form(max_length=500)]


def router() -> APIRouter:
    r = APIRouter(prefix="/app", include_in_schema=False)
    _sessions(r)
    _passwords(r)
    return r


def _sessions(r: APIRouter) -> None:
    @r.get("/sign-in")
    def sign_in_page(request: Request, who: MaybePerson,
                     next: Annotated[str, Query(max_length=2000)] = "/") -> Response:
        if who is not None:
            return RedirectResponse(local_path(next), status_code=303)
        return keep_pre_cookie(request, page(request, "sign_in.html", back_to=local_path(next),
                                             name="", failed=False))

    @r.post("/sign-in")
    def sign_in(request: Request, name: FormText, password: FormText, csrf: FormText = "",
                next: FormText = "/") -> Response:
        check_csrf(request, csrf)
        try:
            issued = guard_of(request).sign_in(name.strip(), password)
        except Unauthenticated:
            return keep_pre_cookie(request, page(request, "sign_in.html", status=401,
                                                 back_to=local_path(next), name=name,
                                                 failed=True))
        return start_session(request, RedirectResponse(local_path(next), status_code=303),
                             issued.token)

    @r.post("/sign-out")
    def sign_out(request: Request, csrf: FormText = "") -> Response:
        check_csrf(request, csrf)
        session = request.cookies.get(COOKIE)
        if session:
            guard_of(request).sign_out(session)
        response = RedirectResponse("/app/sign-in", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response


def _passwords(r: APIRouter) -> None:
    @r.get("/set-password")
    def set_password_page(request: Request,
                          code: Annotated[str, Query(max_length=200)] = "") -> Response:
        return keep_pre_cookie(request, page(request, "set_password.html", code=code,
                                             problem=None, minimum=MIN_PASSWORD))

    @r.post("/set-password")
    def set_password(request: Request, code: FormText, password: FormText, again: FormText,
                     csrf: FormText = "") -> Response:
        check_csrf(request, csrf)
        problem = "passwords_differ" if password != again else None
        if problem is None:
            try:
                guard_of(request).set_password(code.strip(), password)
            except Unauthenticated:
                problem = "link_invalid"
            except AccountError:
                problem = "password_weak"
        if problem is not None:
            status = 401 if problem == "link_invalid" else 400
            return keep_pre_cookie(request, page(request, "set_password.html", status=status,
                                                 code=code, problem=problem,
                                                 minimum=MIN_PASSWORD))
        return RedirectResponse("/app/sign-in?done=1", status_code=303)

    @r.get("/lang/{to}")
    def switch_language(to: str, next: Annotated[str, Query(max_length=2000)] = "/"
                        ) -> Response:
        response = RedirectResponse(local_path(next), status_code=303)
        if to in LANGS:
            response.set_cookie(LANG_COOKIE, to, max_age=365 * 86400, samesite="lax",
                                path="/")
        return response
