"""What the DCAT-AP and CPSV-AP exports share: reading govcat's graph, describing agencies as
agents, and the code-list concepts (govcat's and the EU's) an export points at.

Every node an export points at is written with its class explicitly and, for concepts, with a
`skos:prefLabel` and `skos:inScheme` (shared/design/VOCABULARIES.md, "Rules for exports that pass
the official shapes"): the profiles' shapes check `sh:class` without inference.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, RDF, RDFS, SKOS

from catalog.iris import Iris
from catalog.ontology import bind_prefixes, codelists_graph
from catalog.vocab import CV, GC

EU = "http://publications.europa.eu/resource/authority/"
DCATAP = Namespace("http://data.europa.eu/r5r/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
PUBLISHER_TYPE = Namespace("http://purl.org/adms/publishertype/")
PUBLISHER_TYPE_SCHEME = URIRef("http://purl.org/adms/publishertype/1.0")

# govcat agency-kind → ADMS publisher type (the vocabulary DCAT-AP 3 names for an agent's
# dct:type). A delegated body has no fitting type and gets none.
PUBLISHER_TYPES: dict[str, str] = {
    "ministry": "NationalAuthority",
    "organization": "NationalAuthority",
    "institution": "NationalAuthority",
    "company": "Company",
    "municipality": "LocalAuthority",
    "provincial_unit": "RegionalAuthority",
}
_PUBLISHER_TYPE_LABELS = {
    "NationalAuthority": ("مرجع ملی", "National authority"),
    "RegionalAuthority": ("مرجع منطقه‌ای", "Regional authority"),
    "LocalAuthority": ("مرجع محلی", "Local authority"),
    "Company": ("شرکت", "Company"),
}

IRAN = URIRef(f"{EU}country/IRN")
PERSIAN = URIRef(f"{EU}language/FAS")
ENGLISH = URIRef(f"{EU}language/ENG")

# EU concepts a profile export may point at: (fa label, en label, scheme, extra classes).
_EU_CONCEPTS: dict[URIRef, tuple[str, str, str, tuple[URIRef, ...]]] = {
    IRAN: ("ایران", "Iran", "country", (DCTERMS.Location,)),
    PERSIAN: ("فارسی", "Persian", "language", (DCTERMS.LinguisticSystem,)),
    ENGLISH: ("انگلیسی", "English", "language", (DCTERMS.LinguisticSystem,)),
}


@dataclass(frozen=True)
class Publisher:
    """The agent that publishes the national catalogs: the regulator (the Administrative and
    Recruitment Organization, "the Organization" of the regulation) unless configured."""

    path: str = "publisher"
    identifier: str = "ARO"
    name_fa: str = "سازمان اداری و استخدامی کشور"
    name_en: str = "Administrative and Recruitment Organization"
    publisher_type: str = "NationalAuthority"


class UnknownAgency(LookupError):
    """The agency asked for is not in the graph being exported."""


def new_graph() -> Graph:
    g = bind_prefixes(Graph())
    g.bind("vcard", VCARD, override=True)
    g.bind("dcatap", DCATAP, override=True)
    g.bind("locn", LOCN, override=True)
    return g


def texts(g: Graph, s: URIRef, p: URIRef) -> list[Literal]:
    """The literals of s p, Persian first (a stable order for messages and tests)."""
    found = [o for o in g.objects(s, p) if isinstance(o, Literal)]
    return sorted(found, key=lambda lit: (lit.language != "fa", lit.language or "", str(lit)))


def text(g: Graph, s: URIRef, p: URIRef, lang: str) -> str | None:
    for lit in texts(g, s, p):
        if lit.language == lang:
            return str(lit)
    return None


def name(g: Graph, s: URIRef, lang: str) -> str | None:
    """The name of a record in one language: its title or its label."""
    return text(g, s, DCTERMS.title, lang) or text(g, s, SKOS.prefLabel, lang)


def subjects(g: Graph, cls: URIRef) -> list[URIRef]:
    return sorted(s for s in g.subjects(RDF.type, cls) if isinstance(s, URIRef))


def refs(g: Graph, s: URIRef, p: URIRef) -> list[URIRef]:
    return sorted(o for o in g.objects(s, p) if isinstance(o, URIRef))


def ref(g: Graph, s: URIRef, p: URIRef) -> URIRef | None:
    found = refs(g, s, p)
    return found[0] if found else None


def owner(g: Graph, s: URIRef) -> URIRef | None:
    return ref(g, s, GC.agency)


def agency_iri(g: Graph, iris: Iris, code: str) -> URIRef:
    iri = iris.agency(code)
    if (iri, RDF.type, CV.PublicOrganisation) not in g:
        raise UnknownAgency(code)
    return iri


def add_text(out: Graph, s: URIRef, p: URIRef, fa: str | None, en: str | None) -> None:
    if fa:
        out.add((s, p, Literal(fa, lang="fa")))
    if en:
        out.add((s, p, Literal(en, lang="en")))


def quoted(values: Iterable[str], lang: str) -> str:
    if lang == "fa":
        return "، ".join(f"«{v}»" for v in values)
    return ", ".join(f"“{v}”" for v in values)


# -- agents -----------------------------------------------------------------------------------

def describe_agency(out: Graph, g: Graph, agency: URIRef) -> None:
    """An agency as DCAT-AP's foaf:Agent (foaf:name) and CPSV-AP's public organisation
    (skos:prefLabel, dct:spatial; foaf:Agent with exactly one dct:identifier and a dct:title),
    its superclasses written out."""
    for cls in (CV.PublicOrganisation, ORG.Organization, FOAF.Agent):
        out.add((agency, RDF.type, cls))
    for lit in texts(g, agency, SKOS.prefLabel):
        for p in (FOAF.name, SKOS.prefLabel, DCTERMS.title):
            out.add((agency, p, lit))
    code = g.value(agency, DCTERMS.identifier)
    if code is not None:
        out.add((agency, DCTERMS.identifier, Literal(str(code))))
    provinces = refs(g, agency, DCTERMS.spatial)
    for place in provinces or [IRAN]:
        out.add((agency, DCTERMS.spatial, place))
        location(out, place)
    kind = ref(g, agency, ORG.classification)
    notation = str(kind).rsplit("/", 1)[-1] if kind is not None else ""
    if notation in PUBLISHER_TYPES:
        publisher_type(out, agency, PUBLISHER_TYPES[notation])
    parent = ref(g, agency, ORG.subOrganizationOf)
    if parent is not None and (parent, RDF.type, CV.PublicOrganisation) in g:
        out.add((agency, ORG.subOrganizationOf, parent))


def describe_publisher(out: Graph, iris: Iris, publisher: Publisher) -> URIRef:
    iri = URIRef(iris.base + publisher.path)
    for cls in (CV.PublicOrganisation, ORG.Organization, FOAF.Agent):
        out.add((iri, RDF.type, cls))
    for p in (FOAF.name, SKOS.prefLabel, DCTERMS.title):
        add_text(out, iri, p, publisher.name_fa, publisher.name_en)
    out.add((iri, DCTERMS.identifier, Literal(publisher.identifier)))
    out.add((iri, DCTERMS.spatial, IRAN))
    location(out, IRAN)
    publisher_type(out, iri, publisher.publisher_type)
    return iri


def publisher_type(out: Graph, agent: URIRef, local: str) -> None:
    concept = PUBLISHER_TYPE[local]
    out.add((agent, DCTERMS.type, concept))
    out.add((concept, RDF.type, SKOS.Concept))
    fa, en = _PUBLISHER_TYPE_LABELS.get(local, (local, local))
    add_text(out, concept, SKOS.prefLabel, fa, en)
    out.add((concept, SKOS.inScheme, PUBLISHER_TYPE_SCHEME))
    out.add((PUBLISHER_TYPE_SCHEME, RDF.type, SKOS.ConceptScheme))
    out.add((PUBLISHER_TYPE_SCHEME, DCTERMS.title, Literal("Publisher type", lang="en")))


def contact_point(out: Graph, g: Graph, agency: URIRef) -> URIRef:
    """A vCard of the agency itself: govcat keeps no e-mail or telephone, so the contact is the
    organisation, reached through its govcat IRI."""
    card = URIRef(f"{agency}/contact")
    out.add((card, RDF.type, VCARD.Organization))
    out.add((card, RDF.type, VCARD.Kind))
    for lit in texts(g, agency, SKOS.prefLabel):
        out.add((card, VCARD.fn, lit))
    out.add((card, VCARD.hasURL, agency))
    return card


# -- concepts ---------------------------------------------------------------------------------

def govcat_concept(out: Graph, concept: URIRef, *extra: URIRef) -> None:
    """A govcat code-list concept with its labels, notation and scheme (ontology/codelists.ttl)."""
    codes = codelists_graph()
    out.add((concept, RDF.type, SKOS.Concept))
    for cls in extra:
        out.add((concept, RDF.type, cls))
    for p in (SKOS.prefLabel, SKOS.notation, SKOS.inScheme):
        for o in codes.objects(concept, p):
            out.add((concept, p, o))
    if (concept, SKOS.prefLabel, None) not in out:  # not in the code lists: name it by its code
        out.add((concept, SKOS.prefLabel, Literal(str(concept).rsplit("/", 1)[-1])))


def eu_concept(out: Graph, concept: URIRef, fa: str, en: str, scheme: str,
               *extra: URIRef) -> None:
    """A concept of an EU authority table, typed and in its scheme so the profiles' controlled
    vocabulary checks can see it without fetching the table."""
    out.add((concept, RDF.type, SKOS.Concept))
    for cls in extra:
        out.add((concept, RDF.type, cls))
    add_text(out, concept, SKOS.prefLabel, fa, en)
    out.add((concept, SKOS.inScheme, URIRef(f"{EU}{scheme}")))


def location(out: Graph, place: URIRef) -> None:
    """dct:Location of an agency: a govcat province, or the country."""
    if place in _EU_CONCEPTS:
        fa, en, scheme, extra = _EU_CONCEPTS[place]
        eu_concept(out, place, fa, en, scheme, *extra)
    else:
        govcat_concept(out, place, DCTERMS.Location)


def languages(out: Graph, s: URIRef) -> None:
    """Persian and English: the languages govcat writes titles in."""
    for lang in (PERSIAN, ENGLISH):
        out.add((s, DCTERMS.language, lang))
        fa, en, scheme, extra = _EU_CONCEPTS[lang]
        eu_concept(out, lang, fa, en, scheme, *extra)


def resource(out: Graph, iri: URIRef) -> URIRef:
    """A web address used as a value whose range the profiles give as rdfs:Resource."""
    out.add((iri, RDF.type, RDFS.Resource))
    return iri
