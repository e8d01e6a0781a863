"""Every record's IRI as a page (ADR 0031), and the records browser at `/app/records`.

A browser asking a record's IRI for `text/html` (api/app.py: content negotiation) gets its
page: its title, kind, properties, its links to other records and what points at it, each as
a link to that record's page on this host, its versions and its trail (R-16). The reader sees
what the API shows them (catalog.access.visibility): a record outside their view is not found.
The versions and the trail are read through catalog.guard, whose policy decides (R-16).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.auth import guard_of
from api.resources import cursor_of, resource_query
from api.web import record_view as rv
from api.web.render import lang_of, messages, page, translator
from api.web.session import MaybePerson
from catalog import kinds
from catalog.access.principals import Forbidden, Principal
from catalog.access.visibility import kind_visible, only_visible
from catalog.cycle.states import STATE_LABELS, State
from catalog.graphmap import Node
from catalog.guard import Guard
from catalog.serialize import MEDIA_TYPES
from catalog.vocab import concept

RDF_FORMATS = (("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("nt", "N-Triples"),
               ("rdfxml", "RDF/XML"))
PAGE_SIZE = 25
MOST_ROUNDS = 8  # store pages read to fill one page of results the reader may see


def not_found(request: Request) -> Response:
    heading = translator(lang_of(request))("error_not_found")
    return page(request, "error.html", status=404, heading=heading, reasons=[])


def show(request: Request, iri: str, who: Principal | None) -> Response:
    """The page of the record `iri` for `who` (None: the public view); 404 when they may
    not see it, as the API answers (not 403, which would say that it exists)."""
    guard = guard_of(request)
    nodes = only_visible(who, guard.registry.store.describe([iri]))
    if not nodes:
        return not_found(request)
    lang = lang_of(request)
    return page(request, "rec_record.html", **_record(guard, who, nodes[0], lang),
                **_incoming(guard, who, iri), **_trail(guard, who, iri),
                action_label=action_labeller(lang))


def _record(guard: Guard, who: Principal | None, node: Node, lang: str) -> dict[str, Any]:
    """The record itself: title, kind, values, links (titled where `who` sees the target)."""
    base = guard.registry.iris.base
    seen = {n.iri: n for n in only_visible(who, guard.registry.store.describe(
        rv.linked_iris(node)))}
    href = rv.local_href(node.iri, base)
    return {"iri": node.iri, "title": rv.title_of(node), "kind": rv.kind_label(node.label),
            "identifier": rv.identifier_of(node), "props": rv.property_rows(node, lang),
            "links": rv.link_rows(node, seen, base),
            "formats": [{"text": text, "media": MEDIA_TYPES[name],
                         "href": rv.with_format(href, name)} for name, text in RDF_FORMATS]}


def _incoming(guard: Guard, who: Principal | None, iri: str) -> dict[str, Any]:
    """What points at the record (the store gives the first 100), as `who` may see it."""
    store = guard.registry.store
    referring = store.still_referring(iri)
    referrers = only_visible(who, store.describe(referring))
    return {"incoming": rv.incoming_rows(iri, referrers, guard.registry.iris.base),
            "more_incoming": len(referring) >= 100}


def _trail(guard: Guard, who: Principal | None, iri: str) -> dict[str, Any]:
    """The record's versions and history when the policy lets `who` read the trail (R-16)."""
    if who is None:
        return {"versions": None, "history": None}
    try:
        versions = guard.versions(who, iri)
        history = guard.history(who, iri)
    except Forbidden:
        return {"versions": None, "history": None}
    base = guard.registry.iris.base
    return {"versions": versions,
            "history": [{**e._asdict(), "href": rv.local_href(e.iri, base),
                         "from_label": state_label(e.from_state),
                         "to_label": state_label(e.to_state)} for e in history]}


def action_labeller(lang: str) -> Callable[[str], str]:
    """An action of the trail as a person reads it (`rec_act_…` messages), else as stored."""
    texts = messages()

    def action_label(action: str) -> str:
        found = texts.get("rec_act_" + action.replace("-", "_"))
        return found[lang] if found else action

    return action_label


def state_label(value: str | None) -> rv.Label | None:
    """A record's status (its code list's label) or a step's state, as a person reads it."""
    if not value:
        return None
    found = rv.concept_label(concept("status", value))
    if found:
        return found
    if value in State.__members__.values():
        en, fa = STATE_LABELS[State(value)]
        return {"fa": fa, "en": en}
    return {"fa": value, "en": value}


# -- the records browser ------------------------------------------------------------------------

def kind_choices(who: Principal | None) -> list[tuple[str, rv.Label]]:
    """The kinds of the resources API the reader may see records of, with their labels."""
    return [(name, rv.kind_label(k.label)) for name, k in kinds.by_api().items()
            if kind_visible(who, [k.label])]


def _agencies(guard: Guard, who: Principal | None) -> list[Node]:
    query = resource_query(guard, "agencies", limit=500)
    return sorted(guard.list_resources(who, query).items, key=lambda n: n.iri)


def _search(guard: Guard, who: Principal | None, kind: str, agency: str | None,
            q: str | None, cursor: str | None) -> tuple[list[Node], str | None]:
    """One page of results the reader may see, through the resources API's core (the same
    query, folds and visibility as GET /resources/{kind}); the cursor to go on, if any."""
    found: list[Node] = []
    after = cursor
    for _ in range(MOST_ROUNDS):
        query = resource_query(guard, kind, agency=agency, q=q, cursor=after,
                               limit=PAGE_SIZE - len(found))
        batch = guard.list_resources(who, query)
        found += batch.items
        after = cursor_of(batch.last)
        if after is None or len(found) >= PAGE_SIZE:
            break
    return found, after


Text = Annotated[str | None, Query(max_length=200)]


def router() -> APIRouter:
    r = APIRouter(include_in_schema=False)

    @r.get("/app/records")
    def records(request: Request, who: MaybePerson, kind: Text = None, agency: Text = None,
                q: Text = None, cursor: Annotated[str | None, Query(max_length=4000)] = None
                ) -> Response:
        guard = guard_of(request)
        choices = kind_choices(who)
        offered = dict(choices)
        chosen = kind if kind in offered else "services" if "services" in offered else choices[0][0]
        found, after = _search(guard, who, chosen, agency or None, q or None, cursor)
        base = guard.registry.iris.base
        rows = [{"ref": rv.ref_to(n.iri, {n.iri: n}, base),
                 "identifier": rv.identifier_of(n)} for n in found]
        return page(request, "rec_search.html", kinds=choices, kind=chosen,
                    agencies=[(guard.registry.iris.agency_code(a.iri), rv.title_of(a))
                              for a in _agencies(guard, who)],
                    agency=agency or "", q=q or "", rows=rows, after=after,
                    searched=bool(q or agency or kind))

    return r
