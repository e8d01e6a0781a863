"""Backup and restore (ADR 0011) on both stores: a backup of a catalog whose cycle has
issued IDs, with accounts, tokens, saved queries and a delete in its trail, restored into an
empty store of the same kind and of the other kind gives the same graph (RDF isomorphism of
`export(trail=True)`) and the same side nodes; issued IDs and the change feed go on without a
gap or a repeat; a store holding data is refused unless forced; a damaged or foreign file is
refused before anything is written; a failed restore leaves the store as it was or empty; and a
backup taken while another thread keeps importing is exactly the store at its change number."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from rdflib.compare import isomorphic

from catalog.access.accounts import Accounts
from catalog.access.credentials import Sealer
from catalog.access.principals import OPERATOR, Principal, Role
from catalog.backup import (
    Archive,
    BackupError,
    NotEmpty,
    backup,
    read_archive,
    read_snapshot,
    restore,
    same_node,
    store_counts,
)
from catalog.cycle.config import default_config
from catalog.cycle.engine import Cycle
from catalog.cycle.states import Actor
from catalog.feed import changes, last_change
from catalog.graphmap import Node
from catalog.iris import Iris
from catalog.registry import Registry, node_from_json
from catalog.resources import Precondition, delete
from graph_queries import saved
from loaders.submission import read_submission
from tests.conftest import BASE
from tests.support.cli import installations, run
from tests.workbooks import Sheets, load_valid, two_agencies, write_workbook

BODIES = frozenset(s.body for s in default_config().steps.values())
STEWARD = Actor("steward-reg", Role.STEWARD, agency="REG")
REVIEWER = Actor("reviewer-1", Role.REVIEWER, bodies=BODIES)
SERVICES_OF = ("MATCH (s:PublicService)-[:agency]->(a:PublicOrganisation) "
               "WHERE $agency IS NULL OR a.identifier = $agency "
               "RETURN s.iri AS service ORDER BY service")


def _sheets(duties: int, title: str = "وظیفه") -> Sheets:
    sheets = two_agencies()
    header = ["agency_code", "ref", "title_fa", "legal_basis", "status", "changed_on"]
    sheets["duties"] = [header] + [
        ["REG", f"D{i}", f"{title} {i}", "قانون ثبت احوال، ماده ۱", "draft", ""]
        for i in range(1, duties + 1)] + [
        ["TAXO", "D1", "وصول مالیات", "قانون مالیات‌های مستقیم، ماده ۱", "draft", ""]]
    sheets["employees"].append(["E-REG-9", "P-REG-1"])  # nobody points at it: deletable
    return sheets


def _duty(registry: Registry, n: int) -> str:
    return str(registry.iris.owned("duty", "REG", f"D{n}"))


@pytest.fixture
def walked(registry: Registry, tmp_path: Path) -> tuple[Registry, str]:
    """Three duties of REG, step 1 submitted, D1 and D2 approved with IDs issued, D3 pending;
    an employee deleted (its event keeps `deleted`, a property outside the ontology); an
    account with a token; a saved query. Returns the registry and the token."""
    load_valid(registry, tmp_path / "a.xlsx", _sheets(3))
    cycle = Cycle(registry.store, registry.iris)
    cycle.start("REG", 1, STEWARD)
    cycle.submit("REG", 1, STEWARD)
    assert cycle.approve_record("REG", _duty(registry, 1), REVIEWER).identifier == "D-REG-0001"
    assert cycle.approve_record("REG", _duty(registry, 2), REVIEWER).identifier == "D-REG-0002"
    [employee] = registry.store.describe([str(registry.iris.employee("E-REG-9"))])
    delete(registry, OPERATOR, employee, Precondition())
    accounts = Accounts(registry.store)
    accounts.save(Principal("steward-reg", Role.STEWARD, agency="REG"))
    token = accounts.issue("steward-reg", days=30, label="backup test").token
    saved.save(registry.store, "services-of", SERVICES_OF, "an agency's services", "auditor-1",
               params=["agency?"])
    return registry, token




def _backup(registry: Registry) -> tuple[bytes, dict[str, Any]]:
    out = io.BytesIO()
    manifest = backup(registry, out, commit="test")
    return out.getvalue(), manifest


def _archive(data: bytes) -> Archive:
    return read_archive(io.BytesIO(data))


def _state(registry: Registry) -> dict[str, Any]:
    """Everything a backup carries, as plain comparable data."""
    snap = read_snapshot(registry.store)
    return {"seq": snap.seq, "nodes": _by_iri(snap.nodes), "versions": snap.versions,
            "counters": snap.counters, "credentials": snap.credentials,
            "saved_queries": snap.saved_queries}


def _by_iri(nodes: list[Node]) -> dict[str, str]:
    return {n.iri: json.dumps([n.label, n.props, {k: sorted(v) for k, v in n.rels.items()}],
                              sort_keys=True, ensure_ascii=False) for n in nodes}


def _same_graph(a: Registry, b: Registry) -> None:
    assert _state(a) == _state(b)
    assert store_counts(a.store) == store_counts(b.store)
    assert isomorphic(a.export(trail=True), b.export(trail=True))


def _goes_on(registry: Registry, token: str, cursor: int) -> None:
    """After a restore: the next approval issues the next ID, its change is the next number,
    the token still signs in, the saved query is there, the deleted record is in the feed."""
    cycle = Cycle(registry.store, registry.iris)
    issued = cycle.approve_record("REG", _duty(registry, 3), REVIEWER)
    assert (issued.identifier, issued.fresh) == ("D-REG-0003", True)
    [change] = changes(registry, after=cursor)
    assert change.seq == cursor + 1 and change.records == (_duty(registry, 3),)
    assert last_change(registry) == cursor + 1
    assert Accounts(registry.store).authenticate(token).name == "steward-reg"
    assert [q.name for q in saved.listing(registry.store)] == ["services-of"]
    deleted = [c for c in changes(registry, after=0) if c.deleted]
    assert [c.deleted for c in deleted] == [(str(registry.iris.employee("E-REG-9")),)]


def test_a_restore_into_an_empty_store_gives_the_same_graph(
        walked: tuple[Registry, str], tmp_path: Path) -> None:
    registry, token = walked
    before = _state(registry)
    counts = store_counts(registry.store)
    exported = registry.export(trail=True)
    data, manifest = _backup(registry)
    assert manifest["format"] == "govcat-backup" and manifest["format_version"] == 2
    assert manifest["credentials_key"] == Sealer.from_settings().fingerprint  # ADR 0016
    assert manifest["seq"] == last_change(registry) == before["seq"] > 0
    assert manifest["store"] == registry.store.name and manifest["base_iri"] == BASE
    assert manifest["govcat"] == {"version": "0.1.0", "commit": "test"}
    assert {k: manifest["counts"][k] for k in counts} == counts
    assert manifest["counts"]["beyond_rdf"] == 1  # the delete event's `deleted`
    assert manifest["counts"]["nodes"]["IdCounter"] == 2  # D-REG- and the commit counter
    assert set(manifest["parts"]) == {"catalog.nq", "versions.jsonl", "side.json"}

    registry.store.clear()  # an empty store, opened as govcat opens one
    registry.store.setup()
    registry.ensure_code_lists()
    restore(registry, _archive(data))
    assert _state(registry) == before
    assert store_counts(registry.store) == counts
    assert isomorphic(registry.export(trail=True), exported)
    _goes_on(registry, token, manifest["seq"])


def test_a_restore_into_the_other_store_kind_gives_the_same_graph(
        walked: tuple[Registry, str], other: Registry) -> None:
    registry, token = walked
    data, manifest = _backup(registry)
    restore(other, _archive(data))
    _same_graph(registry, other)
    _goes_on(other, token, manifest["seq"])


def test_restore_refuses_a_store_holding_data_unless_forced(
        walked: tuple[Registry, str]) -> None:
    registry, _ = walked
    at_backup = _state(registry)
    data, _ = _backup(registry)
    Cycle(registry.store, registry.iris).approve_record("REG", _duty(registry, 3), REVIEWER)
    now = _state(registry)
    with pytest.raises(NotEmpty) as refused:
        restore(registry, _archive(data))
    assert "--force" in refused.value.message_en and "--force" in refused.value.message_fa
    assert _state(registry) == now  # nothing written
    restore(registry, _archive(data), force=True)
    assert _state(registry) == at_backup


def _rewrite(data: bytes, change: Callable[[dict[str, bytes]], None]) -> bytes:
    """The archive with its members changed by `change` (name → bytes, in order)."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        files = {}
        for m in tar:
            f = tar.extractfile(m)
            assert f is not None
            files[m.name] = f.read()
    change(files)
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for name, body in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    return out.getvalue()


def _manifest_edit(**fields: Any) -> Callable[[dict[str, bytes]], None]:
    def edit(files: dict[str, bytes]) -> None:
        manifest = json.loads(files["manifest.json"])
        manifest.update(fields)
        files["manifest.json"] = json.dumps(manifest).encode()
    return edit


def _retitle(files: dict[str, bytes]) -> None:
    files["catalog.nq"] = files["catalog.nq"].replace("وظیفه 1".encode(), "وظیفه 7".encode())


def _smuggle(files: dict[str, bytes]) -> None:
    files["../../etc/cron.d/x"] = b"* * * * * root true\n"


def test_a_damaged_or_foreign_file_is_refused_and_nothing_is_written(
        walked: tuple[Registry, str], other: Registry) -> None:
    registry, _ = walked
    data, _ = _backup(registry)
    middle = len(data) // 2
    bad = {
        "a flipped byte": (data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:],
                           "damaged"),
        "cut short": (data[: len(data) * 2 // 3], "damaged"),
        "not gzip": (b"PK\x03\x04 a zip, or anything else", "damaged"),
        "a part changed": (_rewrite(data, _retitle), "SHA-256"),
        "another format": (_rewrite(data, _manifest_edit(format="other-backup")), "not a govcat"),
        "a newer format": (_rewrite(data, _manifest_edit(format_version=99)), "newer"),
        "a member more": (_rewrite(data, _smuggle), "not a govcat"),
        "no manifest": (_rewrite(data, lambda f: f.pop("manifest.json")), "not a govcat"),
        "counts that do not add up": (
            _rewrite(data, _manifest_edit(counts={"nodes": {}, "relationships": 0,
                                                  "side_relationships": {}})), "damaged"),
        "plain gzip": (gzip.compress(b"hello"), "damaged"),
    }
    empty = store_counts(other.store)
    for case, (body, said) in bad.items():
        with pytest.raises(BackupError) as refused:
            restore(other, read_archive(io.BytesIO(body)))
        assert said in refused.value.message_en, case
        assert "بازگردانده نشد" in refused.value.message_fa or "govcat" in \
            refused.value.message_fa, case
        assert store_counts(other.store) == empty, case
    # A backup of another base IRI would not resolve here.
    elsewhere = Registry(other.store, Iris("https://elsewhere.example/id/"))
    with pytest.raises(BackupError) as refused:
        restore(elsewhere, _archive(data))
    assert "GOVCAT_BASE_IRI" in refused.value.message_en
    assert store_counts(other.store) == empty


def test_a_restore_that_fails_in_the_store_leaves_it_as_it_was_or_empty(
        walked: tuple[Registry, str]) -> None:
    """A statement the store refuses midway (a map is no property value): Neo4j rolls the
    whole restore back (as it was); FalkorDB cannot undo the statements of the block before
    it, so the store is cleared (empty). Never half."""
    registry, _ = walked
    data, _ = _backup(registry)
    archive = _archive(data)
    broken = replace(archive, versions=[*archive.versions, {"record": "x", "seq": 0,
                                                            "bad": {"a map": 1}}])
    Cycle(registry.store, registry.iris).approve_record("REG", _duty(registry, 3), REVIEWER)
    now = _state(registry)
    with pytest.raises(BackupError) as failed:
        restore(registry, broken, force=True)
    after = _state(registry)
    if registry.store.name == "neo4j":
        assert after == now and "left as it was" in failed.value.message_en
    else:
        assert after["nodes"] == {} and after["versions"] == [] and after["credentials"] == []
        assert "left empty" in failed.value.message_en


def test_a_backup_refuses_a_store_holding_what_it_does_not_know(registry: Registry) -> None:
    registry.store.write("CREATE (:Stranger {x: 1}) RETURN 1 AS n")
    with pytest.raises(BackupError) as refused:
        _backup(registry)
    assert "Stranger" in refused.value.message_en and "Stranger" in refused.value.message_fa


# -- consistency while writes go on --------------------------------------------------------------

def _latest_versions(versions: list[dict[str, Any]], cursor: int) -> dict[str, Node]:
    latest: dict[str, tuple[int, str]] = {}
    for v in versions:
        if v["seq"] <= cursor and v["seq"] >= latest.get(v["record"], (-1, ""))[0]:
            latest[v["record"]] = (v["seq"], v["content"])
    return {iri: node_from_json(content) for iri, (_, content) in latest.items()}


def _records_match_versions(nodes: list[Node], versions: list[dict[str, Any]],
                            cursor: int) -> bool:
    """Every record a change wrote is as its newest version up to `cursor` says (only
    imports write here: each leaves every record it changed as a version)."""
    held = {n.iri: n for n in nodes}
    return all(iri in held and same_node(held[iri], node)
               for iri, node in _latest_versions(versions, cursor).items())


def _consistent(archive: Archive) -> None:
    cursor = archive.seq
    seqs = sorted(int(n.props["seq"]) for n in archive.nodes if n.label == "Activity")
    assert seqs == list(range(1, cursor + 1))  # the whole trail up to the cursor, none after
    assert all(v["seq"] <= cursor for v in archive.versions)
    [commits] = [c for c in archive.side["counters"] if c["key"] == "commits"]
    assert commits["next"] == cursor + 1
    assert _records_match_versions(archive.nodes, archive.versions, cursor)


def test_a_backup_taken_while_another_thread_imports_is_the_store_at_its_change_number(
        registry: Registry, tmp_path: Path) -> None:
    duties = 8
    load_valid(registry, tmp_path / "first.xlsx", _sheets(duties))
    books = [write_workbook(tmp_path / f"round-{i}.xlsx", _sheets(duties, f"دور {i}"))
             for i in range(40)]
    stop = threading.Event()
    errors: list[BaseException] = []
    rounds = [0]

    def writer() -> None:
        try:
            while not stop.is_set():
                book = books[rounds[0] % len(books)]
                sub = read_submission(book, registry)
                registry.apply_checked(sub.changeset)  # every REG duty retitled, one change
                rounds[0] += 1
        except BaseException as exc:  # noqa: BLE001 - reported in the test's thread
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    taken: list[tuple[int, bytes]] = []
    deadline = time.monotonic() + 120
    try:  # three backups at different change numbers, the imports going on throughout
        while len({seq for seq, _ in taken}) < 3 and thread.is_alive() \
                and time.monotonic() < deadline:
            data, manifest = _backup(registry)
            taken.append((manifest["seq"], data))
    finally:
        stop.set()
        thread.join(timeout=120)
    assert not errors, errors
    archives = [_archive(data) for _, data in taken]
    for archive in archives:
        _consistent(archive)
    assert len({a.seq for a in archives}) >= 3  # the imports went on between the backups
    first = archives[0].seq
    assert last_change(registry) > first  # writes went on after it
    # The check can fail: the store now is not the store at the first backup's change number.
    snap = read_snapshot(registry.store)
    assert not _records_match_versions(snap.nodes, snap.versions, first)
    # And a backup taken under load restores to exactly what it holds.
    restore(registry, archives[-1], force=True)
    assert last_change(registry) == archives[-1].seq
    after = read_snapshot(registry.store)
    assert _by_iri(after.nodes) == _by_iri(archives[-1].nodes)
    assert after.versions == archives[-1].versions


# -- the commands ---------------------------------------------------------------------------------

CLI_BASE = "https://govcat.cli/id/"


@pytest.fixture
def two_envs(tmp_path: Path) -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    """Two govcat installations, each with its embedded FalkorDB in its own data directory."""
    with installations(tmp_path, CLI_BASE, "first", "second") as [first, second]:
        yield first, second


def test_govcat_backup_and_restore(two_envs: tuple[dict[str, str], dict[str, str]],
                                   tmp_path: Path) -> None:
    first, second = two_envs
    assert run(first, "load", str(write_workbook(tmp_path / "a.xlsx", _sheets(2))))[0] == 0
    assert run(first, "admin", "account", "ali", "--role", "steward", "--agency", "REG")[0] == 0
    assert run(first, "admin", "account", "rev", "--role", "reviewer",
                "--body", "macro-structures")[0] == 0
    code, out = run(first, "admin", "token", "ali", "--days", "5")
    token = out.splitlines()[0]
    step = ("--agency", "REG", "--step", "1")
    assert run(first, "cycle", "start", *step, "--by", "ali")[0] == 0
    assert run(first, "cycle", "submit", *step, "--by", "ali")[0] == 0
    code, out = run(first, "cycle", "approve", *step, "--by", "rev")
    assert code == 0 and "D-REG-0002" in out

    file = tmp_path / "nightly.tar.gz"
    code, out = run(first, "backup", "--output", str(file))
    assert code == 0 and f"wrote {file}" in out and "records" in out, out
    assert file.stat().st_mode & 0o077 == 0  # it holds token hashes: the owner's only
    code, out = run(first, "restore", str(file), "--check")
    assert code == 0 and "a valid govcat backup" in out
    code, out = run(first, "restore", str(file))
    assert code == 1 and "not empty" in out and "انباره خالی نیست" in out

    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(file.read_bytes()[:-100])
    code, out = run(second, "restore", str(damaged))
    assert code == 1 and "damaged" in out and "آسیب دیده" in out
    code, out = run(second, "restore", str(file))
    assert code == 0 and "restored" in out and "the change feed goes on after #" in out, out
    for command in (("cycle", "trail", "--agency", "REG"), ("cycle", "status", "--agency", "REG"),
                    ("admin", "accounts")):
        assert run(first, *command) == run(second, *command), command
    # the token signs in on the restored store (as REG's steward: TAXO's rows are refused)
    code, out = run(second, "validate", str(tmp_path / "a.xlsx"), "--token", token)
    assert code == 1 and "forbidden [R-20.1]" in out and "TAXO" in out, out

    # --force replaces a store holding data, keeping a backup of it first
    code, out = run(first, "load", str(write_workbook(tmp_path / "b.xlsx", _sheets(3))))
    assert code == 0, out
    code, out = run(first, "restore", str(file), "--force")
    assert code == 0 and "kept what the store held in" in out, out
    assert list((tmp_path / "first" / "backups").glob("pre-restore-*-c*.tar.gz"))
    assert run(first, "cycle", "trail", "--agency", "REG") == \
        run(second, "cycle", "trail", "--agency", "REG")
