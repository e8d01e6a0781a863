"""Standard application profiles over HTTP (ADR 0006): the national or one agency's
DCAT-AP 3 data catalog and CPSV-AP 3 public services, negotiated like every resource."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from api.auth import Reader
from api.conneg import Offers, negotiate
from catalog.access.visibility import visible
from catalog.profiles import UnknownAgency, serialize_profile, to_profile
from catalog.registry import Registry
from catalog.serialize import MEDIA_TYPES

# A profile is RDF: JSON-LD by default (also for application/json and ?format=json).
PROFILE = Offers({"jsonld": MEDIA_TYPES["jsonld"],
                  **{k: v for k, v in MEDIA_TYPES.items() if k != "jsonld"}},
                 aliases={"application/json": ("jsonld",), "text/n3": ("ttl",),
                          "application/x-turtle": ("ttl",)},
                 names={"json": "jsonld"})


def router(registry: Registry) -> APIRouter:
    r = APIRouter(tags=["linked data"])

    @r.get("/profiles/{profile}")
    def profile(request: Request, profile: Literal["dcat-ap", "cpsv-ap"], who: Reader,
                agency: str | None = Query(None, max_length=100, examples=["SABT"]),
                format: str | None = None) -> Response:
        """`dcat-ap`: the data catalog (datasets, distributions, data services = information
        systems); `cpsv-ap`: public services with their organisation, legal basis (duties) and
        channels. National, or one agency's with `agency`."""
        fmt = negotiate(PROFILE, request.headers.get("accept"), format)  # api.conneg
        try:
            g = to_profile(registry.export(agency, only=lambda n: visible(who, n)), profile,
                           registry.iris, agency)
        except UnknownAgency as exc:
            raise HTTPException(404, {"detail": str(exc),
                                      "detail_fa": "چنین دستگاهی ثبت نشده است"}) from exc
        return Response(serialize_profile(g, fmt),
                        media_type=MEDIA_TYPES[fmt] + "; charset=utf-8")

    return r
