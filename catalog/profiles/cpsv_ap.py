"""govcat's graph → CPSV-AP 3 public services: one agency's, or the whole country's (R-4, R-6.3,
R-16).

Services → cpsv:PublicService, their agency → cv:PublicOrganisation (competent authority),
the duties they are mapped to → cpsv:Rule (cpsv:follows, R-4.1) implementing ELI legal
resources (R-3.1), the delivery level → a cv:Channel (R-9), a chain's final service
dct:requires the services of its other links (R-6.1). govcat holds no tariffs yet (step 8,
R-13), so no cv:Cost is written. The services are grouped in a CPSV-AP "public service
dataset" (dcat:Dataset, dct:hasPart). Details: docs/adr/0006-application-profiles.md.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, ORG, RDF, SKOS

from catalog.iris import Iris
from catalog.legacy import SCHEMES
from catalog.ontology import codelists_graph
from catalog.profiles.common import (
    Publisher,
    add_text,
    agency_iri,
    describe_agency,
    describe_publisher,
    govcat_concept,
    languages,
    name,
    new_graph,
    owner,
    quoted,
    ref,
    refs,
    subjects,
    texts,
)
from catalog.vocab import ADMS, CPSV, CV, ELI, GC
from catalog.vocab import concept as code_iri


def national_dataset_iri(iris: Iris) -> URIRef:
    return URIRef(iris.base + "public-services")


def agency_dataset_iri(agency: URIRef) -> URIRef:
    return URIRef(f"{agency}/public-services")


def to_cpsv_ap(
    g: Graph, iris: Iris, agency: str | None = None, publisher: Publisher | None = None
) -> Graph:
    """The CPSV-AP 3 description of `agency`'s public services (its code), or of every
    agency's when None. `g` is govcat's own RDF (Registry.export). Raises UnknownAgency when
    `agency` is not in `g`."""
    out = new_graph()
    services = subjects(g, CPSV.PublicService)
    if agency is not None:
        a = agency_iri(g, iris, agency)
        services = [s for s in services if owner(g, s) == a]
        container = agency_dataset_iri(a)
        fa, en = name(g, a, "fa"), name(g, a, "en")
        add_text(out, container, DCTERMS.title, fa and f"خدمات عمومی {fa}",
                 en and f"Public services of {en}")
        add_text(out, container, DCTERMS.description,
                 fa and f"خدمات و استعلام‌های {fa}، با مبنای قانونی (وظایف) و مجاری ارائه "
                        "آن‌ها، ثبت‌شده در گام ۲ چرخه هوشمندسازی خدمات.",
                 en and f"The services and inquiries of {en}, with their legal basis (duties) "
                        "and channels, registered in step 2 of the service intelligentization "
                        "cycle.")
        out.add((container, DCTERMS.publisher, a))
        describe_agency(out, g, a)
    else:
        container = national_dataset_iri(iris)
        add_text(out, container, DCTERMS.title, "فهرست ملی خدمات عمومی دستگاه‌های اجرایی",
                 "National register of the public services of the executive agencies")
        add_text(out, container, DCTERMS.description,
                 "خدمات و استعلام‌های همه دستگاه‌های اجرایی، با مبنای قانونی (وظایف) و مجاری "
                 "ارائه آن‌ها، ثبت‌شده در گام ۲ چرخه هوشمندسازی خدمات.",
                 "The services and inquiries of every executive agency, with their legal basis "
                 "(duties) and channels, registered in step 2 of the service intelligentization "
                 "cycle.")
        out.add((container, DCTERMS.publisher,
                 describe_publisher(out, iris, publisher or Publisher())))
    out.add((container, RDF.type, DCAT.Dataset))
    languages(out, container)
    chosen = set(services)
    for s in services:
        out.add((container, DCTERMS.hasPart, s))
        _service(out, g, s)
    _chains(out, g, chosen)
    return out


def _service(out: Graph, g: Graph, s: URIRef) -> None:
    out.add((s, RDF.type, CPSV.PublicService))
    # CPSV-AP: exactly one identifier. The service ID issued on approval when there
    # is one; before approval, the service's govcat IRI.
    issued = g.value(s, GC.serviceId)
    out.add((s, DCTERMS.identifier, Literal(str(issued) if issued is not None else str(s))))
    _legacy_identifier(out, g, s)
    for lit in texts(g, s, DCTERMS.title):
        out.add((s, DCTERMS.title, lit))
    authorities = refs(g, s, CV.hasCompetentAuthority) or [a for a in [owner(g, s)] if a]
    for a in authorities:
        out.add((s, CV.hasCompetentAuthority, a))
        if (a, RDF.type, CV.PublicOrganisation) in g:
            describe_agency(out, g, a)
    for p in (DCTERMS.type, ADMS.status):
        concept = ref(g, s, p)
        if concept is not None:
            out.add((s, p, concept))
            govcat_concept(out, concept)
    duties = [d for d in refs(g, s, CPSV.follows) if (d, RDF.type, GC.Duty) in g]
    laws: set[URIRef] = set()
    for d in duties:
        out.add((s, CPSV.follows, d))
        laws |= _rule(out, g, d)
    for law in sorted(laws):
        out.add((s, CV.hasLegalResource, law))
    _service_description(out, g, s, authorities, duties)
    _channel(out, g, s, authorities)


def _legacy_identifier(out: Graph, g: Graph, s: URIRef) -> None:
    """The identifier a service holds in an earlier registry (R-4.2, ADR 0015), recorded by
    the admin's legacy import, as an adms:Identifier beside the issued ID (dct:identifier):
    its skos:notation typed by its scheme (ADMS), the scheme's name as adms:schemaAgency."""
    legacy, scheme = g.value(s, GC.legacyId), g.value(s, GC.legacyIdScheme)
    if legacy is None or scheme is None:
        return
    known = SCHEMES.get(str(scheme))
    identifier = URIRef(f"{s}#identifier-{scheme}")
    out.add((s, ADMS.identifier, identifier))
    out.add((identifier, RDF.type, ADMS.Identifier))
    out.add((identifier, SKOS.notation,
             Literal(str(legacy), datatype=URIRef(code_iri("legacy-id-scheme", str(scheme))))))
    add_text(out, identifier, ADMS.schemaAgency, known.registry_fa if known else None,
             known.registry_en if known else str(scheme))


def _service_description(out: Graph, g: Graph, s: URIRef, authorities: list[URIRef],
                         duties: list[URIRef]) -> None:
    kind = ref(g, s, DCTERMS.type)
    text: dict[str, str | None] = {}
    for lang in ("fa", "en"):
        title = name(g, s, lang)
        if title is None:
            text[lang] = None
            continue
        kind_label = _label(kind, lang) if kind is not None else None
        who = [n for a in authorities if (n := name(g, a, lang))]
        bases = [n for d in duties if (n := name(g, d, lang) or name(g, d, "fa"))]
        if lang == "fa":
            line = f"{kind_label or 'خدمت'} «{title}»"
            if who:
                line += f"، ارائه‌شده توسط {'، '.join(who)}"
            if bases:
                line += f"؛ مبتنی بر وظایف {quoted(bases, 'fa')}"
        else:
            line = f"{kind_label or 'Service'} “{title}”"
            if who:
                line += f", delivered by {', '.join(who)}"
            if bases:
                line += f"; based on the duties {quoted(bases, 'en')}"
        text[lang] = line + "."
    add_text(out, s, DCTERMS.description, text["fa"], text["en"])


def _rule(out: Graph, g: Graph, d: URIRef) -> set[URIRef]:
    """A duty as a CPSV-AP rule, with the legal resources it implements (R-3.1)."""
    out.add((d, RDF.type, CPSV.Rule))
    issued = g.value(d, GC.dutyId)  # the duty ID once approved, else its IRI
    out.add((d, DCTERMS.identifier, Literal(str(issued) if issued is not None else str(d))))
    for lit in texts(g, d, DCTERMS.title):
        out.add((d, DCTERMS.title, lit))
    laws = {law for law in refs(g, d, CPSV.implements) if (law, RDF.type, ELI.LegalResource) in g}
    for law in sorted(laws):
        out.add((d, CPSV.implements, law))
        out.add((law, RDF.type, ELI.LegalResource))
        for lit in texts(g, law, DCTERMS.title):
            out.add((law, DCTERMS.title, lit))
    agency = owner(g, d)
    fa, en = name(g, d, "fa"), name(g, d, "en")
    who_fa = name(g, agency, "fa") if agency is not None else None
    who_en = name(g, agency, "en") if agency is not None else None
    law_titles = [t for law in sorted(laws) if (t := name(g, law, "fa"))]
    add_text(
        out, d, DCTERMS.description,
        fa and (f"وظیفه «{fa}»" + (f" {who_fa}" if who_fa else "")
                + (f"، به استناد {quoted(law_titles, 'fa')}" if law_titles else "") + "."),
        en and (f"The duty “{en}”" + (f" of {who_en}" if who_en else "")
                + (f", mandated by {len(laws)} legal resource(s)" if laws else "") + "."),
    )
    return laws


def _channel(out: Graph, g: Graph, s: URIRef, authorities: list[URIRef]) -> None:
    """The way a service is delivered (R-9) as a channel: in person at its delivering units,
    or electronically through the information systems that support it."""
    level = ref(g, s, GC.deliveryLevel)
    if level is None:
        return
    channel = URIRef(f"{s}/channel")
    out.add((s, CV.hasChannel, channel))
    out.add((channel, RDF.type, CV.Channel))
    out.add((channel, DCTERMS.identifier, Literal(str(channel))))
    out.add((channel, DCTERMS.type, level))
    govcat_concept(out, level)
    for a in authorities[:1]:
        out.add((channel, CV.ownedBy, a))
    places: dict[str, list[str]] = {"fa": [], "en": []}
    if str(level).endswith("/in_person"):
        units = set(refs(g, s, GC.deliveringUnit))
        units |= {u for p in refs(g, s, GC.deliveringPost) for u in refs(g, p, ORG.postIn)}
        for lang in ("fa", "en"):
            places[lang] = sorted(n for u in units if (n := name(g, u, lang)))
    else:
        systems = sorted(x for x in g.subjects(GC.supportsService, s) if isinstance(x, URIRef))
        for lang in ("fa", "en"):
            for x in systems:
                n = name(g, x, lang)
                url = g.value(x, DCAT.endpointURL)
                if n:
                    places[lang].append(f"{n} ({url})" if url is not None else n)
    fa_level, en_level = _label(level, "fa"), _label(level, "en")
    add_text(
        out, channel, DCTERMS.description,
        fa_level and (fa_level + (f"، از طریق {'، '.join(places['fa'])}" if places["fa"]
                                  else "")),
        en_level and (en_level + (f", through {'; '.join(places['en'])}" if places["en"]
                                  else "")),
    )


def _chains(out: Graph, g: Graph, services: set[URIRef]) -> None:
    """A chain's final service needs the services of its other links (R-6.1): dct:requires,
    written when both services are in this export."""
    for chain in subjects(g, GC.ServiceChain):
        final = ref(g, chain, GC.finalService)
        if final not in services:
            continue
        assert final is not None
        for link in refs(g, chain, GC.hasLink):
            needed = ref(g, link, GC.linkService)
            if needed is not None and needed != final and needed in services:
                out.add((final, DCTERMS.requires, needed))


def _label(concept: URIRef, lang: str) -> str | None:
    for lit in codelists_graph().objects(concept, SKOS.prefLabel):
        if isinstance(lit, Literal) and lit.language == lang:
            return str(lit)
    return None
