"""Ad-hoc read-only Cypher for auditors (ADR 0004). The store enforces read-only (FalkorDB's
GRAPH.RO_QUERY, Neo4j's read transactions), not a scan of the text, and stops a query past its
time limit; the row limit caps what comes back.

One read clause reaches outside the graph: `LOAD CSV` reads files on the store's server and
fetches URLs (FalkorDB fetches https:// from a read-only query), so a query holding it is
refused before it is sent (ADR 0011). The scan is of the words, across comments; it may refuse
a query that only mentions them in a string, never one that runs them."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from catalog.port import GraphStore
from graph_queries.answer import Answer, QueryError

DEFAULT_TIMEOUT_MS = 5_000
MAX_TIMEOUT_MS = 30_000
DEFAULT_LIMIT = 1_000
MAX_LIMIT = 10_000


PARAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
# LOAD, then whitespace or comments, then CSV (Cypher allows comments between keywords).
_LOAD_CSV = re.compile(r"\bLOAD(?:\s|/\*.*?\*/|//[^\n]*(?:\n|$))*CSV\b",
                       re.IGNORECASE | re.DOTALL)


def run_adhoc(store: GraphStore, cypher: str, params: Mapping[str, Any] | None = None,
              timeout_ms: int | None = None, limit: int | None = None) -> Answer:
    """Run an auditor's own query. Raises ReadOnlyViolation for a write, QueryTimeout past the
    time limit; asks the store for one row more than the limit to tell whether rows were left."""
    if not cypher.strip():
        raise QueryError("the query is empty")
    if _LOAD_CSV.search(cypher):
        raise QueryError("LOAD CSV is not allowed: it reads files and URLs from the store's "
                         "server; queries read the catalog only")
    bad = sorted(k for k in (params or {}) if not PARAM_NAME.match(k))
    if bad:
        raise QueryError(f"parameter names are letters, digits and _: not {bad}")
    timeout = bounded("timeout_ms", timeout_ms, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS)
    rows_max = bounded("limit", limit, DEFAULT_LIMIT, MAX_LIMIT)
    rows = store.read(cypher, dict(params or {}), timeout_ms=timeout, limit=rows_max + 1)
    truncated = len(rows) > rows_max
    rows = rows[:rows_max]
    return Answer("adhoc", list(rows[0]) if rows else [], rows, truncated,
                  {"timeout_ms": timeout, "limit": rows_max})


def bounded(name: str, value: int | None, default: int, ceiling: int) -> int:
    if value is None:
        return default
    if not 1 <= value <= ceiling:
        raise QueryError(f"{name} must be between 1 and {ceiling}")
    return value


def typed_params(raw: Mapping[str, list[str]]) -> dict[str, Any]:
    """Ad-hoc parameters from a command line: each value read as JSON when it is JSON
    (numbers, booleans, lists), else as text; a repeated key gives a list."""
    return {k: _json_or_text(v[0]) if len(v) == 1 else [_json_or_text(x) for x in v]
            for k, v in raw.items()}


def _json_or_text(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value
