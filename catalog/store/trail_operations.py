"""The trail part of the store port (catalog.port.TrailPort), in Cypher: one
implementation both adapters inherit; where FalkorDB and Neo4j differ, the adapter's dialect
decides (ADR 0021).

The statements are catalog.store.trail_cypher's (ADR 0017); each operation is one of them, so
reading and sealing the chain makes the same round trips as when the core sent them itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from catalog.port import EventSeal, Row, StoredEvent, TrailState
from catalog.store import trail_cypher as tc
from catalog.store.cypher import COMMITS_KEY
from catalog.store.runner import Runner


class TrailOperations(Runner):
    """catalog.port.TrailPort over any Cypher store."""

    def trail_state(self) -> TrailState:
        rows = self.read(tc.HEAD, {"commit_counter": COMMITS_KEY})
        if not rows:
            return TrailState(0, None, 0)
        r = rows[0]
        return TrailState(int(r["seq"] or 0), str(r["hash"]) if r["hash"] else None,
                          int(r["last"] or 0))

    def trail_events(self, after: int, upto: int) -> list[StoredEvent]:
        return [StoredEvent(int(r["seq"]), str(r["iri"]), dict(r["props"] or {}), r["who"],
                            int(r["versions"]))
                for r in self.read(tc.EVENTS, {"after": after, "upto": upto})]

    def trail_links(self, after: int, upto: int) -> list[tuple[str, list[str]]]:
        return [(str(r["event"]), [str(x) for x in r["links"]])
                for r in self.read(tc.LINKS, {"after": after, "upto": upto})]

    def detached_links_after(self, after: int) -> list[str]:
        found: list[str] = []
        for r in self.read(tc.DETACHED_AFTER, {"after": after}):
            values = r["detached"] if isinstance(r["detached"], list) else [r["detached"]]
            found.extend(str(v) for v in values)
        return found

    def versions_of_changes(self, first: int, last: int) -> list[Row]:
        return self.read(tc.VERSIONS_RANGE, {"first": first, "last": last})

    def versions_of_change(self, seq: int, skip: int, limit: int) -> list[Row]:
        return self.read(tc.VERSIONS_PAGE, {"seq": seq, "skip": skip, "limit": limit})

    def event_beyond(self, last: int) -> tuple[int, str] | None:
        rows = self.read(tc.EVENTS_BEYOND, {"last": last})
        return (int(rows[0]["seq"]), str(rows[0]["iri"])) if rows else None

    def version_beyond(self, last: int) -> tuple[int, str] | None:
        rows = self.read(tc.VERSIONS_BEYOND, {"last": last})
        return (int(rows[0]["seq"]), str(rows[0]["record"])) if rows else None

    def unnumbered_event(self) -> str | None:
        rows = self.read(tc.UNNUMBERED, {})
        return str(rows[0]["iri"]) if rows else None

    def seal_trail(self, after_seq: int, after_hash: str, seals: Sequence[EventSeal],
                   genesis: str) -> bool:
        written = self.write(tc.SEAL, {
            "commit_counter": COMMITS_KEY, "genesis": genesis,
            "from_seq": after_seq, "from_hash": after_hash,
            "to_seq": seals[-1].seq, "to_hash": seals[-1].hash,
            "rows": [s._asdict() for s in seals]})
        return bool(written and written[0]["n"])

    def event_links_to(self, iris: Sequence[str]) -> list[tuple[str, str, str]]:
        return [(str(r["event"]), str(r["type"]), str(r["iri"]))
                for r in self.read(tc.LINKS_TO, {"iris": list(iris)})]
