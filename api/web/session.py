"""Who is reading a page: the person signed in by the session cookie (ADR 0031).

The cookie holds a session token (catalog.access.accounts, purpose `session`): HttpOnly, so no
script reads it, and SameSite=Lax, so another site's form does not carry it. Every form that
changes something also carries a CSRF token: an HMAC of the session's id under the server key,
checked before the handler runs. The sign-in form, before any session, uses a random value
in a cookie and in the form (double submit).
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import Response

from api.auth import guard_of
from catalog.access.principals import Principal, Unauthenticated

COOKIE = "govcat_session"
PRE_COOKIE = "govcat_csrf"  # the sign-in form's double-submit value


class SignInNeeded(Exception):
    """A page for people signed in, opened without a session: sent to the sign-in page."""

    def __init__(self, back_to: str) -> None:
        super().__init__(back_to)
        self.back_to = back_to


class BadForm(Exception):
    """A form without a valid CSRF token (another site's, or an expired page)."""


def viewer(request: Request) -> Principal | None:
    """The person of the session cookie, or None (no cookie, or an ended session)."""
    if "govcat_viewer" in request.scope:
        return request.scope["govcat_viewer"]  # type: ignore[no-any-return]
    session = request.cookies.get(COOKIE)
    who: Principal | None = None
    if session:
        try:
            who = guard_of(request).authenticate_session(session)
        except Unauthenticated:
            who = None
    request.scope["govcat_viewer"] = who
    return who


def signed_in(request: Request) -> Principal:
    who = viewer(request)
    if who is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInNeeded(target)
    return who


Person = Annotated[Principal, Depends(signed_in)]
MaybePerson = Annotated[Principal | None, Depends(viewer)]


def _session_id(request: Request) -> str | None:
    session = request.cookies.get(COOKIE, "")
    parts = session.split("_", 2)
    return parts[1] if len(parts) == 3 and parts[0] == "gct" else None


def csrf_token(request: Request) -> str:
    """The token a page's forms carry: of the session, else of the sign-in cookie."""
    session_id = _session_id(request) if viewer(request) is not None else None
    if session_id is not None:
        return guard_of(request).accounts.sealer.lookup("csrf", session_id)
    if "govcat_pre" not in request.scope:
        request.scope["govcat_pre"] = request.cookies.get(PRE_COOKIE) or secrets.token_urlsafe(24)
    return str(request.scope["govcat_pre"])


def check_csrf(request: Request, given: str | None) -> None:
    """Refuse a form that does not carry the page's token (BadForm, a 403 page)."""
    if viewer(request) is not None:
        expected = csrf_token(request)
    else:
        expected = request.cookies.get(PRE_COOKIE, "")
    if not given or not expected or not hmac.compare_digest(given, expected):
        raise BadForm()


def keep_pre_cookie(request: Request, response: Response) -> Response:
    """The sign-in form's value, set on the page that shows the form."""
    if viewer(request) is None and "govcat_pre" in request.scope:
        response.set_cookie(PRE_COOKIE, request.scope["govcat_pre"], httponly=True,
                            samesite="strict", secure=request.url.scheme == "https",
                            path="/app/")
    return response


def start_session(request: Request, response: Response, token: str) -> Response:
    response.set_cookie(COOKIE, token, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/")
    response.delete_cookie(PRE_COOKIE, path="/app/")
    return response


def sign_in_url(back_to: str) -> str:
    return "/app/sign-in?next=" + quote(local_path(back_to), safe="/")


def local_path(target: str | None) -> str:
    """A place on this host to go back to; anything else (another host, a scheme) is home."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
