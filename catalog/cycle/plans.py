"""Improvement plans in step 3 (R-5.1, ADR 0027): the steering council's endorsement, and the
rules that make step 3 hold its content.

A plan, its indicators and its actions are records a steward registers (catalog.kinds). What
is decided of them is the cycle's:

- the agency's **steering council** endorses a plan as it stands (`Plans.endorse`): an
  `Endorsement` node holds the SHA-256 *fingerprint* of the plan, its indicators and its
  actions, so any later change to one of them (by any write path) leaves the plan not
  endorsed until the council endorses it again;
- step 3 is **submitted** only when every service of the agency holding a service ID has a
  plan that is approved or endorsed as it stands (`check_submittable`);
- the step's body **approves** only endorsed plans (`check_approvable`); approving the step
  approves them all and issues their plan IDs (catalog.cycle.engine, as for duties and
  services). An approved plan whose indicators or actions changed is endorsed again before
  step 3, reopened, is submitted and approved again.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from catalog.access.policy import Act
from catalog.cycle.facts import CycleEvent
from catalog.cycle.states import Actor, CycleRefused, Reason
from catalog.graphmap import Node
from catalog.iris import Iris
from catalog.port import StoredEndorsement
from catalog.trail_chain import TrailChain
from catalog.vocab import concept

if TYPE_CHECKING:
    from catalog.cycle.engine import Cycle

PLAN_LABEL = "ImprovementPlan"
SERVICE_LABEL = "PublicService"
# What the cycle decides of a plan is not part of what the council endorses (ADR 0015).
_DECIDED_PROPS = frozenset({"planId", "legacyId", "legacyIdScheme"})
_DECIDED_RELS = frozenset({"status"})
_CLOSED = frozenset({"withdrawn", "rejected"})


def fingerprint(nodes: list[Node]) -> str:
    """The SHA-256 of a plan's records as stored, leaving out what the cycle decides: equal
    for equal content, whatever wrote it and in whatever order."""
    content = sorted(
        [n.iri, n.label,
         sorted((k, v) for k, v in n.props.items()
                if k not in _DECIDED_PROPS and not k.startswith("_")),
         sorted((k, list(v)) for k, v in n.rels.items() if k not in _DECIDED_RELS)]
        for n in nodes)
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PlanState:
    """A plan of an agency with what the cycle knows of it."""

    iri: str
    ref: str | None
    service: str | None  # the service it improves
    status: str  # draft, approved, rejected, withdrawn
    plan_id: str | None
    indicators: int
    actions: int
    endorsed: bool  # endorsed by the council as it stands now
    endorsements: tuple[StoredEndorsement, ...]

    @property
    def closed(self) -> bool:
        return self.status in _CLOSED

    @property
    def counts(self) -> bool:
        """Whether it covers its service for step 3: endorsed by the council as it stands
        (approved or not: an approved plan whose indicators or actions changed since needs
        the council again before step 3 is submitted again)."""
        return self.endorsed and not self.closed


@dataclass(frozen=True)
class ServiceCover:
    """A service holding a service ID, and the plans that improve it (R-5.1)."""

    iri: str
    service_id: str
    plans: tuple[str, ...]
    covered: bool


def plan_iri(iris: Iris, agency: str, plan: str) -> str:
    """A plan named by its IRI or by its reference within the agency."""
    return plan if "/" in plan else str(iris.owned("plan", agency, plan))


def _refuse(reasons: list[tuple[str, str]]) -> CycleRefused:
    return CycleRefused([Reason(en, fa, "R-5.1") for en, fa in reasons])


class Plans:
    """The step-3 rules over an agency's improvement plans (R-5.1)."""

    def __init__(self, cycle: Cycle) -> None:
        self.cycle = cycle
        self.store = cycle.store
        self.iris = cycle.iris

    # -- reading ----------------------------------------------------------------------------

    def plan_iri(self, agency: str, plan: str) -> str:
        return plan_iri(self.iris, agency, plan)

    def plans(self, agency: str, only: list[str] | None = None) -> list[PlanState]:
        """The agency's plans (or those of `only`), each with its endorsements."""
        agency_iri = str(self.iris.agency(agency))
        iris = only if only is not None else [
            r.iri for r in self.store.agency_records(agency_iri, PLAN_LABEL)]
        nodes = [n for n in self.store.describe(iris)
                 if n.label == PLAN_LABEL and agency_iri in n.rels.get("agency", ())]
        endorsed: dict[str, list[StoredEndorsement]] = {}
        for e in self.store.endorsements([n.iri for n in nodes]):
            endorsed.setdefault(e.plan, []).append(e)
        return [self._state(n, tuple(endorsed.get(n.iri, ()))) for n in nodes]

    def _state(self, node: Node, endorsements: tuple[StoredEndorsement, ...]) -> PlanState:
        parts = self.store.describe(self.store.plan_parts(node.iri))
        now = fingerprint([node, *parts])
        status = node.rels.get("status", ("draft",))[0].rsplit("/", 1)[-1]
        plan_id = node.props.get("planId")
        return PlanState(
            node.iri, _text(node.props.get("ref")), next(iter(node.rels.get("improves", ())), None),
            status, _text(plan_id), sum(p.label == "Indicator" for p in parts),
            sum(p.label == "ImprovementAction" for p in parts),
            any(e.fingerprint == now for e in endorsements), endorsements)

    def services_covered(self, agency: str) -> list[ServiceCover]:
        """Every service of the agency that holds a service ID, and whether a plan covers it
        for step 3 (R-5.1)."""
        agency_iri = str(self.iris.agency(agency))
        services = [r for r in self.store.agency_records(agency_iri, SERVICE_LABEL)
                    if r.service_id]
        plans = self.plans(agency)
        found = []
        for s in services:
            mine = [p for p in plans if p.service == s.iri and not p.closed]
            found.append(ServiceCover(s.iri, str(s.service_id), tuple(p.iri for p in mine),
                                      any(p.counts for p in mine)))
        return found

    # -- the rules of step 3 ----------------------------------------------------------------

    def check_submittable(self, agency: str) -> None:
        """R-5.1: step 3 goes to the Organization only when every service holding a service
        ID has a plan that is approved or endorsed by the council as it stands."""
        lacking = [c for c in self.services_covered(agency) if not c.covered]
        if lacking:
            raise _refuse([(
                f"service {c.service_id} ({c.iri}) has no improvement plan endorsed by the "
                "steering council" + (" as it now stands" if c.plans else ""),
                f"خدمت {c.service_id} برنامه بهبودی ندارد که شورای راهبری دستگاه "
                "آن را" + (" در وضع کنونی‌اش" if c.plans else "") + " تصویب کرده باشد")
                for c in lacking])

    def check_approvable(self, agency: str, plans: list[str] | None = None) -> None:
        """R-5.1: the Organization approves a plan only after the agency's steering council
        endorsed it as it stands. `plans`: those to approve; None: step 3 as a whole, every
        plan of the agency not withdrawn or rejected, approved ones included."""
        found = self.plans(agency, only=plans)
        unendorsed = [p for p in found if not p.endorsed and (plans or not p.closed)]
        if unendorsed:
            raise _refuse([(
                f"plan {p.ref or p.iri} is not endorsed by the steering council as it stands; "
                "the council endorses it, or the agency withdraws it",
                f"برنامه {p.ref or p.iri} در وضع کنونی‌اش به تصویب شورای راهبری نرسیده است؛ "
                "شورا آن را تصویب کند یا دستگاه آن را پس بگیرد") for p in unendorsed])

    # -- the council's action ---------------------------------------------------------------

    def endorse(self, agency: str, plan: str, actor: Actor,
                resolution: str | None = None) -> tuple[PlanState, bool]:
        """The steering council endorses the plan as it stands (R-5.1). Returns the plan and
        whether an endorsement was recorded now (False: it already was, as it stands)."""
        self.cycle.policy.check(actor, Act.ENDORSE_PLAN, agency=agency)
        iri = self.plan_iri(agency, plan)
        found = self.plans(agency, only=[iri])
        if not found:
            raise CycleRefused([Reason(f"{plan} is not an improvement plan of {agency}",
                                       f"«{plan}» برنامه بهبودِ دستگاه «{agency}» نیست",
                                       "R-20.1")])
        state = found[0]
        self._check_endorsable(state)
        if state.endorsed:
            return state, False
        parts = self.store.describe([iri, *self.store.plan_parts(iri)])
        today = self.cycle._today()
        endorsement = {"iri": f"{iri}/endorsement/{uuid.uuid4()}",
                       "fingerprint": fingerprint(parts), "endorsedOn": today.isoformat()}
        if resolution and resolution.strip():
            endorsement["resolution"] = resolution.strip()
        written = self.store.endorse_plan(str(self.iris.agency(agency)), iri, endorsement,
                                          self._event(agency, actor, resolution))
        TrailChain(self.store).after_write()  # ADR 0017
        if written is None:  # removed between the read and the write
            raise CycleRefused([Reason(f"{plan} is no longer a plan of {agency}",
                                       f"«{plan}» دیگر برنامه دستگاه «{agency}» نیست",
                                       "R-20.1")])
        return self.plans(agency, only=[iri])[0], True

    def _check_endorsable(self, state: PlanState) -> None:
        reasons = []
        if state.status == "withdrawn":
            reasons.append(("the plan is withdrawn", "این برنامه پس گرفته شده است"))
        if state.indicators == 0:
            reasons.append(("a plan needs at least one indicator: unit, value before, target",
                            "برنامه دست‌کم یک شاخص با واحد سنجش، مقدار پیش و هدف لازم دارد"))
        if state.actions == 0:
            reasons.append(("a plan needs a timeline: at least one dated action",
                            "برنامه زمان‌بندی لازم دارد: دست‌کم یک اقدام با تاریخ"))
        if reasons:
            raise _refuse(reasons)

    def _event(self, agency: str, actor: Actor, resolution: str | None) -> CycleEvent:
        """A change event (the shape of Cycle._event; R-16)."""
        event = str(self.iris.owned("event", agency, str(uuid.uuid4())))
        return CycleEvent(event, "endorse", "endorsed", self.cycle._now().isoformat(),
                          actor.name, str(self.iris.agent(actor.name)), actor.role.value,
                          event + "/association", concept("cycle-step", "3"),
                          f"council resolution {resolution}" if resolution else None)


def _text(value: object) -> str | None:
    return None if value is None else str(value)
