"""`govcat harvest URL` (ADR 0026): another registry's DCAT-AP catalog, in two pages linked by
hydra:next, served by a local HTTP server the test starts; the first run stores it, the next
asks each page again with its ETag or Last-Modified and fetches only the page that changed, a
run where every page answers 304 stores nothing. Input from outside (ADR 0011): other content
types, redirects to another scheme, pages too large, links off the source's origin."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from typer.testing import CliRunner

from api.app import create_app
from catalog import ldes
from catalog.access.principals import Principal, Role
from catalog.iris import Iris
from catalog.registry import Registry
from catalog.store.falkordb_server import FalkorServer
from catalog.store.falkordb_store import FalkorStore
from cli.main import app
from loaders.harvest import HarvestError, HarvestState, Limits, harvest, materialize, next_pages
from tests.conftest import BASE
from tests.support.auth import tokens_for
from tests.support.records import records_graph
from tests.workbooks import load_valid, two_agencies

REG = f"{BASE}agency/REG"


@dataclass
class Page:
    body: str
    etag: str | None = None
    modified: str | None = None
    media: str = "text/turtle"
    status: int = 200
    location: str | None = None
    delay: float = 0.0


@dataclass
class Site:
    """What the server serves, by path, and what it was asked: (path, If-None-Match,
    If-Modified-Since, the status it answered)."""

    pages: dict[str, Page] = field(default_factory=dict)
    asked: list[tuple[str, str | None, str | None, int]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def site() -> Iterator[Site]:
    served = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            page = served.pages.get(self.path)
            if page is not None and page.delay:
                time.sleep(page.delay)
            tag, since = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
            status = _status(page, tag, since)
            served.asked.append((self.path, tag, since, status))
            self.send_response(status)
            if page is not None and page.location:
                self.send_header("Location", page.location)
            if page is not None and status in (200, 304):
                if page.etag:
                    self.send_header("ETag", page.etag)
                if page.modified:
                    self.send_header("Last-Modified", page.modified)
            body = page.body.encode("utf-8") if page is not None and status == 200 else b""
            if status == 200:
                self.send_header("Content-Type", f"{page.media}; charset=utf-8")  # type: ignore[union-attr]
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    served.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served
    server.shutdown()
    server.server_close()


def _status(page: Page | None, tag: str | None, since: str | None) -> int:
    if page is None:
        return 404
    if page.status != 200:
        return page.status
    if (page.etag and tag == page.etag) or (page.modified and since == page.modified):
        return 304
    return 200


_PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
"""


def _catalog(site: Site, deaths_title: str = "داده فوت") -> None:
    """A DCAT-AP catalog of REG's: a data service on page 1 serving a dataset there and one
    on page 2 (so page 2's dataset is held in a system page 1 describes)."""
    page1 = _PREFIXES + f"""
<{site.url}/catalog> a dcat:Catalog, hydra:PartialCollectionView ;
    dct:title "Sample registry catalog"@en ;
    hydra:next <{site.url}/catalog?page=2> ;
    dcat:dataset <http://reg.example/ds/births>, <http://reg.example/ds/deaths> .
<http://reg.example/svc/registry> a dcat:DataService ;
    dct:identifier "SYS-REG" ; dct:title "سامانه ثبت"@fa ; dct:publisher <{REG}> ;
    dcat:servesDataset <http://reg.example/ds/births>, <http://reg.example/ds/deaths> .
<http://reg.example/ds/births> a dcat:Dataset ;
    dct:identifier "DS-BIRTHS" ; dct:title "داده ولادت"@fa ; dct:publisher <{REG}> .
"""
    page2 = _PREFIXES + f"""
<{site.url}/catalog?page=2> a hydra:PartialCollectionView .
<http://reg.example/ds/deaths> a dcat:Dataset ;
    dct:identifier "DS-DEATHS" ; dct:title "{deaths_title}"@fa ; dct:publisher <{REG}> .
"""
    site.pages["/catalog"] = Page(page1, etag='"p1-v1"')
    modified = formatdate(1_700_000_000 + len(deaths_title), usegmt=True)
    site.pages["/catalog?page=2"] = Page(page2, modified=modified)


def _cli(registry: Registry, monkeypatch: pytest.MonkeyPatch, data: Path,
         *args: str) -> tuple[int, dict[str, object], str]:
    monkeypatch.setattr("cli.common.open_registry", lambda settings=None: registry)
    monkeypatch.setenv("GOVCAT_DATA_DIR", str(data))
    result = CliRunner().invoke(app, ["harvest", *args, "--json"])
    out = result.stdout
    start = out.find("{")
    return result.exit_code, json.loads(out[start:]) if start >= 0 else {}, result.output


def test_a_harvest_fetches_only_what_changed_and_a_304_stores_nothing(
        registry: Registry, site: Site, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    load_valid(registry, tmp_path / "two.xlsx", two_agencies())
    _catalog(site)
    url = f"{site.url}/catalog"
    deaths = URIRef(f"{BASE}agency/REG/dataset/DS-DEATHS")
    system = URIRef(f"{BASE}agency/REG/system/SYS-REG")

    code, body, out = _cli(registry, monkeypatch, tmp_path / "data", url)
    assert code == 0, out
    assert body["pages"] == {"fetched": [url, f"{url}?page=2"], "not_modified": []}
    stored = body["stored"]
    assert isinstance(stored, dict) and stored["records"] == 3, out
    [node] = registry.store.describe([str(deaths)])
    assert node.rels["heldIn"] == (str(system),)  # across pages
    assert [a[1:] for a in site.asked] == [(None, None, 200), (None, None, 200)]

    # page 2 changes: page 1 answers 304 to its ETag, page 2 is fetched (Last-Modified)
    site.asked.clear()
    _catalog(site, deaths_title="داده فوت، نسخه دوم")
    before = registry.store.last_change()
    code, body, out = _cli(registry, monkeypatch, tmp_path / "data", url)
    assert code == 0, out
    assert body["pages"] == {"fetched": [f"{url}?page=2"], "not_modified": [url]}
    assert site.asked[0] == ("/catalog", '"p1-v1"', None, 304)
    assert site.asked[1][0] == "/catalog?page=2" and site.asked[1][2] is not None
    assert site.asked[1][3] == 200
    stored = body["stored"]
    assert isinstance(stored, dict) and stored["records"] == 1 and stored["unchanged"] == 2
    assert registry.store.last_change() == before + 1
    [change] = registry.store.changes_after(before, 10)
    assert change.action == "harvest"  # one change in the feed, named for what made it
    g = registry.describe(str(deaths))
    assert g is not None and (deaths, DCTERMS.title, Literal("داده فوت، نسخه دوم", lang="fa")) in g
    [node] = registry.store.describe([str(deaths)])
    assert node.rels["heldIn"] == (str(system),)  # page 1 read from what was kept

    # nothing changes: every page answers 304, nothing is mapped or stored
    site.asked.clear()
    before = registry.store.last_change()
    code, body, out = _cli(registry, monkeypatch, tmp_path / "data", url)
    assert code == 0, out
    assert body["changed"] is False and "stored" not in body
    assert [a[3] for a in site.asked] == [304, 304]
    assert registry.store.last_change() == before

    # --full asks without validators; the records are as stored: nothing is written
    site.asked.clear()
    code, body, out = _cli(registry, monkeypatch, tmp_path / "data", url, "--full")
    assert code == 0, out
    assert [a[1:] for a in site.asked] == [(None, None, 200), (None, None, 200)]
    assert registry.store.last_change() == before


def test_a_dry_run_keeps_no_state(registry: Registry, site: Site, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    load_valid(registry, tmp_path / "two.xlsx", two_agencies())
    _catalog(site)
    url = f"{site.url}/catalog"
    before = registry.store.last_change()
    code, body, out = _cli(registry, monkeypatch, tmp_path / "data", url, "--dry-run")
    assert code == 0, out
    assert registry.store.last_change() == before and "stored" not in body
    assert HarvestState(tmp_path / "data" / "harvest").pages(url) == {}


def test_what_comes_from_outside_meets_limits(registry: Registry, site: Site,
                                              tmp_path: Path) -> None:
    state = HarvestState(tmp_path / "harvest")
    site.pages["/html"] = Page("<html></html>", media="text/html")
    site.pages["/xml"] = Page("<rdf:RDF/>", media="application/rdf+xml")
    site.pages["/to-https"] = Page("", status=302,
                                   location=site.url.replace("http:", "https:") + "/catalog")
    site.pages["/slow"] = Page(_PREFIXES, delay=1.5)
    site.pages["/big"] = Page(_PREFIXES + "<urn:a> dct:title \"" + "x" * 5000 + "\" .")
    site.pages["/remote-context"] = Page(json.dumps(
        {"@context": "https://example.org/context.jsonld", "@id": "urn:a"}),
        media="application/ld+json")
    for path, words in (("/html", "text/html"), ("/xml", "application/rdf+xml"),
                        ("/to-https", "another scheme"), ("/big", "larger than"),
                        ("/remote-context", "context"), ("/missing", "HTTP 404"),
                        ("/slow", "timed out")):
        with pytest.raises(HarvestError) as caught:
            harvest(site.url + path, registry, state,
                    limits=Limits(max_bytes=4000, timeout=0.5))
        assert words in caught.value.message_en, caught.value.message_en
        assert caught.value.message_fa
    with pytest.raises(HarvestError):
        harvest("file:///etc/passwd", registry, state)
    assert [a[0] for a in site.asked if a[0] == "/catalog"] == []  # the redirect not followed
    _catalog(site)  # a redirect on the same scheme is followed
    site.pages["/moved"] = Page("", status=301, location=site.url + "/catalog")
    moved = harvest(site.url + "/moved", registry, state, agency="REG")
    assert [p.url for p in moved.pages] == [site.url + "/moved", site.url + "/catalog?page=2"]


def test_only_links_on_the_sources_origin_are_followed() -> None:
    g = Graph().parse(data=_PREFIXES + """
<http://a.example/c> hydra:next <http://a.example/c?page=2> .
<http://a.example/c?page=2> hydra:next <http://169.254.169.254/latest/meta-data> .
<http://a.example/c?page=3> hydra:next <https://a.example/c?page=4> .
""", format="turtle")
    assert next_pages(g, "http://a.example/c") == ["http://a.example/c?page=2"]


# -- govcat from govcat: another installation's event stream (ADR 0026) ------------------------

@pytest.fixture
def two_registries(falkor_server: FalkorServer) -> Iterator[tuple[Registry, Registry]]:
    """Two installations' stores (two graphs of the session's FalkorDB), the same base."""
    found = []
    for name in ("ldes-source", "ldes-mirror"):
        store = FalkorStore(falkor_server.connect(), name, rewrite_aof=falkor_server.rewrite_aof)
        store.clear()
        store.setup()
        registry = Registry(store, Iris(BASE))
        registry.ensure_code_lists()
        found.append(registry)
    yield found[0], found[1]


@contextmanager
def serving(http: TestClient) -> Iterator[str]:
    """The app behind a real HTTP server on 127.0.0.1 (the harvester speaks HTTP)."""

    class Bridge(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            sent = {k: v for k, v in self.headers.items()
                    if k.lower() in ("authorization", "accept", "if-none-match", "host")}
            r = http.get(self.path, headers=sent)
            self.send_response(r.status_code)
            for k in ("content-type", "etag", "cache-control"):
                if k in r.headers:
                    self.send_header(k, r.headers[k])
            self.send_header("Content-Length", str(len(r.content)))
            self.end_headers()
            self.wfile.write(r.content)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Bridge)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_govcat_mirrors_another_govcats_stream(
        two_registries: tuple[Registry, Registry], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ldes, "PAGE", 2)
    source, mirror = two_registries
    load_valid(source, tmp_path / "two.xlsx", two_agencies())
    tokens = tokens_for(source, (Principal("mirror", Role.SYSTEM,
                                           scopes=frozenset({"read:all"})),
                                 Principal("steward-reg", Role.STEWARD, agency="REG")))
    http = TestClient(create_app(source))
    steward = {"Authorization": f"Bearer {tokens['steward-reg']}"}
    system = {"agency_code": "REG", "ref": "SYS9", "name_fa": "سامانه ثبت"}
    assert http.put("/resources/systems", json=system, headers=steward).status_code == 201
    gone = str(source.iris.owned("system", "REG", "SYS9"))
    assert http.delete("/resource", params={"iri": gone}, headers=steward).status_code == 200
    duty = {"agency_code": "REG", "ref": "D1", "title_fa": "ثبت وقایع حیاتی، ویرایش",
            "legal_basis": "قانون ثبت احوال، ماده ۱"}
    assert http.put("/resources/duties", json=duty, headers=steward).status_code == 200
    state = HarvestState(tmp_path / "harvest")
    with serving(http) as url:
        run = harvest(f"{url}/ldes", mirror, state, token=tokens["mirror"])
        assert run.mapped is not None and not run.mapped.report.problems
        mirror.apply_checked(run.mapped.changeset, action="harvest")
        state.commit(f"{url}/ldes", run.pages)
        assert records_graph(mirror).isomorphic(records_graph(source))
        assert not mirror.store.describe([gone])  # the tombstone: never stored
        # again: the full pages answer 304 to their ETags; nothing changed, nothing mapped
        again = harvest(f"{url}/ldes", mirror, state, token=tokens["mirror"])
        assert again.mapped is None and again.fetched == []
        with pytest.raises(HarvestError) as refused:  # the source's token is needed
            harvest(f"{url}/ldes", mirror, HarvestState(tmp_path / "other"))
        assert "401" in refused.value.message_en


def test_an_event_stream_is_read_as_the_records_its_newest_members_say() -> None:
    """LDES version objects → records (loaders.harvest.materialize): the newest member of each
    record by the stream's timestamp path; a tombstone, in either Activity Streams namespace
    (Flanders' LPDC writes the http one), leaves its record out."""
    g = Graph().parse(data="""
@prefix ldes: <https://w3id.org/ldes#> . @prefix tree: <https://w3id.org/tree#> .
@prefix dct: <http://purl.org/dc/terms/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
ex:stream a ldes:EventStream ; ldes:versionOfPath dct:isVersionOf ;
    ldes:timestampPath dct:modified ; tree:member ex:a1, ex:a2, ex:b1, ex:b2 .
ex:a1 dct:isVersionOf ex:a ; dct:modified "2026-01-01T00:00:00Z"^^xsd:dateTime ;
    dct:title "A, first" .
ex:a2 dct:isVersionOf ex:a ; dct:modified "2026-02-01T00:00:00Z"^^xsd:dateTime ;
    a <http://www.w3.org/ns/activitystreams#Tombstone> .
ex:b2 dct:isVersionOf ex:b ; dct:modified "2026-03-01T00:00:00Z"^^xsd:dateTime ;
    dct:title "B, second" .
ex:b1 dct:isVersionOf ex:b ; dct:modified "2026-01-01T00:00:00Z"^^xsd:dateTime ;
    dct:title "B, first" .
""", format="turtle")
    b = URIRef("http://example.org/b")
    assert set(materialize(g)) == {(b, DCTERMS.title, Literal("B, second"))}


def test_a_steward_harvests_only_its_own_agencys_records(
        registry: Registry, site: Site, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The caller's rights, as for `govcat import` (R-20.1): a steward of TAXO harvesting REG's
    catalog stores nothing, each record reported as not its own to write."""
    load_valid(registry, tmp_path / "two.xlsx", two_agencies())
    _catalog(site)
    tokens = tokens_for(registry, [Principal("steward-taxo", Role.STEWARD, agency="TAXO")])
    before = registry.store.last_change()
    code, body, out = _cli(registry, monkeypatch, tmp_path / "data", f"{site.url}/catalog",
                           "--token", tokens["steward-taxo"])
    assert code == 2, out
    report = body["report"]
    assert isinstance(report, dict) and report["records"]
    assert all(r["forbidden"] for r in report["records"])
    assert registry.store.last_change() == before
