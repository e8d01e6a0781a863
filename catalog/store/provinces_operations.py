"""The provincial part of the store port (catalog.port.ProvincesPort), in Cypher: one
implementation both adapters inherit (ADR 0021, ADR 0030). The statements are those of
catalog.store.provinces_cypher; a write and what it carries is one guarded write
(catalog.store.runner: one Neo4j transaction, one FalkorDB statement; ADR 0019)."""

from __future__ import annotations

from catalog.cycle.province_facts import (
    SliceMove,
    SliceRegistration,
    StoredSlice,
    StoredVerdict,
    StoredVerification,
    VerificationFiling,
)
from catalog.store import provinces_cypher as pc
from catalog.store.cycle_operations import clock_statement, event_params
from catalog.store.runner import Runner, Statement


class ProvincesOperations(Runner):
    """catalog.port.ProvincesPort over any Cypher store."""

    def register_slice(self, registration: SliceRegistration) -> str | None:
        rows = self.write(pc.REGISTER_SLICE, {
            "agency": registration.agency, "plan": registration.plan,
            "approved": registration.approved, "slice": dict(registration.slice),
            "provinces": list(registration.provinces), **event_params(registration.event)})
        return str(rows[0]["iri"]) if rows else None

    def move_slice(self, move: SliceMove) -> bool:
        params = {"agency": move.agency, "slice": move.slice, "from": move.from_state,
                  "to": move.to_state, "on": move.on, **event_params(move.event)}
        if move.stop is None:
            return bool(self.write(pc.ENDORSE_SLICE, {**params, "resolution": move.resolution}))
        then: list[Statement] = [clock_statement(move.stop)]
        return bool(self.write(pc.SEND_SLICE, params, then=then))

    def provincial_slice(self, plan: str) -> StoredSlice | None:
        rows = self.read(pc.SLICE, {"plan": plan})
        if not rows:
            return None
        r = rows[0]
        return StoredSlice(r["iri"], r["plan"], r["code"], dict(r["props"]),
                           tuple(sorted(p for p in r["provinces"] if p)), r["by"])

    def file_verification(self, filing: VerificationFiling) -> bool:
        report = str(filing.report["iri"])
        then: list[Statement] = [
            (pc.STORE_VERDICTS, {"report": report, "items": [dict(i) for i in filing.items]}),
            (pc.VERIFICATION_EVENT, {"agency": filing.agency, "report": report,
                                     **event_params(filing.event)})]
        rows = self.write(pc.FILE_VERIFICATION, {
            "agency": filing.agency, "plan": filing.plan, "province": filing.province,
            "report": dict(filing.report), "report_iri": report}, then=then)
        return bool(rows)

    def verifications(self, plan: str) -> list[StoredVerification]:
        found = []
        for r in self.read(pc.VERIFICATIONS, {"plan": plan}):
            verdicts = tuple(sorted(
                StoredVerdict(str(i), k, None if v is None else str(v), n)
                for i, k, v, n in r["items"] if i is not None))
            found.append(StoredVerification(r["iri"], r["plan"], r["province"],
                                            dict(r["props"]), r["by"], verdicts))
        return found
