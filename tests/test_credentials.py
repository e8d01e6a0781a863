"""Queries never reach credentials (ADR 0016), on both stores: accounts and API tokens are
sealed at rest with the server key, so an auditor's ad-hoc Cypher, a saved query, SPARQL, the
exports, the profiles and the feed return no token secret, id or hash and no name, role or
scope of an account; authentication, revocation, disabling and expiry work as before; a backup
restores only under the key that sealed it; the plain nodes of earlier versions are sealed on
setup, their tokens still valid; the key is made once, 0600, and shared by every process."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import stat
import tarfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from catalog.access.accounts import AccountError, Accounts, seal_plain_credentials
from catalog.access.credentials import (
    KEY_ENV,
    KEY_FILE,
    KeyProblem,
    SealBroken,
    Sealer,
    server_key,
)
from catalog.access.principals import Principal, Role, Unauthenticated
from catalog.backup import TOKEN_LINK, BackupError, backup, read_archive, restore, store_counts
from catalog.config import Settings
from catalog.profiles import export_profile, serialize_profile
from catalog.registry import Registry
from catalog.serialize import serialize
from graph_queries import adhoc
from loaders.submission import read_submission
from tests.support.auth import auditor_client
from tests.support.cli import installations, run
from tests.workbooks import two_agencies, write_workbook

HIDDEN = Principal("zq-hidden-verifier", Role.PROVINCIAL_VERIFIER, province="zq-secret-province")
LABEL = "zq-secret-label"
UNAUTHENTICATED = "a valid API token is required"

# The old statements (ADR 0008) that wrote credentials as plain nodes, to make a store of an
# earlier version.
OLD_ACCOUNT = (
    "MERGE (u:Account {name: $name}) "
    "SET u.role = $role, u.agency = $agency, u.bodies = $bodies, u.province = $province, "
    "u.scopes = $scopes, u.disabled = $disabled, u.updated = $now RETURN u.name AS name")
OLD_TOKEN = (
    "MATCH (u:Account {name: $name}) "
    "CREATE (t:ApiToken {id: $id, hash: $hash, created: $now, expires: $expires, "
    "label: $label, revoked: $revoked}) "
    "CREATE (t)-[:of]->(u) RETURN t.id AS id")


@dataclass(frozen=True)
class Secrets:
    """What no reader of the graph may learn: the hidden account's name, role, province and
    token label, and, for each token, itself, its id, its secret and its SHA-256 (the hash as
    earlier versions stored it)."""

    strings: tuple[str, ...]

    @classmethod
    def of(cls, tokens: list[str]) -> Secrets:
        found = [HIDDEN.name, HIDDEN.role.value, str(HIDDEN.province), LABEL]
        for token in tokens:
            _, token_id, secret = token.split("_", 2)
            found += [token, token_id, secret, hashlib.sha256(secret.encode()).hexdigest()]
        return cls(tuple(found))

    def leaked(self, text: str) -> list[str]:
        return [s for s in self.strings if s in text]


@dataclass
class World:
    registry: Registry
    http: TestClient  # the auditor's
    token: str  # the hidden account's
    secrets: Secrets


@pytest.fixture
def world(registry: Registry, tmp_path: Path) -> World:
    sub = read_submission(write_workbook(tmp_path / "two.xlsx", two_agencies()), registry)
    assert sub.problems == []
    registry.apply_checked(sub.changeset)
    accounts = Accounts(registry.store)
    accounts.save(HIDDEN)
    token = accounts.issue(HIDDEN.name, label=LABEL).token
    http = auditor_client(registry)  # the auditor's own account and token, issued the same way
    auditor_token = http.headers["Authorization"].removeprefix("Bearer ")
    return World(registry, http, token, Secrets.of([token, auditor_token]))


def test_the_leak_check_can_fail(world: World) -> None:
    """A plain node holding what earlier versions stored would be caught."""
    secret = world.token.split("_", 2)[2]
    assert world.secrets.leaked(json.dumps({"hash": hashlib.sha256(secret.encode()).hexdigest()}))
    assert world.secrets.leaked(f"{{'name': '{HIDDEN.name}'}}")


ADHOC = [
    "MATCH (n) RETURN n",
    "MATCH (n) RETURN properties(n) AS p, labels(n) AS l",
    "MATCH (n:ApiToken) RETURN n",
    "MATCH (n:Account) RETURN n",
    "MATCH (n:Credential) RETURN n, keys(n) AS k",
    "MATCH (a)-[r]->(b) WHERE NOT a:Resource RETURN a, type(r), b",
    "CALL db.labels() YIELD label RETURN label",
    "CALL db.propertyKeys() YIELD propertyKey RETURN propertyKey",
]


def _adhoc(world: World, cypher: str) -> str:
    r = world.http.post("/queries/adhoc", json={"cypher": cypher, "limit": adhoc.MAX_LIMIT})
    assert r.status_code == 200, (cypher, r.text)
    assert r.json()["truncated"] is False, cypher
    return r.text


def test_adhoc_cypher_reads_no_credential(world: World) -> None:
    for cypher in ADHOC:
        assert world.secrets.leaked(_adhoc(world, cypher)) == [], cypher
    # The queries did reach the credentials: only sealed values and HMAC keys came back.
    sealed = json.loads(_adhoc(world, "MATCH (n:Credential) RETURN properties(n) AS p"))
    props = [row["p"] for row in sealed["rows"]]
    assert len(props) == 4  # two accounts, two tokens
    assert all(set(p) <= {"key", "owner", "sealed"} and p["sealed"] for p in props)
    everything = _adhoc(world, "MATCH (n) RETURN n")
    assert all(p["sealed"] in everything for p in props)


def test_a_saved_query_reads_no_credential(world: World) -> None:
    saved = world.http.post("/queries/saved", json={
        "name": "everything", "cypher": "MATCH (n) RETURN n, properties(n) AS p",
        "description": "every node"})
    assert saved.status_code == 201, saved.text
    r = world.http.post("/queries/saved/everything/run", json={"limit": adhoc.MAX_LIMIT})
    assert r.status_code == 200 and '"sealed"' in r.text
    assert world.secrets.leaked(r.text) == []


def test_sparql_reads_no_credential(world: World) -> None:
    r = world.http.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 200 and r.json()["results"]["bindings"]
    assert world.secrets.leaked(r.text) == []
    r = world.http.get("/sparql", params={
        "query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"})
    assert r.status_code == 200
    assert world.secrets.leaked(r.text) == []


def test_exports_profiles_and_the_feed_carry_no_credential(world: World) -> None:
    reg = world.registry
    texts = {
        "export": serialize(reg.export(), "ttl"),
        "export with the trail": serialize(reg.export(trail=True), "jsonld"),
        "dcat-ap": serialize_profile(export_profile(reg, "dcat-ap", None), "ttl"),
        "cpsv-ap": serialize_profile(export_profile(reg, "cpsv-ap", None), "ttl"),
    }
    for path, params in (("/snapshot", {"format": "nt"}), ("/changes", {"after": 0}),
                         ("/changes", {"after": 0, "format": "ttl"}),
                         ("/profiles/cpsv-ap", {"format": "ttl"}),
                         ("/profiles/dcat-ap", {"format": "jsonld"})):
        r = world.http.get(path, params=params)
        assert r.status_code == 200, (path, r.text)
        texts[f"{path} {params}"] = r.text
    assert "REG" in texts["/snapshot {'format': 'nt'}"]  # the catalog is there
    for name, text in texts.items():
        assert world.secrets.leaked(text) == [], name


# -- accounts and tokens work as before ----------------------------------------------------------

def test_authentication_revocation_disabling_and_expiry(world: World) -> None:
    accounts = Accounts(world.registry.store)
    assert accounts.authenticate(world.token) == HIDDEN
    token_id, secret = world.token.split("_")[1], world.token.split("_", 2)[2]
    refused = [world.token[:-1] + ("A" if world.token[-1] != "A" else "B"),  # wrong secret
               f"gct_{'0' * 16}_{secret}", "gct_nonsense", "", world.token.upper()]
    for bad in refused:
        with pytest.raises(Unauthenticated, match=UNAUTHENTICATED):
            accounts.authenticate(bad)
    later = Accounts(world.registry.store, now=lambda: datetime.now(UTC) + timedelta(days=91))
    with pytest.raises(Unauthenticated, match=UNAUTHENTICATED):
        later.authenticate(world.token)  # issued for 90 days

    [listed] = accounts.tokens(HIDDEN.name)
    assert listed["id"] == token_id and listed["label"] == LABEL and listed["revoked"] is None
    assert set(listed) == {"id", "label", "created", "expires", "revoked", "purpose"}  # no hash
    found = accounts.find(HIDDEN.name)
    assert found is not None and found.live_tokens == 1 and not found.disabled

    second = accounts.issue(HIDDEN.name, days=5).token
    assert accounts.revoke(second.split("_")[1]) == HIDDEN.name
    with pytest.raises(Unauthenticated, match=UNAUTHENTICATED):
        accounts.authenticate(second)
    with pytest.raises(AccountError, match="no live token"):
        accounts.revoke(second.split("_")[1])
    assert accounts.authenticate(world.token) == HIDDEN  # the other token lives on

    assert accounts.disable(HIDDEN.name) == 1
    with pytest.raises(Unauthenticated, match=UNAUTHENTICATED):
        accounts.authenticate(world.token)
    with pytest.raises(AccountError, match="no active account"):
        accounts.issue(HIDDEN.name)
    assert all(t["revoked"] for t in accounts.tokens(HIDDEN.name))
    # Enabled again, the account's earlier tokens stay revoked; a new one signs in.
    accounts.save(HIDDEN)
    with pytest.raises(Unauthenticated, match=UNAUTHENTICATED):
        accounts.authenticate(world.token)
    fresh = accounts.issue(HIDDEN.name).token
    assert accounts.authenticate(fresh) == HIDDEN
    by_name = {a.principal.name: a for a in accounts.accounts()}
    assert set(by_name) == {HIDDEN.name, "auditor"}
    assert by_name[HIDDEN.name].live_tokens == 1 and by_name[HIDDEN.name].principal == HIDDEN
    with pytest.raises(AccountError, match="no account"):
        accounts.disable("nobody")


def test_another_key_opens_nothing(world: World) -> None:
    """Credentials sealed under one key: under another, every token is refused with the same
    answer, and listing the accounts says the key does not fit (en, fa)."""
    other = Accounts(world.registry.store, sealer=Sealer(os.urandom(32)))
    with pytest.raises(Unauthenticated, match=UNAUTHENTICATED):
        other.authenticate(world.token)
    assert other.find(HIDDEN.name) is None  # its name finds another node under another key
    with pytest.raises(SealBroken) as broken:
        other.accounts()
    assert KEY_ENV in broken.value.message_en and KEY_FILE in broken.value.message_fa


def test_a_sealed_value_opens_only_on_its_own_node(world: World) -> None:
    """Moving a token's sealed value onto another token's node does not make a token."""
    accounts = Accounts(world.registry.store)
    other = accounts.issue(HIDDEN.name).token
    store = world.registry.store
    keys = [accounts.sealer.lookup("token", t.split("_")[1]) for t in (world.token, other)]
    [first] = store.read("MATCH (c:Credential {key: $key}) RETURN c.sealed AS s",
                         {"key": keys[0]})
    store.write("MATCH (c:Credential {key: $key}) SET c.sealed = $s RETURN c.key AS k",
                {"key": keys[1], "s": first["s"]})
    with pytest.raises(Unauthenticated, match=UNAUTHENTICATED):
        accounts.authenticate(other)
    assert accounts.authenticate(world.token) == HIDDEN


# -- backups -------------------------------------------------------------------------------------

def _backup(registry: Registry, sealer: Sealer | None = None) -> bytes:
    out = io.BytesIO()
    backup(registry, out, commit="test", sealer=sealer)
    return out.getvalue()


def test_a_restore_under_another_key_is_refused(world: World) -> None:
    reg = world.registry
    data = _backup(reg)
    manifest = read_archive(io.BytesIO(data)).manifest
    assert manifest["credentials_key"] == Accounts(reg.store).sealer.fingerprint
    assert world.secrets.leaked(_side(data)) == []  # the backup holds them sealed
    reg.store.clear()
    reg.store.setup()
    reg.ensure_code_lists()
    empty = store_counts(reg.store)
    stranger = Sealer(os.urandom(32))
    with pytest.raises(BackupError) as refused:
        restore(reg, read_archive(io.BytesIO(data)), sealer=stranger)
    said = refused.value
    assert "another server key" in said.message_en and KEY_ENV in said.message_en
    assert stranger.fingerprint in said.message_en and "nothing was restored" in said.message_en
    assert "کلید" in said.message_fa and "چیزی بازگردانده نشد" in said.message_fa
    assert store_counts(reg.store) == empty  # nothing written
    restore(reg, read_archive(io.BytesIO(data)))  # under the key that sealed them
    assert Accounts(reg.store).authenticate(world.token) == HIDDEN


def _side(data: bytes) -> str:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        f = tar.extractfile("side.json")
        assert f is not None
        return f.read().decode()


def _as_format_1(data: bytes, accounts: list[dict[str, Any]],
                 tokens: list[dict[str, Any]]) -> bytes:
    """The backup as govcat wrote it before credentials were sealed: side.json with plain
    accounts and token hashes, the counts and checksums of its manifest to match."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        files = {m.name: tar.extractfile(m).read() for m in tar}  # type: ignore[union-attr]
    side = json.loads(files["side.json"])
    del side["credentials"]
    side.update(accounts=accounts, tokens=tokens)
    files["side.json"] = json.dumps(side).encode()
    manifest = json.loads(files["manifest.json"])
    manifest["format_version"] = 1
    del manifest["credentials_key"]
    nodes = manifest["counts"]["nodes"]
    nodes.pop("Credential", None)
    nodes.update(Account=len(accounts), ApiToken=len(tokens))
    manifest["counts"]["side_relationships"] = {TOKEN_LINK: len(tokens)}
    manifest["parts"]["side.json"].update(
        bytes=len(files["side.json"]), sha256=hashlib.sha256(files["side.json"]).hexdigest())
    files["manifest.json"] = json.dumps(manifest).encode()
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for name, body in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    return out.getvalue()


# -- stores and backups of earlier versions -------------------------------------------------------

def _old_store(registry: Registry) -> dict[str, str]:
    """Plain Account/ApiToken nodes as earlier versions wrote them: an active steward with a
    live token and a revoked one, and a disabled account with its (revoked) token."""
    store = registry.store
    now = datetime.now(UTC)
    stamp = now.isoformat()
    tokens = {}
    for name, role, agency, disabled in (("old-steward", "steward", "REG", False),
                                         ("old-gone", "auditor", None, True)):
        store.write(OLD_ACCOUNT, {"name": name, "role": role, "agency": agency, "bodies": [],
                                  "province": None, "scopes": [], "disabled": disabled,
                                  "now": stamp})
    for label, name, revoked in (("live", "old-steward", None), ("revoked", "old-steward", stamp),
                                 ("gone", "old-gone", stamp)):
        token_id = hashlib.sha256(label.encode()).hexdigest()[:16]
        secret = base64.urlsafe_b64encode(hashlib.sha256(b"s" + label.encode()).digest())
        secret_text = secret.decode().rstrip("=")
        store.write(OLD_TOKEN, {"name": name, "id": token_id, "now": stamp, "label": label,
                                "hash": hashlib.sha256(secret_text.encode()).hexdigest(),
                                "expires": (now + timedelta(days=30)).isoformat(),
                                "revoked": revoked})
        tokens[label] = f"gct_{token_id}_{secret_text}"
    return tokens


def _plain_nodes(registry: Registry) -> int:
    [row] = registry.store.read(
        "OPTIONAL MATCH (u:Account) WITH count(u) AS a OPTIONAL MATCH (t:ApiToken) "
        "WITH a, count(t) AS t RETURN a + t AS n")
    return int(row["n"])


def test_plain_credentials_of_an_earlier_version_are_sealed_on_setup(
        registry: Registry) -> None:
    tokens = _old_store(registry)
    secrets = Secrets.of(list(tokens.values()))
    dump = json.dumps(registry.store.read("MATCH (n) RETURN properties(n) AS p"), default=str)
    assert "old-steward" in dump and secrets.leaked(dump)  # in the clear, before

    assert seal_plain_credentials(registry.store) == 5
    assert _plain_nodes(registry) == 0
    dump = json.dumps(registry.store.read("MATCH (n) RETURN properties(n) AS p"), default=str)
    assert "old-steward" not in dump and "old-gone" not in dump
    assert secrets.leaked(dump) == []
    accounts = Accounts(registry.store)
    steward = accounts.authenticate(tokens["live"])
    assert (steward.name, steward.role, steward.agency) == ("old-steward", Role.STEWARD, "REG")
    for dead in ("revoked", "gone"):
        with pytest.raises(Unauthenticated, match=UNAUTHENTICATED):
            accounts.authenticate(tokens[dead])
    listed = {a.principal.name: (a.disabled, a.live_tokens) for a in accounts.accounts()}
    assert listed == {"old-steward": (False, 1), "old-gone": (True, 0)}
    # Idempotent: nothing left to seal, nothing changed.
    before = registry.store.read("MATCH (c:Credential) RETURN c.sealed AS s ORDER BY s")
    assert seal_plain_credentials(registry.store) == 0
    assert registry.store.read("MATCH (c:Credential) RETURN c.sealed AS s ORDER BY s") == before
    assert accounts.authenticate(tokens["live"]) == steward


def test_a_backup_of_format_1_is_restored_sealed(world: World) -> None:
    reg = world.registry
    sealed = _backup(reg)
    secret = world.token.split("_", 2)[2]
    accounts = [{"name": HIDDEN.name, "role": HIDDEN.role.value, "agency": None, "bodies": [],
                 "province": HIDDEN.province, "scopes": [], "disabled": False,
                 "updated": "2026-01-01T00:00:00+00:00"}]
    tokens = [{"account": HIDDEN.name, "props": {
        "id": world.token.split("_")[1], "hash": hashlib.sha256(secret.encode()).hexdigest(),
        "created": "2026-01-01T00:00:00+00:00", "label": LABEL,
        "expires": (datetime.now(UTC) + timedelta(days=9)).isoformat()}}]
    old = read_archive(io.BytesIO(_as_format_1(sealed, accounts, tokens)))
    assert old.manifest["format_version"] == 1
    restore(reg, old, force=True)
    assert _plain_nodes(reg) == 0
    assert Accounts(reg.store).authenticate(world.token) == HIDDEN
    assert [a.principal.name for a in Accounts(reg.store).accounts()] == [HIDDEN.name]
    dump = json.dumps(reg.store.read("MATCH (n) RETURN properties(n) AS p"), default=str)
    assert world.secrets.leaked(dump) == []


# -- the key ---------------------------------------------------------------------------------------

def test_the_key_file_is_made_once_private_and_shared(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    settings = Settings(data_dir=tmp_path / "data")
    keys: list[bytes] = []
    threads = [threading.Thread(target=lambda: keys.append(server_key(settings)))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(keys) == 8 and len(set(keys)) == 1 and len(keys[0]) == 32  # one key for all
    path = tmp_path / "data" / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == [KEY_FILE]  # no partial left
    assert server_key(settings) == keys[0]
    monkeypatch.setenv(KEY_ENV, base64.b64encode(b"k" * 32).decode())
    assert server_key(settings) == b"k" * 32  # the environment wins
    for bad in ("not base64!", base64.b64encode(b"short").decode()):
        monkeypatch.setenv(KEY_ENV, bad)
        with pytest.raises(KeyProblem, match="base64 of 32 bytes"):
            server_key(settings)


# -- the commands, as an operator and an auditor use them -----------------------------------------

CLI_BASE = "https://govcat.keys/id/"


@pytest.fixture
def two_sites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
              ) -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    """Two installations, each with its embedded FalkorDB and its own key file (no
    GOVCAT_SECRET_KEY)."""
    monkeypatch.delenv(KEY_ENV, raising=False)
    with installations(tmp_path, CLI_BASE, "first", "second") as [first, second]:
        yield first, second


def test_the_commands_keep_credentials_sealed_and_restore_needs_the_key(
        two_sites: tuple[dict[str, str], dict[str, str]], tmp_path: Path) -> None:
    first, second = two_sites
    book = write_workbook(tmp_path / "two.xlsx", two_agencies())
    assert run(first, "load", str(book))[0] == 0
    code, out = run(first, "admin", "account", HIDDEN.name, "--role", HIDDEN.role.value,
                     "--province", str(HIDDEN.province))
    assert code == 0, out
    code, out = run(first, "admin", "token", HIDDEN.name, "--label", LABEL)
    assert code == 0, out
    token = out.splitlines()[0]
    key = tmp_path / "first" / KEY_FILE
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    secrets = Secrets.of([token])

    for args in (("query", "--cypher", "MATCH (n) RETURN n", "--limit", "10000"),
                 ("query", "--cypher", "MATCH (n:ApiToken) RETURN n"),
                 ("query", "--cypher", "MATCH (n) RETURN properties(n) AS p", "--limit",
                  "10000", "--format", "csv"),
                 ("export",), ("export", "--format", "jsonld"),
                 ("export", "--profile", "dcat-ap"), ("export", "--profile", "cpsv-ap")):
        code, out = run(first, *args)
        assert code == 0, (args, out)
        assert secrets.leaked(out) == [], args
    code, out = run(first, "admin", "accounts")
    assert code == 0 and HIDDEN.name in out and HIDDEN.role.value in out  # the operator sees

    file = tmp_path / "nightly.tar.gz"
    assert run(first, "backup", "--output", str(file))[0] == 0
    assert secrets.leaked(_side(file.read_bytes())) == []
    code, out = run(second, "restore", str(file))
    assert code == 1 and "another server key" in out and "کلید" in out, out
    shutil.copy(key, tmp_path / "second" / KEY_FILE)  # the operator brings the key along
    code, out = run(second, "restore", str(file))
    assert code == 0 and "restored" in out, out
    code, out = run(second, "validate", str(book), "--token", token)
    assert code == 1 and "forbidden" in out  # signed in: a verifier may not load records
    code, out = run(second, "validate", str(book), "--token", token[:-1] + "x")
    assert code == 2 and UNAUTHENTICATED in out
