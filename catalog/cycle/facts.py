"""What the cycle and its store exchange (catalog.port.CyclePort), as values of the domain:
the change event a write appends, the clocks a write starts or stops, the kinds of record that
are issued IDs, and what the store reads back of steps, records, clocks and reports.

A leaf module: the store's adapters build and read these values (catalog.store.cycle_operations),
and adapters depend on the core, never the reverse (ADR 0021). Dates the store keeps as ISO text
come back as `date`; properties the cycle writes as a map (an obligation's, a report's) come
back as that map, for the cycle to read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

# How IDs are issued is what only the cycle decides (catalog.decided, ADR 0015); re-exported.
from catalog.decided import DUTY as DUTY
from catalog.decided import KINDS as KINDS
from catalog.decided import PLAN as PLAN
from catalog.decided import SERVICE as SERVICE
from catalog.decided import IssuedKind as IssuedKind

# The state of a clock (an Obligation): running, or stopped because what it waits for was done.
OPEN, MET = "open", "met"


@dataclass(frozen=True)
class Issued:
    record: str
    identifier: str
    fresh: bool  # False: the record already had this ID, nothing was issued


# -- what a write carries --------------------------------------------------------------------

@dataclass(frozen=True)
class CycleEvent:
    """The change event (a PROV-O activity, R-16) a cycle write appends to the trail: `actor`
    (agent `agent`, acting as `role` through the association `association`) did `action` at
    `at`, leaving what it acted on in `to_state`; `step`: the cycle-step concept it belongs
    to, if any. The store numbers it (its place in the trail) in the same transaction."""

    iri: str
    action: str
    to_state: str
    at: str  # ISO 8601 timestamp
    actor: str
    agent: str
    role: str
    association: str
    step: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class StepClocks:
    """Start on `on` the clocks of these steps (their IRIs) that have none yet (R-4.1)."""

    steps: Sequence[str]
    on: date


@dataclass(frozen=True)
class ClockStart:
    """Start a clock of `agency` (an Obligation with the properties `obligation`: iri,
    clockKey, article, state, clockStart, dueDate, …) unless one under `key` is open, or with
    `once`, was ever started; linked to `province` and `unit` when given (R-5.5, R-3.3)."""

    agency: str
    key: str
    obligation: Mapping[str, Any]
    event: CycleEvent
    once: bool = False
    province: str | None = None
    unit: str | None = None


@dataclass(frozen=True)
class ClockStop:
    """Stop, met on `on`, the open clocks of `agency` under one of `keys` or with one of
    `iris`; one event for them all."""

    agency: str
    keys: Sequence[str]
    on: date
    event: CycleEvent
    iris: Sequence[str] = field(default_factory=tuple)


# What a step's transition starts or stops with it, in one transaction (ADR 0019).
ClockChange = StepClocks | ClockStart | ClockStop


# -- what a read returns ----------------------------------------------------------------------

class StoredStep(NamedTuple):
    """One step of an agency's cycle as stored."""

    code: str  # the agency's code
    step: int
    state: str
    clock_start: date | None


class StoredRecord(NamedTuple):
    """A duty or service with what the cycle decides of it."""

    iri: str
    labels: tuple[str, ...]
    agency: str | None  # the owning agency's IRI
    status: str | None  # the status concept's notation
    duty_id: str | None
    service_id: str | None


class MappedDuty(NamedTuple):
    """A duty a service maps to (R-4.1)."""

    iri: str
    duty_id: str | None
    status: str | None


class HistoryEntry(NamedTuple):
    """A change event that acted on a step or record (R-16)."""

    iri: str
    at: str
    action: str
    actor: str
    role: str
    from_state: str | None
    to_state: str | None
    reason: str | None
    issued: str | None
    step: int | None
    seq: int | None
    source: str | None


class StoredObligation(NamedTuple):
    """A clock of an agency: its properties as the cycle wrote them, and what it is linked to."""

    iri: str
    code: str  # the agency's code
    props: dict[str, Any]
    unit: str | None  # the identifier of what it concerns (a provincial unit's code)
    province: str | None  # the province's notation
    step: int | None


class StoredMembership(NamedTuple):
    """An appointment of an agency's representative (R-19)."""

    iri: str
    code: str
    person: str
    appointed: date
    ended: date | None


class StoredReport(NamedTuple):
    """A performance or monitoring report (R-19, R-18): its properties as the cycle wrote them."""

    iri: str
    code: str
    period: str
    props: dict[str, Any]
    by: str | None  # who filed it


class ProvincialUnit(NamedTuple):
    """A provincial unit of an agency (R-5.5), with its province."""

    iri: str
    code: str
    province: str | None  # the province's IRI
    province_code: str | None


class ReviewTarget(NamedTuple):
    """A service mapped to a changed duty, or a chain holding one (R-3.3)."""

    iri: str
    kind: str  # service | chain
    code: str | None  # its agency's code


class StoredAgency(NamedTuple):
    iri: str
    code: str | None
    name_fa: Any  # one name or several
    name_en: Any
    parent: str | None  # the code of the agency it is part of
    kind: str | None


class AgencyEvent(NamedTuple):
    """A change event of an agency, with what it acted on (R-16, for R-18)."""

    code: str
    iri: str
    at: str
    action: str
    from_state: str | None
    to_state: str | None
    reason: str | None
    target: str
    labels: tuple[str, ...]  # what the target is
    ref: str | None
    actor: str
    role: str | None
    step: int | None


class StoredDuty(NamedTuple):
    """A duty (R-18 omissions): no service maps to it."""

    code: str
    iri: str
    ref: str | None
    duty_id: str | None
    status: str | None


class ServiceMapping(NamedTuple):
    """A service and how many duties it maps to, and how many of those have a duty ID."""

    code: str
    iri: str
    ref: str | None
    service_id: str | None
    status: str | None
    duties: int
    with_id: int
