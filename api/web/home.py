"""The home page at `/`: what the signed-in person can do, by their role; the sign-in for
everyone else."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api.web.nav import entries_for
from api.web.render import page
from api.web.session import MaybePerson
from catalog.access.principals import ROLE_LABELS


def router() -> APIRouter:
    r = APIRouter(include_in_schema=False)

    @r.get("/")
    def home(request: Request, who: MaybePerson) -> Response:
        role = ROLE_LABELS[who.role] if who else None
        return page(request, "home.html", areas=entries_for(who), role=role)

    @r.get("/app/")
    def app_home() -> Response:
        return RedirectResponse("/", status_code=303)

    return r
