"""What every query gives back, named or ad hoc: rows with named columns (issue 5)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from catalog.store.port import Row


class QueryError(ValueError):
    """An unknown query, or parameters that do not fit its header."""


@dataclass
class Answer:
    """Rows of one answer; `columns` in order. `truncated` when a row limit left rows off."""

    name: str
    columns: list[str]
    rows: list[Row]
    truncated: bool = False
    meta: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    picture: tuple[tuple[str, str], ...] = ()  # column pairs drawn as edges (formats: svg)


Runner = Callable[[Mapping[str, Any]], list[Row]]  # runs the query's Cypher with parameters
Analysis = Callable[[Runner, Mapping[str, Any]], Answer]
