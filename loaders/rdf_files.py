"""Turtle and JSON-LD files to a change set. Every typed subject is a record to store; text
literals are normalized like spreadsheet cells. A JSON-LD document may only use govcat's own
context (inline, or by exactly one of its own names: `own_contexts`), wherever a context
appears in it (top level, nested nodes, scoped contexts in term definitions); any other URL, and
`@import`, is refused: no remote context is ever fetched. Relative IRIs resolve against
govcat's base IRI, never the working directory. A file in which no record of a kind govcat
holds is found is refused, saying what it holds instead (nothing is silent).

A file that cannot be read is a problem of the submission, never a crash (ADR 0011): bad bytes,
JSON or RDF syntax, nesting deeper than MAX_DEPTH, and terms no store can hold (invalid Unicode
such as a lone surrogate, control characters such as NUL, text longer than a spreadsheet cell
may be, catalog.model.MAX_TEXT).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import urljoin
from xml.sax import SAXException

from rdflib import Graph, Literal, URIRef
from rdflib.exceptions import Error as RdflibError
from rdflib.namespace import DCAT, RDF, XSD
from rdflib.term import Node

from catalog.changeset import ChangeSet, Origin
from catalog.iri_check import IRI_RULE, Why, iri_problem, web_address_problem
from catalog.iris import Iris
from catalog.kinds import all_kinds
from catalog.model import MAX_TEXT
from catalog.ontology import context, mapping
from catalog.problems import Problem
from catalog.text import normalize_fa
from catalog.vocab import CODE

PUBLISHED_CONTEXT = "https://w3id.org/govcat/context.jsonld"
FORMATS = {".ttl": "turtle", ".jsonld": "json-ld", ".json": "json-ld", ".nt": "nt"}
MAX_DEPTH = 64  # JSON-LD nesting; govcat's own documents nest a handful of levels
MAX_IRI = 2_000
MAX_TERM_PROBLEMS = 20  # then the file is refused without listing every bad term
Triple = tuple[Node, Node, Node]
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class RdfInputError(ValueError):
    def __init__(self, en: str, fa: str) -> None:
        super().__init__(en)
        self.message_en, self.message_fa = en, fa


def own_contexts(iris: Iris) -> frozenset[str]:
    """govcat's context by name: its published IRI, its file's name, and where this
    installation serves it (`/context.jsonld` on the host of the base IRI). A URL that merely
    ends the same way is another's, and remote."""
    return frozenset({PUBLISHED_CONTEXT, "context.jsonld", urljoin(iris.base, "/context.jsonld")})


def _local_context(ctx: Any, own: frozenset[str], depth: int) -> Any:
    """Replace references to govcat's context by its terms; refuse any other URL. A context
    object is walked too: its term definitions may hold scoped contexts."""
    if isinstance(ctx, list):
        return [_local_context(c, own, depth + 1) for c in ctx]
    if isinstance(ctx, str):
        if ctx in own:
            return context()
        raise RdfInputError(
            f"remote JSON-LD context {ctx!r} is not allowed; use govcat's "
            f"({PUBLISHED_CONTEXT})",
            f"زمینهٔ JSON-LD از نشانی بیرونی «{ctx}» پذیرفته نیست؛ زمینهٔ govcat را به کار "
            f"ببرید ({PUBLISHED_CONTEXT})")
    return _no_remote(ctx, own, depth)


def _no_remote(node: Any, own: frozenset[str], depth: int = 0) -> Any:
    """The document with every `@context`, at any depth, made local (or refused)."""
    if depth > MAX_DEPTH:
        raise RdfInputError(f"the JSON-LD document nests more than {MAX_DEPTH} levels deep",
                            f"سند JSON-LD بیش از {MAX_DEPTH} لایه تودرتو است")
    if isinstance(node, list):
        return [_no_remote(n, own, depth + 1) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "@import":
            raise RdfInputError("@import in a JSON-LD context is not allowed; use govcat's "
                                "context", "‎@import در زمینهٔ JSON-LD پذیرفته نیست")
        out[key] = (_local_context(value, own, depth + 1) if key == "@context"
                    else _no_remote(value, own, depth + 1))
    return out


def local_jsonld(text: str, own: frozenset[str]) -> str:
    """A JSON-LD document with govcat's own context made local; RdfInputError for any other."""
    try:
        doc = json.loads(text)
    except RecursionError:
        raise RdfInputError(f"the JSON-LD document nests more than {MAX_DEPTH} levels deep",
                            f"سند JSON-LD بیش از {MAX_DEPTH} لایه تودرتو است") from None
    return json.dumps(_no_remote(doc, own), ensure_ascii=False)


def parse_rdf(path: Path, iris: Iris) -> Graph:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise RdfInputError(f"unsupported RDF file type {path.suffix!r}",
                            f"نوع پروندهٔ RDF «{path.suffix}» پشتیبانی نمی‌شود")
    text = path.read_text(encoding="utf-8")
    if fmt == "json-ld":
        text = local_jsonld(text, own_contexts(iris))
    g = Graph()
    try:  # relative IRIs against govcat's base, not rdflib's default (the working directory)
        g.parse(data=text, format=fmt, publicID=iris.base)
    except (RecursionError, SyntaxError, ValueError, SAXException, RdflibError):
        raise  # read_rdf words these
    # rdflib's JSON-LD parser meets odd shapes with whatever it hits (UnboundLocalError,
    # TypeError, KeyError …): each means the same to the steward.
    except Exception as exc:
        raise RdfInputError(
            f"the file cannot be read as {fmt} ({type(exc).__name__})",
            f"پرونده به‌صورت {fmt} خوانده نشد ({type(exc).__name__})") from exc
    return g


def normalized(g: Graph) -> Graph:
    """`g` with its plain and language-tagged text normalized as a spreadsheet cell is."""
    out = Graph()
    for s, p, o in g:
        if isinstance(o, Literal) and isinstance(o.value, str) and o.datatype is None:
            o = Literal(normalize_fa(str(o)), lang=o.language)
        out.add((s, p, o))
    return out


def _web_address_terms() -> frozenset[URIRef]:
    """The properties whose values are web addresses: an information system's (its `url`
    column, catalog.records_rdf.system) and those of `url` columns mapped by their term."""
    terms = mapping().terms
    return frozenset({DCAT.endpointURL} | {
        terms[str(c.term)].iri for k in all_kinds() for c in k.sheet.columns
        if c.kind == "url" and c.term in terms})


def _iri_why(term: object, predicate: object, web: frozenset[URIRef]) -> Why | None:
    """An IRI of the file, an xsd:anyURI literal and a web address's literal, by RFC 3987
    (ADR 0025): rdflib's parsers take `<http://x/{id}>`, which no serializer writes back."""
    if isinstance(term, URIRef):
        return iri_problem(str(term))
    if isinstance(term, Literal) and predicate in web:
        return web_address_problem(str(term))
    if isinstance(term, Literal) and term.datatype == XSD.anyURI:
        return iri_problem(str(term))
    return None


def _iri_said(place: int, predicate: object, why: Why) -> Why:
    """An IRI problem naming where the IRI stands: the record's, a property's, or a value."""
    if place == 0:
        return f"the record's IRI is {why[0]}", f"شناسهٔ رکورد {why[1]}"
    if place == 1:
        return f"a property's IRI is {why[0]}", f"شناسهٔ یک ویژگی {why[1]}"
    term = mapping().term(predicate)  # type: ignore[arg-type]
    name = term.name if term else _shown(str(predicate))
    return f"the value of {name} is {why[0]}", f"مقدار «{name}» {why[1]}"


def unsound_statements(g: Graph, source: str) -> Iterator[tuple[Triple, Problem]]:
    """Each statement holding a term no store can hold, a text longer than a spreadsheet cell
    may be, or an IRI that is not one (RFC 3987, ADR 0025), with the problem it makes."""
    web = _web_address_terms()
    for triple in g:
        for place, term in enumerate(triple):
            problem = _term_problem(triple, place, term, web, source)
            if problem is not None:
                yield triple, problem
                break


def _term_problem(triple: Triple, place: int, term: Node, web: frozenset[URIRef],
                  source: str) -> Problem | None:
    text = str(term)
    rule = None
    why = _unstorable(text)
    if why is None and isinstance(term, Literal) and len(text) > MAX_TEXT:
        why = (f"a text longer than {MAX_TEXT} characters", f"متنی بلندتر از {MAX_TEXT} نویسه")
    if why is None and isinstance(term, URIRef) and len(text) > MAX_IRI:
        why = (f"an IRI longer than {MAX_IRI} characters", f"شناسه‌ای بلندتر از {MAX_IRI} نویسه")
    if why is None and (why := _iri_why(term, triple[1], web)) is not None:
        rule = IRI_RULE
        why = _iri_said(place, triple[1], why)
    if why is None:
        return None
    subject = str(triple[0])
    prop = mapping().term(triple[1])  # type: ignore[arg-type]
    return Problem(
        message_en=f"the file holds {why[0]}" if rule is None else why[0],
        message_fa=f"پرونده {why[1]} دارد" if rule is None else why[1],
        source=source, value=_shown(text), requirement=rule,
        column=(prop.name if prop else _shown(str(triple[1]))) if rule else None,
        focus=subject if len(subject) <= MAX_IRI and not _unstorable(subject) else None)


def _term_problems(g: Graph, source: str) -> list[Problem]:
    """The problems of unsound_statements, the first few: govcat's own file is all or
    nothing, so a handful says enough."""
    return [p for _, p in islice(unsound_statements(g, source), MAX_TERM_PROBLEMS)]


def _shown(text: str) -> str:
    """The start of a bad term as a problem may show it: valid UTF-8, no control characters."""
    text = text[:200].encode("utf-8", "replace").decode("utf-8")
    return _CONTROL.sub("\ufffd", text)


def _unstorable(text: str) -> tuple[str, str] | None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "invalid Unicode (a lone surrogate)", "نویسهٔ یونیکد نادرست (نیم‌جفت جایگزین)"
    if _CONTROL.search(text):
        return "a control character (such as NUL)", "نویسهٔ کنترلی (مانند NUL)"
    return None


def read_graph(path: Path, iris: Iris) -> tuple[Graph | None, list[Problem]]:
    """The file's graph, or the problem that keeps it from being read (never a crash)."""
    try:
        return parse_rdf(path, iris), []
    # rdflib's Turtle parser raises BadSyntax, a SyntaxError; its N-Triples parser its own
    # ParserError; its RDF/XML parser SAX errors.
    except (RdfInputError, json.JSONDecodeError, UnicodeDecodeError, ValueError, SyntaxError,
            SAXException, RdflibError) as exc:
        en = getattr(exc, "message_en", None) or f"the file cannot be read as RDF: {exc}"
        fa = getattr(exc, "message_fa", None) or f"پرونده به‌صورت RDF خوانده نشد: {exc}"
        return None, [Problem(message_en=en, message_fa=fa, source=path.name)]
    except RecursionError:  # nested blank nodes or lists, thousands deep
        return None, [Problem(
            message_en="the file nests blank nodes or lists too deeply to be read",
            message_fa="گره‌های بی‌نام یا فهرست‌های پرونده بیش از اندازه تودرتو است",
            source=path.name)]


def read_rdf(path: Path, iris: Iris) -> tuple[ChangeSet, list[Problem]]:
    source = path.name
    parsed, problems = read_graph(path, iris)
    if parsed is None:
        return ChangeSet(), problems
    g = normalized(parsed)
    problems = _term_problems(g, source)
    if problems:
        return ChangeSet(), problems
    cs = ChangeSet(graph=g)
    known = set(mapping().label_of)
    for s in sorted({s for s, c in g.subject_objects(RDF.type) if c in known}, key=str):
        if str(s).startswith(CODE):
            continue  # code-list concepts come from the ontology, not from submissions
        if not isinstance(s, URIRef) or iris.path_of(str(s)) is None:
            problems.append(Problem(
                message_en=f"{s} is not under govcat's base IRI {iris.base}",
                message_fa=f"شناسهٔ {s} زیر نشانی پایهٔ govcat ({iris.base}) نیست",
                source=source, focus=str(s)))
            continue
        cs.subjects[s] = Origin(source)
    if not cs.subjects and not problems:
        problems.append(_nothing_recognized(g, source))
    return cs, problems


def _nothing_recognized(g: Graph, source: str) -> Problem:
    """A file with no record of a kind govcat holds, and what it holds instead."""
    found = Counter(str(cls) for cls in g.objects(None, RDF.type))
    held = "; ".join(f"{n} × {cls}" for cls, n in found.most_common(5))
    held = held or f"{len(g)} statement(s) and no typed subject"
    return Problem(
        message_en=f"no record of a kind govcat holds was found in the file; it holds {held}; "
                   "a CPSV-AP, W3C ORG / CPOV or DCAT-AP file is read by `govcat import` "
                   "(ADR 0023)",
        message_fa=f"در پرونده هیچ رکوردی از گونه‌هایی که govcat نگه می‌دارد یافت نشد؛ "
                   f"آنچه دارد: {held}؛ پرونده‌های CPSV-AP، W3C ORG / CPOV و DCAT-AP را "
                   "با «govcat import» وارد کنید",
        source=source)
