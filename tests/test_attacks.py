"""Attacks (ADR 0011): token guessing, Cypher injection through every parameter, SPARQL
updates and fetches, path traversal, oversized uploads, security headers on every route of the
route table, and no secret or stack trace in any error body. Each attack leaves the store as it
was (tests.support.robustness.fingerprint) and gets a 4xx in English and Persian, never a 5xx.

Cypher injection is tried on FalkorDB: its client writes parameter values into the query text
(quoted), where Neo4j's driver sends them apart from it, so FalkorDB is where quoting matters.
Tenant isolation is tests/test_api_access.py."""

from __future__ import annotations

import ast
import base64
import builtins
import hashlib
import hmac
import io
import json
import logging
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from typer.testing import CliRunner

from api.limits import DATA_CSP, FAILED_SIGN_INS_PER_MINUTE, SECURITY_HEADERS
from api.web.render import PAGE_CSP
from catalog.access import accounts as accounts_module
from catalog.access.accounts import Accounts
from catalog.access.principals import Unauthenticated
from catalog.iris import Iris
from catalog.kinds import by_api
from catalog.port import GraphStore, StoreError
from catalog.registry import Registry
from catalog.store.falkordb_server import FalkorServer
from graph_queries import named
from loaders.submission import read_submission
from tests.support import robustness as rb
from tests.support.robustness import BASE, World, build_world
from tests.support.routes import route_table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture(scope="module")
def world(falkor_server: FalkorServer, tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(falkor_server, "attacks", tmp_path_factory.mktemp("attacks"))


def _secrets(world: World) -> list[str]:
    """What no answer may show: tokens, their stored hashes, the code's location."""
    found = [str(Path(__file__).resolve().parent.parent), "Traceback", 'File "']
    for token in world.tokens.values():
        secret = token.split("_", 2)[2]
        found += [secret, hashlib.sha256(secret.encode()).hexdigest()]
    return found


def _clean(world: World, r: Response, *allowed: int) -> Response:
    """A 4xx (or one of `allowed`) in both languages, with nothing it should not hold."""
    assert r.status_code < 500 or r.status_code in allowed, (r.status_code, r.text[:500])
    if r.status_code >= 400:
        body = r.json()
        assert body.get("detail") and body.get("detail_fa"), r.text[:300]
    for secret in _secrets(world):
        assert secret not in r.text, (secret, r.text[:300])
    return r


# -- tokens ---------------------------------------------------------------------------------------

def test_token_comparison_is_constant_time_by_construction(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every sign-in compares digests with hmac.compare_digest, once, whether the token's id
    exists or not (ADR 0008); no token, secret or digest is compared with == anywhere."""
    calls: list[tuple[str, str]] = []
    real_compare = hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        calls.append((a, b))
        return real_compare(a, b)

    monkeypatch.setattr(accounts_module.hmac, "compare_digest", spy)
    accounts = Accounts(world.registry.store)
    real = world.tokens["admin"]
    token_id = real.split("_")[1]
    wrong = f"gct_{token_id}_{'A' * 43}"
    unknown = "gct_" + "0" * 16 + "_" + real.split("_", 2)[2]
    for token in (wrong, unknown, "gct_malformed", ""):
        calls.clear()
        with pytest.raises(Unauthenticated):
            accounts.authenticate(token)
        assert len(calls) == 1 and all(len(x) == 64 for x in calls[0]), token
    calls.clear()
    assert accounts.authenticate(real).name == "admin" and len(calls) == 1

    tree = ast.parse(Path(accounts_module.__file__).read_text(encoding="utf-8"))
    secret_words = re.compile(r"hash|secret|digest|token", re.IGNORECASE)
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and any(isinstance(op, ast.Eq | ast.NotEq)
                                                 for op in node.ops):
            names = ast.unparse(node)
            assert not secret_words.search(names), f"compared with ==: {names}"


def test_guessing_tokens_is_refused_after_ten_failures(world: World) -> None:
    """Failed sign-ins cost the caller's address (ADR 0010): after ten in a minute its tokens
    are refused unread, the right one too, so guessing secrets of a known id goes nowhere."""
    client = world.app(rate_per_minute=600)
    before = world.fingerprint()
    token_id = world.tokens["admin"].split("_")[1]
    # secrets are URL-safe base64: "_" and "-" are theirs too, and change nothing
    guesses = [f"gct_{token_id}_{i:043d}" for i in range(FAILED_SIGN_INS_PER_MINUTE - 4)] + [
        f"gct_{token_id}_{'_' * 42}{i}" for i in range(3)] + ["gct_x", "x_y_z_w", "gct__"]
    guesses += [f"gct_{'f' * 16}_{'-_' * 21}{i}" for i in range(4)]
    started = time.monotonic()
    codes = [_clean(world, client.get("/trail", headers={
        "Authorization": f"Bearer {guess}"})).status_code for guess in guesses]
    right = client.get("/trail", headers=world.as_("admin"))
    if time.monotonic() - started < 5:  # the address earns a guess back every 6 s
        # the last ones hold "_" in their secret: they were not held back before (ADR 0011)
        assert codes == [401] * FAILED_SIGN_INS_PER_MINUTE + [429] * (len(guesses) - 10)
        assert right.status_code == 429 and int(right.headers["Retry-After"]) >= 1
    assert codes.count(401) <= FAILED_SIGN_INS_PER_MINUTE + 1
    assert world.fingerprint() == before


# -- Cypher injection -----------------------------------------------------------------------------

def _named_calls(world: World, payload: str, every: bool) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every named query with `payload` in its first parameter, or (`every`) in each of its
    parameters in turn (the others left out or set)."""
    for q in named.catalog_of_queries().values():
        plain = [p for p in q.params if p.type != "structure"]
        for target in plain if every else plain[:1]:
            params: dict[str, Any] = {}
            for p in plain:
                if p is target:
                    params[p.name] = (f"{payload}->{payload}" if p.type == "iri-pairs"
                                      else payload)
                elif not p.optional:
                    params[p.name] = "agency/REG"
            yield q.name, params


def test_cypher_injection_through_named_query_parameters(world: World) -> None:
    before = world.fingerprint()
    tried = 0
    for i, payload in enumerate(rb.CYPHER_INJECTIONS):
        for name, params in _named_calls(world, payload, every=i % 3 == 0):
            if name == "compare-structure":  # its structure is the body; the rest in the URL
                if payload not in rb.CYPHER_INJECTIONS[:6]:
                    continue  # (it reads and checks a workbook each time)
                r = world.http.post(f"/queries/{name}", params=params, content=world.workbook,
                                    headers={**world.as_("auditor"), "content-type": XLSX})
            else:
                r = world.http.post(f"/queries/{name}", json={"params": params},
                                    headers=world.as_("auditor"))
            _clean(world, r)
            assert r.status_code in (200, 400), (name, params, r.text[:300])
            tried += 1
        if payload not in rb.CYPHER_INJECTIONS[:4]:
            continue
        # the same in the URL, as GET (first parameter of each query)
        for q in named.catalog_of_queries().values():
            first = next((p for p in q.params if p.type not in ("structure",)), None)
            if first is not None and q.name != "compare-structure":
                _clean(world, world.http.get(f"/queries/{q.name}", params={first.name: payload},
                                             headers=world.as_("auditor")))
                tried += 1
    assert tried > 250
    assert world.fingerprint() == before


def test_cypher_injection_through_resource_filters(world: World) -> None:
    before = world.fingerprint()
    for i, payload in enumerate(rb.CYPHER_INJECTIONS):
        cursor = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
        kinds = list(by_api())
        for params in ({"q": payload}, {"agency": payload}, {"cursor": cursor},
                       {"status": payload}, {"q": payload, "agency": payload}):
            # every filter, each kind in turn over the payloads
            for kind in (kinds[i % len(kinds)],):
                r = _clean(world, world.http.get(f"/resources/{kind}", params=params,
                                                 headers=world.as_()))
                assert r.status_code in (200, 400, 422), (kind, params, r.text[:200])
                if r.status_code == 200:
                    assert isinstance(r.json()["items"], list)
        _clean(world, world.http.get("/resources/services", params={"q": payload}))
        for kind in ("duties", "services"):
            _clean(world, world.http.get(f"/resources/{kind}", params={"step_state": payload},
                                         headers=world.as_()))
        _clean(world, world.http.get("/resource", params={"iri": payload}))
        _clean(world, world.http.get("/trail", params={"actor": payload, "agency": payload},
                                     headers=world.as_()))
        _clean(world, world.http.get("/history", params={"iri": payload}, headers=world.as_()))
    assert world.fingerprint() == before


WRITES = [
    "CREATE (n:Resource {iri: 'x'}) RETURN n",
    "MERGE (n:Resource {iri: 'x'}) RETURN n",
    "MATCH (n:Resource) SET n.hacked = true RETURN count(n)",
    "MATCH (n:Resource) REMOVE n.iri RETURN count(n)",
    "MATCH (n) DETACH DELETE n",
    "MATCH (n:Resource) WITH n LIMIT 1 DELETE n",
    "MATCH (a:Account) SET a.role = 'admin' RETURN a",
    "CALL db.idx.fulltext.createNodeIndex('Resource', 'iri')",
    "UNWIND [1] AS x CREATE (:Account {name: 'evil', role: 'admin'})",
    "MATCH (n) RETURN n UNION CREATE (m:Resource) RETURN m AS n",
]


def test_ad_hoc_queries_cannot_write_or_reach_out(world: World) -> None:
    before = world.fingerprint()
    with rb.no_fetch() as listener:
        reach = [f"LOAD CSV FROM 'https://127.0.0.1:{listener.port}/x.csv' AS row RETURN row",
                 f"load /* x */ csv with headers from '{listener.url}/y' AS r RETURN r",
                 "LOAD\n// c\nCSV FROM 'file:///etc/passwd' AS row RETURN row",
                 "LOAD CSV FROM 'file:///../../../../etc/passwd' AS row RETURN row"]
        for text in WRITES + reach:
            r = _clean(world, world.http.post("/queries/adhoc", json={"cypher": text},
                                              headers=world.as_("auditor")))
            assert r.status_code in (400, 403), (text, r.status_code, r.text[:200])
            saved = _clean(world, world.http.post("/queries/saved", json={
                "name": "evil", "cypher": text, "description": "x"}, headers=world.as_()))
            assert saved.status_code in (400, 403), (text, saved.text[:200])
    assert world.fingerprint() == before


def test_cypher_injection_through_ad_hoc_parameters(world: World) -> None:
    before = world.fingerprint()
    shapes = ["MATCH (n:Resource) WHERE n.iri = $x RETURN n.iri AS iri",
              "MATCH (n:Resource) WHERE n.iri IN $x RETURN n.iri AS iri",
              "RETURN $x AS x"]
    for payload in rb.CYPHER_INJECTIONS:
        for value in (payload, [payload], {"k": payload}, {payload: 1}, {"k": {payload: [1]}}):
            for text in shapes if value == payload else shapes[-1:]:
                r = _clean(world, world.http.post("/queries/adhoc", content=json.dumps(
                    {"cypher": text, "params": {"x": value}}, ensure_ascii=True).encode(),
                    headers={**world.as_("auditor"), "content-type": "application/json"}))
                assert r.status_code in (200, 400), (text, value, r.text[:200])
                if r.status_code == 200 and text.startswith("RETURN"):
                    assert r.json()["rows"][0]["x"] == value  # data, not code
        bad_name = world.http.post("/queries/adhoc", json={
            "cypher": "RETURN 1 AS x", "params": {f"x={payload}": 1}}, headers=world.as_())
        assert _clean(world, bad_name).status_code == 400
    assert world.fingerprint() == before


def test_cypher_injection_through_saved_queries(world: World) -> None:
    before = world.fingerprint()
    auditor = world.as_("auditor")
    for payload in rb.CYPHER_INJECTIONS:
        r = world.http.post("/queries/saved", json={
            "name": payload, "cypher": "RETURN 1 AS x", "description": "x"}, headers=auditor)
        assert _clean(world, r).status_code == 400, payload
        r = world.http.post("/queries/saved", json={
            "name": "p", "cypher": "RETURN 1 AS x", "description": "x",
            "params": [payload]}, headers=auditor)
        assert _clean(world, r).status_code == 400, payload
        seg = quote(payload, safe="")
        for path in (f"/queries/saved/{seg}", f"/queries/saved/{seg}/run"):
            _clean(world, world.http.get(path, headers=auditor))
    made = world.http.post("/queries/saved", json={
        "name": "probe", "cypher": "MATCH (n:Resource) WHERE n.iri = $x RETURN n.iri AS iri",
        "description": "') DETACH DELETE n //", "params": ["x"]}, headers=auditor)
    assert made.status_code == 201, made.text
    for payload in rb.CYPHER_INJECTIONS:
        _clean(world, world.http.get("/queries/saved/probe/run", params={"x": payload},
                                     headers=auditor))
        _clean(world, world.http.post("/queries/saved/probe/run",
                                      json={"params": {"x": payload}}, headers=auditor))
    assert world.http.get("/queries/saved/probe", headers=auditor).json()["description"] \
        == "') DETACH DELETE n //"
    assert world.http.delete("/queries/saved/probe", headers=auditor).status_code == 204
    assert world.fingerprint() == before


def test_payloads_in_path_parameters_and_writes_change_nothing(world: World) -> None:
    """Injections as agency codes, account names, token ids, kinds and IRIs in every write
    route: refused (4xx) or, where the name is free text, written as data only."""
    before = world.fingerprint()
    steward = world.as_("steward-reg")
    for payload in rb.CYPHER_INJECTIONS:
        seg = quote(payload, safe="")
        for method, path, body in (
                ("POST", f"/agencies/{seg}/steps/1/submit", None),
                ("POST", f"/agencies/{seg}/decisions", {"record": payload, "approve": True}),
                ("POST", f"/agencies/{seg}/representative", {"person": payload}),
                ("DELETE", f"/accounts/{seg}/tokens/{seg}", None),
                ("DELETE", "/resource", None),
                ("PUT", "/resources/duties", {"agency_code": payload, "ref": payload,
                                              "title_fa": payload, "legal_basis": payload}),
                ("GET", f"/agencies/{seg}/steps", None),
                ("GET", f"/id/agency/{seg}", None)):
            r = world.http.request(method, path, json=body, headers=steward,
                                   params={"iri": payload} if path == "/resource" else None)
            assert _clean(world, r).status_code in (400, 403, 404, 405, 409, 422), (
                method, path, r.status_code, r.text[:200])
    assert world.fingerprint() == before


def test_the_falkordb_adapter_never_sends_what_it_cannot_quote(world: World) -> None:
    """The last guard: a NUL would end FalkorDB's query text early, a backtick in a map key
    cannot be quoted; both are refused before anything is sent."""
    store = world.registry.store
    before = world.fingerprint()
    for params in ({"x": "a\x00b"}, {"x": ["ok", {"k": "\x00"}]}, {"x": {"a`b": 1}}):
        with pytest.raises(StoreError):
            store.read("RETURN $x AS x", params)
        with pytest.raises(StoreError):
            store.write("CREATE (:Resource {iri: 'nul-probe', v: $x})", params)
    assert world.fingerprint() == before


# -- SPARQL ---------------------------------------------------------------------------------------

def test_sparql_updates_are_refused_on_every_channel(world: World) -> None:
    before = world.fingerprint()
    h = world.as_("auditor")
    for update in rb.SPARQL_UPDATES:
        answers = [
            world.http.get("/sparql", params={"query": update}, headers=h),
            world.http.get("/sparql", params={"update": update}, headers=h),
            world.http.post("/sparql", data={"query": update}, headers=h),
            world.http.post("/sparql", data={"update": update}, headers=h),
            world.http.post("/sparql", content=update.encode(),
                            headers={**h, "content-type": "application/sparql-query"}),
            world.http.post("/sparql", content=update.encode(),
                            headers={**h, "content-type": "application/sparql-update"}),
        ]
        for r in answers:
            assert _clean(world, r).status_code in (400, 415), (update, r.text[:200])
    assert world.fingerprint() == before
    ask = world.http.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers=h)
    assert ask.status_code == 200 and ask.json()["boolean"] is True  # the data is all there


def test_sparql_fetches_nothing(world: World) -> None:
    h = world.as_("auditor")
    with rb.no_fetch() as listener:
        for query in rb.sparql_fetches(listener.url):
            for r in (world.http.get("/sparql", params={"query": query}, headers=h),
                      world.http.post("/sparql", data={"query": query}, headers=h)):
                _clean(world, r)
        for graph in ("default-graph-uri", "named-graph-uri"):
            _clean(world, world.http.get("/sparql", params={
                "query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", graph: f"{listener.url}/g"},
                headers=h))


# -- path traversal -------------------------------------------------------------------------------

class Opened:
    """Every file the process opens while attacked (builtins.open, io.open, os.open)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.paths: list[str] = []
        real_open, real_os_open = builtins.open, os.open

        def spy_open(file: Any, *a: Any, **k: Any) -> Any:
            if isinstance(file, str | bytes | os.PathLike):
                self.paths.append(os.fsdecode(file))
            return real_open(file, *a, **k)

        def spy_os_open(path: Any, *a: Any, **k: Any) -> Any:
            self.paths.append(os.fsdecode(path))
            return real_os_open(path, *a, **k)

        monkeypatch.setattr(builtins, "open", spy_open)
        monkeypatch.setattr(io, "open", spy_open)
        monkeypatch.setattr(os, "open", spy_os_open)

    def outside(self, *roots: Path) -> list[str]:
        allowed = [str(r.resolve()) for r in roots] + [
            str(Path(tempfile.gettempdir()).resolve()), sys.prefix, sys.base_prefix]
        return [p for p in self.paths if not any(
            os.path.realpath(p).startswith(a) for a in allowed)]


def test_traversal_in_urls_reads_no_file(world: World, monkeypatch: pytest.MonkeyPatch,
                                         project_root: Path) -> None:
    before = world.fingerprint()
    opened = Opened(monkeypatch)
    h = world.as_()
    for t in rb.TRAVERSALS:
        for url in (f"/id/{t}", f"/id/agency/{t}", f"/queries/{t}", f"/queries/saved/{t}",
                    f"/queries/saved/{t}/run", f"/profiles/{t}", f"/resources/{t}",
                    f"/agencies/{t}/steps", f"/accounts/{t}", f"/context.jsonld/{t}",
                    f"/docs/{t}"):
            for headers in (h, {}):
                r = _clean(world, world.http.get(url, headers=headers))
                assert r.status_code in (200, 400, 401, 404, 405, 409, 422), (url, r.status_code)
                assert "root:" not in r.text and "[fonts]" not in r.text
        for params in ({"iri": t}, {"iri": BASE + t}):
            r = _clean(world, world.http.get("/resource", params=params, headers=h))
            assert r.status_code == 404
    assert not [p for p in opened.paths if "passwd" in p or "win.ini" in p]
    assert opened.outside(project_root) == []
    assert world.fingerprint() == before


def test_upload_names_are_never_used(world: World, monkeypatch: pytest.MonkeyPatch,
                                     project_root: Path) -> None:
    """An upload is written under a name govcat makes, in a directory of its own, and gone
    after: whatever name the client gives (Content-Disposition, a workbook's own parts, a
    sheet's name) is never a path."""
    target = Path(tempfile.gettempdir()) / "govcat-pwned.ttl"
    zip_slip = rb.assemble({**rb.parts(world.workbook),
                            "../../../../../../tmp/govcat-pwned.ttl": b"pwned",
                            "/tmp/govcat-pwned.ttl": b"pwned"})
    opened = Opened(monkeypatch)
    before = world.fingerprint()
    for media, body in (("text/turtle", f"<{BASE}a> <{BASE}b> <{BASE}c> .".encode()),
                        (XLSX, zip_slip)):
        for name in ("../../../../../../tmp/govcat-pwned.ttl", "/tmp/govcat-pwned.ttl"):
            r = world.http.post("/imports?dry_run=true", content=body, headers={
                **world.as_(), "content-type": media, "X-Filename": name,
                "Content-Disposition": f'attachment; filename="{name}"'})
            assert _clean(world, r).status_code in (201, 422), r.text[:300]
    assert not target.exists()
    uploads = [p for p in opened.paths if "upload" in Path(p).name]
    assert uploads and all(Path(p).name in ("upload.ttl", "upload.xlsx") for p in uploads)
    assert opened.outside(project_root) == []
    assert world.fingerprint() == before


def test_the_cli_writes_only_where_it_is_told(tmp_path: Path) -> None:
    """`govcat export --output` and `govcat template` write the one file named; an agency
    code that looks like a path is a code; a data directory given with `..` is resolved."""
    from cli.main import app

    data = tmp_path / "x" / ".." / "data"
    env = {"GOVCAT_DATA_DIR": str(data), "GOVCAT_BASE_IRI": BASE}
    runner = CliRunner()
    try:
        out = tmp_path / "out"
        out.mkdir()
        result = runner.invoke(app, ["export", "--agency", "../../../etc/passwd", "--output",
                                     str(out / "export.ttl")], env=env)
        assert result.exit_code == 0, result.output
        (out / "sub").mkdir()
        result = runner.invoke(app, ["template", str(out / "sub" / ".." / "t.xlsx")], env=env)
        assert result.exit_code == 0, result.output
        assert sorted(p.name for p in out.iterdir()) == ["export.ttl", "sub", "t.xlsx"]
        assert list((out / "sub").iterdir()) == []
        assert "passwd" not in (out / "export.ttl").read_text(encoding="utf-8")
        assert (tmp_path / "data").is_dir() and not (tmp_path / "x").exists()
        assert FalkorServer(data).data_dir == (tmp_path / "data").resolve()
    finally:
        FalkorServer(data).stop()


# -- oversized uploads ----------------------------------------------------------------------------

def _fill(path: str) -> str:
    sample = {"path": "agency/REG", "kind": "duties", "agency": "REG", "step": "1",
              "action": "submit", "name": "service-duties", "token_id": "0123456789abcdef",
              "ref": "F1", "unit": "U-REG-1", "profile": "dcat-ap", "page": "1",
              "plan": "PL1", "sha256": "0" * 64, "to": "en"}  # any other: "x"
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: sample.get(m.group(1), "x"), path)


def test_oversized_bodies_are_413_on_every_write_route(world: World) -> None:
    limit = 4096
    client = world.app(max_body_bytes=limit)
    before = world.fingerprint()
    writes = [(m, p) for m, p in route_table(client.app) if m in WRITE_METHODS]  # type: ignore[arg-type]
    assert len(writes) >= 20
    big = b"{" + b" " * (limit * 2) + b"}"

    def chunks() -> Iterator[bytes]:
        for _ in range(8):
            yield b" " * limit

    for method, path in writes:
        url = _fill(path)
        declared = client.request(method, url, content=big, headers={
            **world.as_(), "content-type": "application/json"})
        streamed = client.request(method, url, content=chunks(), headers={
            **world.as_(), "content-type": "application/json"})
        for r in (declared, streamed):
            assert _clean(world, r).status_code == 413, (method, path, r.status_code)
            assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert world.fingerprint() == before


# -- security headers -----------------------------------------------------------------------------

def _assert_headers(r: Response, path: str) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert r.headers.get(name) == value, (path, r.status_code, name)
    csp = r.headers.get("Content-Security-Policy")
    if r.headers.get("content-type", "").startswith("text/html") and path != "/docs":
        # a page of the web app (ADR 0031): its own scripts and styles, nothing inline
        assert csp == PAGE_CSP, (path, r.status_code)
    elif not path.startswith("/docs"):
        assert csp == DATA_CSP, (path, r.status_code)


def test_security_headers_on_every_route(world: World) -> None:
    """From the app's route table: each route, signed in or not, whatever it answers; and the
    answers made before any route runs (404, 405, 413, 429, 400)."""
    routes = route_table(world.http.app)  # type: ignore[arg-type]
    assert len(routes) >= 45
    for method, path in routes:
        url = _fill(path)
        calls = [world.http.request(method, url)]  # no token: 401 for most
        if method == "GET":
            calls.append(world.http.get(url, headers=world.as_("auditor")))
        for r in calls:
            _assert_headers(r, path)
    extra = [world.http.get("/no/such/route"), world.http.delete("/health"),
             world.http.get("/health", params={"x": "\x00"}),
             world.app(max_body_bytes=10).post("/imports", content=b"x" * 100),
             world.app(rate_per_minute=1).get("/health")]
    limited = world.app(rate_per_minute=1)
    limited.get("/health")
    extra.append(limited.get("/health"))
    assert {r.status_code for r in extra} >= {404, 405, 400, 413, 429}
    for r in extra:
        _assert_headers(r, "/x")


# -- no secret, no stack trace --------------------------------------------------------------------

SECRET = "s3cr3t-value-that-must-not-leak"


class Exploding:
    """A store that fails every call with a message full of secrets, but signs callers in."""

    def __init__(self, store: GraphStore, message: str) -> None:
        self._store = store
        self._message = message
        self.name = store.name

    def sign_in_credentials(self, token_key: str) -> Any:  # signing in still works
        return self._store.sign_in_credentials(token_key)

    def read(self, query: str, params: Any = None, **kw: Any) -> Any:
        raise RuntimeError(self._message)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        def explode(*_: Any, **__: Any) -> Any:
            raise KeyError(self._message)
        return explode


def test_internal_errors_answer_an_id_and_log_the_trace(
        world: World, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("GOVCAT_TEST_SECRET", SECRET + "-env")
    token_hash = hashlib.sha256(world.tokens["admin"].split("_", 2)[2].encode()).hexdigest()
    message = (f"{SECRET} {os.environ['GOVCAT_TEST_SECRET']} token hash {token_hash} at "
               f"{Path(__file__).resolve()} line 1")
    from api.app import create_app

    broken = Registry(Exploding(world.registry.store, message), Iris(BASE))  # type: ignore[arg-type]
    client = TestClient(create_app(broken), raise_server_exceptions=False)
    caplog.set_level(logging.ERROR, logger="govcat.api")
    failed = 0
    for method, path in route_table(client.app):  # type: ignore[arg-type]
        if path.startswith(("/docs", "/redoc", "/openapi")):
            continue
        r = client.request(method, _fill(path), headers=world.as_(),
                           json={} if method in WRITE_METHODS else None)
        for leak in (SECRET, token_hash, "Traceback", 'File "', "test_attacks.py", "KeyError",
                     "RuntimeError", str(Path(__file__).resolve().parent)):
            assert leak not in r.text, (method, path, leak, r.text[:300])
        _assert_headers(r, path)
        if r.status_code == 500:
            failed += 1
            body = r.json()
            assert set(body) == {"detail", "detail_fa", "error_id"}
            assert body["error_id"] in body["detail"] and body["error_id"] in body["detail_fa"]
            logged = [rec for rec in caplog.records if body["error_id"] in rec.getMessage()]
            assert logged and logged[0].exc_info is not None  # the trace, for the operator
            assert SECRET in str(logged[0].exc_info[1])
    assert failed >= 20  # most routes reached the store


def test_store_outage_and_refusals_hold_no_internals(world: World) -> None:
    """Errors govcat words itself (4xx) quote no path, trace or stored secret either; a
    failing adapter's own text reaches only the caller's own queries."""
    h = world.as_("auditor")
    answers = [
        world.http.post("/queries/adhoc", json={"cypher": "MATCH (n) RETURN n.nope("},
                        headers=h),
        world.http.post("/queries/adhoc", json={"cypher": "MATCH (t:ApiToken) RETURN t.hash"},
                        headers=world.as_("steward-reg")),
        world.http.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p"}, headers=h),
        world.http.post("/imports", content=b"\x00" * 10, headers={
            **world.as_(), "content-type": XLSX}),
        world.http.get("/accounts", headers=world.as_("steward-reg")),
        world.http.get("/trail", headers={"Authorization": "Bearer gct_x"}),
    ]
    for r in answers:
        _clean(world, r)
        assert 400 <= r.status_code < 500


def test_the_store_is_intact_after_every_attack(world: World) -> None:
    """The module's world after all of the above: the catalog and its accounts as loaded."""
    sub = read_submission(world.tmp / "two.xlsx", world.registry)
    assert sub.problems == []
    outcome = world.registry.apply_checked(sub.changeset)
    assert outcome.stored == 0  # every record as it was
    names = {a.principal.name for a in Accounts(world.registry.store).accounts()}
    assert names == {"admin", "steward-reg", "auditor"}
