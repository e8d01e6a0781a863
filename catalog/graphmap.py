"""RDF ⇄ property graph, by the ontology's mapping (catalog.ontology), for any class.

A resource becomes a node (label: its class's local name; key: its IRI), a literal a property
named by its JSON-LD term (`title@fa` for language-tagged ones), a resource a relationship typed
by its term. Both stores hold the same nodes, so the same code reads either back as RDF.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from catalog.ontology import Mapping, bind_prefixes, mapping

Scalar = str | int | float | bool


@dataclass(frozen=True)
class Node:
    iri: str
    label: str
    props: dict[str, Scalar | list[Scalar]]
    rels: dict[str, tuple[str, ...]] = field(default_factory=dict)


class MappingError(ValueError):
    """RDF that the ontology cannot place: an unknown class or property, a blank node."""

    def __init__(self, subject: str, problem: str) -> None:
        super().__init__(f"{subject}: {problem}")
        self.subject = subject
        self.problem = problem


def _py(lit: Literal) -> Scalar:
    value = lit.toPython()
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)  # keep decimals exact inside the store
    return str(lit)


_TYPE = RDF.type  # read once: each RDF.x is a namespace lookup, and a bulk load asks millions


def _node(g: Graph, s: URIRef, mp: Mapping) -> Node:
    return node_from_pairs(s, g.predicate_objects(s), mp)


def node_from_pairs(s: URIRef, pairs: Iterable[tuple[Any, Any]], mp: Mapping | None = None
                    ) -> Node:
    """The node of subject `s` from its (predicate, object) pairs: what graph_to_nodes does
    for one subject, without a Graph (backups read many records at once)."""
    mp = mp or mapping()
    pairs = list(pairs)
    types = [o for p, o in pairs if p == _TYPE]
    classes = [c for c in types if isinstance(c, URIRef) and c in mp.label_of]
    if len(classes) != 1:
        found = ", ".join(sorted(str(c) for c in types)) or "none"
        raise MappingError(str(s), f"needs exactly one govcat class as rdf:type (found: {found})")
    props: dict[str, list[Scalar]] = defaultdict(list)
    rels: dict[str, list[str]] = defaultdict(list)
    by_iri = mp.by_iri
    for p, o in pairs:
        if p == _TYPE:
            continue
        term = by_iri.get(p)
        if term is None:
            raise MappingError(str(s), f"property {p} is not in the govcat ontology")
        if isinstance(o, BNode):
            raise MappingError(str(s), f"{term.name}: blank nodes are not stored; give it an IRI")
        if term.is_object:
            if not isinstance(o, URIRef):
                raise MappingError(str(s), f"{term.name} must point at a resource, not a literal")
            rels[term.name].append(str(o))
        else:
            if not isinstance(o, Literal):
                raise MappingError(str(s), f"{term.name} must be a literal value")
            key = f"{term.name}@{o.language}" if term.is_lang and o.language else term.name
            props[key].append(_py(o))
    flat = {k: (sorted(v, key=str) if len(v) > 1 else v[0]) for k, v in props.items()}
    return Node(str(s), mp.label_of[classes[0]], dict(flat),
                {k: tuple(sorted(v)) for k, v in rels.items()})


def graph_to_nodes(g: Graph, subjects: Iterable[URIRef]) -> list[Node]:
    mp = mapping()
    return [_node(g, s, mp) for s in subjects]


def _literal(value: Any, key: str, mp: Mapping) -> Literal:
    name, _, lang = key.partition("@")
    term = mp.terms[name]
    if lang:
        return Literal(value, lang=lang)
    if term.datatype == XSD.string:
        return Literal(value)  # RDF 1.1: a plain literal is an xsd:string; keep it plain
    return Literal(value, datatype=term.datatype)


def node_triples(node: Node, mp: Mapping | None = None
                 ) -> Iterator[tuple[URIRef, URIRef, URIRef | Literal]]:
    """The triples of one node (its class, properties and relationships), as
    nodes_to_graph adds them."""
    mp = mp or mapping()
    s = URIRef(node.iri)
    if node.label in mp.class_of:
        yield s, RDF.type, mp.class_of[node.label]
    for key, value in node.props.items():
        if key == "iri" or key.partition("@")[0] not in mp.terms:
            continue
        for v in value if isinstance(value, list) else [value]:
            yield s, mp.terms[key.partition("@")[0]].iri, _literal(v, key, mp)
    for rel, targets in node.rels.items():
        if rel in mp.terms:
            for t in targets:
                yield s, mp.terms[rel].iri, URIRef(t)


def nodes_to_graph(nodes: Iterable[Node], g: Graph | None = None) -> Graph:
    mp = mapping()
    out = bind_prefixes(g if g is not None else Graph())
    for node in nodes:
        for triple in node_triples(node, mp):
            out.add(triple)
    return out
