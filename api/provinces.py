"""A piloted plan's provincial slice (R-5.5) and the provinces' verification reports (R-8.1,
R-8.2) over HTTP (ADR 0030):

- `POST /agencies/{agency}/plans/{plan}/slice`: the agency's steward registers the slice of
  its approved plan piloted in one province (201);
- `POST …/slice/endorse`: the agency's steering council endorses it;
- `POST …/slice/send`: the agency sends the endorsed slice to the provinces, which stops the
  plan's one-month R-5.5 clock (`late` says whether it was after the due date);
- `GET …/slice`: the slice, its state and dates (ISO and Solar Hijri), or 404;
- `POST /agencies/{agency}/plans/{plan}/verifications`: a province's verifier records its one
  report on the plan once every action is declared done (201);
- `GET …/verifications`: the plan's verification reports, by province.

Every route hands its principal to catalog.guard and catalog.cycle.provinces, which decide who
may act; a refusal of the cycle is a 409 whose reasons are in English and Persian.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Path
from pydantic import BaseModel, Field

from api.auth import Caller, GuardDep
from api.cycle import AGENCY
from catalog.cycle.provinces import ProvincialSlice, VerificationReport
from catalog.jalali import to_jalali_str

PLAN = Path(description="the plan's reference within the agency, or its IRI",
            examples=["PL1"], max_length=300)


class SliceBody(BaseModel):
    description_fa: str = Field(min_length=1, max_length=20000,
                                description="what the other provinces adopt, in Persian",
                                examples=["ثبت برخط ولادت در همهٔ استان‌ها"])
    description_en: str | None = Field(None, max_length=20000,
                                       description="the same in English, optional")
    provinces: list[str] = Field(
        default_factory=list, max_length=40,
        description="the provinces it goes to (codes or names); empty: every province but "
                    "the pilot", examples=[["tehran", "fars"]])


class SliceEndorseBody(BaseModel):
    resolution: str | None = Field(
        None, max_length=200, description="the number of the steering council's resolution",
        examples=["1405/4471"])


class VerdictBody(BaseModel):
    verdict: Literal["confirmed", "not_confirmed"] = Field(
        description="whether the province confirms the value the agency claims")
    value: str | float | int = Field(description="the value observed, in the indicator's unit",
                                     examples=["2"])
    note: str | None = Field(None, max_length=5000, description="a note, in Persian")


class VerificationBody(BaseModel):
    province: str = Field(max_length=60, description="the verifier's province (code)",
                          examples=["isfahan"])
    indicators: dict[str, VerdictBody] = Field(
        max_length=500, description="the verdict on each indicator of the plan, by its ref")
    problems: str = Field(min_length=1, max_length=20000,
                          description="process problems seen in the province (R-8.2)")
    suggestions: str = Field(min_length=1, max_length=20000,
                             description="suggestions for the province (R-8.2)")


def _dated(name: str, value: date | None) -> dict[str, Any]:
    return {name: value.isoformat() if value else None,
            f"{name}_jalali": to_jalali_str(value) if value else None}


def _slice(s: ProvincialSlice) -> dict[str, Any]:
    return {"iri": s.iri, "plan": s.plan, "agency": s.agency, "state": s.state,
            "description_fa": s.description_fa, "description_en": s.description_en,
            "pilot": s.pilot, "provinces": list(s.provinces), "registered_by": s.by,
            "resolution": s.resolution, **_dated("registered", s.registered),
            **_dated("endorsed", s.endorsed), **_dated("sent", s.sent),
            **_dated("due", s.due), "late": s.late}


def _verification(v: VerificationReport) -> dict[str, Any]:
    return {"iri": v.iri, "plan": v.plan, "province": v.province, "by": v.by,
            **_dated("issued", v.issued), "problems": v.problems,
            "suggestions": v.suggestions,
            "indicators": [{"indicator": x.indicator, "verdict": x.verdict, "value": x.value,
                            "note": x.note} for x in v.verdicts]}


def router() -> APIRouter:
    r = APIRouter(tags=["plans"])

    @r.post("/agencies/{agency}/plans/{plan}/slice", status_code=201)
    def register_slice(guard: GuardDep, who: Caller, body: SliceBody, agency: str = AGENCY,
                       plan: str = PLAN) -> dict[str, Any]:
        """R-5.5: the agency's steward registers the provincial slice of its approved plan
        piloted in one province: what the other provinces adopt, and which provinces (all but
        the pilot by default). Once per plan."""
        return _slice(guard.provinces_writer().register_slice(
            agency, plan, who, description_fa=body.description_fa,
            description_en=body.description_en, to=body.provinces))

    @r.post("/agencies/{agency}/plans/{plan}/slice/endorse")
    def endorse_slice(guard: GuardDep, who: Caller, body: SliceEndorseBody | None = None,
                      agency: str = AGENCY, plan: str = PLAN) -> dict[str, Any]:
        """R-5.5: the agency's steering council endorses the registered slice; only a council
        account of the agency may."""
        return _slice(guard.provinces_writer().endorse_slice(
            agency, plan, who, body.resolution if body else None))

    @r.post("/agencies/{agency}/plans/{plan}/slice/send")
    def send_slice(guard: GuardDep, who: Caller, agency: str = AGENCY,
                   plan: str = PLAN) -> dict[str, Any]:
        """R-5.5: the agency sends the endorsed slice to the provinces; the plan's one-month
        clock stops (met today; `late` when after its due date)."""
        return _slice(guard.provinces_writer().send_slice(agency, plan, who))

    @r.get("/agencies/{agency}/plans/{plan}/slice", responses={
        404: {"description": "the plan has no provincial slice"}})
    def get_slice(guard: GuardDep, who: Caller, agency: str = AGENCY,
                  plan: str = PLAN) -> dict[str, Any]:
        """The plan's provincial slice (R-5.5): state, provinces, dates and its clock."""
        found = guard.provinces(who).provincial_slice(agency, plan)
        if found is None:
            raise HTTPException(404, {"detail": f"plan {plan} of {agency} has no provincial "
                                                "slice",
                                      "detail_fa": "این برنامه بخش استانی ثبت‌شده ندارد"})
        return _slice(found)

    @r.post("/agencies/{agency}/plans/{plan}/verifications", status_code=201)
    def verify(guard: GuardDep, who: Caller, body: VerificationBody, agency: str = AGENCY,
               plan: str = PLAN) -> dict[str, Any]:
        """R-8.1, R-8.2: the verifier of a province records its one report on the plan once
        every action is declared done: a verdict per indicator (confirmed or not, the value
        observed, a note), the process problems and suggestions seen in the province."""
        return _verification(guard.provinces_writer().record_verification(
            agency, plan, who, province=body.province,
            verdicts={k: v.model_dump() for k, v in body.indicators.items()},
            problems=body.problems, suggestions=body.suggestions))

    @r.get("/agencies/{agency}/plans/{plan}/verifications")
    def verifications(guard: GuardDep, who: Caller, agency: str = AGENCY,
                      plan: str = PLAN) -> dict[str, Any]:
        """The plan's verification reports (R-8.1, R-8.2), by province."""
        found = guard.provinces(who).verifications(agency, plan)
        return {"agency": agency, "plan": plan,
                "verifications": [_verification(v) for v in found]}

    return r
