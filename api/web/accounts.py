"""The administrator's accounts page: every account, and a one-time link for a person to set
their password (ADR 0031). The link is shown once; only its hash is kept."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from api.auth import guard_of
from api.web.render import page
from api.web.session import Person, check_csrf
from catalog.access.principals import ROLE_LABELS


def router() -> APIRouter:
    r = APIRouter(prefix="/app/accounts", include_in_schema=False)

    def listing(request: Request, who: Person, issued: dict[str, str] | None = None,
                status: int = 200) -> Response:
        found = guard_of(request).list_accounts(who)
        return page(request, "accounts.html", status=status, accounts=found,
                    roles=ROLE_LABELS, issued=issued)

    @r.get("")
    def accounts(request: Request, who: Person) -> Response:
        return listing(request, who)

    @r.post("/{name}/password-link")
    def password_link(request: Request, who: Person, name: str,
                      csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
        check_csrf(request, csrf)
        issued = guard_of(request).password_link(who, name)
        link = f"{request.base_url}app/set-password?code={issued.token}"
        return listing(request, who, {"name": name, "link": link,
                                      "expires": issued.expires.isoformat()}, status=201)

    return r
