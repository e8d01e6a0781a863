"""The store port: what the core needs from a property-graph database, and nothing more.

Two adapters implement it (catalog.store.falkordb_store, catalog.store.neo4j_store); the same
test suite runs against both. Only adapters import a database driver (an import-linter
contract enforces it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from catalog.graphmap import Node

Row = dict[str, Any]
# A statement and its parameters (GraphStore.write's `then`, StoreChange.after).
Statement = tuple[str, Mapping[str, Any]]


class StoreError(RuntimeError):
    """The store refused or failed an operation."""


class StoreUnavailable(StoreError):
    """The store cannot be reached; nothing was written."""


class ReadOnlyViolation(StoreError):
    """A read-only query tried to write."""


class QueryTimeout(StoreError):
    """A read ran past its time limit and the store stopped it (ad-hoc queries, ADR 0004)."""


class StaleVersion(StoreError):
    """A conditional write found a record at another version than expected (HTTP 412);
    nothing was written (ADR 0009)."""

    def __init__(self, iri: str, expected: str | None, found: str | None) -> None:
        super().__init__(f"{iri}: expected version {expected or 'none'}, found {found or 'none'}")
        self.iri = iri
        self.expected = expected
        self.found = found


class StillReferenced(StoreError):
    """A record to delete is still the target of another record's relationship; nothing was
    written (ADR 0009)."""

    def __init__(self, referrers: Mapping[str, Sequence[str]]) -> None:
        first = next(iter(referrers.items()), ("?", ()))
        super().__init__(f"{first[0]} is still referred to by {', '.join(first[1][:3])}")
        self.referrers = {k: list(v) for k, v in referrers.items()}


# A record's version: its stored node (label, properties, outgoing relationships) hashed. The
# ETag of the API and what a conditional write expects (ADR 0009). Nothing is stored for it, so
# RDF output and "unchanged records stay unchanged" are unaffected.
EXISTS = "*"  # an expectation met by any version of an existing record (If-Match: *)


def record_version(node: Node) -> str:
    canonical = json.dumps({"iri": node.iri, "label": node.label, "props": node.props,
                            "rels": {k: sorted(v) for k, v in node.rels.items()}},
                           ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                           default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def check_expected(expect: Mapping[str, str | None], current: Mapping[str, Node]) -> None:
    """Raise StaleVersion unless every record of `expect` is as expected in `current` (the
    stored nodes by IRI): at that version, existing (EXISTS), or absent (None)."""
    for iri, wanted in sorted(expect.items()):
        node = current.get(iri)
        found = record_version(node) if node is not None else None
        if wanted is None:
            ok = node is None
        elif wanted == EXISTS:
            ok = node is not None
        else:
            ok = found == wanted
        if not ok:
            raise StaleVersion(iri, wanted, found)


@dataclass(frozen=True)
class StoreChange:
    """One atomic write: `nodes` replace the stored description (properties and outgoing
    relationships) of their IRIs; `links` add relationships (subject, type, object) whose
    subject is not itself replaced (a chain gaining a link registered later); `after`:
    statements (query, parameters) run last in the same transaction: the change event and the
    records' versions (catalog.registry).

    `delete`: IRIs of records removed first, with their relationships, refused
    (StillReferenced) while a record other than a change event points at one of them.
    `expect`: IRI → the version (record_version), EXISTS, or None (absent) the record must
    have when the write commits; checked inside the write's transaction (StaleVersion), so of
    two writers expecting the same version exactly one succeeds (ADR 0009)."""

    nodes: Sequence[Node]
    links: Sequence[tuple[str, str, str]] = field(default_factory=tuple)
    after: Sequence[tuple[str, dict[str, Any]]] = field(default_factory=tuple)
    delete: Sequence[str] = field(default_factory=tuple)
    expect: Mapping[str, str | None] = field(default_factory=dict)


class GraphStore(Protocol):
    name: str

    def setup(self) -> None:
        """Create indexes and constraints; idempotent."""

    def apply(self, change: StoreChange) -> None:
        """Write all of `change` or nothing (StaleVersion, StillReferenced: nothing)."""

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

    def write(self, query: str, params: Mapping[str, Any] | None = None,
              then: Sequence[Statement] = ()) -> list[Row]:
        """Run one write statement atomically (one transaction) and return its rows: the
        cycle's compare-and-set transitions and ID issuance (catalog.cycle, ADR 0005).

        `then`: statements run after it in the same transaction, only when it returns a row:
        all of it is written, or nothing (a step's transition and the clocks it starts,
        ADR 0019). With `then`, what matters of the rows is whether any came back."""

    def clear(self) -> None:
        """Delete everything (tests, restore into an empty store)."""

    def snapshot(self) -> AbstractContextManager[GraphStore]:
        """A read-only view of the whole store as of one moment, for a backup (ADR 0011):
        every numbered change (gc:seq) up to the view's newest is in it whole, none after it,
        while writes go on. FalkorDB: a copy of the graph made by the server (GRAPH.COPY), read
        at leisure and dropped after. Neo4j: one transaction holding the commit counter's lock,
        which every numbered change takes last before it commits. Only `read` and `describe`
        are meant to be used on it."""

    def close(self) -> None: ...
