"""W3C ORG and the Core Public Organisation Vocabulary (CPOV) → govcat's agencies, units,
posts and employees (R-20.1, R-4.3, R-11; ADR 0023).

An organisation at the top of the file's tree (no org:subOrganizationOf, org:unitOf above it
in the file) is an agency; with `--agency CODE` it is govcat's agency CODE, which must be
stored already (nothing of it is rewritten). An organisation below another one is a unit of the
agency above it when it is typed org:OrganizationalUnit, is org:unitOf (or org:hasUnit of)
another, or the file is given an agency; otherwise it is an agency under its parent (CPOV's
sub-organisation). A post (org:Post) sits in the unit it is org:postIn; whoever org:holds it
(or it is org:heldBy) is an employee, known by identifier only: govcat keeps no names (R-4.3).
"""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, SKOS
from rdflib.term import Node as Term

from catalog.vocab import CV, GC
from loaders.standard.common import (
    IDENTIFIERS,
    LABELS,
    ROV,
    Candidate,
    Context,
    add_texts,
    govcat_concept,
    not_held,
    short,
    source_literal,
    start,
)

ORGANISATIONS = (CV.PublicOrganisation, ORG.Organization, ORG.FormalOrganization,
                 ORG.OrganizationalUnit, URIRef(ROV + "RegisteredOrganization"),
                 FOAF.Organization)
_PARENT = (ORG.subOrganizationOf, ORG.unitOf)
_CHILD = (ORG.hasSubOrganization, ORG.hasUnit)


def organisations(ctx: Context) -> list[Term]:
    found = {s for c in ORGANISATIONS for s in ctx.graph.subjects(RDFTYPE, c)}
    return sorted(found, key=str)


RDFTYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def parent(ctx: Context, node: Term, known: set[Term]) -> Term | None:
    ups = [p for p in ctx.refs(node, *_PARENT) + ctx.back(node, *_CHILD) if p in known]
    return ups[0] if ups else None


def is_unit(ctx: Context, node: Term) -> bool:
    return (ORG.OrganizationalUnit in ctx.types(node) or bool(ctx.refs(node, ORG.unitOf))
            or bool(ctx.back(node, ORG.hasUnit)))


def _cls(ctx: Context, node: Term) -> Term:
    types = ctx.types(node)
    return next((c for c in ORGANISATIONS if c in types), ORG.Organization)


def map_organisations(ctx: Context, orgs: list[Term]) -> list[Candidate]:
    """Agencies first, then units from the top down (a unit's agency is the one above it)."""
    known = set(orgs)
    up = {o: parent(ctx, o, known) for o in orgs}

    def depth(o: Term) -> int:
        d, seen = 0, {o}
        while (p := up.get(o)) is not None and p not in seen:
            seen.add(p)
            o, d = p, d + 1
        return d

    out: list[Candidate] = []
    for node in sorted(orgs, key=lambda o: (depth(o), str(o))):
        above = up[node]
        own = ctx.govcat_keys(node, "agencies")
        as_unit = own is None and above is not None and (is_unit(ctx, node) or bool(ctx.agency))
        out.append(_unit(ctx, node, above) if as_unit else _agency(ctx, node, above))
    return out


def _agency(ctx: Context, node: Term, above: Term | None) -> Candidate:
    cls = _cls(ctx, node)
    if ctx.agency and above is None and ctx.govcat_keys(node, "agencies") is None:
        return _onto_agency(ctx, node, cls)
    code, how = ctx.key(node, "agencies", "code")
    cand = start(ctx, node, cls, "agencies", {"code": code}, {"code": how})
    if cand.iri is None:
        return cand
    ctx.agency_code[node] = str(code)
    cand.add(RDFTYPE, CV.PublicOrganisation)
    cand.add(DCTERMS.identifier, _lit(code))
    add_texts(cand, ctx, SKOS.prefLabel)
    used = {*LABELS, *IDENTIFIERS, *_PARENT, ORG.classification, DCTERMS.spatial}
    for c in ctx.refs(node, ORG.classification):
        if (kind := govcat_concept(c, "agency-kind")) is not None:
            cand.add(ORG.classification, kind)
            cand.report.mapped.append(f"org:classification → {short(kind)}")
    for place in ctx.refs(node, DCTERMS.spatial):
        if (province := govcat_concept(place, "province")) is not None:
            cand.add(DCTERMS.spatial, province)
            cand.report.mapped.append(f"dct:spatial → {short(province)}")
    if above is not None and above in ctx.agency_code:
        cand.add(ORG.subOrganizationOf, ctx.iris.agency(ctx.agency_code[above]))
        cand.report.mapped.append(f"org:subOrganizationOf → agency {ctx.agency_code[above]}")
    _source(ctx, cand)
    not_held(ctx, cand, used)
    return cand


def _onto_agency(ctx: Context, node: Term, cls: Term) -> Candidate:
    """The file's top organisation is govcat's agency named by --agency: read, not written."""
    code = str(ctx.agency)
    cand = start(ctx, node, cls, "agencies", {"code": code}, {})
    cand.native = True  # nothing of it is written; it stands for the stored agency
    cand.report.kept = [f"it is govcat's agency {code} (--agency); nothing of it is rewritten"]
    cand.report.needs = []  # the IRI is held: by this very agency
    ctx.agency_code[node] = code
    if not ctx.is_agency(code):
        cand.need(f"govcat holds no agency {code}: register it first (R-20.1)",
                  f"دستگاه {code} در govcat ثبت نشده است؛ نخست آن را ثبت کنید", "R-20.1")
    return cand


def _owner(ctx: Context, node: Term, above: Term | None) -> str | None:
    seen: set[Term] = set()
    while above is not None and above not in seen:
        if above in ctx.agency_code:
            return ctx.agency_code[above]
        seen.add(above)
        above = parent(ctx, above, set(ctx.minted) | set(ctx.agency_code))
    return ctx.agency


def _unit(ctx: Context, node: Term, above: Term | None) -> Candidate:
    agency = _owner(ctx, node, above)
    uid, how = ctx.key(node, "units", "id")
    cand = start(ctx, node, _cls(ctx, node), "units", {"id": uid},
                 {"id": how})
    if cand.iri is None:
        return cand
    if agency is None:
        cand.need("the agency it is a unit of (org:unitOf an agency of the file, or --agency)",
                  "دستگاهی که این واحد از آن است (org:unitOf یا گزینهٔ --agency)", "R-20.1")
        return cand
    cand.add(RDFTYPE, ORG.OrganizationalUnit)
    cand.add(GC.agency, ctx.iris.agency(agency))
    cand.add(DCTERMS.identifier, _lit(uid))
    add_texts(cand, ctx, SKOS.prefLabel)
    cand.add(ORG.unitOf, ctx.iris.agency(agency))
    ctx.owner[URIRef(str(cand.iri))] = agency
    cand.report.mapped.append(f"a unit of agency {agency}")
    if above is not None and above not in ctx.agency_code and above in ctx.minted:
        cand.add(ORG.subOrganizationOf, ctx.minted[above])
        cand.report.mapped.append(f"org:subOrganizationOf → unit {ctx.minted[above]}")
    for place in ctx.refs(node, DCTERMS.spatial):
        if (province := govcat_concept(place, "province")) is not None:
            cand.add(DCTERMS.spatial, province)
    _source(ctx, cand)
    not_held(ctx, cand, {*LABELS, *IDENTIFIERS, *_PARENT, DCTERMS.spatial})
    return cand


def posts(ctx: Context) -> list[Term]:
    found = set(ctx.graph.subjects(RDFTYPE, ORG.Post)) | set(ctx.graph.subjects(ORG.postIn))
    found |= set(ctx.graph.objects(None, ORG.holds)) | set(ctx.graph.objects(None, ORG.hasPost))
    return sorted((p for p in found if isinstance(p, URIRef)), key=str)


def map_post(ctx: Context, node: Term) -> Candidate:
    pid, how = ctx.key(node, "posts", "id")
    cand = start(ctx, node, ORG.Post, "posts", {"id": pid}, {"id": how})
    if cand.iri is None:
        return cand
    units = [ctx.minted[u] for u in ctx.refs(node, ORG.postIn) + ctx.back(node, ORG.hasPost)
             if u in ctx.minted and u not in ctx.agency_code]
    if not units:
        cand.need("the unit it sits in (org:postIn an organizational unit of the file) (R-4.3)",
                  "واحدی که این پست در آن است (org:postIn یک واحد سازمانی)", "R-4.3")
        return cand
    agency = ctx.owner.get(units[0])
    cand.add(RDFTYPE, ORG.Post)
    if agency:
        cand.add(GC.agency, ctx.iris.agency(agency))
        ctx.owner[URIRef(str(cand.iri))] = agency
    cand.add(DCTERMS.identifier, _lit(pid))
    add_texts(cand, ctx, SKOS.prefLabel)
    cand.add(ORG.postIn, units[0])
    cand.report.mapped.append(f"org:postIn → {units[0]}")
    _source(ctx, cand)
    not_held(ctx, cand, {*LABELS, *IDENTIFIERS, ORG.postIn, ORG.heldBy})
    return cand


def people(ctx: Context) -> list[Term]:
    found = set(ctx.graph.subjects(ORG.holds)) | set(ctx.graph.objects(None, ORG.heldBy))
    return sorted((p for p in found if isinstance(p, URIRef)), key=str)


def map_employee(ctx: Context, node: Term) -> Candidate:
    eid, how = ctx.key(node, "employees", "id")
    cand = start(ctx, node, FOAF.Person, "employees", {"id": eid}, {"id": how})
    cand.report.label = str(eid or node)  # govcat keeps no names of people
    if cand.iri is None:
        return cand
    held = [ctx.minted[p] for p in ctx.refs(node, ORG.holds) + ctx.back(node, ORG.heldBy)
            if p in ctx.minted]
    if not held:
        cand.need("a post it holds (org:holds a post of the file) (R-4.3)",
                  "پستی که او متصدی آن است (org:holds)", "R-4.3")
        return cand
    cand.add(RDFTYPE, GC.Employee)
    agency = ctx.owner.get(held[0])
    if agency:
        cand.add(GC.agency, ctx.iris.agency(agency))
    cand.add(DCTERMS.identifier, _lit(eid))
    for p in held:
        cand.add(ORG.holds, p)
        cand.report.mapped.append(f"org:holds → {p}")
    if ctx.texts(node):
        cand.report.not_held.append("names: govcat keeps no names of people (R-4.3)")
    _source(ctx, cand)
    not_held(ctx, cand, {*LABELS, *IDENTIFIERS, ORG.holds, FOAF.givenName, FOAF.familyName})
    return cand


def _source(ctx: Context, cand: Candidate) -> None:
    if ctx.iris.path_of(str(cand.node)) is None and isinstance(cand.node, URIRef):
        cand.add(DCTERMS.source, source_literal(cand.node))


def _lit(value: str | None) -> Literal:
    return Literal(str(value))
