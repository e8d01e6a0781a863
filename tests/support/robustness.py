"""Bad input and attacks, as data (ADR 0011): hostile files built in code (zip
bombs, entity expansion, damaged workbooks, odd encodings), injection payloads, a listener
that proves nothing is fetched, and a fingerprint of a whole store to prove nothing changed.
Used by tests/test_bad_input.py, tests/test_attacks.py and bench/robustness.py."""

from __future__ import annotations

import hashlib
import io
import json
import socket
import struct
import threading
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from catalog.access.accounts import Accounts
from catalog.access.principals import Principal, Role
from catalog.config import Settings
from catalog.iris import Iris
from catalog.port import GraphStore
from catalog.registry import Registry
from catalog.store.falkordb_server import FalkorServer
from catalog.store.falkordb_store import FalkorStore
from loaders.submission import read_submission
from tests.workbooks import two_agencies, write_workbook

BASE = "https://govcat.test/id/"
ACCOUNTS = (Principal("admin", Role.ADMIN), Principal("steward-reg", Role.STEWARD, agency="REG"),
            Principal("auditor", Role.AUDITOR))

# -- a catalog to attack ---------------------------------------------------------------------------

@dataclass
class World:
    """The two-agency catalog on its own FalkorDB graph, an account per role that matters, and
    the app (whose rate limit no test reaches unless it asks for one)."""

    registry: Registry
    http: TestClient
    tokens: dict[str, str]
    workbook: bytes
    tmp: Path

    def as_(self, who: str = "admin") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def fingerprint(self) -> str:
        return fingerprint(self.registry.store)

    def app(self, **settings: Any) -> TestClient:
        """Another app on the same store, with these settings."""
        chosen = replace(Settings(), **{"rate_per_minute": 10**9, **settings})
        return TestClient(create_app(self.registry, chosen), raise_server_exceptions=False)


def build_world(server: FalkorServer, graph: str, tmp: Path) -> World:
    store = FalkorStore(server.connect(), graph, rewrite_aof=server.rewrite_aof)
    store.clear()
    store.setup()
    registry = Registry(store, Iris(BASE))
    registry.ensure_code_lists()
    workbook = write_workbook(tmp / "two.xlsx", two_agencies())
    registry.apply_checked(read_submission(workbook, registry).changeset)
    accounts = Accounts(store)
    tokens = {}
    for p in ACCOUNTS:
        accounts.save(p)
        tokens[p.name] = accounts.issue(p.name).token
    world = World(registry, None, tokens, workbook.read_bytes(), tmp)  # type: ignore[arg-type]
    world.http = world.app()
    return world


# -- the store, before and after --------------------------------------------------------------

_NODES = "MATCH (n) RETURN id(n) AS id, labels(n) AS labels, properties(n) AS props"
_LINKS = ("MATCH (a)-[r]->(b) RETURN id(a) AS a, type(r) AS type, id(b) AS b, "
          "properties(r) AS props")


def fingerprint(store: GraphStore, credentials: bool = True) -> str:
    """Every node (labels, properties) and relationship of the store, hashed: records, the
    trail, accounts, tokens, saved queries and counters alike. Equal before and after means
    nothing was written. Without `credentials`, accounts and tokens are left out: a person's
    sign-in writes a session token (ADR 0031), and nothing else may change."""
    nodes = store.read(_NODES)
    hidden = set() if credentials else {n["id"] for n in nodes if "Credential" in n["labels"]}
    links = [r for r in store.read(_LINKS) if r["a"] not in hidden and r["b"] not in hidden]
    rows = [json.dumps(r, sort_keys=True, default=str)
            for r in [*nodes, *links] if r.get("id") not in hidden]
    return hashlib.sha256("\n".join(sorted(rows)).encode()).hexdigest()


# -- a listener that must hear nothing ---------------------------------------------------------

class Listener:
    """A TCP port on 127.0.0.1 that counts connections: a URL pointing here that govcat
    never fetches leaves `connections` at 0."""

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.02)
        self.port = self._sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            with conn:
                conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/ld+json\r\n\r\n"
                             b'{"@context": {}}')

    def __enter__(self) -> Listener:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(2)
        self._sock.close()


# -- workbooks, taken apart and put together -------------------------------------------------

def parts(xlsx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        return {name: z.read(name) for name in z.namelist()}


def assemble(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def first_sheet(members: dict[str, bytes]) -> str:
    return min(n for n in members if n.startswith("xl/worksheets/sheet"))


def with_row(sheet_xml: bytes, cells: bytes, prolog: bytes = b"") -> bytes:
    """The sheet with one more row (raw cell XML) at row 99, and `prolog` before its root."""
    return with_rows(sheet_xml, {99: cells}, prolog)


def with_rows(sheet_xml: bytes, rows: dict[int, bytes], prolog: bytes = b"") -> bytes:
    """The sheet with more rows (number: raw cell XML), and `prolog` before its root. Its
    <dimension> is left as it was, stale, as other programs leave it."""
    body = sheet_xml[sheet_xml.index(b"<worksheet"):]
    added = b"".join(b'<row r="%d">' % n + cells + b"</row>" for n, cells in sorted(rows.items()))
    return prolog + body.replace(b"</sheetData>", added + b"</sheetData>")


def inline(ref: str, text: bytes) -> bytes:
    return b'<c r="' + ref.encode() + b'" t="inlineStr"><is><t>' + text + b"</t></is></c>"


def billion_laughs(levels: int = 10) -> bytes:
    """The classic: 10 entities of 10 references each, 10**levels `lol`s from ~1 KiB."""
    ents = [b'<!ENTITY lol0 "lol">'] + [
        b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10) for i in range(1, levels)]
    return b'<?xml version="1.0"?><!DOCTYPE worksheet [' + b"".join(ents) + b"]>"


def laughs_reference(levels: int = 10) -> bytes:
    return b"&lol%d;" % (levels - 1)


def quadratic_blowup(size: int = 100_000) -> bytes:
    return b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "' + b"A" * size + b'">]>'


def external_entity(url: str) -> bytes:
    return (b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e SYSTEM "'
            + url.encode() + b'">]>')


# -- a zip bomb: a tiny .xlsx whose sheet inflates to gigabytes -----------------------------------

def _gf2_times(mat: list[int], vec: int) -> int:
    total, i = 0, 0
    while vec:
        if vec & 1:
            total ^= mat[i]
        vec >>= 1
        i += 1
    return total


def _gf2_square(mat: list[int]) -> list[int]:
    return [_gf2_times(mat, mat[n]) for n in range(32)]


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """CRC-32 of A+B from crc(A), crc(B) and len(B) (zlib's crc32_combine)."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << (n - 1) for n in range(1, 32)]
    even = _gf2_square(odd)
    odd = _gf2_square(even)
    while True:
        even = _gf2_square(odd)
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _gf2_square(even)
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


def _repeated_crc(unit: bytes, count: int) -> int:
    """crc32(unit * count) by doubling, without the bytes."""
    result, result_len = 0, 0
    power, power_len = zlib.crc32(unit), len(unit)
    while count:
        if count & 1:
            result = crc32_combine(result, power, power_len) if result_len else power
            result_len += power_len
        count >>= 1
        if count:
            power = crc32_combine(power, power, power_len)
            power_len *= 2
    return result


@dataclass(frozen=True)
class Deflated:
    data: bytes
    crc: int
    size: int


def repeated_deflate(head: bytes, unit: bytes, count: int, tail: bytes) -> Deflated:
    """A raw deflate stream of head + unit*count + tail, made without inflating anything:
    after a full flush a block refers to nothing before it, so one compressed unit can be
    repeated (about 1 KiB per MiB of `A`s)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    segment = c.compress(unit) + c.flush(zlib.Z_FULL_FLUSH)
    end = c.compress(tail) + c.flush()
    crc = crc32_combine(crc32_combine(zlib.crc32(head), _repeated_crc(unit, count),
                                      len(unit) * count), zlib.crc32(tail), len(tail))
    return Deflated(start + segment * count + end, crc,
                    len(head) + len(unit) * count + len(tail))


def _zip(members: list[tuple[str, Deflated]]) -> bytes:
    """A plain zip (no zip64) of already deflated members."""
    out, central = io.BytesIO(), []
    for name, m in members:
        offset = out.tell()
        raw = name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, m.crc,
                              len(m.data), m.size, len(raw), 0) + raw)
        out.write(m.data)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21,
                                   m.crc, len(m.data), m.size, len(raw), 0, 0, 0, 0, 0,
                                   offset) + raw)
    start = out.tell()
    for entry in central:
        out.write(entry)
    size = out.tell() - start
    count = min(len(central), 0xFFFF)  # more: zip64 would say; this zip just claims 65,535
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, size, start, 0))
    return out.getvalue()


def deflated(data: bytes) -> Deflated:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Deflated(c.compress(data) + c.flush(), zlib.crc32(data), len(data))


def zip_bomb(valid_xlsx: bytes, inflated: int = 2 * 2**30) -> bytes:
    """`valid_xlsx` with its first sheet replaced by one whose only new cell holds `inflated`
    bytes of `A`: a real workbook that openpyxl would inflate whole (a 2 GiB sheet is ~2 MiB)."""
    members = parts(valid_xlsx)
    sheet = first_sheet(members)
    xml = members[sheet]
    cut = xml.index(b"</sheetData>")
    head = xml[xml.index(b"<worksheet"):cut] + b'<row r="99"><c r="A99" t="inlineStr"><is><t>'
    tail = b"</t></is></c></row>" + xml[cut:]
    unit = b"A" * 2**20
    bomb = repeated_deflate(head, unit, max(1, inflated // len(unit)), tail)
    return _zip([(name, bomb if name == sheet else deflated(data))
                 for name, data in members.items()])


def with_flags(xlsx: bytes, flags: int) -> bytes:
    """The zip with these general-purpose flags on every part (0x1: encrypted, 0x40: strong
    encryption), in its local headers and its directory."""
    data = bytearray(xlsx)
    for signature, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = data.find(signature)
        while start >= 0:
            data[start + at:start + at + 2] = flags.to_bytes(2, "little")
            start = data.find(signature, start + 4)
    return bytes(data)


def many_parts(count: int) -> bytes:
    """A zip of `count` empty parts: its directory alone is the attack."""
    empty = deflated(b"")
    return _zip([(f"p{i}", empty) for i in range(count)])


# -- injection payloads ------------------------------------------------------------------------

# Values an attacker puts where govcat expects an IRI, a code or a word. Values always travel
# as Cypher parameters; FalkorDB's client writes them into the query text, quoted, so these
# try to leave the quotes, the backticks of a map key or the statement.
CYPHER_INJECTIONS = (
    "') DETACH DELETE n //",
    "'}) MATCH (n) DETACH DELETE n //",
    '"}) MATCH (n) DETACH DELETE n //',
    '\\"}) MATCH (n) DETACH DELETE n //',
    "\\' OR 1=1 //",
    "$x",
    "$after",
    "`",
    "x` DETACH DELETE n //",
    "` MATCH (n) DETACH DELETE n //",
    "1 OR 1=1",
    "*/ MATCH (n) DETACH DELETE n /*",
    "\n MATCH (n) DETACH DELETE n",
    "CALL db.labels() YIELD label RETURN label",
    "https://govcat.test/id/agency/REG' OR '1'='1",
    "{iri: 'x'}",
    "[1, 2]",
    "\u202e DELETE",
    "\u0000",
)

SPARQL_UPDATES = (
    "INSERT DATA { <https://govcat.test/id/x> <https://govcat.test/id/p> 1 }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "PREFIX a: <https://govcat.test/id/> INSERT { ?s a:x 1 } WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    "DROP ALL",
    "DROP GRAPH <https://govcat.test/id/agency/REG>",
    "CREATE GRAPH <https://govcat.test/id/g>",
    "ADD DEFAULT TO <https://govcat.test/id/g>",
    "COPY DEFAULT TO <https://govcat.test/id/g>",
    "MOVE DEFAULT TO <https://govcat.test/id/g>",
    "WITH <https://govcat.test/id/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <a:b> <a:c> 1 }",
)


def sparql_fetches(url: str) -> tuple[str, ...]:
    """Queries that would make the endpoint fetch `url`."""
    return (f"LOAD <{url}/data.ttl>",
            f"LOAD SILENT <{url}/data.ttl> INTO GRAPH <https://govcat.test/id/g>",
            f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}",
            f"SELECT * FROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}",
            f"SELECT * FROM NAMED <{url}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}")


TRAVERSALS = (
    "../../../../etc/passwd",
    "..%2f..%2f..%2f..%2fetc%2fpasswd",
    "%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "..%252f..%252fetc%252fpasswd",
    "....//....//etc/passwd",
    "..\\..\\..\\windows\\win.ini",
    "/etc/passwd",
    "file:///etc/passwd",
    "%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
)

# Text a steward may paste: bidi controls, zero-width characters, presentation forms, NUL and
# other controls, combining marks, non-characters, astral characters.
ODD_TEXT = (
    "\u202bسازمان\u202c", "\u200fثبت\u200e", "ثبت\u200c\u200cاحوال", "\ufeffسازمان",
    "ﻛﺘﺎﺏ", "سا\u0000زمان", "\u0007\u001b[31mred", "a\u0301\u0301\u0301", "\uffff\ufffe",
    "\U0001f600\U0001d54f", "\u2028\u2029", "ـــــ", "\u034f\u115f\u3164",
)


@contextmanager
def no_fetch() -> Iterator[Listener]:
    with Listener() as listener:
        yield listener
    assert listener.connections == 0, f"{listener.connections} connection(s) to {listener.url}"


def problems_are_bilingual(problems: list[Any]) -> bool:
    return all(p.message_en and p.message_fa for p in problems)
