"""DCAT-AP 3 → govcat's information systems and datasets (R-10.1; ADR 0023).

A dcat:DataService is an information system of the agency that is its dct:publisher, its
dcat:endpointURL its address; a dcat:Dataset a dataset of its publisher, held in the data
service that dcat:servesDataset it (or that one of its distributions names as
dcat:accessService). Access rights and update frequency are read from the EU authority
tables (the inverse of the DCAT-AP export, ADR 0006: NON_PUBLIC is `confidential`, unless govcat
already holds `secret`). Catalogs are containers and distributions are read for their access
service; both are left aside as records.
"""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, XSD
from rdflib.term import Node as Term

from catalog.model import codes
from catalog.vocab import GC, concept
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

EU = "http://publications.europa.eu/resource/authority/"
_ACCESS = {"PUBLIC": ("public",), "RESTRICTED": ("internal",),
           "NON_PUBLIC": ("confidential", "secret")}


def data_services(ctx: Context) -> list[Term]:
    return sorted((s for s in ctx.graph.subjects(RDFTYPE, DCAT.DataService)
                   if isinstance(s, URIRef)), key=str)


def datasets(ctx: Context) -> list[Term]:
    """Datasets, without CPSV-AP's containers of services (dct:hasPart)."""
    return sorted((s for s in ctx.graph.subjects(RDFTYPE, DCAT.Dataset)
                   if isinstance(s, URIRef) and not ctx.refs(s, DCTERMS.hasPart)), key=str)


def publisher(ctx: Context, node: Term, sheet: str) -> tuple[str | None, str]:
    own = ctx.govcat_keys(node, sheet)
    if own is not None:
        return own["agency_code"], "govcat's own IRI"
    for a in ctx.refs(node, DCTERMS.publisher):
        if a in ctx.agency_code:
            return ctx.agency_code[a], f"dct:publisher {a}"
        code = ctx.iris.agency_code(str(a))
        if code is not None:
            return code, f"dct:publisher {a}"
    if ctx.agency:
        return ctx.agency, "--agency"
    return None, ""


def _published(ctx: Context, cand: Candidate, cls: URIRef, agency: str, ref: str) -> None:
    """What a data service and a dataset hold alike: class, owner and publisher (R-20.1),
    ref, titles."""
    a = ctx.iris.agency(agency)
    cand.add(RDFTYPE, cls)
    cand.add(GC.agency, a)
    cand.add(GC.ref, Literal(ref))
    add_texts(cand, ctx, DCTERMS.title, (DCTERMS.title, *LABELS))
    cand.add(DCTERMS.publisher, a)


def map_data_service(ctx: Context, node: Term) -> Candidate:
    agency, found_by = publisher(ctx, node, "information_systems")
    ref, how = ctx.key(node, "information_systems", "ref")
    cand = start(ctx, node, DCAT.DataService, "information_systems",
                 {"agency_code": agency, "ref": ref}, {"agency_code": found_by, "ref": how})
    if cand.iri is None:
        return cand
    _published(ctx, cand, GC.InformationSystem, str(agency), str(ref))
    for url in ctx.refs(node, DCAT.endpointURL):
        # A system without an address is exported with its own IRI standing in (ADR 0006).
        if str(url).startswith(("http://", "https://")) and url != node:
            cand.add(DCAT.endpointURL, Literal(str(url), datatype=XSD.anyURI))
            cand.report.mapped.append(f"dcat:endpointURL {url}")
            break
    _source(ctx, cand)
    not_held(ctx, cand, {*LABELS, *IDENTIFIERS, DCTERMS.publisher, DCAT.endpointURL,
                         DCAT.servesDataset, DCTERMS.description, DCAT.contactPoint})
    return cand


def map_dataset(ctx: Context, node: Term) -> Candidate:
    agency, found_by = publisher(ctx, node, "datasets")
    ref, how = ctx.key(node, "datasets", "ref")
    cand = start(ctx, node, DCAT.Dataset, "datasets", {"agency_code": agency, "ref": ref},
                 {"agency_code": found_by, "ref": how})
    if cand.iri is None:
        return cand
    _published(ctx, cand, DCAT.Dataset, str(agency), str(ref))
    systems = ctx.back(node, DCAT.servesDataset) + [
        s for d in ctx.refs(node, DCAT.distribution) for s in ctx.refs(d, DCAT.accessService)]
    held = next((ctx.minted[s] for s in systems if s in ctx.minted), None)
    if held is None:
        held = next((URIRef(str(s)) for s in systems
                     if ctx.govcat_keys(s, "information_systems") is not None), None)
    if held is not None:
        cand.add(GC.heldIn, held)
        cand.report.mapped.append(f"held in information system {held}")
    _access(ctx, cand)
    _frequency(ctx, cand)
    for lit in ctx.graph.objects(node, GC.personalData):
        if isinstance(lit, Literal):
            cand.add(GC.personalData, Literal(bool(lit.toPython())))
    _source(ctx, cand)
    not_held(ctx, cand, {*LABELS, *IDENTIFIERS, DCTERMS.publisher, DCAT.distribution,
                         DCTERMS.accessRights, DCTERMS.accrualPeriodicity, GC.personalData,
                         DCTERMS.description, DCAT.contactPoint})
    return cand


def _access(ctx: Context, cand: Candidate) -> None:
    for right in ctx.refs(cand.node, DCTERMS.accessRights):
        if (own := govcat_concept(right, "classification")) is not None:
            cand.add(DCTERMS.accessRights, own)
            return
        code = str(right).rsplit("/", 1)[-1]
        if not str(right).startswith(EU + "access-right/") or code not in _ACCESS:
            continue
        allowed = _ACCESS[code]
        stored = _stored_code(ctx, cand, "accessRights")
        level = stored if stored in allowed else allowed[0]
        cand.add(DCTERMS.accessRights, URIRef(concept("classification", level)))
        cand.report.mapped.append(f"dct:accessRights {short(right)} → classification {level}")
        return


def _frequency(ctx: Context, cand: Candidate) -> None:
    for freq in ctx.refs(cand.node, DCTERMS.accrualPeriodicity):
        own = govcat_concept(freq, "frequency")
        notation = (str(own).rsplit("/", 1)[-1] if own is not None
                    else codes("frequency").get(str(freq).rsplit("/", 1)[-1].lower()))
        if notation:
            cand.add(DCTERMS.accrualPeriodicity, URIRef(concept("frequency", notation)))
            cand.report.mapped.append(f"dct:accrualPeriodicity {short(freq)} → {notation}")
            return


def _stored_code(ctx: Context, cand: Candidate, rel: str) -> str | None:
    node = ctx.stored(URIRef(str(cand.iri)))
    found = node.rels.get(rel, ()) if node is not None else ()
    return found[0].rsplit("/", 1)[-1] if found else None


def _source(ctx: Context, cand: Candidate) -> None:
    if ctx.iris.path_of(str(cand.node)) is None and isinstance(cand.node, URIRef):
        cand.add(DCTERMS.source, source_literal(cand.node))
