"""Deadlines started by events, the agency's representative and its performance reports
(R-3.3, R-5.5, R-7, R-18, R-19), kept in the graph beside the steps of the cycle (ADR 0007).

A clock is an `Obligation` node: the requirement it comes from (`article`), the day it started
(`clockStart`), its due date (`dueDate`, in Solar Hijri arithmetic, catalog.cycle.deadlines),
and `state` open or met (`endedOn`: the day it stopped). When each starts and stops:

- R-3.3, update duties within 10 days: starts when step 1 is reopened or `duties_changed`
  is reported (a duty edited after approval, a new law); stops when step 1 is submitted.
- R-5.5, the provincial slice within one month, one clock per approved plan piloted in a
  province (`dct:spatial` on the plan; key `R-5.5/<plan ref>`, started once per plan): starts
  when step 3 is approved; stops when the agency sends the slice its council endorsed to the
  provinces (catalog.cycle.provinces, ADR 0030).
- R-7, an emergency request referred by Foad 128, by its own deadline: starts at
  `receive_emergency` (Foad 128's system account, idempotent by its reference, ADR 0028) or
  `record_emergency` (a reviewer, by hand); stops at `resolve_emergency`.
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
from catalog.decided import APPROVED, MONITORING_REPORT, PERFORMANCE_REPORT
from catalog.jalali import to_jalali_str
from catalog.text import normalize_fa, normalize_key
from catalog.trail_chain import TrailChain
from catalog.vocab import concept

if TYPE_CHECKING:
    from catalog.cycle.engine import Cycle

# OPEN and MET, the states of a clock, are values the store takes too (catalog.cycle.facts).
__all__ = ["EMERGENCY_STATES", "MET", "OPEN", "R_3_3", "R_18", "R_19", "REVIEW_KEY",
           "Appointment", "Deadline", "Obligation", "Obligations", "Received", "Report",
           "slice_key"]

# Clock keys: one open clock per key and agency; start once per agency.
R_3_3, R_18, R_19 = "R-3.3", "R-18", "R-19"
PLAN_LABEL = "ImprovementPlan"


def slice_key(plan_ref: str) -> str:
    """The key of a piloted plan's R-5.5 clock (ADR 0030)."""
    return f"R-5.5/{plan_ref}"
# A record put to review by a duty change: the key is this prefix and its IRI.
REVIEW_KEY = "R-3.3/review/"

_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF]")
# The filters of the listing of emergency requests: closed is resolved (the clock met).
EMERGENCY_STATES = ("open", "closed", "overdue")


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
    unit: str | None  # what it concerns: the piloted plan's ref of an slice
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
class Received:
    """An emergency request sent by Foad 128 (R-7, ADR 0028): as stored, and whether this
    send recorded it (False: it was sent before, and is answered as stored)."""

    request: Obligation
    created: bool


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


def _emergency_keys(reference: str) -> list[str]:
    """The clock keys of a Foad 128 reference: its normal form (Persian digits as Latin,
    catalog.text.normalize_key), then as written (how earlier versions keyed it)."""
    return list(dict.fromkeys([f"R-7/{normalize_key(reference)}", f"R-7/{reference}"]))


def _differences(o: Obligation, agency: str, referred: date, subject: str,
                 due: date) -> list[Reason]:
    """How a request sent again differs from the one recorded under its reference (R-7)."""
    ref = o.reference
    found = []
    for name_en, name_fa, stored, sent in (
            ("agency", "دستگاه", o.agency, agency),
            ("subject", "موضوع", o.subject or "", subject.strip()),
            ("referral date", "تاریخ ارجاع", to_jalali_str(o.clock_start),
             to_jalali_str(referred)),
            ("due date", "سررسید", to_jalali_str(o.due), to_jalali_str(due))):
        if normalize_fa(stored) != normalize_fa(sent):
            found.append(Reason(
                f"Foad 128 request {ref} is recorded with {name_en} {stored!r}, "
                f"not {sent!r}: the same reference with other content",
                f"درخواست {ref} فواد ۱۲۸ با {name_fa} «{stored}» ثبت شده است، نه «{sent}»: "
                "همان شناسه با محتوای دیگر", "R-7"))
    return found


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
            return self._start_plan_slices(agency, actor)
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

    def _start_plan_slices(self, agency: str, actor: Actor) -> list[ClockChange]:
        """R-5.5 (ADR 0030): approving step 3 starts, for each approved plan of the agency
        piloted in one province (its `dct:spatial`), one month for the plan's provincial
        slice; once per plan, so a step approved again does not start it twice. The plans
        the approval approves are approved before its transition is written (Cycle.approve)."""
        agency_iri = str(self.iris.agency(agency))
        plans = [r.iri for r in self.store.agency_records(agency_iri, PLAN_LABEL)]
        found: list[ClockChange] = []
        for n in sorted(self.store.describe(plans), key=lambda n: n.iri):
            pilot = n.rels.get("spatial", ())
            if n.label != PLAN_LABEL or APPROVED not in n.rels.get("status", ()) or not pilot:
                continue
            ref = str(n.props.get("ref") or n.iri.rsplit("/", 1)[-1])
            found.append(self._clock_start(
                agency, actor, slice_key(ref), "R-5.5", self._today(), step=3, unit=n.iri,
                province=pilot[0], once=True,
                reason=f"step 3 approved: the provincial slice of plan {ref} is due"))
        return found

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

    def record_emergency(self, agency: str, actor: Actor, *, referred: date, subject: str,
                         days: int | None = None, due: date | None = None,
                         reference: str | None = None) -> Obligation:
        """R-7: a reviewer of the Organization enters an emergency improvement request
        referred by Foad 128 by hand, due `days` after `referred` or on `due`, as the
        Organization set for it. A Foad 128 `reference` is recorded once, whatever agency it
        names: entering it again is refused (Foad 128's own sends are answered with the
        stored request instead, `receive_emergency`)."""
        self._authorize(Act.RECORD_EMERGENCY, actor)
        if (days is None) == (due is None):
            raise _refuse("give the request's deadline: either days or a due date",
                          "مهلت درخواست را تعیین کنید: تعداد روز یا تاریخ سررسید", "R-7")
        o, created = self._emergency(agency, actor, referred=referred, subject=subject,
                                     days=days, due=due, reference=reference,
                                     reason="referred by Foad 128, entered by hand")
        if not created:
            raise _refuse(f"the request {reference} is already recorded for {o.agency}",
                          f"درخواست {reference} پیش‌تر برای دستگاه «{o.agency}» ثبت شده است",
                          "R-7")
        return o

    def receive_emergency(self, agency: str, actor: Actor, *, reference: str, referred: date,
                          subject: str, days: int | None = None,
                          due: date | None = None) -> Received:
        """R-7 (ADR 0028): Foad 128's system account sends an emergency improvement request
        it referred, with the deadline the Organization set: `days` after `referred`, or
        `due`; neither: the default span of config/cycle.toml ([emergency] default_days).
        Idempotent by Foad 128's `reference`: sent again with the same content, the stored
        request is the answer (`created` False) and nothing is written; with another agency,
        subject, referral date or due date, it is refused, naming each difference."""
        self._authorize(Act.SUBMIT_EMERGENCY, actor)
        if days is not None and due is not None:
            raise _refuse("give the request's deadline as days or as a due date, not both",
                          "مهلت درخواست را یا با تعداد روز یا با تاریخ سررسید بدهید، نه هر دو",
                          "R-7")
        if not reference.strip():
            raise _refuse("a request from Foad 128 needs its Foad 128 reference",
                          "درخواست سامانه فواد ۱۲۸ باید شناسهٔ فواد ۱۲۸ را داشته باشد", "R-7")
        if days is None and due is None:
            days = self.cycle.config.emergency_default_days
        o, created = self._emergency(agency, actor, referred=referred, subject=subject,
                                     days=days, due=due, reference=reference,
                                     reason="referred by Foad 128")
        if not created:
            when = due if due is not None else deadlines.emergency_due(referred, days or 0)
            differences = _differences(o, agency, referred, subject, when)
            if differences:
                raise CycleRefused(differences)
        return Received(o, created)

    def _emergency(self, agency: str, actor: Actor, *, referred: date, subject: str,
                   days: int | None, due: date | None, reference: str | None,
                   reason: str) -> tuple[Obligation, bool]:
        """Record an emergency request unless its Foad 128 reference is recorded (for any
        agency): the request, and whether it was recorded now."""
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
        keys = _emergency_keys(reference.strip()) if reference else [f"R-7/{uuid.uuid4()}"]
        if reference and (stored := self.store.emergency(keys)) is not None:
            return self._obligation(stored), False
        extra: dict[str, Any] = {**_title(subject.strip())}
        if reference:
            extra["identifier"] = reference.strip()
        clock = self._clock_start(agency, actor, keys[0], "R-7", referred, due=when, step=3,
                                  extra=extra, reason=reason)
        iri = self.store.start_emergency(clock, keys)
        TrailChain(self.store).after_write()  # ADR 0017
        if iri is not None:
            return self._one(agency, iri), True
        stored = self.store.emergency(keys)  # sent at the same time: the other one won
        if stored is None:
            raise self._unknown(agency)
        return self._obligation(stored), False

    def emergencies(self, today: date, agency: str | None = None,
                    state: str | None = None) -> list[Obligation]:
        """The emergency requests referred by Foad 128 (R-7) of an agency or all, earliest
        due first; `state`: `open`, `closed` (resolved) or `overdue` (open and past due on
        `today`), or every one."""
        if state not in (None, *EMERGENCY_STATES):
            raise _refuse(f"no state {state!r}: open, closed or overdue",
                          f"وضعیت «{state}» نامعتبر است: open، closed یا overdue", "R-7")
        found = [o for o in self.obligations(agency) if o.requirement == "R-7"]
        if state == "open":
            found = [o for o in found if o.open]
        elif state == "closed":
            found = [o for o in found if not o.open]
        elif state == "overdue":
            found = [o for o in found if o.open and o.due < today]
        return sorted(found, key=lambda o: (o.due, o.agency, o.iri))

    def resolve_emergency(self, agency: str, request: str, actor: Actor,
                          note: str | None = None) -> None:
        """R-7: the agency handled the request (its IRI or Foad 128 reference); the clock
        stops and it is no longer listed."""
        self._authorize(Act.MOVE_STEP, actor, agency)
        if not self._stop(agency, actor, keys=_emergency_keys(request.strip()), iris=[request],
                          step=3, reason=note or "emergency request handled"):
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
