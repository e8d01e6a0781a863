"""What waits for an approving body (R-2.1, R-2.2): the submitted steps it decides, and what
each would change since the last approved version of its records.

A step's approval decides its pending duties, services or plans (issuing their IDs once,
R-3.2, R-4.2, R-5.1) and every change waiting on its approved records (ADR 0015); this module
reads exactly those, with the cycle's own rules (catalog.cycle.engine, catalog.cycle.changes),
for the body to see before it decides. Who may read or decide is the policy's (catalog.guard).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from catalog.cycle.changes import Changes
from catalog.cycle.facts import KINDS, IssuedKind
from catalog.cycle.states import Action
from catalog.decided import status_of
from catalog.graphmap import Node
from catalog.registry import diff

if TYPE_CHECKING:
    from catalog.cycle.engine import Cycle, StepStatus

ADDED, CHANGED, REMOVED = "added", "changed", "removed"


@dataclass(frozen=True)
class Waiting:
    """A submitted step waiting for its body: since when (the submission's ISO timestamp)
    and how many records its approval decides."""

    agency: str
    status: StepStatus
    since: str | None
    records: int


@dataclass(frozen=True)
class RecordChange:
    """One record of a submission: new (`added`, never approved), or a change waiting on an
    approved record (`changed`; `removed` when it withdraws the record), with the fields that
    differ from the last approved version (`before`; None when there is none)."""

    iri: str
    change: str
    before: Node | None
    after: Node
    fields: list[dict[str, Any]]


@dataclass(frozen=True)
class Submission:
    """A step's submission: when it was last submitted, and its records' changes."""

    since: str | None
    records: list[RecordChange]


def waiting(cycle: Cycle, steps: list[tuple[str, StepStatus]]) -> list[Waiting]:
    """These submitted steps as an inbox, oldest submission first."""
    found = [Waiting(code, s, submitted_at(cycle, code, s.step), count(cycle, code, s.step))
             for code, s in steps]
    return sorted(found, key=lambda w: (w.since or "", w.agency, w.status.step))


def submitted_at(cycle: Cycle, agency: str, step: int) -> str | None:
    """When the step was last submitted (its trail, R-16)."""
    events = [e for e in cycle.history(cycle.step_iri(agency, step))
              if e.action == Action.SUBMIT.value]
    return events[-1].at if events else None


def count(cycle: Cycle, agency: str, step: int) -> int:
    """How many records the step's approval decides: pending ones and waiting changes."""
    kind = KINDS.get(step)
    if kind is None:
        return 0
    return len(cycle._pending(agency, kind)) + len(Changes(cycle).of_agency(agency, kind))


def submission(cycle: Cycle, agency: str, step: int) -> Submission:
    """What the step's approval would decide, record by record, field by field."""
    kind = KINDS.get(step)
    found = [] if kind is None else _added(cycle, agency, kind) + _changed(cycle, agency, kind)
    return Submission(submitted_at(cycle, agency, step), sorted(found, key=lambda c: c.iri))


def _added(cycle: Cycle, agency: str, kind: IssuedKind) -> list[RecordChange]:
    nodes = cycle.store.describe(cycle._pending(agency, kind))
    return [RecordChange(n.iri, ADDED, None, n, diff(Node(n.iri, n.label, {}), n))
            for n in nodes]


def _changed(cycle: Cycle, agency: str, kind: IssuedKind) -> list[RecordChange]:
    return [RecordChange(w.iri, REMOVED if status_of(w.node) == "withdrawn" else CHANGED,
                         w.approved, w.node, diff(w.approved, w.node))
            for w in Changes(cycle).of_agency(agency, kind)]
