"""The SPARQL 1.1 endpoint (ADR 0009): `GET /sparql?query=…`, `POST /sparql` with a form
(`query=…`) or an `application/sparql-query` body; read-only (catalog.sparql).

Answers by `Accept` (or `?format=`): SELECT as application/sparql-results+json (default),
application/sparql-results+xml, text/csv or text/tab-separated-values; ASK as JSON or XML;
CONSTRUCT and DESCRIBE as Turtle (default), N-Triples, JSON-LD or RDF/XML. `X-Govcat-Cursor`
is the last change of the feed the answer reflects; `X-Govcat-Truncated: true` says the
answer was cut at the result limit. Refusals are JSON in English and Persian.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qs
from weakref import WeakKeyDictionary

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from api import conneg
from api.auth import Caller, GuardDep
from api.conneg import Offers
from catalog.access.policy import Act
from catalog.access.principals import Principal
from catalog.access.visibility import scopes_of, visible
from catalog.guard import Guard
from catalog.registry import Registry
from catalog.sparql import (
    GRAPH_FORMATS,
    MAX_TIMEOUT_S,
    RESULT_FORMATS,
    Scope,
    SparqlBusy,
    SparqlError,
    SparqlRefused,
    SparqlTimeout,
    SparqlTooLarge,
    SparqlView,
    formats_of,
    render,
)

MAX_BODY_BYTES = 1_048_576
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
_STATUS = {SparqlRefused: 400, SparqlTooLarge: 413, SparqlTimeout: 408, SparqlBusy: 503}
# Media types clients also send for the same formats.
_ALIASES = {"application/json": ("json", "jsonld"), "application/xml": ("xml", "rdfxml"),
            "text/xml": ("xml",), "application/x-turtle": ("ttl",), "text/n3": ("ttl",),
            "text/plain": ("nt",)}

EXAMPLE_EN = ("SELECT ?service ?title WHERE { ?service a cpsv:PublicService ; "
              "dct:title ?title } LIMIT 10")
EXAMPLE_FA = ('SELECT ?agency ?name WHERE { ?agency a cv:PublicOrganisation ; '
              'skos:prefLabel ?name FILTER(CONTAINS(?name, "سازمان")) }')
DESCRIPTION = (
    "Read-only SPARQL 1.1 over the catalog's RDF view, as of every change committed before the "
    "request (the view follows the change feed). SELECT, ASK, CONSTRUCT and DESCRIBE only; "
    "updates and SERVICE are refused (400). Prefixes gc, cv, cpsv, eli, adms, org, dcat, dct, "
    "skos, prov, foaf, owl, rdf, rdfs and xsd are predeclared; relative IRIs resolve against "
    "the catalog's base. Each record's triples are in a named graph named by its IRI. Time "
    "limit: 10 s by default (`timeout_ms`, at most 30 s): 408. At most 10,000 solutions or "
    "triples (`X-Govcat-Truncated`).\n\n"
    "پرسش SPARQL 1.1 فقط‌خواندنی روی نمای RDF فهرست؛ پاسخ همهٔ تغییرهای ثبت‌شده پیش از "
    "درخواست را در بر دارد. تنها SELECT، ASK، CONSTRUCT و DESCRIBE؛ به‌روزرسانی و SERVICE "
    "پذیرفته نمی‌شوند (۴۰۰).")
_ERROR = {"content": {"application/json": {"schema": {"type": "object", "properties": {
    "detail": {"type": "string"}, "detail_fa": {"type": "string"}}}}}}
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "the answer, in the negotiated format",
          "content": {media: {} for media in {**RESULT_FORMATS, **GRAPH_FORMATS}.values()}},
    400: {"description": "not a read-only SPARQL 1.1 query / پرسش پذیرفته نیست", **_ERROR},
    401: {"description": "no valid token / توکن معتبر نیست", **_ERROR},
    403: {"description": "the role may not query / نقش اجازه ندارد", **_ERROR},
    406: {"description": "no format of the answer is acceptable / قالب پذیرفتنی نیست",
          **_ERROR},
    408: {"description": "past its time limit, stopped / زمان پرسش گذشت", **_ERROR},
    413: {"description": "query too long / پرسش بیش از اندازه بلند است", **_ERROR},
    415: {"description": "send a form or application/sparql-query", **_ERROR},
    503: {"description": "every query worker is busy; retry / اجراکننده‌ها مشغول‌اند",
          **_ERROR},
}
QUERY_EXAMPLES = {"en": {"summary": "services and their titles", "value": EXAMPLE_EN},
                  "fa": {"summary": "دستگاه‌هایی که نامشان «سازمان» دارد",
                         "value": EXAMPLE_FA}}
_GRAPH_URIS = {"type": "array", "items": {"type": "string"}}
POST_BODY = {"requestBody": {"required": True, "content": {
    FORM: {"schema": {"type": "object", "required": ["query"], "properties": {
        "query": {"type": "string"}, "default-graph-uri": _GRAPH_URIS,
        "named-graph-uri": _GRAPH_URIS}},
        "examples": {k: {"summary": v["summary"], "value": {"query": v["value"]}}
                     for k, v in QUERY_EXAMPLES.items()}},
    SPARQL_QUERY: {"schema": {"type": "string"}, "examples": QUERY_EXAMPLES},
}}}


# The view of each catalog's endpoint, which the web app's console shares (ADR 0031): one
# replica per catalog, not two. A new app over the same registry makes a new view.
_VIEWS: WeakKeyDictionary[Registry, SparqlView] = WeakKeyDictionary()


def view_of(registry: Registry) -> SparqlView:
    """The SPARQL view of the endpoint serving `registry` (made by `router`)."""
    found = _VIEWS.get(registry)
    if found is None:
        found = _VIEWS[registry] = SparqlView(registry, scope=_scope)
    return found


def router(registry: Registry) -> APIRouter:
    # Each reader queries the catalog as its view allows (catalog.access.visibility, ADR 0010).
    view = _VIEWS[registry] = SparqlView(registry, scope=_scope)
    r = APIRouter(tags=["linked data"])

    @r.get("/sparql", responses=RESPONSES, summary="SPARQL query (read-only)",
           description=DESCRIPTION)
    def sparql_get(
        request: Request, guard: GuardDep, who: Caller,
        query: Annotated[str | None, Query(description="the SPARQL query",
                                           openapi_examples=QUERY_EXAMPLES)] = None,
        default_graph_uri: Annotated[list[str] | None,
                                     Query(alias="default-graph-uri")] = None,
        named_graph_uri: Annotated[list[str] | None, Query(alias="named-graph-uri")] = None,
        format: Annotated[str | None, Query(
            description="json, xml, csv, tsv (SELECT, ASK); ttl, nt, jsonld, rdfxml "
                        "(CONSTRUCT, DESCRIBE); overrides Accept")] = None,
        timeout_ms: Annotated[int | None, Query(ge=1, le=int(MAX_TIMEOUT_S * 1000))] = None,
    ) -> Response:
        if "update" in request.query_params:
            return _error(SparqlRefused(*_UPDATE_BY_GET))
        return _answer(view, guard, who, request, query, default_graph_uri or [],
                       named_graph_uri or [], format, timeout_ms)

    @r.post("/sparql", responses={**RESPONSES}, summary="SPARQL query (read-only), by POST",
            description=DESCRIPTION, openapi_extra=POST_BODY)
    async def sparql_post(
        request: Request, guard: GuardDep, who: Caller,
        format: Annotated[str | None, Query(description="as for GET")] = None,
        timeout_ms: Annotated[int | None, Query(ge=1, le=int(MAX_TIMEOUT_S * 1000))] = None,
    ) -> Response:
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media not in (FORM, SPARQL_QUERY):
            return JSONResponse(
                {"detail": f"send {FORM} (query=…) or {SPARQL_QUERY}",
                 "detail_fa": "پرسش را به‌صورت فرم (query=…) یا application/sparql-query "
                              "بفرستید"}, status_code=415)
        try:
            text = (await _body(request)).decode("utf-8")
        except SparqlError as exc:
            return _error(exc)
        except UnicodeDecodeError:
            return _error(SparqlRefused("the body is not UTF-8", "متن درخواست UTF-8 نیست"))
        params = request.query_params
        defaults, named = params.getlist("default-graph-uri"), params.getlist("named-graph-uri")
        query: str | None = text
        if media == FORM:
            try:
                form = parse_qs(text, keep_blank_values=True, max_num_fields=200)
            except ValueError:
                return _error(SparqlRefused("too many form fields", "فیلدهای فرم بسیارند"))
            if "update" in form:
                return _error(SparqlRefused(*_UPDATE_BY_GET))
            values = form.get("query")
            query = values[0] if values else None
            defaults = form.get("default-graph-uri", defaults)
            named = form.get("named-graph-uri", named)
        return await run_in_threadpool(_answer, view, guard, who, request, query, defaults,
                                       named, format, timeout_ms)

    return r


_UPDATE_BY_GET = ("this endpoint is read-only: SPARQL updates are refused",
                  "این نقطهٔ دسترسی فقط‌خواندنی است و به‌روزرسانی SPARQL پذیرفته نمی‌شود")


def _answer(view: SparqlView, guard: Guard, who: Principal, request: Request,
            query: str | None, defaults: list[str], named: list[str], fmt: str | None,
            timeout_ms: int | None) -> Response:
    guard.policy.check(who, Act.QUERY_SPARQL)
    if query is None:
        return _error(SparqlRefused("send a SPARQL query: query=…",
                                    "یک پرسش SPARQL بفرستید: query=…"))
    try:
        answer = view.query(who, query, timeout=timeout_ms / 1000 if timeout_ms else None,
                            default_graphs=defaults, named_graphs=named)
        name = negotiate(answer.form, request.headers.get("accept", ""), fmt)
    except SparqlError as exc:
        return _error(exc)
    headers = {"X-Govcat-Cursor": str(answer.cursor), "Vary": "Accept"}
    if answer.truncated:
        headers["X-Govcat-Truncated"] = "true"
    media = formats_of(answer.form)[name]
    return Response(render(answer, name), media_type=f"{media}; charset=utf-8",
                    headers=headers)


def negotiate(form: str, accept: str, fmt: str | None) -> str:
    """The format for an answer of this form: `?format=` if given (and possible), else the
    acceptable media type of highest q (q=0 refused), else the form's default; 406
    (api.conneg.NotAcceptable) when the answer comes in no format the request accepts."""
    return conneg.negotiate(Offers(formats_of(form), aliases=_ALIASES), accept, fmt)


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    too_large = SparqlTooLarge(f"the request body is larger than {MAX_BODY_BYTES} bytes",
                               "متن درخواست بیش از اندازه بزرگ است")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _error(exc: SparqlError) -> JSONResponse:
    status = _STATUS.get(type(exc), 400)
    headers = {"Retry-After": "5"} if status == 503 else None
    return JSONResponse({"detail": exc.message_en, "detail_fa": exc.message_fa},
                        status_code=status, headers=headers)


def _scope(p: Principal) -> Scope | None:
    key = scopes_of(p)
    return None if key is None else Scope(key, lambda n: visible(p, n))
