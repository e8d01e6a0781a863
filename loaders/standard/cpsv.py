"""CPSV-AP 3 → govcat's duties and services (R-3.1, R-4.1, R-4.3, R-9; ADR 0023).

A cpsv:PublicService is a service (govcat's kind `service`) of the agency that is its
m8g:hasCompetentAuthority; a cpsv:Rule it cpsv:follows is a duty of that agency, the ELI legal
resources the rule cpsv:implements its legal basis (by their Persian title, as govcat keys a
law). The delivery level (R-9) is read from its channels (m8g:hasChannel, dct:type), its
delivering units and employees (R-4.3) from its participations (m8g:hasParticipation →
m8g:hasParticipant). Requirements, evidence, outputs, costs, contact points and events are
not held by govcat: they are counted and left aside (ImportReport.left_aside).
"""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node as Term

from catalog.vocab import ADMS, CPSV, CV, ELI, GC, concept
from loaders.standard.common import (
    IDENTIFIERS,
    LABELS,
    Candidate,
    Context,
    add_texts,
    govcat_concept,
    not_held,
    short,
    source_literal,
    start,
)
from loaders.standard.org import RDFTYPE

# A channel's type (its IRI's last words) → govcat's delivery level (R-9).
_IN_PERSON = ("assistant", "in-person", "inperson", "office", "counter", "physical", "face")
_ELECTRONIC = ("website", "web", "online", "e-service", "eservice", "email", "e-mail",
               "mobile", "app", "portal", "digital", "electronic", "telephone", "phone")


def rules(ctx: Context) -> list[Term]:
    found = set(ctx.graph.subjects(RDFTYPE, CPSV.Rule)) | set(ctx.graph.objects(None,
                                                                                CPSV.follows))
    return sorted((r for r in found if isinstance(r, URIRef)), key=str)


def services(ctx: Context) -> list[Term]:
    return sorted((s for s in ctx.graph.subjects(RDFTYPE, CPSV.PublicService)
                   if isinstance(s, URIRef)), key=str)


def authority(ctx: Context, service: Term) -> tuple[str | None, str]:
    """The agency code of a service's competent authority, and how it was found."""
    own = ctx.govcat_keys(service, "services")
    if own is not None:
        return own["agency_code"], "govcat's own IRI"
    for a in ctx.refs(service, CV.hasCompetentAuthority):
        if a in ctx.agency_code:
            return ctx.agency_code[a], f"m8g:hasCompetentAuthority {a}"
        code = ctx.iris.agency_code(str(a))
        if code is not None:
            return code, f"m8g:hasCompetentAuthority {a}"
    if ctx.agency:
        named = ", ".join(map(str, ctx.refs(service, CV.hasCompetentAuthority))) or "none named"
        return ctx.agency, f"--agency (its competent authority: {named})"
    return None, ""


def map_rule(ctx: Context, node: Term) -> Candidate:
    owners = [authority(ctx, s)[0] for s in ctx.back(node, CPSV.follows)]
    own = ctx.govcat_keys(node, "duties")
    agency = own["agency_code"] if own else next((a for a in owners if a), ctx.agency)
    ref, how = ctx.key(node, "duties", "ref")
    cand = start(ctx, node, CPSV.Rule, "duties", {"agency_code": agency, "ref": ref},
                 {"ref": how})
    if cand.iri is None:
        return cand
    cand.add(RDFTYPE, GC.Duty)
    cand.add(GC.agency, ctx.iris.agency(str(agency)))
    cand.add(GC.ref, Literal(str(ref)))
    add_texts(cand, ctx, DCTERMS.title, (DCTERMS.title, *LABELS))
    for law in ctx.refs(node, CPSV.implements):
        _law(ctx, cand, law)
    if ctx.stored(cand.iri) is None:
        cand.add(ADMS.status, URIRef(concept("status", "draft")))
    _source(ctx, cand)
    not_held(ctx, cand, {*LABELS, *IDENTIFIERS, CPSV.implements})
    return cand


def _law(ctx: Context, cand: Candidate, law: Term) -> None:
    """A legal resource as govcat keys a law: by its Persian title (catalog.iris.law)."""
    fa = ctx.texts(law, (DCTERMS.title, *LABELS)).get("fa")
    if fa is None:
        cand.need(f"a Persian title of its legal resource {law} (govcat keys a law by it) "
                  "(R-3.1)",
                  f"عنوان فارسی سند قانونی {law} (govcat قانون را با آن می‌شناسد)", "R-3.1")
        return
    iri = ctx.iris.law(fa)
    cand.add(CPSV.implements, iri)
    cand.extra[iri] = [(iri, RDFTYPE, ELI.LegalResource), (iri, DCTERMS.title,
                                                           Literal(fa, lang="fa"))]
    cand.report.mapped.append(f"cpsv:implements → legal resource «{fa}» ({iri})")


def map_service(ctx: Context, node: Term) -> Candidate:
    agency, found_by = authority(ctx, node)
    ref, how = ctx.key(node, "services", "ref")
    cand = start(ctx, node, CPSV.PublicService, "services",
                 {"agency_code": agency, "ref": ref}, {"agency_code": found_by, "ref": how})
    if cand.iri is None:
        return cand
    new = ctx.stored(cand.iri) is None
    a = ctx.iris.agency(str(agency))
    cand.add(RDFTYPE, CPSV.PublicService)
    cand.add(GC.agency, a)
    cand.add(GC.ref, Literal(str(ref)))
    add_texts(cand, ctx, DCTERMS.title, (DCTERMS.title, *LABELS))
    cand.add(CV.hasCompetentAuthority, a)
    kinds = [k for t in ctx.refs(node, DCTERMS.type) if (k := govcat_concept(t, "service-kind"))]
    if kinds:
        cand.add(DCTERMS.type, kinds[0])
    elif new:
        cand.add(DCTERMS.type, URIRef(concept("service-kind", "service")))
        cand.report.mapped.append("cpsv:PublicService → kind «service» (خدمت)")
    _follows(ctx, cand)
    _channel(ctx, cand)
    _participants(ctx, cand)
    status = [g for s in ctx.refs(node, ADMS.status) if (g := govcat_concept(s, "status"))]
    if status:
        cand.add(ADMS.status, status[0])
    elif new:
        cand.add(ADMS.status, URIRef(concept("status", "draft")))
    _source(ctx, cand)
    not_held(ctx, cand, {*LABELS, *IDENTIFIERS, CV.hasCompetentAuthority, DCTERMS.type,
                         CPSV.follows, CV.hasChannel, CV.hasParticipation, ADMS.status,
                         CV.hasLegalResource, DCTERMS.description})
    if ctx.texts(node, (DCTERMS.description,)):
        cand.report.not_held.append("dct:description: govcat keeps no description of a "
                                    "service (its profile export composes one)")
    return cand


def _follows(ctx: Context, cand: Candidate) -> None:
    duties = []
    for rule in ctx.refs(cand.node, CPSV.follows):
        if rule in ctx.minted:
            duties.append(ctx.minted[rule])
        elif isinstance(rule, URIRef) and ctx.iris.path_of(str(rule)) is not None:
            duties.append(rule)
    for d in duties:
        cand.add(CPSV.follows, d)
        cand.report.mapped.append(f"cpsv:follows → duty {d}")
    laws = ctx.refs(cand.node, CV.hasLegalResource)
    if not duties and laws:
        cand.report.not_held.append(
            "m8g:hasLegalResource " + ", ".join(map(str, laws)) + ": govcat maps a service "
            "to duties (cpsv:follows), each with its legal basis (R-4.1); register the duty "
            "that implements them")


def _channel(ctx: Context, cand: Candidate) -> None:
    for channel in ctx.refs(cand.node, CV.hasChannel):
        for t in ctx.refs(channel, DCTERMS.type):
            level = govcat_concept(t, "delivery-level") or _level(str(t))
            if level is not None:
                cand.add(GC.deliveryLevel, level)
                cand.report.mapped.append(f"m8g:hasChannel ({short(t)}) → delivery level "
                                          f"{short(level)} (R-9)")
                return


def _level(type_iri: str) -> URIRef | None:
    words = type_iri.lower().rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    if any(w in words for w in _IN_PERSON):
        return URIRef(concept("delivery-level", "in_person"))
    if any(w in words for w in _ELECTRONIC):
        return URIRef(concept("delivery-level", "electronic"))
    return None


def _participants(ctx: Context, cand: Candidate) -> None:
    for part in ctx.refs(cand.node, CV.hasParticipation):
        for who in ctx.refs(part, CV.hasParticipant):
            # a unit, post or employee of the file, or one govcat holds named by its IRI
            # (a supplement's participation, ADR 0023); the rules judge that it exists (R-4.3)
            iri = ctx.minted.get(who) or (who if isinstance(who, URIRef) and ctx.iris.path_of(
                str(who)) is not None else None)
            if iri is None:
                continue
            path = ctx.iris.path_of(str(iri)) or ""
            p = {"unit": GC.deliveringUnit, "post": GC.deliveringPost,
                 "employee": GC.deliveringEmployee}.get(path.split("/", 1)[0])
            if p is not None:
                cand.add(p, iri)
                cand.report.mapped.append(f"m8g:hasParticipation → {short(p)} {iri} (R-4.3)")


def _source(ctx: Context, cand: Candidate) -> None:
    if ctx.iris.path_of(str(cand.node)) is None and isinstance(cand.node, URIRef):
        cand.add(DCTERMS.source, source_literal(cand.node))
