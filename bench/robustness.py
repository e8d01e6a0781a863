"""Robustness figures (ADR 0011): the bad-input and attack cases of
tests/test_bad_input.py and tests/test_attacks.py, many more of them, against a fresh
embedded FalkorDB. Prints, per category and group: the cases tried, the faults injected
(hostile inputs), how many were refused with a clear 4xx or problem, server errors (must be
0), connections to a listener no one may call (must be 0), data lost (must be 0: a refused
case that changed the store, or a record or account missing at the end), the slowest case
and the largest memory peak.

Usage: python bench/robustness.py [--cases 1000] [--seed 8] [--unguarded-mib 64]
`--unguarded-mib` also times openpyxl alone on a zip bomb of that many MiB (in a child
process), to show what the guard in loaders/spreadsheet.py saves.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import platform
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalog.access.accounts import Accounts  # noqa: E402
from catalog.access.principals import Unauthenticated  # noqa: E402
from catalog.kinds import by_api  # noqa: E402
from catalog.store.falkordb_server import FalkorServer  # noqa: E402
from graph_queries import named  # noqa: E402
from loaders.submission import read_submission  # noqa: E402
from tests.support import robustness as rb  # noqa: E402
from tests.support.robustness import BASE, World, build_world  # noqa: E402
from tests.support.routes import route_table  # noqa: E402

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Tally:
    category: str
    group: str
    cases: int = 0
    faults: int = 0
    refused: int = 0
    errors: int = 0  # 5xx answers or exceptions out of a loader
    fetches: int = 0
    lost: int = 0
    slowest: float = 0.0
    peak_mib: float = 0.0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


class Bench:
    def __init__(self, world: World, seed: int) -> None:
        self.world = world
        self.rng = random.Random(seed)
        self.tallies: list[Tally] = []
        self._started = time.perf_counter()

    def tally(self, category: str, group: str) -> Tally:
        self.close()
        t = Tally(category, group)
        self.tallies.append(t)
        self._started = time.perf_counter()
        return t

    def close(self) -> None:
        if self.tallies and not self.tallies[-1].seconds:
            self.tallies[-1].seconds = time.perf_counter() - self._started

    def read(self, t: Tally, path: Path, hostile: bool = True, memory: bool = False) -> None:
        """One file through read_submission: a problem is a refusal; an exception an error."""
        t.cases += 1
        t.faults += hostile
        if memory:
            tracemalloc.start()
        started = time.perf_counter()
        try:
            sub = read_submission(path, self.world.registry)
            t.refused += bool(sub.problems)
        except Exception as exc:  # noqa: BLE001 - counted, then shown
            t.errors += 1
            t.notes.append(f"{path.name}: {type(exc).__name__}: {str(exc)[:120]}")
        finally:
            t.slowest = max(t.slowest, time.perf_counter() - started)
            if memory:
                t.peak_mib = max(t.peak_mib, tracemalloc.get_traced_memory()[1] / 2**20)
                tracemalloc.stop()

    def call(self, t: Tally, method: str, url: str, *, client: Any = None,
             check_store: bool = True, hostile: bool = True, **kw: Any) -> Any:
        """One request: a 4xx is a refusal (which must leave the store as it was); a 5xx an
        error."""
        http = client or self.world.http
        before = self.world.fingerprint() if check_store else None
        started = time.perf_counter()
        r = http.request(method, url, **kw)
        t.slowest = max(t.slowest, time.perf_counter() - started)
        t.cases += 1
        t.faults += hostile
        if r.status_code >= 500:
            t.errors += 1
            t.notes.append(f"{method} {url[:80]}: {r.status_code}")
        elif r.status_code >= 400:
            t.refused += 1
            body = r.json()
            if not (body.get("detail") and body.get("detail_fa")):
                t.errors += 1
                t.notes.append(f"{method} {url[:80]}: {r.status_code} not bilingual")
            if before is not None and self.world.fingerprint() != before:
                t.lost += 1
                t.notes.append(f"{method} {url[:80]}: refused, yet the store changed")
        return r


# -- bad input ---------------------------------------------------------------------------------

def _file(world: World, name: str, data: bytes) -> Path:
    path = world.tmp / name
    path.write_bytes(data)
    return path


def hostile_workbooks(b: Bench, repeats: int) -> None:
    t = b.tally("bad input", "hostile workbooks (bombs, entities, damage)")
    w = b.world
    members = rb.parts(w.workbook)
    sheet = rb.first_sheet(members)

    def with_sheet(xml: bytes) -> bytes:
        return rb.assemble({**members, sheet: xml})

    with rb.Listener() as listener:
        cases = {
            "bomb-2g": rb.zip_bomb(w.workbook, 2 * 2**30),
            "bomb-4g": rb.zip_bomb(w.workbook, 4 * 2**30 - 2**21),
            "bomb-64m": rb.zip_bomb(w.workbook, 64 * 2**20),
            "parts": rb.many_parts(70_000),
            "laughs": with_sheet(rb.with_row(members[sheet], rb.inline(
                "A99", rb.laughs_reference()), rb.billion_laughs())),
            "quadratic": with_sheet(rb.with_row(members[sheet], rb.inline(
                "A99", b"&a;" * 50_000), rb.quadratic_blowup(1_000_000))),
            "xxe": with_sheet(rb.with_row(members[sheet], rb.inline("A99", b"&e;"),
                                          rb.external_entity(listener.url + "/x"))),
            "truncated": w.workbook[: len(w.workbook) // 3],
            "xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000),
        }
        for _ in range(repeats):
            for name, data in cases.items():
                b.read(t, _file(w, f"hostile-{name}.xlsx", data), memory=True)
    t.fetches += listener.connections
    t.notes.append(f"largest hostile file {max(map(len, cases.values())) / 2**20:.1f} MiB")


def damaged_workbooks(b: Bench, n: int) -> None:
    t = b.tally("bad input", "damaged workbooks (random cuts, flips, inserts)")
    for _ in range(n):
        data = bytearray(b.world.workbook)
        for _ in range(b.rng.randint(0, 4)):
            data[b.rng.randrange(len(data))] ^= b.rng.randint(1, 255)
        at = b.rng.randrange(len(data) + 1)
        data[at:at] = b.rng.randbytes(b.rng.randint(0, 64))
        if b.rng.random() < 0.3:
            del data[b.rng.randrange(len(data) + 1):]
        b.read(t, _file(b.world, "damaged.xlsx", bytes(data)))


def random_files(b: Bench, n: int) -> None:
    t = b.tally("bad input", "random bytes as .xlsx .ttl .jsonld .nt CSV")
    folder = b.world.tmp / "random-csv"
    folder.mkdir(exist_ok=True)
    for i in range(n):
        data = b.rng.randbytes(b.rng.randint(0, 4000))
        suffix = (".xlsx", ".ttl", ".jsonld", ".nt", "csv")[i % 5]
        if suffix == "csv":
            (folder / "agencies.csv").write_bytes(data)
            b.read(t, folder)
        else:
            b.read(t, _file(b.world, f"random{suffix}", data))


ODD = rb.ODD_TEXT + ("\ud800", "x\udfffy", "=1+1", "@x", "س" * 3000)


def csv_text(b: Bench, n: int) -> None:
    t = b.tally("bad input", "CSV: encodings, odd text, huge cells")
    folder = b.world.tmp / "csv-bench"
    folder.mkdir(exist_ok=True)
    text = "code,name_fa,kind\nQQ,سازمان نمونه,organization\n"
    for enc in ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1256", "iso-8859-6"):
        (folder / "agencies.csv").write_bytes(text.encode(enc))
        b.read(t, folder)
    (folder / "agencies.csv").write_text(f"code,name_fa,kind\nQQ,{'س' * 3_000_000},x\n",
                                         encoding="utf-8")
    b.read(t, folder, memory=True)
    for _ in range(n):
        cells = [b.rng.choice(ODD) if b.rng.random() < 0.5 else
                 "".join(chr(b.rng.randint(0, 0x2FFF)) for _ in range(b.rng.randint(0, 20)))
                 for _ in range(3)]
        line = ",".join(json.dumps(c, ensure_ascii=False) for c in cells)
        (folder / "agencies.csv").write_bytes(("code,name_fa,kind\n" + line).encode(
            "utf-8", "surrogatepass"))
        b.read(t, folder)


def json_ld(b: Bench, n: int) -> None:
    t = b.tally("bad input", "JSON-LD: remote contexts anywhere, shapes, nesting")
    with rb.Listener() as listener:
        keys = ["@context", "@id", "@graph", "@type", "@import", "x", "@value", "@list"]

        def shape(depth: int) -> Any:
            roll = b.rng.random()
            if depth > 6 or roll < 0.3:
                return b.rng.choice([None, True, 3, "x", f"{listener.url}/c", "context.jsonld"])
            if roll < 0.55:
                return [shape(depth + 1) for _ in range(b.rng.randint(0, 3))]
            node = {b.rng.choice(keys): shape(depth + 1) for _ in range(b.rng.randint(0, 4))}
            if b.rng.random() < 0.4:
                node["@context"] = f"{listener.url}/ctx{depth}"
            return node

        for _ in range(n):
            b.read(t, _file(b.world, "shape.jsonld", json.dumps(shape(0)).encode()))
        for depth in (10, 64, 65, 500, 5_000, 100_000):
            b.read(t, _file(b.world, "deep.jsonld", b"[" * depth + b"]" * depth))
            ttl = f"@prefix : <{BASE}> . :a :b " + "[ :p " * depth + "]" * depth + " ."
            b.read(t, _file(b.world, "deep.ttl", ttl.encode()))
        for text in (b'"\\ud800"', b'"x\\u0000y"'):
            doc = (b'{"@context": "context.jsonld", "@id": "' + BASE.encode()
                   + b'agency/S", "@type": "cv:PublicOrganisation", "skos:prefLabel": '
                   + text + b"}")
            b.read(t, _file(b.world, "odd.jsonld", doc))
    t.fetches += listener.connections


def api_bodies(b: Bench, n: int) -> None:
    t = b.tally("bad input", "API JSON bodies (every JSON route, odd values)")
    duty = f"{BASE}agency/REG/duty/D1"
    templates: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", "/queries/adhoc", {"cypher": "RETURN $x AS x", "params": {"x": "a"}}),
        ("POST", "/queries/saved", {"name": "fz", "cypher": "RETURN 1 AS x",
                                    "description": "d"}),
        ("POST", "/queries/service-duties", {"params": {"service": "agency/REG/service/S1"}}),
        ("POST", "/agencies/REG/decisions", {"record": duty, "approve": True}),
        ("POST", "/agencies/REG/steps/1/reject", {"reason": "x"}),
        ("POST", "/agencies/REG/emergencies", {"referred": "1404/03/01", "subject": "x"}),
        ("POST", "/agencies/REG/performance-reports", {"period": "1404-H1", "progress": "x"}),
        ("PUT", "/accounts/fuzzed", {"role": "auditor"}),
        ("POST", "/accounts/fuzzed/tokens", {"days": 1, "label": "x"}),
        ("PUT", "/resources/duties", {"agency_code": "REG", "ref": "D1", "title_fa": "ثبت",
                                      "legal_basis": "قانون ثبت احوال، ماده ۱"}),
        ("PUT", "/resources/agencies", {"code": "NEW", "name_fa": "نو", "kind": "organization"}),
    ]
    values: list[Any] = [*ODD, *rb.CYPHER_INJECTIONS, "\u0000", 10**40, -1, float("inf"),
                         float("nan"), None, [], {}, {"a`b": 1}, "a" * 100_000]

    def deep(d: int) -> str:  # as JSON text: json.dumps itself stops at ~1,000 levels
        return '{"k": [' * (d // 2) + '"x"' + "]}" * (d // 2)

    for _ in range(n):
        method, path, body = b.rng.choice(templates)
        nested = deep(b.rng.randint(60, 20_000)) if b.rng.random() < 0.1 else None
        value = "__DEEP__" if nested else b.rng.choice(values)
        sent: Any = dict(body)
        where = b.rng.random()
        if where < 0.1:
            sent = value
        elif where < 0.3:
            sent["extra"] = value
        else:
            sent[b.rng.choice(list(body))] = value
        data = json.dumps(sent, ensure_ascii=True).replace('"__DEEP__"', nested or "").encode()
        b.call(t, method, path, content=data, headers={**b.world.as_(),
                                                       "content-type": "application/json"})


def uploads(b: Bench, repeats: int) -> None:
    t = b.tally("bad input", "hostile uploads over HTTP (/imports, compare-structure)")
    w = b.world
    members = rb.parts(w.workbook)
    sheet = rb.first_sheet(members)
    with rb.Listener() as listener:
        bodies = [
            (XLSX, rb.zip_bomb(w.workbook)),
            (XLSX, rb.assemble({**members, sheet: rb.with_row(members[sheet], rb.inline(
                "A99", rb.laughs_reference()), rb.billion_laughs())})),
            (XLSX, w.workbook[:900]),
            ("text/turtle", b"\xff\xfe" + bytes(range(200))),
            ("text/turtle", f'<{BASE}agency/X> <{BASE}p> "{"س" * 5_000_000}" .'.encode()),
            ("application/ld+json", json.dumps({"@graph": [{"@context": f"{listener.url}/c",
                                                            "@id": f"{BASE}agency/R"}]})
             .encode()),
            ("application/ld+json", b"[" * 100_000 + b"]" * 100_000),
        ]
        for _ in range(repeats):
            for media, body in bodies:
                for route in ("/imports", "/queries/compare-structure"):
                    b.call(t, "POST", route, content=body,
                           headers={**w.as_(), "content-type": media})
    t.fetches += listener.connections


# -- attacks -----------------------------------------------------------------------------------

def tokens(b: Bench, n: int) -> None:
    t = b.tally("attacks", "token guessing (one address) and timing")
    client = b.world.app(rate_per_minute=600)
    token_id = b.world.tokens["admin"].split("_")[1]
    codes: dict[int, int] = {}
    for i in range(n):  # secrets with and without "_" (URL-safe base64 has both)
        secret = f"{i:043d}" if i % 2 else f"{i:_>43}"
        r = b.call(t, "GET", "/trail", client=client, check_store=i % 50 == 0,
                   headers={"Authorization": f"Bearer gct_{token_id}_{secret}"})
        codes[r.status_code] = codes.get(r.status_code, 0) + 1
    t.notes.append("answers: " + ", ".join(f"{k}: {v}" for k, v in sorted(codes.items())))
    accounts = Accounts(b.world.registry.store)
    real = b.world.tokens["admin"]
    guesses = {"right id, wrong secret": f"gct_{token_id}_{'A' * 43}",
               "unknown id": "gct_" + "0" * 16 + "_" + real.split("_", 2)[2],
               "malformed": "gct_x"}
    runs: dict[str, list[float]] = {name: [] for name in guesses}
    for _ in range(300):  # interleaved, so load on the machine falls on each alike
        for name, token in guesses.items():
            started = time.perf_counter()
            with contextlib.suppress(Unauthenticated):
                accounts.authenticate(token)
            runs[name].append(time.perf_counter() - started)
    t.notes.append("median sign-in check (store lookup included): " + ", ".join(
        f"{k} {sorted(v)[len(v) // 2] * 1e6:.0f} µs" for k, v in runs.items()))


def cypher_injection(b: Bench, n: int) -> None:
    t = b.tally("attacks", "Cypher injection (named, resources, ad hoc, saved)")
    chars = "'\"`\\${}()[]/*;\n:=-DETACHDELETE MATCH n // CALL"
    payloads = list(rb.CYPHER_INJECTIONS) + [
        "".join(b.rng.choice(chars) for _ in range(b.rng.randint(1, 30))) for _ in range(n)]
    payloads = [p.replace("\x00", "") or "x" for p in payloads]  # NUL: refused at the door
    auditor = b.world.as_("auditor")
    queries = [q for q in named.catalog_of_queries().values() if q.name != "compare-structure"]
    kinds = list(by_api())
    made = b.world.http.post("/queries/saved", json={
        "name": "bench-probe", "cypher": "MATCH (n:Resource) WHERE n.iri = $x RETURN n.iri",
        "description": "x", "params": ["x"]}, headers=auditor)
    assert made.status_code == 201, made.text
    before = b.world.fingerprint()
    for i, p in enumerate(payloads):
        q = queries[i % len(queries)]
        params = {x.name: ("agency/REG" if x.type != "int" else "1") for x in q.params
                  if not x.optional}
        for x in q.params:
            params[x.name] = f"{p}->{p}" if x.type == "iri-pairs" else p
            b.call(t, "POST", f"/queries/{q.name}", json={"params": params}, headers=auditor,
                   check_store=False)
        kind = kinds[i % len(kinds)]
        for key in ("q", "agency", "status"):
            b.call(t, "GET", f"/resources/{kind}", params={key: p}, headers=auditor,
                   check_store=False)
        cursor = base64.urlsafe_b64encode(p.encode()).decode().rstrip("=")
        b.call(t, "GET", f"/resources/{kind}", params={"cursor": cursor}, check_store=False)
        for value in (p, [p], {p: p}):
            b.call(t, "POST", "/queries/adhoc", headers=auditor, check_store=False,
                   json={"cypher": "RETURN $x AS x", "params": {"x": value}})
        b.call(t, "GET", "/queries/saved/bench-probe/run", params={"x": p}, headers=auditor,
               check_store=False)
        b.call(t, "GET", f"/queries/saved/{quote(p, safe='')}", headers=auditor,
               check_store=False)
    if b.world.fingerprint() != before:
        t.lost += 1
        t.notes.append("the store changed during the injections")
    b.world.http.delete("/queries/saved/bench-probe", headers=auditor)
    for text in ("MATCH (n) DETACH DELETE n", "CREATE (:Account {name: 'x'})",
                 "MATCH (n:Resource) SET n.x = 1", "LOAD CSV FROM 'https://127.0.0.1:9/x' "
                 "AS r RETURN r"):
        b.call(t, "POST", "/queries/adhoc", json={"cypher": text}, headers=auditor)


def sparql(b: Bench) -> None:
    t = b.tally("attacks", "SPARQL updates and fetches (every channel)")
    h = b.world.as_("auditor")
    with rb.Listener() as listener:
        for text in rb.SPARQL_UPDATES + rb.sparql_fetches(listener.url):
            b.call(t, "GET", "/sparql", params={"query": text}, headers=h)
            b.call(t, "GET", "/sparql", params={"update": text}, headers=h)
            b.call(t, "POST", "/sparql", data={"query": text}, headers=h)
            b.call(t, "POST", "/sparql", data={"update": text}, headers=h)
            b.call(t, "POST", "/sparql", content=text.encode(),
                   headers={**h, "content-type": "application/sparql-query"})
    t.fetches += listener.connections


def traversal(b: Bench) -> None:
    t = b.tally("attacks", "path traversal (URLs, IRIs, upload names)")
    h = b.world.as_()
    for trav in rb.TRAVERSALS:
        for url in (f"/id/{trav}", f"/queries/{trav}", f"/queries/saved/{trav}",
                    f"/profiles/{trav}", f"/resources/{trav}", f"/agencies/{trav}/steps",
                    f"/accounts/{trav}"):
            r = b.call(t, "GET", url, headers=h)
            if "root:" in r.text:
                t.lost += 1
        b.call(t, "GET", "/resource", params={"iri": trav}, headers=h)
        b.call(t, "POST", "/imports?dry_run=true", content=b"<a:b> <a:c> <a:d> .", headers={
            **h, "content-type": "text/turtle",
            "Content-Disposition": f'attachment; filename="{trav}"'}, hostile=True)


FILL = {"path": "agency/REG", "kind": "duties", "agency": "REG", "step": "1",
        "action": "submit", "name": "service-duties", "token_id": "0" * 16, "ref": "F1",
        "unit": "U", "profile": "dcat-ap"}


def _fill(path: str) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: FILL[m.group(1)], path)


def oversized(b: Bench) -> None:
    t = b.tally("attacks", "oversized bodies, declared and streamed (every write route)")
    limit = 4096
    client = b.world.app(max_body_bytes=limit)

    def chunks() -> Iterator[bytes]:
        for _ in range(64):
            yield b" " * limit

    for method, path in route_table(client.app):  # type: ignore[arg-type]
        if method not in ("POST", "PUT", "DELETE"):
            continue
        url = _fill(path)
        for content in (b" " * (limit * 64), chunks()):
            r = b.call(t, method, url, client=client, content=content, headers={
                **b.world.as_(), "content-type": "application/json"})
            if r.status_code != 413:
                t.errors += 1
                t.notes.append(f"{method} {path}: {r.status_code}, not 413")


def headers_and_errors(b: Bench) -> None:
    from api.limits import SECURITY_HEADERS

    t = b.tally("attacks", "security headers on every route of the route table")
    for method, path in route_table(b.world.http.app):  # type: ignore[arg-type]
        r = b.call(t, method, _fill(path), hostile=False)
        if any(r.headers.get(k) != v for k, v in SECURITY_HEADERS.items()):
            t.errors += 1
            t.notes.append(f"{method} {path}: a security header is missing")


# -- report ------------------------------------------------------------------------------------

def integrity(b: Bench, initial_export: Any, accounts_before: set[str]) -> Tally:
    """What the world must still hold at the end: every record and every account it started
    with. (The fuzzed bodies some routes accepted, 2xx, edited or added records on purpose;
    a refused case that changed anything is counted where it happened.)"""
    t = b.tally("both", "integrity of the catalog at the end")
    t.cases += 1
    names = {a.principal.name for a in Accounts(b.world.registry.store).accounts()}
    missing = accounts_before - names
    t.lost += len(missing)
    now = b.world.registry.export()
    lost = {s for s in set(initial_export.subjects()) if (s, None, None) not in now}
    t.lost += len(lost)
    if lost:
        t.notes.append(f"{len(lost)} record(s) gone, e.g. {sorted(lost)[0]}")
    return t


def unguarded_bomb(mib: int, workdir: Path, workbook: bytes) -> str:
    """openpyxl alone (no guard) on a bomb of `mib` MiB, in a child process."""
    path = workdir / f"bomb-{mib}.xlsx"
    path.write_bytes(rb.zip_bomb(workbook, mib * 2**20))
    code = ("import resource, sys, time\nfrom openpyxl import load_workbook\n"
            "t = time.perf_counter()\nwb = load_workbook(sys.argv[1], read_only=True)\n"
            "ws = wb.worksheets[0]\nws.reset_dimensions()\n"
            "rows = list(ws.iter_rows(values_only=True))\n"
            "print(f'{time.perf_counter() - t:.1f} s, peak '\n"
            "      f'{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB')\n")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                         text=True, timeout=3600)
    return (f"openpyxl alone on a {path.stat().st_size / 1024:.0f} KiB bomb of {mib} MiB: "
            f"{out.stdout.strip() or out.stderr.strip()[-200:]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=1000, help="random cases per fuzzed group")
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--unguarded-mib", type=int, default=64,
                    help="also time openpyxl alone on a bomb this big (0: skip)")
    args = ap.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="govcat-robustness-") as tmp:
        server = FalkorServer(Path(tmp) / "data")
        server.start()
        try:
            world = build_world(server, "robustness", Path(tmp))
            initial = world.registry.export()
            accounts_before = {a.principal.name for a in Accounts(
                world.registry.store).accounts()}
            b = Bench(world, args.seed)
            n = args.cases
            hostile_workbooks(b, repeats=max(1, n // 100))
            damaged_workbooks(b, n)
            random_files(b, n)
            csv_text(b, n // 2)
            json_ld(b, n)
            api_bodies(b, n)
            uploads(b, repeats=max(1, n // 250))
            tokens(b, max(50, n // 10))
            cypher_injection(b, n // 4)
            sparql(b)
            traversal(b)
            oversized(b)
            headers_and_errors(b)
            integrity(b, initial, accounts_before)
            b.close()
            extra = unguarded_bomb(args.unguarded_mib, Path(tmp), world.workbook) \
                if args.unguarded_mib else ""
        finally:
            server.stop()
    print_table(b.tallies, args, time.perf_counter() - started, extra)


def print_table(tallies: list[Tally], args: argparse.Namespace, took: float,
                extra: str) -> None:
    print(f"# robustness, {time.strftime('%Y-%m-%d')}: --cases {args.cases} --seed {args.seed}, "
          f"{took:.0f} s; Python {platform.python_version()}, {platform.machine()}, "
          f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    print()
    print("| category | group | cases | faults injected | refused (4xx / problem) "
          "| server errors | fetches | data lost | slowest case s | peak MiB | group s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for t in tallies:
        peak = f"{t.peak_mib:.1f}" if t.peak_mib else ""
        print(f"| {t.category} | {t.group} | {t.cases:,} | {t.faults:,} | {t.refused:,} "
              f"| {t.errors} | {t.fetches} | {t.lost} | {t.slowest:.2f} | {peak} "
              f"| {t.seconds:.0f} |")
    for category in ("bad input", "attacks"):
        group = [t for t in tallies if t.category == category]
        print(f"| **{category}** | **total** | **{sum(t.cases for t in group):,}** "
              f"| **{sum(t.faults for t in group):,}** | **{sum(t.refused for t in group):,}** "
              f"| **{sum(t.errors for t in group)}** | **{sum(t.fetches for t in group)}** "
              f"| **{sum(t.lost for t in tallies if t.category in (category, 'both'))}** "
              f"| | | **{sum(t.seconds for t in group):.0f}** |")
    print()
    for t in tallies:
        for note in t.notes[:5]:
            print(f"- {t.group}: {note}")
    if extra:
        print(f"- {extra}")
    bad = sum(t.errors + t.fetches + t.lost for t in tallies)
    if bad:
        raise SystemExit(f"{bad} fault(s) got through")


if __name__ == "__main__":
    main()
