"""RDF ⇄ property graph, by the ontology's mapping (catalog.ontology), for any class.

A resource becomes a node (label: its class's local name; key: its IRI), a literal a property
named by its JSON-LD term (`title@fa` for language-tagged ones), a resource a relationship typed
by its term. Both stores hold the same nodes, so the same code reads either back as RDF.

Reading back is guarded (ADR 0025): a stored value that cannot become a well-formed RDF term
(a target or a record IRI that is not an IRI by RFC 3987, text no syntax can carry, a language
tag that is not BCP 47, a date that is not a date) is left out, or carried as a plain literal
when its text is sound, and a warning on the `govcat.export` log names the record, the
property and why. One stored value never fails an export, a profile, a feed or a read.
"""

from __future__ import annotations

import logging
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from catalog.iri_check import iri_problem, lang_tag_problem, shown, text_problem
from catalog.ontology import Mapping, Term, bind_prefixes, mapping

log = logging.getLogger("govcat.export")

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


def canonical_decimal(value: Decimal) -> str:
    """The canonical lexical form of an xsd:decimal (14 → 14.0, 14.50 → 14.5, 1E+1 → 10.0):
    what an RDF parser reads back from a written number, so an export, a feed or a profile
    loaded again compares equal to the store."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0")
        return text + "0" if text.endswith(".") else text
    return text + ".0"


def _py(lit: Literal) -> Scalar:
    value = lit.toPython()
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return canonical_decimal(value)  # exact inside the store, one spelling per number
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


# The lexical forms of the datatypes govcat's terms use (XML Schema 1.1 part 2), checked
# before a literal is made: rdflib logs a traceback for each ill-typed literal it meets.
_LEXICAL = {
    XSD.date: re.compile(r"\d{4}-\d{2}-\d{2}(?:Z|[+-]\d{2}:\d{2})?"),
    XSD.dateTime: re.compile(
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?"),
    XSD.integer: re.compile(r"[+-]?\d+"),
    XSD.boolean: re.compile(r"true|false|1|0"),
}


def _date(text: str) -> object:
    return date.fromisoformat(text[:10])  # the month and day exist


def _datetime(text: str) -> object:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


_PARSE: dict[URIRef, Callable[[str], object]] = {XSD.date: _date, XSD.dateTime: _datetime}


class _Unwritable(ValueError):
    """A stored value that cannot become the RDF term its property takes: (en, fa)."""

    def __init__(self, en: str, fa: str, plain: str | None = None) -> None:
        super().__init__(en)
        self.en, self.fa, self.plain = en, fa, plain


def _lexical(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, str | int | float):
        return str(value)
    raise _Unwritable(f"a {type(value).__name__} is not a value of RDF",
                      f"مقداری از نوع {type(value).__name__} در RDF جایی ندارد")


def _typed(text: str, datatype: URIRef) -> Literal:
    """`text` as a literal of `datatype`; _Unwritable (carried as plain text) when it is not
    a lexical form of it, or (an anyURI) not an IRI."""
    if datatype == XSD.anyURI:
        why = iri_problem(text)
        if why is not None:
            raise _Unwritable(why[0], why[1], plain=text)
        return Literal(text, datatype=datatype)
    form = _LEXICAL.get(datatype)
    try:
        ok = form is None or (form.fullmatch(text) is not None
                              and (datatype not in _PARSE or bool(_PARSE[datatype](text))))
    except ValueError:
        ok = False
    if not ok:
        name = str(datatype).rsplit("#", 1)[-1]
        raise _Unwritable(f"not a valid xsd:{name}", f"مقدار معتبری از نوع xsd:{name} نیست",
                          plain=text)
    return Literal(text, datatype=datatype)


def _literal(value: Any, key: str, mp: Mapping) -> Literal:
    """The literal of a stored value of property `key`; _Unwritable when it cannot be one."""
    name, _, lang = key.partition("@")
    term: Term = mp.terms[name]
    text = _lexical(value)
    why = text_problem(text)
    if why is not None:
        raise _Unwritable(*why)
    if lang:
        bad = lang_tag_problem(lang)
        if bad is not None:
            raise _Unwritable(bad[0], bad[1], plain=text)
        if not isinstance(value, str):
            raise _Unwritable("a language-tagged value that is not text",
                              "مقدار برچسب‌دار زبانی که متن نیست", plain=text)
        return Literal(text, lang=lang)
    if term.datatype is None or term.datatype == XSD.string:
        if not isinstance(value, str) and term.datatype == XSD.string:
            raise _Unwritable("a value that is not text", "مقداری که متن نیست", plain=text)
        return Literal(text)  # RDF 1.1: a plain literal is an xsd:string; keep it plain
    return _typed(text, term.datatype)


def _left_out(iri: str, key: str, value: Any, err: _Unwritable) -> None:
    how = "carried as plain text" if err.plain is not None else "left out"
    log.warning("record %s, property %s: stored value %s %s: %s", shown(iri), key,
                shown(value), how, err.en)


def _objects(node: Node, key: str, values: list[Any], mp: Mapping) -> Iterator[Literal]:
    for v in values:
        if v is None:
            continue
        try:
            yield _literal(v, key, mp)
        except _Unwritable as err:
            _left_out(node.iri, key, v, err)
            if err.plain is not None:
                yield Literal(err.plain)


def node_triples(node: Node, mp: Mapping | None = None
                 ) -> Iterator[tuple[URIRef, URIRef, URIRef | Literal]]:
    """The triples of one node (its class, properties and relationships), as
    nodes_to_graph adds them; a value that cannot be written is left out or carried as plain
    text, and logged (ADR 0025). A node whose own IRI is not an IRI gives no triple."""
    mp = mp or mapping()
    if not isinstance(node.iri, str) or iri_problem(node.iri) is not None:
        log.warning("stored record left out: its IRI %s is not an IRI by RFC 3987",
                    shown(node.iri))
        return
    s = URIRef(node.iri)
    if node.label in mp.class_of:
        yield s, RDF.type, mp.class_of[node.label]
    for key, value in node.props.items():
        if key == "iri" or key.partition("@")[0] not in mp.terms:
            continue
        p = mp.terms[key.partition("@")[0]].iri
        for o in _objects(node, key, value if isinstance(value, list) else [value], mp):
            yield s, p, o
    for rel, targets in node.rels.items():
        if rel in mp.terms:
            for t in targets:
                if isinstance(t, str) and iri_problem(t) is None:
                    yield s, mp.terms[rel].iri, URIRef(t)
                else:
                    _left_out(node.iri, rel, t, _Unwritable(
                        "the target is not an IRI by RFC 3987",
                        "مقصد پیوند طبق RFC 3987 نشانی معتبری نیست"))


def nodes_to_graph(nodes: Iterable[Node], g: Graph | None = None) -> Graph:
    mp = mapping()
    out = bind_prefixes(g if g is not None else Graph())
    for node in nodes:
        for triple in node_triples(node, mp):
            out.add(triple)
    return out


def _json_sound(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return not isinstance(value, str) or text_problem(value) is None


def json_sound(node: Node) -> Node:
    """The node with the values JSON cannot carry or a reader cannot use (a lone surrogate, a
    control character, NaN, an infinity) left out, each logged (ADR 0025): what plain JSON of
    a record is made from."""
    props: dict[str, Scalar | list[Scalar]] = {}
    for key, value in node.props.items():
        values = value if isinstance(value, list) else [value]
        kept = [v for v in values if _json_sound(v)]
        for v in values:
            if not _json_sound(v):
                _left_out(node.iri, key, v, _Unwritable("not writable as JSON", ""))
        if kept:
            props[key] = kept if isinstance(value, list) else kept[0]
    rels = {k: tuple(t for t in v if isinstance(t, str) and text_problem(t) is None)
            for k, v in node.rels.items()}
    if props == node.props and rels == node.rels:
        return node
    return Node(node.iri, node.label, props, rels)
