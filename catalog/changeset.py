"""A submission as RDF: the triples to store and, for each subject, where it came from.

Loaders (spreadsheet rows, RDF files) and the API all end here, so validation and the store
see one shape of input and every error can be traced to a file, sheet, row and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib import Graph, URIRef

if TYPE_CHECKING:
    from catalog.graphmap import Node


@dataclass(frozen=True)
class Origin:
    """Where a record came from: a file (and sheet and row), or an API request."""

    source: str
    sheet: str | None = None
    row: int | None = None

    def describe(self) -> str:
        parts = [self.source]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        return ", ".join(parts)


def new_graph() -> Graph:
    """A submission's graph: triples only, in rdflib's store without contexts, which fills and
    reads about a third faster than the default one (a bulk load holds millions of triples)."""
    return Graph(store="SimpleMemory")


@dataclass
class ChangeSet:
    """Triples of one submission. `subjects` are the records it defines: each one's stored
    description (properties and outgoing relationships) is replaced by the one given here."""

    graph: Graph = field(default_factory=new_graph)
    subjects: dict[URIRef, Origin] = field(default_factory=dict)
    columns: dict[tuple[URIRef, URIRef], str] = field(default_factory=dict)
    duplicates: list[tuple[URIRef, Origin, Origin]] = field(default_factory=list)
    # The records as store nodes, with the sizes they were made at (catalog.registry._nodes).
    nodes: tuple[tuple[int, int], list[Node]] | None = field(default=None, repr=False,
                                                              compare=False)

    # Its triples by subject, with the graph's size they were read at (by_subject).
    _by_subject: tuple[int, dict[Any, list[tuple[Any, Any]]]] | None = field(
        default=None, repr=False, compare=False)

    def by_subject(self) -> dict[Any, list[tuple[Any, Any]]]:
        """The graph's (predicate, object) pairs by subject, read once: a bulk load's nodes
        and its validation index both start from them, and reading an rdflib Graph is slow
        (ADR 0013). Read again when the graph has grown."""
        if self._by_subject is None or self._by_subject[0] != len(self.graph):
            out: dict[Any, list[tuple[Any, Any]]] = {}
            for s, p, o in self.graph:
                out.setdefault(s, []).append((p, o))
            self._by_subject = (len(self.graph), out)
        return self._by_subject[1]

    def origin(self, node: URIRef) -> Origin | None:
        return self.subjects.get(node)

    def column(self, node: URIRef, predicate: URIRef | None) -> str | None:
        return None if predicate is None else self.columns.get((node, predicate))

    def __len__(self) -> int:
        return len(self.subjects)
