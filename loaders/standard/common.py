"""What the readers of each standard share (ADR 0023): the file's graph and govcat's side of
the mapping (its IRIs, what it already stores, the agency named on the command line), labels,
identifiers made into govcat keys, and one mapped record (`Candidate`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, RDF, RDFS, SKOS, XSD
from rdflib.term import Node as Term

from catalog.graphmap import Node, nodes_to_graph
from catalog.iris import Iris
from catalog.kinds import by_sheet
from catalog.registry import Registry
from catalog.text import normalize_fa, normalize_key
from catalog.vocab import GC, PREFIXES
from loaders.standard.report import Need, RecordReport

Triple = tuple[URIRef, URIRef, URIRef | Literal]

ROV = "http://www.w3.org/ns/regorg#"
LABELS = (SKOS.prefLabel, DCTERMS.title, FOAF.name, URIRef(ROV + "legalName"), RDFS.label)
IDENTIFIERS = (DCTERMS.identifier, ORG.identifier, SKOS.notation)
_NOT_A_KEY = re.compile(r"[\s/:;#?]+")
_SHORT = {**{str(ns): p for p, ns in PREFIXES.items()}, ROV: "rov",
          "http://data.europa.eu/m8g/": "m8g", "http://www.w3.org/2006/vcard/ns#": "vcard",
          "http://schema.org/": "schema", "https://schema.org/": "schema",
          "http://www.w3.org/ns/locn#": "locn", "http://data.europa.eu/r5r/": "dcatap"}


def short(iri: Term) -> str:
    """A class or property as people write it (`cpsv:PublicService`)."""
    text = str(iri)
    for ns, prefix in sorted(_SHORT.items(), key=lambda kv: -len(kv[0])):
        if text.startswith(ns) and len(text) > len(ns):
            return f"{prefix}:{text[len(ns):]}"
    return text


def key_from(text: str) -> str | None:
    """An identifier or the last segment of an IRI as a govcat key (a code, an ID, a ref):
    normalized, the characters a key may not hold (spaces, / : ; # ?) turned into `-`."""
    key = _NOT_A_KEY.sub("-", normalize_key(text)).strip("-")[:120]
    return key or None


@dataclass
class Candidate:
    """One record of the file mapped to a govcat kind: the triples it becomes, the other
    subjects those triples define (a duty's legal resources), its report."""

    node: Term
    report: RecordReport
    triples: list[Triple] = field(default_factory=list)
    extra: dict[URIRef, list[Triple]] = field(default_factory=dict)
    native: bool = False  # govcat's own record, kept as it is

    @property
    def iri(self) -> URIRef | None:
        return URIRef(self.report.iri) if self.report.iri else None

    def need(self, en: str, fa: str, requirement: str | None = None) -> None:
        self.report.needs.append(Need(en, fa, requirement))

    def add(self, p: URIRef, o: URIRef | Literal | None) -> None:
        if o is not None and self.iri is not None:
            self.triples.append((self.iri, p, o))


@dataclass
class Context:
    """The file's graph and govcat's side: IRIs, the registry (None: the file on its own),
    the agency that owns the file's records (`--agency`), and the foreign records already
    mapped, by their node, to the govcat IRI they become."""

    graph: Graph
    iris: Iris
    registry: Registry | None
    source: str
    agency: str | None = None
    minted: dict[Term, URIRef] = field(default_factory=dict)
    agency_code: dict[Term, str] = field(default_factory=dict)  # organisation → agency code
    owner: dict[URIRef, str] = field(default_factory=dict)  # minted unit or post → agency code
    _stored: dict[str, Node | None] = field(default_factory=dict)

    # -- reading the file ----------------------------------------------------------------------

    def texts(self, node: Term, preds: Iterable[URIRef] = LABELS) -> dict[str, str]:
        """The first text of a node per language tag ('' for none), by the first property
        of `preds` that has one."""
        found: dict[str, str] = {}
        for p in preds:
            for o in sorted(self.graph.objects(node, p), key=str):
                if isinstance(o, Literal) and str(o).strip():
                    found.setdefault(o.language or "", normalize_fa(str(o)))
        return found

    def label(self, node: Term) -> str:
        t = self.texts(node)
        return t.get("fa") or t.get("en") or next(iter(t.values()), None) or str(node)

    def identifier(self, node: Term) -> str | None:
        for p in IDENTIFIERS:
            for o in sorted(self.graph.objects(node, p), key=str):
                if isinstance(o, Literal) and str(o).strip():
                    return key_from(str(o))
        return None

    def refs(self, node: Term, *preds: URIRef) -> list[Term]:
        return sorted({o for p in preds for o in self.graph.objects(node, p)
                       if isinstance(o, URIRef | BNode)}, key=str)

    def back(self, node: Term, *preds: URIRef) -> list[Term]:
        return sorted({s for p in preds for s in self.graph.subjects(p, node)
                       if isinstance(s, URIRef | BNode)}, key=str)

    def types(self, node: Term) -> set[Term]:
        return set(self.graph.objects(node, RDF.type))

    # -- govcat's side -------------------------------------------------------------------------

    def govcat_keys(self, node: Term, sheet: str) -> dict[str, str] | None:
        """The cells of a govcat IRI by the kind's pattern (`agency/{agency_code}/service/{ref}`),
        when the node is one: a profile export of govcat read back (ADR 0006, 0023)."""
        if not isinstance(node, URIRef):
            return None
        path = self.iris.path_of(str(node))
        if path is None:
            return None
        pattern = by_sheet()[sheet].iri.split("/")
        parts = path.split("/")
        if len(parts) != len(pattern):
            return None
        keys: dict[str, str] = {}
        for seg, part in zip(pattern, parts, strict=True):
            if seg.startswith("{"):
                keys[seg[1:-1]] = unquote(part)
            elif seg != part:
                return None
        return keys

    def key(self, node: Term, sheet: str, slot: str) -> tuple[str | None, str]:
        """The node's key for one slot of its kind's IRI, and how it was found."""
        own = self.govcat_keys(node, sheet)
        if own is not None:
            return own[slot], "govcat's own IRI"
        ident = self.identifier(node)
        if ident:
            return ident, "its identifier"
        if isinstance(node, URIRef):
            tail = str(node).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
            return key_from(unquote(tail)), "the last segment of its IRI"
        return None, ""

    def stored(self, iri: URIRef) -> Node | None:
        if self.registry is None or self.registry.store is None:
            return None
        if str(iri) not in self._stored:
            found = self.registry.store.describe([str(iri)])
            self._stored[str(iri)] = found[0] if found else None
        return self._stored[str(iri)]

    def stored_triples(self, iri: URIRef) -> list[Triple]:
        node = self.stored(iri)
        if node is None:
            return []
        return [(URIRef(str(s)), URIRef(str(p)), o)  # type: ignore[misc]
                for s, p, o in nodes_to_graph([node])]

    def is_agency(self, code: str) -> bool:
        return self.stored(self.iris.agency(code)) is not None


def source_literal(node: Term) -> Literal:
    """The record's IRI in the file it came from, kept on the record govcat mints
    (`dct:source`, ADR 0023)."""
    return Literal(str(node), datatype=XSD.anyURI)


def new_report(ctx: Context, node: Term, cls: Term, sheet: str) -> RecordReport:
    return RecordReport(str(node), ctx.label(node), short(cls), sheet)


def start(ctx: Context, node: Term, cls: Term, sheet: str, values: dict[str, str | None],
          how: dict[str, str]) -> Candidate:
    """A candidate for `node` as a record of `sheet`, its IRI minted by the kind's pattern
    from `values` (each slot's key); a slot without a value is a need, not an error."""
    cand = Candidate(node, new_report(ctx, node, cls, sheet))
    kind = by_sheet()[sheet]
    slots = [s[1:-1] for s in kind.iri.split("/") if s.startswith("{")]
    missing = [s for s in slots if not values.get(s)]
    if missing:
        for slot in missing:
            en, fa = _SLOT_NEEDS.get(slot, (f"a value for {slot}", f"مقداری برای {slot}"))
            cand.need(en, fa, "R-20.1" if slot == "agency_code" else None)
        return cand
    iri = ctx.iris.pattern(kind.iri, {s: str(values[s]) for s in slots})
    cand.report.iri = str(iri)
    twin = next((n for n, i in ctx.minted.items() if i == iri and n != node), None)
    if twin is not None:
        cand.need(f"it gives the same IRI {iri} as {twin}: give each its own identifier",
                  f"همان نشانی {iri} را می‌سازد که {twin} ساخته است؛ به هر یک شناسهٔ "
                  "جداگانه بدهید")
        return cand
    ctx.minted[node] = iri
    for slot in slots:
        if how.get(slot):
            cand.report.kept.append(f"{slot} {values[slot]!r} (from {how[slot]})")
    if isinstance(node, URIRef) and ctx.iris.path_of(str(node)) is None:
        cand.report.kept.append(f"its IRI, as dct:source of {iri}")
    _taken(ctx, cand, iri)
    return cand


def _taken(ctx: Context, cand: Candidate, iri: URIRef) -> None:
    """A foreign record must not overwrite a govcat record that came from elsewhere: the
    IRI it would get is held by a record of another source (or one registered in govcat)."""
    if ctx.iris.path_of(str(cand.node)) is not None:
        return  # govcat's own IRI: the same record
    node = ctx.stored(iri)
    if node is None:
        return
    source = node.props.get("sourceRecord")
    if source != str(cand.node):
        cand.need(
            f"its key gives the IRI {iri}, which govcat already holds for another record; "
            "give it an identifier of its own",
            f"کلید آن نشانی {iri} را می‌سازد که govcat برای رکورد دیگری نگه می‌دارد؛ "
            "شناسهٔ دیگری به آن بدهید", "R-20.1")


_SLOT_NEEDS = {
    "agency_code": (
        "the agency that owns it: an organisation of the file govcat can map to an agency "
        "(e.g. m8g:hasCompetentAuthority, dct:publisher, org:unitOf), or --agency CODE",
        "دستگاه مالک آن: سازمانی در پرونده که govcat آن را به دستگاهی نگاشت کند "
        "(مانند m8g:hasCompetentAuthority، dct:publisher، org:unitOf) یا گزینهٔ --agency"),
    "ref": ("an identifier (dct:identifier) or an IRI to make its reference of",
            "شناسه (dct:identifier) یا نشانی‌ای که کد آن از آن ساخته شود"),
    "code": ("an identifier (dct:identifier, org:identifier) or an IRI",
             "شناسه (dct:identifier، org:identifier) یا نشانی"),
    "id": ("an identifier (dct:identifier, org:identifier) or an IRI",
           "شناسه (dct:identifier، org:identifier) یا نشانی"),
}


def add_texts(cand: Candidate, ctx: Context, p: URIRef, preds: Iterable[URIRef] = LABELS
              ) -> None:
    """Titles in Persian and English as govcat keeps them; other languages are reported as
    not held (govcat writes titles in fa and en)."""
    t = ctx.texts(cand.node, preds)
    for lang in ("fa", "en"):
        if lang in t:
            cand.add(p, Literal(t[lang], lang=lang))
            cand.report.mapped.append(f"{short(p)}@{lang} «{t[lang]}»")
    other = sorted(k for k in t if k not in ("fa", "en"))
    if other:
        cand.report.not_held.append(
            "titles in " + ", ".join(f"@{k}" if k else "no language" for k in other)
            + " (govcat keeps titles in Persian and English)")


def govcat_concept(o: Term, scheme: str) -> URIRef | None:
    text = str(o)
    prefix = f"https://w3id.org/govcat/code/{scheme}/"
    return URIRef(text) if isinstance(o, URIRef) and text.startswith(prefix) else None


GC_AGENCY = GC.agency


def not_held(ctx: Context, cand: Candidate, used: Iterable[URIRef]) -> None:
    """The node's properties the mapping did not read: reported per record, never fatal."""
    seen = set(used) | {RDF.type}
    rest: dict[str, int] = {}
    for p in ctx.graph.predicates(cand.node, None):
        if p not in seen:
            rest[short(p)] = rest.get(short(p), 0) + 1
    for name, n in sorted(rest.items()):
        cand.report.not_held.append(f"{name}" + (f" ({n} values)" if n > 1 else ""))
    extra = sorted(short(t) for t in ctx.types(cand.node)
                   if short(t) != cand.report.standard_class)
    if extra:
        cand.report.kept.append("its other classes are implied: " + ", ".join(extra))
