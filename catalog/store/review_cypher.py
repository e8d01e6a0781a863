"""The Cypher of duty-change review flags (R-3.3; ADR 0015): what depends on a duty that
changed. The flags themselves are clocks of catalog.cycle.obligations (Obligation nodes under
the key `R-3.3/review/<record IRI>`, linked to the record by `relation`)."""

from __future__ import annotations

# The services mapped to the duty $duty, and every chain holding one of them (as a link or as
# its final service), each with its agency's code: those a change of the duty puts to review.
REVIEW_TARGETS = (
    "MATCH (d:Resource {iri: $duty})<-[:follows]-(s:PublicService) "
    "OPTIONAL MATCH (s)-[:agency]->(sa:Resource) "
    "RETURN s.iri AS iri, 'service' AS kind, sa.identifier AS code "
    "UNION "
    "MATCH (d:Resource {iri: $duty})<-[:follows]-(s:PublicService) "
    "MATCH (c:ServiceChain)-[:hasLink]->(:ChainLink)-[:linkService]->(s) "
    "MATCH (c)-[:agency]->(ca:Resource) "
    "RETURN c.iri AS iri, 'chain' AS kind, ca.identifier AS code "
    "UNION "
    "MATCH (d:Resource {iri: $duty})<-[:follows]-(s:PublicService) "
    "MATCH (c:ServiceChain)-[:finalService]->(s) "
    "MATCH (c)-[:agency]->(ca:Resource) "
    "RETURN c.iri AS iri, 'chain' AS kind, ca.identifier AS code"
)


def review_statements() -> dict[str, str]:
    """The statements by name, for the grammar tests."""
    return {"review-targets": REVIEW_TARGETS}
