"""Graph queries for auditors (issue 5) on a hand-built catalog whose right answers are known,
on both stores. The catalog breaks some rules on purpose, because finding such breaches is the
auditor's job: a service mapped to another agency's duty (R-4.1), services with no unit/post or
no employee (R-4.3), a chain whose links depend on each other in a cycle (R-6.1), a loop in the
data map (R-10.1). It is stored without SHACL (loader read, RDF mapping, one store write), as
data that predates a rule would be.

Agencies REG, TAXO, SSOX. REG: unit U-R1 with sub-unit U-R2; posts P-R1 (U-R1), P-R2A and P-R2B
(U-R2), held by E-R1, E-R2, E-R3. Services: REG S1 (unit U-R1, E-R1; duty D1), REG S2 (posts
P-R2A and P-R2B, E-R2 and E-R3; duty D1), REG S3 (U-R1, E-R1; only TAXO's duty D2). REG D2 has no
service. TAXO S1 (P-T1, E-T1), TAXO S2 (no unit or post); P-T2 has no holder. SSOX S1 (U-S1,
E-S1), SSOX S2 (P-S1, no employee). Chain CH-A (final TAXO S1): 1 REG S1, 2 TAXO S1 needs 1.
Chain CH-B (final SSOX S1): 1 TAXO S1, 2 SSOX S1 needs 1 and 3, 3 REG S2 needs 2 (a cycle).
Data map: REG SYS1 -> TAXO SYS1 -> SSOX SYS1 -> REG SYS1 (a loop).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from catalog.registry import Registry
from catalog.store.port import QueryTimeout, ReadOnlyViolation
from graph_queries import adhoc, formats, named
from graph_queries.named import Answer, QueryError
from loaders.spreadsheet import read_workbook
from tests.workbooks import Sheets, write_workbook

LAW = "قانون نمونه، ماده {}"


def audit_catalog() -> Sheets:
    return {
        "agencies": [
            ["code", "name_fa", "kind"],
            ["REG", "ثبت", "organization"],
            ["TAXO", "مالیات", "organization"],
            ["SSOX", "تامین اجتماعی", "organization"],
        ],
        "units": [
            ["id", "agency_code", "name_fa", "parent_id"],
            ["U-R1", "REG", "اداره کل ثبت", ""],
            ["U-R2", "REG", "اداره ثبت ولادت", "U-R1"],
            ["U-T1", "TAXO", "اداره مالیات", ""],
            ["U-S1", "SSOX", "اداره بیمه", ""],
        ],
        "posts": [
            ["id", "unit_id", "title_fa"],
            ["P-R1", "U-R1", "مدیر"],
            ["P-R2A", "U-R2", "کارشناس الف"],
            ["P-R2B", "U-R2", "کارشناس ب"],
            ["P-T1", "U-T1", "کارشناس مالیات"],
            ["P-T2", "U-T1", "کارشناس خالی"],
            ["P-S1", "U-S1", "کارشناس بیمه"],
        ],
        "employees": [
            ["id", "post_id"],
            ["E-R1", "P-R1"], ["E-R2", "P-R2A"], ["E-R3", "P-R2B"], ["E-T1", "P-T1"],
            ["E-S1", "P-S1"],
        ],
        "duties": [
            ["agency_code", "ref", "title_fa", "legal_basis", "duty_id"],
            ["REG", "D1", "ثبت ولادت", f"{LAW.format(1)}; {LAW.format(2)}", "D-REG-1"],
            ["REG", "D2", "ثبت وفات", LAW.format(3), ""],
            ["TAXO", "D1", "وصول مالیات", LAW.format(4), ""],
            ["TAXO", "D2", "ثبت مودیان", LAW.format(5), ""],
            ["SSOX", "D1", "بیمه", LAW.format(6), ""],
        ],
        "services": [
            ["agency_code", "ref", "title_fa", "kind", "duties", "units", "posts", "employees"],
            ["REG", "S1", "ثبت ولادت", "service", "D1", "U-R1", "", "E-R1"],
            ["REG", "S2", "گواهی ولادت", "service", "D1", "", "P-R2A;P-R2B", "E-R2;E-R3"],
            ["REG", "S3", "استعلام مودی", "inquiry", "TAXO:D2", "U-R1", "", "E-R1"],
            ["TAXO", "S1", "ثبت‌نام مالیاتی", "service", "D1", "", "P-T1", "E-T1"],
            ["TAXO", "S2", "گواهی مالیاتی", "service", "D1", "", "", "E-T1"],
            ["SSOX", "S1", "بیمه کارفرما", "service", "D1", "U-S1", "", "E-S1"],
            ["SSOX", "S2", "سابقه بیمه", "service", "D1", "", "P-S1", ""],
        ],
        "information_systems": [
            ["agency_code", "ref", "name_fa", "services"],
            ["REG", "SYS1", "سامانه ثبت", "S1"],
            ["TAXO", "SYS1", "سامانه مالیات", "S1"],
            ["SSOX", "SYS1", "سامانه بیمه", "S1"],
        ],
        "datasets": [
            ["agency_code", "ref", "title_fa", "information_system", "services"],
            ["REG", "DS1", "ولادت‌ها", "SYS1", "S1;S2"],
            ["TAXO", "DS1", "مودیان", "SYS1", "S1"],
            ["SSOX", "DS1", "بیمه‌شدگان", "SYS1", ""],
        ],
        "data_flows": [
            ["from_system", "to_system", "dataset"],
            ["REG:SYS1", "TAXO:SYS1", "REG:DS1"],
            ["TAXO:SYS1", "SSOX:SYS1", "TAXO:DS1"],
            ["SSOX:SYS1", "REG:SYS1", "SSOX:DS1"],
        ],
        "chains": [
            ["ref", "title_fa", "final_service"],
            ["CH-A", "زنجیره الف", "TAXO:S1"],
            ["CH-B", "زنجیره ب", "SSOX:S1"],
        ],
        "chain_links": [
            ["chain_ref", "order", "service", "depends_on", "datasets"],
            ["CH-A", 1, "REG:S1", "", "REG:DS1"],
            ["CH-A", 2, "TAXO:S1", "1", ""],
            ["CH-B", 1, "TAXO:S1", "", "TAXO:DS1"],
            ["CH-B", 2, "SSOX:S1", "1;3", ""],
            ["CH-B", 3, "REG:S2", "2", ""],
        ],
    }


@pytest.fixture
def audited(registry: Registry, tmp_path: Path) -> Registry:
    parsed = read_workbook(write_workbook(tmp_path / "audit.xlsx", audit_catalog()))
    assert parsed.problems == []
    cs = registry.changeset(parsed.records)
    assert registry.check(cs), "the catalog is meant to break rules an auditor looks for"
    registry.apply_checked(cs)  # stored as data that predates the rules would be
    return registry


def iri(registry: Registry, path: str) -> str:
    return registry.iris.base + path


def ask(registry: Registry, name: str, **params: Any) -> Answer:
    return named.run(registry.store, name, params, registry.iris.base)


def short(registry: Registry, value: Any) -> Any:
    """IRIs under the base as their paths, lists sorted: answers compare as plain values."""
    if isinstance(value, str):
        return value.removeprefix(registry.iris.base)
    if isinstance(value, list):
        return sorted(short(registry, v) for v in value)
    return value


def rows(registry: Registry, answer: Answer, *cols: str) -> list[tuple[Any, ...]]:
    return [tuple(short(registry, r[c]) for c in cols) for r in answer.rows]


# -- the headers ---------------------------------------------------------------------------

def test_every_query_file_has_a_complete_header() -> None:
    queries = named.catalog_of_queries()
    assert len(queries) == 14
    for q in queries.values():
        assert q.purpose and q.requirement.startswith("R-") and q.cypher
        assert "$" not in q.purpose
    assert [p.as_dict() for p in queries["impact"].params] == [
        {"name": n, "type": "iri-list", "optional": True, "description": f"{n} to remove"}
        for n in ("units", "posts", "employees")]


def test_parameters_are_checked_and_converted() -> None:
    q = named.get("service-duties")
    assert named.convert(q, {"service": "agency/A/service/S"}, "https://x/id/") == {
        "service": "https://x/id/agency/A/service/S"}
    with pytest.raises(QueryError, match="needs the parameter service"):
        named.convert(q, {}, None)
    with pytest.raises(QueryError, match="takes no parameter"):
        named.convert(q, {"service": "x", "agency": "y"}, None)
    impact = named.get("impact")
    assert named.convert(impact, {"posts": ["a;b", "c"]}, "B/")["posts"] == ["B/a", "B/b", "B/c"]
    ranked = named.get("most-depended-upon")
    assert named.convert(ranked, {"top": ["5"]}, None) == {"top": 5, "kind": None}
    with pytest.raises(QueryError, match="integer"):
        named.convert(ranked, {"top": "many"}, None)
    with pytest.raises(QueryError, match="one value"):
        named.convert(q, {"service": ["a", "b"]}, None)
    with pytest.raises(QueryError, match="no query named"):
        named.get("drop-everything")


# -- service to duty trace (R-4.1) -------------------------------------------------------------

def test_service_duties_with_legal_bases(audited: Registry) -> None:
    answer = ask(audited, "service-duties", service="agency/REG/service/S1")
    assert rows(audited, answer, "duty", "duty_id", "agency", "legal_bases", "foreign") == [
        ("agency/REG/duty/D1", "D-REG-1", "REG", sorted([LAW.format(1), LAW.format(2)]), False)]


def test_a_service_mapped_to_another_agencys_duty_is_flagged(audited: Registry) -> None:
    answer = ask(audited, "service-duties", service="agency/REG/service/S3")
    assert rows(audited, answer, "duty", "agency", "foreign") == [
        ("agency/TAXO/duty/D2", "TAXO", True)]
    back = ask(audited, "duty-services", duty="agency/TAXO/duty/D2")
    assert rows(audited, back, "service", "agency", "foreign") == [
        ("agency/REG/service/S3", "REG", True)]


def test_duty_services(audited: Registry) -> None:
    answer = ask(audited, "duty-services", duty="agency/REG/duty/D1")
    assert rows(audited, answer, "service", "foreign") == [
        ("agency/REG/service/S1", False), ("agency/REG/service/S2", False)]


def test_unrealized_duties_ignore_other_agencies_services(audited: Registry) -> None:
    reg = ask(audited, "unrealized-duties", agency="agency/REG")
    assert rows(audited, reg, "duty", "foreign_services") == [("agency/REG/duty/D2", [])]
    taxo = ask(audited, "unrealized-duties", agency="agency/TAXO")
    assert rows(audited, taxo, "duty", "foreign_services") == [
        ("agency/TAXO/duty/D2", ["agency/REG/service/S3"])]


def test_services_without_a_duty_of_their_agency(audited: Registry) -> None:
    answer = ask(audited, "services-without-duty", agency="agency/REG")
    assert rows(audited, answer, "service", "foreign_duties") == [
        ("agency/REG/service/S3", ["agency/TAXO/duty/D2"])]
    assert ask(audited, "services-without-duty", agency="agency/SSOX").rows == []


# -- delivery gaps (R-4.3) ---------------------------------------------------------------------

def test_services_without_deliverer(audited: Registry) -> None:
    answer = ask(audited, "services-without-deliverer")
    assert rows(audited, answer, "service", "units", "posts", "employees") == [
        ("agency/SSOX/service/S2", 0, 1, 0), ("agency/TAXO/service/S2", 0, 0, 1)]
    only = ask(audited, "services-without-deliverer", agency="agency/SSOX")
    assert rows(audited, only, "service") == [("agency/SSOX/service/S2",)]


def test_posts_without_holder(audited: Registry) -> None:
    answer = ask(audited, "posts-without-holder")
    assert rows(audited, answer, "post", "agency", "unit", "services") == [
        ("post/P-T2", "TAXO", "unit/U-T1", [])]
    assert ask(audited, "posts-without-holder", agency="agency/REG").rows == []


# -- chains (R-6.1) ----------------------------------------------------------------------------

def test_chain_links_in_order_with_datasets_and_systems(audited: Registry) -> None:
    answer = ask(audited, "chain-links", chain="chain/CH-B")
    assert rows(audited, answer, "link", "service", "agency", "depends_on", "datasets",
                "systems", "final") == [
        (1, "agency/TAXO/service/S1", "TAXO", [], ["agency/TAXO/dataset/DS1"],
         ["agency/TAXO/system/SYS1"], False),
        (2, "agency/SSOX/service/S1", "SSOX", [1, 3], [], [], True),
        (3, "agency/REG/service/S2", "REG", [2], [], [], False),
    ]


def test_service_dependencies_cross_chains_and_end_on_a_cycle(audited: Registry) -> None:
    answer = ask(audited, "service-dependencies", service="agency/SSOX/service/S1")
    assert rows(audited, answer, "service", "agency", "hops", "chains", "datasets") == [
        ("agency/REG/service/S2", "REG", 1, ["chain/CH-B"], []),
        ("agency/TAXO/service/S1", "TAXO", 1, ["chain/CH-B"], ["agency/TAXO/dataset/DS1"]),
        ("agency/REG/service/S1", "REG", 2, ["chain/CH-A"], ["agency/REG/dataset/DS1"]),
    ]
    assert ask(audited, "service-dependencies", service="agency/REG/service/S1").rows == []


def test_chain_interdependencies(audited: Registry) -> None:
    answer = ask(audited, "chain-interdependencies")
    assert rows(audited, answer, "chain", "depends_on_chain", "via_services") == [
        ("chain/CH-B", "chain/CH-A", ["agency/TAXO/service/S1"])]
    assert ask(audited, "chain-interdependencies", chain="chain/CH-A").rows == []


def test_agency_dependency_cycles(audited: Registry) -> None:
    [row] = ask(audited, "agency-dependency-cycles").rows
    assert short(audited, row["agencies"]) == ["agency/REG", "agency/SSOX", "agency/TAXO"]
    assert short(audited, row["chains"]) == ["chain/CH-A", "chain/CH-B"]
    cycle = row["cycle"]
    assert cycle[0] == cycle[-1] and len(cycle) >= 3


# -- org-structure impact (R-11, R-12) ---------------------------------------------------------

def effects(registry: Registry, **params: Any) -> set[tuple[str, str]]:
    answer = ask(registry, "impact", **params)
    return {(r["effect"], short(registry, r["iri"])) for r in answer.rows}


def test_impact_of_removing_one_of_two_posts_breaks_nothing(audited: Registry) -> None:
    before = audited.counts()
    assert effects(audited, posts="post/P-R2A") == {
        ("removed_post", "post/P-R2A"), ("removed_employee", "employee/E-R2")}
    assert audited.counts() == before  # nothing written


def test_impact_of_removing_the_last_of_two_posts(audited: Registry) -> None:
    assert effects(audited, posts=["post/P-R2A", "post/P-R2B"]) == {
        ("removed_post", "post/P-R2A"), ("removed_post", "post/P-R2B"),
        ("removed_employee", "employee/E-R2"), ("removed_employee", "employee/E-R3"),
        ("service_loses_last_unit_or_post", "agency/REG/service/S2"),
        ("service_loses_last_employee", "agency/REG/service/S2"),
        ("chain_breaks", "chain/CH-B"),
    }


def test_impact_of_removing_a_unit_reaches_sub_units_duties_and_data(audited: Registry) -> None:
    found = effects(audited, units="unit/U-R1")
    assert {i for e, i in found if e.startswith("removed_")} == {
        "unit/U-R1", "unit/U-R2", "post/P-R1", "post/P-R2A", "post/P-R2B",
        "employee/E-R1", "employee/E-R2", "employee/E-R3"}
    assert {(e, i) for e, i in found if not e.startswith("removed_")} == {
        ("service_loses_last_unit_or_post", "agency/REG/service/S1"),
        ("service_loses_last_employee", "agency/REG/service/S1"),
        ("service_loses_last_unit_or_post", "agency/REG/service/S2"),
        ("service_loses_last_employee", "agency/REG/service/S2"),
        ("service_loses_last_unit_or_post", "agency/REG/service/S3"),
        ("service_loses_last_employee", "agency/REG/service/S3"),
        ("chain_breaks", "chain/CH-A"), ("chain_breaks", "chain/CH-B"),
        ("duty_unserved", "agency/REG/duty/D1"),
        ("system_without_service", "agency/REG/system/SYS1"),
        ("dataset_without_service", "agency/REG/dataset/DS1"),
    }


def test_impact_of_removing_an_employee_leaves_a_post_unheld(audited: Registry) -> None:
    found = effects(audited, employees="employee/E-T1")
    assert found == {
        ("removed_employee", "employee/E-T1"),
        ("service_loses_last_employee", "agency/TAXO/service/S1"),
        ("service_loses_last_employee", "agency/TAXO/service/S2"),
        ("post_left_without_holder", "post/P-T1"),
        ("duty_unserved", "agency/TAXO/duty/D1"),
        ("chain_breaks", "chain/CH-A"), ("chain_breaks", "chain/CH-B"),
        ("system_without_service", "agency/TAXO/system/SYS1"),
        ("dataset_without_service", "agency/TAXO/dataset/DS1"),
    }


# -- lineage (R-10.1) --------------------------------------------------------------------------

def test_dataset_lineage(audited: Registry) -> None:
    answer = ask(audited, "dataset-lineage", dataset="agency/REG/dataset/DS1")
    assert sorted(rows(audited, answer, "relation", "iri", "other")) == [
        ("exchanged_in_chain", "chain/CH-A", None),
        ("flow", "agency/REG/system/SYS1", "agency/TAXO/system/SYS1"),
        ("held_in", "agency/REG/system/SYS1", None),
        ("used_by_service", "agency/REG/service/S1", None),
        ("used_by_service", "agency/REG/service/S2", None),
    ]


def test_system_lineage_walks_a_loop_once(audited: Registry) -> None:
    answer = ask(audited, "system-lineage", system="agency/TAXO/system/SYS1")
    assert rows(audited, answer, "direction", "system", "hops", "datasets") == [
        ("upstream", "agency/REG/system/SYS1", 1, ["agency/REG/dataset/DS1"]),
        ("upstream", "agency/SSOX/system/SYS1", 2, ["agency/SSOX/dataset/DS1"]),
        ("downstream", "agency/SSOX/system/SYS1", 1, ["agency/TAXO/dataset/DS1"]),
        ("downstream", "agency/REG/system/SYS1", 2, ["agency/SSOX/dataset/DS1"]),
    ]


# -- most depended upon (R-18) -----------------------------------------------------------------

def test_most_depended_upon(audited: Registry) -> None:
    agencies = ask(audited, "most-depended-upon", kind="agency")
    assert rows(audited, agencies, "iri", "chains", "services") == [
        ("agency/REG", 2, 4), ("agency/TAXO", 2, 3), ("agency/SSOX", 1, 2)]
    top = ask(audited, "most-depended-upon", top=2)
    assert rows(audited, top, "kind", "iri") == [
        ("agency", "agency/REG"), ("dataset", "agency/REG/dataset/DS1")]
    assert top.truncated
    with pytest.raises(QueryError, match="kind"):
        ask(audited, "most-depended-upon", kind="everything")


# -- answers -----------------------------------------------------------------------------------

def test_answers_as_json_csv_and_svg(audited: Registry) -> None:
    answer = ask(audited, "chain-links", chain="chain/CH-B")
    body = json.loads(formats.render(answer, "json"))
    assert body["count"] == 3 and body["params"] == {"chain": iri(audited, "chain/CH-B")}
    table = list(csv.reader(io.StringIO(formats.render(answer, "csv"))))
    assert table[0] == answer.columns
    assert sorted(table[2][table[0].index("depends_on")].split(";")) == ["1", "3"]
    svg = ElementTree.fromstring(formats.render(answer, "svg"))
    ns = "{http://www.w3.org/2000/svg}"
    boxes = {t.text for g in svg.iter(f"{ns}g") for t in g.iter(f"{ns}title")}
    assert {iri(audited, "chain/CH-B"), iri(audited, "agency/REG/service/S2"),
            iri(audited, "agency/TAXO/dataset/DS1")} <= boxes
    # chain -> 3 services, SSOX S1 -> 2 needed, REG S2 -> SSOX S1, TAXO S1 -> its dataset
    assert len(list(svg.iter(f"{ns}line"))) == 7


# -- ad-hoc queries ----------------------------------------------------------------------------

@pytest.mark.parametrize("cypher", [
    "CREATE (n:Resource {iri: 'x'}) RETURN n",
    "MERGE (n:Resource {iri: 'x'}) RETURN n",
    "MATCH (n:Resource) SET n.title = 'changed' RETURN count(n)",
    "MATCH (n:Resource) DETACH DELETE n",
])
def test_adhoc_writes_are_refused_and_nothing_changes(audited: Registry, cypher: str) -> None:
    before = audited.counts()
    with pytest.raises(ReadOnlyViolation):
        adhoc.run_adhoc(audited.store, cypher)
    assert audited.counts() == before
    assert audited.store.read("MATCH (n) WHERE n.title = 'changed' RETURN n") == []


def test_adhoc_write_procedure_is_refused(audited: Registry) -> None:
    writer = ("CALL db.idx.fulltext.createNodeIndex('Resource', 'iri')"
              if audited.store.name == "falkordb" else "CALL db.createLabel('Intruder')")
    with pytest.raises(ReadOnlyViolation):
        adhoc.run_adhoc(audited.store, writer)


def test_adhoc_reads_with_parameters_and_a_row_limit(audited: Registry) -> None:
    answer = adhoc.run_adhoc(
        audited.store, "MATCH (s:PublicService)-[:agency]->(a {iri: $a}) RETURN s.iri AS s "
        "ORDER BY s", {"a": iri(audited, "agency/REG")}, limit=2)
    assert rows(audited, answer, "s") == [("agency/REG/service/S1",), ("agency/REG/service/S2",)]
    assert answer.truncated
    assert not adhoc.run_adhoc(audited.store, "RETURN 1 AS one", limit=2).truncated


def test_adhoc_query_past_its_time_limit_is_stopped(audited: Registry) -> None:
    slow = "UNWIND range(1, 100000000) AS x WITH x WHERE x % 7 = 3 RETURN count(x) AS n"
    with pytest.raises(QueryTimeout):
        adhoc.run_adhoc(audited.store, slow, timeout_ms=50)


def test_adhoc_limits_are_bounded(audited: Registry) -> None:
    with pytest.raises(QueryError):
        adhoc.run_adhoc(audited.store, "RETURN 1 AS x", timeout_ms=10**9)
    with pytest.raises(QueryError):
        adhoc.run_adhoc(audited.store, "   ")


# -- over HTTP (api/queries.py) ----------------------------------------------------------------

@pytest.fixture
def client(audited: Registry) -> TestClient:
    return TestClient(create_app(audited))


def test_api_lists_the_queries_with_their_headers(client: TestClient) -> None:
    listed = {q["name"]: q for q in client.get("/queries").json()}
    assert set(listed) == set(named.catalog_of_queries())
    assert listed["service-duties"]["requirement"] == "R-4.1"
    assert listed["service-duties"]["params"][0]["name"] == "service"


def test_api_runs_a_named_query_by_get_and_post(client: TestClient, audited: Registry) -> None:
    got = client.get("/queries/service-duties", params={"service": "agency/REG/service/S3"})
    assert got.status_code == 200
    assert [r["foreign"] for r in got.json()["rows"]] == [True]
    posted = client.post("/queries/impact", json={
        "params": {"posts": ["post/P-R2A", "post/P-R2B"]}, "format": "csv"})
    assert posted.status_code == 200 and posted.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(posted.text)))
    assert {"chain_breaks"} == {r["effect"] for r in table if r["iri"].endswith("chain/CH-B")}
    ranked = client.get("/queries/most-depended-upon", params={"kind": "agency", "top": "1"})
    assert [r["iri"] for r in ranked.json()["rows"]] == [iri(audited, "agency/REG")]
    svg = client.get("/queries/chain-links", params={"chain": "chain/CH-A", "format": "svg"})
    assert svg.headers["content-type"].startswith("image/svg+xml")
    ElementTree.fromstring(svg.text)


def test_api_errors_are_clear(client: TestClient) -> None:
    assert client.get("/queries/no-such-query").status_code == 404
    missing = client.get("/queries/service-duties")
    assert missing.status_code == 400 and "service" in missing.json()["detail"]
    assert client.get("/queries/posts-without-holder", params={"format": "pdf"}).status_code == 400


def test_api_adhoc_is_read_only_and_limited(client: TestClient, audited: Registry) -> None:
    before = audited.counts()
    refused = client.post("/queries/adhoc", json={"cypher": "MATCH (n:Resource) DETACH DELETE n"})
    assert refused.status_code == 403 and "read-only" in refused.json()["detail"]
    assert audited.counts() == before
    ok = client.post("/queries/adhoc", json={
        "cypher": "MATCH (p:Post) WHERE p.iri STARTS WITH $base RETURN p.iri AS post",
        "params": {"base": audited.iris.base}, "limit": 4})
    assert ok.status_code == 200
    assert ok.json()["count"] == 4 and ok.json()["truncated"] is True
    slow = client.post("/queries/adhoc", json={
        "cypher": "UNWIND range(1, 100000000) AS x RETURN count(x) AS n", "timeout_ms": 50})
    assert slow.status_code == 408
