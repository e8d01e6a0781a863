"""What the operations mixins (catalog.store.*_operations) need of an adapter: to run Cypher.

Each adapter (FalkorStore, Neo4jStore and its snapshot view) implements `read`, `write` and
`apply` (GraphStore's); the mixins build the domain's named operations on them (ADR 0021)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from catalog.port import Row, StoreChange

# A statement and its parameters: a write's follow-ups in its transaction (ADR 0019).
Statement = tuple[str, Mapping[str, Any]]


class Runner:
    def read(self, query: str, params: Mapping[str, Any] | None = None, *,
             timeout_ms: int | None = None, limit: int | None = None) -> list[Row]:
        raise NotImplementedError

    def write(self, query: str, params: Mapping[str, Any] | None = None,
              then: Sequence[Statement] = ()) -> list[Row]:
        raise NotImplementedError

    def apply(self, change: StoreChange) -> None:
        raise NotImplementedError
