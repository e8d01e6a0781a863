"""Rules a held-out catalog showed missing, end to end on both stores: who may deliver a
service (its agency, a body under it, a body it delegates to: R-4.3, R-20.1, R-20.2), posts in
the units a service names and employees in its posts (R-4.3), and a chain link waiting for a
service rather than a link's order (R-6.1). Each refusal names the sheet, row and column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rdflib import URIRef

from catalog.problems import Problem
from catalog.registry import Registry
from loaders.submission import read_submission
from tests.workbooks import Sheets, two_agencies, write_workbook


def _sheets() -> Sheets:
    """two_agencies with a third agency under REG (SUBR, a provincial body) with a unit, a post
    and an employee, and REG's service also naming its post P-REG-1."""
    s = two_agencies()
    s["agencies"][0] += ["parent_code", "delegates_to"]
    for row in s["agencies"][1:]:
        row += ["", ""]
    s["agencies"].append(["SUBR", "اداره کل ثبت استان", "Provincial registry",
                          "provincial_unit", "fars", "REG", ""])
    s["units"] += [["U-SUB-1", "SUBR", "اداره ثبت شهرستان"], ["U-REG-2", "REG", "دفتر ثبت"]]
    s["posts"] += [["P-SUB-1", "U-SUB-1", "کارشناس ثبت", "SUBR"],
                   ["P-REG-2", "U-REG-2", "متصدی دفتر", "REG"]]
    s["employees"] += [["E-SUB-1", "P-SUB-1"], ["E-REG-2", "P-REG-2"]]
    s["services"][1][6] = "P-REG-1"  # REG:S1 names U-REG-1, P-REG-1 (in it) and E-REG-1
    return s


def _service(s: Sheets, agency: str) -> list[Any]:
    return next(r for r in s["services"][1:] if r[0] == agency)


def _load(registry: Registry, tmp_path: Path, s: Sheets, name: str = "x.xlsx") -> list[Problem]:
    sub = read_submission(write_workbook(tmp_path / name, s), registry)
    if not sub.problems:
        registry.apply_checked(sub.changeset)
    return sub.problems


def _where(problems: list[Problem]) -> set[tuple[str | None, int | None, str | None, str | None]]:
    return {(p.sheet, p.row, p.column, p.requirement) for p in problems}


def test_the_base_workbook_loads(registry: Registry, tmp_path: Path) -> None:
    assert _load(registry, tmp_path, _sheets()) == []


def test_a_body_under_the_agency_may_deliver_its_service(registry: Registry,
                                                          tmp_path: Path) -> None:
    s = _sheets()
    _service(s, "REG")[5] = "U-REG-1;U-SUB-1"  # SUBR is under REG
    _service(s, "REG")[6] = "P-REG-1;P-SUB-1"
    _service(s, "REG")[7] = "E-REG-1;E-SUB-1"
    assert _load(registry, tmp_path, s) == []


def test_another_agencys_unit_post_or_employee_is_refused_at_its_cell(
        registry: Registry, tmp_path: Path) -> None:
    s = _sheets()
    reg = _service(s, "REG")
    reg[5] = "U-REG-1;U-TAX-1"  # units: TAXO is not under REG
    taxo = _service(s, "TAXO")
    taxo[6] = "P-TAX-1;P-SUB-1"  # posts: SUBR is under REG, not TAXO
    taxo[7] = "E-TAX-1;E-REG-1"  # employees
    problems = _load(registry, tmp_path, s)
    where = _where(problems)
    assert ("services", 2, "units", "R-20.1") in where
    assert ("services", 3, "posts", "R-20.1") in where
    assert ("services", 3, "employees", "R-20.1") in where
    units = next(p for p in problems if p.column == "units" and p.requirement == "R-20.1")
    assert units.value == str(registry.iris.unit("U-TAX-1"))
    assert "delegates" in units.message_en and "تفویض" in units.message_fa
    assert registry.counts().get("PublicService", 0) == 0  # nothing stored


def test_a_body_the_agency_delegates_to_may_deliver_its_service(registry: Registry,
                                                                 tmp_path: Path) -> None:
    """R-20.2: TAXO's counter office (no parent) delivers a REG service once REG delegates to
    it in the agencies sheet's delegates_to column; not before."""
    s = _sheets()
    s["agencies"].append(["DESK", "دفتر پیشخوان ۱۰۴۵", "Counter office 1045", "delegated",
                          "tehran", "", ""])
    s["units"].append(["U-DESK-1", "DESK", "پذیرش"])
    _service(s, "REG")[5] = "U-REG-1;U-DESK-1"
    assert ("services", 2, "units", "R-20.1") in _where(_load(registry, tmp_path, s, "a.xlsx"))
    s["agencies"][1][6] = "DESK"  # REG delegates_to
    assert _load(registry, tmp_path, s, "b.xlsx") == []
    reg = registry.store.describe([str(registry.iris.agency("REG"))])[0]
    assert reg.rels["delegatesTo"] == (str(registry.iris.agency("DESK")),)


def test_a_post_outside_the_named_units_is_refused(registry: Registry, tmp_path: Path) -> None:
    s = _sheets()
    _service(s, "REG")[6] = "P-REG-1;P-REG-2"  # P-REG-2 sits in U-REG-2, not named
    _service(s, "REG")[7] = "E-REG-1"
    where = _where(_load(registry, tmp_path, s, "a.xlsx"))
    assert ("services", 2, "posts", "R-4.3") in where
    s["units"][0].append("parent_id")
    s["units"][4].append("U-REG-1")  # U-REG-2 now below U-REG-1, which the service names
    assert _load(registry, tmp_path, s, "b.xlsx") == []


def test_an_employee_holding_none_of_the_named_posts_is_refused(registry: Registry,
                                                                 tmp_path: Path) -> None:
    s = _sheets()
    _service(s, "REG")[7] = "E-REG-1;E-REG-2"  # E-REG-2 holds P-REG-2, not named
    assert ("services", 2, "employees", "R-4.3") in _where(_load(registry, tmp_path, s))


def _chain(s: Sheets, depends_on: str) -> Sheets:
    s["chains"] = [["ref", "title_fa", "final_service"], ["CH-1", "زنجیره ثبت", "REG:S1"]]
    s["chain_links"] = [["chain_ref", "order", "service", "depends_on"],
                        ["CH-1", 1, "TAXO:S1", ""], ["CH-1", 2, "REG:S1", depends_on]]
    return s


@pytest.mark.parametrize("depends_on", ["1", "TAXO:S1"])
def test_a_link_may_wait_for_an_order_or_a_service(registry: Registry, tmp_path: Path,
                                                   depends_on: str) -> None:
    assert _load(registry, tmp_path, _chain(_sheets(), depends_on)) == []
    link = registry.store.describe([str(registry.iris.chain_link("CH-1", 2))])[0]
    assert link.rels["dependsOn"] == (str(registry.iris.chain_link("CH-1", 1)),)


def test_a_service_no_link_of_the_chain_delivers_is_refused_at_its_cell(
        registry: Registry, tmp_path: Path) -> None:
    problems = _load(registry, tmp_path, _chain(_sheets(), "1;TAXO:S9"))
    assert ("chain_links", 3, "depends_on", "R-6.1") in _where(problems)
    found = next(p for p in problems if p.column == "depends_on")
    assert found.value == str(registry.iris.owned("service", "TAXO", "S9"))
    assert "AGENCY:ref" in found.message_en and "کد دستگاه:کد خدمت" in found.message_fa


def test_a_link_waits_for_the_service_of_a_stored_link(registry: Registry,
                                                        tmp_path: Path) -> None:
    """The chain and its first link are stored; a later submission adds a link waiting for
    that link's service: resolved to the stored link."""
    assert _load(registry, tmp_path, _chain(_sheets(), "1"), "a.xlsx") == []
    later: Sheets = {"chain_links": [["chain_ref", "order", "service", "depends_on"],
                                     ["CH-1", 3, "REG:S1", "TAXO:S1;REG:S1"]]}
    assert _load(registry, tmp_path, later, "b.xlsx") == []
    link = registry.store.describe([str(registry.iris.chain_link("CH-1", 3))])[0]
    assert set(link.rels["dependsOn"]) == {str(registry.iris.chain_link("CH-1", n))
                                           for n in (1, 2)}
    assert URIRef(link.iri) == registry.iris.chain_link("CH-1", 3)


def test_a_depends_on_that_is_neither_is_refused_at_its_cell(registry: Registry,
                                                              tmp_path: Path) -> None:
    problems = _load(registry, tmp_path, _chain(_sheets(), "first"))
    bad = next(p for p in problems if p.column == "depends_on")
    assert (bad.sheet, bad.row) == ("chain_links", 3)
    assert "AGENCY:ref" in bad.message_en and "شماره ترتیب" in bad.message_fa
