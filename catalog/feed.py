"""The change feed (issue 6): every committed change in commit order, read from the numbered
change events the writes leave in the graph (ADR 0008), so it is as durable as the store and a
client that polls with its last cursor never misses or double-counts a change."""

from __future__ import annotations

from dataclasses import dataclass

from catalog.registry import TRAIL_LABELS, Registry
from catalog.store import cypher


@dataclass(frozen=True)
class Change:
    seq: int  # the cursor: ask for changes after it
    event: str  # the change event's IRI (PROV activity, dereferenceable)
    action: str  # import, edit, start, submit, approve, reject, reopen, …
    at: str
    records: tuple[str, ...]  # IRIs of the records it wrote or acted on


def changes(registry: Registry, after: int = 0, limit: int = 500) -> list[Change]:
    rows = registry.store.read(cypher.CHANGES, {"after": after, "limit": limit})
    return [Change(int(r["seq"]), r["iri"], r["action"], r["at"], _catalog_records(r["records"]))
            for r in rows]


def _catalog_records(pairs: list[list[object]]) -> tuple[str, ...]:
    """The catalog records a change touched; the cycle's own nodes (steps, clocks) are read
    from the cycle's routes, as in a snapshot (Registry.export)."""
    return tuple(sorted(str(iri) for iri, labels in pairs
                        if iri and not set(labels) & TRAIL_LABELS))  # type: ignore[call-overload]


def last_change(registry: Registry) -> int:
    """The cursor of the newest committed change (0: none yet)."""
    rows = registry.store.read(cypher.LAST_CHANGE, {"commit_counter": cypher.COMMITS_KEY})
    return int(rows[0]["seq"]) if rows else 0
