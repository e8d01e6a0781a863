"""The named queries as pages (ADR 0004, ADR 0031): `/app/queries` lists them, and
`/app/queries/{name}` is a form with the query's parameters (from its header), its answer as a
table and, for an answer that is a part of the graph (`subgraph: yes`: traces, chains and their
dependencies, lineage, impact), an interactive graph (static/graph.js). The CSV is the API's
(graph_queries.formats). The same core as `GET /queries/{name}`: guard.may_query, then
graph_queries.named.run; nothing here decides who may ask what."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from api.auth import guard_of
from api.web.answer_graph import graph_data
from api.web.answers import cells, iris_in, records, refusal
from api.web.render import lang_of, messages, page, translator
from api.web.session import Person
from catalog.access.principals import Principal
from catalog.guard import Guard
from catalog.kinds import by_label
from catalog.resources import MAX_PAGE, ResourceQuery
from graph_queries import formats, named
from graph_queries.answer import Answer
from graph_queries.named import NamedQuery, Param

# A parameter named for a kind of record is chosen from a list of those records (by title)
# when the catalog holds at most one page of them; else it is typed (an IRI or a path).
KIND_OF_PARAM = {"agency": "PublicOrganisation", "chain": "ServiceChain",
                 "service": "PublicService", "duty": "Duty", "dataset": "Dataset",
                 "system": "InformationSystem"}
LTR_TYPES = frozenset({"iri", "iri-list", "iri-pairs", "int", "date"})


@dataclass(frozen=True)
class FormField:
    name: str
    type: str
    optional: bool
    label: str
    hint: str
    value: str
    choices: list[tuple[str, str]] | None  # (value, title) of a chosen record

    @property
    def ltr(self) -> bool:
        return self.type in LTR_TYPES


def text_or(lang: str, key: str, fallback: str) -> str:
    """A UI message of api/web/messages, or `fallback` when a query has none yet."""
    return translator(lang)(key) if key in messages() else fallback


def kind_names(lang: str) -> dict[str, str]:
    return {label: text_or(lang, f"au_kind_{label}", label) for label in by_label()}


def raw_params(request: Request, query: NamedQuery) -> dict[str, list[str]]:
    """The form's values of the query's parameters; an empty field is a parameter left out."""
    out: dict[str, list[str]] = {}
    for p in query.params:
        values = [v.strip() for v in request.query_params.getlist(p.name) if v.strip()]
        if values:
            out[p.name] = values
    return out


def choices(guard: Guard, who: Principal, param: Param, lang: str) -> list[tuple[str, str]] | None:
    label = KIND_OF_PARAM.get(param.name)
    if label is None or param.type != "iri":
        return None
    found = guard.list_resources(who, ResourceQuery(label, limit=MAX_PAGE))
    if found.last is not None:
        return None  # too many to list: typed
    base = guard.registry.iris.base
    known = records(guard.registry, who, [n.iri for n in found.items], lang)
    pairs = [(n.iri.removeprefix(base), known[n.iri].title) for n in found.items]
    return sorted(pairs, key=lambda pair: pair[1])


def form_fields(guard: Guard, who: Principal, query: NamedQuery, raw: dict[str, list[str]],
                lang: str) -> list[FormField]:
    base = guard.registry.iris.base
    return [FormField(p.name, p.type, p.optional, text_or(lang, f"au_p_{p.name}", p.name),
                      text_or(lang, f"au_type_{p.type}", p.type),
                      ";".join(v.removeprefix(base) for v in raw.get(p.name, [])),
                      choices(guard, who, p, lang)) for p in query.params]


def answer_view(guard: Guard, who: Principal, answer: Answer, lang: str) -> dict[str, Any]:
    """What the page shows of an answer: its table of cells and its graph."""
    values = [*answer.params.values(), *(v for row in answer.rows for v in row.values())]
    known = records(guard.registry, who, iris_in(values), lang)
    rows = [[cells(row.get(c), known, lang) for c in answer.columns] for row in answer.rows]
    return {"columns": answer.columns, "rows": rows, "truncated": answer.truncated,
            "graph": graph_data(answer, known, kind_names(lang))}


def known_query(name: str) -> NamedQuery:
    found = named.catalog_of_queries().get(name)
    if found is None:
        raise HTTPException(404, {"detail": f"no query named {name!r}",
                                  "detail_fa": "پرسشی با این نام نیست"})
    return found


def takes_file(query: NamedQuery) -> bool:
    return any(p.type == "structure" for p in query.params)


def router() -> APIRouter:
    r = APIRouter(prefix="/app/queries", include_in_schema=False)

    @r.get("")
    def listing(request: Request, who: Person) -> Response:
        guard_of(request).may_query(who)
        lang = lang_of(request)
        found = [(q, text_or(lang, f"au_q_{q.name}", q.name),
                  text_or(lang, f"au_q_{q.name}_about", q.purpose))
                 for q in named.catalog_of_queries().values()]
        return page(request, "au_queries.html", queries=found)

    @r.get("/{name}")
    def one(request: Request, who: Person, name: str) -> Response:
        return query_page(request, who, name, run="run" in request.query_params)

    @r.get("/{name}/csv")
    def csv(request: Request, who: Person, name: str) -> Response:
        guard = guard_of(request)
        guard.may_query(who)
        query = known_query(name)
        try:
            answer = named.run(guard.registry.store, name, raw_params(request, query),
                               guard.registry.iris.base)
        except Exception as exc:
            if refusal(exc) is None:
                raise
            return query_page(request, who, name, run=True)
        return Response(formats.render(answer, "csv"), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})

    return r


def run_for_page(guard: Guard, who: Principal, query: NamedQuery, raw: dict[str, list[str]],
                 lang: str) -> tuple[dict[str, Any] | None, tuple[int, str, str] | None]:
    """(what the page shows of the answer, None) or (None, the refusal: status, en, fa)."""
    try:
        answer = named.run(guard.registry.store, query.name, raw, guard.registry.iris.base)
        return answer_view(guard, who, answer, lang), None
    except Exception as exc:
        refused = refusal(exc)
        if refused is None:
            raise
        return None, refused


def query_page(request: Request, who: Principal, name: str, run: bool) -> Response:
    guard = guard_of(request)
    guard.may_query(who)
    query = known_query(name)
    lang = lang_of(request)
    raw = raw_params(request, query)
    shown, refused = (run_for_page(guard, who, query, raw, lang)
                      if run and not takes_file(query) else (None, None))
    csv_href = f"/app/queries/{name}/csv?" + urlencode([(k, v) for k, vs in raw.items()
                                                        for v in vs])
    return page(request, "au_query.html", status=refused[0] if refused else 200, q=query,
                title=text_or(lang, f"au_q_{name}", name),
                about=text_or(lang, f"au_q_{name}_about", query.purpose),
                fields=form_fields(guard, who, query, raw, lang), takes_file=takes_file(query),
                answer=shown, refused=refused, csv_href=csv_href)
