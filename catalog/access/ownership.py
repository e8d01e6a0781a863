"""Whose records a change set touches (R-20.1): the agencies a steward must be allowed to act
for before anything is validated or written."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rdflib import URIRef
from rdflib.namespace import ORG, RDF, SKOS

from catalog.changeset import ChangeSet
from catalog.graphmap import Node
from catalog.iris import Iris
from catalog.vocab import ELI, GC

# Shared records no agency owns: laws are keyed by their text, code lists are the ontology's.
SHARED_CLASSES = frozenset({ELI.LegalResource, SKOS.Concept, SKOS.ConceptScheme})


def owners(cs: ChangeSet, iris: Iris, stored: Callable[[list[str]], Iterable[Node]]
           ) -> tuple[set[str], list[str]]:
    """(agency codes the change set writes for, subjects that belong to no agency).

    An agency's own record counts as that agency's; every other record counts for the agency
    it names and, when it is stored already, for the agency that holds it now, so a record
    cannot be taken from its agency by naming another.
    """
    codes: set[str] = set()
    orphans: list[str] = []
    for subject in cs.subjects:
        code = iris.agency_code(str(subject))
        named = [iris.agency_code(str(a)) for a in cs.graph.objects(subject, GC.agency)]
        if code is not None:
            codes.add(code)
        elif named:
            codes.update(c for c in named if c)
        elif not any(t in SHARED_CLASSES for t in cs.graph.objects(subject, RDF.type)):
            orphans.append(str(subject))
    held = [str(s) for s in cs.subjects if iris.agency_code(str(s)) is None]
    for node in stored(held):
        codes.update(c for a in node.rels.get("agency", ()) if (c := iris.agency_code(a)))
    return codes, orphans


def new_parents(cs: ChangeSet, iris: Iris) -> dict[str, str]:
    """Agencies defined in the change set with their parent agency (org:subOrganizationOf)."""
    out: dict[str, str] = {}
    for subject in cs.subjects:
        code = iris.agency_code(str(subject))
        for parent in cs.graph.objects(subject, ORG.subOrganizationOf):
            parent_code = iris.agency_code(str(parent)) if isinstance(parent, URIRef) else None
            if code and parent_code:
                out[code] = parent_code
    return out
