"""Saved queries (ADR 0004): an auditor's own read-only Cypher kept under a name, with a
description, declared parameters and its author, shared between auditors.

They live in the graph as nodes labelled `SavedQuery`, never `Resource`, so they are store
bookkeeping like the ID counters: never exported, counted or validated as catalog data. The
store keeps them through its named operations (catalog.port.SavedQueriesPort; their
Cypher is in catalog/store/saved_cypher.py). A query is saved only after it has run once,
read-only, with its parameters empty and a row limit of one: the store refuses a write, so a
query that writes is never saved, and one that does not parse is told so at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from catalog.port import (
    GraphStore,
    QueryTimeout,
    ReadOnlyViolation,
    Row,
    StoreError,
    StoreUnavailable,
)
from graph_queries import adhoc
from graph_queries.answer import Answer, QueryError

NAME = re.compile(r"^\w[\w.-]{0,99}$")  # letters of any script, digits, _ . - (a URL segment)
PARAM = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")  # a Cypher $parameter


@dataclass(frozen=True)
class SavedParam:
    name: str
    optional: bool = False
    description: str = ""


@dataclass(frozen=True)
class SavedQuery:
    name: str
    cypher: str
    description: str
    params: tuple[SavedParam, ...]
    author: str
    created: str | None = None
    updated: str | None = None
    updated_by: str | None = None
    timeout_ms: int | None = None
    limit: int | None = None

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["params"] = [asdict(p) for p in self.params]
        return out


def param_spec(spec: str | Mapping[str, Any] | SavedParam) -> SavedParam:
    """A declared parameter from `NAME`, `NAME?` (optional), `NAME=what it is` or a mapping
    with name, optional, description."""
    if isinstance(spec, SavedParam):
        p = spec
    elif isinstance(spec, Mapping):
        p = SavedParam(str(spec.get("name", "")), bool(spec.get("optional", False)),
                       str(spec.get("description") or ""))
    else:
        head, _, doc = str(spec).partition("=")
        head = head.strip()
        p = SavedParam(head.rstrip("?").strip(), head.endswith("?"), doc.strip())
    if not PARAM.match(p.name):
        raise QueryError(f"a parameter name is a Cypher name (letters, digits, _), not {p.name!r}")
    return p


def save(store: GraphStore, name: str, cypher: str, description: str, author: str,
         params: Sequence[str | Mapping[str, Any] | SavedParam] = (),
         timeout_ms: int | None = None, limit: int | None = None,
         replace: bool = False) -> tuple[SavedQuery, bool]:
    """Save (or, with `replace`, overwrite) a query after running it once, read-only; returns
    it and whether it is new. Refuses a name already taken unless `replace`."""
    if not NAME.match(name or ""):
        raise QueryError("a saved query's name is letters, digits, _ . - (at most 100), "
                         f"not {name!r}")
    if not description.strip():
        raise QueryError("describe what the query answers: a saved query is shared")
    if not author.strip():
        raise QueryError("a saved query names its author")
    declared = tuple(param_spec(p) for p in params)
    names = [p.name for p in declared]
    if len(set(names)) != len(names):
        raise QueryError("a parameter is declared twice")
    timeout = adhoc.bounded("timeout_ms", timeout_ms, adhoc.DEFAULT_TIMEOUT_MS,
                            adhoc.MAX_TIMEOUT_MS)
    _validate(store, cypher, declared, timeout)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    created = store.save_query(
        name, cypher=cypher.strip(), description=description.strip(),
        params=[asdict(p) for p in declared], author=author.strip(), now=now,
        timeout_ms=timeout_ms,
        row_limit=None if limit is None else adhoc.bounded(
            "limit", limit, adhoc.DEFAULT_LIMIT, adhoc.MAX_LIMIT),
        replace=replace)
    if created is None:
        raise QueryError(f"a saved query named {name!r} exists; replace it explicitly, or "
                         "choose another name")
    return get(store, name), created


def _validate(store: GraphStore, cypher: str, declared: Sequence[SavedParam],
              timeout_ms: int) -> None:
    try:
        adhoc.run_adhoc(store, cypher, {p.name: None for p in declared}, timeout_ms, limit=1)
    except (ReadOnlyViolation, StoreUnavailable):
        raise
    except QueryTimeout as exc:
        raise QueryTimeout(f"not saved: with its parameters empty it ran past {timeout_ms} ms "
                           f"({exc}); give it a larger time limit (at most "
                           f"{adhoc.MAX_TIMEOUT_MS} ms)") from None
    except StoreError as exc:
        raise QueryError(f"not saved: the query does not run ({exc}); every $parameter it "
                         "uses must be declared") from None


def listing(store: GraphStore) -> list[SavedQuery]:
    return [_from_row(r) for r in store.saved_queries()]


def get(store: GraphStore, name: str) -> SavedQuery:
    rows = store.saved_queries(name)
    if not rows:
        raise QueryError(f"no saved query named {name!r}")
    return _from_row(rows[0])


def delete(store: GraphStore, name: str) -> None:
    if not store.delete_saved_query(name):
        raise QueryError(f"no saved query named {name!r}")


def _from_row(r: Row) -> SavedQuery:
    params = tuple(param_spec(p) for p in r["params"])
    return SavedQuery(r["name"], r["cypher"], r["description"], params, r["author"],
                      r["created"], r["updated"], r["updated_by"], r["timeout_ms"],
                      r["row_limit"])


def run_saved(store: GraphStore, name: str, raw: Mapping[str, Any],
              timeout_ms: int | None = None, limit: int | None = None) -> Answer:
    """Run a saved query with values for its declared parameters (an optional one left out is
    null), read-only, within its own limits unless the caller gives others."""
    q = get(store, name)
    known = {p.name for p in q.params}
    unknown = set(raw) - known
    if unknown:
        raise QueryError(f"{name} takes no parameter {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for p in q.params:
        value = raw.get(p.name)
        if value is None and not p.optional:
            raise QueryError(f"{name} needs the parameter {p.name}"
                             + (f" ({p.description})" if p.description else ""))
        values[p.name] = value
    answer = adhoc.run_adhoc(store, q.cypher, values, timeout_ms or q.timeout_ms,
                             limit or q.limit)
    answer.name = q.name
    answer.params = values
    answer.meta["saved"] = {"description": q.description, "author": q.author,
                            "updated": q.updated}
    return answer
