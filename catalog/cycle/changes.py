"""Changes to approved duties and services, decided by the step's body (R-2.1, R-3.2, R-4.2;
ADR 0015).

An approved record is a published version with a permanent ID and IRI: an edit does not touch
it but becomes its working version (catalog.registry). The body that approves the record's
step approves the change, which then replaces the record and keeps its ID, or turns it down
with a reason, and the approved version stays. Approving the whole step decides every change
waiting in it the same way. Each decision is an event of the trail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import URIRef

from catalog.changeset import ChangeSet, Origin
from catalog.cycle.states import Action, Actor, CycleRefused, Reason, State, fa
from catalog.graphmap import nodes_to_graph
from catalog.port import StaleVersion, record_version
from catalog.registry import REJECT_CHANGE, Registry, WorkingVersion, diff

if TYPE_CHECKING:
    from catalog.cycle.engine import Cycle, IssuedKind

APPROVE_CHANGE = "approve-change"
# The states of a step in which its body decides a change of an approved record: while the
# step is submitted (with the rest of it) or after it was approved.
DECIDING = (State.SUBMITTED, State.APPROVED)


class Changes:
    def __init__(self, cycle: Cycle) -> None:
        self.cycle = cycle
        self.registry = Registry(cycle.store, cycle.iris)

    def pending(self, record: str) -> WorkingVersion | None:
        return self.registry.working(record)

    def of_agency(self, agency: str, kind: IssuedKind) -> list[WorkingVersion]:
        """The changes waiting for the body in `agency`'s duties or services."""
        iris = self.cycle.store.records_with_changes(str(self.cycle.iris.agency(agency)),
                                                     kind.label)
        return [w for iri in iris if (w := self.registry.working(iri)) is not None]

    def approve(self, agency: str, record: str, kind: IssuedKind, actor: Actor) -> str:
        """The step's body approves the change waiting on `record`: it is judged with
        everything around it and replaces the approved version, keeping its ID. Returns the
        record's ID."""
        work = self._decidable(agency, record, kind, actor, Action.APPROVE, None)
        cs = ChangeSet(nodes_to_graph([work.node]),
                       {URIRef(record): Origin(f"working version #{work.seq} of {record}")})
        problems = self.registry.check(cs, in_place=True)
        if problems:
            raise CycleRefused([Reason(f"the change of {record} breaks a rule: {p.message_en}",
                                       f"تغییر {record} با قاعده‌ای سازگار نیست: {p.message_fa}",
                                       p.requirement or kind.requirement)
                                for p in problems])
        try:
            self.registry.apply_checked(cs, actor, APPROVE_CHANGE, in_place=True,
                                        expect={record: record_version(work.approved)})
        except StaleVersion as exc:
            raise _changed_meanwhile(record) from exc
        return str(work.approved.props.get(kind.prop, ""))

    def reject(self, agency: str, record: str, kind: IssuedKind, actor: Actor,
               reason: str) -> None:
        """The step's body turns the change down: the approved version stays, and the trail
        says why."""
        self._decidable(agency, record, kind, actor, Action.REJECT, reason)
        self.registry.note(record, actor, REJECT_CHANGE, reason)

    def approve_all(self, agency: str, kind: IssuedKind, actor: Actor) -> None:
        """Approving the step decides every change waiting in it."""
        for work in self.of_agency(agency, kind):
            self.approve(agency, work.iri, kind, actor)

    def _decidable(self, agency: str, record: str, kind: IssuedKind, actor: Actor,
                   action: Action, reason: str | None) -> WorkingVersion:
        self.cycle._authorize(agency, kind.step, action, actor)
        if action is Action.REJECT and not (reason and reason.strip()):
            raise CycleRefused([Reason(f"{action.value} needs a reason", "ذکر دلیل الزامی است",
                                       "R-2.1")])
        state = self.cycle._state(agency, kind.step)
        if state not in DECIDING:
            raise CycleRefused([Reason(
                f"step {kind.step} is {state.value}: a change of an approved record is decided "
                "while the step is submitted or approved",
                f"گام {fa(kind.step)} در وضعیت ارسال‌شده یا تأییدشده نیست؛ تغییر رکورد تأییدشده "
                "در این دو وضعیت بررسی می‌شود", "R-2.1")])
        work = self.pending(record)
        if work is None:
            raise CycleRefused([Reason(f"no change of {record} is waiting for a decision",
                                       f"تغییری از {record} در انتظار تصمیم نیست", "R-2.1")])
        return work


def changes_between(work: WorkingVersion) -> list[dict[str, object]]:
    """What the working version changes in the approved record (field, before, after)."""
    return diff(work.approved, work.node)


def _changed_meanwhile(record: str) -> CycleRefused:
    return CycleRefused([Reason(f"{record} changed meanwhile; read it again",
                                f"{record} در این فاصله تغییر کرد؛ دوباره بررسی کنید",
                                "R-2.1")])
