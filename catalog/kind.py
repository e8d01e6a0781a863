"""What a kind of record is: one declaration that every table of the kind is derived from
(ADR 0022).

A kind (duties, services, posts, …) is declared once, as a `Kind`: its sheet and columns with
their Persian and English labels, its record model, its class and how its properties are
written, its IRI pattern, the column naming the agency that owns it, what keeps it from
deletion and its list filters. The loaders' sheets, the template, the resources API's kinds,
the store labels and the deletion rules are read from the declarations (catalog.kinds).

The built-in kinds are declared in catalog.kinds. Modules named in GOVCAT_KINDS (comma
separated, importable) declare more: each holds `KIND` (or `KINDS`), with its own ontology
terms, JSON-LD context and shapes when they are not in ontology/ and shapes/. This module
reads them; it imports nothing of the core at run time, so the ontology and the shapes can ask
it for those extras without an import circle.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from rdflib import URIRef

from catalog.sheets import Sheet
from catalog.vocab import local_name

if TYPE_CHECKING:
    from catalog.changeset import Origin
    from catalog.model import Record
    from catalog.records_rdf import Builder

KINDS_ENV = "GOVCAT_KINDS"

# How a record of the kind becomes RDF: the builder, the record (of the kind's own model, which
# is why it is typed Any: each mapper takes its kind's model), the row it came from.
Mapper = Callable[["Builder", Any, "Origin"], None]
Filter = Literal["status", "step_state"]


@dataclass(frozen=True)
class Kind:
    """One kind of record, declared once.

    `api`: its word in the resources API (`/resources/{api}`); None when its records are
    reached through another's (a chain's links). `iri`: its IRI pattern under the base, each
    `{column}` a cell of the row (an `AGENCY:ref` cell is written `AGENCY.ref`). `owner`: the
    column naming the agency that owns a record (tenancy, R-20.1); where the sheet lets it be
    empty, the mapper derives it (a post's is its unit's). `kept_by`: the requirement that
    keeps a record others point at from deletion. `to_rdf`: how a record becomes triples; None
    for a kind whose columns name their properties (`Column.term`), mapped alike
    (catalog.records_rdf.from_columns). `filters`: the list filters it takes beyond agency and
    text. `ontology`, `context`, `shapes`: Turtle, JSON-LD terms and SHACL of a kind declared
    outside ontology/ and shapes/ (GOVCAT_KINDS); empty for the built-in kinds."""

    sheet: Sheet
    record: type[Record]
    cls: URIRef
    iri: str
    owner: str
    kept_by: str
    api: str | None = None
    to_rdf: Mapper | None = None
    filters: frozenset[Filter] = frozenset()
    ontology: str = ""
    context: Mapping[str, object] = field(default_factory=dict)
    shapes: str = ""

    @property
    def label(self) -> str:
        """Its store label: the local name of its class (catalog.ontology)."""
        return local_name(str(self.cls))

    @property
    def name(self) -> str:
        """Its sheet's name, which the loaders and the record models know it by."""
        return self.sheet.name


@cache
def extensions() -> tuple[Kind, ...]:
    """The kinds the modules named in GOVCAT_KINDS declare, in the order named."""
    found: list[Kind] = []
    for name in filter(None, (n.strip() for n in os.environ.get(KINDS_ENV, "").split(","))):
        module = importlib.import_module(name)
        declared = getattr(module, "KINDS", None) or (getattr(module, "KIND", None),)
        for kind in declared:
            if not isinstance(kind, Kind):
                raise TypeError(f"{name} (in {KINDS_ENV}) declares no Kind as KIND or KINDS")
            found.append(kind)
    return tuple(found)
