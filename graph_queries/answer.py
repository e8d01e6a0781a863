"""What every query gives back, named or ad hoc: rows with named columns (ADR 0004)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from catalog.port import GraphStore, Row


class QueryError(ValueError):
    """An unknown query, or parameters that do not fit its header."""


@dataclass
class Answer:
    """Rows of one answer; `columns` in order. `truncated` when a row limit left rows off.
    `subgraph`: the answer is a part of the graph (a trace, a chain, a lineage, an impact), so it
    can also be given as RDF: the stored descriptions of the resources it names."""

    name: str
    columns: list[str]
    rows: list[Row]
    truncated: bool = False
    meta: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    picture: tuple[tuple[str, str], ...] = ()  # column pairs drawn as edges (formats: svg)
    subgraph: bool = False


class Runner(Protocol):
    """Runs a named query's Cypher with parameters, read-only, on `store`; an analysis that
    needs more of the core than rows (the cycle's deadlines) reaches it through `store`."""

    @property
    def store(self) -> GraphStore: ...

    @property
    def base(self) -> str | None: ...

    def __call__(self, params: Mapping[str, Any]) -> list[Row]: ...


Analysis = Callable[[Runner, Mapping[str, Any]], Answer]
