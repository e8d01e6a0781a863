"""Step 3's improvement plans over HTTP (R-5.1, ADR 0027): the agency's plans with what the
cycle knows of them, which services holding an ID still lack a plan, and the steering council's
endorsement. The plans, indicators and actions themselves are written like every record
(`/resources/plans`, `/resources/indicators`, `/resources/actions`, a workbook, RDF); every
route hands its principal to catalog.guard, which decides who may act."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from api.auth import Caller, GuardDep
from api.cycle import AGENCY
from catalog.cycle.plans import PlanState, ServiceCover
from catalog.jalali import to_jalali_str

PLAN = Path(description="the plan's reference within the agency, or its IRI",
            examples=["plan-birth-registration"])


class EndorseBody(BaseModel):
    resolution: str | None = Field(
        None, max_length=200, description="the number of the steering council's resolution",
        examples=["1405/4471"])


def _plan(p: PlanState) -> dict[str, Any]:
    return {
        "iri": p.iri, "ref": p.ref, "service": p.service, "status": p.status,
        "plan_id": p.plan_id, "indicators": p.indicators, "actions": p.actions,
        "endorsed": p.endorsed, "covers_its_service": p.counts,
        "endorsements": [{
            "iri": e.iri, "on": e.endorsed_on,
            "on_jalali": to_jalali_str(date.fromisoformat(e.endorsed_on)),
            "resolution": e.resolution, "by": e.by,
        } for e in p.endorsements],
    }


def _cover(c: ServiceCover) -> dict[str, Any]:
    return {"service": c.iri, "service_id": c.service_id, "plans": list(c.plans),
            "covered": c.covered}


def router() -> APIRouter:
    r = APIRouter(tags=["plans"])

    @r.get("/agencies/{agency}/plans")
    def plans(guard: GuardDep, who: Caller, agency: str = AGENCY) -> dict[str, Any]:
        """The agency's improvement plans (status, plan ID, indicators and actions counted,
        the council's endorsements and whether the plan still stands as endorsed), and each
        service holding a service ID with whether a plan covers it: step 3 is submitted only
        when all are covered (R-5.1)."""
        found, covers = guard.plans(who, agency)
        return {"plans": [_plan(p) for p in found], "services": [_cover(c) for c in covers],
                "ready_to_submit": all(c.covered for c in covers)}

    @r.post("/agencies/{agency}/plans/{plan}/endorse")
    def endorse(guard: GuardDep, who: Caller, body: EndorseBody | None = None,
                agency: str = AGENCY, plan: str = PLAN) -> dict[str, Any]:
        """The agency's steering council endorses the plan as it stands (R-5.1): recorded once
        for the same content; a later change to the plan, its indicators or its actions needs
        the council again. Only a council account of the agency may."""
        state, fresh = guard.endorse_plan(who, agency, plan, body.resolution if body else None)
        return {**_plan(state), "recorded": fresh}

    return r
