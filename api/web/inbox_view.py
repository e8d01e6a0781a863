"""How the reviewer's inbox shows a submission (ADR 0031): each record's fields under the
labels its kind declares (catalog.kinds, catalog.sheets; else the ontology's rdfs:label), and
linked records and code-list values by their titles, not their IRIs. Presentation only: what
waits and what changed is the core's (catalog.cycle.inbox)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from api.web.render import digits, jalali, translator
from catalog import kinds
from catalog.cycle.inbox import RecordChange
from catalog.graphmap import Node
from catalog.ontology import codelists_graph, mapping, ontology_graph
from catalog.sheets import Column
from catalog.vocab import concept

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CAMEL = re.compile(r"(?<!^)([A-Z])")
_PERSIAN = re.compile("[\u0600-\u06ff]")


def _rdfs_label(graph_labels: Iterable[object], lang: str) -> str | None:
    found = {lit.language: str(lit) for lit in graph_labels if isinstance(lit, Literal)}
    return found.get(lang) or found.get("fa" if lang == "en" else "en")


@cache
def step_title(step: int, lang: str) -> str:
    """The cycle step's name from its code list (R-2.1): «گام ۱: …»."""
    labels = codelists_graph().objects(URIRef(concept("cycle-step", str(step))), SKOS.prefLabel)
    return _rdfs_label(labels, lang) or str(step)


@cache
def kind_title(label: str, lang: str) -> str:
    """A store label's class name, e.g. Duty → «وظیفه»."""
    cls = mapping().class_of.get(label)
    found = _rdfs_label(ontology_graph().objects(cls, RDFS.label), lang) if cls else None
    return found or label


def _column(label: str, base: str, tag: str) -> Column | None:
    kind = kinds.by_label().get(label)
    if kind is None:
        return None
    snake = _CAMEL.sub(r"_\1", base).lower()
    keys = [f"{snake}_{tag}", snake] if tag else [snake]
    for c in kind.sheet.columns:
        if c.term == base and (not tag or c.key.endswith(f"_{tag}") or c.key == snake):
            return c
    return next((c for key in keys for c in kind.sheet.columns if c.key == key), None)


@cache
def field_order(label: str, key: str) -> int:
    """Where the field's column stands in the kind's sheet (fields without one go last)."""
    base, _, tag = key.partition("@")
    column = _column(label, base, tag)
    kind = kinds.by_label().get(label)
    return kind.sheet.columns.index(column) if kind and column else 1_000


@cache
def field_label(label: str, key: str, lang: str) -> str:
    """A stored property's label: its column's in the kind's sheet, else its term's."""
    base, _, tag = key.partition("@")
    column = _column(label, base, tag)
    if column is not None:
        return column.label_fa if lang == "fa" else column.label_en
    term = mapping().terms.get(base)
    found = _rdfs_label(ontology_graph().objects(term.iri, RDFS.label), lang) if term else None
    return f"{found} ({tag})" if found and tag and lang == "en" else found or key


def title_of(node: Node, lang: str) -> str:
    """A record's title in the reader's language, else the other, else its ref or IRI."""
    other = "en" if lang == "fa" else "fa"
    for prop in ("title", "prefLabel", "name"):
        for lng in (lang, other):
            if node.props.get(f"{prop}@{lng}"):
                return str(node.props[f"{prop}@{lng}"])
    return str(node.props.get("ref") or node.props.get("identifier") or node.iri)


def local_href(iri: str, base: str) -> str | None:
    """The page of a record of this catalog (`/id/…` on govcat's own host), else None."""
    return "/id/" + iri[len(base):] if iri.startswith(base) else None


def linked_iris(changes: list[RecordChange]) -> list[str]:
    """The records and concepts the changes point at: their titles are shown."""
    found = {c.iri for c in changes}
    for change in changes:
        for f in change.fields:
            if f["kind"] == "relationship":
                found.update(f["before"] or [])
                found.update(f["after"] or [])
    return sorted(found)


def _values(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def shown(value: Any, titles: dict[str, str], lang: str) -> str:
    """One value as a person reads it: a title for an IRI, a Jalali date, Persian digits."""
    if isinstance(value, bool):
        return str(translator(lang)("yes" if value else "no"))
    if isinstance(value, int | float):
        return digits(value, lang)
    text = titles.get(str(value), str(value))
    if _ISO_DATE.match(text):
        return jalali(text, lang)
    return digits(text, lang) if _PERSIAN.search(text) else text  # a code keeps its digits


def record_view(change: RecordChange, titles: dict[str, str], base: str,
                lang: str) -> dict[str, Any]:
    """A record of the submission, ready for the template."""
    label = change.after.label

    def side(v: Any) -> list[str]:
        return [shown(x, titles, lang) for x in _values(v)]

    return {"iri": change.iri, "href": local_href(change.iri, base), "change": change.change,
            "title": titles.get(change.iri) or title_of(change.after, lang),
            "kind": kind_title(label, lang),
            "fields": [{"label": field_label(label, f["field"], lang), "key": f["field"],
                        "before": side(f["before"]), "after": side(f["after"])}
                       for f in sorted(change.fields,
                                       key=lambda f: field_order(label, f["field"]))]}
