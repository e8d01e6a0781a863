"""Deadlines and the six-monthly monitoring report as pages (ADR 0007, ADR 0031):
`/app/deadlines` is `GET /deadlines` (guard.deadlines: the steps' deadlines and the clocks
events started, with the agency and overdue filters), `/app/monitoring` is
`GET /reports/monitoring` (guard.monitoring_report, R-18) for a chosen period, with the same
CSV files. Dates in the Solar Hijri calendar, days in the reader's digits."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.auth import guard_of
from api.web.answers import page_of
from api.web.render import lang_of, page, translator
from api.web.session import Person
from catalog.access.principals import Principal
from catalog.cycle.deadlines import Period
from catalog.cycle.engine import TEHRAN
from catalog.cycle.obligations import Deadline
from catalog.cycle.reports import MonitoringReport, to_csv, to_findings_csv
from catalog.guard import Guard
from catalog.jalali import DateError
from catalog.resources import MAX_PAGE, ResourceQuery

PERIODS_SHOWN = 6  # the periods offered: this one and the five before it
FINDINGS = ("steps_late", "deadlines_missed", "rejected", "omissions")
_CSV = {"agencies": to_csv, "findings": to_findings_csv}


def today() -> date:
    """The day in Tehran, as the API judges deadlines (api.cycle)."""
    return datetime.now(UTC).astimezone(TEHRAN).date()


def agencies(guard: Guard, who: Principal, lang: str) -> list[tuple[str, str]]:
    """(code, name) of the agencies the reader sees, for the agency filter."""
    found = guard.list_resources(who, ResourceQuery("PublicOrganisation", limit=MAX_PAGE))
    out = []
    for n in found.items:
        code = str(n.props.get("identifier") or n.iri.rsplit("/", 1)[-1])
        name = n.props.get(f"prefLabel@{lang}") or n.props.get("prefLabel@fa") or code
        out.append((code, f"{name} ({code})"))
    return sorted(out, key=lambda pair: pair[1])


def due_row(d: Deadline, base: str) -> dict[str, Any]:
    return {"agency": d.agency, "step": d.step, "requirement": d.requirement,
            "what_fa": d.what_fa, "what_en": d.what_en, "subject": d.subject,
            "href": page_of(d.iri, base), "due": d.state.due, "days_left": d.state.days_left,
            "overdue": d.state.overdue}


def periods(day: date) -> list[Period]:
    """This period and those before it, newest first."""
    found, p = [], Period.of(day)
    for _ in range(PERIODS_SHOWN):
        found.append(p)
        p = Period(p.year, 1) if p.half == 2 else Period(p.year - 1, 2)
    return found


def period_name(p: Period, lang: str) -> str:
    return str(translator(lang)(f"au_period_h{p.half}", year=p.year))


def chosen_period(request: Request, day: date) -> Period:
    """The period asked for (`?period=1405-H1`), else the one running; one that cannot be
    read is refused with the core's bilingual words (a DateError)."""
    text = request.query_params.get("period", "").strip()
    return Period.parse(text) if text else Period.of(day)


def report_view(report: MonitoringReport, base: str) -> list[dict[str, Any]]:
    """Per agency, each kind of finding with the page of the record or step it is about."""
    return [{"agency": a, "findings": [(k, [(f, page_of(f.item, base)) for f in getattr(a, k)])
                                       for k in FINDINGS]}
            for a in report.agencies]


def router() -> APIRouter:
    r = APIRouter(prefix="/app", include_in_schema=False)

    @r.get("/deadlines")
    def deadlines(request: Request, who: Person, agency: str = "",
                  overdue: str = "") -> Response:
        guard = guard_of(request)
        day = today()
        found = [due_row(d, guard.registry.iris.base)
                 for d in guard.deadlines(who, day, agency.strip() or None)]
        if overdue:
            found = [d for d in found if d["overdue"]]
        return page(request, "au_deadlines.html", rows=found, today=day, agency=agency.strip(),
                    overdue=bool(overdue), agencies=agencies(guard, who, lang_of(request)))

    @r.get("/monitoring")
    def monitoring(request: Request, who: Person, agency: str = "") -> Response:
        return monitoring_page(request, who, agency.strip())

    @r.get("/monitoring/{name}.csv")
    def monitoring_csv(request: Request, who: Person, name: str, agency: str = "") -> Response:
        render = _CSV.get(name)
        if render is None:
            return monitoring_page(request, who, agency.strip(), status=404)
        p = chosen_period(request, today())
        report = guard_of(request).monitoring_report(who, p, agency.strip() or None)
        filename = f"monitoring-{p.label}{'-findings' if name == 'findings' else ''}.csv"
        return Response(render(report), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})

    return r


def monitoring_page(request: Request, who: Principal, agency: str,
                    status: int = 200) -> Response:
    guard = guard_of(request)
    lang = lang_of(request)
    day = today()
    shown = _choices(guard, who, day, lang, agency)
    try:
        p = chosen_period(request, day)
    except DateError as exc:
        return page(request, "au_monitoring.html", status=400, report=None, period=None,
                    refused=(400, exc.message_en, exc.message_fa), **shown)
    report = guard.monitoring_report(who, p, agency or None)
    found = report_view(report, guard.registry.iris.base)
    return page(request, "au_monitoring.html", status=status, report=report, period=p,
                period_title=period_name(p, lang), agencies_report=found, refused=None,
                **shown)


def _choices(guard: Guard, who: Principal, day: date, lang: str,
             agency: str) -> dict[str, Any]:
    return {"periods": [(p.label, period_name(p, lang)) for p in periods(day)],
            "agencies": agencies(guard, who, lang), "agency": agency}
