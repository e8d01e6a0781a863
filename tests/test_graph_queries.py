"""Graph queries for auditors (ADR 0004) on a hand-built catalog whose right answers are known,
on both stores. The catalog breaks some rules on purpose, because finding such breaches is the
auditor's job: a service mapped to another agency's duty (R-4.1), services with no unit/post or
no employee (R-4.3), a chain whose links depend on each other in a cycle (R-6.1), a loop in the
data map (R-10.1). It is stored without SHACL (loader read, RDF mapping, one store write), as
data that predates a rule would be.

Agencies REG, TAXO, SSOX. REG: unit U-R1 with sub-unit U-R2; posts P-R1 (U-R1), P-R2A and P-R2B
(U-R2), held by E-R1, E-R2, E-R3. Services: REG S1 (unit U-R1, E-R1; duty D1), REG S2 (posts
P-R2A and P-R2B, E-R2 and E-R3; duty D1), REG S3 (U-R1, E-R1; only TAXO's duty D2). REG D2 has no
service. TAXO S1 (P-T1, E-T1), TAXO S2 (no unit or post); P-T2 has no holder. SSOX S1 (U-S1,
E-S1), SSOX S2 (P-S1, no employee). REG S1 is delivered electronically and has a service ID,
REG S2 smartly, REG S3 in person; the other services say nothing of it.
Chain CH-A (final TAXO S1): 1 REG S1, 2 TAXO S1 needs 1.
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
from rdflib import DCAT, DCTERMS, RDF, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from api.queries import read_structure
from catalog.graphmap import Node
from catalog.port import QueryTimeout, ReadOnlyViolation, StoreChange
from catalog.registry import Registry
from catalog.vocab import CPSV, GC, concept
from graph_queries import adhoc, formats, named
from graph_queries.named import Answer, QueryError
from loaders.spreadsheet import read_workbook
from loaders.submission import read_submission
from tests.support.auth import auditor_client
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
            ["agency_code", "ref", "title_fa", "kind", "duties", "units", "posts", "employees",
             "delivery", "service_id"],
            ["REG", "S1", "ثبت ولادت", "service", "D1", "U-R1", "", "E-R1", "electronic",
             "S-REG-00001"],
            ["REG", "S2", "گواهی ولادت", "service", "D1", "", "P-R2A;P-R2B", "E-R2;E-R3",
             "smart"],
            ["REG", "S3", "استعلام مودی", "inquiry", "TAXO:D2", "U-R1", "", "E-R1", "in_person"],
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
    assert len(queries) == 21  # four for step 3 (ADR 0030)
    for q in queries.values():
        assert q.purpose and q.requirement.startswith("R-") and q.cypher
        assert "$" not in q.purpose
        assert q.name not in named.RESERVED_NAMES
    assert [p.as_dict() for p in queries["impact"].params][:3] == [
        {"name": n, "type": "iri-list", "optional": True, "description": f"{n} to remove"}
        for n in ("units", "posts", "employees")]
    assert queries["impact"].params[3].type == "iri-pairs"
    assert queries["impact"].subgraph and queries["chain-links"].subgraph
    assert not queries["cycle-progress"].subgraph
    assert [p.type for p in queries["compare-structure"].params] == [
        "iri", "structure", "iri-pairs"]


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
    assert named.convert(impact, {"merge": "a->b; c->https://x/d"}, "B/")["merge"] == [
        ["B/a", "B/b"], ["B/c", "https://x/d"]]
    with pytest.raises(QueryError, match="FROM->INTO"):
        named.convert(impact, {"merge": "a"}, None)
    progress = named.get("cycle-progress")
    assert named.convert(progress, {"today": "1403/10/08"}, None)["today"] == "2024-12-28"
    with pytest.raises(QueryError, match="today"):
        named.convert(progress, {"today": "yesterday"}, None)
    with pytest.raises(QueryError, match="a proposed structure"):
        named.convert(named.get("compare-structure"), {"proposed": "units.xlsx"}, None)


def test_a_header_is_checked() -> None:
    header = "// name: {}\n// purpose: p\n// requirement: R-1\n{}RETURN 1 AS x"
    assert named.parse(header.format("q", "// subgraph: yes\n"), "q.cypher").subgraph
    with pytest.raises(QueryError, match="reserved"):
        named.parse(header.format("saved", ""), "saved.cypher")
    with pytest.raises(QueryError, match="subgraph"):
        named.parse(header.format("q", "// subgraph: maybe\n"), "q.cypher")
    with pytest.raises(QueryError, match="unknown type"):
        named.parse(header.format("q", "// param x: float - a number\n"), "q.cypher")


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



def test_a_cascaded_removal_names_what_it_lost(audited: Registry) -> None:
    answer = ask(audited, "impact", units="unit/U-R1")
    because = {short(audited, r["iri"]): short(audited, r["because"]) for r in answer.rows
               if r["effect"].startswith("removed_")}
    assert because["unit/U-R1"] == []  # named
    assert because["unit/U-R2"] == ["unit/U-R1"]  # its parent unit goes
    assert because["post/P-R2A"] == ["unit/U-R2"]
    assert because["employee/E-R2"] == ["post/P-R2A"]


def test_merging_the_last_two_posts_loses_nothing_the_survivor_keeps(audited: Registry) -> None:
    before = audited.counts()
    answer = ask(audited, "impact", merge="post/P-R2A->post/P-R2B")
    assert rows(audited, answer, "effect", "iri", "because") == [
        ("merged_post", "post/P-R2A", ["post/P-R2B"]),
        ("employee_reassigned", "employee/E-R2", ["post/P-R2B"]),
        ("service_moves_to_survivor", "agency/REG/service/S2", ["post/P-R2A"]),
    ]
    # removing the same post takes its only holder with it instead
    assert ("removed_employee", "employee/E-R2") in effects(audited, posts="post/P-R2A")
    assert audited.counts() == before  # nothing written


def test_merging_a_unit_moves_its_posts_to_the_survivor(audited: Registry) -> None:
    assert effects(audited, merge="unit/U-R2->unit/U-R1") == {
        ("merged_unit", "unit/U-R2"),
        ("post_moved", "post/P-R2A"), ("post_moved", "post/P-R2B"),
    }


def test_merging_into_a_removed_unit_goes_with_it(audited: Registry) -> None:
    merged = effects(audited, units="unit/U-R1", merge="unit/U-R2->unit/U-R1")
    removed = effects(audited, units="unit/U-R1")
    assert merged - removed == {("merged_unit", "unit/U-R2")}
    assert removed - merged == {("removed_unit", "unit/U-R2")}


def test_merging_an_employee_hands_over_the_services(audited: Registry) -> None:
    assert effects(audited, merge="employee/E-R2->employee/E-R3") == {
        ("merged_employee", "employee/E-R2"),
        ("service_moves_to_survivor", "agency/REG/service/S2"),
        ("post_left_without_holder", "post/P-R2A"),
    }


@pytest.mark.parametrize(("params", "message"), [
    ({"merge": "unit/U-R2->post/P-R1"}, "a unit merges into a unit"),
    ({"merge": "unit/U-NONE->unit/U-R1"}, "not a unit, post or employee"),
    ({"merge": "post/P-R1->post/P-R2A;post/P-R2A->post/P-R1"}, "circle"),
    ({"posts": "post/P-R1", "merge": "post/P-R1->post/P-R2A"}, "both removed and merged"),
    ({"units": "post/P-R1"}, "not a unit of the stored structure"),
])
def test_a_change_that_cannot_be_played_out_is_refused(audited: Registry, params: dict[str, str],
                                                       message: str) -> None:
    with pytest.raises(QueryError, match=message):
        ask(audited, "impact", **params)


# -- two versions of a structure (R-11, R-12) --------------------------------------------------

def proposal(tmp_path: Path, sheets: Sheets, name: str = "proposal.xlsx") -> Path:
    return write_workbook(tmp_path / name, sheets)


def reg_reform() -> Sheets:
    """REG drops U-R2 and P-R2B, adds U-R3 with P-R3, moves P-R2A there and E-R3 to P-R3."""
    return {
        "units": [["id", "agency_code", "name_fa", "parent_id"],
                  ["U-R1", "REG", "اداره کل ثبت", ""],
                  ["U-R3", "REG", "اداره خدمات الکترونیکی", "U-R1"]],
        "posts": [["id", "unit_id", "title_fa"],
                  ["P-R1", "U-R1", "مدیر"], ["P-R2A", "U-R3", "کارشناس الف"],
                  ["P-R3", "U-R3", "کارشناس سامانه"]],
        "employees": [["id", "post_id"], ["E-R1", "P-R1"], ["E-R2", "P-R2A"], ["E-R3", "P-R3"]],
    }


def only_one_post() -> Sheets:
    """REG keeps its units (no units sheet) but only P-R1, which everyone now holds."""
    return {
        "posts": [["id", "unit_id", "title_fa"], ["P-R1", "U-R1", "مدیر"]],
        "employees": [["id", "post_id"], ["E-R1", "P-R1"], ["E-R2", "P-R1"], ["E-R3", "P-R1"]],
    }


def compare(registry: Registry, path: Path, **params: Any) -> Answer:
    return ask(registry, "compare-structure", proposed=read_structure(path, registry), **params)


def test_comparing_a_proposed_structure_with_the_stored_one(audited: Registry,
                                                            tmp_path: Path) -> None:
    before = audited.counts()
    answer = compare(audited, proposal(tmp_path, reg_reform()))
    assert rows(audited, answer, "effect", "iri", "because") == [
        ("removed_unit", "unit/U-R2", []), ("added_unit", "unit/U-R3", []),
        ("removed_post", "post/P-R2B", []), ("added_post", "post/P-R3", []),
        ("post_moved", "post/P-R2A", ["unit/U-R3"]),
        ("employee_reassigned", "employee/E-R3", ["post/P-R3"]),
    ]
    assert answer.meta["agency"] == iri(audited, "agency/REG")  # from the proposal's units
    assert answer.meta["proposal"] == {"source": "proposal.xlsx", "unit": 2, "post": 3,
                                       "employee": 3}
    assert answer.params["proposed"].startswith("proposal.xlsx: 2 unit(s)")
    assert answer.meta["problems"] == []  # not even S3's, a stored neighbour's (R-4.1)
    assert audited.counts() == before  # nothing written


def test_a_proposal_that_breaks_a_rule_says_so(audited: Registry, tmp_path: Path) -> None:
    sheets = reg_reform()
    sheets["units"][2][3] = "U-T1"  # U-R3 under TAXO's unit
    answer = compare(audited, proposal(tmp_path, sheets), agency="agency/REG")
    assert [(p["requirement"], short(audited, p["focus"])) for p in answer.meta["problems"]] == [
        ("R-11", "unit/U-R3")]
    found = {(r["effect"], short(audited, r["iri"])) for r in answer.rows}
    assert ("unplaced_unit", "unit/U-R3") in found  # its parent is not REG's
    assert ("unplaced_post", "post/P-R3") in found and ("removed_post", "post/P-R2A") in found
    assert ("service_loses_last_unit_or_post", "agency/REG/service/S2") in found


def test_a_proposal_that_removes_the_last_of_two_posts(audited: Registry,
                                                       tmp_path: Path) -> None:
    answer = compare(audited, proposal(tmp_path, only_one_post()), agency="agency/REG")
    assert {(r["effect"], short(audited, r["iri"])) for r in answer.rows} == {
        ("removed_post", "post/P-R2A"), ("removed_post", "post/P-R2B"),
        ("employee_reassigned", "employee/E-R2"), ("employee_reassigned", "employee/E-R3"),
        ("service_loses_last_unit_or_post", "agency/REG/service/S2"),
        ("chain_breaks", "chain/CH-B"),
    }
    # the same proposal, saying the two posts are merged into P-R1: S2 keeps its delivery
    merged = compare(audited, proposal(tmp_path, only_one_post()),
                     merge=["post/P-R2A->post/P-R1", "post/P-R2B->post/P-R1"])
    assert {(r["effect"], short(audited, r["iri"])) for r in merged.rows} == {
        ("merged_post", "post/P-R2A"), ("merged_post", "post/P-R2B"),
        ("employee_reassigned", "employee/E-R2"), ("employee_reassigned", "employee/E-R3"),
        ("service_moves_to_survivor", "agency/REG/service/S2"),
    }


def test_a_proposal_in_turtle_compares_the_same(audited: Registry, tmp_path: Path) -> None:
    sub = read_submission(proposal(tmp_path, reg_reform()), audited)
    ttl = tmp_path / "proposal.ttl"
    ttl.write_text(sub.changeset.graph.serialize(format="turtle"), encoding="utf-8")
    from_xlsx = compare(audited, proposal(tmp_path, reg_reform()))
    from_ttl = compare(audited, ttl)
    assert from_ttl.rows == from_xlsx.rows


def test_a_proposal_is_one_agencys_and_must_be_readable(audited: Registry,
                                                        tmp_path: Path) -> None:
    sheets = reg_reform()
    sheets["units"].append(["U-T9", "TAXO", "اداره تازه", ""])
    with pytest.raises(QueryError, match="several"):
        compare(audited, proposal(tmp_path, sheets))
    with pytest.raises(QueryError, match="another agency"):
        compare(audited, proposal(tmp_path, sheets), agency="agency/REG")
    broken = reg_reform()
    broken["posts"][0].append("no such column")
    with pytest.raises(QueryError, match="cannot be read"):
        read_structure(proposal(tmp_path, broken, "broken.xlsx"), audited)


# -- cycle progress (R-2, R-9, R-18) -----------------------------------------------------------

def steps(registry: Registry, code: str, given: dict[int, tuple[str, str | None]]) -> None:
    """An agency's 9 step nodes as the cycle keeps them (docs/model.md, "The cycle in the
    graph"): written directly, so the answer depends on nothing but the stored states."""
    nodes = []
    for n in range(1, 10):
        state, clock = given.get(n, ("not_started", None))
        props: dict[str, Any] = {"state": state}
        if clock:
            props["clockStart"] = clock
        nodes.append(Node(str(registry.iris.owned("cycle", code, str(n))), "AgencyStep", props,
                          {"agency": (str(registry.iris.agency(code)),),
                           "cycleStep": (concept("cycle-step", str(n)),)}))
    registry.store.apply(StoreChange(nodes))


def test_cycle_progress_per_agency(audited: Registry) -> None:
    # REG: step 1 approved; step 2 started 1403/08/11 (2024-11-01), due a month later
    steps(audited, "REG", {1: ("approved", "2024-10-01"), 2: ("in_progress", "2024-11-01")})
    # TAXO: step 1 started 1403/09/30 (2024-12-20), due 1403/10/30 (2025-01-19)
    steps(audited, "TAXO", {1: ("in_progress", "2024-12-20")})
    answer = ask(audited, "cycle-progress", today="1403/10/26")  # 2025-01-15
    assert answer.meta["today"] == "2025-01-15"
    by_code = {r["code"]: r for r in answer.rows}
    assert list(by_code) == ["REG", "SSOX", "TAXO"]
    reg, taxo, ssox = by_code["REG"], by_code["TAXO"], by_code["SSOX"]
    assert [reg[f"step_{n}"] for n in range(1, 4)] == ["approved", "in_progress", "not_started"]
    assert [reg[k] for k in ("duties", "duty_ids", "duties_with_service", "services",
                             "service_ids", "electronic_or_smart", "smart")] == [
        2, 1, 1, 3, 1, 2, 1]
    assert (reg["duty_coverage"], reg["service_id_coverage"], reg["electronic_coverage"]) == (
        50.0, 33.3, 66.7)
    assert reg["overdue_steps"] == [2]
    [late] = reg["overdue"]
    assert "R-4.1" in late and "1403/09/11" in late and "45 day(s) late" in late
    assert [d.split(" ")[1] for d in reg["open_deadlines"]] == ["6"]  # R-11, end of 1404
    assert taxo["step_1"] == "in_progress" and taxo["overdue_steps"] == []
    assert [d.split(" ")[1] for d in taxo["open_deadlines"]] == ["1", "6"]
    assert "4 day(s) left" in taxo["open_deadlines"][0]
    assert [taxo[k] for k in ("duties", "duties_with_service", "services", "service_ids",
                              "electronic_or_smart")] == [2, 1, 2, 0, 0]
    assert ssox["step_1"] == "not_started" and ssox["open_deadlines"] == []
    only = ask(audited, "cycle-progress", agency="agency/TAXO", today="2025-01-20")
    assert [(r["code"], r["overdue_steps"]) for r in only.rows] == [("TAXO", [1])]


def test_cycle_progress_reads_and_never_writes(audited: Registry) -> None:
    before = audited.counts()
    answer = ask(audited, "cycle-progress")  # no agency has begun: no step is created
    assert {r["step_1"] for r in answer.rows} == {"not_started"}
    assert audited.counts() == before


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



def test_a_subgraph_answer_as_turtle_and_json_ld(audited: Registry) -> None:
    answer = ask(audited, "chain-links", chain="chain/CH-B")
    g = Graph().parse(data=formats.render(answer, "ttl", audited.store), format="turtle")
    chain, link1 = URIRef(iri(audited, "chain/CH-B")), URIRef(iri(audited, "chain/CH-B/link/1"))
    assert (chain, GC.hasLink, link1) in g
    assert (link1, GC.linkService, URIRef(iri(audited, "agency/TAXO/service/S1"))) in g
    assert (URIRef(iri(audited, "agency/TAXO/dataset/DS1")), RDF.type, DCAT.Dataset) in g
    assert (URIRef(iri(audited, "agency/REG/service/S2")), DCTERMS.title,
            Literal("گواهی ولادت", lang="fa")) in g
    doc = formats.render(answer, "jsonld", audited.store)
    assert "@context" in json.loads(doc)
    assert isomorphic(Graph().parse(data=doc, format="json-ld"), g)


def test_an_impact_as_turtle_describes_what_it_names(audited: Registry) -> None:
    answer = ask(audited, "impact", posts=["post/P-R2A", "post/P-R2B"])
    g = Graph().parse(data=formats.render(answer, "ttl", audited.store), format="turtle")
    described = {str(s) for s in g.subjects(RDF.type, None)}
    assert {iri(audited, p) for p in ("post/P-R2A", "post/P-R2B", "employee/E-R2",
                                      "agency/REG/service/S2", "chain/CH-B")} <= described


def test_a_table_is_not_given_as_rdf(audited: Registry) -> None:
    answer = ask(audited, "services-without-deliverer")
    with pytest.raises(QueryError, match="not a part of the graph"):
        formats.render(answer, "ttl", audited.store)
    with pytest.raises(QueryError, match="not a part of the graph"):
        formats.render(adhoc.run_adhoc(audited.store, "RETURN 1 AS x"), "jsonld", audited.store)

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
    return auditor_client(audited)


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
    assert client.get("/queries/posts-without-holder", params={"format": "pdf"}).status_code == 406


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


def test_api_answers_as_rdf_by_format_or_accept(client: TestClient, audited: Registry) -> None:
    ttl = client.get("/queries/service-duties", params={"service": "agency/REG/service/S1"},
                     headers={"Accept": "text/turtle"})
    assert ttl.status_code == 200 and ttl.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=ttl.text, format="turtle")
    assert (URIRef(iri(audited, "agency/REG/service/S1")), CPSV.follows,
            URIRef(iri(audited, "agency/REG/duty/D1"))) in g
    ld = client.get("/queries/dataset-lineage",
                    params={"dataset": "agency/REG/dataset/DS1", "format": "jsonld"})
    assert ld.headers["content-type"].startswith("application/ld+json")
    posted = client.post("/queries/chain-links", json={"params": {"chain": "chain/CH-A"}},
                         headers={"Accept": "text/csv;q=0.5, application/ld+json"})
    assert posted.headers["content-type"].startswith("application/ld+json")
    table = client.get("/queries/posts-without-holder", headers={"Accept": "text/turtle"})
    assert table.status_code == 400 and "not a part of the graph" in table.json()["detail"]


def test_api_compares_a_proposed_structure_sent_as_the_body(
        client: TestClient, audited: Registry, tmp_path: Path) -> None:
    path = proposal(tmp_path, only_one_post())
    xlsx = client.post(
        "/queries/compare-structure", content=path.read_bytes(),
        params={"agency": "agency/REG", "format": "csv"},
        headers={"Content-Type": "application/vnd.openxmlformats-officedocument."
                                 "spreadsheetml.sheet"})
    assert xlsx.status_code == 200, xlsx.text
    table = list(csv.DictReader(io.StringIO(xlsx.text)))
    assert {"chain_breaks"} == {r["effect"] for r in table if r["iri"].endswith("chain/CH-B")}
    turtle = read_submission(path, audited).changeset.graph.serialize(format="turtle")
    as_ttl = client.post("/queries/compare-structure?agency=agency/REG", content=turtle,
                         headers={"Content-Type": "text/turtle"})
    inline = client.post("/queries/compare-structure",
                         json={"params": {"agency": "agency/REG", "proposed": turtle}})
    assert as_ttl.status_code == inline.status_code == 200
    assert as_ttl.json()["rows"] == inline.json()["rows"]
    assert len(inline.json()["rows"]) == len(table)
    assert inline.json()["params"]["proposed"].startswith("request body: 0 unit(s), 1 post(s)")
    wrong = client.post("/queries/chain-links", content=turtle,
                        headers={"Content-Type": "text/turtle"})
    assert wrong.status_code == 400 and "takes no proposed structure" in wrong.json()["detail"]
    bad = client.post("/queries/compare-structure", content=b"not turtle at all",
                      headers={"Content-Type": "text/turtle"})
    assert bad.status_code == 400 and "cannot be read" in bad.json()["detail"]
