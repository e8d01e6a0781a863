"""Input that cannot break output (ADR 0025): a web address is an absolute http(s) IRI by
RFC 3987 wherever it comes in (workbook, CSV, PUT body, Turtle, JSON-LD), and a text marked
Persian holds a Persian letter; each refusal names the file, sheet, row and column (or the
field and the record), cites the rule, in English and Persian, and stores nothing. On
FalkorDB and on Neo4j."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT

from catalog.access.principals import Principal, Role
from catalog.iri_check import IRI_RULE, iri_problem, web_address_problem
from catalog.model import InformationSystem
from catalog.problems import Problem
from catalog.profiles import export_profile, serialize_profile
from catalog.registry import Registry
from catalog.text import normalize_fa
from loaders.submission import read_submission
from tests.conftest import BASE
from tests.support.auth import client_as
from tests.workbooks import Sheets, load_valid, two_agencies, write_workbook

BAD_ADDRESSES = [
    "http://x/{id}",  # the tester's: a URL template
    "https://sabt.example/a b",  # a space
    "https://sabt.example/<script>",
    "https://sabt.example/%zz",  # a percent sign that encodes nothing
    "sabt.example/path",  # no scheme
    "ftp://sabt.example/",  # not a web address
    "http:///path",  # no host
    "https://sabt.example:99999/",
]
GOOD_ADDRESSES = ["https://www.sabteahval.ir", "https://ثبت.example/خدمات/ولادت?نوع=۱#بالا",
                  "http://[2001:db8::1]:8080/api", "HTTPS://SABT.EXAMPLE/"]


def _with_system(url: str, title_fa: str = "سامانه ثبت وقایع") -> Sheets:
    sheets = two_agencies()
    sheets["information_systems"] = [["agency_code", "ref", "name_fa", "url"],
                                     ["REG", "IS-1", title_fa, url]]
    return sheets


def _iri_problems(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.requirement == IRI_RULE]


def _named_both_ways(p: Problem) -> None:
    assert "RFC 3987" in p.message_en or "web address" in p.message_en, p
    assert "نشانی" in p.message_fa, p


# -- the rule itself -------------------------------------------------------------------------------

@pytest.mark.parametrize("url", BAD_ADDRESSES)
def test_a_bad_web_address_is_refused_by_the_model(url: str) -> None:
    assert web_address_problem(url) is not None
    with pytest.raises(ValueError, match="RFC 3987|web address"):
        InformationSystem(agency_code="REG", ref="IS-1", name_fa="سامانه", url=url)


@pytest.mark.parametrize("url", GOOD_ADDRESSES)
def test_a_web_address_by_rfc_3987_is_taken(url: str) -> None:
    assert web_address_problem(url) is None
    assert InformationSystem(agency_code="REG", ref="IS-1", name_fa="سامانه", url=url).url == url


def test_an_iri_need_not_be_a_web_address_but_must_be_an_iri() -> None:
    assert iri_problem("urn:isbn:9789640000000") is None
    assert iri_problem("mailto:info@sabt.example") is None
    assert iri_problem("http://x/{id}") is not None
    assert iri_problem("not an iri") is not None


# -- workbook, CSV, PUT, RDF -------------------------------------------------------------------

def test_a_url_template_in_a_workbook_is_refused_at_its_cell(registry: Registry,
                                                              tmp_path: Path) -> None:
    sub = read_submission(write_workbook(tmp_path / "sys.xlsx", _with_system("http://x/{id}")),
                          registry)
    [p] = _iri_problems(sub.problems)
    assert (p.source, p.sheet, p.row, p.column) == ("sys.xlsx", "information_systems", 2, "url")
    assert p.value == "http://x/{id}"
    assert "'{'" in p.message_en and "RFC 3987" in p.message_en
    _named_both_ways(p)
    assert "[R-16]" in str(p)
    assert registry.store.describe([f"{BASE}agency/REG/system/IS-1"]) == []


@pytest.mark.parametrize("url", BAD_ADDRESSES[1:4])
def test_a_bad_url_in_csv_is_refused_at_its_cell(registry: Registry, tmp_path: Path,
                                                 url: str) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    for name, rows in _with_system(url).items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(rows)
    sub = read_submission(folder, registry)
    [p] = _iri_problems(sub.problems)
    assert (p.source, p.row, p.column) == ("information_systems.csv", 2, "url")
    _named_both_ways(p)


def test_a_good_address_is_stored_and_exported_as_the_system_s_endpoint(
        registry: Registry, tmp_path: Path) -> None:
    url = GOOD_ADDRESSES[1]
    load_valid(registry, tmp_path / "ok.xlsx", _with_system(url))
    g = export_profile(registry, "dcat-ap")
    system = URIRef(f"{BASE}agency/REG/system/IS-1")
    assert g.value(system, DCAT.endpointURL) == URIRef(url)
    Graph().parse(data=serialize_profile(g, "ttl"), format="turtle")


def test_a_put_body_with_a_bad_url_is_422_naming_the_field(registry: Registry,
                                                          tmp_path: Path) -> None:
    load_valid(registry, tmp_path / "base.xlsx", two_agencies())
    client = client_as(registry, Principal("steward-reg", Role.STEWARD, agency="REG"))
    body = {"agency_code": "REG", "ref": "IS-9", "name_fa": "سامانه نو", "url": "http://x/{id}"}
    r = client.put("/resources/systems", json=body)
    assert r.status_code == 422, r.text
    problems = r.json()["problems"]
    [p] = [p for p in problems if p.get("requirement") == IRI_RULE]
    assert p["column"] == "url" and "RFC 3987" in p["message_en"] and p["message_fa"]
    assert registry.store.describe([f"{BASE}agency/REG/system/IS-9"]) == []
    body["url"] = "https://sabt.example/api"
    assert client.put("/resources/systems", json=body).status_code == 201


def _turtle(target: str, url: str) -> str:
    return f"""
@prefix gc: <https://w3id.org/govcat/ns#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{BASE}agency/REG/system/IS-1> a gc:InformationSystem ; gc:ref "IS-1" ;
    dct:title "سامانه ثبت"@fa ; gc:agency <{BASE}agency/REG> ;
    dct:publisher <{BASE}agency/REG> ;
    dcat:endpointURL "{url}"^^xsd:anyURI ; gc:supportsService <{target}> .
"""


def test_rdf_with_an_iri_that_is_not_one_is_refused_naming_the_record_and_field(
        registry: Registry, tmp_path: Path) -> None:
    load_valid(registry, tmp_path / "base.xlsx", two_agencies())
    path = tmp_path / "sys.ttl"
    path.write_text(_turtle(f"{BASE}agency/REG/service/{{S1}}", "http://x/{id}"),
                    encoding="utf-8")
    sub = read_submission(path, registry)
    found = {p.column: p for p in _iri_problems(sub.problems)}
    assert set(found) == {"supportsService", "endpointURL"}, sub.problems
    for p in found.values():
        assert p.focus == f"{BASE}agency/REG/system/IS-1" and p.source == "sys.ttl"
        _named_both_ways(p)
    assert "'{'" in found["endpointURL"].message_en


def test_json_ld_with_a_non_web_address_is_refused(registry: Registry, tmp_path: Path) -> None:
    load_valid(registry, tmp_path / "base.xlsx", two_agencies())
    doc: dict[str, Any] = {
        "@context": "https://w3id.org/govcat/context.jsonld",
        "@id": f"{BASE}agency/REG/system/IS-1", "@type": "gc:InformationSystem",
        "ref": "IS-1", "title": {"@value": "سامانه ثبت", "@language": "fa"},
        "agency": f"{BASE}agency/REG", "endpointURL": "ftp://sabt.example/"}
    path = tmp_path / "sys.jsonld"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    sub = read_submission(path, registry)
    [p] = _iri_problems(sub.problems)
    assert p.column == "endpointURL" and "http://" in p.message_en and "http://" in p.message_fa


def test_rdf_with_good_iris_loads(registry: Registry, tmp_path: Path) -> None:
    load_valid(registry, tmp_path / "base.xlsx", two_agencies())
    path = tmp_path / "sys.ttl"
    path.write_text(_turtle(f"{BASE}agency/REG/service/S1", GOOD_ADDRESSES[1]),
                    encoding="utf-8")
    sub = read_submission(path, registry)
    assert sub.problems == []
    registry.apply_checked(sub.changeset)


# -- Persian text holds Persian letters (shapes/languages.ttl) -----------------------------------

@pytest.mark.parametrize("title", ["Vital events registration", "۱۴۰۳/۱۲", "IS-1 (v2)"])
def test_a_persian_title_without_a_persian_letter_is_refused(registry: Registry, tmp_path: Path,
                                                             title: str) -> None:
    sub = read_submission(write_workbook(
        tmp_path / "latin.xlsx", _with_system("https://sabt.example/", title_fa=title)), registry)
    [p] = [p for p in sub.problems if p.requirement == "R-16"]
    assert (p.sheet, p.row, p.column) == ("information_systems", 2, "name_fa"), p
    assert p.value == normalize_fa(title)  # as stored: Persian digits folded
    assert "Persian letter" in p.message_en and "حرف فارسی" in p.message_fa


@pytest.mark.parametrize("title", ["سامانه ثبت (نسخه ۲)", "سامانه ICT ثبت", "ثبت IS-1"])
def test_a_persian_title_with_latin_words_and_digits_is_taken(registry: Registry,
                                                              tmp_path: Path,
                                                              title: str) -> None:
    load_valid(registry, tmp_path / "ok.xlsx",
               _with_system("https://sabt.example/", title_fa=title))
    [node] = registry.store.describe([f"{BASE}agency/REG/system/IS-1"])
    assert node.props["title@fa"] == normalize_fa(title)
