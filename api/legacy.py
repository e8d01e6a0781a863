"""Legacy identifiers over HTTP (R-4.2, ADR 0015): an administrator records the IDs services
hold in earlier registries, beside govcat's own; catalog.guard decides who may."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.auth import Caller, GuardDep
from catalog.changeset import Origin
from catalog.legacy import SCHEMES, LegacyRow


class LegacyItem(BaseModel):
    record: str = Field(max_length=2000, examples=["SABT:birth-registration"],
                        description="the service: AGENCY:ref or its IRI")
    scheme: str = Field(max_length=60, examples=["national-service-id"],
                        description=f"one of: {', '.join(SCHEMES)}")
    identifier: str = Field(max_length=200, examples=["13031465100"])


class LegacyBody(BaseModel):
    items: list[LegacyItem] = Field(min_length=1, max_length=10_000)


def router() -> APIRouter:
    r = APIRouter(tags=["legacy identifiers"])

    @r.post("/legacy-identifiers", status_code=201)
    def record(guard: GuardDep, who: Caller, body: LegacyBody) -> dict[str, Any]:
        """Record legacy identifiers (administrators only), all or none: each checked against
        its scheme's form and unique within it (422 with every problem). They are kept beside
        the IDs the cycle issues and approve nothing; one event in the trail records them."""
        rows = [LegacyRow(i.record, i.scheme, i.identifier,
                          Origin("POST /legacy-identifiers", row=n))
                for n, i in enumerate(body.items, start=1)]
        outcome = guard.record_legacy(who, rows)
        return {"stored": outcome.stored, "unchanged": outcome.unchanged,
                "event": outcome.event}

    return r
