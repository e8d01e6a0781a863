"""Neo4j adapter, for production: the official driver, `neo4j://` routing URIs, so a cluster
works unchanged. Each change is one transaction (`execute_write`, retried by the driver on
transient errors); reads go through `execute_read`, which the server refuses to let write.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any

import neo4j
from neo4j.exceptions import ClientError, ServiceUnavailable, SessionExpired

from catalog.graphmap import Node
from catalog.ontology import RESOURCE_LABEL
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
from catalog.store import cypher
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

CONSTRAINT = (
    "CREATE CONSTRAINT resource_iri IF NOT EXISTS FOR (n:Resource) REQUIRE n.iri IS UNIQUE"
)

# MERGE of an ID counter is only safe under concurrency with a uniqueness constraint (ADR 0005).
COUNTER_CONSTRAINT = (
    f"CREATE CONSTRAINT id_counter_key IF NOT EXISTS FOR (c:{cypher.COUNTER_LABEL}) "
    "REQUIRE c.key IS UNIQUE"
)


def side_key(label: str, key: str, unique: bool) -> str:
    """The constraint (unique) or index of a side node: accounts, tokens, versions."""
    name = f"{label.lower()}_{key}"
    if unique:
        return (f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{label}) "
                f"REQUIRE n.{key} IS UNIQUE")
    return f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{label}) ON (n.{key})"


def _refusal(exc: ClientError) -> StoreError:
    code = exc.code or ""
    if "write" in code.lower() or "AccessMode" in code:
        return ReadOnlyViolation(exc.message or str(exc))
    if "TimedOut" in code or "Terminated" in code:
        return QueryTimeout(exc.message or str(exc))
    return StoreError(exc.message or str(exc))


class _RecordReads(CycleOperations, RecordsOperations, AccessOperations, TrailOperations,
                   SavedQueriesOperations, PlansOperations, ProgressOperations,
                   ProvincesOperations):
    """describe and referrers, by `read`: the same for the store and for a snapshot of it."""

    def read(self, query: str, params: Mapping[str, Any] | None = None, *,
             timeout_ms: int | None = None, limit: int | None = None) -> list[Row]:
        raise NotImplementedError

    def describe(self, iris: Sequence[str]) -> list[Node]:
        if not iris:
            return []
        return [node_from_row(r) for r in self.read(cypher.DESCRIBE, {"iris": list(iris)})]

    def referrers(self, iris: Sequence[str]) -> list[str]:
        if not iris:
            return []
        return [r["iri"] for r in self.read(cypher.REFERRERS, {"iris": list(iris)})]


class Neo4jStore(_RecordReads):
    name = "neo4j"

    def __init__(self, driver: neo4j.Driver, database: str) -> None:
        self._driver = driver
        self._database = database

    def _session(self) -> neo4j.Session:
        return self._driver.session(database=self._database)

    def setup(self) -> None:
        with self._session() as s:
            s.run(CONSTRAINT).consume()
            s.run(COUNTER_CONSTRAINT).consume()
            for label, key, unique in cypher.SIDE_KEYS:
                s.run(side_key(label, key, unique)).consume()

    def apply(self, change: StoreChange) -> None:
        writes = (cypher.write_batches(change.nodes, change.links)
                  if change.nodes or change.links or not change.delete else [])
        batches = writes + list(change.after)
        conditional = bool(change.expect or change.delete)

        def work(tx: neo4j.ManagedTransaction) -> None:
            if conditional:
                _check_and_delete(tx, change)
            for query, params in batches:
                tx.run(query, params).consume()

        self._write(work)

    def _write(self, work: Any) -> None:
        try:
            with self._session() as s:
                s.execute_write(work)
        except (ServiceUnavailable, SessionExpired) as exc:
            raise StoreUnavailable(f"Neo4j is not reachable: {exc}") from exc
        except ClientError as exc:
            raise StoreError(exc.message or str(exc)) from exc

    def read(self, query: str, params: Mapping[str, Any] | None = None, *,
             timeout_ms: int | None = None, limit: int | None = None) -> list[Row]:
        timeout = None if timeout_ms is None else timeout_ms / 1000

        @neo4j.unit_of_work(timeout=timeout)
        def work(tx: neo4j.ManagedTransaction) -> list[Row]:
            # Rows stream from the server: stopping at `limit` leaves the rest unfetched.
            rows = islice(tx.run(query, dict(params or {})), limit)
            return [r.data() for r in rows]

        try:
            with self._session() as s:
                return s.execute_read(work)
        except (ServiceUnavailable, SessionExpired) as exc:
            raise StoreUnavailable(f"Neo4j is not reachable: {exc}") from exc
        except ClientError as exc:
            raise _refusal(exc) from exc

    def write(self, query: str, params: Mapping[str, Any] | None = None,
              then: Sequence[Statement] = ()) -> list[Row]:
        rows: list[Row] = []

        def work(tx: neo4j.ManagedTransaction) -> None:
            # A retried transaction starts again from nothing: keep only the last try's rows.
            rows[:] = [r.data() for r in tx.run(query, dict(params or {}))]
            if rows:  # `then` only after a guard that held, in the same transaction
                for statement, values in then:
                    tx.run(statement, dict(values)).consume()

        self._write(work)
        return rows

    def clear(self) -> None:
        self._write(lambda tx: tx.run(cypher.DELETE_ALL).consume())

    @contextmanager
    def snapshot(self) -> Iterator[_TransactionView]:
        """One transaction that first takes the commit counter's lock (cypher.SNAPSHOT_LOCK):
        every numbered change takes it last, just before it commits, so while the view is
        open no numbered change commits (writers wait at their last statement), and the view
        reads, read-committed, every change up to that moment. Writes that take no change
        number (accounts, tokens, saved queries) may land meanwhile. Rolled back at the end:
        nothing is written."""
        try:
            with self._session() as session:
                tx = session.begin_transaction()
                try:
                    tx.run(cypher.SNAPSHOT_LOCK,
                           {"commit_counter": cypher.COMMITS_KEY}).consume()
                    yield _TransactionView(tx)
                finally:
                    tx.close()  # rolls back: the lock goes, nothing is written
        except (ServiceUnavailable, SessionExpired) as exc:
            raise StoreUnavailable(f"Neo4j is not reachable: {exc}") from exc
        except ClientError as exc:
            raise _refusal(exc) from exc

    def close(self) -> None:
        self._driver.close()


def _check_and_delete(tx: neo4j.ManagedTransaction, change: StoreChange) -> None:
    """First in a conditional write's transaction (ADR 0009): lock the records it expects or
    deletes, so a concurrent writer waits and what is read next is the latest committed
    state; check the expected versions and that nothing else points at the deleted records;
    delete them. Raising here rolls the transaction back: nothing is written."""
    written = {n.iri for n in change.nodes}
    guarded = sorted(set(change.expect) | set(change.delete))
    created = [i for i in guarded if i in written]
    existing = [i for i in guarded if i not in written]
    if created:
        tx.run(cypher.LOCK_WRITTEN_RECORDS, {"iris": created}).consume()
    if existing:
        tx.run(cypher.LOCK_RECORDS, {"iris": existing}).consume()
    nodes = [node_from_row(r.data()) for r in tx.run(cypher.DESCRIBE, {"iris": guarded})]
    # A node that only the lock made has no class label yet: the record does not exist.
    check_expected(change.expect, {n.iri: n for n in nodes if n.label != RESOURCE_LABEL})
    if created:
        tx.run(cypher.DROP_PLACEHOLDERS, {"iris": created}).consume()
    if change.delete:
        found: dict[str, list[str]] = defaultdict(list)
        for r in tx.run(cypher.REFERRING_RECORDS, {"iris": list(change.delete)}):
            found[r["iri"]].append(r["referrer"])
        if found:
            raise StillReferenced(found)
        tx.run(cypher.DELETE_RECORDS, {"iris": list(change.delete)}).consume()


class _TransactionView(_RecordReads):
    """The store as one open transaction sees it (Neo4jStore.snapshot): reads only."""

    name = "neo4j"

    def __init__(self, tx: neo4j.Transaction) -> None:
        self._tx = tx

    def read(self, query: str, params: Mapping[str, Any] | None = None, *,
             timeout_ms: int | None = None, limit: int | None = None) -> list[Row]:
        return [r.data() for r in islice(self._tx.run(query, dict(params or {})), limit)]

    def setup(self) -> None:
        raise StoreError("a snapshot is read-only")

    def apply(self, change: StoreChange) -> None:
        raise StoreError("a snapshot is read-only")

    def write(self, query: str, params: Mapping[str, Any] | None = None,
              then: Sequence[Statement] = ()) -> list[Row]:
        raise StoreError("a snapshot is read-only")

    def clear(self) -> None:
        raise StoreError("a snapshot is read-only")

    @contextmanager
    def snapshot(self) -> Iterator[_TransactionView]:
        yield self

    def close(self) -> None:
        pass
