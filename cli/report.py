"""`govcat report …`: what the agency and the Organization report to govcat, and what govcat
reports back (R-3.3, R-5.5, R-7, R-18, R-19; ADR 0007). Thin commands over catalog.guard
(catalog.cycle.obligations and catalog.cycle.reports behind it).

Every command acts as the account of an API token (--token, $GOVCAT_TOKEN) or, on the server,
of a named account (--by), else as the local operator (cli.who, ADR 0008); it calls only
catalog.guard, and the policy decides what the principal may do.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from catalog.access.principals import Forbidden, Principal
from catalog.cycle.deadlines import DueState, Period
from catalog.cycle.engine import TEHRAN
from catalog.cycle.reports import to_csv, to_findings_csv, to_markdown
from catalog.cycle.states import CycleRefused
from catalog.guard import Guard
from catalog.jalali import DateError, parse_date, to_jalali_str
from cli.who import ByOpt, TokenOpt, acting, guard

report_app = typer.Typer(
    help="Report events to govcat (representative, emergency requests, duty changes, "
         "performance reports) and produce the monitoring report (R-18); a piloted plan's "
         "provincial slice is `govcat plans slice …` (R-5.5).",
    no_args_is_help=True)

AgencyOpt = Annotated[str, typer.Option("--agency", help="the agency's code, e.g. SABT")]
PeriodOpt = Annotated[str, typer.Option(
    "--period", help="YYYY-H1 (months 1-6) or YYYY-H2 (months 7-12), e.g. 1404-H1")]


def _who(token: str | None, by: str | None) -> tuple[Guard, Principal]:
    g = guard()
    return g, acting(g, token, by)


def _date(value: str | None, hint: str) -> date | None:
    try:
        return parse_date(value) if value else None
    except DateError as exc:
        raise typer.BadParameter(f"{exc.message_en} | {exc.message_fa}", param_hint=hint) from exc


def _period(value: str) -> Period:
    try:
        return Period.parse(value)
    except DateError as exc:
        raise typer.BadParameter(f"{exc.message_en} | {exc.message_fa}",
                                 param_hint="--period") from exc


def _fail(exc: CycleRefused | Forbidden) -> typer.Exit:
    """Forbidden (the policy): exit 3; refused by the rules of the cycle: exit 1 (as
    `govcat cycle`)."""
    if isinstance(exc, Forbidden):
        d = exc.denial
        typer.echo(f"forbidden [{d.requirement}]: {d.message_en}\n      {d.message_fa}",
                   err=True)
        return typer.Exit(3)
    for r in exc.reasons:
        typer.echo(f"refused [{r.requirement}]: {r.message_en}\n      {r.message_fa}", err=True)
    return typer.Exit(1)


@report_app.command("monitoring")
def monitoring(
    period: PeriodOpt,
    agency: Annotated[str | None, typer.Option("--agency", help="only this agency")] = None,
    fmt: Annotated[str, typer.Option(
        "--format", help="md (a document), csv (one row per agency) or findings "
                         "(CSV, one row per deviation)")] = "md",
    output: Annotated[Path | None, typer.Option("--output", help="write to this file")] = None,
    today: Annotated[str | None, typer.Option(
        "--today", help="as of this date (default: today in Tehran)")] = None,
    record: Annotated[bool, typer.Option(
        "--record", help="also record the report as issued for these agencies: their R-18 "
                         "clocks restart")] = False,
    by: ByOpt = None, token: TokenOpt = None,
) -> None:
    """The six-monthly deviation report (R-18): per agency, steps late, deadlines missed,
    records rejected and omissions in the period."""
    renderers = {"md": to_markdown, "csv": to_csv, "findings": to_findings_csv}
    if fmt not in renderers:
        raise typer.BadParameter("md, csv or findings", param_hint="--format")
    p = _period(period)
    day = _date(today, "--today")
    g, actor = _who(token, by)
    try:
        report = g.monitoring_report(actor, p, agency, day)
        recorded = (g.record_monitoring(actor, p, [a.code for a in report.agencies])
                    if record else [])
    except (CycleRefused, Forbidden) as exc:
        raise _fail(exc) from exc
    text = renderers[fmt](report)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"{output}: {len(report.agencies)} agency(ies), {p.label} as of "
                   f"{to_jalali_str(report.cutoff)}", err=True)
    if record:
        typer.echo(f"recorded as issued for: {', '.join(recorded) or 'none (already recorded)'}",
                   err=True)


@report_app.command("representative")
def representative(agency: AgencyOpt,
                   person: Annotated[str, typer.Option(
                       "--person", help="who is appointed: their account's name, so that "
                                        "they can file performance reports")],
                   by: ByOpt = None, token: TokenOpt = None) -> None:
    """Appoint the agency's representative (R-19); stops the 10-day clock."""
    g, actor = _who(token, by)
    try:
        a = g.appoint_representative(actor, agency, person)
    except (CycleRefused, Forbidden) as exc:
        raise _fail(exc) from exc
    typer.echo(f"{agency}: representative {a.person} from {to_jalali_str(a.appointed)}")


@report_app.command("emergency")
def emergency(
    agency: AgencyOpt,
    referred: Annotated[str, typer.Option("--referred", help="date referred by Foad 128")],
    subject: Annotated[str, typer.Option("--subject", help="what the request is about")],
    days: Annotated[int | None, typer.Option("--days", min=0, help="deadline in days")] = None,
    due: Annotated[str | None, typer.Option("--due", help="or: the due date")] = None,
    reference: Annotated[str | None, typer.Option("--reference",
                                                  help="the Foad 128 reference")] = None,
    by: ByOpt = None, token: TokenOpt = None,
) -> None:
    """Record an emergency request referred by Foad 128 with its own deadline (R-7)."""
    when = _date(referred, "--referred")
    assert when is not None
    until = _date(due, "--due")
    g, actor = _who(token, by)
    try:
        o = g.record_emergency(actor, agency, referred=when, subject=subject, days=days,
                               due=until, reference=reference)
    except (CycleRefused, Forbidden) as exc:
        raise _fail(exc) from exc
    typer.echo(f"{o.iri}: due {to_jalali_str(o.due)}")


@report_app.command("emergency-resolved")
def emergency_resolved(
    agency: AgencyOpt,
    request: Annotated[str, typer.Option("--request", help="its IRI or Foad 128 reference")],
    note: Annotated[str | None, typer.Option("--note")] = None,
    by: ByOpt = None, token: TokenOpt = None,
) -> None:
    """The agency handled an emergency request (R-7); it is no longer due."""
    g, actor = _who(token, by)
    try:
        g.resolve_emergency(actor, agency, request, note)
    except (CycleRefused, Forbidden) as exc:
        raise _fail(exc) from exc
    typer.echo(f"{agency}: {request} resolved")


@report_app.command("emergencies")
def emergencies(
    agency: Annotated[str | None, typer.Option("--agency", help="only this agency")] = None,
    state: Annotated[str | None, typer.Option(
        "--state", help="open, closed (resolved) or overdue; default every one")] = None,
    today: Annotated[str | None, typer.Option(
        "--today", help="count from this date (1404/01/15 or ISO); default: today in Tehran")
    ] = None,
    by: ByOpt = None, token: TokenOpt = None,
) -> None:
    """The emergency requests referred by Foad 128 (R-7, ADR 0028), earliest due first: state,
    Solar Hijri due date, days left or late."""
    day = _date(today, "--today") or datetime.now(UTC).astimezone(TEHRAN).date()
    g, actor = _who(token, by)
    try:
        found = g.list_emergencies(actor, day, agency, state)
    except (CycleRefused, Forbidden) as exc:
        raise _fail(exc) from exc
    for o in found:
        ref = f"#{o.reference}" if o.reference else o.iri.rsplit("/", 1)[-1]
        if o.open:
            status = f"open, due {DueState(o.due, day).describe()}"
        else:
            ended = to_jalali_str(o.ended) if o.ended else "?"
            late = " (late)" if o.ended and o.ended > o.due else ""
            status = f"closed {ended}{late}, was due {to_jalali_str(o.due)}"
        typer.echo(f"{o.agency:<8} {ref:<20} referred {to_jalali_str(o.clock_start)}  "
                   f"{status} — {o.subject or ''}")
    typer.echo(f"{len(found)} emergency request(s) as of {to_jalali_str(day)}", err=True)


@report_app.command("duties-changed")
def duties_changed(
    agency: AgencyOpt,
    on: Annotated[str | None, typer.Option("--on", help="when (default today)")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="what changed")] = None,
    by: ByOpt = None, token: TokenOpt = None,
) -> None:
    """The agency's duties changed (R-3.3): the update is due within 10 days."""
    day = _date(on, "--on")
    g, actor = _who(token, by)
    try:
        o = g.duties_changed(actor, agency, day, reason)
    except (CycleRefused, Forbidden) as exc:
        raise _fail(exc) from exc
    typer.echo(f"{agency}: duties update due {to_jalali_str(o.due)}" if o else
               f"{agency}: a duties update is already due")


@report_app.command("performance")
def performance(
    agency: AgencyOpt, period: PeriodOpt,
    progress: Annotated[str, typer.Option("--progress", help="how far the cycle is realized")],
    challenges: Annotated[str, typer.Option("--challenges")] = "",
    risks: Annotated[str, typer.Option("--risks")] = "",
    mitigations: Annotated[str, typer.Option("--mitigations")] = "",
    by: ByOpt = None, token: TokenOpt = None,
) -> None:
    """File the representative's performance report for a period (R-19): as the agency's
    current representative (its account)."""
    label = _period(period).label
    g, actor = _who(token, by)
    try:
        r = g.file_performance_report(actor, agency, period=label, progress=progress,
                                      challenges=challenges, risks=risks,
                                      mitigations=mitigations)
    except (CycleRefused, Forbidden) as exc:
        raise _fail(exc) from exc
    typer.echo(f"{agency}: performance report {r.period} filed ({r.steps_approved}/9 steps "
               "approved)")


@report_app.command("performances")
def performances(
    agency: Annotated[str | None, typer.Option("--agency", help="only this agency")] = None,
    by: ByOpt = None, token: TokenOpt = None,
) -> None:
    """The representatives' performance reports (R-19), and who represents each agency."""
    g, actor = _who(token, by)
    try:
        appointments = g.list_appointments(actor, agency)
        reports = g.list_performance_reports(actor, agency)
    except (CycleRefused, Forbidden) as exc:
        raise _fail(exc) from exc
    for a in appointments:
        until = f" until {to_jalali_str(a.ended)}" if a.ended else ""
        typer.echo(f"{a.agency:<8} representative {a.person} from "
                   f"{to_jalali_str(a.appointed)}{until}")
    for r in reports:
        typer.echo(f"{r.agency:<8} {r.period}  filed {to_jalali_str(r.issued)} by {r.by} "
                   f"({r.steps_approved}/9 steps approved)\n"
                   f"         progress: {r.progress}\n         challenges: {r.challenges}\n"
                   f"         risks: {r.risks}\n         mitigations: {r.mitigations}")
