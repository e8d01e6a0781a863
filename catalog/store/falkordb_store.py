"""FalkorDB adapter: the embedded default store (see ADR 0002).

Each statement is atomic in FalkorDB (a runtime error rolls the whole query back), so a change
is one statement up to STATEMENT_NODES nodes. A larger change goes in one Redis MULTI/EXEC
block: run without interleaving and appended to the AOF as a unit, but a failing statement does
not undo the others of the block; validation before the write is what keeps that from happening.
"""

from __future__ import annotations

import random
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import redis.exceptions
from falkordb import FalkorDB
from falkordb.helpers import stringify_param_value

from catalog.graphmap import Node
from catalog.port import (
    QueryTimeout,
    ReadOnlyViolation,
    Row,
    StillReferenced,
    StoreChange,
    StoreError,
    StoreUnavailable,
    check_expected,
)
from catalog.store import compound, cypher
from catalog.store.access_operations import AccessOperations
from catalog.store.cycle_operations import CycleOperations
from catalog.store.plans_operations import PlansOperations
from catalog.store.progress_operations import ProgressOperations
from catalog.store.provinces_operations import ProvincesOperations
from catalog.store.records_operations import RecordsOperations
from catalog.store.rows import node_from_row
from catalog.store.runner import Statement
from catalog.store.saved_operations import SavedQueriesOperations
from catalog.store.trail_operations import TrailOperations

_INDEX = "CREATE INDEX FOR (n:Resource) ON (n.iri)"
COUNTER_INDEX = f"CREATE INDEX FOR (c:{cypher.COUNTER_LABEL}) ON (c.key)"


def side_index(label: str, key: str) -> str:
    """The index of a side node (accounts, tokens, versions); uniqueness is kept by MERGE,
    since FalkorDB runs one write at a time."""
    return f"CREATE INDEX FOR (n:{label}) ON (n.{key})"


# One statement's cost grows faster than its size (a 5k-node slice of a synthetic catalog with
# its relationships: 1.1 s; 10k: 3.3 s; 20k: 14.9 s), so big changes go as 5k-node statements.
STATEMENT_NODES = 5_000
# The AOF replays Cypher on restart; a lookup the index in the AOF base cannot serve replays in
# quadratic time (61 s for 10k nodes), so it is rewritten after the index and after big loads.
REWRITE_AFTER_NODES = 5_000
# A conditional write (ADR 0009) WATCHes the graph key, reads, checks, then runs in MULTI/EXEC;
# EXEC fails when anything wrote the graph meanwhile, and the write starts over, this often.
CONDITIONAL_TRIES = 50
# A backup reads a copy of the graph the server makes at one moment (GRAPH.COPY, ADR 0012); the
# copy is a key `<graph>.snapshot.<id>` that Redis drops by itself after this long, should the
# process reading it die before it deletes it.
SNAPSHOT_TTL_SECONDS = 24 * 3600


def _header(params: Mapping[str, Any]) -> str:
    header = "CYPHER " + " ".join(f"{k}={stringify_param_value(v)} " for k, v in params.items())
    if "\x00" in header:
        raise StoreError(_NUL)
    return header


# FalkorDB reads a query as a C string: a NUL in a parameter would end the query there. Input
# paths remove or refuse NUL (catalog.text, loaders, api.limits); this is the last guard.
_NUL = "a value holds a NUL character, which FalkorDB cannot take; nothing was sent"


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def _refusal(exc: redis.exceptions.ResponseError) -> StoreError:
    text = str(exc)
    if "read-only" in text or "RO_QUERY" in text:
        return ReadOnlyViolation(text)
    if "timed out" in text.lower():
        return QueryTimeout(text)
    return StoreError(text)


class FalkorStore(CycleOperations, RecordsOperations, AccessOperations, TrailOperations,
                  SavedQueriesOperations, PlansOperations, ProgressOperations,
                  ProvincesOperations):
    name = "falkordb"

    def __init__(self, client: FalkorDB, graph: str,
                 rewrite_aof: Callable[[], None] | None = None) -> None:
        self._client = client
        self._graph = client.select_graph(graph)
        self._graph_name = graph
        self._rewrite_aof = rewrite_aof  # None when the server is not govcat's own

    def _run(self, query: str, params: Mapping[str, Any] | None, read_only: bool,
             timeout_ms: int | None = None, limit: int | None = None) -> list[Row]:
        if "\x00" in query or _has_nul(params):
            raise StoreError(_NUL)
        try:
            if read_only:
                result = self._graph.ro_query(query, dict(params or {}), timeout=timeout_ms)
            else:
                result = self._graph.query(query, dict(params or {}))
        except redis.exceptions.ConnectionError as exc:
            raise StoreUnavailable(f"FalkorDB is not reachable: {exc}") from exc
        except redis.exceptions.ResponseError as exc:
            raise _refusal(exc) from exc
        except ValueError as exc:  # a value the client cannot write (a map key with a backtick)
            raise StoreError(f"a parameter cannot be sent to FalkorDB: {exc}") from exc
        names = [h[1] if isinstance(h, list | tuple) else h for h in result.header]
        # FalkorDB sends the whole result set; the time limit is what bounds its size.
        rows = result.result_set if limit is None else result.result_set[:limit]
        return [dict(zip(names, r, strict=True)) for r in rows]

    def setup(self) -> None:
        # Not RO_QUERY: on a graph key that does not exist yet, only GRAPH.QUERY answers.
        indexed = self._run("CALL db.indexes() YIELD label, properties RETURN label, properties",
                            None, read_only=False)
        if not any(r["label"] == "Resource" and "iri" in r["properties"] for r in indexed):
            self._create_index(_INDEX)
            self._housekeeping()
        if not any(r["label"] == cypher.COUNTER_LABEL for r in indexed):
            self._create_index(COUNTER_INDEX)
        for label, key, _ in cypher.SIDE_KEYS:  # a label may have several (Version)
            if not any(r["label"] == label and key in r["properties"] for r in indexed):
                self._create_index(side_index(label, key))

    def _create_index(self, statement: str) -> None:
        try:
            self._run(statement, None, read_only=False)
        except StoreError as exc:
            # Two commands starting on a new store at once (two loads) both create it.
            if "already indexed" not in str(exc):
                raise

    def _housekeeping(self) -> None:
        if self._rewrite_aof is not None:
            self._rewrite_aof()

    def apply(self, change: StoreChange) -> None:
        writes = (cypher.write_batches(change.nodes, change.links, STATEMENT_NODES)
                  if change.nodes or change.links or not change.delete else [])
        if change.expect or change.delete:
            deletes = ([(cypher.DELETE_RECORDS, {"iris": list(change.delete)})]
                       if change.delete else [])
            self._apply_conditional(change, deletes + writes + list(change.after))
        else:
            self._apply(writes + list(change.after))
        if len(change.nodes) >= REWRITE_AFTER_NODES:
            self._housekeeping()

    def _apply_conditional(self, change: StoreChange,
                           batches: list[tuple[str, dict[str, Any]]]) -> None:
        """Check `change.expect` and the deletes' referrers, then write, with nothing written
        to the graph in between: Redis WATCH on the graph key, MULTI/EXEC (optimistic)."""
        iris = sorted(set(change.expect) | set(change.delete))
        for attempt in range(CONDITIONAL_TRIES):
            pipe = self._client.connection.pipeline(transaction=True)
            try:
                pipe.watch(self._graph_name)
                check_expected(change.expect, {n.iri: n for n in self.describe(iris)})
                self._check_unreferenced(change.delete)
                pipe.multi()
                for query, params in batches:
                    pipe.execute_command("GRAPH.QUERY", self._graph_name,
                                         _header(params) + query, "--compact")
                replies = pipe.execute(raise_on_error=True)
            except redis.exceptions.WatchError:
                time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
                continue
            except redis.exceptions.ConnectionError as exc:
                raise StoreUnavailable(f"FalkorDB is not reachable: {exc}") from exc
            except redis.exceptions.ResponseError as exc:
                raise StoreError(str(exc)) from exc
            finally:
                pipe.reset()
            for reply in replies:
                if isinstance(reply, Exception):
                    raise StoreError(str(reply))
            return
        raise StoreUnavailable("the graph kept changing under a conditional write; retry")

    def _check_unreferenced(self, iris: Sequence[str]) -> None:
        if not iris:
            return
        found: dict[str, list[str]] = defaultdict(list)
        for r in self.read(cypher.REFERRING_RECORDS, {"iris": list(iris)}):
            found[r["iri"]].append(r["referrer"])
        if found:
            raise StillReferenced(found)

    def _apply(self, batches: list[tuple[str, dict[str, Any]]]) -> None:
        if len(batches) == 1:
            self._run(*batches[0], read_only=False)
            return
        pipe = self._client.connection.pipeline(transaction=True)
        for query, params in batches:
            pipe.execute_command("GRAPH.QUERY", self._graph_name, _header(params) + query,
                                 "--compact")
        try:
            replies = pipe.execute(raise_on_error=True)
        except redis.exceptions.ConnectionError as exc:
            raise StoreUnavailable(f"FalkorDB is not reachable: {exc}") from exc
        except redis.exceptions.ResponseError as exc:
            raise StoreError(str(exc)) from exc
        for reply in replies:
            if isinstance(reply, Exception):
                raise StoreError(str(reply))

    def describe(self, iris: Sequence[str]) -> list[Node]:
        if not iris:
            return []
        rows = self._run(cypher.DESCRIBE, {"iris": list(iris)}, read_only=True)
        return [node_from_row(r) for r in rows]

    def referrers(self, iris: Sequence[str]) -> list[str]:
        if not iris:
            return []
        return [r["iri"] for r in self._run(cypher.REFERRERS, {"iris": list(iris)}, True)]

    def read(self, query: str, params: Mapping[str, Any] | None = None, *,
             timeout_ms: int | None = None, limit: int | None = None) -> list[Row]:
        return self._run(query, params, True, timeout_ms, limit)

    def write(self, query: str, params: Mapping[str, Any] | None = None,
              then: Sequence[Statement] = ()) -> list[Row]:
        # One GRAPH.QUERY runs alone on its graph and is rolled back whole on an error: the
        # statements that follow a guard go into the same one (catalog.store.compound), not
        # a MULTI/EXEC block, which keeps what ran before a failing statement (ADR 0019).
        if then:
            query, params = compound.compose((query, dict(params or {})), then)
        return self._run(query, params, read_only=False)

    def clear(self) -> None:
        self._run(cypher.DELETE_ALL, None, read_only=False)

    @contextmanager
    def snapshot(self) -> Iterator[FalkorStore]:
        """The server copies the graph at one moment, between two writes (GRAPH.COPY runs
        alone on the graph, and a multi-statement change is one MULTI/EXEC block it cannot
        split); the copy is read while writes go on, then deleted. The copy costs its memory
        while it lives, and reaches the AOF (as GRAPH.RESTORE, then GRAPH.DELETE): govcat's
        own server compacts the AOF after."""
        name = f"{self._graph_name}.snapshot.{uuid.uuid4().hex[:16]}"
        conn = self._client.connection
        try:
            conn.execute_command("GRAPH.COPY", self._graph_name, name)
            conn.execute_command("EXPIRE", name, SNAPSHOT_TTL_SECONDS)
        except redis.exceptions.ConnectionError as exc:
            raise StoreUnavailable(f"FalkorDB is not reachable: {exc}") from exc
        except redis.exceptions.ResponseError as exc:
            raise StoreError(f"FalkorDB could not copy the graph for a snapshot: {exc}") from exc
        try:
            yield FalkorStore(self._client, name)
        finally:
            try:
                conn.execute_command("GRAPH.DELETE", name)
            except redis.exceptions.RedisError:
                pass  # it expires by itself (SNAPSHOT_TTL_SECONDS)
            else:
                self._housekeeping()

    def close(self) -> None:
        self._client.connection.close()
