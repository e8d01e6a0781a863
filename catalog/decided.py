"""What the regulator decides, and so no submission may say (R-2.1, R-3.2, R-4.2; ADR 0015).

A duty's or service's approval state (submitted, approved, rejected), its issued duty or
service ID, and a legacy identifier from an earlier registry are written by the cycle's own
actions (catalog.cycle) and by the admin's legacy import (catalog.legacy), never by what a
steward, representative, consultant or operator sends: a PUT, a workbook, CSV, Turtle or
JSON-LD. A submission may repeat a value exactly as stored (an export loaded back changes
nothing); any other value is a problem naming the record's row and column.

An approved record a submission changes is not changed in place: the change becomes its working
version (catalog.registry), so the submission carries the decided values over from the stored
record (`carry_decided`) and is judged as what it would become.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from catalog.changeset import ChangeSet
from catalog.graphmap import Node
from catalog.ontology import mapping
from catalog.problems import Problem
from catalog.vocab import ADMS, GC, concept


# Store label → (issued ID property, its column, requirement).
@dataclass(frozen=True)
class IssuedKind:
    """How IDs of one kind of record are issued (format documented in ADR 0005)."""

    step: int
    label: str
    prop: str
    column: str  # the sheet's column of the ID
    letter: str
    width: int
    requirement: str


DUTY = IssuedKind(1, "Duty", "dutyId", "duty_id", "D", 4, "R-3.2")
SERVICE = IssuedKind(2, "PublicService", "serviceId", "service_id", "S", 5, "R-4.2")
# An improvement plan is approved with step 3 and issued its plan ID then (R-5.1, ADR 0027).
PLAN = IssuedKind(3, "ImprovementPlan", "planId", "plan_id", "P", 5, "R-5.1")
KINDS = {DUTY.step: DUTY, SERVICE.step: SERVICE, PLAN.step: PLAN}
# Store label → (ID property, its column, the rule that issues it).
ISSUED = {k.label: (k.prop, k.column, k.requirement) for k in KINDS.values()}
LEGACY = ("legacyId", "legacy_id")
# Statuses only the cycle sets; a steward writes draft (the default) or withdrawn.
CYCLE_STATUSES = frozenset({"submitted", "approved", "rejected"})
APPROVED = concept("status", "approved")
DRAFT = concept("status", "draft")
WITHDRAWN = concept("status", "withdrawn")

# The nodes the cycle keeps beside the records (ADR 0007), by their labels: written only by the
# cycle's actions (catalog.cycle.obligations), so no file may load them (catalog.registry) and
# the shapes do not judge them (catalog.validation); the store's statements name them too.
OBLIGATION = "Obligation"  # gc:Obligation, a deadline clock started by an event
REPRESENTATIVE = "Representative"  # gc:Representative ⊂ org:Membership
PERFORMANCE_REPORT = "PerformanceReport"  # gc:PerformanceReport ⊂ prov:Entity
MONITORING_REPORT = "MonitoringReport"  # gc:MonitoringReport ⊂ prov:Entity
OBLIGATION_LABELS = frozenset({OBLIGATION, REPRESENTATIVE, PERFORMANCE_REPORT,
                               MONITORING_REPORT})
REPORT_LABELS = (PERFORMANCE_REPORT, MONITORING_REPORT)
# Progress reports of approved plans with their evidence files (R-5.2, ADR 0027, ADR 0029):
# written only by catalog.cycle.progress, never loaded; left out of exports, kept in backups.
PROGRESS_REPORT = "ProgressReport"  # gc:ProgressReport ⊂ prov:Entity
INDICATOR_VALUE = "IndicatorValue"  # gc:IndicatorValue: the value an indicator reached
EVIDENCE = "Evidence"  # gc:Evidence ⊂ foaf:Document, content-addressed (evidence/{sha256})
PROGRESS_LABELS = frozenset({PROGRESS_REPORT, INDICATOR_VALUE, EVIDENCE})
# The steering council's endorsement of an improvement plan as it stood (R-5.1, ADR 0027).
ENDORSEMENT = "Endorsement"
# A piloted plan's provincial slice (R-5.5) and the provinces' verification (R-8.1, R-8.2),
# ADR 0030: written only by catalog.cycle.provinces.
PROVINCIAL_SLICE = "ProvincialSlice"  # gc:ProvincialSlice ⊂ prov:Plan, {plan}/slice
VERIFICATION_REPORT = "VerificationReport"  # gc:VerificationReport ⊂ prov:Entity
INDICATOR_VERIFICATION = "IndicatorVerification"  # one indicator's verdict in a report
PROVINCE_LABELS = frozenset({PROVINCIAL_SLICE, VERIFICATION_REPORT, INDICATOR_VERIFICATION})
PLAN_LABELS = frozenset({ENDORSEMENT}) | PROVINCE_LABELS


def status_of(node: Node | None) -> str | None:
    """The status notation of a stored or submitted duty or service (draft, approved, …)."""
    if node is None:
        return None
    found = node.rels.get("status", ())
    return found[0].rsplit("/", 1)[-1] if found else None


def is_approved(node: Node | None) -> bool:
    return node is not None and node.label in ISSUED and status_of(node) == "approved"


def decided_problems(cs: ChangeSet, stored: Mapping[str, Node]) -> list[Problem]:
    """Every value `cs` gives that only the cycle may set and that differs from the stored
    record (`stored`: the duties and services among its records, by IRI, as stored now)."""
    problems = []
    for label, (prop, column, requirement) in ISSUED.items():
        for s in cs.graph.subjects(RDF.type, mapping().class_of[label]):
            if s not in cs.subjects:
                continue
            old = stored.get(str(s))
            for p, col, req in ((prop, column, requirement), (*LEGACY, "R-4.2")):
                for given in cs.graph.objects(s, GC[p]):
                    if str(given) != (old.props.get(p) if old else None):
                        problems.append(_problem(cs, str(s), col, str(given), req, _ID_TEXT[p]))
            for status in cs.graph.objects(s, ADMS.status):
                notation = str(status).rsplit("/", 1)[-1]
                if notation in CYCLE_STATUSES and notation != status_of(old):
                    problems.append(_problem(cs, str(s), "status", notation, "R-2.1",
                                             _STATUS_TEXT))
    return problems


def carry_decided(cs: ChangeSet, stored: Mapping[str, Node]) -> frozenset[str]:
    """For each approved stored record the submission defines, give the submission the
    stored decided values (status approved unless it withdraws the record, the issued ID, the
    legacy identifier), so it is judged and compared as the version it proposes. Returns
    those records' IRIs: their change, if any, becomes a working version (ADR 0015)."""
    carried = set()
    for s in list(cs.subjects):
        old = stored.get(str(s))
        if not is_approved(old):
            continue
        assert old is not None
        carried.add(str(s))
        if (s, ADMS.status, URIRef(WITHDRAWN)) not in cs.graph:
            cs.graph.remove((s, ADMS.status, None))
            cs.graph.add((s, ADMS.status, URIRef(APPROVED)))
        for prop in (ISSUED[old.label][0], LEGACY[0], "legacyIdScheme"):
            value = old.props.get(prop)
            if value is not None:
                cs.graph.set((s, GC[prop], Literal(value)))
    if carried:
        cs.nodes = None  # the change set's store nodes are made again from the new triples
    return frozenset(carried)


_ID_TEXT = {
    "planId": ("a plan ID is issued by the cycle when the step's body approves the plan; it "
               "cannot be sent",
               "شناسه برنامه را چرخه هنگام تأیید مرجع تأییدکننده صادر می‌کند و فرستادنی نیست"),
    "dutyId": ("a duty ID is issued by the cycle when the step's body approves the duty; "
               "it cannot be sent",
               "شناسه وظیفه را چرخه هنگام تأیید مرجع تأییدکننده صادر می‌کند و فرستادنی نیست"),
    "serviceId": ("a service ID is issued by the cycle when the step's body approves the "
                  "service; it cannot be sent",
                  "شناسه خدمت را چرخه هنگام تأیید مرجع تأییدکننده صادر می‌کند و فرستادنی نیست"),
    "legacyId": ("a legacy identifier is recorded by an administrator's legacy import, not by "
                 "a submission",
                 "شناسه پیشین تنها با ورود شناسه‌های پیشین به دست مدیر سامانه ثبت می‌شود"),
}
_STATUS_TEXT = (
    "the approval state (submitted, approved, rejected) is set by the cycle's own actions; a "
    "submission writes draft or withdrawn",
    "وضعیت ارسال، تأیید یا رد را تنها کنش‌های چرخه تعیین می‌کنند؛ در ثبت تنها «پیش‌نویس» یا "
    "«منصرف‌شده» نوشتنی است")


def _problem(cs: ChangeSet, iri: str, column: str, value: str, requirement: str,
             text: tuple[str, str]) -> Problem:
    origin = cs.origin(URIRef(iri))
    return Problem(message_en=f"{column} {value!r}: {text[0]}",
                   message_fa=f"{column} «{value}»: {text[1]}",
                   source=origin.source if origin else None,
                   sheet=origin.sheet if origin else None,
                   row=origin.row if origin else None, column=column,
                   requirement=requirement, focus=iri, value=value)
