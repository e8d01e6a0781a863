"""Legacy identifiers: the IDs services already hold in earlier registries, recorded beside the
ID govcat issues, never as an approval (R-4.2; ADR 0015).

Only an administrator records them, as an action of its own with its own event in the trail
(`legacy-import`); a steward's submission cannot (catalog.decided). Each identifier has its
scheme and is checked by the scheme's form and for uniqueness within the scheme. Recording one
changes no approval state and issues nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from rdflib import URIRef

from catalog.access.principals import Principal
from catalog.changeset import ChangeSet, Origin
from catalog.graphmap import nodes_to_graph
from catalog.problems import Problem, Rejected
from catalog.registry import Outcome, Registry
from catalog.text import normalize_key

ACTION = "legacy-import"


@dataclass(frozen=True)
class Scheme:
    key: str
    pattern: re.Pattern[str]
    label: str  # store label of the records it identifies
    en: str  # the form its identifiers take, for a refusal
    fa: str
    registry_en: str  # the registry that issues them (adms:schemaAgency in CPSV-AP)
    registry_fa: str


SCHEMES = {s.key: s for s in (
    Scheme("national-service-id", re.compile(r"^\d{11,12}$"), "PublicService",
           "the national service ID of the national service cards: 11 or 12 digits",
           "شناسهٔ ملی خدمت در شناسنامهٔ خدمات: ۱۱ یا ۱۲ رقم",
           "National government services registry (national service cards)",
           "سامانهٔ ملی خدمات دولت (شناسنامهٔ خدمات)"),
)}


@dataclass(frozen=True)
class LegacyRow:
    """One identifier to record: the record (`AGENCY:ref` or an IRI), its scheme and value;
    `origin` says where it was read (file and row, or the API)."""

    record: str
    scheme: str
    identifier: str
    origin: Origin


def record_legacy(registry: Registry, actor: Principal, rows: Iterable[LegacyRow]) -> Outcome:
    """Record the identifiers of `rows`, all or none: Rejected with every problem (unknown
    record or scheme, malformed identifier, one already held by another record)."""
    rows = list(rows)
    problems: list[Problem] = []
    targets: dict[str, tuple[LegacyRow, str]] = {}
    for row in rows:
        iri, identifier = _resolve(registry, row, problems)
        if iri is not None and identifier is not None:
            if iri in targets:
                problems.append(_problem(row, "record", "the record is given twice",
                                         "این رکورد دو بار آمده است"))
            targets[iri] = (row, identifier)
    stored = {n.iri: n for n in registry.store.describe(sorted(targets))}
    for iri, (row, _) in targets.items():
        node = stored.get(iri)
        scheme = SCHEMES[row.scheme]
        if node is None or node.label != scheme.label:
            problems.append(_problem(row, "record", f"no {scheme.label} {iri}",
                                     f"رکوردِ «{iri}» از نوع مناسب یافت نشد"))
    problems += _duplicates(registry, targets)
    if problems:
        raise Rejected(problems)
    nodes = [replace(stored[iri], props={**stored[iri].props, "legacyId": identifier,
                                         "legacyIdScheme": row.scheme})
             for iri, (row, identifier) in targets.items()]
    cs = ChangeSet(nodes_to_graph(nodes), {URIRef(n.iri): targets[n.iri][0].origin
                                           for n in nodes})
    problems = registry.check(cs, in_place=True)
    if problems:
        raise Rejected(problems)
    return registry.apply_checked(cs, actor, ACTION, in_place=True)


def _resolve(registry: Registry, row: LegacyRow, problems: list[Problem]
             ) -> tuple[str | None, str | None]:
    scheme = SCHEMES.get(row.scheme)
    if scheme is None:
        problems.append(_problem(row, "scheme", f"unknown scheme {row.scheme!r}; known: "
                                 f"{', '.join(SCHEMES)}", f"طرح «{row.scheme}» شناخته نیست"))
        return None, None
    identifier = normalize_key(row.identifier)  # Persian and Arabic digits → ASCII
    if not scheme.pattern.match(identifier):
        problems.append(_problem(row, "identifier", f"{identifier!r} is not {scheme.en}",
                                 f"«{identifier}» {scheme.fa} نیست"))
        return None, None
    record = normalize_key(row.record)
    if record.startswith(("http://", "https://")):
        return record, identifier
    try:
        return str(registry.iris.qualified("service", record)), identifier
    except ValueError:
        problems.append(_problem(row, "record", f"{record!r}: write AGENCY:ref or an IRI",
                                 f"«{record}»: به شکل کد دستگاه:شناسه یا نشانی IRI بنویسید"))
        return None, None


def _duplicates(registry: Registry, targets: dict[str, tuple[LegacyRow, str]]
                ) -> list[Problem]:
    """An identifier is held by one record per scheme: in the file, and against the store."""
    problems = []
    seen: dict[tuple[str, str], str] = {}
    for iri, (row, identifier) in targets.items():
        other = seen.setdefault((row.scheme, identifier), iri)
        if other != iri:
            problems.append(_problem(row, "identifier", f"{identifier} is given to {other} too",
                                     f"«{identifier}» به {other} نیز داده شده است"))
    for scheme in {row.scheme for row, _ in targets.values()}:
        wanted = {identifier: iri for iri, (row, identifier) in targets.items()
                  if row.scheme == scheme}
        for held, holder in registry.store.legacy_holders(scheme, sorted(wanted)):
            if holder != wanted[held]:
                row = targets[wanted[held]][0]
                problems.append(_problem(row, "identifier",
                                         f"{held} is already held by {holder}",
                                         f"«{held}» پیش‌تر از آنِ {holder} است"))
    return problems


def _problem(row: LegacyRow, column: str, en: str, fa: str) -> Problem:
    return Problem(message_en=en, message_fa=fa, source=row.origin.source,
                   sheet=row.origin.sheet, row=row.origin.row, column=column,
                   requirement="R-4.2", value=getattr(row, column, None))
