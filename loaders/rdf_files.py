"""Turtle and JSON-LD files to a change set. Every typed subject is a record to store; text
literals are normalized like spreadsheet cells. A JSON-LD document may only use govcat's own
context (inline or by its published name): no remote context is ever fetched.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.sax import SAXException

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from catalog.changeset import ChangeSet, Origin
from catalog.iris import Iris
from catalog.ontology import mapping
from catalog.problems import Problem
from catalog.text import normalize_fa
from catalog.vocab import CODE, ONTOLOGY_DIR

CONTEXT_NAMES = {"context.jsonld", "https://w3id.org/govcat/context.jsonld"}
FORMATS = {".ttl": "turtle", ".jsonld": "json-ld", ".json": "json-ld", ".nt": "nt"}


class RdfInputError(ValueError):
    def __init__(self, en: str, fa: str) -> None:
        super().__init__(en)
        self.message_en, self.message_fa = en, fa


def _local_context(ctx: Any) -> Any:
    """Replace references to govcat's context by the shipped file; refuse any other URL."""
    if isinstance(ctx, list):
        return [_local_context(c) for c in ctx]
    if isinstance(ctx, str):
        if ctx in CONTEXT_NAMES or ctx.endswith("/context.jsonld"):
            with (ONTOLOGY_DIR / "context.jsonld").open(encoding="utf-8") as f:
                return json.load(f)["@context"]
        raise RdfInputError(f"remote JSON-LD context {ctx!r} is not allowed; use govcat's",
                            f"زمینهٔ JSON-LD از نشانی بیرونی «{ctx}» پذیرفته نیست")
    return ctx


def _jsonld(text: str) -> str:
    doc = json.loads(text)
    docs = doc if isinstance(doc, list) else [doc]
    for d in docs:
        if isinstance(d, dict) and "@context" in d:
            d["@context"] = _local_context(d["@context"])
    return json.dumps(doc, ensure_ascii=False)


def parse_rdf(path: Path) -> Graph:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise RdfInputError(f"unsupported RDF file type {path.suffix!r}",
                            f"نوع پروندهٔ RDF «{path.suffix}» پشتیبانی نمی‌شود")
    text = path.read_text(encoding="utf-8")
    if fmt == "json-ld":
        text = _jsonld(text)
    g = Graph()
    g.parse(data=text, format=fmt)
    return g


def _normalized(g: Graph) -> Graph:
    out = Graph()
    for s, p, o in g:
        if isinstance(o, Literal) and isinstance(o.value, str) and o.datatype is None:
            o = Literal(normalize_fa(str(o)), lang=o.language)
        out.add((s, p, o))
    return out


def read_rdf(path: Path, iris: Iris) -> tuple[ChangeSet, list[Problem]]:
    source = path.name
    try:
        g = _normalized(parse_rdf(path))
    # rdflib's Turtle parser raises BadSyntax, a SyntaxError; its RDF/XML parser SAX errors.
    except (RdfInputError, json.JSONDecodeError, UnicodeDecodeError, ValueError, SyntaxError,
            SAXException) as exc:
        en = getattr(exc, "message_en", None) or f"the file cannot be read as RDF: {exc}"
        fa = getattr(exc, "message_fa", None) or f"پرونده به‌صورت RDF خوانده نشد: {exc}"
        return ChangeSet(), [Problem(message_en=en, message_fa=fa, source=source)]
    cs = ChangeSet(graph=g)
    problems: list[Problem] = []
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
    return cs, problems
