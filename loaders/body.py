"""One record from a JSON body in its sheet's fields (the resources API's PUT, ADR 0009): the
same contract as a workbook row (catalog.sheets), keys or their Persian or English labels."""

from __future__ import annotations

from typing import Any

from rdflib.namespace import RDF

from catalog.changeset import ChangeSet, Origin
from catalog.kind import Kind
from catalog.problems import Problem, Rejected
from catalog.registry import Registry
from catalog.sheets import Sheet, header_to_key
from loaders.rows import RawRow, cell, to_record


def changeset_of_body(registry: Registry, kind: Kind, body: dict[str, Any],
                      source: str) -> tuple[ChangeSet, str]:
    """The body as a change set, and the IRI of the record it describes; Rejected (422) with
    every problem: a field the sheet lacks, one given twice, a cell the contract refuses."""
    origin = Origin(source)
    values, problems = _fields(kind.sheet, body, origin)
    record, found = to_record(kind.sheet, RawRow(origin, values))
    problems += found
    if problems or record is None:
        raise Rejected(problems)
    cs = registry.changeset([(record, origin)])
    [iri] = [str(s) for s in cs.subjects if (s, RDF.type, kind.cls) in cs.graph]
    return cs, iri


def _fields(sheet: Sheet, body: dict[str, Any], origin: Origin
            ) -> tuple[dict[str, Any], list[Problem]]:
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, value in body.items():
        key = header_to_key(sheet, name)
        if key is None or key in values:
            problems.append(Problem(
                message_en=f"{name!r} is not a field of {sheet.name}"
                           if key is None else f"{key} is given twice",
                message_fa=f"«{name}» فیلدی از «{sheet.label_fa}» نیست"
                           if key is None else f"«{name}» دو بار آمده است",
                source=origin.source, column=str(name)))
            continue
        values[key] = ([c for c in map(cell, value) if c is not None]
                       if isinstance(value, list) else cell(value))
    return values, problems
