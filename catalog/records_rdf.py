"""Records (catalog.model) to RDF, with the spreadsheet column behind every triple.

This is the one place that knows which ontology term each spreadsheet column becomes
(docs/model.md). Ownership (gc:agency) is written on every record for tenancy (R-20.1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, ORG, RDF, SKOS, XSD

from catalog import model as m
from catalog.changeset import ChangeSet, Origin
from catalog.iris import Iris
from catalog.kind import Kind, Mapper
from catalog.ontology import Term, mapping
from catalog.sheets import Column
from catalog.text import script_language
from catalog.vocab import ADMS, CPSV, CV, ELI, GC, concept

AgencyLookup = Callable[[URIRef], URIRef | None]
# The IRI a reference cell names: (the sheet it points to, the cell, the row's agency).
TargetLookup = Callable[[str, str, str | None], URIRef]
# A stored chain's links and the service each delivers (a link named by its service, R-6.1).
LinksLookup = Callable[[URIRef], dict[URIRef, URIRef]]


@dataclass
class Builder:
    iris: Iris
    lookup: AgencyLookup
    target: TargetLookup
    cs: ChangeSet = field(default_factory=ChangeSet)
    owner: dict[URIRef, URIRef] = field(default_factory=dict)
    # The submission's chain links, by chain: link → service.
    links: dict[URIRef, dict[URIRef, URIRef]] = field(default_factory=dict)
    # Links that wait for a service: (link, chain, service), resolved once all are read.
    waits: list[tuple[URIRef, URIRef, URIRef]] = field(default_factory=list)

    def subject(self, iri: URIRef, cls: URIRef, origin: Origin, agency: URIRef | None) -> URIRef:
        if iri in self.cs.subjects:
            self.cs.duplicates.append((iri, self.cs.subjects[iri], origin))
        self.cs.subjects[iri] = origin
        self.cs.graph.add((iri, RDF.type, cls))
        self.add(iri, GC.agency, agency, "agency_code")
        if agency is not None:
            self.owner[iri] = agency
        return iri

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal | None, column: str) -> None:
        # The column is recorded even for an empty cell: a missing value is reported there.
        self.cs.columns.setdefault((s, p), column)
        if o is not None:
            self.cs.graph.add((s, p, o))

    def refs(self, s: URIRef, p: URIRef, targets: Iterable[URIRef], column: str) -> None:
        self.cs.columns.setdefault((s, p), column)
        for target in targets:
            self.add(s, p, target, column)

    def text(self, s: URIRef, p: URIRef, fa: str | None, en: str | None, column: str) -> None:
        if fa:
            self.add(s, p, Literal(fa, lang="fa"), column)
        if en:
            self.add(s, p, Literal(en, lang="en"), column.replace("_fa", "_en"))

    def alt_names(self, s: URIRef, names: Iterable[str]) -> None:
        """The alt_names column: skos:altLabel, tagged by the script of each name (Persian
        letters fa, Latin en, else untagged; ADR 0024)."""
        for name in names:
            self.add(s, SKOS.altLabel, Literal(name, lang=script_language(name)), "alt_names")

    def code(self, s: URIRef, p: URIRef, scheme: str, value: str | None, column: str) -> None:
        if value:
            self.add(s, p, URIRef(concept(scheme, value)), column)

    def agency_of(self, iri: URIRef) -> URIRef | None:
        return self.owner.get(iri) or self.lookup(iri)


def from_columns(kind: Kind) -> Mapper:
    """The mapper of a kind whose columns name their properties (`Column.term`): a text cell
    becomes a literal (tagged fa, or en for a `*_en` column, when the term is language-tagged),
    an enum cell its code-list concept, a reference cell the IRI of the record it names; the
    subject is minted by the kind's IRI pattern and owned by its owner column (ADR 0022)."""
    columns = [c for c in kind.sheet.columns if c.term]

    def to_rdf(b: Builder, record: m.Record, origin: Origin) -> None:
        values = record.model_dump()
        owner = values.get(kind.owner)
        keys = {k: str(v) for k, v in values.items() if isinstance(v, str | int)}
        agency = b.iris.agency(owner) if owner else None
        s = b.subject(b.iris.pattern(kind.iri, keys), kind.cls, origin, agency)
        terms = mapping().terms
        for col in columns:
            term = terms[str(col.term)]
            cells = values.get(col.key)
            items = cells if isinstance(cells, tuple | list) else [cells]
            b.add(s, term.iri, None, col.key)  # an empty cell is reported at its column
            for value in (v for v in items if v is not None):
                b.add(s, term.iri, _object(b, col, term, value, owner), col.key)

    return to_rdf


def _object(b: Builder, col: Column, term: Term, value: object,
            owner: str | None) -> URIRef | Literal:
    if col.target is not None:
        return b.target(col.target, str(value), owner)
    if col.scheme is not None:
        return URIRef(concept(col.scheme, str(value)))
    if term.is_lang and col.key == "alt_names":  # tagged by its script (ADR 0024)
        return Literal(str(value), lang=script_language(str(value)))
    if term.is_lang:
        return Literal(str(value), lang="en" if col.key.endswith("_en") else "fa")
    return Literal(value, datatype=term.datatype)


def agency(b: Builder, r: m.Agency, o: Origin) -> None:
    s = b.subject(b.iris.agency(r.code), CV.PublicOrganisation, o, None)
    b.add(s, DCTERMS.identifier, Literal(r.code), "code")
    b.text(s, SKOS.prefLabel, r.name_fa, r.name_en, "name_fa")
    b.alt_names(s, r.alt_names)
    b.code(s, ORG.classification, "agency-kind", r.kind, "kind")
    b.code(s, DCTERMS.spatial, "province", r.province, "province")
    if r.parent_code:
        b.add(s, ORG.subOrganizationOf, b.iris.agency(r.parent_code), "parent_code")
    b.refs(s, GC.delegatesTo, map(b.iris.agency, r.delegates_to), "delegates_to")


def unit(b: Builder, r: m.Unit, o: Origin) -> None:
    agency = b.iris.agency(r.agency_code)
    s = b.subject(b.iris.unit(r.id), ORG.OrganizationalUnit, o, agency)
    b.add(s, DCTERMS.identifier, Literal(r.id), "id")
    b.text(s, SKOS.prefLabel, r.name_fa, r.name_en, "name_fa")
    b.add(s, ORG.unitOf, agency, "agency_code")
    b.code(s, DCTERMS.spatial, "province", r.province, "province")
    if r.parent_id:
        b.add(s, ORG.subOrganizationOf, b.iris.unit(r.parent_id), "parent_id")


def post(b: Builder, r: m.Post, o: Origin) -> None:
    unit = b.iris.unit(r.unit_id)
    agency = b.iris.agency(r.agency_code) if r.agency_code else b.agency_of(unit)
    s = b.subject(b.iris.post(r.id), ORG.Post, o, agency)
    b.add(s, DCTERMS.identifier, Literal(r.id), "id")
    b.text(s, SKOS.prefLabel, r.title_fa, r.title_en, "title_fa")
    b.add(s, ORG.postIn, unit, "unit_id")


def employee(b: Builder, r: m.Employee, o: Origin) -> None:
    posts = [b.iris.post(p) for p in r.post_id]
    agency = b.iris.agency(r.agency_code) if r.agency_code else next(
        (a for a in map(b.agency_of, posts) if a is not None), None)
    s = b.subject(b.iris.employee(r.id), GC.Employee, o, agency)
    b.add(s, DCTERMS.identifier, Literal(r.id), "id")
    b.refs(s, ORG.holds, posts, "post_id")


def duty(b: Builder, r: m.Duty, o: Origin) -> None:
    agency = b.iris.agency(r.agency_code)
    s = b.subject(b.iris.owned("duty", r.agency_code, r.ref), GC.Duty, o, agency)
    b.add(s, GC.ref, Literal(r.ref), "ref")
    b.text(s, DCTERMS.title, r.title_fa, r.title_en, "title_fa")
    b.refs(s, CPSV.implements, [_law(b, text, o) for text in r.legal_basis], "legal_basis")
    b.add(s, GC.dutyId, Literal(r.duty_id) if r.duty_id else None, "duty_id")
    b.code(s, ADMS.status, "status", r.status or "draft", "status")
    b.add(s, GC.changedOn, Literal(r.changed_on, datatype=XSD.date) if r.changed_on else None,
          "changed_on")


def _law(b: Builder, text: str, origin: Origin) -> URIRef:
    """The legal resource a duty implements (R-3.1): one node per distinct legal text."""
    law = b.iris.law(text)
    b.cs.graph.add((law, RDF.type, ELI.LegalResource))
    b.cs.graph.add((law, DCTERMS.title, Literal(text, lang="fa")))
    b.cs.subjects.setdefault(law, origin)
    return law


def service(b: Builder, r: m.Service, o: Origin) -> None:
    agency = b.iris.agency(r.agency_code)
    s = b.subject(b.iris.owned("service", r.agency_code, r.ref), CPSV.PublicService, o, agency)
    b.add(s, GC.ref, Literal(r.ref), "ref")
    b.text(s, DCTERMS.title, r.title_fa, r.title_en, "title_fa")
    b.alt_names(s, r.alt_names)
    b.code(s, DCTERMS.type, "service-kind", r.kind, "kind")
    b.add(s, CV.hasCompetentAuthority, agency, "agency_code")
    b.refs(s, CPSV.follows, [b.iris.qualified("duty", d, r.agency_code) for d in r.duties],
           "duties")
    b.refs(s, GC.deliveringUnit, map(b.iris.unit, r.units), "units")
    b.refs(s, GC.deliveringPost, map(b.iris.post, r.posts), "posts")
    b.refs(s, GC.deliveringEmployee, map(b.iris.employee, r.employees), "employees")
    b.code(s, GC.deliveryLevel, "delivery-level", r.delivery, "delivery")
    b.add(s, GC.serviceId, Literal(r.service_id) if r.service_id else None, "service_id")
    b.code(s, ADMS.status, "status", r.status or "draft", "status")
    b.add(s, GC.legacyId, Literal(r.legacy_id) if r.legacy_id else None, "legacy_id")


def system(b: Builder, r: m.InformationSystem, o: Origin) -> None:
    agency = b.iris.agency(r.agency_code)
    s = b.subject(b.iris.owned("system", r.agency_code, r.ref), GC.InformationSystem, o, agency)
    b.add(s, GC.ref, Literal(r.ref), "ref")
    b.text(s, DCTERMS.title, r.name_fa, r.name_en, "name_fa")
    b.add(s, DCTERMS.publisher, agency, "agency_code")
    b.add(s, DCAT.endpointURL, Literal(r.url, datatype=XSD.anyURI) if r.url else None, "url")
    b.refs(s, GC.supportsService,
           [b.iris.qualified("service", x, r.agency_code) for x in r.services], "services")


def dataset(b: Builder, r: m.Dataset, o: Origin) -> None:
    agency = b.iris.agency(r.agency_code)
    s = b.subject(b.iris.owned("dataset", r.agency_code, r.ref), DCAT.Dataset, o, agency)
    b.add(s, GC.ref, Literal(r.ref), "ref")
    b.text(s, DCTERMS.title, r.title_fa, r.title_en, "title_fa")
    b.alt_names(s, r.alt_names)
    b.add(s, DCTERMS.publisher, agency, "agency_code")
    b.add(s, GC.heldIn, b.iris.qualified("system", r.information_system, r.agency_code),
          "information_system")
    b.refs(s, GC.usedByService,
           [b.iris.qualified("service", x, r.agency_code) for x in r.services], "services")
    if r.personal_data is not None:
        b.add(s, GC.personalData, Literal(r.personal_data), "personal_data")
    b.code(s, DCTERMS.accessRights, "classification", r.classification, "classification")
    b.code(s, DCTERMS.accrualPeriodicity, "frequency", r.update_frequency, "update_frequency")


def _pair(ref: str) -> tuple[str, str]:
    agency, _, local = ref.partition(":")
    return agency, local


def flow(b: Builder, r: m.DataFlow, o: Origin) -> None:
    src, dst, ds = _pair(r.from_system), _pair(r.to_system), _pair(r.dataset)
    s = b.subject(b.iris.flow(src, dst, ds), GC.DataFlow, o, b.iris.agency(src[0]))
    b.add(s, GC.fromSystem, b.iris.owned("system", *src), "from_system")
    b.add(s, GC.toSystem, b.iris.owned("system", *dst), "to_system")
    b.add(s, GC.carriesDataset, b.iris.owned("dataset", *ds), "dataset")
    b.text(s, DCTERMS.description, r.purpose_fa, None, "purpose_fa")


def chain(b: Builder, r: m.Chain, o: Origin) -> None:
    final_agency, _ = _pair(r.final_service)
    # when the sheet leaves it empty, the final service's agency is responsible.
    responsible = b.iris.agency(r.responsible_agency or final_agency)
    s = b.subject(b.iris.chain(r.ref), GC.ServiceChain, o, responsible)
    b.add(s, GC.ref, Literal(r.ref), "ref")
    b.text(s, DCTERMS.title, r.title_fa, r.title_en, "title_fa")
    b.add(s, GC.finalService, b.iris.qualified("service", r.final_service), "final_service")
    b.add(s, GC.responsibleAgency, responsible, "responsible_agency")


def chain_link(b: Builder, r: m.ChainLink, o: Origin) -> None:
    chain = b.iris.chain(r.chain_ref)
    s = b.subject(b.iris.chain_link(r.chain_ref, r.order), GC.ChainLink, o, b.agency_of(chain))
    b.add(chain, GC.hasLink, s, "chain_ref")
    b.add(s, GC.order, Literal(r.order), "order")
    service = b.iris.qualified("service", r.service)
    b.add(s, GC.linkService, service, "service")
    b.links.setdefault(chain, {})[s] = service
    b.refs(s, GC.dependsOn, [b.iris.chain_link(r.chain_ref, n) for n in r.depends_on
                             if isinstance(n, int)], "depends_on")
    b.waits += [(s, chain, b.iris.qualified("service", n)) for n in r.depends_on
                if isinstance(n, str)]
    b.refs(s, GC.exchangesDataset, [b.iris.qualified("dataset", d) for d in r.datasets],
           "datasets")


def to_changeset(
    records: Iterable[tuple[m.Record, Origin]], iris: Iris, lookup: AgencyLookup,
    mapper_of: Callable[[m.Record], Mapper], target: TargetLookup,
    links: LinksLookup | None = None,
) -> ChangeSet:
    """Records in dependency order (agencies, units, posts, … as catalog.kinds declares them),
    each mapped by its kind's mapper (`mapper_of`); `target` mints the IRI a reference cell
    names (catalog.kinds.changeset gives both).

    `lookup` answers the agency of a unit, post or chain already in the store, for records
    whose agency the sheet leaves to be derived (a post's agency is its unit's). `links`
    answers a stored chain's links and their services, for a link that waits for a service
    (_resolve_waits).
    """
    b = Builder(iris, lookup, target)
    for record, origin in records:
        mapper_of(record)(b, record, origin)
    _resolve_waits(b, links)
    return b.cs


def _resolve_waits(b: Builder, links: LinksLookup | None) -> None:
    """A chain link's depends_on may name the service it waits for (AGENCY:ref) instead of the
    order of the link that delivers it (R-6.1): it then depends on every other link of the
    same chain delivering that service, in this submission or stored (the submission's
    version of a link wins). A service no link of the chain delivers stays the target, which
    is no chain link: gcsh:Link-dependsOn reports it at the row's depends_on."""
    stored: dict[URIRef, dict[URIRef, URIRef]] = {}
    for link, chain, service in b.waits:
        if chain not in stored:
            stored[chain] = links(chain) if links is not None else {}
        delivering = {**stored[chain], **b.links.get(chain, {})}
        targets = sorted(x for x, svc in delivering.items() if svc == service and x != link)
        if not targets and delivering.get(link) == service:
            targets = [link]  # waits for itself: gcsh:Link-dependsOn-same-chain says so
        b.refs(link, GC.dependsOn, targets or [service], "depends_on")
