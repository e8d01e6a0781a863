"""Bad input (ADR 0011): hostile and broken files through the loaders (spreadsheet, CSV,
Turtle, JSON-LD) and hostile bodies through the API. Every case gets a clear problem or a 4xx
in English and Persian, in bounded time and memory, and leaves the store as it was (every node,
relationship, account and counter: tests.support.robustness.fingerprint).

Property-based with hypothesis (derandomized, so CI sees the same cases every run); the hostile
files are built in code: a 2 GiB zip bomb is a 2 MiB workbook made in milliseconds. Time limits
here are generous guards; bench/robustness.py measures."""

from __future__ import annotations

import json
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from httpx import Response
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT

from api.limits import json_fault
from catalog.model import Agency, IriError, web_address
from catalog.serialize import serialize
from catalog.store.falkordb_server import FalkorServer
from loaders.rdf_files import PUBLISHED_CONTEXT
from loaders.spreadsheet import read_workbook
from loaders.submission import Submission, read_submission
from tests.conftest import BASE
from tests.support import robustness as rb
from tests.support.robustness import World, build_world
from tests.workbooks import write_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GUARD_SECONDS = 10.0  # a guard against hanging, not a measurement (bench/robustness.py)
HOSTILE_PEAK_MIB = 64  # what reading a refused file may allocate (tracemalloc peak)
FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def world(falkor_server: FalkorServer, tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(falkor_server, "bad-input", tmp_path_factory.mktemp("bad-input"))


def _file(world: World, name: str, data: bytes) -> Path:
    path = world.tmp / name
    path.write_bytes(data)
    return path


def _read(world: World, path: Path, peak_mib: float | None = HOSTILE_PEAK_MIB) -> Submission:
    """read_submission within the time guard and, when `peak_mib` is given, that memory."""
    if peak_mib is not None:
        tracemalloc.start()
    started = time.perf_counter()
    try:
        sub = read_submission(path, world.registry)
    finally:
        took = time.perf_counter() - started
        if peak_mib is not None:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            assert peak < peak_mib * 2**20, f"{path.name}: {peak / 2**20:.0f} MiB"
    assert took < GUARD_SECONDS, f"{path.name}: {took:.1f} s"
    return sub


def _refused(sub: Submission, *words: str) -> None:
    """Refused with a problem in both languages that says why (a submission with problems
    stores nothing)."""
    assert sub.problems, sub
    assert rb.problems_are_bilingual(sub.problems)
    text = " ".join(p.message_en for p in sub.problems)
    assert all(w in text for w in words), text


# -- workbooks ------------------------------------------------------------------------------------

def _sheet_with(world: World, cells: bytes, prolog: bytes = b"") -> bytes:
    members = rb.parts(world.workbook)
    sheet = rb.first_sheet(members)
    members[sheet] = rb.with_row(members[sheet], cells, prolog)
    return rb.assemble(members)


HOSTILE_WORKBOOKS: dict[str, tuple[Callable[[World, str], bytes], tuple[str, ...]]] = {
    "zip bomb, a 2 GiB sheet": (lambda w, _: rb.zip_bomb(w.workbook), ("inflate",)),
    "zip bomb, one part 200 times its size": (
        lambda w, _: rb.zip_bomb(w.workbook, 64 * 2**20), ("inflates", "times")),
    "20,000 parts": (lambda w, _: rb.many_parts(20_000), ("parts",)),
    "billion laughs": (lambda w, _: _sheet_with(w, rb.inline("A99", rb.laughs_reference()),
                                                rb.billion_laughs()), ("DTD",)),
    "quadratic blowup": (lambda w, _: _sheet_with(w, rb.inline("A99", b"&a;" * 10_000),
                                                  rb.quadratic_blowup()), ("DTD",)),
    "external entity": (lambda w, url: _sheet_with(w, rb.inline("A99", b"&e;"),
                                                   rb.external_entity(url + "/x")), ("DTD",)),
    "laughs in the workbook part": (lambda w, _: rb.assemble({
        **rb.parts(w.workbook), "xl/workbook.xml": rb.billion_laughs() + rb.parts(
            w.workbook)["xl/workbook.xml"].split(b"?>", 1)[-1]}), ("DTD",)),
    "encrypted parts": (lambda w, _: rb.with_flags(w.workbook, 0x1), ("encrypted",)),
    "strongly encrypted parts": (lambda w, _: rb.with_flags(w.workbook, 0x40), ("encrypted",)),
    "empty file": (lambda w, _: b"", ("not an .xlsx",)),
    "random bytes": (lambda w, _: bytes(range(256)) * 40, ("not an .xlsx",)),
    "an old .xls renamed": (lambda w, _: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000,
                            ("not an .xlsx",)),
    "truncated to half": (lambda w, _: w.workbook[:len(w.workbook) // 2], ("not an .xlsx",)),
    "a zip without a workbook": (lambda w, _: rb.assemble({"a.txt": b"hello"}),
                                 ("not a readable",)),
    "a sheet that is not XML": (lambda w, _: rb.assemble({
        **rb.parts(w.workbook), rb.first_sheet(rb.parts(w.workbook)): b"\x00\xff" * 500}),
        ("not a readable",)),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_WORKBOOKS))
def test_hostile_workbooks_are_refused_unread(world: World, case: str) -> None:
    make, words = HOSTILE_WORKBOOKS[case]
    with rb.no_fetch() as listener:
        path = _file(world, "hostile.xlsx", make(world, listener.url))
        assert path.stat().st_size < 3 * 2**20  # each attack is a small file
        _refused(_read(world, path), *words)


def test_the_zip_bomb_is_refused_over_http_too(world: World) -> None:
    before = world.fingerprint()
    started = time.perf_counter()
    r = world.http.post("/imports", content=rb.zip_bomb(world.workbook),
                        headers={**world.as_(), "content-type": XLSX})
    assert time.perf_counter() - started < GUARD_SECONDS
    assert r.status_code == 422 and "inflate" in r.text and "detail_fa" in r.json()
    assert world.fingerprint() == before


@given(cut=st.integers(min_value=0, max_value=10_000), flips=st.lists(
    st.tuples(st.integers(min_value=0, max_value=10_000), st.integers(1, 255)), max_size=4),
    insert=st.binary(max_size=64))
@FUZZ
def test_damaged_workbooks_give_problems_not_crashes(world: World, cut: int,
                                                     flips: list[tuple[int, int]],
                                                     insert: bytes) -> None:
    data = bytearray(world.workbook)
    for at, mask in flips:
        data[at % len(data)] ^= mask
    at = cut % (len(data) + 1)
    data[at:at] = insert
    if cut % 3 == 0:
        del data[at:]
    sub = _read(world, _file(world, "damaged.xlsx", bytes(data)), peak_mib=None)
    # a damage openpyxl does not read (docProps, say) may leave a valid workbook
    assert sub.problems or sub.rows > 0


@given(data=st.binary(max_size=2000),
       suffix=st.sampled_from([".xlsx", ".ttl", ".jsonld", ".json", ".nt", "csv"]))
@FUZZ
def test_random_bytes_in_every_format(world: World, data: bytes, suffix: str) -> None:
    if suffix == "csv":
        folder = world.tmp / "random-csv"
        folder.mkdir(exist_ok=True)
        (folder / "agencies.csv").write_bytes(data)
        path = folder
    else:
        path = _file(world, f"random{suffix}", data)
    sub = _read(world, path, peak_mib=None)
    # random bytes never make a record; they make a problem or (an empty file) nothing
    assert len(sub.changeset) == 0 or sub.problems
    assert rb.problems_are_bilingual(sub.problems)


def test_a_stale_sheet_dimension_loses_no_row(world: World) -> None:
    """openpyxl's read-only mode trusts <dimension ref="A1:E3"/>; other programs leave it
    stale. The loader reads every row, so row 99 is seen (here: refused, as incomplete)."""
    path = _file(world, "stale.xlsx", _sheet_with(world, rb.inline("A99", b"NEW")))
    sub = _read(world, path, peak_mib=None)
    assert {p.row for p in sub.problems} == {99}


def test_formulas_are_never_evaluated(world: World) -> None:
    """A formula cell gives the value the spreadsheet program saved with it; one saved without
    a value is an empty cell (here a required one: a problem). Nothing is fetched or run."""
    with rb.no_fetch() as listener:
        fetch = f'WEBSERVICE("{listener.url}/x")'.encode()
        link = f'HYPERLINK("{listener.url}/y","click")'.encode()
        rows = {
            99: rb.inline("A99", b"FRM") + b'<c r="B99" t="str"><f>' + fetch + b"</f><v>"
                + "سازمان".encode() + b"</v></c>" + b'<c r="D99" t="str"><f>CONCAT("organiz",'
                b'"ation")</f><v>organization</v></c>',
            100: rb.inline("A100", b"FRM2") + b'<c r="B100"><f>' + link + b"</f></c>"
                 + rb.inline("D100", b"organization"),
        }
        members = rb.parts(world.workbook)
        sheet = rb.first_sheet(members)
        members[sheet] = rb.with_rows(members[sheet], rows)
        path = _file(world, "formulas.xlsx", rb.assemble(members))
        parsed = read_workbook(path)
        sub = _read(world, path, peak_mib=None)
    names = {r.code: r.name_fa for r, _ in parsed.records if isinstance(r, Agency)}
    assert names["FRM"] == "سازمان"  # the saved value, not a fetch
    assert "FRM2" not in names
    assert [(p.row, p.column) for p in sub.problems] == [(100, "name_fa")]


# -- CSV ------------------------------------------------------------------------------------------

AGENCY_CSV = "code,name_fa,kind\nQQ,سازمان نمونه,organization\n"


@pytest.mark.parametrize(("encoding", "hint"), [
    ("utf-16", "UTF-16"), ("utf-16-le", "UTF-16 or UTF-32"), ("utf-16-be", "UTF-16 or UTF-32"),
    ("utf-32", "UTF-32"), ("cp1256", "Windows-1256"), ("iso-8859-6", "another encoding"),
])
def test_csv_in_another_encoding_is_refused_with_a_hint(world: World, encoding: str,
                                                         hint: str) -> None:
    folder = world.tmp / f"csv-{encoding}"
    folder.mkdir(exist_ok=True)
    (folder / "agencies.csv").write_bytes(AGENCY_CSV.encode(encoding))
    _refused(_read(world, folder), "not UTF-8", hint)


def test_csv_with_a_bom_and_odd_text_is_read_and_cleaned(world: World) -> None:
    folder = world.tmp / "csv-odd"
    folder.mkdir(exist_ok=True)
    rows = [["code", "name_fa", "kind"]] + [[f"ODD{i}", text, "organization"]
                                            for i, text in enumerate(rb.ODD_TEXT)]
    body = "\n".join(",".join(json.dumps(c, ensure_ascii=False) for c in r) for r in rows)
    (folder / "agencies.csv").write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8", "surrogatepass"))
    sub = _read(world, folder, peak_mib=None)
    stored = [str(o) for _, _, o in sub.changeset.graph]
    assert not any(ch in s for s in stored for ch in "\x00\x07\x1b\u202b\u202c\u200f\ufeff")


def test_a_huge_csv_cell_is_a_problem(world: World) -> None:
    folder = world.tmp / "csv-huge"
    folder.mkdir(exist_ok=True)
    (folder / "agencies.csv").write_text(f"code,name_fa,kind\nQQ,{'س' * 2_500_000},x\n",
                                         encoding="utf-8")
    _refused(_read(world, folder, peak_mib=256), "cannot be read as CSV")


@given(cells=st.lists(st.text(max_size=40), min_size=3, max_size=3))
@FUZZ
def test_any_text_in_a_csv_cell_gives_records_or_problems(world: World,
                                                          cells: list[str]) -> None:
    folder = world.tmp / "csv-text"
    folder.mkdir(exist_ok=True)
    text = "code,name_fa,kind\n" + ",".join(json.dumps(c, ensure_ascii=False) for c in cells)
    (folder / "agencies.csv").write_bytes(text.encode("utf-8", "surrogatepass"))
    sub = _read(world, folder, peak_mib=None)
    assert rb.problems_are_bilingual(sub.problems)
    for _, _, o in sub.changeset.graph:  # nothing a store cannot hold
        str(o).encode("utf-8")
        assert "\x00" not in str(o)


@given(url=st.one_of(st.text(max_size=40), st.from_regex(r"\Ahttps?://\S{0,40}\Z"),
                    st.builds("https://sabt.example/{}".format, st.text(max_size=20))))
@FUZZ
def test_a_web_address_taken_is_one_every_rdf_syntax_writes(url: str) -> None:
    """Whatever a url cell holds, it is refused or it is an IRI every serializer writes and
    parses back the same (ADR 0025): the export a taken address cannot break."""
    try:
        taken = web_address(url)
    except IriError as exc:
        assert exc.message_en and exc.message_fa and exc.requirement
        return
    if taken is None:
        return
    g = Graph()
    g.add((URIRef("https://sabt.example/system"), DCAT.endpointURL, URIRef(taken)))
    for fmt, parse in (("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"),
                       ("rdfxml", "xml")):
        back = Graph().parse(data=serialize(g, fmt).encode("utf-8"), format=parse)
        assert set(back.objects(None, DCAT.endpointURL)) == {URIRef(taken)}, fmt


# -- huge cells everywhere ------------------------------------------------------------------------

FIVE_MB = "س" * 2_600_000  # 5.2 MB in UTF-8


def test_a_5_mb_cell_in_a_workbook_is_a_problem(world: World) -> None:
    sheets = {"agencies": [["code", "name_fa", "kind"], ["BIG", FIVE_MB, "organization"]]}
    path = write_workbook(world.tmp / "huge.xlsx", sheets)
    sub = _read(world, path, peak_mib=None)
    assert [p.column for p in sub.problems] == ["name_fa"]
    assert "2000" in sub.problems[0].message_en and len(sub.problems[0].value or "") <= 200


@pytest.mark.parametrize("suffix", [".ttl", ".jsonld"])
def test_a_5_mb_literal_in_rdf_is_a_problem(world: World, suffix: str) -> None:
    iri = f"{BASE}agency/BIG"
    if suffix == ".ttl":
        text = (f'@prefix skos: <http://www.w3.org/2004/02/skos/core#> . <{iri}> a '
                f'<http://data.europa.eu/m8g/PublicOrganisation> ; skos:prefLabel "{FIVE_MB}"@fa .')
    else:
        text = json.dumps({"@context": "context.jsonld", "@id": iri,
                           "@type": "cv:PublicOrganisation", "skos:prefLabel": FIVE_MB},
                          ensure_ascii=False)
    _refused(_read(world, _file(world, f"huge{suffix}", text.encode()), peak_mib=None),
             "longer than 2000")


# -- JSON-LD: remote contexts, nesting, Unicode ---------------------------------------------------

def _remote_contexts(url: str) -> dict[str, Any]:
    node = {"@id": f"{BASE}agency/CTX", "@type": "cv:PublicOrganisation"}
    return {
        "top level": {"@context": f"{url}/ctx", **node},
        "in a list": {"@context": ["context.jsonld", f"{url}/ctx"], **node},
        "a nested node": {"@context": "context.jsonld", **node,
                          "org:hasSubOrganization": {"@context": f"{url}/ctx", "@id": "x"}},
        "a @graph item": {"@graph": [{"@context": f"{url}/ctx", **node}]},
        "a scoped context": {"@context": {"t": {"@id": "http://x/t", "@context": f"{url}/c"}},
                             **node, "t": {"@id": "x"}},
        "@import": {"@context": {"@version": 1.1, "@import": f"{url}/ctx"}, **node},
        "a relative name": {"@context": "other.jsonld", **node},
        "a local file": {"@context": "file:///etc/passwd", **node},
        "a list of documents": [{"@context": f"{url}/ctx", **node}],
        "deep in a value": {"@context": "context.jsonld", **node, "dct:description": [
            [[{"@context": f"{url}/deep"}]]]},
    }


@pytest.mark.parametrize("case", sorted(_remote_contexts("http://x")))
def test_no_remote_json_ld_context_is_ever_fetched(world: World, case: str) -> None:
    with rb.no_fetch() as listener:
        doc = _remote_contexts(listener.url)[case]
        path = _file(world, "remote.jsonld", json.dumps(doc).encode())
        _refused(_read(world, path))


def test_a_context_url_is_govcat_s_only_when_it_is_exactly_one_of_its_own(world: World) -> None:
    """Another host's `/context.jsonld` is remote and refused, fetched never; govcat's own by
    its published IRI, or where this installation serves it, is read from the shipped terms."""
    node = {"@id": f"{BASE}agency/LOC", "@type": "cv:PublicOrganisation",
            "skos:prefLabel": {"@value": "محلی", "@language": "fa"}}
    with rb.no_fetch() as listener:
        path = _file(world, "other.jsonld", json.dumps(
            {"@context": f"{listener.url}/context.jsonld", **node}).encode())
        _refused(_read(world, path), "remote JSON-LD context")
        assert listener.connections == 0
        for own in (PUBLISHED_CONTEXT, urljoin(BASE, "/context.jsonld")):
            doc = json.dumps({"@context": own, **node}).encode()
            sub = _read(world, _file(world, "local.jsonld", doc), None)
            read = " ".join(p.message_en for p in sub.problems)  # the shapes may still speak
            assert len(sub.changeset) == 1 and "context" not in read, (own, read)
        assert listener.connections == 0


@pytest.mark.parametrize(("name", "text", "holds"), [
    ("foreign.ttl", "@prefix ex: <https://example.org/> . ex:a a ex:Thing ; ex:p 'x' . "
     "ex:b a ex:Thing .", "2 × https://example.org/Thing"),
    ("dcat.jsonld", json.dumps({"@context": {"dcat": "http://www.w3.org/ns/dcat#"},
                                "@id": "https://example.org/c", "@type": "dcat:Catalog"}),
     "1 × http://www.w3.org/ns/dcat#Catalog"),
    ("untyped.ttl", "<https://example.org/a> <https://example.org/p> 'x' .",
     "1 statement(s) and no typed subject"),
])
def test_a_file_with_no_record_govcat_holds_is_refused_saying_what_it_holds(
        world: World, name: str, text: str, holds: str) -> None:
    _refused(_read(world, _file(world, name, text.encode())), "no record", holds)


def test_relative_iris_resolve_against_the_base_never_the_working_directory(
        world: World) -> None:
    doc = {"@context": {"@vocab": "https://example.org/"}, "@id": "agency/REL",
           "@type": "Thing"}
    sub = _read(world, _file(world, "relative.jsonld", json.dumps(doc).encode()))
    text = " ".join(p.message_en for p in sub.problems)
    assert "file:" not in text and "no record" in text, text
    ttl = (b"@prefix cv: <http://data.europa.eu/m8g/> . <agency/TTL> a cv:PublicOrganisation ."
)
    sub = _read(world, _file(world, "relative.ttl", ttl), None)
    assert [str(s) for s in sub.changeset.subjects] == [f"{BASE}agency/TTL"]


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                     lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(st.sampled_from(["@context", "@id", "@graph", "@type",
                                                        "@import", "x", "@value"]), inner,
                                       max_size=4), max_leaves=25)


@pytest.fixture(scope="module")
def listener() -> Iterator[rb.Listener]:
    with rb.Listener() as heard:
        yield heard


@given(doc=_JSON, where=st.integers(0, 50))
@FUZZ
def test_any_json_ld_shape_fetches_nothing(world: World, listener: rb.Listener, doc: Any,
                                           where: int) -> None:
    planted = [0]

    def plant(node: Any) -> Any:
        planted[0] += 1
        if isinstance(node, dict):
            out = {k: plant(v) for k, v in node.items()}
            if planted[0] % 7 == where % 7:
                out["@context"] = f"{listener.url}/c{where}"
            return out
        return [plant(n) for n in node] if isinstance(node, list) else node

    path = _file(world, "shape.jsonld", json.dumps(plant(doc)).encode())
    sub = _read(world, path, peak_mib=None)
    assert rb.problems_are_bilingual(sub.problems)
    assert listener.connections == 0


@pytest.mark.parametrize(("name", "text"), [
    ("arrays 100,000 deep", "[" * 100_000 + "]" * 100_000),
    ("objects 100,000 deep", '{"a":' * 100_000 + "1" + "}" * 100_000),
    ("objects 65 deep", '{"@context": "context.jsonld", "x":' + '{"a":' * 65 + "1"
     + "}" * 66),
    ("objects 900 deep", '{"x":' * 900 + "1" + "}" * 900),
])
def test_deeply_nested_json_ld_is_a_problem(world: World, name: str, text: str) -> None:
    _refused(_read(world, _file(world, "deep.jsonld", text.encode())), "nests")


@pytest.mark.parametrize(("name", "text"), [
    ("blank nodes 5,000 deep", "[ :p " * 5000 + "]" * 5000),
    ("lists 5,000 deep", "(" * 5000 + ")" * 5000),
])
def test_deeply_nested_turtle_is_a_problem(world: World, name: str, text: str) -> None:
    ttl = f"@prefix : <{BASE}> . :a :b {text} ."
    _refused(_read(world, _file(world, "deep.ttl", ttl.encode())), "nests")


@pytest.mark.parametrize(("suffix", "text"), [
    (".jsonld", f'{{"@context": "context.jsonld", "@id": "{BASE}agency/SUR", "@type": '
                '"cv:PublicOrganisation", "skos:prefLabel": "\\ud800"}'),
    (".jsonld", f'{{"@context": "context.jsonld", "@id": "{BASE}agency/S\\udfffR", "@type": '
                '"cv:PublicOrganisation"}'),
    (".ttl", f'<{BASE}agency/SUR> a <http://data.europa.eu/m8g/PublicOrganisation> ; '
             '<http://www.w3.org/2004/02/skos/core#prefLabel> "x\\uD800y" .'),
    (".ttl", f'<{BASE}agency/NUL> a <http://data.europa.eu/m8g/PublicOrganisation> ; '
             '<http://www.w3.org/2004/02/skos/core#prefLabel> "x\\u0000y"^^'
             '<http://www.w3.org/2001/XMLSchema#string> .'),
    (".nt", f'<{BASE}agency/N\\u0000L> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
            '<http://data.europa.eu/m8g/PublicOrganisation> .'),
])
def test_text_no_store_can_hold_is_a_problem(world: World, suffix: str, text: str) -> None:
    sub = _read(world, _file(world, f"odd{suffix}", text.encode()))
    assert sub.problems and len(sub.changeset) == 0
    assert rb.problems_are_bilingual(sub.problems)
    for p in sub.problems:  # the problem itself can be sent as JSON and shown
        json.dumps(p.to_dict(), ensure_ascii=False).encode("utf-8")


def test_rdf_xml_is_not_a_format_govcat_reads(world: World) -> None:
    """No loader takes RDF/XML, so its entity expansion has nowhere to happen."""
    laughs = rb.billion_laughs() + b"<rdf:RDF/>"
    _refused(_read(world, _file(world, "laughs.rdf", laughs)), "not a workbook")
    r = world.http.post("/imports", content=laughs,
                        headers={**world.as_(), "content-type": "application/rdf+xml"})
    assert r.status_code == 415 and r.json()["detail_fa"]


# -- hostile uploads over HTTP --------------------------------------------------------------------

def _uploads(world: World, url: str) -> dict[str, tuple[str, bytes]]:
    return {
        "billion laughs": (XLSX, _sheet_with(world, rb.inline("A99", rb.laughs_reference()),
                                             rb.billion_laughs())),
        "truncated workbook": (XLSX, world.workbook[:900]),
        "random bytes as Turtle": ("text/turtle", bytes(range(256)) * 8),
        "Turtle in UTF-16": ("text/turtle", f"<{BASE}a> <{BASE}b> 'c' .".encode("utf-16")),
        "remote context": ("application/ld+json", json.dumps(
            {"@graph": [{"@context": f"{url}/c", "@id": f"{BASE}agency/R"}]}).encode()),
        "deep JSON-LD": ("application/ld+json", b"[" * 50_000 + b"]" * 50_000),
        "surrogate JSON-LD": ("application/ld+json", b'{"@context": "context.jsonld", "@id": "'
                              + BASE.encode() + b'agency/X", "skos:prefLabel": "\\ud800"}'),
        "deep Turtle": ("text/turtle", (f"@prefix : <{BASE}> . :a :b " + "[ :p " * 5000
                                        + "]" * 5000 + " .").encode()),
        "N-Triples with NUL": ("application/n-triples", f"<{BASE}agency/A> <{BASE}p> "
                               '"a\\u0000"^^<http://www.w3.org/2001/XMLSchema#string> .'
                               .encode()),
    }


def test_hostile_uploads_are_4xx_in_both_languages_and_store_nothing(world: World) -> None:
    before = world.fingerprint()
    with rb.no_fetch() as listener:
        for name, (media, body) in _uploads(world, listener.url).items():
            for route in ("/imports", "/imports?dry_run=true", "/queries/compare-structure"):
                started = time.perf_counter()
                r = world.http.post(route, content=body,
                                    headers={**world.as_(), "content-type": media})
                assert time.perf_counter() - started < GUARD_SECONDS, (name, route)
                assert 400 <= r.status_code < 500, (name, route, r.status_code, r.text[:300])
                assert r.json()["detail"] and r.json()["detail_fa"], (name, route, r.text)
    assert world.fingerprint() == before


# -- API bodies -----------------------------------------------------------------------------------

def _templates(world: World) -> list[tuple[str, str, dict[str, Any]]]:
    duty = f"{BASE}agency/REG/duty/D1"
    return [
        ("POST", "/queries/adhoc", {"cypher": "MATCH (n:Resource) WHERE n.iri = $x "
                                              "RETURN n.iri AS iri", "params": {"x": "a"}}),
        ("POST", "/queries/saved", {"name": "fz", "cypher": "MATCH (n:Resource) RETURN n.iri "
                                    "AS iri LIMIT 1", "description": "d", "params": []}),
        ("POST", "/queries/saved/none/run", {"params": {}}),
        ("POST", "/queries/service-duties", {"params": {"service": "agency/REG/service/S1"}}),
        ("POST", "/agencies/REG/decisions", {"record": duty, "approve": True, "reason": "x"}),
        ("POST", "/agencies/REG/steps/1/reject", {"reason": "x"}),
        ("POST", "/agencies/REG/representative", {"person": "steward-reg"}),
        ("POST", "/agencies/REG/emergencies", {"referred": "1404/03/01", "subject": "صف",
                                               "days": 5, "reference": "F1"}),
        ("POST", "/agencies/REG/performance-reports", {"period": "1404-H1", "progress": "x"}),
        ("POST", "/reports/monitoring", {"period": "1404-H1"}),
        ("PUT", "/accounts/fuzzed", {"role": "auditor"}),
        ("POST", "/accounts/fuzzed/tokens", {"days": 1, "label": "x"}),
        ("PUT", "/resources/duties", {"agency_code": "REG", "ref": "D1", "title_fa": "ثبت",
                                      "legal_basis": "قانون ثبت احوال، ماده ۱"}),
        ("PUT", "/resources/agencies", {"code": "NEW", "name_fa": "نو", "kind": "organization"}),
        ("POST", "/sparql", {"query": "ASK {}"}),
    ]


_ODD = (st.sampled_from(rb.ODD_TEXT + rb.CYPHER_INJECTIONS) | st.text(max_size=30)
        | st.sampled_from(["\ud800", "x\udfffy", "\u0000", "a" * 5000, 10**40, -1, 1.5e308,
                           float("inf"), float("nan"), True, None, [], {}, {"a`b": 1},
                           ["\u0000"]]))


def _deep(depth: int) -> Any:
    node: Any = "x"
    for i in range(depth):
        node = [node] if i % 2 else {"k": node}
    return node


_VALUE = _ODD | st.integers(60, 80).map(_deep) | st.lists(_ODD, max_size=3) | st.dictionaries(
    st.text(max_size=5) | st.sampled_from(["\u0000", "\ud800", "@context"]), _ODD, max_size=3)


@given(pick=st.integers(0, 100), field=st.sampled_from(["first", "second", "new", "body"]),
       value=_VALUE)
@settings(max_examples=80, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_bodies_never_5xx_and_refusals_change_nothing(world: World, pick: int, field: str,
                                                          value: Any) -> None:
    method, path, body = (templates := _templates(world))[pick % len(templates)]
    keys = list(body)
    sent: Any = dict(body)
    if field == "body":
        sent = value
    elif field == "new":
        sent["extra"] = value
    else:
        sent[keys[0 if field == "first" else min(1, len(keys) - 1)]] = value
    data = json.dumps(sent, ensure_ascii=True).encode()  # surrogates, NUL: as \u escapes
    before = world.fingerprint()
    r = world.http.request(method, path, content=data,
                           headers={**world.as_(), "content-type": "application/json"})
    assert r.status_code < 500, (method, path, data[:300], r.text[:500])
    if r.status_code >= 400:
        _clear_error(r)
        assert world.fingerprint() == before, (method, path, data[:300], r.status_code)


def _clear_error(r: Response) -> None:
    body = r.json()
    assert body.get("detail") and body.get("detail_fa"), r.text[:300]
    assert "Traceback" not in r.text and '.py"' not in r.text


@pytest.mark.parametrize(("method", "path", "body"), [
    ("PUT", "/resources/duties", {"agency_code": "REG", "ref": "D7", "title_fa": FIVE_MB,
                                  "legal_basis": "x"}),
    ("PUT", "/accounts/big", {"role": FIVE_MB}),
    ("POST", "/queries/saved", {"name": "big", "cypher": "RETURN 1 AS x",
                                "description": FIVE_MB}),
    ("POST", "/agencies/REG/emergencies", {"referred": "1404/03/01", "subject": FIVE_MB}),
])
def test_a_5_mb_json_value_is_refused(world: World, method: str, path: str,
                                      body: dict[str, Any]) -> None:
    before = world.fingerprint()
    r = world.http.request(method, path, json=body, headers=world.as_())
    assert 400 <= r.status_code < 500, r.text[:300]
    _clear_error(r)
    assert world.fingerprint() == before


def test_odd_text_through_the_api_is_stored_clean(world: World) -> None:
    """RTL marks, zero-width characters, presentation forms and controls in a record's text:
    stored normalized (catalog.text), read back the same way; NUL and lone surrogates are
    refused whole (400)."""
    for i, text in enumerate(rb.ODD_TEXT):
        body = json.dumps({"code": f"ODD{i}", "name_fa": text, "kind": "organization"},
                          ensure_ascii=True).encode()
        r = world.http.put("/resources/agencies", content=body,
                           headers={**world.as_(), "content-type": "application/json"})
        if "\x00" in text:
            assert r.status_code == 400 and "NUL" in r.json()["detail"]
            continue
        assert r.status_code in (200, 201, 422), (text, r.text)
        if r.status_code == 422:
            continue
        got = world.http.get("/resource", params={"iri": f"{BASE}agency/ODD{i}",
                                                  "format": "json"}, headers=world.as_())
        stored = json.dumps(got.json()["properties"], ensure_ascii=False)
        assert not any(c in stored for c in "\x00\x07\x1b\u202b\u202c\u200e\u200f\ufeff")


def test_json_bodies_with_nul_or_surrogates_or_deep_nesting_are_400(world: World) -> None:
    before = world.fingerprint()
    bodies = [b'{"role": "auditor", "agency": "a\\u0000"}', b'{"role": "\\ud83d"}',
              b'{"role": "auditor", "scopes": ' + b"[" * 100 + b"]" * 100 + b"}",
              b"[" * 100_000 + b"]" * 100_000]
    for body in bodies:
        r = world.http.put("/accounts/guard", content=body,
                           headers={**world.as_(), "content-type": "application/json"})
        assert r.status_code == 400 and r.json()["detail_fa"], r.text[:200]
    assert world.fingerprint() == before
    # a surrogate pair is a character like any other; an escaped backslash is no escape
    assert json_fault(b'{"a": "\\ud83d\\ude00", "b": ' + b"[" * 70 + b"]" * 70 + b"}") \
        is not None  # (too deep)
    assert json_fault(b'{"a": "\\ud83d\\ude00 \\\\u0000"}') is None
