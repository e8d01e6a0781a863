"""Answers of queries as a person reads them (ADR 0004, ADR 0031): the records an answer names,
labelled by their titles in the reader's language and linked to their pages (`/id/...` on this
host), cells with Jalali dates and Persian digits, and the refusals of the query layer in
Persian and English, as the API words them (api.queries)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from api.web.render import digits, jalali
from catalog.access.principals import Principal
from catalog.access.visibility import only_visible
from catalog.graphmap import Node
from catalog.port import QueryTimeout, ReadOnlyViolation, StoreError, StoreUnavailable
from catalog.registry import Registry
from graph_queries.answer import QueryError

MAX_LABELLED = 2_000  # records of one answer looked up for their titles
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}.*)?$")
_TITLE_PROPS = ("title", "prefLabel", "name")
_CODE_PROPS = ("identifier", "ref", "dutyId", "serviceId")


@dataclass(frozen=True)
class Record:
    """A record an answer names: its title for the reader, its page, its kind (store label)."""

    iri: str
    title: str
    href: str | None
    kind: str


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None
    ltr: bool = False


def page_of(iri: str, base: str) -> str | None:
    """The record's page on this host: its IRI's path under the catalog's base."""
    return "/id/" + iri[len(base):] if iri.startswith(base) else None


def iris_in(values: Iterable[Any]) -> list[str]:
    found: list[str] = []
    for value in values:
        if isinstance(value, str) and "://" in value:
            found.append(value)
        elif isinstance(value, list | tuple):
            found.extend(iris_in(value))
    return found


def title_of(node: Node, lang: str) -> str:
    """A record's title in `lang`, else in the other language, else its code."""
    other = "en" if lang == "fa" else "fa"
    for prop in (f"{p}@{lng}" for lng in (lang, other) for p in _TITLE_PROPS):
        value = node.props.get(prop)
        if value:
            return str(value[0] if isinstance(value, list) else value)
    for prop in _CODE_PROPS:
        if node.props.get(prop):
            return str(node.props[prop])
    return tail(node.iri)


def tail(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def records(registry: Registry, who: Principal, iris: Sequence[str],
            lang: str) -> dict[str, Record]:
    """The records of `iris` the reader may see, with their titles (others keep a code)."""
    unique = list(dict.fromkeys(iris))[:MAX_LABELLED]
    base = registry.iris.base
    seen = {n.iri: n for n in only_visible(who, registry.store.describe(unique))}
    out = {}
    for iri in unique:
        node = seen.get(iri)
        out[iri] = Record(iri, title_of(node, lang) if node else tail(iri), page_of(iri, base),
                          node.label if node else "")
    return out


def cells(value: Any, known: Mapping[str, Record], lang: str) -> list[Cell]:
    """One answer value as the cells a person reads: a record by its title and link, a list
    item by item, a date in the Solar Hijri calendar, digits in the reader's script."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [c for v in value for c in cells(v, known, lang)]
    if isinstance(value, bool):
        return [Cell("✓" if value else "✗")]
    if isinstance(value, str) and value in known:
        rec = known[value]
        return [Cell(rec.title, rec.href, ltr=rec.title == tail(value))]
    if isinstance(value, str) and "://" in value:
        return [Cell(value, ltr=True)]
    if isinstance(value, str) and _ISO_DAY.match(value):
        return [Cell(jalali(value, lang))]
    if isinstance(value, int | float):
        return [Cell(digits(value, lang))]
    return [Cell(str(value))]


def refusal(exc: Exception) -> tuple[int, str, str] | None:
    """(status, en, fa) of a refused query, as api.queries answers it; None for another
    exception (a store that is down stays the app's 503)."""
    if isinstance(exc, QueryError):
        return 400, str(exc), "پرسش یا پارامترهای آن نادرست است"
    if isinstance(exc, ReadOnlyViolation):
        return (403, f"queries are read-only; this one tries to write ({exc})",
                "پرسش‌ها فقط‌خواندنی‌اند؛ این پرسش می‌خواهد چیزی بنویسد")
    if isinstance(exc, QueryTimeout):
        return (408, f"the query ran past its time limit and was stopped ({exc})",
                "پرسش از زمان مجاز گذشت و متوقف شد")
    if isinstance(exc, StoreError) and not isinstance(exc, StoreUnavailable):
        return 400, f"the store refused the query: {exc}", "پایگاه داده پرسش را نپذیرفت"
    return None
