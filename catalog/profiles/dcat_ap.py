"""govcat's graph → a DCAT-AP 3 catalog: one per agency, or the national one (R-10.1, R-16).

What maps to what, and what is derived, is in docs/adr/0006-application-profiles.md:
datasets → dcat:Dataset, information systems → dcat:DataService, agencies → foaf:Agent, each
dataset one dcat:Distribution through the system that holds it, data flows → qualified
relations of the dataset they carry. The result uses DCAT-AP terms only (plus govcat's
`gc:personalData`, which has no DCAT-AP equivalent).
"""

from __future__ import annotations

import logging

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SKOS

from catalog.iri_check import shown, web_address_problem
from catalog.iris import Iris
from catalog.ontology import codelists_graph
from catalog.profiles.common import (
    EU,
    Publisher,
    add_text,
    agency_iri,
    contact_point,
    describe_agency,
    describe_publisher,
    eu_concept,
    languages,
    name,
    new_graph,
    owner,
    ref,
    resource,
    subjects,
)
from catalog.vocab import GC

log = logging.getLogger("govcat.export")

THEME_SCHEME = URIRef(f"{EU}data-theme")
# Every govcat dataset is an executive agency's administrative data.
GOVERNMENT_THEME = URIRef(f"{EU}data-theme/GOVE")

# govcat classification → the EU access-right table (DCAT-AP 3: dct:accessRights, at most one).
ACCESS_RIGHTS: dict[str, str] = {
    "public": "PUBLIC",
    "internal": "RESTRICTED",
    "confidential": "NON_PUBLIC",
    "secret": "NON_PUBLIC",
}
_ACCESS_LABELS = {
    "PUBLIC": ("عمومی", "public"),
    "RESTRICTED": ("محدود", "restricted"),
    "NON_PUBLIC": ("غیرعمومی", "non-public"),
}

# Roles of a system in a data flow (dcat:hadRole of a dcat:Relationship): govcat's own.
FLOW_ROLE_SCHEME = "https://w3id.org/govcat/code/data-flow-role"
FLOW_ROLES = {
    "source": ("سامانه مبدأ جریان داده", "source system of a data flow"),
    "target": ("سامانه مقصد جریان داده", "target system of a data flow"),
}


def national_catalog_iri(iris: Iris) -> URIRef:
    return URIRef(iris.base + "catalog")


def agency_catalog_iri(agency: URIRef) -> URIRef:
    return URIRef(f"{agency}/catalog")


def to_dcat_ap(
    g: Graph, iris: Iris, agency: str | None = None, publisher: Publisher | None = None
) -> Graph:
    """The DCAT-AP 3 catalog of `agency` (its code), or the national catalog when None.

    `g` is govcat's own RDF (Registry.export); a per-agency catalog holds the datasets and
    systems that agency owns, whatever else `g` holds. Raises UnknownAgency when `agency` is
    not in `g`."""
    out = new_graph()
    datasets = subjects(g, DCAT.Dataset)
    systems = subjects(g, GC.InformationSystem)
    if agency is not None:
        a = agency_iri(g, iris, agency)
        datasets = [d for d in datasets if owner(g, d) == a]
        systems = [s for s in systems if owner(g, s) == a]
        _catalog(out, g, agency_catalog_iri(a), a, datasets, systems)
    else:
        top = national_catalog_iri(iris)
        pub = describe_publisher(out, iris, publisher or Publisher())
        out.add((top, RDF.type, DCAT.Catalog))
        add_text(out, top, DCTERMS.title, "فهرست ملی داده‌های دستگاه‌های اجرایی",
                 "National data catalog of the executive agencies")
        add_text(out, top, DCTERMS.description,
                 "مجموعه‌داده‌ها و سامانه‌های اطلاعاتی همه دستگاه‌های اجرایی، چنان‌که در "
                 "گام ۵ چرخه هوشمندسازی خدمات ثبت شده‌اند.",
                 "The datasets and information systems of every executive agency, as "
                 "registered in step 5 of the service intelligentization cycle.")
        out.add((top, DCTERMS.publisher, pub))
        _catalog_common(out, top)
        for d in datasets:
            out.add((top, DCAT.dataset, d))
        for s in systems:
            out.add((top, DCAT.service, s))
        owners = sorted({o for x in datasets + systems if (o := owner(g, x)) is not None})
        for a in owners:
            sub = agency_catalog_iri(a)
            out.add((top, DCAT.catalog, sub))
            _catalog(out, g, sub, a, [d for d in datasets if owner(g, d) == a],
                     [s for s in systems if owner(g, s) == a])
    for d in datasets:
        _dataset(out, g, d)
    for s in systems:
        _data_service(out, g, s)
    _flows(out, g, set(datasets))
    return out


def _catalog(out: Graph, g: Graph, cat: URIRef, agency: URIRef, datasets: list[URIRef],
             systems: list[URIRef]) -> None:
    out.add((cat, RDF.type, DCAT.Catalog))
    fa, en = name(g, agency, "fa"), name(g, agency, "en")
    add_text(out, cat, DCTERMS.title, fa and f"فهرست داده‌های {fa}",
             en and f"Data catalog of {en}")
    add_text(out, cat, DCTERMS.description,
             fa and f"مجموعه‌داده‌ها و سامانه‌های اطلاعاتی {fa}، ثبت‌شده در گام ۵ چرخه "
                    "هوشمندسازی خدمات.",
             en and f"The datasets and information systems of {en}, registered in step 5 of "
                    "the service intelligentization cycle.")
    out.add((cat, DCTERMS.publisher, agency))
    describe_agency(out, g, agency)
    _catalog_common(out, cat)
    for d in datasets:
        out.add((cat, DCAT.dataset, d))
    for s in systems:
        out.add((cat, DCAT.service, s))


def _catalog_common(out: Graph, cat: URIRef) -> None:
    languages(out, cat)
    out.add((cat, DCAT.themeTaxonomy, THEME_SCHEME))
    out.add((THEME_SCHEME, RDF.type, SKOS.ConceptScheme))
    add_text(out, THEME_SCHEME, DCTERMS.title, "موضوع داده", "Data theme")


def _dataset(out: Graph, g: Graph, d: URIRef) -> None:
    out.add((d, RDF.type, DCAT.Dataset))
    for lit in g.objects(d, DCTERMS.title):
        out.add((d, DCTERMS.title, lit))
    out.add((d, DCTERMS.identifier, Literal(str(d))))
    agency = ref(g, d, DCTERMS.publisher) or owner(g, d)
    system = ref(g, d, GC.heldIn)
    _dataset_description(out, g, d, agency, system)
    if agency is not None:
        out.add((d, DCTERMS.publisher, agency))
        describe_agency(out, g, agency)
        out.add((d, DCAT.contactPoint, contact_point(out, g, agency)))
    out.add((d, DCAT.theme, GOVERNMENT_THEME))
    eu_concept(out, GOVERNMENT_THEME, "دولت و بخش عمومی", "Government and public sector",
               "data-theme")
    _access_rights(out, g, d)
    _frequency(out, g, d)
    for lit in g.objects(d, GC.personalData):
        out.add((d, GC.personalData, lit))
    _distribution(out, g, d, system)


def _dataset_description(out: Graph, g: Graph, d: URIRef, agency: URIRef | None,
                         system: URIRef | None) -> None:
    parts: dict[str, list[str]] = {"fa": [], "en": []}
    for lang in ("fa", "en"):
        title = name(g, d, lang) or name(g, d, "fa")
        who = name(g, agency, lang) if agency is not None else None
        held = name(g, system, lang) if system is not None else None
        if title is None:
            continue
        if lang == "fa":
            parts[lang].append(f"مجموعه‌داده «{title}»" + (f" از {who}" if who else ""))
            if held:
                parts[lang].append(f"نگهداری‌شده در «{held}»")
        else:
            parts[lang].append(f"The dataset “{title}”" + (f" of {who}" if who else ""))
            if held:
                parts[lang].append(f"held in the information system “{held}”")
    add_text(out, d, DCTERMS.description,
             "، ".join(parts["fa"]) + "." if parts["fa"] else None,
             ", ".join(parts["en"]) + "." if parts["en"] and name(g, d, "en") else None)


def _access_rights(out: Graph, g: Graph, d: URIRef) -> None:
    level = ref(g, d, DCTERMS.accessRights)
    code = ACCESS_RIGHTS.get(str(level).rsplit("/", 1)[-1]) if level is not None else None
    if code is None:
        return
    rights = URIRef(f"{EU}access-right/{code}")
    out.add((d, DCTERMS.accessRights, rights))
    eu_concept(out, rights, *_ACCESS_LABELS[code], "access-right", DCTERMS.RightsStatement)


def _frequency(out: Graph, g: Graph, d: URIRef) -> None:
    freq = ref(g, d, DCTERMS.accrualPeriodicity)
    if freq is None:
        return
    codes = codelists_graph()
    eu = next((m for m in codes.objects(freq, SKOS.exactMatch)
               if isinstance(m, URIRef) and str(m).startswith(f"{EU}frequency/")), None)
    if eu is None:
        return
    out.add((d, DCTERMS.accrualPeriodicity, eu))
    labels = {lit.language: str(lit) for lit in codes.objects(freq, SKOS.prefLabel)
              if isinstance(lit, Literal)}
    eu_concept(out, eu, labels.get("fa", ""), labels.get("en", str(eu).rsplit("/", 1)[-1]),
               "frequency", DCTERMS.Frequency)


def _distribution(out: Graph, g: Graph, d: URIRef, system: URIRef | None) -> None:
    """One distribution: access through the system that holds the dataset, at the system's
    address; without one, at the dataset's govcat IRI (which dereferences to its metadata)."""
    dist = URIRef(f"{d}/distribution")
    out.add((d, DCAT.distribution, dist))
    out.add((dist, RDF.type, DCAT.Distribution))
    url = _endpoint(g, system) if system is not None else None
    out.add((dist, DCAT.accessURL, resource(out, url or d)))
    if system is not None and (system, RDF.type, GC.InformationSystem) in g:
        out.add((dist, DCAT.accessService, system))
        add_text(out, dist, DCTERMS.title,
                 (held := name(g, system, "fa")) and f"دسترسی از طریق «{held}»",
                 (held_en := name(g, system, "en")) and
                 f"Access through the information system “{held_en}”")


def _endpoint(g: Graph, system: URIRef) -> URIRef | None:
    """The system's address, when it is a web address (ADR 0025): a stored value that is not
    one is left out of the catalog, logged, and the system's govcat IRI stands in."""
    url = g.value(system, DCAT.endpointURL)
    if url is None:
        return None
    why = web_address_problem(str(url))
    if why is not None:
        log.warning("DCAT-AP: the address of %s is left out: %s: %s", system, shown(url),
                    why[0])
        return None
    return URIRef(str(url))


def _data_service(out: Graph, g: Graph, s: URIRef) -> None:
    out.add((s, RDF.type, DCAT.DataService))
    for lit in g.objects(s, DCTERMS.title):
        out.add((s, DCTERMS.title, lit))
    out.add((s, DCTERMS.identifier, Literal(str(s))))
    # DCAT 3 wants a resource; govcat keeps the address as a literal and may have none, in
    # which case the system's govcat IRI stands in.
    out.add((s, DCAT.endpointURL, resource(out, _endpoint(g, s) or s)))
    agency = ref(g, s, DCTERMS.publisher) or owner(g, s)
    if agency is not None:
        out.add((s, DCTERMS.publisher, agency))
        describe_agency(out, g, agency)
        out.add((s, DCAT.contactPoint, contact_point(out, g, agency)))
    served = [d for d in g.subjects(GC.heldIn, s) if isinstance(d, URIRef)
              and (d, RDF.type, DCAT.Dataset) in g]
    for d in sorted(served):
        out.add((s, DCAT.servesDataset, d))
    fa, en = name(g, s, "fa"), name(g, s, "en")
    who_fa = name(g, agency, "fa") if agency is not None else None
    who_en = name(g, agency, "en") if agency is not None else None
    add_text(out, s, DCTERMS.description,
             fa and f"سامانه اطلاعاتی «{fa}»" + (f" از {who_fa}" if who_fa else "") + ".",
             en and f"The information system “{en}”" + (f" of {who_en}" if who_en else "") + ".")


def _flows(out: Graph, g: Graph, datasets: set[URIRef]) -> None:
    """A data flow moves a dataset from one system to another (R-10.1): on the dataset, one
    qualified relation to each system, with the system's role in the flow."""
    for flow in subjects(g, GC.DataFlow):
        carried = ref(g, flow, GC.carriesDataset)
        if carried not in datasets:
            continue
        assert carried is not None
        for role, p in (("source", GC.fromSystem), ("target", GC.toSystem)):
            system = ref(g, flow, p)
            if system is None:
                continue
            rel = URIRef(f"{flow}/{role}")
            out.add((carried, DCAT.qualifiedRelation, rel))
            out.add((rel, RDF.type, DCAT.Relationship))
            out.add((rel, DCTERMS.relation, resource(out, system)))
            role_iri = URIRef(f"{FLOW_ROLE_SCHEME}/{role}")
            out.add((rel, DCAT.hadRole, role_iri))
            out.add((role_iri, RDF.type, DCAT.Role))
            out.add((role_iri, RDF.type, SKOS.Concept))
            add_text(out, role_iri, SKOS.prefLabel, *FLOW_ROLES[role])
            out.add((role_iri, SKOS.inScheme, URIRef(FLOW_ROLE_SCHEME)))
            for lit in g.objects(flow, DCTERMS.description):
                out.add((rel, DCTERMS.description, lit))
