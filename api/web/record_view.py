"""A record as a person reads it (ADR 0031): its title, its kind and the labels of its
properties from the ontology (rdfs:label fa/en), its values as a person reads them (dates,
codes by their labels), and its links to other records as links to their own pages on this
host, titled, when the reader may see them (catalog.access.visibility).

Nothing here decides who sees what: the nodes given were read and filtered by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from urllib.parse import quote

from rdflib import URIRef
from rdflib.namespace import RDFS, SKOS, XSD

from catalog.graphmap import Node
from catalog.ontology import codelists_graph, mapping, ontology_graph
from catalog.vocab import local_name

Label = dict[str, str]  # {"fa": …, "en": …}
# Where a record's title is, first found first: a term, read in the reader's language.
TITLE_TERMS = ("title", "prefLabel", "name", "description", "goal")
ID_TERMS = ("serviceId", "dutyId", "planId", "identifier", "notation", "ref")
# A path under /id/ that the route gives back unchanged (api/app.py `dereference`).
_PATH_SAFE = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@/-]+")
MOST_LINKS = 100  # the links of one property shown (a bulk load's event points at thousands)


@dataclass(frozen=True)
class Ref:
    """A link to another record: `href` on this host and its title when the reader may see
    it; otherwise its IRI alone, as its RDF shows it."""

    iri: str
    href: str | None = None
    title: Label | None = None
    kind: Label | None = None


@dataclass(frozen=True)
class Value:
    """One value of a property: `kind` says how a person reads it (date, datetime, bool,
    number, uri, text), `lang` the language of a text."""

    kind: str
    value: object
    lang: str | None = None


@dataclass
class Row:
    term: str
    label: Label
    values: list[Value] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    more: int = 0  # links left out beyond MOST_LINKS


def local_href(iri: str, base: str) -> str:
    """The page of a record on this host: `/id/…` under the catalog's base, else
    `/resource?iri=` (code lists, or an IRI the path would not give back as written)."""
    rest = iri[len(base):] if iri.startswith(base) else None
    if rest and _PATH_SAFE.fullmatch(rest) and "?" not in rest:
        return "/id/" + rest
    return "/resource?iri=" + quote(iri, safe="")


def with_format(href: str, fmt: str) -> str:
    return f"{href}{'&' if '?' in href else '?'}format={fmt}"


@cache
def _labels_of(iri: str) -> Label:
    found: Label = {}
    for graph in (ontology_graph(), codelists_graph()):
        for prop in (RDFS.label, SKOS.prefLabel):
            for o in graph.objects(URIRef(iri), prop):
                lang = getattr(o, "language", None)
                if lang in ("fa", "en") and lang not in found:
                    found[lang] = str(o)
    return found


def term_label(term: str) -> Label:
    """A property's label (the ontology's rdfs:label), else its name."""
    t = mapping().terms.get(term)
    found = _labels_of(str(t.iri)) if t else {}
    return found or {"fa": term, "en": term}


def kind_label(store_label: str) -> Label:
    """A kind's label: its ontology class's rdfs:label, else the store label."""
    cls = mapping().class_of.get(store_label)
    found = _labels_of(str(cls)) if cls is not None else {}
    return found or {"fa": store_label, "en": store_label}


def _texts(node: Node, term: str) -> Label:
    found: Label = {}
    for lang in ("fa", "en"):
        value = node.props.get(f"{term}@{lang}")
        if isinstance(value, list):
            value = value[0] if value else None
        if value not in (None, ""):
            found[lang] = str(value)
    return found


def identifier_of(node: Node) -> str | None:
    for term in ID_TERMS:
        value = node.props.get(term)
        if value not in (None, "", []):
            return str(value[0] if isinstance(value, list) else value)
    return None


def title_of(node: Node) -> Label:
    """A record's title in fa and en, as far as it has them: its title (or name, label…),
    else its identifier, else the end of its IRI."""
    for term in TITLE_TERMS:
        found = _texts(node, term)
        if found:
            return found
    text = identifier_of(node) or local_name(node.iri) or node.iri
    kind = kind_label(node.label)
    return {lang: f"{kind[lang]} {text}" for lang in ("fa", "en")}


def _kind_of_value(term: str, value: object) -> str:
    t = mapping().terms.get(term)
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, datetime) or (t and t.datatype == XSD.dateTime):
        return "datetime"
    if isinstance(value, date) or (t and t.datatype == XSD.date):
        return "date"
    if isinstance(value, int | float) or (t and t.datatype in (XSD.integer, XSD.decimal)):
        return "number"
    if t and t.datatype == XSD.anyURI:
        return "uri"  # shown as text: it may name another host (ADR 0031)
    return "text"


def _order(term: str) -> tuple[int, str]:
    terms = list(mapping().terms)
    return (terms.index(term) if term in terms else len(terms), term)


def property_rows(node: Node, reader_lang: str) -> list[Row]:
    """The record's literal values by property, in the ontology's order; of a text in two
    languages, the reader's first."""
    rows: dict[str, Row] = {}
    for key, raw in sorted(node.props.items(), key=lambda kv: not kv[0].endswith(reader_lang)):
        term, _, lang = key.partition("@")
        row = rows.setdefault(term, Row(term, term_label(term)))
        for value in raw if isinstance(raw, list) else [raw]:
            row.values.append(Value(_kind_of_value(term, value), value, lang or None))
    return [rows[t] for t in sorted(rows, key=_order)]


def ref_to(iri: str, seen: Mapping[str, Node], base: str) -> Ref:
    node = seen.get(iri)
    if node is None:
        return Ref(iri)
    return Ref(iri, local_href(iri, base), title_of(node), kind_label(node.label))


def link_rows(node: Node, seen: Mapping[str, Node], base: str) -> list[Row]:
    """The record's links by property; `seen`: the linked records the reader may see."""
    rows = []
    for term in sorted(node.rels, key=_order):
        targets = node.rels[term]
        row = Row(term, term_label(term), more=max(0, len(targets) - MOST_LINKS))
        row.refs = [ref_to(i, seen, base) for i in targets[:MOST_LINKS]]
        rows.append(row)
    return rows


def linked_iris(node: Node) -> list[str]:
    return sorted({i for targets in node.rels.values() for i in targets[:MOST_LINKS]})


def incoming_rows(iri: str, referrers: Iterable[Node], base: str) -> list[Row]:
    """What points at `iri`, by the property it points with; `referrers` the reader sees."""
    rows: dict[str, Row] = {}
    for other in referrers:
        for term, targets in other.rels.items():
            if iri in targets:
                row = rows.setdefault(term, Row(term, term_label(term)))
                row.refs.append(ref_to(other.iri, {other.iri: other}, base))
    return [rows[t] for t in sorted(rows, key=_order)]


def concept_label(iri: str) -> Label:
    """A code's label (its code list's skos:prefLabel fa/en); empty when it has none."""
    return _labels_of(iri)
