"""The trail proves itself (R-16, ADR 0017), on both stores: after real imports, cycle
transitions, approvals with IDs issued, a rejection, an appointment, a delete and a re-import,
every change event carries a hash chained to the one before and `verify` passes; changing an
event's property, its actor's role, a record version's content, a link, or deleting an event
makes it fail naming that event; a crash between a commit and its seal is caught up; two
sealers at once agree; a backup's manifest and the change feed give the head, and a restore
(into either kind of store) keeps the chain; `govcat audit verify` and GET /audit/verify say
so with their exit code and answer; the demo verifies."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from catalog import trail_chain
from catalog.access.accounts import Accounts
from catalog.access.principals import OPERATOR, Principal, Role
from catalog.backup import backup, read_archive, restore
from catalog.cycle.config import default_config
from catalog.cycle.engine import Cycle
from catalog.cycle.obligations import Obligations
from catalog.cycle.states import Actor
from catalog.feed import last_change, trail_head
from catalog.iris import Iris
from catalog.port import GraphStore, StoreUnavailable
from catalog.registry import Registry
from catalog.resources import Precondition, delete
from catalog.store.falkordb_server import FalkorServer
from catalog.store.falkordb_store import FalkorStore
from catalog.store.neo4j_store import Neo4jStore
from catalog.trail_chain import GENESIS, Head, TrailChain
from cli.main import app
from tests.conftest import BASE
from tests.support.auth import tokens_for
from tests.workbooks import Sheets, load_valid, two_agencies

BODIES = frozenset(s.body for s in default_config().steps.values())
STEWARD = Actor("steward-reg", Role.STEWARD, agency="REG")
REVIEWER = Actor("reviewer-1", Role.REVIEWER, bodies=BODIES)
EVENTS = ("MATCH (e:Activity) RETURN e.seq AS seq, e.iri AS iri, e.action AS action, "
          "e.trailHash AS hash, e.previousTrailHash AS previous ORDER BY seq")


def _sheets(extra_employee: bool = True) -> Sheets:
    sheets = two_agencies()
    sheets["duties"] += [["REG", "D2", "صدور شناسنامه", "قانون ثبت احوال، ماده ۲", "draft", ""],
                         ["REG", "D3", "ثبت فوت", "قانون ثبت احوال، ماده ۳", "draft", ""]]
    if extra_employee:
        sheets["employees"].append(["E-REG-9", "P-REG-1"])  # nobody points at it: deletable
    return sheets


def _duty(registry: Registry, n: int) -> str:
    return str(registry.iris.owned("duty", "REG", f"D{n}"))


@pytest.fixture
def walked(registry: Registry, tmp_path: Path) -> Registry:
    """An import; step 1 started and submitted; D1 approved (its ID issued), D3 rejected with
    a reason, the step approved (D2's ID issued); the representative appointed; an employee
    deleted (earlier events pointed at it), then loaded again; a second import editing a
    title. Every write sealed as it finished."""
    load_valid(registry, tmp_path / "a.xlsx", _sheets())
    cycle = Cycle(registry.store, registry.iris)
    cycle.start("REG", 1, STEWARD)
    cycle.submit("REG", 1, STEWARD)
    assert cycle.approve_record("REG", _duty(registry, 1), REVIEWER).identifier == "D-REG-0001"
    cycle.reject_record("REG", _duty(registry, 3), REVIEWER, "مبنای قانونی نادرست است")
    assert [i.identifier for i in cycle.approve("REG", 1, REVIEWER)] == ["D-REG-0002"]
    Obligations(cycle).appoint_representative("REG", "rep-reg", STEWARD)
    [employee] = registry.store.describe([str(registry.iris.employee("E-REG-9"))])
    delete(registry, OPERATOR, employee, Precondition())
    first = _sheets()
    services = [first["services"][0], [*first["services"][1][:2], "ثبت ولادت نوزاد",
                                       *first["services"][1][3:]]]
    load_valid(registry, tmp_path / "b.xlsx", {"employees": [first["employees"][0],
                                                        ["E-REG-9", "P-REG-1"]],
                                          "services": services})
    return registry


def _events(store: GraphStore) -> list[dict[str, Any]]:
    return store.read(EVENTS)


def _seq_of(store: GraphStore, action: str) -> dict[str, Any]:
    return next(e for e in _events(store) if e["action"] == action)


def test_every_event_is_sealed_in_one_chain_and_it_verifies(walked: Registry) -> None:
    store = walked.store
    events = _events(store)
    actions = {e["action"] for e in events}
    assert {"import", "start", "submit", "approve", "reject", "start-clock", "appoint",
            "stop-clock", "delete"} <= actions
    assert [e["seq"] for e in events] == list(range(1, last_change(walked) + 1))
    previous = GENESIS
    for e in events:  # each sealed as its write finished, chained to the one before
        assert e["hash"] and len(e["hash"]) == 64 and e["previous"] == previous
        previous = e["hash"]
    verdict = TrailChain(store).verify()
    assert verdict.ok and verdict.broken is None and verdict.unsealed == 0
    assert verdict.events == len(events)
    assert verdict.head == Head(len(events), previous) == TrailChain(store).head()
    # the same chain read in small pages, versions page by page, hashes the same
    small = TrailChain(store, page=2)
    trail_chain.VERSION_PAGE, saved = 3, trail_chain.VERSION_PAGE
    try:
        assert small.verify(seal=False).head == verdict.head
    finally:
        trail_chain.VERSION_PAGE = saved


def test_a_delete_keeps_what_earlier_events_pointed_at(walked: Registry) -> None:
    """The import that wrote the employee pointed at it; the delete took the link away with
    the record and keeps it in `detached`, which the import's hash covers."""
    employee = str(walked.iris.employee("E-REG-9"))
    deleted = walked.store.read("MATCH (e:Activity {action: 'delete'}) "
                                "RETURN e.detached AS detached")
    first = _events(walked.store)[0]["iri"]
    assert deleted[0]["detached"] == [f"{first} used {employee}"]
    assert TrailChain(walked.store).verify().ok


TAMPERING = {
    "an event's property": ("MATCH (e:Activity {seq: $seq}) SET e.action = 'x'",
                            "MATCH (e:Activity {seq: $seq}) SET e.action = $value"),
    "an actor's role": (
        "MATCH (e:Activity {seq: $seq})-[:qualifiedAssociation]->(q) SET q.actingAs = 'admin'",
        "MATCH (e:Activity {seq: $seq})-[:qualifiedAssociation]->(q) SET q.actingAs = $role"),
    "who acted, taken away": (
        "MATCH (e:Activity {seq: $seq})-[r:qualifiedAssociation]->() DELETE r",
        "MATCH (e:Activity {seq: $seq}) MATCH (q:Association {iri: $association}) "
        "CREATE (e)-[:qualifiedAssociation]->(q)"),
    "a record version's content": (
        "MATCH (v:Version {seq: $seq}) WITH v LIMIT 1 SET v.content = v.content + ' '",
        "MATCH (v:Version {seq: $seq}) SET v.content = trim(v.content)"),
    "a link taken away": (
        "MATCH (e:Activity {seq: $seq})-[r:used]->() DELETE r",
        "MATCH (e:Activity {seq: $seq}) MATCH (t:Resource {iri: $used}) "
        "CREATE (e)-[:used]->(t)"),
    "a link added": (
        "MATCH (e:Activity {seq: $seq}) MATCH (t:Resource {iri: $used}) "
        "CREATE (e)-[:concerns]->(t)",
        "MATCH (e:Activity {seq: $seq})-[r:concerns]->() DELETE r"),
    "a hash rewritten": ("MATCH (e:Activity {seq: $seq}) SET e.trailHash = $fake",
                         "MATCH (e:Activity {seq: $seq}) SET e.trailHash = $hash"),
}


def test_each_kind_of_rewrite_names_the_event(walked: Registry) -> None:
    """Each change, made directly in the store, fails verify naming the event; undone, it
    passes again (so it is the change that is seen, not something else)."""
    store, chain = walked.store, TrailChain(walked.store)
    submit = _seq_of(store, "submit")  # a cycle event: used → the step, no versions
    imported = _events(store)[0]  # the first import: versions, used → every record
    role = store.read("MATCH (e:Activity {seq: $seq})-[:qualifiedAssociation]->(q) "
                      "RETURN q.actingAs AS role", {"seq": submit["seq"]})[0]["role"]
    step = str(walked.iris.owned("cycle", "REG", "1"))
    for name, (change, undo) in TAMPERING.items():
        target = imported if "version" in name else submit
        params = {"seq": target["seq"], "value": target["action"], "role": role,
                  "used": step, "fake": "f" * 64, "hash": target["hash"],
                  "association": target["iri"] + "/association"}
        store.write(change, params)
        verdict = chain.verify()
        assert not verdict.ok, name
        assert verdict.broken is not None
        assert (verdict.broken.seq, verdict.broken.iri) == (target["seq"], target["iri"]), name
        assert verdict.broken.why_fa and verdict.broken.requirement == "R-16"
        store.write(undo, params)
        assert chain.verify().ok, name


def test_a_deleted_event_is_named_by_its_number(walked: Registry) -> None:
    store = walked.store
    gone = _events(store)[2]
    store.write("MATCH (e:Activity {seq: $seq}) DETACH DELETE e", {"seq": gone["seq"]})
    verdict = TrailChain(store).verify()
    assert not verdict.ok and verdict.broken is not None
    assert (verdict.broken.seq, verdict.broken.iri) == (gone["seq"], None)
    assert "missing" in verdict.broken.why_en


def test_deleting_the_newest_event_shows_too(walked: Registry) -> None:
    store = walked.store
    newest = _events(store)[-1]
    store.write("MATCH (e:Activity {seq: $seq}) DETACH DELETE e", {"seq": newest["seq"]})
    verdict = TrailChain(store).verify()
    assert verdict.broken is not None and verdict.broken.seq == newest["seq"]


def _unseal_newest(store: GraphStore, n: int) -> list[dict[str, Any]]:
    """As if the process died after its last `n` commits and before sealing them."""
    events = _events(store)
    store.write("MATCH (e:Activity) WHERE e.seq > $after "
                "REMOVE e.trailHash, e.previousTrailHash", {"after": len(events) - n})
    store.write("MATCH (c:IdCounter {key: 'commits'}) SET c.sealedSeq = $seq, "
                "c.sealedHash = $hash", {"seq": len(events) - n, "hash": events[-n - 1]["hash"]})
    return events


def test_a_crash_between_commit_and_seal_is_caught_up(walked: Registry) -> None:
    store = walked.store
    before = _unseal_newest(store, 3)
    assert TrailChain(store).head().seq == len(before) - 3
    assert TrailChain(store).projected_head() == Head(len(before), before[-1]["hash"])
    verdict = TrailChain(store).verify()  # seals first
    assert verdict.ok and verdict.head.seq == len(before)
    assert _events(store) == before  # the same hashes as the first time: deterministic
    _unseal_newest(store, 2)
    verdict = TrailChain(store).verify(seal=False)  # checked without writing
    assert verdict.ok and verdict.unsealed == 2
    # an unsealed event before a sealed one: its hash was taken away
    store.write("MATCH (e:Activity {seq: 3}) REMOVE e.trailHash")
    verdict = TrailChain(store).verify(seal=False)
    assert verdict.broken is not None and verdict.broken.seq == 3


def test_a_write_stands_when_its_seal_fails(walked: Registry,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The store fails between a commit and its seal: the write is done and says so; the
    next seal (here verify's) hashes it."""
    sealed = TrailChain(walked.store).head()

    def down(self: TrailChain, tries: int = 1) -> Head:
        raise StoreUnavailable("the store went away after the commit")

    monkeypatch.setattr(TrailChain, "seal", down)
    assert Cycle(walked.store, walked.iris).start("REG", 2, STEWARD).value == "in_progress"
    monkeypatch.undo()
    assert TrailChain(walked.store).head() == sealed and sealed.seq < last_change(walked)
    verdict = TrailChain(walked.store).verify()
    assert verdict.ok and verdict.head.seq == last_change(walked) > sealed.seq


def test_two_sealers_at_once_agree(walked: Registry) -> None:
    store = walked.store
    before = _unseal_newest(store, 6)
    heads: list[Head] = []
    threads = [threading.Thread(target=lambda: heads.append(TrailChain(store, page=2).seal()))
               for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert heads == [Head(len(before), before[-1]["hash"])] * 3
    assert _events(store) == before
    assert TrailChain(store).verify().ok


@pytest.fixture
def other(request: pytest.FixtureRequest, store: GraphStore) -> Iterator[Registry]:
    """An empty store of the other kind."""
    target: GraphStore
    if store.name == "falkordb":
        target = Neo4jStore(request.getfixturevalue("neo4j_driver"), "neo4j")
    else:
        server: FalkorServer = request.getfixturevalue("falkor_server")
        target = FalkorStore(server.connect(), "trail-restore-target")
    target.clear()
    target.setup()
    reg = Registry(target, Iris(BASE))
    reg.ensure_code_lists()
    yield reg
    target.clear()


def test_backup_and_restore_keep_the_chain(walked: Registry, other: Registry) -> None:
    """The manifest holds the head; restored into an empty store of the same kind or of the
    other kind, the chain verifies, ends at that head, and the held head checks out."""
    _unseal_newest(walked.store, 2)  # crashed before sealing: the backup seals first
    out = io.BytesIO()
    manifest = backup(walked, out)
    held = Head(manifest["trail_head"]["seq"], manifest["trail_head"]["hash"])
    assert held == TrailChain(walked.store).head() and held.seq == manifest["seq"]
    archive = read_archive(io.BytesIO(out.getvalue()))
    restore(other, archive)
    verdict = TrailChain(other.store).verify(held=held)
    assert verdict.ok and verdict.head == held
    walked.store.clear()  # and into the same kind of store
    walked.store.setup()
    walked.ensure_code_lists()
    restore(walked, archive)
    assert TrailChain(walked.store).verify(held=held).head == held
    # the chain goes on from there
    Cycle(walked.store, walked.iris).start("REG", 2, STEWARD)
    verdict = TrailChain(walked.store).verify(held=held)
    assert verdict.ok and verdict.head.seq > held.seq
    # a head held elsewhere that the store no longer has: the history was rewritten
    assert TrailChain(walked.store).verify(held=Head(held.seq, "0" * 64)).broken is not None


def test_a_backup_taken_while_a_change_is_unsealed_names_its_head(
        walked: Registry, monkeypatch: pytest.MonkeyPatch) -> None:
    """Events committed after the backup's own seal and before its snapshot are hashed from
    the snapshot (nothing written): the manifest's head is at its change number."""
    before = _unseal_newest(walked.store, 1)
    monkeypatch.setattr(TrailChain, "seal", lambda self: self.head())  # committed meanwhile
    manifest = backup(walked, io.BytesIO())
    assert manifest["trail_head"] == {"seq": len(before), "hash": before[-1]["hash"]}
    assert TrailChain(walked.store).head().seq == len(before) - 1  # nothing was written


def _client(registry: Registry) -> tuple[TestClient, dict[str, str]]:
    tokens = tokens_for(registry, (Principal("auditor", Role.AUDITOR),
                                   Principal("steward-reg", Role.STEWARD, agency="REG")))
    return TestClient(create_app(registry)), tokens


def test_the_feed_and_the_audit_route_give_the_head(walked: Registry) -> None:
    client, tokens = _client(walked)
    auditor = {"Authorization": f"Bearer {tokens['auditor']}"}
    head = TrailChain(walked.store).head()
    r = client.get("/changes", params={"after": 0, "limit": 3}, headers=auditor)
    assert r.status_code == 200, r.text
    assert r.json()["trail_head"] == head.as_dict() == trail_head(walked).as_dict()
    assert r.headers["X-Govcat-Trail-Head"] == f"{head.seq} {head.hash}"
    r = client.get("/changes", params={"after": 0, "format": "ttl"}, headers=auditor)
    assert r.headers["X-Govcat-Trail-Head"] == f"{head.seq} {head.hash}"
    assert head.hash in r.text  # each event's gc:trailHash is published with it

    answer = client.get("/audit/verify", headers=auditor).json()
    assert answer["ok"] is True and answer["head"] == head.as_dict()
    assert answer["broken"] is None and answer["events"] == head.seq
    held = client.get("/audit/verify", params=head.as_dict(), headers=auditor).json()
    assert held["ok"] is True
    steward = client.get("/audit/verify",
                         headers={"Authorization": f"Bearer {tokens['steward-reg']}"})
    assert steward.status_code == 403
    assert client.get("/audit/verify", params={"seq": 1}, headers=auditor).status_code == 422

    submit = _seq_of(walked.store, "submit")
    walked.store.write("MATCH (e:Activity {seq: $seq}) SET e.reason = 'rewritten'",
                       {"seq": submit["seq"]})
    answer = client.get("/audit/verify", headers=auditor).json()
    assert answer["ok"] is False
    assert answer["broken"]["seq"] == submit["seq"] and answer["broken"]["iri"] == submit["iri"]
    assert answer["broken"]["why_en"] and answer["broken"]["why_fa"]


def _cli(registry: Registry, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.setattr("cli.common.open_registry", lambda settings=None: registry)
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_govcat_audit_verify_exit_codes(walked: Registry, monkeypatch: pytest.MonkeyPatch
                                        ) -> None:
    head = TrailChain(walked.store).head()
    code, out = _cli(walked, monkeypatch, "audit", "verify")
    assert code == 0 and f"head #{head.seq} {head.hash}" in out, out
    code, out = _cli(walked, monkeypatch, "audit", "verify", "--seq", str(head.seq),
                     "--hash", head.hash)
    assert code == 0, out
    Accounts(walked.store).save(Principal("steward-reg", Role.STEWARD, agency="REG"))
    code, out = _cli(walked, monkeypatch, "audit", "verify", "--by", "steward-reg")
    assert code == 3 and "forbidden" in out, out

    third = _events(walked.store)[2]
    walked.store.write("MATCH (e:Activity {seq: 3}) SET e.action = 'x'")
    code, out = _cli(walked, monkeypatch, "audit", "verify")
    assert code == 1 and f"#3 {third['iri']}" in out and "[R-16]" in out, out
    walked.store.write("MATCH (e:Activity {seq: 3}) SET e.action = $a", {"a": third["action"]})
    code, out = _cli(walked, monkeypatch, "audit", "verify", "--seq", str(head.seq),
                     "--hash", "0" * 64)
    assert code == 1 and "rewritten" in out, out


def test_the_demo_verifies(registry: Registry, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = _cli(registry, monkeypatch, "demo")
    assert code == 0, out
    assert last_change(registry) > 10  # the import, the accounts' cycle
    code, out = _cli(registry, monkeypatch, "audit", "verify")
    assert code == 0 and "the trail is intact" in out, out
    assert TrailChain(registry.store).verify(seal=False).unsealed == 0  # all sealed already
