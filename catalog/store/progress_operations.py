"""The progress part of the store port (catalog.port.ProgressPort), in Cypher: one
implementation both adapters inherit (ADR 0021). The statements are those of
catalog.store.progress_cypher; a report and everything it carries is one guarded write
(catalog.store.runner: one Neo4j transaction, one FalkorDB statement; ADR 0019)."""

from __future__ import annotations

from typing import Any

from catalog.cycle.progress_facts import (
    ProgressFiling,
    StoredEvidence,
    StoredEvidenceRef,
    StoredPlan,
    StoredProgress,
)
from catalog.store import progress_cypher as pc
from catalog.store.cycle_operations import event_params
from catalog.store.runner import Runner, Statement


def _int(value: Any) -> int | None:
    return int(value) if value is not None else None


class ProgressOperations(Runner):
    """catalog.port.ProgressPort over any Cypher store."""

    def progress_plan(self, plan: str) -> StoredPlan | None:
        rows = self.read(pc.PLAN, {"plan": plan})
        if not rows:
            return None
        r = rows[0]
        return StoredPlan(r["iri"], r["code"], r["status"],
                          tuple(sorted(i for i in r["indicators"] if i)),
                          tuple(sorted(x for x in r["actions"] if x)))

    def file_progress(self, filing: ProgressFiling) -> bool:
        report = str(filing.report["iri"])
        evidence = [str(f["iri"]) for f in filing.evidence]
        then: list[Statement] = [(pc.STORE_EVIDENCE, {"files": [dict(f) for f in filing.evidence]}),
                (pc.STORE_VALUES, {"report": report,
                                   "values": [dict(v) for v in filing.values]}),
                (pc.LINK_ACTIONS, {"report": report, "actions": list(filing.actions)}),
                (pc.LINK_EVIDENCE, {"report": report, "evidence": evidence}),
                (pc.EVENT, {"agency": filing.agency, "report": report, "evidence": evidence,
                            **event_params(filing.event)})]
        rows = self.write(pc.FILE_PROGRESS, {
            "agency": filing.agency, "plan": filing.plan, "approved": filing.approved,
            "period": filing.period, "report": dict(filing.report)}, then=then)
        return bool(rows)

    def progress_reports(self, plan: str) -> list[StoredProgress]:
        found = []
        for r in self.read(pc.REPORTS, {"plan": plan}):
            values = {str(i): str(v) for i, v in r["values"] if i is not None}
            files = tuple(StoredEvidenceRef(str(sha), title, _int(size), media)
                          for sha, title, size, media in r["evidence"] if sha is not None)
            found.append(StoredProgress(r["iri"], r["plan"], r["period"], dict(r["props"]),
                                        r["by"], values, tuple(sorted(r["done"])),
                                        tuple(sorted(files))))
        return found

    def evidence_file(self, iri: str) -> StoredEvidence | None:
        rows = self.read(pc.EVIDENCE_FILE, {"iri": iri})
        if not rows or rows[0]["iri"] is None:
            return None
        r = rows[0]
        return StoredEvidence(r["iri"], r["sha256"], r["title"], _int(r["size"]), r["media"],
                              tuple(sorted(p for p in r["plans"] if p)))

    def evidence_content(self, iri: str) -> str | None:
        rows = self.read(pc.EVIDENCE_CONTENT, {"iri": iri})
        return str(rows[0]["bytes"]) if rows and rows[0]["bytes"] is not None else None
