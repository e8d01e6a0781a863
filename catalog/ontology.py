"""The store mapping, derived from the ontology and its JSON-LD context (docs/model.md).

A JSON-LD term names both the property key (literals) and the relationship type (resources) in
the property graph; a class's local name is its node label. Nothing here is written per class.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from catalog.kind import extensions
from catalog.vocab import ONTOLOGY_DIR, PREFIXES, local_name

RESOURCE_LABEL = "Resource"


@dataclass(frozen=True)
class Term:
    """One property of the ontology as the store sees it."""

    name: str
    iri: URIRef
    is_object: bool
    datatype: URIRef | None  # None: a language-tagged string (rdf:langString) or a resource

    @property
    def is_lang(self) -> bool:
        return not self.is_object and self.datatype is None


@dataclass(frozen=True)
class Mapping:
    terms: dict[str, Term]
    by_iri: dict[URIRef, Term]
    label_of: dict[URIRef, str]
    class_of: dict[str, URIRef]

    def term(self, iri: URIRef) -> Term | None:
        return self.by_iri.get(iri)


def _expand(value: str, prefixes: dict[str, str]) -> str:
    head, sep, tail = value.partition(":")
    if sep and head in prefixes and not tail.startswith("//"):
        return prefixes[head] + tail
    return value


@cache
def context() -> dict[str, Any]:
    """govcat's JSON-LD context (ontology/context.jsonld), with the terms of the kinds declared
    outside it (catalog.kind, ADR 0022): what the API serves and the store mapping reads."""
    with (ONTOLOGY_DIR / "context.jsonld").open(encoding="utf-8") as f:
        ctx = json.load(f)["@context"]
    if isinstance(ctx, list):  # a context may be a list of maps; merge them in order
        merged: dict[str, Any] = {}
        for part in ctx:
            merged.update(part)
        ctx = merged
    assert isinstance(ctx, dict)
    for kind in extensions():
        ctx.update(kind.context)
    return ctx


@cache
def ontology_graph() -> Graph:
    g = Graph()
    g.parse(ONTOLOGY_DIR / "govcat.ttl", format="turtle")
    for kind in extensions():  # kinds declared outside ontology/ (ADR 0022)
        if kind.ontology:
            g.parse(data=kind.ontology, format="turtle")
    return g


@cache
def codelists_graph() -> Graph:
    g = Graph()
    g.parse(ONTOLOGY_DIR / "codelists.ttl", format="turtle")
    return g


@cache
def mapping() -> Mapping:
    ctx = context()
    prefixes = {k: v for k, v in ctx.items() if isinstance(v, str) and v.endswith(("/", "#"))}
    onto = ontology_graph()
    terms: dict[str, Term] = {}
    for name, spec in ctx.items():
        if name.startswith("@") or name in prefixes or name in ("iri", "id", "type_"):
            continue
        iri_str = spec if isinstance(spec, str) else ""
        if isinstance(spec, dict):
            iri_str = str(spec.get("@id", ""))
        if not iri_str or iri_str.startswith("@"):
            continue
        iri = URIRef(_expand(iri_str, prefixes))
        terms[name] = _term(name, iri, onto)
    classes = set(onto.subjects(RDF.type, OWL.Class)) | {SKOS.Concept, SKOS.ConceptScheme}
    label_of: dict[URIRef, str] = {}
    class_of: dict[str, URIRef] = {}
    for cls in sorted(c for c in classes if isinstance(c, URIRef)):
        label = local_name(str(cls))
        if label in class_of and class_of[label] != cls:
            raise ValueError(f"two ontology classes share the local name {label!r}")
        label_of[cls], class_of[label] = label, cls
    return Mapping(terms, {t.iri: t for t in terms.values()}, label_of, class_of)


def _term(name: str, iri: URIRef, onto: Graph) -> Term:
    kinds = set(onto.objects(iri, RDF.type))
    is_object = OWL.ObjectProperty in kinds
    if not is_object and OWL.DatatypeProperty not in kinds:
        raise ValueError(f"context term {name!r} ({iri}) is not declared in ontology/govcat.ttl")
    rng = onto.value(iri, RDFS.range)
    datatype = None
    if not is_object:
        datatype = None if rng in (None, RDF.langString) else URIRef(str(rng))
        if rng is None:
            datatype = XSD.string
    return Term(name, iri, is_object, datatype)


def bind_prefixes(g: Graph) -> Graph:
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True)
    return g
