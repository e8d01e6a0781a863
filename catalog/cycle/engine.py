"""The cycle per agency (R-2): step states, approvals, issued IDs (R-3.2, R-4.2) and the audit
trail (R-16), kept as nodes in the graph (PROV-O) and changed only through atomic statements.

Every function takes the acting `Actor`; the checks of who may do what live in `_authorize`,
the one place a later slice will back with authenticated accounts.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from catalog.access.policy import Act, Policy
from catalog.cycle import deadlines
from catalog.cycle.changes import Changes
from catalog.cycle.config import CycleConfig, StepConfig, default_config
from catalog.cycle.facts import (
    DUTY,
    KINDS,
    PLAN,
    SERVICE,
    ClockChange,
    CycleEvent,
    HistoryEntry,
    Issued,
    IssuedKind,
    StepClocks,
    StoredStep,
)
from catalog.cycle.obligations import Obligations
from catalog.cycle.plans import Plans
from catalog.cycle.states import (
    NEEDS_REASON,
    STATE_LABELS,
    TRANSITIONS,
    Action,
    Actor,
    CycleRefused,
    Reason,
    State,
    fa,
    target_state,
)
from catalog.iris import Iris
from catalog.port import GraphStore, Row
from catalog.trail_chain import TrailChain
from catalog.vocab import concept

# The kinds of record issued IDs, and what an approval issues, are values the store takes and
# gives back too (catalog.cycle.facts); they are named here as before.
__all__ = ["DUTY", "KINDS", "SERVICE", "Cycle", "Due", "Issued", "IssuedKind",
           "StepStatus", "TEHRAN"]

# Jalali dates are Iranian civil dates: a clock starts on the date in Tehran.
TEHRAN = ZoneInfo("Asia/Tehran")


@dataclass(frozen=True)
class StepStatus:
    step: int
    state: State
    clock_start: date | None
    config: StepConfig


@dataclass(frozen=True)
class Due:
    agency: str
    step: int
    requirement: str
    what_en: str
    what_fa: str
    step_state: State
    state: deadlines.DueState


def _refuse(en: str, fa: str, requirement: str) -> CycleRefused:
    return CycleRefused([Reason(en, fa, requirement)])


class Cycle:
    def __init__(self, store: GraphStore, iris: Iris, config: CycleConfig | None = None,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC),
                 policy: Policy | None = None) -> None:
        self.store = store
        self.iris = iris
        self.config = config or default_config()
        self._now = now
        self.policy = policy or Policy(self.config, self.ancestors)

    def ancestors(self, agency: str) -> list[str]:
        """Codes of the agencies `agency` is part of, nearest first (R-20.1)."""
        return self.store.agency_ancestors(str(self.iris.agency(agency)))

    # -- reading ----------------------------------------------------------------------------

    def steps(self, agency: str) -> list[StepStatus]:
        iri = str(self.iris.agency(agency))
        rows = self.store.agency_steps(iri)
        if len(rows) < len(self.config.steps):
            # Only the first use writes: a MERGE on every read would serialize readers on
            # the agency's node under Neo4j's locks.
            self._ensure(agency)
            rows = self.store.agency_steps(iri)
        return [self._status(r) for r in sorted(rows, key=lambda r: r.step)]

    def all_steps(self) -> list[tuple[str, StepStatus]]:
        """(agency code, step) for every agency whose cycle has begun."""
        return [(r.code, self._status(r)) for r in self.store.agency_steps(None)]

    def _status(self, row: StoredStep) -> StepStatus:
        return StepStatus(row.step, State(row.state), row.clock_start,
                          self.config.steps[row.step])

    def history(self, iri: str) -> list[HistoryEntry]:
        """Every change event that acted on this step or record, oldest first (R-16)."""
        return self.store.history(iri)

    def trail(self, agency: str | None = None, actor: str | None = None,
              before: int | None = None, limit: int = 100) -> list[Row]:
        """The audit trail (R-16), newest first: every change event, or an agency's or an
        actor's; page with `before` = the last `seq` seen."""
        return self.store.trail(str(self.iris.agency(agency)) if agency else None, actor,
                                before, limit)

    def deadlines(self, today: date, agency: str | None = None) -> list[Due]:
        """Open deadlines of the steps (R-3.1, R-4.1, R-6.1, R-11): those whose step is neither
        submitted nor approved, earliest first."""
        rows = self.all_steps() if agency is None else [(agency, s) for s in self.steps(agency)]
        found = [d for code, s in rows if (d := self._due(code, s, today)) is not None]
        return sorted(found, key=lambda d: (d.state.due, d.agency, d.step))

    def _due(self, agency: str, status: StepStatus, today: date) -> Due | None:
        rule = status.config.deadline
        if rule is None or status.state in (State.SUBMITTED, State.APPROVED):
            return None
        if rule.plan_year_end:
            due = deadlines.plan_year_end(self.config.plan_first_year, rule.plan_year_end)
        elif status.clock_start is None:
            return None  # the clock has not started: nothing is due yet
        else:
            due = deadlines.due_after(status.clock_start, rule.months, rule.days)
        en, fa_text = deadlines.what(rule.requirement)
        return Due(agency, status.step, rule.requirement, en, fa_text, status.state,
                   deadlines.DueState(due, today))

    def step_iri(self, agency: str, step: int) -> str:
        return str(self.iris.owned("cycle", agency, str(step)))

    # -- step actions -----------------------------------------------------------------------

    def start(self, agency: str, step: int, actor: Actor) -> State:
        return self._transition(agency, step, Action.START, actor, None)

    def submit(self, agency: str, step: int, actor: Actor) -> State:
        if step == PLAN.step:  # every service with an ID has its endorsed plan
            self._check(agency, step, Action.SUBMIT, actor, None)
            Plans(self).check_submittable(agency)
            return self._transition(agency, step, Action.SUBMIT, actor, None, checked=True)
        return self._transition(agency, step, Action.SUBMIT, actor, None)

    def reject(self, agency: str, step: int, actor: Actor, reason: str) -> State:
        return self._transition(agency, step, Action.REJECT, actor, reason)

    def reopen(self, agency: str, step: int, actor: Actor, reason: str) -> State:
        return self._transition(agency, step, Action.REOPEN, actor, reason)

    def approve(self, agency: str, step: int, actor: Actor,
                reason: str | None = None) -> list[Issued]:
        """Approve a submitted step; for steps 1 and 2, approve its pending duties or services
        first, each issued its ID once (R-3.2, R-4.2). Returns the IDs issued now."""
        self._check(agency, step, Action.APPROVE, actor, reason)
        issued: list[Issued] = []
        kind = KINDS.get(step)
        if kind is not None:
            pending = self._pending(agency, kind)
            if kind is SERVICE:
                self._refuse_unmapped(pending)
            if kind is PLAN:  # every plan, approved ones changed since included
                Plans(self).check_approvable(agency)
            issued = [self._approve_record(agency, iri, kind, actor) for iri in pending]
            Changes(self).approve_all(agency, kind, actor)  # ADR 0015
        # The following steps' clocks start with the transition (_transition, ADR 0019).
        self._transition(agency, step, Action.APPROVE, actor, reason, checked=True)
        return [i for i in issued if i.fresh]

    # -- record actions (steps 1 and 2) -----------------------------------------------------

    def approve_record(self, agency: str, record: str, actor: Actor) -> Issued:
        """Approve one duty or service of a submitted step and issue its ID, once; or
        approve the change waiting on an approved one (ADR 0015), which keeps its ID."""
        kind = self._record_kind(agency, record)
        changes = Changes(self)
        if changes.pending(record) is not None:
            return Issued(record, changes.approve(agency, record, kind, actor), False)
        self._check(agency, kind.step, Action.APPROVE, actor, None, need_state=State.SUBMITTED)
        if kind is SERVICE:
            self._refuse_unmapped([record])
        if kind is PLAN:
            Plans(self).check_approvable(agency, [record])
        return self._approve_record(agency, record, kind, actor)

    def reject_record(self, agency: str, record: str, actor: Actor, reason: str) -> None:
        kind = self._record_kind(agency, record)
        changes = Changes(self)
        if changes.pending(record) is not None:  # the change is turned down (ADR 0015)
            changes.reject(agency, record, kind, actor, reason)
            return
        self._check(agency, kind.step, Action.REJECT, actor, reason,
                    need_state=State.SUBMITTED)
        self.store.set_record_status(
            kind.label, record, str(self.iris.agency(agency)), concept("status", "rejected"),
            self._event(agency, kind.step, Action.REJECT, actor, reason, "rejected"))
        TrailChain(self.store).after_write()  # ADR 0017

    # -- internals --------------------------------------------------------------------------

    def _ensure(self, agency: str) -> None:
        """Create the agency's 9 step nodes (not started) if missing; idempotent (MERGE)."""
        steps = [(self.step_iri(agency, n), concept("cycle-step", str(n)))
                 for n in self.config.steps]
        found = self.store.ensure_steps(str(self.iris.agency(agency)), steps,
                                        State.NOT_STARTED.value)
        if found != len(steps):
            raise _refuse(f"unknown agency {agency!r}: load it first",
                          f"دستگاه «{agency}» ثبت نشده است؛ نخست آن را بارگذاری کنید", "R-20.1")

    def _state(self, agency: str, step: int) -> State:
        for s in self.steps(agency):
            if s.step == step:
                return s.state
        raise _refuse(f"no step {step}", f"گام {fa(step)} وجود ندارد", "R-2.1")

    def _check(self, agency: str, step: int, action: Action, actor: Actor,
               reason: str | None, need_state: State | None = None) -> State:
        if step not in self.config.steps:
            raise _refuse(f"the cycle has steps 1 to 9, not {step}",
                          f"چرخه گام‌های ۱ تا ۹ دارد، نه {fa(step)}", "R-2.1")
        self._authorize(agency, step, action, actor)
        if action in NEEDS_REASON and not (reason and reason.strip()):
            raise _refuse(f"{action.value} needs a reason", "ذکر دلیل الزامی است", "R-2.1")
        state = self._state(agency, step)
        if need_state is not None and state is not need_state:
            raise _refuse(
                f"step {step} is {STATE_LABELS[state][0]}: records are decided while it is "
                "submitted",
                f"گام {fa(step)} در وضعیت «{STATE_LABELS[state][1]}» است؛ "
                "تصمیم درباره رکوردها تنها در وضعیت ارسال‌شده ممکن است", "R-2.1")
        if need_state is None:
            target_state(action, state)
        if action in (Action.START, Action.SUBMIT):
            self._check_order(agency, self.config.steps[step])
        return state

    def _authorize(self, agency: str, step: int, action: Action, actor: Actor) -> None:
        """Who may take `action` on `agency`'s step: decided by the policy (catalog.access)."""
        act = Act.DECIDE_STEP if action in (Action.APPROVE, Action.REJECT) else Act.MOVE_STEP
        self.policy.check(actor, act, agency=agency, step=step)

    def _check_order(self, agency: str, cfg: StepConfig) -> None:
        states = {s.step: s.state for s in self.steps(agency)}
        missing = [r for r in cfg.requires if states[r] is not State.APPROVED]
        if missing:
            names = ", ".join(map(str, missing))
            raise _refuse(
                f"step {cfg.number} needs step(s) {names} approved first",
                f"گام {fa(cfg.number)} نیازمند تأیید گام {fa(names)} است", cfg.requires_requirement)
        if cfg.number == 3 and not self._has_issued(agency, SERVICE):
            raise _refuse(
                "improvement plans are registered for services that have a service ID; "
                "this agency has none",
                "برنامه بهبود برای خدمات دارای شناسه خدمت ثبت می‌شود؛ "
                "این دستگاه خدمت دارای شناسه ندارد", "R-5.1")

    def _transition(self, agency: str, step: int, action: Action, actor: Actor,
                    reason: str | None, checked: bool = False) -> State:
        if not checked:
            self._check(agency, step, action, actor, reason)
        sources, target = TRANSITIONS[action]
        today = self._today()
        event = self._event(agency, step, action, actor, reason, target.value)
        # The clocks it starts or stops (ADR 0007) and, for an approval, the clocks of the
        # steps waiting for it are written with it, in one transaction: all or none,
        # and none when the step changed meanwhile (ADR 0019).
        clocks = Obligations(self).on_transition(agency, step, action, actor, reason)
        if action is Action.APPROVE:
            clocks = self._start_following(agency, step) + clocks
        if not self.store.transition(self.step_iri(agency, step), [s.value for s in sources],
                                     target.value, today, event, clocks):
            # Another actor changed the step between the check and the write.
            raise _refuse(f"step {step} changed meanwhile; read its state and try again",
                          f"وضعیت گام {fa(step)} در این فاصله تغییر کرد؛ دوباره بررسی کنید",
                          "R-2.1")
        TrailChain(self.store).after_write()  # ADR 0017
        return target

    def _event(self, agency: str, step: int, action: Action, actor: Actor, reason: str | None,
               to_state: str) -> CycleEvent:
        event = str(self.iris.owned("event", agency, str(uuid.uuid4())))
        return CycleEvent(event, action.value, to_state, self._now().isoformat(), actor.name,
                          str(self.iris.agent(actor.name)), actor.role.value,
                          event + "/association", concept("cycle-step", str(step)), reason)

    def _today(self) -> date:
        return self._now().astimezone(TEHRAN).date()

    def _start_following(self, agency: str, step: int) -> list[ClockChange]:
        """An approval starts the clocks of the steps that were waiting for it (R-4.1),
        written with the approval's transition (_transition)."""
        waiting = [self.step_iri(agency, c.number) for c in self.config.steps.values()
                   if step in c.requires]
        if not waiting:
            return []
        return [StepClocks(waiting, self._today())]

    def _record_kind(self, agency: str, record: str) -> IssuedKind:
        rows = self.store.record_state(record)
        mine = [r for r in rows if r.agency == str(self.iris.agency(agency))]
        for kind in KINDS.values():
            if mine and kind.label in mine[0].labels:
                return kind
        raise _refuse(f"{record} is not a duty or service of {agency}",
                      f"{record} وظیفه یا خدمتِ دستگاه «{agency}» نیست", "R-20.1")

    def _pending(self, agency: str, kind: IssuedKind) -> list[str]:
        """Records of the step waiting for a decision: not yet approved, not withdrawn or
        rejected (a rejected record is resubmitted by loading it again as submitted)."""
        rows = self.store.agency_records(str(self.iris.agency(agency)), kind.label)
        return [r.iri for r in rows if r.status not in ("approved", "withdrawn", "rejected")]

    def _has_issued(self, agency: str, kind: IssuedKind) -> bool:
        rows = self.store.agency_records(str(self.iris.agency(agency)), kind.label)
        return any(r.service_id if kind is SERVICE else r.duty_id for r in rows)

    def _refuse_unmapped(self, services: list[str]) -> None:
        """R-4.1: a service is approved only when every duty it maps to has a duty ID."""
        reasons = []
        for service in services:
            rows = self.store.service_duties(service)
            bad = [r.iri for r in rows if r.status != "approved" or not r.duty_id]
            if not rows or bad:
                reasons.append(Reason(
                    f"{service} maps to duties without an approved duty ID: "
                    f"{', '.join(bad) or 'none mapped'}",
                    f"خدمت {service} به وظیفه‌ای بدون شناسه وظیفه تأییدشده نگاشت شده است",
                    "R-4.1"))
        if reasons:
            raise CycleRefused(reasons)

    def _approve_record(self, agency: str, record: str, kind: IssuedKind,
                        actor: Actor) -> Issued:
        issued = self.store.issue_id(
            kind, record, str(self.iris.agency(agency)), f"{kind.letter}-{agency}-",
            concept("status", "approved"),
            self._event(agency, kind.step, Action.APPROVE, actor, None, "approved"))
        TrailChain(self.store).after_write()  # ADR 0017
        if issued is None:
            raise _refuse(f"{record} is not a {kind.label} of {agency}",
                          f"{record} از آنِ دستگاه «{agency}» نیست", "R-20.1")
        return issued
