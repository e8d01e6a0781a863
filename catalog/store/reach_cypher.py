"""The Cypher of incremental validation's reach along chains of a relationship (ADR 0018):
the records below a changed one by org:subOrganizationOf, at any depth, whose closure the
shapes read (a service delivered by a unit of a body under its agency, R-20.1; a post in a
unit below the units a service names, R-4.3). Relationship types come from the ontology's
mapping and are checked as names; values travel as parameters.
"""

from __future__ import annotations

from collections.abc import Iterable

from catalog.store.cypher import _checked


def descendants_statement(rel_types: Iterable[str]) -> str:
    """The records from which a chain of these relationship types, one step or more, reaches
    one of $iris; with their labels (catalog.validation leaves the cycle's own nodes out)."""
    types = "|".join(_checked(t) for t in sorted(rel_types))
    return (f"MATCH (d:Resource)-[:{types}*1..]->(n:Resource) WHERE n.iri IN $iris "
            "RETURN DISTINCT d.iri AS iri, labels(d) AS labels")


def reach_statements() -> dict[str, str]:
    """Every statement of this module, for tests/test_cypher_grammar.py."""
    return {"descendants": descendants_statement(["subOrganizationOf"])}
