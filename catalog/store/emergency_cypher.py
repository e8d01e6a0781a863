"""The Cypher of the emergency requests Foad 128 refers (R-7, ADR 0028), run by
catalog.store.cycle_operations for catalog.cycle.obligations. Values always travel as
parameters.

A Foad 128 reference names one request whichever agency it points to, so the check "no clock
under this reference yet" spans every agency. The statement locks the agency node (ADR 0007's
idiom) and then the store-wide commit counter, in the order every clock statement takes them
(the agency first, the counter in its change event), so two concurrent sends of one request,
to the same agency or to two, never both see "not recorded yet" on Neo4j; FalkorDB runs one
write at a time.
"""

from __future__ import annotations

from catalog.store.obligations_cypher import _LOCK_AGENCY, _event

__all__ = ["EMERGENCY", "RECEIVE_EMERGENCY", "emergency_statements"]

# Start the clock of an emergency request ($obligation: iri, clockKey, article, state,
# clockStart, dueDate, identifier, title@…) for the agency $agency, unless an obligation under
# one of $keys exists, of any agency and in any state. Linked to the step concept $cycle_step.
# No row back: it was recorded before (read it with EMERGENCY).
RECEIVE_EMERGENCY = (
    _LOCK_AGENCY
    + "MERGE (g:IdCounter {key: $commit_counter}) ON CREATE SET g.next = 1 "
    "SET g._lock = true SET g._lock = null "
    "WITH a "
    "OPTIONAL MATCH (prev:Obligation) WHERE prev.clockKey IN $keys "
    "WITH a, count(prev) AS n "
    "WHERE n = 0 "
    "CREATE (target:Resource:Obligation) SET target = $obligation "
    "CREATE (target)-[:agency]->(a) "
    "WITH a, target "
    "OPTIONAL MATCH (s:Resource) WHERE s.iri = $cycle_step "
    "FOREACH (_ IN CASE WHEN s IS NULL THEN [] ELSE [1] END | "
    "CREATE (target)-[:cycleStep]->(s)) "
    + _event("a, target", "CREATE (e)-[:used]->(target)")
    + "RETURN target.iri AS iri"
)

# The emergency request recorded under one of $keys, of any agency (the columns of
# obligations_cypher.OBLIGATIONS).
EMERGENCY = (
    "MATCH (o:Obligation)-[:agency]->(a:Resource) "
    "WHERE o.clockKey IN $keys "
    "OPTIONAL MATCH (o)-[:cycleStep]->(k:Resource) "
    "RETURN a.identifier AS code, o.iri AS iri, o.dueDate AS due, properties(o) AS props, "
    "null AS unit, null AS province, k.notation AS step "
    "ORDER BY o.clockStart, iri"
)


def emergency_statements() -> dict[str, str]:
    """Every statement of this module by name, for the grammar tests."""
    return {"receive-emergency": RECEIVE_EMERGENCY, "emergency": EMERGENCY}
