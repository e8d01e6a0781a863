"""The store port: what the core needs from a property-graph database, and nothing more.

Two adapters implement it (catalog.store.falkordb_store, catalog.store.neo4j_store); the same
test suite runs against both. Only adapters import a database driver (an import-linter
contract enforces it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from catalog.graphmap import Node

Row = dict[str, Any]


class StoreError(RuntimeError):
    """The store refused or failed an operation."""


class StoreUnavailable(StoreError):
    """The store cannot be reached; nothing was written."""


class ReadOnlyViolation(StoreError):
    """A read-only query tried to write."""


class QueryTimeout(StoreError):
    """A read ran past its time limit and the store stopped it (ad-hoc queries, issue 5)."""


@dataclass(frozen=True)
class StoreChange:
    """One atomic write: `nodes` replace the stored description (properties and outgoing
    relationships) of their IRIs; `links` add relationships (subject, type, object) whose
    subject is not itself replaced (a chain gaining a link registered later); `after`:
    statements (query, parameters) run last in the same transaction: the change event and the
    records' versions (catalog.registry)."""

    nodes: Sequence[Node]
    links: Sequence[tuple[str, str, str]] = field(default_factory=tuple)
    after: Sequence[tuple[str, dict[str, Any]]] = field(default_factory=tuple)


class GraphStore(Protocol):
    name: str

    def setup(self) -> None:
        """Create indexes and constraints; idempotent."""

    def apply(self, change: StoreChange) -> None:
        """Write all of `change` or nothing."""

    def describe(self, iris: Sequence[str]) -> list[Node]:
        """The stored nodes of these IRIs (those that exist), with outgoing relationships."""

    def referrers(self, iris: Sequence[str]) -> list[str]:
        """IRIs of nodes with a relationship pointing at any of `iris`."""

    def read(self, query: str, params: Mapping[str, Any] | None = None, *,
             timeout_ms: int | None = None, limit: int | None = None) -> list[Row]:
        """Run a read-only query; the store itself refuses writes (ReadOnlyViolation).

        `timeout_ms`: the store stops the query past this time (QueryTimeout). `limit`: at most
        this many rows are returned; ask for one more to learn whether rows were left off.
        """

    def write(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run one write statement atomically (one transaction) and return its rows: the
        cycle's compare-and-set transitions and ID issuance (catalog.cycle, ADR 0005)."""

    def clear(self) -> None:
        """Delete everything (tests, restore into an empty store)."""

    def close(self) -> None: ...
