"""The six-monthly deviation report of R-18: per agency, steps late, deadlines missed in the
period, records rejected in the period (from the PROV change events, R-16) and omissions, as
CSV (safe to open in a spreadsheet: catalog.csvsafe) and as a readable bilingual Markdown
document with Solar Hijri dates (ADR 0007).

`read_facts` reads the store once per kind of fact (catalog.port.CyclePort); everything
after is pure functions over those facts, so the same facts give the same report. A report is
computed as of the period's end, or as of today while the period runs ("cutoff"): a step's
state at the cutoff is the state its last change event before then left it in.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from catalog import csvsafe
from catalog.access.policy import Act
from catalog.cycle import deadlines
from catalog.cycle.deadlines import Period
from catalog.cycle.facts import AgencyEvent, StoredAgency
from catalog.cycle.obligations import Appointment, Obligation, Obligations, Report
from catalog.cycle.states import STATE_LABELS, Actor, CycleRefused, Reason, State
from catalog.jalali import to_jalali_str

if TYPE_CHECKING:
    from catalog.cycle.engine import Cycle, StepStatus

TEHRAN = ZoneInfo("Asia/Tehran")
T = TypeVar("T")
STEP_ACTIONS = ("start", "submit", "approve", "reject", "reopen")
_LABEL_KIND = {"Duty": ("duty", "وظیفه"), "PublicService": ("service", "خدمت"),
               "AgencyStep": ("step", "گام")}


@dataclass(frozen=True)
class Finding:
    """One deviation: what, the requirement it falls short of, when it was due or happened."""

    requirement: str
    item: str  # the step, record or clock concerned (an IRI or a code)
    en: str
    fa: str
    due: date | None = None
    days_late: int | None = None
    on: date | None = None


@dataclass
class AgencyDeviations:
    code: str
    name_fa: str
    name_en: str
    steps_approved: int
    representative: str | None
    steps_late: list[Finding] = field(default_factory=list)
    deadlines_missed: list[Finding] = field(default_factory=list)
    rejected: list[Finding] = field(default_factory=list)
    omissions: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class MonitoringReport:
    period: Period
    cutoff: date  # facts as of the end of this day
    agencies: list[AgencyDeviations]


@dataclass(frozen=True)
class StepEvent:
    code: str
    step_iri: str
    action: str
    to_state: str | None
    on: date


def _tehran_date(stamp: str) -> date:
    return datetime.fromisoformat(stamp).astimezone(TEHRAN).date()


def _refuse(en: str, fa_text: str, requirement: str) -> CycleRefused:
    return CycleRefused([Reason(en, fa_text, requirement)])


# -- reading the facts --------------------------------------------------------------------------

class Rejected(NamedTuple):
    """A rejection in the period: its change event and the day (in Tehran) it happened."""

    event: AgencyEvent
    on: date


@dataclass(frozen=True)
class Facts:
    """What the report reads of the store, once per kind of fact, by agency code (an agency
    with none of a kind has an empty list of it)."""

    agencies: list[StoredAgency]
    steps: defaultdict[str, list[StepStatus]]
    step_events: defaultdict[str, list[StepEvent]]  # by the step's IRI
    rejections: defaultdict[str, list[Rejected]]
    obligations: defaultdict[str, list[Obligation]]
    appointments: defaultdict[str, list[Appointment]]
    reports: defaultdict[str, list[Report]]
    omissions: defaultdict[str, list[Finding]]


def monitoring_report(cycle: Cycle, period: Period, actor: Actor, agency: str | None = None,
                      today: date | None = None) -> MonitoringReport:
    """The R-18 report of `period` for every agency (top-level agencies and any agency whose
    cycle has begun) or for one; an auditor, a reviewer or an administrator may produce it."""
    ob = Obligations(cycle)
    ob._authorize(Act.MONITOR, actor)
    today = today or cycle._today()
    if period.start > today:
        raise _refuse(f"the period {period} has not begun", f"دوره {period} هنوز آغاز نشده است",
                      "R-18")
    cutoff = min(period.end, today)
    facts = read_facts(cycle, ob, period, cutoff, agency)
    out = []
    for code, row in _dedupe(facts.agencies).items():
        begun = any(_state_at(facts.step_events[cycle.step_iri(code, s.step)], cutoff)
                    is not State.NOT_STARTED for s in facts.steps[code])
        if agency is None and row.parent and not begun:
            continue  # a provincial, subsidiary or delegated body follows its parent
        out.append(agency_deviations(
            row, period, cutoff, facts.steps[code], facts.step_events,
            cycle.config.plan_first_year, facts.obligations[code], facts.rejections[code],
            facts.appointments[code], facts.reports[code], facts.omissions[code], cycle))
    return MonitoringReport(period, cutoff, out)


def read_facts(cycle: Cycle, ob: Obligations, period: Period, cutoff: date,
               agency: str | None) -> Facts:
    """Every fact the report of `period` (as of `cutoff`) needs, of one agency or all: one
    read of the store per kind of fact."""
    agency_iri = str(cycle.iris.agency(agency)) if agency else None
    agencies = cycle.store.agencies(agency_iri)
    if agency and not agencies:
        raise ob._unknown(agency)
    steps: defaultdict[str, list[StepStatus]] = defaultdict(list)
    for code, status in cycle.all_steps():
        if agency is None or code == agency:
            steps[code].append(status)
    step_events, rejections = _events(cycle.store.agency_events(agency_iri, STEP_ACTIONS),
                                      period, cutoff)
    return Facts(agencies, steps, step_events, rejections,
                 _by_agency(ob.obligations(agency), lambda o: o.agency),
                 _by_agency(ob.appointments(agency), lambda a: a.agency),
                 _by_agency(ob.performance_reports(agency), lambda r: r.agency),
                 _omission_rows(cycle, agency_iri))


def _events(events: list[AgencyEvent], period: Period,
            cutoff: date) -> tuple[defaultdict[str, list[StepEvent]],
                                   defaultdict[str, list[Rejected]]]:
    """The steps' change events by step IRI, and the rejections in the period by agency."""
    step_events: defaultdict[str, list[StepEvent]] = defaultdict(list)
    rejections: defaultdict[str, list[Rejected]] = defaultdict(list)
    for e in events:
        on = _tehran_date(e.at)
        if "AgencyStep" in e.labels:
            step_events[e.target].append(StepEvent(e.code, e.target, e.action, e.to_state, on))
        if e.action == "reject" and period.start <= on <= cutoff:
            rejections[e.code].append(Rejected(e, on))
    return step_events, rejections


def _by_agency(items: Iterable[T], agency: Callable[[T], str]) -> defaultdict[str, list[T]]:
    found: defaultdict[str, list[T]] = defaultdict(list)
    for item in items:
        found[agency(item)].append(item)
    return found


def _dedupe(rows: list[StoredAgency]) -> dict[str, StoredAgency]:
    """The first row of each agency code, in order."""
    seen: dict[str, StoredAgency] = {}
    for r in rows:
        if r.code and r.code not in seen:
            seen[r.code] = r
    return seen


def _omission_rows(cycle: Cycle, agency: str | None) -> defaultdict[str, list[Finding]]:
    """Omissions in the catalog as it stands (R-4.1, R-3.2): duties no service maps to,
    services mapped to no duty or to duties without a duty ID. Withdrawn and rejected
    records are left out."""
    found: defaultdict[str, list[Finding]] = defaultdict(list)
    gone = ("withdrawn", "rejected")
    for d in cycle.store.duties_without_service(agency):
        if d.status in gone:
            continue
        found[d.code].append(Finding(
            "R-4.1", d.iri, f"duty {d.ref} has no service mapped to it",
            f"هیچ خدمتی به وظیفه {d.ref} نگاشت نشده است"))
    for s in cycle.store.service_mappings(agency):
        if s.status in gone:
            continue
        if not s.duties:
            found[s.code].append(Finding(
                "R-4.1", s.iri, f"service {s.ref} is mapped to no duty",
                f"خدمت {s.ref} به هیچ وظیفه‌ای نگاشت نشده است"))
        elif s.with_id < s.duties:
            missing = s.duties - s.with_id
            found[s.code].append(Finding(
                "R-4.1", s.iri,
                f"service {s.ref} is mapped to {missing} duty(ies) without a duty ID",
                f"خدمت {s.ref} به {missing} وظیفه بدون شناسه وظیفه نگاشت شده است"))
    return found


# -- pure functions over the facts ---------------------------------------------------------------

def _state_at(events: list[StepEvent], day: date) -> State:
    """The state a step was in at the end of `day`: where its last event before then left it."""
    state = State.NOT_STARTED
    for e in events:  # oldest first
        if e.on <= day and e.to_state:
            state = State(e.to_state)
    return state


def _first_submit(events: list[StepEvent], since: date) -> date | None:
    days = [e.on for e in events if e.action == "submit" and e.on >= since]
    return min(days) if days else None


def agency_deviations(row: StoredAgency, period: Period, cutoff: date,
                      steps: list[StepStatus], step_events: dict[str, list[StepEvent]],
                      plan_first_year: int, obligations: list[Obligation],
                      rejections: list[Rejected], appointments: list[Appointment],
                      reports: list[Report], omissions: list[Finding],
                      cycle: Cycle) -> AgencyDeviations:
    code = str(row.code)
    states = {s.step: _state_at(step_events[cycle.step_iri(code, s.step)], cutoff)
              for s in steps}
    current = [a for a in appointments if a.current_on(cutoff)]
    dev = AgencyDeviations(code, _text(row.name_fa) or code, _text(row.name_en) or code,
                           sum(1 for st in states.values() if st is State.APPROVED),
                           current[-1].person if current else None)
    for s in sorted(steps, key=lambda s: s.step):
        _step_findings(dev, s, states[s.step], step_events[cycle.step_iri(code, s.step)],
                       period, cutoff, plan_first_year, cycle.step_iri(code, s.step))
    for o in sorted(obligations, key=lambda o: (o.due, o.iri)):
        _obligation_findings(dev, o, period, cutoff)
    for e, on in rejections:
        kind_en, kind_fa = next((_LABEL_KIND[x] for x in e.labels if x in _LABEL_KIND),
                                ("record", "رکورد"))
        what = f"step {e.step}" if kind_en == "step" else f"{kind_en} {e.ref or e.target}"
        what_fa = f"گام {e.step}" if kind_en == "step" else f"{kind_fa} {e.ref or ''}"
        why = f": {e.reason}" if e.reason else ""
        dev.rejected.append(Finding(
            "R-2.1", e.target, f"{what} rejected by {e.actor}{why}",
            f"{what_fa} رد شد{why}", on=on))
    begun = any(st is not State.NOT_STARTED for st in states.values())
    if not begun:
        dev.omissions.append(Finding("R-2.1", code, "the cycle has not begun",
                                     "چرخه هوشمندسازی آغاز نشده است"))
    if begun and not current:
        dev.omissions.append(Finding("R-19", code, "no representative appointed",
                                     "نماینده دستگاه تعیین نشده است"))
    if current and cutoff == period.end and not any(r.period == period.label for r in reports):
        dev.omissions.append(Finding(
            "R-19", code, f"no performance report filed for {period}",
            f"گزارش عملکرد دوره {period} ثبت نشده است"))
    dev.omissions.extend(omissions)
    return dev


def _text(value: Any) -> str:
    if isinstance(value, list):
        return " / ".join(map(str, value))
    return str(value) if value else ""


def _step_findings(dev: AgencyDeviations, s: StepStatus, state: State,
                   events: list[StepEvent], period: Period, cutoff: date,
                   plan_first_year: int, iri: str) -> None:
    rule = s.config.deadline
    if rule is None:
        return
    clock = s.clock_start if s.clock_start and s.clock_start <= cutoff else None
    due = deadlines.step_due(rule.months, rule.days, rule.plan_year_end, clock, plan_first_year)
    if due is None:
        return
    en, fa_text = deadlines.what(rule.requirement)
    if due < cutoff and state not in (State.SUBMITTED, State.APPROVED):
        dev.steps_late.append(Finding(
            rule.requirement, iri,
            f"step {s.step} ({en}) is {STATE_LABELS[state][0]}",
            f"گام {s.step} ({fa_text}) {STATE_LABELS[state][1]} است",
            due=due, days_late=(cutoff - due).days))
    if not period.start <= due < cutoff:
        return
    submitted = _first_submit(events, clock or date.min)
    if submitted is None or submitted > due:
        dev.deadlines_missed.append(Finding(
            rule.requirement, iri, f"step {s.step}: {en}", f"گام {s.step}: {fa_text}",
            due=due, days_late=((submitted or cutoff) - due).days, on=submitted))


def _obligation_findings(dev: AgencyDeviations, o: Obligation, period: Period,
                         cutoff: date) -> None:
    """A clock missed in the period: due in it and not met by then, or due before it and
    still running when it began."""
    due_in = period.start <= o.due < cutoff and o.missed(cutoff)
    carried = (o.due < period.start and o.clock_start <= cutoff
               and (o.ended is None or o.ended >= period.start))
    if not (due_in or carried):
        return
    en, fa_text = deadlines.what(o.requirement)
    subject = Obligations._subject(o)
    tail = f" — {subject}" if subject else ""
    met = o.ended if o.ended and o.ended <= cutoff else None
    dev.deadlines_missed.append(Finding(
        o.requirement, o.iri, f"{en}{tail}", f"{fa_text}{tail}", due=o.due,
        days_late=((met or cutoff) - o.due).days, on=met))


# -- rendering ----------------------------------------------------------------------------------

CSV_COLUMNS = ("period", "as_of", "agency", "name_fa", "name_en", "steps_approved",
               "steps_late", "deadlines_missed", "records_rejected", "omissions",
               "representative")
FINDING_COLUMNS = ("period", "as_of", "agency", "category", "requirement", "item", "due",
                   "days_late", "on", "what_en", "what_fa")
_CATEGORIES = (("steps_late", "گام‌های با تأخیر", "Steps late"),
               ("deadlines_missed", "مهلت‌های ازدست‌رفته در دوره", "Deadlines missed in the period"),
               ("rejected", "رکوردهای ردشده در دوره", "Records rejected in the period"),
               ("omissions", "کاستی‌ها", "Omissions"))


def _jalali(d: date | None) -> str:
    return to_jalali_str(d) if d else ""


def to_csv(report: MonitoringReport) -> str:
    """One row per agency: the counts of each kind of deviation."""
    buf = io.StringIO()
    w = csvsafe.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for a in report.agencies:
        w.writerow([report.period.label, _jalali(report.cutoff), a.code, a.name_fa, a.name_en,
                    a.steps_approved, len(a.steps_late), len(a.deadlines_missed),
                    len(a.rejected), len(a.omissions), a.representative or ""])
    return buf.getvalue()


def to_findings_csv(report: MonitoringReport) -> str:
    """One row per deviation, for whoever wants to sort and filter them."""
    buf = io.StringIO()
    w = csvsafe.writer(buf, lineterminator="\n")
    w.writerow(FINDING_COLUMNS)
    for a in report.agencies:
        for category, _, _ in _CATEGORIES:
            for f in getattr(a, category):
                w.writerow([report.period.label, _jalali(report.cutoff), a.code, category,
                            f.requirement, f.item, _jalali(f.due),
                            "" if f.days_late is None else f.days_late, _jalali(f.on), f.en,
                            f.fa])
    return buf.getvalue()


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _line(f: Finding) -> str:
    parts = [f"[{f.requirement}] {f.en}"]
    if f.due:
        parts.append(f"due {_jalali(f.due)}")
    if f.days_late is not None:
        parts.append(f"{f.days_late} day(s) late")
    if f.on:
        parts.append(f"on {_jalali(f.on)}")
    return f"- {' · '.join(parts)}  \n  {f.fa}"


def to_markdown(report: MonitoringReport) -> str:
    """The report as a document: a summary table, then each agency's deviations."""
    p = report.period
    lines = [
        "# گزارش پایش شش‌ماهه چرخه هوشمندسازی خدمات",
        "# Six-monthly monitoring report of the service intelligentization cycle (R-18)",
        "",
        f"- دوره / Period: **{p.label}** ({_jalali(p.start)} – {_jalali(p.end)})",
        f"- وضعیت تا پایان روز / As of the end of: **{_jalali(report.cutoff)}**",
        f"- دستگاه‌ها / Agencies: {len(report.agencies)}",
        "",
        "## خلاصه / Summary",
        "",
        "| دستگاه / Agency | گام‌های تأییدشده / Steps approved | گام‌های با تأخیر / Steps late "
        "| مهلت‌های ازدست‌رفته / Deadlines missed | ردشده‌ها / Rejected "
        "| کاستی‌ها / Omissions | نماینده / Representative |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for a in report.agencies:
        lines.append(
            f"| {_cell(a.code)} — {_cell(a.name_fa)} | {a.steps_approved}/9 "
            f"| {len(a.steps_late)} | {len(a.deadlines_missed)} | {len(a.rejected)} "
            f"| {len(a.omissions)} | {_cell(a.representative or '—')} |")
    for a in report.agencies:
        lines += ["", f"## {a.code} — {a.name_fa}", f"{a.name_en}", ""]
        for category, fa_title, en_title in _CATEGORIES:
            items = getattr(a, category)
            lines.append(f"### {fa_title} / {en_title} ({len(items)})")
            lines.append("")
            lines += [_line(f) for f in items] or ["- هیچ / none"]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
