"""Deadlines started by events, the agency's representative and its performance reports
(R-3.3, R-5.5, R-7, R-18, R-19), kept in the graph beside the steps of the cycle (ADR 0007).

A clock is an `Obligation` node: the requirement it comes from (`article`), the day it started
(`clockStart`), its due date (`dueDate`, in Solar Hijri arithmetic, catalog.cycle.deadlines),
and `state` open or met (`endedOn`: the day it stopped). When each starts and stops:

- R-3.3, update duties within 10 days: starts when step 1 is reopened or `duties_changed`
  is reported (a duty edited after approval, a new law); stops when step 1 is submitted.
- R-5.5, the provincial slice within one month, one clock per provincial unit: starts when
  step 3 is approved; stops at `provincial_slice_registered`.
- R-7, an emergency request referred by Foad 128, by its own deadline: starts at
  `record_emergency`; stops at `resolve_emergency`.
- R-19, appoint the representative within 10 days: starts when the agency's cycle starts (its
  first step started); stops at `appoint_representative`.
- R-18, monitor within six months: starts when the agency's cycle starts, and again at each
  `record_monitoring`; stops at `record_monitoring`.

Every function that writes takes the acting `Actor`; `Obligations._authorize` is the one place
that asks the policy (catalog.access.policy) whether the actor may.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from catalog.access.policy import Act
from catalog.cycle import deadlines
from catalog.cycle.deadlines import DueState, Period
from catalog.cycle.facts import (
    MET,
    OPEN,
    ClockChange,
    ClockStart,
    ClockStop,
    CycleEvent,
    StoredObligation,
)
from catalog.cycle.states import Action, Actor, CycleRefused, Reason, State
from catalog.decided import MONITORING_REPORT, PERFORMANCE_REPORT
from catalog.jalali import to_jalali_str
from catalog.trail_chain import TrailChain
from catalog.vocab import concept

if TYPE_CHECKING:
    from catalog.cycle.engine import Cycle

# OPEN and MET, the states of a clock, are values the store takes too (catalog.cycle.facts).
__all__ = ["MET", "OPEN", "R_3_3", "R_18", "R_19", "REVIEW_KEY", "Appointment", "Deadline",
           "Obligation", "Obligations", "Report"]

# Clock keys: one open clock per key and agency; start once per agency.
R_3_3, R_18, R_19 = "R-3.3", "R-18", "R-19"
# A record put to review by a duty change: the key is this prefix and its IRI.
REVIEW_KEY = "R-3.3/review/"

_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF]")


@dataclass(frozen=True)
class Obligation:
    """A deadline started by an event."""

    iri: str
    agency: str
    requirement: str
    key: str
    state: str
    clock_start: date
    due: date
    ended: date | None
    step: int | None
    unit: str | None  # the provincial unit of an slice
    province: str | None
    subject: str | None  # an emergency request's subject
    reference: str | None  # an emergency request's Foad 128 reference

    @property
    def open(self) -> bool:
        return self.state == OPEN

    def missed(self, day: date) -> bool:
        """Whether, by the end of `day`, the deadline had passed without being met."""
        if self.due >= day or self.clock_start > day:
            return False
        return self.ended is None or self.ended > self.due


@dataclass(frozen=True)
class Deadline:
    """One line of `govcat deadlines`: a step's deadline or a clock started by an event."""

    agency: str
    requirement: str
    what_en: str
    what_fa: str
    state: DueState
    step: int | None
    subject: str | None
    iri: str


@dataclass(frozen=True)
class Appointment:
    """The agency's representative (R-19): an org:Membership of a person in the agency."""

    iri: str
    agency: str
    person: str
    appointed: date
    ended: date | None

    def current_on(self, day: date) -> bool:
        return self.appointed <= day and (self.ended is None or self.ended > day)


@dataclass(frozen=True)
class Report:
    """A performance report of the representative (R-19) or a monitoring report (R-18)."""

    iri: str
    agency: str
    period: str
    issued: date
    by: str | None
    progress: str | None = None
    challenges: str | None = None
    risks: str | None = None
    mitigations: str | None = None
    steps_approved: int | None = None


def _refuse(en: str, fa_text: str, requirement: str) -> CycleRefused:
    return CycleRefused([Reason(en, fa_text, requirement)])


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _title(text: str) -> dict[str, str]:
    """A free-text subject as a language-tagged title: Persian when written in Arabic script."""
    return {"title@fa" if _ARABIC_SCRIPT.search(text) else "title@en": text}


class Obligations:
    def __init__(self, cycle: Cycle) -> None:
        self.cycle = cycle
        self.store = cycle.store
        self.iris = cycle.iris

    # -- authorization: the one place, backed by the policy ---------------------------------

    def _authorize(self, act: Act, actor: Actor, agency: str | None = None) -> None:
        """Whether `actor` may take `act` (on `agency`): asks catalog.access.policy, which
        raises Forbidden (R-19 appoint and file, R-7 record, R-18 monitor, R-16 read)."""
        self.cycle.policy.check(actor, act, agency=agency)

    # -- reading ----------------------------------------------------------------------------

    def obligations(self, agency: str | None = None, only_open: bool = False) -> list[Obligation]:
        rows = self.store.obligations(str(self.iris.agency(agency)) if agency else None,
                                      OPEN if only_open else None)
        return [self._obligation(r) for r in rows]

    @staticmethod
    def _obligation(row: StoredObligation) -> Obligation:
        props = row.props
        clock, due = _day(props.get("clockStart")), _day(props.get("dueDate"))
        assert clock is not None and due is not None, row
        subject = props.get("title@fa") or props.get("title@en")
        return Obligation(
            iri=row.iri, agency=row.code, requirement=str(props["article"]),
            key=str(props["clockKey"]), state=str(props["state"]), clock_start=clock, due=due,
            ended=_day(props.get("endedOn")), step=row.step, unit=row.unit,
            province=row.province, subject=str(subject) if subject else None,
            reference=str(props["identifier"]) if props.get("identifier") else None)

    def deadlines(self, today: date, agency: str | None = None) -> list[Deadline]:
        """Everything due: the steps' open deadlines (R-3.1, R-4.1, R-6.1, R-11, from
        Cycle.deadlines) and the open clocks started by events (R-3.3, R-5.5, R-7, R-18,
        R-19), earliest first."""
        found = [Deadline(d.agency, d.requirement, d.what_en, d.what_fa, d.state, d.step, None,
                          self.cycle.step_iri(d.agency, d.step))
                 for d in self.cycle.deadlines(today, agency)]
        for o in self.obligations(agency, only_open=True):
            en, fa_text = deadlines.what(o.requirement)
            found.append(Deadline(o.agency, o.requirement, en, fa_text, DueState(o.due, today),
                                  o.step, self._subject(o), o.iri))
        return sorted(found, key=lambda d: (d.state.due, d.agency, d.step or 0,
                                            d.subject or "", d.iri))

    @staticmethod
    def _subject(o: Obligation) -> str | None:
        if o.unit and not o.key.startswith(REVIEW_KEY):
            return f"{o.unit} ({o.province})" if o.province else o.unit
        parts = [p for p in (o.subject, f"#{o.reference}" if o.reference else None) if p]
        return " ".join(parts) or None

    def appointments(self, agency: str | None = None) -> list[Appointment]:
        rows = self.store.representatives(str(self.iris.agency(agency)) if agency else None)
        return [Appointment(r.iri, r.code, r.person, r.appointed, r.ended) for r in rows]

    def representative(self, agency: str) -> Appointment | None:
        """The agency's current representative (R-19), if one is appointed."""
        current = [a for a in self.appointments(agency) if a.ended is None]
        return current[-1] if current else None

    def performance_reports(self, agency: str | None = None) -> list[Report]:
        """The representative's performance reports (R-19), by agency and period."""
        return self._reports(PERFORMANCE_REPORT, agency)

    def monitoring_reports(self, agency: str | None = None) -> list[Report]:
        """The monitoring reports recorded per agency (R-18), by agency and period."""
        return self._reports(MONITORING_REPORT, agency)

    def _reports(self, label: str, agency: str | None) -> list[Report]:
        rows = self.store.reports(label, str(self.iris.agency(agency)) if agency else None)
        out = []
        for r in rows:
            p = r.props
            issued = _day(p.get("issued"))
            assert issued is not None
            out.append(Report(
                iri=r.iri, agency=r.code, period=r.period, issued=issued, by=r.by,
                progress=p.get("progress"), challenges=p.get("challenges"),
                risks=p.get("risks"), mitigations=p.get("mitigations"),
                steps_approved=p.get("stepsApproved")))
        return out

    # -- clocks the cycle starts and stops (called by Cycle._transition) -------------------

    def on_transition(self, agency: str, step: int, action: Action, actor: Actor,
                      reason: str | None) -> list[ClockChange]:
        """The clocks a step's transition starts or stops (ADR 0007), which
        Cycle._transition writes in the transition's own transaction: none of them without
        it, and it not without them (ADR 0019). Each start or stop keeps its own condition
        (no second open clock under a key), checked when written."""
        if action is Action.START:
            return self._start_cycle_clocks(agency, actor)
        if action is Action.REOPEN and step == 1:
            return [self._clock_start(
                agency, actor, R_3_3, R_3_3, self._today(), step=1,
                reason=f"step 1 reopened: {reason}" if reason else "step 1 reopened")]
        if action is Action.SUBMIT and step == 1:
            return [self._clock_stop(agency, actor, keys=[R_3_3], step=1,
                                     reason="step 1 submitted with the update")]
        if action is Action.APPROVE and step == 3:
            return self._start_provincial_slices(agency, actor)
        return []

    def _start_cycle_clocks(self, agency: str, actor: Actor) -> list[ClockChange]:
        """The agency's cycle starts: R-19 (the representative within 10 days, unless one is
        already appointed) and R-18 (the first monitoring within six months) start once."""
        keys = {o.key for o in self.obligations(agency)}
        today = self._today()
        found: list[ClockChange] = []
        if R_18 not in keys:
            found.append(self._clock_start(agency, actor, R_18, R_18, today, once=True,
                                           reason="the agency's cycle started"))
        if R_19 not in keys and self.representative(agency) is None:
            found.append(self._clock_start(agency, actor, R_19, R_19, today, once=True,
                                           reason="the agency's cycle started"))
        return found

    def _start_provincial_slices(self, agency: str, actor: Actor) -> list[ClockChange]:
        """R-5.5: approval of the improvement plans (step 3) starts one month for the slice of
        each provincial unit of the agency (its sub-organizations of kind provincial_unit)."""
        rows = self.store.provincial_units(str(self.iris.agency(agency)),
                                           concept("agency-kind", "provincial_unit"))
        return [self._clock_start(
            agency, actor, f"R-5.5/{r.code}", "R-5.5", self._today(), step=3,
            unit=r.iri, province=r.province,
            reason=f"step 3 approved: the slice of {r.code} is due") for r in rows]

    # -- actions ----------------------------------------------------------------------------

    def duties_changed(self, agency: str, actor: Actor, on: date | None = None,
                       reason: str | None = None) -> Obligation | None:
        """R-3.3: the agency's duties changed on `on` (default today), e.g. a duty edited after
        approval or a new law: the update is due within 10 days, when step 1 is submitted again.
        None when a clock of R-3.3 is already running for the agency."""
        self._authorize(Act.WRITE_RECORDS, actor, agency)
        iri = self._start(agency, actor, R_3_3, R_3_3, on or self._today(), step=1,
                          reason=reason or "the agency's duties changed")
        return self._one(agency, iri) if iri else None

    def flag_for_review(self, duty: str, actor: Actor, on: date | None = None) -> list[str]:
        """R-3.3: the duty `duty` changed or was withdrawn, with legal effect on `on` (its
        `changed_on`; default today): every service mapped to it and every chain holding those
        services is flagged to review, each a 10-day clock of its own agency counted from `on`.
        A record already flagged keeps its open flag. Returns the flags started now. The
        flags follow from the steward's change (already authorized), not a separate act."""
        start = on or self._today()
        started = []
        for row in self.store.review_targets(duty):
            if not row.code:
                continue
            iri = self._start(
                row.code, actor, f"{REVIEW_KEY}{row.iri}", R_3_3, start, step=1,
                unit=row.iri, extra={"source": duty, **_title(
                    f"{row.kind} {row.iri.rsplit('/', 1)[-1]} to review: duty "
                    f"{duty.rsplit('/', 1)[-1]} changed")},
                reason=f"duty {duty} changed on {start.isoformat()}: review {row.iri}")
            if iri:
                started.append(iri)
        return started

    def resolve_review(self, agency: str, record: str, actor: Actor, note: str) -> None:
        """R-3.3: the agency reviewed `record` (a service or chain flagged after a duty
        change) and says what it did; the flag's clock stops, as an event in the trail."""
        self._authorize(Act.WRITE_RECORDS, actor, agency)
        if not note.strip():
            raise _refuse("say what the review found or changed",
                          "نتیجهٔ بازبینی را بنویسید", R_3_3)
        if not self._stop(agency, actor, keys=[f"{REVIEW_KEY}{record}"], step=1,
                          reason=f"reviewed: {note.strip()}"):
            raise _refuse(f"no open review flag on {record} for {agency}",
                          f"نشانِ بازبینی بازی برای «{record}» در دستگاه «{agency}» نیست",
                          R_3_3)

    def provincial_slice_registered(self, agency: str, unit: str, actor: Actor) -> None:
        """R-5.5: the provincial slice of `unit` (a provincial unit's code) is registered and
        sent; its clock stops."""
        self._authorize(Act.MOVE_STEP, actor, agency)
        if not self._stop(agency, actor, keys=[f"R-5.5/{unit}"], step=3,
                          reason=f"provincial slice of {unit} registered"):
            raise _refuse(f"no provincial slice of {unit} is due for {agency}",
                          f"بخش استانی «{unit}» برای دستگاه «{agency}» در انتظار نیست", "R-5.5")

    def record_emergency(self, agency: str, actor: Actor, *, referred: date, subject: str,
                         days: int | None = None, due: date | None = None,
                         reference: str | None = None) -> Obligation:
        """R-7: an emergency improvement request referred by Foad 128, due `days` after
        `referred` or on `due`, as the Organization set for it. A Foad 128 `reference` is
        recorded once per agency."""
        self._authorize(Act.RECORD_EMERGENCY, actor)
        if (days is None) == (due is None):
            raise _refuse("give the request's deadline: either days or a due date",
                          "مهلت درخواست را تعیین کنید: تعداد روز یا تاریخ سررسید", "R-7")
        if days is not None and days < 0:
            raise _refuse("the deadline cannot be negative", "مهلت نمی‌تواند منفی باشد", "R-7")
        when = due if due is not None else deadlines.emergency_due(referred, days or 0)
        if when < referred:
            raise _refuse(f"due {to_jalali_str(when)} is before the referral "
                          f"{to_jalali_str(referred)}",
                          "سررسید پیش از تاریخ ارجاع است", "R-7")
        if not subject.strip():
            raise _refuse("an emergency request needs its subject", "موضوع درخواست را بنویسید",
                          "R-7")
        key = f"R-7/{reference}" if reference else f"R-7/{uuid.uuid4()}"
        extra: dict[str, Any] = {**_title(subject.strip())}
        if reference:
            extra["identifier"] = reference
        iri = self._start(agency, actor, key, "R-7", referred, due=when, step=3, once=True,
                          extra=extra, reason="referred by Foad 128")
        if iri is None:
            raise _refuse(f"the request {reference} is already recorded for {agency}",
                          f"درخواست {reference} پیش‌تر برای دستگاه «{agency}» ثبت شده است",
                          "R-7")
        return self._one(agency, iri)

    def resolve_emergency(self, agency: str, request: str, actor: Actor,
                          note: str | None = None) -> None:
        """R-7: the agency handled the request (its IRI or Foad 128 reference); the clock
        stops and it is no longer listed."""
        self._authorize(Act.MOVE_STEP, actor, agency)
        if not self._stop(agency, actor, keys=[f"R-7/{request}"], iris=[request], step=3,
                          reason=note or "emergency request handled"):
            raise _refuse(f"no open emergency request {request} for {agency}",
                          f"درخواست فوری باز «{request}» برای دستگاه «{agency}» وجود ندارد",
                          "R-7")

    def appoint_representative(self, agency: str, person: str, actor: Actor) -> Appointment:
        """R-19: the head of the agency appoints its representative (an org:Membership of the
        person, a foaf:Agent, in the agency); the previous one's membership ends; the R-19
        clock stops."""
        self._authorize(Act.APPOINT_REPRESENTATIVE, actor, agency)
        if not person.strip():
            raise _refuse("name the representative", "نام نماینده را بنویسید", "R-19")
        today = self._today()
        iri = str(self.iris.owned("representative", agency, str(uuid.uuid4())))
        appointed = self.store.appoint(
            str(self.iris.agency(agency)), str(self.iris.agent(person.strip())), person.strip(),
            {"iri": iri, "appointedOn": today.isoformat()}, today,
            self._event(agency, "appoint", actor, "appointed", f"representative: {person}",
                        None))
        if not appointed:
            raise self._unknown(agency)
        self._stop(agency, actor, keys=[R_19], reason=f"representative appointed: {person}")
        return Appointment(iri, agency, person.strip(), today, None)

    def file_performance_report(self, agency: str, actor: Actor, *, period: str,
                                progress: str, challenges: str = "", risks: str = "",
                                mitigations: str = "") -> Report:
        """R-19: the representative's periodic performance report: how far the cycle is
        realized, challenges, risks, mitigations; one per agency and period (YYYY-H1/H2).
        Filed by the agency's current representative only; records the number of steps
        approved at filing."""
        self._authorize(Act.FILE_REPORT, actor, agency)
        p = Period.parse(period)
        today = self._today()
        if p.start > today:
            raise _refuse(f"the period {p} has not begun", f"دوره {p} هنوز آغاز نشده است",
                          "R-19")
        current = self.representative(agency)
        if current is None or current.person != actor.name:
            who = current.person if current else "nobody"
            raise _refuse(f"performance reports are filed by {agency}'s representative "
                          f"({who}), not {actor.name}",
                          f"گزارش عملکرد را نماینده دستگاه «{agency}» ثبت می‌کند، "
                          f"نه «{actor.name}»", "R-19")
        if not progress.strip():
            raise _refuse("say how far the cycle is realized", "میزان تحقق چرخه را بنویسید",
                          "R-19")
        approved = sum(1 for s in self.cycle.steps(agency) if s.state is State.APPROVED)
        iri = str(self.iris.owned("performance-report", agency, p.label))
        texts = {"progress": progress.strip(), "challenges": challenges.strip(),
                 "risks": risks.strip(), "mitigations": mitigations.strip()}
        report: dict[str, Any] = {"iri": iri, "period": p.label, "issued": today.isoformat(),
                                  "stepsApproved": approved, **texts}
        filed = self.store.file_report(
            PERFORMANCE_REPORT, str(self.iris.agency(agency)), p.label, report,
            self._event(agency, "file-report", actor, "filed", f"performance report {p}", None))
        TrailChain(self.store).after_write()  # ADR 0017
        if not filed:
            raise _refuse(f"{agency} already filed its performance report for {p}",
                          f"گزارش عملکرد دوره {p} دستگاه «{agency}» پیش‌تر ثبت شده است",
                          "R-19")
        return Report(iri, agency, p.label, today, actor.name, **texts, steps_approved=approved)

    def record_monitoring(self, period: str, actor: Actor, agencies: list[str]) -> list[str]:
        """R-18: the Organization issued the monitoring report of `period` for `agencies`:
        each one's R-18 clock stops and the next starts, due six months later. An agency
        already recorded for the period is skipped. Returns the agencies recorded now."""
        self._authorize(Act.MONITOR, actor)
        p = Period.parse(period)
        today = self._today()
        if p.start > today:
            raise _refuse(f"the period {p} has not begun", f"دوره {p} هنوز آغاز نشده است",
                          "R-18")
        recorded = []
        for agency in agencies:
            iri = str(self.iris.owned("monitoring", agency, p.label))
            if not self.store.file_report(
                    MONITORING_REPORT, str(self.iris.agency(agency)), p.label,
                    {"iri": iri, "period": p.label, "issued": today.isoformat()},
                    self._event(agency, "record-monitoring", actor, "issued",
                                f"monitoring report {p}", None)):
                continue
            self._stop(agency, actor, keys=[R_18], reason=f"monitoring report {p} issued")
            self._start(agency, actor, R_18, R_18, today, reason=f"next after {p}")
            recorded.append(agency)
        return recorded

    # -- internals --------------------------------------------------------------------------

    def _today(self) -> date:
        return self.cycle._today()

    def _one(self, agency: str, iri: str) -> Obligation:
        return next(o for o in self.obligations(agency) if o.iri == iri)

    def _unknown(self, agency: str) -> CycleRefused:
        return _refuse(f"unknown agency {agency!r}: load it first",
                       f"دستگاه «{agency}» ثبت نشده است؛ نخست آن را بارگذاری کنید", "R-20.1")

    def _start(self, agency: str, actor: Actor, key: str, requirement: str, start: date, *,
               due: date | None = None, step: int | None = None, unit: str | None = None,
               province: str | None = None, once: bool = False,
               extra: dict[str, Any] | None = None, reason: str) -> str | None:
        """Start a clock unless one under `key` is open (or, with `once`, ever started);
        returns its IRI, or None when nothing started."""
        iri = self.store.start_clock(self._clock_start(
            agency, actor, key, requirement, start, due=due, step=step, unit=unit,
            province=province, once=once, extra=extra, reason=reason))
        TrailChain(self.store).after_write()  # ADR 0017
        if iri is None and not self.store.agencies(str(self.iris.agency(agency))):
            raise self._unknown(agency)
        return iri

    def _stop(self, agency: str, actor: Actor, *, keys: list[str],
              iris: list[str] | None = None, step: int | None = None, reason: str) -> list[str]:
        """Stop the open clocks of `agency` under `keys` (or with `iris`), met today."""
        closed = self.store.stop_clocks(self._clock_stop(agency, actor, keys=keys, iris=iris,
                                                         step=step, reason=reason))
        TrailChain(self.store).after_write()  # ADR 0017 (and an appointment or report just before)
        return closed

    def _clock_start(self, agency: str, actor: Actor, key: str, requirement: str,
                         start: date, *, due: date | None = None, step: int | None = None,
                         unit: str | None = None, province: str | None = None,
                         once: bool = False, extra: dict[str, Any] | None = None,
                     reason: str) -> ClockStart:
        """The start of a clock (_start), written alone or with a transition."""
        when = due if due is not None else deadlines.due_for(requirement, start)
        iri = str(self.iris.owned("obligation", agency, str(uuid.uuid4())))
        obligation = {"iri": iri, "clockKey": key, "article": requirement, "state": OPEN,
                      "clockStart": start.isoformat(), "dueDate": when.isoformat(),
                      **(extra or {})}
        return ClockStart(
            str(self.iris.agency(agency)), key, obligation,
            self._event(agency, "start-clock", actor, OPEN,
                        f"{requirement} due {to_jalali_str(when)}: {reason}", step),
            once=once, province=province, unit=unit)

    def _clock_stop(self, agency: str, actor: Actor, *, keys: list[str],
                    iris: list[str] | None = None, step: int | None = None,
                    reason: str) -> ClockStop:
        """The stop of clocks (_stop), written alone or with a transition."""
        return ClockStop(str(self.iris.agency(agency)), keys, self._today(),
                         self._event(agency, "stop-clock", actor, MET, reason, step),
                         iris=iris or [])

    def _event(self, agency: str, action: str, actor: Actor, to_state: str,
               reason: str | None, step: int | None) -> CycleEvent:
        """A change event (the shape of Cycle._event; R-16)."""
        event = str(self.iris.owned("event", agency, str(uuid.uuid4())))
        return CycleEvent(event, action, to_state, self.cycle._now().isoformat(), actor.name,
                          str(self.iris.agent(actor.name)), actor.role.value,
                          event + "/association",
                          concept("cycle-step", str(step)) if step else None, reason)
