"""A read-only SPARQL 1.1 view of the catalog (ADR 0009), kept in step with the store
through the change feed.

- **Engine.** Oxigraph (`pyoxigraph`), an in-memory SPARQL 1.1 store. Each record's triples
  are kept in a named graph named by the record's IRI; queries see the union of those graphs
  as their default graph (unless they name graphs with FROM / FROM NAMED), and `GRAPH ?g`
  tells which record a triple belongs to.
- **In step with the store.** Built at first use from `Registry.export` (the feed's cursor is
  read *before* the export, as for a snapshot), then, before every query, caught up with the
  change feed after its cursor: each record a change names is described again from the store
  and its graph replaced (dropped when the record is gone), in one Oxigraph transaction per
  page of changes. When nothing changed, catching up is one read of the commit counter. So an
  answer reflects every change committed before the query began (`Answer.cursor`). Catching
  up holds a lock; queries themselves run side by side.
- **Read-only.** A request is parsed by a SPARQL 1.1 parser (rdflib's grammar) before anything
  runs: only SELECT, ASK, CONSTRUCT and DESCRIBE are taken; an update (INSERT, DELETE, LOAD,
  CLEAR, …) is refused, and so is any SERVICE clause, wherever it is nested (Oxigraph would
  send it as an outbound HTTP request). The engine's entry point, `Store.query`, cannot run an
  update either: its own parser rejects one. The two parses must agree on the query form.
- **Limits.** A query runs in a worker thread and is waited for up to its time limit. On time
  out the caller gets `SparqlTimeout` at once and the worker is told to stop: it stops at the
  next solution or triple it produces. A thread cannot be killed, so a query that works a long
  time before producing anything (a big ORDER BY, GROUP BY or COUNT) runs on until that step
  ends, inside Oxigraph (which releases the GIL) and holding one of `workers` slots; when every
  slot is taken, new queries wait for one up to their own time limit and then get
  `SparqlBusy`. Workers are daemon threads: they never hold up a shutdown. At most
  `max_results` solutions or triples are kept; more are cut off and the answer says so
  (`truncated`).
- **Scopes.** `SparqlView(scope=…)` is the hook for read scopes (ADR 0009): a function
  of the principal giving None (sees everything) or a `Scope`: a key and the records it shows.
  Each scope key gets its own replica holding only the records it shows, built by
  `Registry.export(only=…)` and kept in step the same way, so nothing outside a principal's
  scope is in the data its query runs on, whatever the query (GRAPH, FROM, DESCRIBE …).
  (Oxigraph can also restrict a query to a list of named graphs, but with thousands of graphs
  that is orders of magnitude slower than a union; the replicas cost memory instead.)
"""

from __future__ import annotations

import io
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from pyparsing import ParseResults
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node as RdfTerm

from catalog import csvsafe, feed
from catalog.access.principals import OPERATOR, Principal
from catalog.graphmap import Node, nodes_to_graph
from catalog.ontology import bind_prefixes
from catalog.registry import TRAIL_LABELS, Registry
from catalog.serialize import serialize
from catalog.vocab import PREFIXES

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 10.0
MAX_TIMEOUT_S = 30.0
MAX_RESULTS = 10_000
MAX_QUERY_CHARS = 100_000
WORKERS = 2

# Prefixes every query may use without declaring them (the ones govcat's exports use).
QUERY_PREFIXES: dict[str, str] = {name: str(ns) for name, ns in PREFIXES.items()}

FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
         "DescribeQuery": "DESCRIBE"}

# Answer formats: name → media type. SELECT takes all four result formats, ASK the first two;
# CONSTRUCT and DESCRIBE take the RDF formats (catalog.serialize). The first is the default.
RESULT_FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_FORMATS = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}


def formats_of(form: str) -> dict[str, str]:
    """The answer formats a query form can be given in, the default first."""
    if form == "SELECT":
        return RESULT_FORMATS
    if form == "ASK":
        return {k: RESULT_FORMATS[k] for k in ("json", "xml")}
    return GRAPH_FORMATS


# -- refusals -------------------------------------------------------------------------------------

class SparqlError(Exception):
    """A query not answered, with the reason in English and Persian."""

    def __init__(self, en: str, fa: str) -> None:
        super().__init__(en)
        self.message_en = en
        self.message_fa = fa


class SparqlRefused(SparqlError):
    """Not a read-only SPARQL 1.1 query this endpoint runs (HTTP 400); nothing ran."""


class SparqlTooLarge(SparqlError):
    """The query text is longer than MAX_QUERY_CHARS (HTTP 413)."""


class SparqlTimeout(SparqlError):
    """The query ran past its time limit; its worker was told to stop (HTTP 408)."""


class SparqlBusy(SparqlError):
    """Every worker slot is taken by running queries (HTTP 503, retry later)."""


def _refuse_update() -> SparqlRefused:
    return SparqlRefused(
        "this endpoint is read-only: only SELECT, ASK, CONSTRUCT and DESCRIBE queries run; "
        "SPARQL updates (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP, …) are refused",
        "این نقطهٔ دسترسی فقط‌خواندنی است: تنها پرسش‌های SELECT، ASK، CONSTRUCT و DESCRIBE "
        "اجرا می‌شوند و دستورهای به‌روزرسانی (INSERT، DELETE، LOAD، CLEAR و …) پذیرفته نمی‌شوند")


# -- parsing --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Parsed:
    """What the parser found: the query form and the graphs it names (None: names none)."""

    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    default_graphs: tuple[str, ...] | None = None  # FROM
    named_graphs: tuple[str, ...] | None = None  # FROM NAMED


def parse(text: str, base: str | None = None) -> Parsed:
    """Parse a request as SPARQL 1.1 and decide from the parse whether it may run."""
    if len(text) > MAX_QUERY_CHARS:
        raise SparqlTooLarge(f"the query is longer than {MAX_QUERY_CHARS} characters",
                             f"متن پرسش از {MAX_QUERY_CHARS} نویسه بلندتر است")
    if not text.strip():
        raise SparqlRefused("send a SPARQL query: query=…", "یک پرسش SPARQL بفرستید: query=…")
    try:
        tree = parseQuery(text)
    except Exception as exc:
        if _parses_as_update(text):
            raise _refuse_update() from None
        raise SparqlRefused(f"not a SPARQL 1.1 query: {_short(exc)}",
                            f"این متن پرسش SPARQL 1.1 درستی نیست: {_short(exc)}") from None
    form = FORMS.get(getattr(tree[1], "name", ""))
    if form is None:  # the grammar has no other query form; kept as a guard
        raise _refuse_update()
    if _has_service(tree):
        raise SparqlRefused(
            "SERVICE (federated query) is not allowed: this endpoint makes no outbound "
            "requests", "پرسش‌های SERVICE (فدرال) پذیرفته نمی‌شوند: این نقطهٔ دسترسی به "
            "جای دیگری درخواست نمی‌فرستد")
    try:
        algebra = translateQuery(tree, base=base, initNs=QUERY_PREFIXES).algebra
    except Exception as exc:
        raise SparqlRefused(f"the query is not valid SPARQL 1.1: {_short(exc)}",
                            f"پرسش با SPARQL 1.1 سازگار نیست: {_short(exc)}") from None
    # dict.get: CompValue.get answers a missing key with the key itself
    clauses = dict.get(algebra, "datasetClause") or []
    if not clauses:
        return Parsed(form)
    return Parsed(form, tuple(str(c["default"]) for c in clauses if "default" in c),
                  tuple(str(c["named"]) for c in clauses if "named" in c))


def _parses_as_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except Exception:
        return False
    return True


def _has_service(tree: object) -> bool:
    """Whether a SERVICE clause occurs anywhere in the parse tree (subqueries, EXISTS, …)."""
    stack: list[object] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                return True
            stack.extend(node.values())
        elif isinstance(node, ParseResults | list | tuple):
            stack.extend(node)
    return False


def _short(exc: Exception) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__


# -- answers --------------------------------------------------------------------------------------

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass
class Answer:
    """A query's answer: solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT, DESCRIBE).
    `cursor`: the answer reflects every change of the feed up to this one."""

    form: str
    cursor: int
    variables: tuple[str, ...] = ()
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False


@dataclass(frozen=True)
class Scope:
    """What a principal's queries may see: the records `shows` keeps. Principals with equal
    `key`s must see the same records (they share one replica); `shows` must depend only on
    the record itself, since a replica re-reads only the records a change names."""

    key: Hashable
    shows: Callable[[Node], bool]


# The read-scope hook (ADR 0009): the scope of a principal, None to see everything.
ScopeOf = Callable[[Principal], Scope | None]


def everything(principal: Principal) -> Scope | None:
    """The default: every principal sees the whole catalog. A read-scope hook returns, for a
    scoped principal, e.g. `Scope(scopes_of(p), lambda n: visible(p, n))`."""
    return None


# -- the view -------------------------------------------------------------------------------------

class Replica:
    """An Oxigraph copy of the catalog (or of the records a scope shows), kept in step with
    the store through the change feed. Each record's triples are in the named graph of its
    IRI."""

    def __init__(self, registry: Registry, shows: Callable[[Node], bool] | None = None,
                 page: int = 500) -> None:
        self.registry = registry
        self.shows = shows
        self.page = page
        self.store: ox.Store | None = None
        self.cursor = 0  # the last change of the feed this copy holds
        self._lock = threading.Lock()

    def catch_up(self) -> tuple[ox.Store, int]:
        """Build the copy if it is not built yet, then apply every change committed since its
        cursor. Returns the store and the cursor it now reflects."""
        with self._lock:
            if self.store is None:
                self.store = self._build()
            head = feed.last_change(self.registry)
            while self.cursor < head:
                changes = feed.changes(self.registry, self.cursor, self.page, reader=OPERATOR)
                if not changes:
                    break
                self._replace(self.store, sorted({iri for c in changes for iri in c.records}))
                self.cursor = changes[-1].seq
            return self.store, self.cursor

    def _build(self) -> ox.Store:
        started = time.monotonic()
        self.cursor = feed.last_change(self.registry)  # before the export: it is as new or newer
        g = (self.registry.export() if self.shows is None
             else self.registry.export(only=self.shows))
        store = ox.Store()
        store.bulk_extend(_quads(g))
        log.info("SPARQL view built: %d quads at change %d in %.1f s", len(store), self.cursor,
                 time.monotonic() - started)
        return store

    def _replace(self, store: ox.Store, iris: Sequence[str], chunk: int = 5000) -> None:
        """Replace the graphs of these records with what the store holds now (dropping the
        ones gone or no longer shown), in one transaction: a query sees all of it or none."""
        g = Graph()
        for start in range(0, len(iris), chunk):
            nodes = self.registry.store.describe(list(iris[start:start + chunk]))
            nodes_to_graph([n for n in nodes if n.label not in TRAIL_LABELS
                            and (self.shows is None or self.shows(n))], g)
        ops = [f"DROP SILENT GRAPH {name}" for iri in iris if (name := _iri(iri)) is not None]
        by_record: dict[str, list[str]] = {}
        for quad in _quads(g):
            by_record.setdefault(str(quad.graph_name), []).append(
                f"{quad.subject} {quad.predicate} {quad.object} .")
        if by_record:
            ops.append("INSERT DATA { " + " ".join(
                f"GRAPH {name} {{ {' '.join(lines)} }}" for name, lines in by_record.items())
                + " }")
        if ops:
            store.update(" ;\n".join(ops))


class SparqlView:
    """Read-only SPARQL over the catalog: one replica for principals who see everything, one
    per scope key for the others, each built at first use and caught up before each query."""

    def __init__(self, registry: Registry, *, timeout: float = DEFAULT_TIMEOUT_S,
                 max_timeout: float = MAX_TIMEOUT_S, max_results: int = MAX_RESULTS,
                 workers: int = WORKERS, page: int = 500, scope: ScopeOf = everything) -> None:
        self.registry = registry
        self.timeout = timeout
        self.max_timeout = max_timeout
        self.max_results = max_results
        self.page = page
        self.scope = scope
        self.base = registry.iris.base
        self._replicas: dict[Hashable, Replica] = {}
        self._replicas_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(workers)
        self._running = 0
        self._count_lock = threading.Lock()

    @property
    def running(self) -> int:
        """Worker threads still evaluating a query (including ones past their time limit)."""
        return self._running

    def replica(self, principal: Principal) -> Replica:
        """The copy `principal`'s queries run on (built at its first query)."""
        scope = self.scope(principal)
        key: Hashable = _EVERYTHING if scope is None else ("scope", scope.key)
        with self._replicas_lock:
            found = self._replicas.get(key)
            if found is None:
                found = self._replicas[key] = Replica(
                    self.registry, None if scope is None else scope.shows, self.page)
            return found

    def catch_up(self, principal: Principal) -> int:
        """Bring `principal`'s replica up to the newest committed change; its cursor."""
        return self.replica(principal).catch_up()[1]

    def query(self, principal: Principal, text: str, *, timeout: float | None = None,
              default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = ()) -> Answer:
        """Answer a read-only query for `principal`, as of every change committed before the
        call. `default_graphs` / `named_graphs` (the protocol's default-graph-uri and
        named-graph-uri) override the query's FROM / FROM NAMED."""
        parsed = parse(text, self.base)
        if default_graphs or named_graphs:
            parsed = Parsed(parsed.form, tuple(default_graphs), tuple(named_graphs))
        options = _dataset(parsed)
        store, cursor = self.replica(principal).catch_up()
        limit = min(timeout if timeout and timeout > 0 else self.timeout, self.max_timeout)
        deadline = time.monotonic() + limit  # the limit is the query's: catching up is not in it
        return self._in_worker(
            lambda cancel: self._evaluate(store, text, parsed, options, cursor, cancel),
            deadline, limit)

    def _evaluate(self, store: ox.Store, text: str, parsed: Parsed, options: dict[str, Any],
                  cursor: int, cancel: threading.Event) -> Answer:
        try:
            result = store.query(text, base_iri=self.base, prefixes=QUERY_PREFIXES, **options)
        except (SyntaxError, ValueError) as exc:  # UnicodeError is a ValueError
            raise SparqlRefused(f"the engine could not parse the query: {_short(exc)}",
                                f"موتور پرسش را نتوانست بخواند: {_short(exc)}") from None
        answer = Answer(parsed.form, cursor)
        kind = {"SELECT": ox.QuerySolutions, "ASK": ox.QueryBoolean}.get(parsed.form,
                                                                         ox.QueryTriples)
        if not isinstance(result, kind):  # the two parsers disagree: run nothing of it
            raise SparqlRefused("the query's form is ambiguous", "نوع پرسش روشن نیست")
        try:
            if isinstance(result, ox.QueryBoolean):
                answer.boolean = bool(result)
            elif isinstance(result, ox.QuerySolutions):
                answer.variables = tuple(v.value for v in result.variables)
                width = range(len(answer.variables))
                answer.truncated = self._collect(
                    (tuple(solution[i] for i in width) for solution in result), answer.rows,
                    cancel)
            elif isinstance(result, ox.QueryTriples):
                answer.truncated = self._collect(result, answer.triples, cancel)
        except OSError as exc:  # an evaluation error reported by the engine
            raise SparqlRefused(f"the query failed: {_short(exc)}",
                                f"اجرای پرسش ناموفق بود: {_short(exc)}") from None
        return answer

    def _collect(self, results: Iterable[Any], into: list[Any],
                 cancel: threading.Event) -> bool:
        """Append `results` to `into` until cancelled or at max_results; whether some were
        left off (truncated)."""
        for item in results:
            if cancel.is_set():
                return False
            if len(into) == self.max_results:
                return True
            into.append(item)
        return False

    def _in_worker(self, work: Callable[[threading.Event], Answer], deadline: float,
                   limit: float) -> Answer:
        """Run `work` in a daemon thread holding a slot; wait for it until `deadline`."""
        if not self._slots.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise SparqlBusy("every query worker is busy; retry shortly",
                             "همهٔ اجراکننده‌های پرسش مشغول‌اند؛ اندکی بعد دوباره بکوشید")
        cancel = threading.Event()
        done = threading.Event()
        box: dict[str, Any] = {}

        def run() -> None:
            with self._count_lock:
                self._running += 1
            try:
                box["answer"] = work(cancel)
            except BaseException as exc:  # handed to the waiting caller
                box["error"] = exc
            finally:
                with self._count_lock:
                    self._running -= 1
                self._slots.release()
                done.set()

        threading.Thread(target=run, name="govcat-sparql", daemon=True).start()
        if not done.wait(max(0.0, deadline - time.monotonic())):
            cancel.set()
            raise SparqlTimeout(
                f"the query ran past its time limit ({limit:g} s) and was stopped",
                f"پرسش از زمان مجاز ({limit:g} ثانیه) گذشت و متوقف شد")
        if "error" in box:
            raise box["error"]
        answer: Answer = box["answer"]
        return answer


def _dataset(parsed: Parsed) -> dict[str, Any]:
    """The dataset a query runs on: the union of the record graphs, or the graphs it names
    (FROM, FROM NAMED; a replica holds only graphs its principals may see)."""
    if parsed.default_graphs is None and parsed.named_graphs is None:
        return {"use_default_graph_as_union": True}

    def graphs(names: Iterable[str]) -> list[ox.NamedNode]:
        try:
            return [ox.NamedNode(g) for g in names]
        except ValueError as exc:
            raise SparqlRefused(f"not an absolute IRI: {exc}",
                                f"نشانی گراف IRI مطلق نیست: {exc}") from None
    return {"default_graph": graphs(parsed.default_graphs or ()),
            "named_graphs": graphs(parsed.named_graphs or ())}


_EVERYTHING = "everything"


# -- terms and quads ------------------------------------------------------------------------------

def _iri(iri: str) -> str | None:
    try:
        return str(ox.NamedNode(iri))
    except ValueError:
        log.warning("SPARQL view: skipped a record with an invalid IRI: %r", iri)
        return None


def _term(t: RdfTerm) -> ox.NamedNode | ox.Literal:
    if isinstance(t, URIRef):
        return ox.NamedNode(str(t))
    if isinstance(t, Literal):
        if t.language:
            return ox.Literal(str(t), language=t.language)
        if t.datatype is not None:
            return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)))
        return ox.Literal(str(t))
    raise ValueError(f"no blank nodes in the catalog: {t!r}")


def _quads(g: Graph) -> Iterable[ox.Quad]:
    """The graph's triples, each in the named graph of its subject (its record)."""
    for s, p, o in g:
        try:
            subject = ox.NamedNode(str(s))
            yield ox.Quad(subject, ox.NamedNode(str(p)), _term(o), subject)
        except ValueError as exc:
            log.warning("SPARQL view: skipped a triple of %s: %s", s, exc)


# -- rendering (the SPARQL 1.1 result formats; RDF through catalog.serialize) ---------------------

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def render(answer: Answer, fmt: str) -> bytes:
    """The answer in one of `formats_of(answer.form)`."""
    if answer.form in ("CONSTRUCT", "DESCRIBE"):
        g = bind_prefixes(Graph())
        for t in answer.triples:
            g.add((_rdflib(t.subject), _rdflib(t.predicate), _rdflib(t.object)))
        return serialize(g, fmt).encode()
    if fmt == "json":
        return json.dumps(_json(answer), ensure_ascii=False).encode()
    if fmt == "xml":
        return _xml(answer).encode()
    if fmt == "csv":
        return _csv(answer).encode()
    if fmt == "tsv":
        return _tsv(answer).encode()
    raise ValueError(f"no format {fmt!r} for {answer.form}")


def _rdflib(t: Any) -> Any:
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    if isinstance(t, ox.Literal):
        if t.language:
            return Literal(t.value, lang=t.language)
        dt = t.datatype.value
        return Literal(t.value) if dt == XSD_STRING else Literal(t.value, datatype=URIRef(dt))
    return Literal(str(t))  # a quoted triple (RDF-star), which SPARQL 1.1 does not make


def _json_term(t: Term) -> dict[str, Any]:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": t.value}
        if t.language:
            out["xml:lang"] = t.language
        elif t.datatype.value != XSD_STRING:
            out["datatype"] = t.datatype.value
        return out
    return {"type": "triple", "value": {"subject": _json_term(t.subject),
                                        "predicate": _json_term(t.predicate),
                                        "object": _json_term(t.object)}}


def _json(answer: Answer) -> dict[str, Any]:
    if answer.form == "ASK":
        return {"head": {}, "boolean": bool(answer.boolean)}
    return {"head": {"vars": list(answer.variables)},
            "results": {"bindings": [
                {v: _json_term(t) for v, t in zip(answer.variables, row, strict=True)
                 if t is not None} for row in answer.rows]}}


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(text: str) -> str:
    return escape(_XML_ILLEGAL.sub("\ufffd", text))


def _xml_term(t: Term) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{_x(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{_x(t.value)}</bnode>"
    if isinstance(t, ox.Literal):
        if t.language:
            return f"<literal xml:lang={quoteattr(t.language)}>{_x(t.value)}</literal>"
        if t.datatype.value != XSD_STRING:
            return (f"<literal datatype={quoteattr(t.datatype.value)}>{_x(t.value)}"
                    "</literal>")
        return f"<literal>{_x(t.value)}</literal>"
    return (f"<triple><subject>{_xml_term(t.subject)}</subject><predicate>"
            f"{_xml_term(t.predicate)}</predicate><object>{_xml_term(t.object)}</object>"
            "</triple>")


def _xml(answer: Answer) -> str:
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
    out += [f"<variable name={quoteattr(v)}/>" for v in answer.variables]
    out.append("</head>")
    if answer.form == "ASK":
        out.append(f"<boolean>{'true' if answer.boolean else 'false'}</boolean>")
    else:
        out.append("<results>")
        for row in answer.rows:
            out.append("<result>")
            out += [f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                    for v, t in zip(answer.variables, row, strict=True) if t is not None]
            out.append("</result>")
        out.append("</results>")
    out.append("</sparql>")
    return "\n".join(out) + "\n"


def _csv(answer: Answer) -> str:
    """SPARQL 1.1 CSV: IRIs and literals as their plain text, blank nodes as `_:label`; text
    that would start a spreadsheet formula gets a leading `'` (catalog.csvsafe)."""
    buf = io.StringIO()
    w = csvsafe.writer(buf, lineterminator="\r\n")
    w.writerow(answer.variables)
    for row in answer.rows:
        w.writerow(["" if t is None else
                    f"_:{t.value}" if isinstance(t, ox.BlankNode) else
                    t.value if isinstance(t, ox.NamedNode | ox.Literal) else str(t)
                    for t in row])
    return buf.getvalue()


def _tsv(answer: Answer) -> str:
    """SPARQL 1.1 TSV: `?var` headers, terms in N-Triples syntax."""
    lines = ["\t".join(f"?{v}" for v in answer.variables)]
    lines += ["\t".join("" if t is None else _tsv_term(t) for t in row) for row in answer.rows]
    return "\n".join(lines) + "\n"


def _tsv_term(term: Any) -> str:
    """A term in N-Triples syntax. A spreadsheet strips the quotes of `"=1+1"` and runs the
    rest as a formula, so a literal whose text starts a formula (catalog.csvsafe) has that
    first character written as its `\\uXXXX` escape: the same literal to an RDF reader, text
    to a spreadsheet."""
    text = str(term)
    if isinstance(term, ox.Literal) and csvsafe.neutralize(term.value) != term.value \
            and text[:2] == '"' + term.value[:1]:  # a tab or CR is escaped already
        return f'"\\u{ord(text[1]):04X}{text[2:]}'
    return text
