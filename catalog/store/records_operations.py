"""The records part of the store port (catalog.port.RecordsPort), in Cypher: one
implementation both adapters inherit; where FalkorDB and Neo4j differ, the adapter's dialect
decides (ADR 0021).

Each operation runs the statements the core ran itself before, in the same number of round
trips: the change event and the records' versions stay in the write's own transaction
(StoreChange.after), and the statements built from relationship types are made once per set
of types (every write asks for them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from typing import Any

from catalog.port import (
    ChangeEvent,
    CommittedChange,
    StoreChange,
    StoredVersion,
)
from catalog.store import cypher
from catalog.store.reach_cypher import descendants_statement
from catalog.store.runner import Runner

# Versions of records per statement of a change event (cypher.VERSIONS): a bulk load writes
# them part by part, in its one transaction.
VERSION_ROWS = 5000


class RecordsOperations(Runner):
    """catalog.port.RecordsPort over any Cypher store."""

    # -- writes -----------------------------------------------------------------------------

    def commit_change(self, change: StoreChange, event: ChangeEvent) -> None:
        self.apply(replace(change, after=[*event_statements(event), *change.after]))

    # -- records --------------------------------------------------------------------------

    def count_stored(self, iris: Sequence[str]) -> int:
        rows = self.read(cypher.COUNT_IRIS, {"iris": list(iris)})
        return int(rows[0]["n"]) if rows else 0

    def counts_by_label(self) -> dict[str, int]:
        return {r["label"]: r["n"] for r in self.read(cypher.COUNT_BY_LABEL)}

    def iris_after(self, after: str, limit: int) -> list[str]:
        return [r["iri"] for r in self.read(cypher.ALL_IRIS_PAGE,
                                            {"after": after, "limit": limit})]

    def agency_iris(self, agency: str) -> list[str]:
        rows = self.read(cypher.AGENCY_IRIS, {"agency": agency})
        return sorted({i for r in rows for i in r["iris"] if i})

    def record_versions(self, iri: str) -> list[StoredVersion]:
        return [StoredVersion(int(r["seq"]), str(r["at"]), r["content"], bool(r["working"]))
                for r in self.read(cypher.RECORD_VERSIONS, {"iri": iri})]

    def change_numbers(self, iri: str, action: str) -> list[int]:
        return [int(r["seq"]) for r in self.read(cypher.HISTORY, {"iri": iri})
                if r["action"] == action]

    # -- neighbourhoods (catalog.validation, ADR 0003, ADR 0013, ADR 0018) ---------------

    def id_holders(self, ids: Sequence[str]) -> list[str]:
        return [r["iri"] for r in self.read(cypher.SAME_ID, {"ids": list(ids)})]

    def record_referrers(self, iris: Sequence[str], leave_out: frozenset[str]) -> list[str]:
        rows = self.read(cypher.RECORD_REFERRERS, {"iris": list(iris)})
        return [r["iri"] for r in rows if leave_out.isdisjoint(r["labels"])]

    def referrers_by(self, iris: Sequence[str], rel_types: frozenset[str]) -> list[str]:
        rows = self.read(_referrers_by_statement(rel_types), {"iris": list(iris)})
        return [r["iri"] for r in rows]

    def descendants(self, iris: Sequence[str], rel_types: frozenset[str],
                    leave_out: frozenset[str]) -> list[str]:
        rows = self.read(_descendants_statement(rel_types), {"iris": list(iris)})
        return [r["iri"] for r in rows if leave_out.isdisjoint(r["labels"])]

    # -- resources (ADR 0009) -------------------------------------------------------------

    def kind_page(self, label: str, after: str, limit: int, *, agency: str | None = None,
                  status: str | None = None, text: str | None = None,
                  folds: Sequence[Sequence[str]] = (), step: str | None = None,
                  step_state: str | None = None,
                  anchors: Sequence[Sequence[str]] = ()) -> list[str]:
        params: dict[str, Any] = {"after": after, "limit": limit, "agency": agency,
                                  "status": status, "text": text,
                                  "folds": [list(f) for f in folds],
                                  "anchors": [list(a) for a in anchors]}
        if step_state is not None:
            params |= {"step": step, "step_state": step_state}
        statement = cypher.resource_list_statement(label, by_step=step_state is not None,
                                                   by_agency=agency is not None)
        # By agency the statement is two parts, each sorted and cut to $limit: merged here.
        return sorted({r["iri"] for r in self.read(statement, params)})[:limit]

    def still_referring(self, iri: str) -> list[str]:
        return [r["referrer"] for r in self.read(cypher.REFERRING_RECORDS, {"iris": [iri]})]

    # -- the change feed (ADR 0009) -------------------------------------------------------

    def changes_after(self, after: int, limit: int) -> list[CommittedChange]:
        return [CommittedChange(int(r["seq"]), r["iri"], r["action"], r["at"], r["records"],
                                list(zip(r.get("deleted") or [], r.get("deleted_labels") or [],
                                         strict=False)))
                for r in self.read(cypher.CHANGES, {"after": after, "limit": limit})]

    def last_change(self) -> int:
        rows = self.read(cypher.LAST_CHANGE, {"commit_counter": cypher.COMMITS_KEY})
        return int(rows[0]["seq"]) if rows else 0

    # -- legacy identifiers (R-4.2, ADR 0015) ---------------------------------------------

    def legacy_holders(self, scheme: str, ids: Sequence[str]) -> list[tuple[str, str]]:
        rows = self.read(cypher.LEGACY_HOLDERS, {"scheme": scheme, "ids": list(ids)})
        return [(r["id"], r["iri"]) for r in rows]


def event_statements(event: ChangeEvent) -> list[tuple[str, dict[str, Any]]]:
    """The statements that record a change (cypher.COMMIT; cypher.VERSIONS in parts of
    VERSION_ROWS, cypher.WORKING_VERSIONS, cypher.EVENT_USED when it has them), run last in
    the change's transaction."""
    statements: list[tuple[str, dict[str, Any]]] = [(cypher.COMMIT, {
        "agent": event.agent, "actor": event.actor, "event": _event_props(event),
        "association": {"iri": event.iri + "/association", "actingAs": event.role},
        "agencies": list(event.agencies), "commit_counter": cypher.COMMITS_KEY})]
    versions = [{"iri": iri, "content": content} for iri, content in event.versions]
    for start in range(0, len(versions), VERSION_ROWS):
        statements.append((cypher.VERSIONS, {"event": event.iri,
                                             "records": versions[start:start + VERSION_ROWS]}))
    if event.working:
        statements.append((cypher.WORKING_VERSIONS, {"event": event.iri, "records": [
            {"iri": iri, "content": content} for iri, content in event.working]}))
    statements += [(cypher.EVENT_USED, {"event": event.iri, "record": iri})
                   for iri in event.used]
    return statements


def _event_props(event: ChangeEvent) -> dict[str, Any]:
    """The properties of the event's node (prov:Activity); those without a value are left
    out, as the trail's hashes read what is stored (ADR 0017)."""
    props: dict[str, Any] = {"iri": event.iri, "action": event.action,
                             "endedAtTime": event.at}
    if event.source is not None:
        props["source"] = event.source
    if event.reason is not None:
        props["reason"] = event.reason
    if event.deleted:
        props["deleted"] = [iri for iri, _ in event.deleted]
        props["deletedLabels"] = [label for _, label in event.deleted]
    if event.detached:
        props["detached"] = list(event.detached)
    return props


@cache
def _referrers_by_statement(rel_types: frozenset[str]) -> str:
    return cypher.referrers_by_statement(rel_types)


@cache
def _descendants_statement(rel_types: frozenset[str]) -> str:
    return descendants_statement(rel_types)
