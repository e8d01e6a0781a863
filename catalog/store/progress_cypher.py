"""The Cypher of progress reports and their evidence files (R-5.2): catalog.cycle.progress,
ADR 0029, run by catalog.store.progress_operations. Values always travel as parameters.

A report is written as one guarded write (ADR 0019): FILE_PROGRESS locks the agency, finds
the plan the agency's and approved, refuses a second report of the period (no row back:
nothing written), and creates the report; then, in the same transaction (Neo4j) or the same
statement (FalkorDB, catalog.store.compound), the evidence files (MERGEd by their
content-addressed IRI: the same bytes are one node), the indicator values, the links to the
actions done and to the files, and the PROV-O event (action `file-progress`), whose `used`
lists the report and every file, last: it takes the commit counter (ADR 0011, 0017).
"""

from __future__ import annotations

from catalog.decided import EVIDENCE, INDICATOR_VALUE, PROGRESS_REPORT
from catalog.store import compound
from catalog.store.obligations_cypher import _event

__all__ = ["EVENT", "EVIDENCE_CONTENT", "EVIDENCE_FILE", "FILE_PROGRESS", "FOLLOW_UPS",
           "LINK_ACTIONS",
           "LINK_EVIDENCE", "PLAN", "REPORTS", "STORE_EVIDENCE", "STORE_VALUES",
           "progress_statements"]

FILE_PROGRESS = (
    "MATCH (a:Resource {iri: $agency}) "
    "SET a._lock = true SET a._lock = null "
    "WITH a "
    "MATCH (p:Resource {iri: $plan})-[:agency]->(a) "
    "MATCH (p)-[:status]->(st:Resource) WHERE st.iri = $approved "
    f"OPTIONAL MATCH (prev:{PROGRESS_REPORT})-[:reportsOn]->(p) WHERE prev.period = $period "
    "WITH a, p, count(prev) AS n "
    "WHERE n = 0 "
    f"CREATE (target:Resource:{PROGRESS_REPORT}) SET target = $report "
    "CREATE (target)-[:agency]->(a) "
    "CREATE (target)-[:reportsOn]->(p) "
    "RETURN target.iri AS iri"
)

# The files ($files: iri, media, props): one node per content. A node already at the IRI keeps
# the name it first came with; one that only a link made (no class yet) becomes the file.
STORE_EVIDENCE = (
    "UNWIND $files AS f "
    "MERGE (ev:Resource {iri: f.iri}) "
    "ON CREATE SET ev = f.props "
    f"SET ev:{EVIDENCE} "
    "SET ev.sha256 = f.props.sha256, ev.byteSize = f.props.byteSize, "
    "ev.title = coalesce(ev.title, f.props.title), "
    "ev.bytes = coalesce(ev.bytes, f.props.bytes) "
    "WITH ev, f "
    "MERGE (m:Resource {iri: f.media}) "
    "MERGE (ev)-[:mediaType]->(m) "
    "RETURN count(ev) AS n"
)

# The values reached ($values: iri, indicator, props), each linked to its indicator.
STORE_VALUES = (
    "MATCH (r:Resource {iri: $report}) "
    "UNWIND $values AS v "
    "MATCH (i:Resource {iri: v.indicator}) "
    f"CREATE (iv:Resource:{INDICATOR_VALUE}) SET iv = v.props "
    "CREATE (r)-[:measurement]->(iv) "
    "CREATE (iv)-[:indicator]->(i) "
    "RETURN count(iv) AS n"
)

LINK_ACTIONS = (
    "MATCH (r:Resource {iri: $report}) "
    "UNWIND $actions AS x "
    "MATCH (act:Resource {iri: x}) "
    "CREATE (r)-[:actionDone]->(act) "
    "RETURN count(act) AS n"
)

LINK_EVIDENCE = (
    "MATCH (r:Resource {iri: $report}) "
    "UNWIND $evidence AS x "
    "MATCH (ev:Resource {iri: x}) "
    "CREATE (r)-[:evidence]->(ev) "
    "RETURN count(ev) AS n"
)

EVENT = (
    "MATCH (a:Resource {iri: $agency}) "
    "MATCH (target:Resource {iri: $report}) "
    "OPTIONAL MATCH (ev:Resource) WHERE ev.iri IN $evidence "
    "WITH a, target, collect(ev) AS files "
    + _event("a, target, files",
             "CREATE (e)-[:used]->(target) FOREACH (f IN files | CREATE (e)-[:used]->(f))")
    + "CREATE (target)-[:wasAttributedTo]->(ag) "
    "RETURN e.iri AS iri"
)

# -- reads ----------------------------------------------------------------------------------

# A plan as a report needs it: its agency, status, indicators and actions.
PLAN = (
    "MATCH (p:Resource {iri: $plan})-[:agency]->(a:Resource) "
    "OPTIONAL MATCH (p)-[:status]->(st:Resource) "
    "OPTIONAL MATCH (i:Indicator)-[:plan]->(p) "
    "WITH p, a, st, collect(DISTINCT i.iri) AS indicators "
    "OPTIONAL MATCH (x:ImprovementAction)-[:plan]->(p) "
    "RETURN p.iri AS iri, a.identifier AS code, st.iri AS status, indicators, "
    "collect(DISTINCT x.iri) AS actions"
)

# The reports of a plan, by period: never an evidence file's bytes.
REPORTS = (
    f"MATCH (r:{PROGRESS_REPORT})-[:reportsOn]->(p:Resource) "
    "WHERE p.iri = $plan "
    "OPTIONAL MATCH (r)-[:wasAttributedTo]->(by:Resource) "
    f"OPTIONAL MATCH (r)-[:measurement]->(v:{INDICATOR_VALUE})-[:indicator]->(i:Resource) "
    "WITH r, p, by, collect([i.iri, v.value]) AS values "
    "OPTIONAL MATCH (r)-[:actionDone]->(x:Resource) "
    "WITH r, p, by, values, collect(x.iri) AS done "
    f"OPTIONAL MATCH (r)-[:evidence]->(ev:{EVIDENCE}) "
    "OPTIONAL MATCH (ev)-[:mediaType]->(m:Resource) "
    "RETURN r.iri AS iri, p.iri AS plan, r.period AS period, properties(r) AS props, "
    "by.identifier AS by, values, done, "
    "collect([ev.sha256, ev.title, ev.byteSize, m.iri]) AS evidence "
    "ORDER BY period"
)

# An evidence file's description and the plans whose reports cite it.
EVIDENCE_FILE = (
    "MATCH (ev:Resource {iri: $iri}) "
    f"WHERE ev:{EVIDENCE} "
    "OPTIONAL MATCH (ev)-[:mediaType]->(m:Resource) "
    f"OPTIONAL MATCH (r:{PROGRESS_REPORT})-[:evidence]->(ev) "
    "OPTIONAL MATCH (r)-[:reportsOn]->(p:Resource) "
    "RETURN ev.iri AS iri, ev.sha256 AS sha256, ev.title AS title, ev.byteSize AS size, "
    "m.iri AS media, collect(DISTINCT p.iri) AS plans"
)

EVIDENCE_CONTENT = (
    "MATCH (ev:Resource {iri: $iri}) "
    f"WHERE ev:{EVIDENCE} "
    "RETURN ev.bytes AS bytes"
)


# What follows FILE_PROGRESS in its write, in order (catalog.store.progress_operations).
FOLLOW_UPS = (STORE_EVIDENCE, STORE_VALUES, LINK_ACTIONS, LINK_EVIDENCE, EVENT)


def progress_statements() -> dict[str, str]:
    """Every statement of this module by name, for the grammar tests, with the one statement
    FalkorDB runs for a whole report (catalog.store.compound)."""
    whole, _ = compound.compose((FILE_PROGRESS, {}), [(q, {}) for q in FOLLOW_UPS])
    return {"file-progress": FILE_PROGRESS, "store-evidence": STORE_EVIDENCE,
            "store-values": STORE_VALUES, "link-actions": LINK_ACTIONS,
            "link-evidence": LINK_EVIDENCE, "event": EVENT, "plan": PLAN, "reports": REPORTS,
            "evidence-file": EVIDENCE_FILE, "evidence-content": EVIDENCE_CONTENT,
            "file-progress-whole": whole}
