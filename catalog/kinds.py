"""The kinds of record govcat holds, each declared once (catalog.kind.Kind, ADR 0022), and
every table derived from them: the loaders' sheets in load order, the record model of a sheet,
the resources API's kinds and their store labels, what keeps a record from deletion, and the
mapping of records to RDF.

Adding a kind is one declaration here (or in a module named in GOVCAT_KINDS), its ontology
terms, its shapes and its tests; docs/adr/0022-one-declaration-per-kind.md has the steps.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from rdflib import URIRef
from rdflib.namespace import DCAT, ORG

from catalog import model as m
from catalog import records_rdf as rdf
from catalog import sheets as sh
from catalog.changeset import ChangeSet, Origin
from catalog.iris import Iris
from catalog.kind import Filter, Kind, Mapper, extensions
from catalog.sheets import Sheet, sheet_key, split_ref
from catalog.text import normalize_fa
from catalog.vocab import CPSV, CV, GC

_STEPS: frozenset[Filter] = frozenset({"status", "step_state"})

# In load order: every sheet refers only to sheets before it (R-3 … ).
BUILT_IN: tuple[Kind, ...] = (
    Kind(sh.AGENCIES, m.Agency, CV.PublicOrganisation, "agency/{code}", owner="code",
         kept_by="R-20.1", api="agencies", to_rdf=rdf.agency),
    Kind(sh.UNITS, m.Unit, ORG.OrganizationalUnit, "unit/{id}", owner="agency_code",
         kept_by="R-4.3", api="units", to_rdf=rdf.unit),
    Kind(sh.POSTS, m.Post, ORG.Post, "post/{id}", owner="agency_code", kept_by="R-4.3",
         api="posts", to_rdf=rdf.post),
    Kind(sh.EMPLOYEES, m.Employee, GC.Employee, "employee/{id}", owner="agency_code",
         kept_by="R-4.3", api="employees", to_rdf=rdf.employee),
    Kind(sh.DUTIES, m.Duty, GC.Duty, "agency/{agency_code}/duty/{ref}", owner="agency_code",
         kept_by="R-4.1", api="duties", to_rdf=rdf.duty, filters=_STEPS),
    Kind(sh.SERVICES, m.Service, CPSV.PublicService, "agency/{agency_code}/service/{ref}",
         owner="agency_code", kept_by="R-6.1", api="services", to_rdf=rdf.service,
         filters=_STEPS),
    Kind(sh.INFORMATION_SYSTEMS, m.InformationSystem, GC.InformationSystem,
         "agency/{agency_code}/system/{ref}", owner="agency_code", kept_by="R-10.1",
         api="systems", to_rdf=rdf.system),
    Kind(sh.DATASETS, m.Dataset, DCAT.Dataset, "agency/{agency_code}/dataset/{ref}",
         owner="agency_code", kept_by="R-10.1", api="datasets", to_rdf=rdf.dataset),
    Kind(sh.DATA_FLOWS, m.DataFlow, GC.DataFlow, "flow/{from_system}/{to_system}/{dataset}",
         owner="from_system", kept_by="R-10.1", api="flows", to_rdf=rdf.flow),
    Kind(sh.CHAINS, m.Chain, GC.ServiceChain, "chain/{ref}", owner="responsible_agency",
         kept_by="R-6.1", api="chains", to_rdf=rdf.chain),
    Kind(sh.CHAIN_LINKS, m.ChainLink, GC.ChainLink, "chain/{chain_ref}/link/{order}",
         owner="chain_ref", kept_by="R-6.1", to_rdf=rdf.chain_link),
    # Step 3 (R-5.1, ADR 0027): mapped from their columns (Column.term).
    Kind(sh.IMPROVEMENT_PLANS, m.ImprovementPlan, GC.ImprovementPlan,
         "agency/{agency_code}/plan/{ref}", owner="agency_code", kept_by="R-5.1", api="plans",
         filters=_STEPS),
    Kind(sh.PLAN_INDICATORS, m.Indicator, GC.Indicator,
         "agency/{agency_code}/plan/{plan}/indicator/{ref}", owner="agency_code",
         kept_by="R-5.1", api="indicators"),
    Kind(sh.PLAN_ACTIONS, m.ImprovementAction, GC.ImprovementAction,
         "agency/{agency_code}/plan/{plan}/action/{ref}", owner="agency_code", kept_by="R-5.1",
         api="actions"),
)

KEPT_BY_DEFAULT = "R-16"  # a record of no declared kind (a legal resource) is the trail's


@cache
def all_kinds() -> tuple[Kind, ...]:
    """The built-in kinds, then those declared in GOVCAT_KINDS's modules."""
    kinds = BUILT_IN + extensions()
    for field, values in (("sheet", [k.name for k in kinds]), ("label", [k.label for k in kinds]),
                          ("api", [k.api for k in kinds if k.api])):
        twice = sorted({v for v in values if values.count(v) > 1})
        if twice:
            raise ValueError(f"two kinds of record share the {field} {', '.join(twice)}")
    return kinds


def sheets() -> tuple[Sheet, ...]:
    """Every kind's sheet, in load order: what the template writes and the loaders read."""
    return tuple(k.sheet for k in all_kinds())


@cache
def sheet_by_name() -> dict[str, Sheet]:
    """Exact names: each sheet's English name and Persian label (as typed and normalized)."""
    return {name: k.sheet for k in all_kinds()
            for name in (k.name, k.sheet.label_fa, normalize_fa(k.sheet.label_fa))}


@cache
def _sheet_by_key() -> dict[str, Sheet]:
    return {sheet_key(name): sheet for name, sheet in sheet_by_name().items()}


def sheet_for(name: str) -> Sheet | None:
    """The sheet a workbook tab or CSV file names (English name or Persian label), exactly or
    up to case, spacing and spelling variants."""
    return sheet_by_name().get(name) or _sheet_by_key().get(sheet_key(name))


@cache
def by_sheet() -> dict[str, Kind]:
    return {k.name: k for k in all_kinds()}


@cache
def by_api() -> dict[str, Kind]:
    """The resources API's kinds (`/resources/{kind}`)."""
    return {k.api: k for k in all_kinds() if k.api}


@cache
def by_label() -> dict[str, Kind]:
    return {k.label: k for k in all_kinds()}


def kept_by(label: str) -> str:
    """The requirement that keeps a record of this store label while others point at it."""
    kind = by_label().get(label)
    return kind.kept_by if kind else KEPT_BY_DEFAULT


@cache
def _mappers() -> dict[type[m.Record], Mapper]:
    return {k.record: k.to_rdf or rdf.from_columns(k) for k in all_kinds()}


def _mapper_of(record: m.Record) -> Mapper:
    return _mappers()[type(record)]


def changeset(records: Iterable[tuple[m.Record, Origin]], iris: Iris,
              lookup: rdf.AgencyLookup, links: rdf.LinksLookup | None = None) -> ChangeSet:
    """Records → one RDF change set, each by its kind's mapper (catalog.records_rdf)."""
    def target(sheet: str, cell: str, agency: str | None) -> URIRef:
        kind = by_sheet()[sheet]
        slots = [s[1:-1] for s in kind.iri.split("/") if s.startswith("{")]
        if len(slots) == 1:
            return iris.pattern(kind.iri, {slots[0]: cell})
        owner, ref = split_ref(cell)
        return iris.pattern(kind.iri, {slots[0]: owner or agency or "", slots[1]: ref})

    return rdf.to_changeset(records, iris, lookup, _mapper_of, target, links)
