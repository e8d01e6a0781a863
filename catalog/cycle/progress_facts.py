"""What progress reports and their evidence exchange with the store (catalog.port.ProgressPort,
R-5.2, ADR 0029), as values of the domain. A leaf module, like catalog.cycle.facts: the
store's adapters build and read these values (catalog.store.progress_operations)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from catalog.cycle.facts import CycleEvent


class StoredPlan(NamedTuple):
    """An improvement plan as a progress report needs it: its agency (code), status IRI,
    and the IRIs of its indicators and actions."""

    iri: str
    agency: str
    status: str | None
    indicators: tuple[str, ...]
    actions: tuple[str, ...]


@dataclass(frozen=True)
class ProgressFiling:
    """One progress report with everything it carries, written in one store write: the
    report's properties, the values (IRI, indicator IRI, value), the actions declared done,
    the evidence files (catalog.cycle.evidence.EvidenceFile.node: iri, media, props) and the
    change event. Refused as a whole (nothing written) unless the plan is the agency's,
    approved (`approved`: the status concept), and has no report for the period."""

    agency: str
    plan: str
    period: str
    approved: str
    report: Mapping[str, Any]
    values: Sequence[Mapping[str, Any]]
    actions: Sequence[str]
    evidence: Sequence[Mapping[str, Any]]
    event: CycleEvent
    cycle_step: str | None = field(default=None)


class StoredEvidenceRef(NamedTuple):
    """An evidence file as a report lists it (never its bytes)."""

    sha256: str
    title: str | None
    size: int | None
    media_type: str | None  # the IANA media type IRI


class StoredProgress(NamedTuple):
    """A stored progress report: its properties, who filed it, the values ({indicator IRI:
    value}), the actions declared done and the evidence files."""

    iri: str
    plan: str
    period: str
    props: dict[str, Any]
    by: str | None
    values: dict[str, str]
    done: tuple[str, ...]
    evidence: tuple[StoredEvidenceRef, ...]


class StoredEvidence(NamedTuple):
    """An evidence file's description and the plans whose reports cite it (never its
    bytes: those are read alone, by `ProgressPort.evidence_content`)."""

    iri: str
    sha256: str
    title: str | None
    size: int | None
    media_type: str | None
    plans: tuple[str, ...]
