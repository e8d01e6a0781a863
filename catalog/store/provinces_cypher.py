"""The Cypher of a piloted plan's provincial slice (R-5.5) and of the provinces' verification
reports (R-8.1, R-8.2): catalog.cycle.provinces, ADR 0030, run by
catalog.store.provinces_operations. Values always travel as parameters; the only names put
into a statement are the cycle's labels (catalog.decided).

Every write locks the agency first (the idiom of ADR 0005, as catalog.store.obligations_cypher)
and appends the same PROV-O change event as the cycle's other actions; each guard (no slice
yet, the slice in the state the action needs, no report yet for the plan and province) is
checked in the write itself, so two concurrent calls never both pass it: no row back, nothing
written.
"""

from __future__ import annotations

from catalog.decided import INDICATOR_VERIFICATION, PROVINCIAL_SLICE, VERIFICATION_REPORT
from catalog.store.obligations_cypher import LOCK_AGENCY, event_clause

__all__ = ["ENDORSE_SLICE", "FILE_VERIFICATION", "REGISTER_SLICE", "SEND_SLICE", "SLICE",
           "STORE_VERDICTS", "VERIFICATIONS", "VERIFICATION_EVENT", "province_statements"]

# Register the slice $slice (iri, state, issued, description@fa/@en) of the approved plan $plan
# of the agency $agency, going to the provinces $provinces (concept IRIs), unless the plan has
# one already.
REGISTER_SLICE = (
    LOCK_AGENCY
    + "MATCH (p:Resource {iri: $plan})-[:agency]->(a) WHERE p:ImprovementPlan "
    "MATCH (p)-[:status]->(st:Resource) WHERE st.iri = $approved "
    f"OPTIONAL MATCH (prev:{PROVINCIAL_SLICE})-[:wasDerivedFrom]->(p) "
    "WITH a, p, count(prev) AS n "
    "WHERE n = 0 "
    f"CREATE (target:Resource:{PROVINCIAL_SLICE}) SET target = $slice "
    "CREATE (target)-[:wasDerivedFrom]->(p) "
    "CREATE (target)-[:agency]->(a) "
    "FOREACH (x IN $provinces | MERGE (c:Resource {iri: x}) CREATE (target)-[:spatial]->(c)) "
    + event_clause("a, target, p", "CREATE (e)-[:used]->(target)")
    + "CREATE (target)-[:wasAttributedTo]->(ag) "
    "RETURN target.iri AS iri"
)

def _move_slice(sets: str) -> str:
    """Move the slice $slice of the agency $agency from the state $from to $to, with `sets`."""
    return (
        LOCK_AGENCY
        + f"MATCH (target:{PROVINCIAL_SLICE} {{iri: $slice}})-[:agency]->(a) "
        "WHERE target.state = $from "
        f"SET target.state = $to, {sets} "
        + event_clause("a, target", "CREATE (e)-[:used]->(target)")
        + "RETURN target.iri AS iri"
    )


# The council's endorsement: the day and its resolution number (null: none).
ENDORSE_SLICE = _move_slice("target.endorsedOn = $on, target.resolution = $resolution")
# The agency sends the endorsed slice to the provinces.
SEND_SLICE = _move_slice("target.sentOn = $on")

# A plan's slice, with the provinces it goes to.
SLICE = (
    f"MATCH (s:{PROVINCIAL_SLICE})-[:wasDerivedFrom]->(p:Resource {{iri: $plan}}) "
    "MATCH (s)-[:agency]->(a:Resource) "
    "OPTIONAL MATCH (s)-[:spatial]->(c:Resource) "
    "WITH s, p, a, collect(c.iri) AS provinces "
    "OPTIONAL MATCH (s)-[:wasAttributedTo]->(by:Resource) "
    "RETURN s.iri AS iri, p.iri AS plan, a.identifier AS code, properties(s) AS props, "
    "provinces, by.identifier AS by"
)

# Record the verification report $report (iri, issued, problems@fa, suggestions@fa) of the
# province $province on the plan $plan of the agency $agency, unless that province reported on
# it already.
FILE_VERIFICATION = (
    LOCK_AGENCY
    + "MATCH (p:Resource {iri: $plan})-[:agency]->(a) WHERE p:ImprovementPlan "
    "MATCH (c:Resource {iri: $province}) "
    f"OPTIONAL MATCH (prev:{VERIFICATION_REPORT})-[:verifies]->(p) "
    "WHERE prev.iri = $report_iri "
    "WITH a, p, c, count(prev) AS n "
    "WHERE n = 0 "
    f"CREATE (target:Resource:{VERIFICATION_REPORT}) SET target = $report "
    "CREATE (target)-[:verifies]->(p) "
    "CREATE (target)-[:agency]->(a) "
    "CREATE (target)-[:spatial]->(c) "
    "RETURN target.iri AS iri"
)

# The verdict on each indicator ($items: props, indicator, verdict), linked to the report.
STORE_VERDICTS = (
    "MATCH (r:Resource {iri: $report}) "
    "UNWIND $items AS v "
    "MATCH (i:Resource {iri: v.indicator}) "
    "MERGE (k:Resource {iri: v.verdict}) "
    f"CREATE (iv:Resource:{INDICATOR_VERIFICATION}) SET iv = v.props "
    "CREATE (r)-[:verification]->(iv) "
    "CREATE (iv)-[:indicator]->(i) "
    "CREATE (iv)-[:verdict]->(k) "
    "RETURN count(iv) AS n"
)

# The change event of a verification report, which the verifier is attributed.
VERIFICATION_EVENT = (
    "MATCH (a:Resource {iri: $agency}) "
    "MATCH (target:Resource {iri: $report}) "
    + event_clause("a, target", "CREATE (e)-[:used]->(target)")
    + "CREATE (target)-[:wasAttributedTo]->(ag) "
    "RETURN e.iri AS iri"
)

# The verification reports on a plan, by province, with each indicator's verdict.
VERIFICATIONS = (
    f"MATCH (r:{VERIFICATION_REPORT})-[:verifies]->(p:Resource {{iri: $plan}}) "
    "MATCH (r)-[:spatial]->(c:Resource) "
    "OPTIONAL MATCH (r)-[:wasAttributedTo]->(by:Resource) "
    f"OPTIONAL MATCH (r)-[:verification]->(iv:{INDICATOR_VERIFICATION})"
    "-[:indicator]->(i:Resource) "
    "OPTIONAL MATCH (iv)-[:verdict]->(k:Resource) "
    "WITH r, p, c, by, collect([i.iri, k.iri, iv.value, iv.`note@fa`]) AS items "
    "RETURN r.iri AS iri, p.iri AS plan, c.iri AS province, properties(r) AS props, "
    "by.identifier AS by, items "
    "ORDER BY province"
)


def province_statements() -> dict[str, str]:
    """Every statement of this module by name, for the grammar tests."""
    return {"register-slice": REGISTER_SLICE, "endorse-slice": ENDORSE_SLICE,
            "send-slice": SEND_SLICE, "slice": SLICE,
            "file-verification": FILE_VERIFICATION, "store-verdicts": STORE_VERDICTS,
            "verification-event": VERIFICATION_EVENT, "verifications": VERIFICATIONS}
