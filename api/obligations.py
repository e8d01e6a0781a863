"""Clocks started by events, the representative, its performance reports and the monitoring
report over HTTP (ADR 0007): R-3.3, R-5.5, R-7, R-18, R-19.

Dates are accepted in the Solar Hijri calendar (1404/03/01, ۱۴۰۴/۰۳/۰۱) or as ISO dates
(2025-05-22) and shown both ways (`due` and `due_jalali`); a date or period that cannot be read
is a 422 whose message is in English and Persian. Every route hands its principal to
catalog.guard; none decides who may act.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    PlainValidator,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from api.auth import Caller, GuardDep
from api.cycle import AGENCY
from catalog.cycle import deadlines
from catalog.cycle.deadlines import DueState, Period
from catalog.cycle.engine import TEHRAN
from catalog.cycle.obligations import Appointment, Obligation, Report
from catalog.cycle.reports import (
    AgencyDeviations,
    Finding,
    MonitoringReport,
    to_csv,
    to_findings_csv,
    to_markdown,
)
from catalog.jalali import DateError, parse_date, to_jalali_str
from catalog.text import normalize_key

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


# -- dates and periods: read at the boundary, refused with a bilingual 422 ---------------------

def _bad(exc: DateError) -> PydanticCustomError:
    return PydanticCustomError("jalali_date", "{message_en} | {message_fa}",
                               {"message_en": exc.message_en, "message_fa": exc.message_fa})


def _day(value: object) -> date:
    if isinstance(value, date):
        return value
    try:
        return parse_date(str(value))
    except DateError as exc:
        raise _bad(exc) from exc


def _period(value: str) -> str:
    try:
        return Period.parse(value).label
    except DateError as exc:
        raise _bad(exc) from exc


Day = Annotated[date, PlainValidator(_day), WithJsonSchema({
    "type": "string",
    "description": "a Solar Hijri date (YYYY/MM/DD, Persian or Latin digits) or an ISO date",
    "examples": ["1404/03/01", "۱۴۰۴/۰۳/۰۱", "2025-05-22"]})]
PeriodLabel = Annotated[str, AfterValidator(_period)]


def _days(value: object) -> int:
    """A number of days, as a JSON number or as digits (Persian, Arabic-Indic or Latin)."""
    text = normalize_key(str(value)) if isinstance(value, str) else None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif text is not None and text.isascii() and text.isdigit():
        number = int(text)
    else:
        number = -1
    if not 0 <= number <= 3650:
        raise PydanticCustomError(
            "days", "{message_en} | {message_fa}",
            {"message_en": f"days is a whole number of days from 0 to 3650, not {value!r}",
             "message_fa": f"تعداد روز باید عددی درست از ۰ تا ۳۶۵۰ باشد، نه «{value}»"})
    return number


Days = Annotated[int, PlainValidator(_days), WithJsonSchema({
    "type": ["integer", "string"], "description": "days after the referral: a number, or "
    "digits in Persian or Latin", "examples": [10, "۱۰"]})]
PERIOD_EXAMPLES = ["1404-H1", "1404-H2"]
_DAY = " — Solar Hijri (1404/03/01, ۱۴۰۴/۰۳/۰۱) or ISO (2025-05-22)"


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _jalali(d: date | None) -> str | None:
    return to_jalali_str(d) if d else None


def _dated(name: str, d: date | None) -> dict[str, str | None]:
    """A date both ways: `name` (ISO) and `name_jalali`."""
    return {name: _iso(d), f"{name}_jalali": _jalali(d)}


def _today() -> date:
    return datetime.now(UTC).astimezone(TEHRAN).date()


# -- bodies ------------------------------------------------------------------------------------

class RepresentativeBody(BaseModel):
    person: str = Field(min_length=1, max_length=200,
                        description="who is appointed: the name of their account, so that they "
                                    "can file the agency's performance reports (R-19)",
                        examples=["ali.rezaei", "علی رضایی"])


class EmergencyBody(BaseModel):
    referred: Day = Field(description="the day Foad 128 referred the request (R-7)" + _DAY)
    subject: str = Field(min_length=1, max_length=2000, description="what the request is about",
                         examples=["صف طولانی صدور گواهی", "long queue for certificates"])
    days: int | None = Field(None, ge=0, le=3650,
                             description="its deadline in days after the referral; or `due`",
                             examples=[5])
    due: Day | None = Field(None, description="or: its due date" + _DAY)
    reference: str | None = Field(None, min_length=1, max_length=200,
                                  description="the Foad 128 reference, recorded once per agency",
                                  examples=["۱۲۸/۱۴۰۴/۵۵", "F128-1404-55"])

    @model_validator(mode="after")
    def _one_deadline(self) -> EmergencyBody:
        if (self.days is None) == (self.due is None):
            raise PydanticCustomError(
                "deadline", "{message_en} | {message_fa}",
                {"message_en": "give the request's deadline: either days or due",
                 "message_fa": "مهلت درخواست را تعیین کنید: تعداد روز (days) یا تاریخ سررسید "
                               "(due)، یکی از این دو"})
        return self


class Foad128Body(BaseModel):
    """An emergency improvement request as Foad 128 sends it (R-7, ADR 0028)."""

    reference: str = Field(min_length=1, max_length=200,
                           description="Foad 128's reference of the request: the same request "
                                       "sent again is answered with the stored one",
                           examples=["۱۲۸/۱۴۰۴/۵۵", "F128-1404-55"])
    agency: str = Field(min_length=1, max_length=100,
                        description="the code of the agency the request is referred to",
                        examples=["SABT"])
    referred: Day = Field(description="the day Foad 128 referred the request" + _DAY)
    subject: str = Field(min_length=1, max_length=2000, description="what the request is about",
                         examples=["صف طولانی صدور گواهی", "long queue for certificates"])
    days: Days | None = Field(None, description="the deadline the Organization set, in days "
                                                "after the referral; or `due`; neither: the "
                                                "default span of config/cycle.toml")
    due: Day | None = Field(None, description="or: its due date" + _DAY)

    @model_validator(mode="after")
    def _at_most_one_deadline(self) -> Foad128Body:
        if self.days is not None and self.due is not None:
            raise PydanticCustomError(
                "deadline", "{message_en} | {message_fa}",
                {"message_en": "give the request's deadline as days or as due, not both (R-7)",
                 "message_fa": "مهلت درخواست را یا با تعداد روز (days) یا با تاریخ سررسید "
                               "(due) بدهید، نه هر دو (R-7)"})
        return self


class EmergencyState(StrEnum):
    open = "open"
    closed = "closed"
    overdue = "overdue"


class ResolvedBody(BaseModel):
    note: str | None = Field(None, max_length=4000, description="how it was handled",
                             examples=["نوبت‌دهی برخط راه‌اندازی شد", "online booking opened"])


class DutiesChangedBody(BaseModel):
    on: Day | None = Field(None, description="the day the duties changed (default today)" + _DAY)
    reason: str | None = Field(None, max_length=4000, description="what changed",
                               examples=["قانون جدید ثبت احوال ابلاغ شد",
                                         "a new civil registration law"])


class PerformanceBody(BaseModel):
    period: PeriodLabel = Field(description="YYYY-H1 (months 1-6) or YYYY-H2 (months 7-12) "
                                            "of a Solar Hijri year", examples=PERIOD_EXAMPLES)
    progress: str = Field(min_length=1, max_length=20000,
                          description="how far the cycle is realized",
                          examples=["گام‌های ۱ و ۲ تأیید شد", "steps 1 and 2 approved"])
    challenges: str = Field("", max_length=20000, examples=["کمبود نیروی فنی",
                                                            "too few technical staff"])
    risks: str = Field("", max_length=20000, examples=["تأخیر در گام ۳", "step 3 may be late"])
    mitigations: str = Field("", max_length=20000, examples=["جذب مشاور ذی‌صلاح",
                                                             "hiring an accredited consultant"])


class MonitoringIssuedBody(BaseModel):
    period: PeriodLabel = Field(examples=PERIOD_EXAMPLES,
                                description="the period whose report was issued")
    agency: str | None = Field(None, max_length=100,
                               description="only this agency (default: every agency the "
                                           "report covers)", examples=["SABT"])


class MonitoringFormat(StrEnum):
    json = "json"
    csv = "csv"
    md = "md"
    findings = "findings"


# -- answers -----------------------------------------------------------------------------------

def _obligation(o: Obligation, today: date) -> dict[str, Any]:
    en, fa_text = deadlines.what(o.requirement)
    state = DueState(o.due, today) if o.open else None
    return {"iri": o.iri, "id": o.iri.rsplit("/", 1)[-1], "agency": o.agency,
            "requirement": o.requirement, "what": en, "what_fa": fa_text, "key": o.key,
            "state": o.state, "step": o.step, "unit": o.unit, "province": o.province,
            "subject": o.subject, "reference": o.reference,
            **_dated("clock_start", o.clock_start), **_dated("due", o.due),
            **_dated("ended", o.ended),
            "days_left": state.days_left if state else None,
            "overdue": state.overdue if state else False}


def _emergency(o: Obligation, today: date) -> dict[str, Any]:
    """An emergency request (R-7): its clock, `state` open or closed (resolved), and `late`:
    overdue while open, or resolved after its due date."""
    return {**_obligation(o, today), "state": "open" if o.open else "closed",
            "late": o.missed(today) if o.open else bool(o.ended and o.ended > o.due)}


def _appointment(a: Appointment) -> dict[str, Any]:
    return {"iri": a.iri, "agency": a.agency, "person": a.person,
            **_dated("appointed", a.appointed), **_dated("ended", a.ended),
            "current": a.ended is None}


def _report(r: Report) -> dict[str, Any]:
    return {"iri": r.iri, "agency": r.agency, "period": r.period, **_dated("issued", r.issued),
            "by": r.by, "progress": r.progress, "challenges": r.challenges, "risks": r.risks,
            "mitigations": r.mitigations, "steps_approved": r.steps_approved}


def _finding(f: Finding) -> dict[str, Any]:
    return {"requirement": f.requirement, "item": f.item, "what": f.en, "what_fa": f.fa,
            **_dated("due", f.due), "days_late": f.days_late, **_dated("on", f.on)}


def _deviations(a: AgencyDeviations) -> dict[str, Any]:
    return {"agency": a.code, "name_fa": a.name_fa, "name_en": a.name_en,
            "steps_approved": a.steps_approved, "representative": a.representative,
            **{k: [_finding(f) for f in getattr(a, k)]
               for k in ("steps_late", "deadlines_missed", "rejected", "omissions")}}


def _monitoring(report: MonitoringReport) -> dict[str, Any]:
    p = report.period
    return {"period": p.label, **_dated("start", p.start), **_dated("end", p.end),
            **_dated("as_of", report.cutoff),
            "agencies": [_deviations(a) for a in report.agencies]}


_TEXT = {MonitoringFormat.csv: (to_csv, "text/csv", "csv"),
         MonitoringFormat.findings: (to_findings_csv, "text/csv", "csv"),
         MonitoringFormat.md: (to_markdown, "text/markdown", "md")}


# -- routes ------------------------------------------------------------------------------------

def router() -> APIRouter:
    r = APIRouter(tags=["cycle"])
    _representative_routes(r)
    _clock_routes(r)
    _report_routes(r)
    return r


def _representative_routes(r: APIRouter) -> None:
    """The agency's representative (R-19)."""

    @r.post("/agencies/{agency}/representative", status_code=201)
    def appoint(guard: GuardDep, who: Caller, body: RepresentativeBody,
                agency: str = AGENCY) -> dict[str, Any]:
        """R-19: the agency's steward appoints its representative (the previous one's
        membership ends); the clock of 10 days from the start of the agency's cycle stops."""
        return _appointment(guard.appoint_representative(who, agency, body.person))

    @r.get("/agencies/{agency}/representative")
    def representative(guard: GuardDep, who: Caller, agency: str = AGENCY) -> dict[str, Any]:
        """The agency's current representative (R-19), or null, and every appointment."""
        found = guard.list_appointments(who, agency)
        current = [a for a in found if a.ended is None]
        return {"agency": agency, "current": _appointment(current[-1]) if current else None,
                "appointments": [_appointment(a) for a in found]}


def _clock_routes(r: APIRouter) -> None:
    """The events that start or stop clocks: emergencies (R-7), changed duties (R-3.3). The
    R-5.5 clock of a piloted plan stops when its provincial slice is sent (api/provinces.py,
    ADR 0030)."""

    @r.post("/agencies/{agency}/emergencies", status_code=201)
    def emergency(guard: GuardDep, who: Caller, body: EmergencyBody,
                  agency: str = AGENCY) -> dict[str, Any]:
        """R-7: a reviewer of the Organization records an emergency improvement request
        referred by Foad 128, due `days` after its referral or on `due`. It is listed in
        /deadlines until the agency reports it resolved."""
        o = guard.record_emergency(who, agency, referred=body.referred, subject=body.subject,
                                   days=body.days, due=body.due, reference=body.reference)
        return _obligation(o, _today())

    @r.post("/foad128/emergency-requests", status_code=201,
            responses={200: {"description": "sent before with the same content: the stored "
                                            "request, nothing written"},
                       409: {"description": "the same reference with another agency, "
                                            "subject, referral date or due date"}})
    def foad128_request(guard: GuardDep, who: Caller, body: Foad128Body,
                        response: Response) -> dict[str, Any]:
        """R-7 (ADR 0028): Foad 128's system account (role `system`, scope
        `submit:emergency-requests`) sends an emergency improvement request it referred to an
        agency, with the deadline the Organization set: `days` or `due`, or neither (the
        default span of config/cycle.toml). 201: recorded, due in the Solar Hijri calendar and
        listed in /deadlines until the agency resolves it. Idempotent by `reference`: the same
        request sent again is a 200 with the stored request (the same IRI); the same
        reference with other content is a 409 naming each difference."""
        received = guard.receive_emergency(who, body.agency, reference=body.reference,
                                           referred=body.referred, subject=body.subject,
                                           days=body.days, due=body.due)
        if not received.created:
            response.status_code = 200
        return {**_emergency(received.request, _today()), "created": received.created}

    @r.get("/agencies/{agency}/emergencies")
    def emergencies(guard: GuardDep, who: Caller, agency: str = AGENCY,
                    state: Annotated[EmergencyState | None, Query(
                        description="open, closed (resolved) or overdue (open and past due); "
                                    "default every one")] = None) -> list[dict[str, Any]]:
        """R-7: the agency's emergency requests referred by Foad 128, earliest due first,
        with their Solar Hijri dates, days left (negative: late), and state."""
        today = _today()
        return [_emergency(o, today) for o in guard.list_emergencies(
            who, today, agency, state.value if state else None)]

    @r.post("/agencies/{agency}/emergencies/{ref:path}/resolved")
    def emergency_resolved(
            guard: GuardDep, who: Caller, body: ResolvedBody | None = None,
            agency: str = AGENCY,
            ref: str = Path(description="the request's Foad 128 reference, its `id` or its IRI",
                            examples=["F128-1404-55"])) -> dict[str, Any]:
        """R-7: the agency handled the request; its clock stops and it is no longer due."""
        request = str(guard.registry.iris.owned("obligation", agency, ref)) \
            if _UUID.fullmatch(ref) else ref
        guard.resolve_emergency(who, agency, request, body.note if body else None)
        return {"agency": agency, "request": ref, "resolved": True}

    @r.post("/agencies/{agency}/duties-changed")
    def duties_changed(guard: GuardDep, who: Caller,
                       body: DutiesChangedBody | None = None,
                       agency: str = AGENCY) -> dict[str, Any]:
        """R-3.3: the agency's duties changed (a new law, a duty edited after approval): the
        update is due within 10 days, when step 1 is submitted again. `started` is false when
        an update is already due."""
        body = body or DutiesChangedBody(on=None, reason=None)
        o = guard.duties_changed(who, agency, body.on, body.reason)
        return {"agency": agency, "started": o is not None,
                "obligation": _obligation(o, _today()) if o else None}


def _report_routes(r: APIRouter) -> None:
    """Performance reports (R-19), the clocks, the monitoring report (R-18)."""

    @r.post("/agencies/{agency}/performance-reports", status_code=201)
    def file_performance(guard: GuardDep, who: Caller, body: PerformanceBody,
                         agency: str = AGENCY) -> dict[str, Any]:
        """R-19: the agency's current representative files its performance report for a
        period that has begun; one per agency and period."""
        return _report(guard.file_performance_report(
            who, agency, period=body.period, progress=body.progress,
            challenges=body.challenges, risks=body.risks, mitigations=body.mitigations))

    @r.get("/agencies/{agency}/performance-reports")
    def performance_reports(guard: GuardDep, who: Caller,
                            agency: str = AGENCY) -> list[dict[str, Any]]:
        """The agency's performance reports (R-19), by period."""
        return [_report(x) for x in guard.list_performance_reports(who, agency)]

    @r.get("/obligations")
    def obligations(guard: GuardDep, who: Caller,
                    agency: str | None = Query(None, description="only this agency",
                                               examples=["SABT"]),
                    only_open: bool = Query(False, alias="open",
                                            description="only the clocks still running")
                    ) -> list[dict[str, Any]]:
        """The clocks started by events (R-3.3, R-5.5, R-7, R-18, R-19), running and met,
        with their start, due and end dates in ISO and Solar Hijri."""
        today = _today()
        return [_obligation(o, today) for o in guard.list_obligations(who, agency, only_open)]

    @r.get("/reports/monitoring", response_model=None, responses={200: {"content": {
        "application/json": {}, "text/csv": {}, "text/markdown": {}}}})
    def monitoring(guard: GuardDep, who: Caller,
                   period: Annotated[PeriodLabel, Query(
                       description="YYYY-H1 (months 1-6) or YYYY-H2 (months 7-12)",
                       examples=PERIOD_EXAMPLES)],
                   agency: str | None = Query(None, description="only this agency"),
                   format: Annotated[MonitoringFormat, Query(
                       description="json; csv (one row per agency); findings (CSV, one row "
                                   "per deviation); md (a bilingual document)")
                   ] = MonitoringFormat.json) -> dict[str, Any] | Response:
        """R-18: the six-monthly deviation report — per agency, steps late, deadlines missed
        and records rejected in the period, and omissions — as of the period's end, or of
        today while it runs. Auditors, reviewers and administrators."""
        report = guard.monitoring_report(who, Period.parse(period), agency)
        if format is MonitoringFormat.json:
            return _monitoring(report)
        render, media, ext = _TEXT[format]
        name = f"monitoring-{period}{'-findings' if format is MonitoringFormat.findings else ''}"
        return Response(render(report), media_type=f"{media}; charset=utf-8",
                        headers={"Content-Disposition": f'inline; filename="{name}.{ext}"'})

    @r.post("/reports/monitoring", status_code=201)
    def monitoring_issued(guard: GuardDep, who: Caller,
                          body: MonitoringIssuedBody) -> dict[str, Any]:
        """R-18: record the monitoring report of a period as issued for every agency it
        covers (or one): each one's six-month clock restarts. Agencies recorded before for
        the period are left as they are."""
        p = Period.parse(body.period)
        report = guard.monitoring_report(who, p, body.agency)
        codes = [a.code for a in report.agencies]
        recorded = guard.record_monitoring(who, p, codes)
        return {"period": p.label, "recorded": recorded,
                "already": [c for c in codes if c not in recorded]}
