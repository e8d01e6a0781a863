"""What a steward adds beside a file of another registry so that its records are complete
(ADR 0023): a supplement, Turtle statements about the file's own IRIs (`govcat import FILE
--with SUPPLEMENT.ttl`), so that the published file stays byte for byte. For each record that
lacks something, the report gives the lines to add, each `…` a value to fill (a template);
`supplement_template` gathers them for a whole run (`--supplement-template OUT.ttl`). A
supplement that still holds a `…` is refused (`placeholders`): an unfilled template must
never store «…» as a Persian title (R-3.1, R-4.1, R-20.1)."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, SKOS
from rdflib.term import Node as Term

from catalog.model import codes
from catalog.problems import Problem
from catalog.vocab import CPSV, CV, GC
from loaders.standard.common import Candidate, Context
from loaders.standard.report import ImportReport, Need

PLACEHOLDER = "…"
PREFIXES = {"dct": str(DCTERMS), "skos": str(SKOS), "org": str(ORG), "cpsv": str(CPSV),
            "m8g": str(CV)}
AGENCY_KIND = "https://w3id.org/govcat/code/agency-kind/"
_ORG_KINDS = ("agencies", "units", "posts")
_ANY_OF_KIND = "# one of: {}"


def _t(node: Term) -> str:
    return f"<{node}>"


def lines(ctx: Context, cand: Candidate) -> list[str]:
    """The Turtle a supplement would add about this record's IRI in the file, one need after
    the other (each line once); a need no statement can meet is said as a comment."""
    if not isinstance(cand.node, URIRef):
        return [f"# {cand.node} is a blank node of the file: a supplement cannot name it; "
                "give it an IRI or an identifier in the file"]
    out: list[str] = []
    for line in [*_known(ctx, cand), *(t for n in cand.report.needs
                                       for t in _for_need(ctx, cand, n))]:
        if line not in out:
            out.append(line)
    return out


def _known(ctx: Context, cand: Candidate) -> list[str]:
    """What the rules will ask next, said at once: a record taken out by the mapping (no
    agency, a law without a Persian title) was never judged by them, yet every record but an
    employee needs a Persian title or name, and an agency its kind (R-3.1, R-4.1, R-10.1,
    R-20.1)."""
    kind, s = cand.report.kind, _t(cand.node)
    out: list[str] = []
    if cand.native:  # govcat's own record, or the agency --agency names: nothing to add
        return out
    if kind != "employees" and "fa" not in ctx.texts(cand.node):
        prop = "skos:prefLabel" if kind in _ORG_KINDS else "dct:title"
        out.append(f'{s} {prop} "{PLACEHOLDER}"@fa .')
    if kind == "agencies" and not any(str(c).startswith(AGENCY_KIND) for c in ctx.refs(
            cand.node, ORG.classification)):
        out.append(f"{s} org:classification <{AGENCY_KIND}{PLACEHOLDER}> .  "
                   + _ANY_OF_KIND.format(", ".join(_agency_kinds())))
    return out


def _for_need(ctx: Context, cand: Candidate, need: Need) -> list[str]:  # noqa: C901
    kind, col, s = cand.report.kind, need.column, _t(cand.node)
    persian = "Persian" in need.message_en
    if col == "prefLabel" or (persian and col is None and kind in _ORG_KINDS
                              and need.requirement != "R-3.1"):
        return [f'{s} skos:prefLabel "{PLACEHOLDER}"@fa .']
    if col == "title" or (persian and col is None and need.requirement != "R-3.1"):
        return [f'{s} dct:title "{PLACEHOLDER}"@fa .']
    if col == "classification" and kind == "agencies":
        return [f"{s} org:classification <{AGENCY_KIND}{PLACEHOLDER}> .  "
                + _ANY_OF_KIND.format(", ".join(_agency_kinds()))]
    if col == "follows" and kind == "services":
        return _duty(ctx, cand)
    if kind == "services" and need.requirement == "R-4.3":
        base = ctx.iris.base
        return [f"{s} m8g:hasParticipation [ m8g:hasParticipant <{base}unit/{PLACEHOLDER}> , "
                f"<{base}employee/{PLACEHOLDER}> ] .  # units, posts and employees govcat "
                "holds, or ones the supplement describes (W3C ORG) (R-4.3)"]
    if kind == "duties" and need.requirement == "R-3.1" and col is None:
        laws = [law for law in ctx.refs(cand.node, CPSV.implements)
                if "fa" not in ctx.texts(law, (DCTERMS.title, SKOS.prefLabel))]
        return [f'{_t(law)} dct:title "{PLACEHOLDER}"@fa .' for law in laws
                if isinstance(law, URIRef)]
    if cand.report.iri is None and need.requirement == "R-20.1" and col is None:
        return _owner(ctx, cand)
    return [f"# {s}: {need.message_en}"]


def _agency_kinds() -> list[str]:
    return sorted(set(codes("agency-kind").values()))


def _duty(ctx: Context, cand: Candidate) -> list[str]:
    s = _t(cand.node)
    if any(p == CPSV.follows for _, p, _ in cand.triples):
        return [f"# {s}: complete the duty it follows (its record in this report), or name "
                "another one (cpsv:follows)"]
    agency = next((o for _, p, o in cand.triples if p == GC.agency), None)
    code = ctx.iris.agency_code(str(agency)) if agency is not None else None
    where = f"{ctx.iris.base}agency/{code}/duty/" if code else f"{ctx.iris.base}agency/"
    return [f"{s} cpsv:follows <{where}{PLACEHOLDER}> .  # a duty govcat holds, or a cpsv:Rule "
            f'the supplement describes (dct:title "…"@fa, cpsv:implements [ dct:title "…"@fa ])'
            " (R-4.1)"]


def _owner(ctx: Context, cand: Candidate) -> list[str]:
    """The agency a record lacks: the organisation it names, described; else one to name."""
    s = _t(cand.node)
    prop = (CV.hasCompetentAuthority, "m8g:hasCompetentAuthority") \
        if cand.report.kind in ("services", "duties") else (DCTERMS.publisher, "dct:publisher")
    named = [o for o in ctx.refs(cand.node, prop[0])
             if isinstance(o, URIRef) and o not in ctx.agency_code]
    if not named:
        return [f"{s} {prop[1]} <{PLACEHOLDER}> .  # an organisation of the file or of the "
                "supplement, or import with --agency CODE (R-20.1)"]
    kinds = _ANY_OF_KIND.format(", ".join(_agency_kinds()))
    return [f'{_t(o)} a m8g:PublicOrganisation ; skos:prefLabel "{PLACEHOLDER}"@fa ; '
            f"org:classification <{AGENCY_KIND}{PLACEHOLDER}> .  {kinds} (R-20.1)"
            for o in named[:1]]


def supplement_template(reports: Iterable[ImportReport]) -> str:
    """One supplement for every record of the run that lacks something, record by record."""
    out = [f"@prefix {p}: <{ns}> ." for p, ns in PREFIXES.items()] + [""]
    reports = list(reports)
    for report in reports:
        lacking = [r for r in report.lacking if r.template]
        if not lacking:
            continue
        out.append(f"# For {report.source}: govcat import {report.source} --with THIS-FILE "
                   f"(fill each {PLACEHOLDER}; delete what you cannot fill)")
        for r in sorted(lacking, key=lambda r: (r.kind, r.source_iri)):
            out.append(f"# {r.source_iri} «{r.label}» ({r.standard_class} → {r.kind})")
            out += r.template
        out.append("")
    return "\n".join(out) + "\n"


def placeholders(graph: Graph, source: str) -> list[Problem]:
    """A template's `…` still in a supplement: refused, never stored as a value."""
    found = []
    for s, _p, o in graph:
        for term in (s, o):
            text = str(term)
            if (isinstance(term, Literal) and text.strip() == PLACEHOLDER) or (
                    isinstance(term, URIRef) and text.endswith(PLACEHOLDER)):
                found.append(Problem(
                    f"a value of the template is not filled ({PLACEHOLDER}) in the statement "
                    f"about {s}: fill it or delete the statement",
                    f"مقداری از الگو پر نشده است ({PLACEHOLDER}) در گزارهٔ مربوط به {s}: آن را "
                    "پر کنید یا گزاره را حذف کنید", source=source,
                    focus=None if isinstance(s, BNode) else str(s)))
                break
    return found
