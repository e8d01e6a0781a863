"""The change feed (ADR 0009): every committed change in commit order, read from the numbered
change events the writes leave in the graph (ADR 0008), so it is as durable as the store and a
client that polls with its last cursor never misses or double-counts a change."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from catalog.access.principals import OPERATOR, Principal
from catalog.access.visibility import kind_visible
from catalog.registry import TRAIL_LABELS, Registry
from catalog.trail_chain import Head, TrailChain


@dataclass(frozen=True)
class Change:
    seq: int  # the cursor: ask for changes after it
    event: str  # the change event's IRI (PROV activity, dereferenceable)
    action: str  # import, edit, start, submit, approve, reject, reopen, …
    at: str
    records: tuple[str, ...]  # IRIs of the records it wrote, acted on or deleted
    deleted: tuple[str, ...] = ()  # IRIs of the records it deleted (also in `records`)


def changes(registry: Registry, after: int = 0, limit: int = 500,
            reader: Principal | None = OPERATOR) -> list[Change]:
    """Changes after `after`. With a `reader`, only records of kinds it may see are named;
    a record of such a kind that it may no longer see (e.g. no longer approved) is still
    named, so the reader re-reads it, gets 404, and drops it."""
    found = []
    for c in registry.store.changes_after(after, limit):
        # A deleted record is gone from the graph: its event keeps its IRI and kind (ADR 0009);
        # a client re-reads it, gets 404, and drops it.
        deleted = _catalog_records([(iri, [label]) for iri, label in c.deleted], reader)
        found.append(Change(c.seq, c.event, c.action, c.at,
                            tuple(sorted({*_catalog_records(c.records, reader), *deleted})),
                            deleted))
    return found


def _catalog_records(pairs: Iterable[Sequence[Any]], reader: Principal | None
                     ) -> tuple[str, ...]:
    """The catalog records a change touched; the cycle's own nodes (steps, clocks) are read
    from the cycle's routes, as in a snapshot (Registry.export)."""
    return tuple(sorted(str(iri) for iri, labels in pairs
                        if iri and not set(labels) & TRAIL_LABELS
                        and kind_visible(reader, labels)))


def last_change(registry: Registry) -> int:
    """The cursor of the newest committed change (0: none yet)."""
    return registry.store.last_change()


def trail_head(registry: Registry) -> Head:
    """The head of the trail's hash chain, sealed first (ADR 0017): a client that keeps it can
    later prove the history up to it was not rewritten (`govcat audit verify`, GET
    /audit/verify give the head of the store's chain; any later head must extend it)."""
    return TrailChain(registry.store).seal()
