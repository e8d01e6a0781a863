"""The store port's behaviour, identical on FalkorDB and Neo4j."""

from __future__ import annotations

import threading

import pytest

from catalog.graphmap import Node
from catalog.port import GraphStore, ReadOnlyViolation, StoreChange, StoreError
from catalog.store.falkordb_server import FalkorServer
from catalog.store.falkordb_store import FalkorStore

A = "https://govcat.test/id/agency/A"
D1 = "https://govcat.test/id/agency/A/duty/1"
D2 = "https://govcat.test/id/agency/A/duty/2"
S = "https://govcat.test/id/agency/A/service/1"


def _service(duties: tuple[str, ...], title: str = "خدمت") -> Node:
    return Node(S, "PublicService", {"title@fa": title, "ref": "1"},
                {"follows": duties, "agency": (A,)})


def _base() -> list[Node]:
    return [
        Node(A, "PublicOrganisation", {"identifier": "A", "prefLabel@fa": "دستگاه"}),
        Node(D1, "Duty", {"title@fa": "وظیفه ۱", "ref": "1"}, {"agency": (A,)}),
        Node(D2, "Duty", {"title@fa": "وظیفه ۲", "ref": "2", "changedOn": "2024-12-28"},
             {"agency": (A,)}),
    ]


def test_apply_then_describe_gives_the_same_nodes(store: GraphStore) -> None:
    nodes = [*_base(), _service((D1, D2))]
    store.apply(StoreChange(nodes))
    got = {n.iri: n for n in store.describe([n.iri for n in nodes])}
    assert got == {n.iri: n for n in nodes}


def test_apply_replaces_properties_and_relationships(store: GraphStore) -> None:
    store.apply(StoreChange([*_base(), _service((D1, D2))]))
    store.apply(StoreChange([_service((D2,), title="خدمت نو")]))
    [svc] = store.describe([S])
    assert svc.rels["follows"] == (D2,)
    assert svc.props == {"title@fa": "خدمت نو", "ref": "1"}


def test_applying_twice_changes_nothing(store: GraphStore) -> None:
    change = StoreChange([*_base(), _service((D1,))])
    store.apply(change)
    store.apply(change)
    rows = store.read("MATCH (n:Resource) RETURN count(n) AS n")
    assert rows == [{"n": 4}]
    rels = store.read("MATCH (:Resource)-[r]->(:Resource) RETURN count(r) AS n")
    assert rels == [{"n": 4}]


def test_duplicate_iris_in_one_change_keep_the_last(store: GraphStore) -> None:
    store.apply(StoreChange([*_base(), _service((D1,), "اول"), _service((D2,), "دوم")]))
    [svc] = store.describe([S])
    assert svc.props["title@fa"] == "دوم"
    assert svc.rels["follows"] == (D2,)


def test_large_change_spanning_several_statements_is_applied_whole(store: GraphStore) -> None:
    nodes = [Node(f"https://govcat.test/id/unit/{i}", "OrganizationalUnit",
                  {"identifier": str(i)}, {"agency": (A,)}) for i in range(4500)]
    store.apply(StoreChange([_base()[0], *nodes]))
    assert store.read("MATCH (n:OrganizationalUnit) RETURN count(n) AS n") == [{"n": 4500}]


def test_referrers_and_links(store: GraphStore) -> None:
    store.apply(StoreChange([*_base(), _service((D1,))]))
    assert sorted(store.referrers([D1])) == [S]
    store.apply(StoreChange([], links=[(S, "follows", D2)]))
    [svc] = store.describe([S])
    assert svc.rels["follows"] == (D1, D2)


def test_reads_cannot_write(store: GraphStore) -> None:
    with pytest.raises(ReadOnlyViolation):
        store.read("CREATE (:Resource {iri: $iri})", {"iri": "x"})
    assert store.read("MATCH (n) RETURN count(n) AS n") == [{"n": 0}]


def test_persian_text_survives_the_round_trip(store: GraphStore) -> None:
    title = "صدور شناسنامهٔ المثنی — «نوبت» ۱۲ \"quoted\" \\ back"
    store.apply(StoreChange([Node(D1, "Duty", {"title@fa": title, "ref": "1"})]))
    assert store.describe([D1])[0].props["title@fa"] == title


def test_two_commands_setting_up_a_new_store_at_once_both_succeed(
        falkor_server: FalkorServer) -> None:
    """Two `govcat load`s started together on a new FalkorDB graph both read "no index yet"
    and both create it; the second must not fail (FalkorDB answers "already indexed"; Neo4j's
    constraints are created IF NOT EXISTS)."""
    stores = [FalkorStore(falkor_server.connect(), "setup-race") for _ in range(2)]
    stores[0].clear()
    errors: list[BaseException] = []

    def setup_as_if_first(store: FalkorStore) -> None:
        try:
            for _ in range(2):  # as a command that read the empty index list would
                store._create_index("CREATE INDEX FOR (n:Resource) ON (n.iri)")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=setup_as_if_first, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    stores[1].setup()
    assert "Resource" in {r["label"] for r in stores[1].read(
        "CALL db.indexes() YIELD label RETURN label")}
    with pytest.raises(StoreError, match="already indexed"):  # the error that is let pass
        stores[1]._run("CREATE INDEX FOR (n:Resource) ON (n.iri)", None, read_only=False)
