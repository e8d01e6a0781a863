"""The cycle part of the store port (catalog.port.CyclePort), in Cypher: one
implementation both adapters inherit; where FalkorDB and Neo4j differ, the adapter's dialect
decides (ADR 0021).

Each operation is the statement (or, for a transition, the statements of one transaction,
ADR 0019) the cycle ran before through `read`/`write`: the same text, parameters and round
trips. The statements stay in catalog.store.cypher, .obligations_cypher and .review_cypher,
read from there when an operation runs, where tests/test_cypher_grammar.py collects them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any

from catalog.cycle.facts import (
    MET,
    OPEN,
    AgencyEvent,
    ClockChange,
    ClockStart,
    ClockStop,
    CycleEvent,
    HistoryEntry,
    Issued,
    IssuedKind,
    MappedDuty,
    ProvincialUnit,
    ReviewTarget,
    ServiceMapping,
    StepClocks,
    StoredAgency,
    StoredDuty,
    StoredMembership,
    StoredObligation,
    StoredRecord,
    StoredReport,
    StoredStep,
)
from catalog.port import Row
from catalog.store import cypher
from catalog.store import emergency_cypher as ec
from catalog.store import obligations_cypher as oc
from catalog.store import review_cypher as rc
from catalog.store.runner import Runner, Statement


def event_params(event: CycleEvent) -> dict[str, Any]:
    """The parameters of a change event, as every statement that appends one takes them."""
    props: dict[str, Any] = {"iri": event.iri, "action": event.action,
                             "toState": event.to_state, "endedAtTime": event.at}
    if event.reason:
        props["reason"] = event.reason
    return {"agent": event.agent, "actor": event.actor, "event": props,
            "commit_counter": cypher.COMMITS_KEY, "cycle_step": event.step,
            "association": {"iri": event.association, "actingAs": event.role}}


def clock_statement(change: ClockChange) -> Statement:
    """The statement of one clock change, run alone or after a transition."""
    if isinstance(change, StepClocks):
        return cypher.START_CLOCKS, {"steps": list(change.steps), "date": change.on.isoformat()}
    if isinstance(change, ClockStart):
        return oc.START_CLOCK, {
            "agency": change.agency, "key": change.key, "once": change.once, "open": OPEN,
            "obligation": dict(change.obligation), "province": change.province,
            "unit": change.unit, **event_params(change.event)}
    return oc.STOP_CLOCKS, {
        "agency": change.agency, "keys": list(change.keys), "iris": list(change.iris),
        "open": OPEN, "met": MET, "on": change.on.isoformat(), **event_params(change.event)}


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _number(value: Any) -> int | None:
    return int(value) if value is not None else None


class CycleOperations(Runner):
    """catalog.port.CyclePort over any Cypher store."""

    # -- steps and transitions (catalog.cycle.engine, ADR 0005) ----------------------------

    def agency_ancestors(self, agency: str) -> list[str]:
        rows = self.read(cypher.AGENCY_ANCESTORS, {"agency": agency})
        return [r["code"] for r in rows if r["code"]]

    def agency_steps(self, agency: str | None) -> list[StoredStep]:
        return [StoredStep(r["code"], int(r["step"]), r["state"], _day(r["clock_start"]))
                for r in self.read(cypher.AGENCY_STEPS, {"agency": agency})]

    def ensure_steps(self, agency: str, steps: Sequence[tuple[str, str]], initial: str) -> int:
        rows = self.write(cypher.ENSURE_STEPS, {
            "agency": agency, "steps": [{"iri": iri, "concept": c} for iri, c in steps],
            "initial": initial})
        return int(rows[0]["n"]) if rows else 0

    def transition(self, step: str, sources: Collection[str], target: str, clock: date,
                   event: CycleEvent, clocks: Sequence[ClockChange] = ()) -> bool:
        params = {"step": step, "from": sorted(sources), "to": target,
                  "clock": clock.isoformat(), **event_params(event)}
        then = [clock_statement(c) for c in clocks]
        return bool(self.write(cypher.TRANSITION, params, then=then))

    def history(self, iri: str) -> list[HistoryEntry]:
        return [HistoryEntry(r["iri"], r["at"], r["action"], r["actor"], r["role"],
                             r["from_state"], r["to_state"], r["reason"], r["issued"],
                             _number(r["step"]), _number(r["seq"]), r["source"])
                for r in self.read(cypher.HISTORY, {"iri": iri})]

    def trail(self, agency: str | None, actor: str | None, before: int | None,
              limit: int) -> list[Row]:
        return self.read(cypher.TRAIL, {"agency": agency, "actor": actor, "before": before,
                                        "limit": limit})

    # -- records of steps 1 and 2 (R-3.2, R-4.2) -----------------------------------------

    def record_state(self, record: str) -> list[StoredRecord]:
        return [StoredRecord(r["iri"], tuple(r["labels"]), r["agency"], r["status"],
                             r["duty_id"], r["service_id"])
                for r in self.read(cypher.RECORD_STATE, {"record": record})]

    def agency_records(self, agency: str, label: str) -> list[StoredRecord]:
        return [StoredRecord(r["iri"], (label,), agency, r["status"], r["duty_id"],
                             r["service_id"])
                for r in self.read(cypher.AGENCY_RECORDS, {"agency": agency, "label": label})]

    def service_duties(self, service: str) -> list[MappedDuty]:
        return [MappedDuty(r["iri"], r["duty_id"], r["status"])
                for r in self.read(cypher.SERVICE_DUTIES, {"record": service})]

    def records_with_changes(self, agency: str, label: str) -> list[str]:
        return [r["iri"] for r in self.read(cypher.AGENCY_WORKING,
                                            {"agency": agency, "label": label})]

    def issue_id(self, kind: IssuedKind, record: str, agency: str, prefix: str, status: str,
                 event: CycleEvent) -> Issued | None:
        rows = self.write(cypher.issue_id_statement(kind.label, kind.prop), {
            "record": record, "agency": agency, "status": status, "counter": prefix,
            "prefix": prefix, "width": kind.width, "zeros": "0" * kind.width,
            **event_params(event)})
        if not rows:
            return None
        return Issued(record, rows[0]["id"], bool(rows[0]["issued"]))

    def set_record_status(self, label: str, record: str, agency: str, status: str,
                          event: CycleEvent) -> bool:
        return bool(self.write(cypher.set_status_statement(label), {
            "record": record, "agency": agency, "status": status, **event_params(event)}))

    # -- clocks, the representative, reports (catalog.cycle.obligations, ADR 0007) ---------

    def start_clock(self, clock: ClockStart) -> str | None:
        rows = self.write(*clock_statement(clock))
        return str(rows[0]["iri"]) if rows else None

    def stop_clocks(self, stop: ClockStop) -> list[str]:
        return [str(i) for r in self.write(*clock_statement(stop)) for i in r["closed"]]

    def obligations(self, agency: str | None, state: str | None) -> list[StoredObligation]:
        return [StoredObligation(r["iri"], r["code"], dict(r["props"]), r["unit"],
                                 r["province"], _number(r["step"]))
                for r in self.read(oc.OBLIGATIONS, {"agency": agency, "state": state})]

    def start_emergency(self, clock: ClockStart, keys: Sequence[str]) -> str | None:
        rows = self.write(ec.RECEIVE_EMERGENCY, {
            "agency": clock.agency, "keys": list(keys), "obligation": dict(clock.obligation),
            **event_params(clock.event)})
        return str(rows[0]["iri"]) if rows else None

    def emergency(self, keys: Sequence[str]) -> StoredObligation | None:
        rows = self.read(ec.EMERGENCY, {"keys": list(keys)})
        return next((StoredObligation(r["iri"], r["code"], dict(r["props"]), None, None,
                                      _number(r["step"])) for r in rows), None)

    def appoint(self, agency: str, member: str, person: str, membership: Mapping[str, Any],
                on: date, event: CycleEvent) -> bool:
        return bool(self.write(oc.APPOINT, {
            "agency": agency, "on": on.isoformat(), "member": member, "person": person,
            "membership": dict(membership), **event_params(event)}))

    def representatives(self, agency: str | None) -> list[StoredMembership]:
        found = []
        for r in self.read(oc.REPRESENTATIVES, {"agency": agency}):
            appointed = _day(r["appointed"])
            assert appointed is not None, r
            found.append(StoredMembership(r["iri"], r["code"], r["person"], appointed,
                                          _day(r["ended"])))
        return found

    def file_report(self, label: str, agency: str, period: str, report: Mapping[str, Any],
                    event: CycleEvent) -> bool:
        return bool(self.write(oc.file_report_statement(label), {
            "agency": agency, "period": period, "report": dict(report),
            **event_params(event)}))

    def reports(self, label: str, agency: str | None) -> list[StoredReport]:
        return [StoredReport(r["iri"], r["code"], r["period"], dict(r["props"]), r["by"])
                for r in self.read(oc.reports_statement(label), {"agency": agency})]

    def provincial_units(self, agency: str, kind: str) -> list[ProvincialUnit]:
        return [ProvincialUnit(r["iri"], r["code"], r["province"], r["province_code"])
                for r in self.read(oc.PROVINCIAL_UNITS, {"agency": agency, "kind": kind})]

    def review_targets(self, duty: str) -> list[ReviewTarget]:
        return [ReviewTarget(r["iri"], r["kind"], r["code"])
                for r in self.read(rc.REVIEW_TARGETS, {"duty": duty})]

    # -- the monitoring report (catalog.cycle.reports, R-18) -------------------------------

    def agencies(self, agency: str | None) -> list[StoredAgency]:
        return [StoredAgency(r["iri"], r["code"], r["name_fa"], r["name_en"], r["parent"],
                             r["kind"])
                for r in self.read(oc.AGENCIES, {"agency": agency})]

    def agency_events(self, agency: str | None, actions: Sequence[str]) -> list[AgencyEvent]:
        rows = self.read(oc.AGENCY_EVENTS, {"agency": agency, "actions": list(actions)})
        return [AgencyEvent(r["code"], r["iri"], r["at"], r["action"], r["from_state"],
                            r["to_state"], r["reason"], r["target"], tuple(r["labels"]),
                            r["ref"], r["actor"], r["role"], _number(r["step"]))
                for r in rows]

    def duties_without_service(self, agency: str | None) -> list[StoredDuty]:
        return [StoredDuty(r["code"], r["iri"], r["ref"], r["duty_id"], r["status"])
                for r in self.read(oc.DUTIES_WITHOUT_SERVICE, {"agency": agency})]

    def service_mappings(self, agency: str | None) -> list[ServiceMapping]:
        return [ServiceMapping(r["code"], r["iri"], r["ref"], r["service_id"], r["status"],
                               int(r["duties"]), int(r["with_id"]))
                for r in self.read(oc.SERVICES_DUTY_IDS, {"agency": agency})]
