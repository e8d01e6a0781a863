"""What provincial slices and verification reports exchange with the store
(catalog.port.ProvincesPort, R-5.5, R-8.1, R-8.2, ADR 0030), as values of the domain. A leaf
module, like catalog.cycle.facts: the store's adapters build and read these values
(catalog.store.provinces_operations)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from catalog.cycle.facts import ClockStop, CycleEvent


@dataclass(frozen=True)
class SliceRegistration:
    """A piloted plan's provincial slice as registered: its properties (iri, state, issued,
    description@fa, description@en), the provinces it goes to (concept IRIs) and the event.
    Written unless the plan (of `agency`, status `approved`) has a slice already."""

    agency: str
    plan: str
    approved: str
    slice: Mapping[str, Any]
    provinces: Sequence[str]
    event: CycleEvent


@dataclass(frozen=True)
class SliceMove:
    """The slice `slice` of `agency` moves from `from_state` to `to_state` on `on` (the
    council's endorsement with its `resolution`, or the sending), with its event; the sending
    stops the plan's R-5.5 clock in the same write (`stop`)."""

    agency: str
    slice: str
    from_state: str
    to_state: str
    on: str  # ISO date
    event: CycleEvent
    resolution: str | None = None
    stop: ClockStop | None = None


class StoredSlice(NamedTuple):
    """A stored provincial slice: its properties as the cycle wrote them, the provinces it
    goes to and who registered it."""

    iri: str
    plan: str
    agency: str  # the agency's code
    props: dict[str, Any]
    provinces: tuple[str, ...]
    by: str | None


@dataclass(frozen=True)
class VerificationFiling:
    """One province's verification report on a plan (R-8.1, R-8.2): its properties (iri,
    issued, problems@fa, suggestions@fa), per indicator the verdict (`items`: props with iri,
    value, note@fa; the indicator's IRI; the verdict concept's IRI) and the event. Written
    unless the province reported on the plan already."""

    agency: str
    plan: str
    province: str  # the province concept's IRI
    report: Mapping[str, Any]
    items: Sequence[Mapping[str, Any]]
    event: CycleEvent


class StoredVerdict(NamedTuple):
    indicator: str  # the indicator's IRI
    verdict: str | None  # the verification concept's IRI
    value: str | None  # the value observed
    note: str | None


class StoredVerification(NamedTuple):
    """A stored verification report: its properties, its province (concept IRI), who
    recorded it and the verdicts."""

    iri: str
    plan: str
    province: str
    props: dict[str, Any]
    by: str | None
    verdicts: tuple[StoredVerdict, ...]
