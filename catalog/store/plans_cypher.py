"""The Cypher of the steering council's endorsement of improvement plans (R-5.1, ADR 0027), run
by catalog.store.plans_operations. Values travel as parameters; the write appends the same
PROV-O change event as the cycle's other actions (catalog.store.obligations_cypher) and locks
the agency first, so two endorsements of one agency are ordered on Neo4j as on FalkorDB.
"""

from __future__ import annotations

from catalog.store.obligations_cypher import LOCK_AGENCY, event_clause

# Record the council's endorsement $endorsement (iri, fingerprint, endorsedOn, resolution) of
# the plan $plan of the agency $agency, attributed to the acting member. No row back: the plan
# is not the agency's, nothing written.
ENDORSE = (
    LOCK_AGENCY
    + "MATCH (p:Resource {iri: $plan})-[:agency]->(a) WHERE p:ImprovementPlan "
    "CREATE (target:Resource:Endorsement) SET target = $endorsement "
    "CREATE (target)-[:endorses]->(p) "
    "CREATE (target)-[:agency]->(a) "
    + event_clause("a, target, p", "CREATE (e)-[:used]->(target) CREATE (e)-[:used]->(p)")
    + "CREATE (target)-[:wasAttributedTo]->(ag) "
    "RETURN target.iri AS iri"
)

# Every endorsement of the plans $plans, with who gave it.
ENDORSEMENTS = (
    "MATCH (d:Endorsement)-[:endorses]->(p:Resource) WHERE p.iri IN $plans "
    "OPTIONAL MATCH (d)-[:wasAttributedTo]->(ag:Resource) "
    "RETURN p.iri AS plan, d.iri AS iri, d.fingerprint AS fingerprint, "
    "d.endorsedOn AS endorsed_on, d.resolution AS resolution, ag.identifier AS by "
    "ORDER BY plan, endorsed_on, iri"
)

# The records of a plan: its indicators and actions (gc:plan), nothing else that may point at
# it (what the cycle writes about a plan is not part of what the council endorsed).
PLAN_PARTS = (
    "MATCH (x:Resource)-[:plan]->(p:Resource {iri: $plan}) "
    "WHERE x:Indicator OR x:ImprovementAction "
    "RETURN x.iri AS iri ORDER BY iri"
)


def plan_statements() -> dict[str, str]:
    """Every statement of this module by name, for the grammar tests."""
    return {"endorse": ENDORSE, "endorsements": ENDORSEMENTS, "plan-parts": PLAN_PARTS}
