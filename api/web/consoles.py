"""The read-only consoles (ADR 0004, ADR 0009, ADR 0031): `/app/console/cypher` runs an
auditor's own Cypher as `POST /queries/adhoc` does (guard.may_query with cypher_text, then
graph_queries.adhoc: the store refuses writes, LOAD CSV is refused, time and row limits), and
`/app/console/sparql` runs SPARQL as `POST /sparql` does (the policy's QUERY_SPARQL, then the
endpoint's own view, scoped to the reader). Refusals are shown in the reader's language."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from api.auth import guard_of
from api.queries import MAX_CYPHER
from api.sparql import view_of
from api.web.answers import Cell, Record, cells, iris_in, page_of, refusal
from api.web.render import lang_of, page, translator
from api.web.session import Person, check_csrf
from catalog.access.policy import Act
from catalog.access.principals import Principal
from catalog.guard import Guard
from catalog.sparql import MAX_QUERY_CHARS, SparqlError
from catalog.sparql import Answer as SparqlAnswer
from catalog.text import normalize_key
from graph_queries import adhoc
from graph_queries.answer import QueryError

SHOWN_ROWS = 1_000  # rows of a SPARQL answer shown on the page
# The example each console starts with is a UI message (au_cypher_example, au_sparql_example in
# messages/auditor.toml): Cypher lives in no .py file outside the store adapters (ADR 0021).


def example(request: Request, key: str) -> str:
    return str(translator(lang_of(request))(key))


def raw_cells(guard: Guard, rows: list[list[Any]], lang: str) -> list[list[list[Cell]]]:
    """Values as the store gave them; an IRI of the catalog links to its record's page."""
    base = guard.registry.iris.base
    known = {i: Record(i, i, page_of(i, base), "") for i in iris_in(rows)}
    return [[cells(v, known, lang) for v in row] for row in rows]


def row_limit(text: str) -> int | None:
    """The form's row limit (Persian or Latin digits); empty: the default. Its bounds are
    adhoc's (a QueryError past them)."""
    digits_only = normalize_key(text)
    if not digits_only:
        return None
    if not (digits_only.isascii() and digits_only.isdigit()):
        raise QueryError(f"limit must be a whole number, not {text!r}")
    return int(digits_only)


def router() -> APIRouter:
    r = APIRouter(prefix="/app/console", include_in_schema=False)

    @r.get("/cypher")
    def cypher_form(request: Request, who: Person) -> Response:
        guard_of(request).may_query(who, cypher_text=True)
        return console(request, "cypher", example(request, "au_cypher_example"))

    @r.post("/cypher")
    def cypher_run(request: Request, who: Person,
                   cypher: Annotated[str, Form(max_length=MAX_CYPHER)] = "",
                   limit: Annotated[str, Form(max_length=12)] = "",
                   csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
        check_csrf(request, csrf)
        guard = guard_of(request)
        guard.may_query(who, cypher_text=True)
        try:
            answer = adhoc.run_adhoc(guard.registry.store, cypher, {}, None, row_limit(limit))
        except Exception as exc:
            refused = refusal(exc)
            if refused is None:
                raise
            return console(request, "cypher", cypher, refused=refused, limit=limit)
        rows = [[row.get(c) for c in answer.columns] for row in answer.rows]
        return console(request, "cypher", cypher, limit=limit, columns=answer.columns,
                       rows=raw_cells(guard, rows, lang_of(request)), truncated=answer.truncated)

    @r.get("/sparql")
    def sparql_form(request: Request, who: Person) -> Response:
        guard_of(request).policy.check(who, Act.QUERY_SPARQL)
        return console(request, "sparql", example(request, "au_sparql_example"))

    @r.post("/sparql")
    def sparql_run(request: Request, who: Person,
                   query: Annotated[str, Form(max_length=MAX_QUERY_CHARS)] = "",
                   csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
        check_csrf(request, csrf)
        guard = guard_of(request)
        guard.policy.check(who, Act.QUERY_SPARQL)
        try:
            answer = view_of(guard.registry).query(who, query)
        except SparqlError as exc:
            return console(request, "sparql", query, refused=(400, exc.message_en,
                                                              exc.message_fa))
        return console(request, "sparql", query, **sparql_view(guard, who, answer,
                                                               lang_of(request)))

    return r


def sparql_view(guard: Guard, who: Principal, answer: SparqlAnswer,
                lang: str) -> dict[str, Any]:
    """A SELECT as its solutions, an ASK as yes or no, a CONSTRUCT or DESCRIBE as triples."""
    if answer.form == "ASK":
        return {"boolean": answer.boolean}
    if answer.form == "SELECT":
        columns = list(answer.variables)
        rows = [[_term(v) for v in row] for row in answer.rows[:SHOWN_ROWS]]
    else:
        columns = ["subject", "predicate", "object"]
        rows = [[_term(t.subject), _term(t.predicate), _term(t.object)]
                for t in answer.triples[:SHOWN_ROWS]]
    total = len(answer.rows) if answer.form == "SELECT" else len(answer.triples)
    return {"columns": columns, "rows": raw_cells(guard, rows, lang),
            "truncated": answer.truncated or total > SHOWN_ROWS}


def _term(term: Any) -> str | None:
    return None if term is None else str(getattr(term, "value", term))


def console(request: Request, kind: str, text: str, **shown: Any) -> Response:
    status = shown["refused"][0] if shown.get("refused") else 200
    values: dict[str, Any] = {"refused": None, "limit": None, "columns": None, "rows": None,
                              "truncated": False, "boolean": None, **shown}
    return page(request, "au_console.html", status=status, kind=kind, text=text, **values)
