"""Loading submissions end to end, on both stores: all-or-nothing, every problem at once
with file, sheet, row and column, idempotent writes (R-3.1, R-4.1, R-4.3, R-20)."""

from __future__ import annotations

from pathlib import Path

from catalog.registry import Registry
from loaders.submission import read_submission
from tests.workbooks import two_agencies, write_workbook


def _store_counts(registry: Registry) -> dict[str, int]:
    return {k: v for k, v in registry.counts().items() if k not in ("Concept", "ConceptScheme")}


def test_valid_workbook_is_stored_and_reloading_changes_nothing(
    registry: Registry, tmp_path: Path
) -> None:
    path = write_workbook(tmp_path / "ok.xlsx", two_agencies())
    sub = read_submission(path, registry)
    assert sub.problems == []
    registry.apply_checked(sub.changeset)
    first = _store_counts(registry)
    assert first["PublicService"] == 2
    assert first["Duty"] == 2
    assert first["PublicOrganisation"] == 2
    exported = registry.export()
    again = read_submission(path, registry)
    assert again.problems == []
    registry.apply_checked(again.changeset)
    assert _store_counts(registry) == first
    assert registry.export().isomorphic(exported)


def test_three_faults_are_all_reported_and_nothing_is_stored(
    registry: Registry, tmp_path: Path
) -> None:
    sheets = two_agencies()
    sheets["services"].append(
        ["REG", "S2", "صدور گواهی", "service", "", "U-REG-1", "", "E-REG-1", "in_person"])
    sheets["posts"].append(["P-REG-2", "U-TAX-1", "کارشناس", "REG"])  # another agency's unit
    sheets["duties"][1][5] = "1403/13/40"  # no 13th month
    path = write_workbook(tmp_path / "bad.xlsx", sheets)

    sub = read_submission(path, registry)

    where = {(p.sheet, p.row, p.column) for p in sub.problems}
    assert ("duties", 2, "changed_on") in where
    assert ("services", 4, "duties") in where
    assert any(p.sheet == "posts" and p.row == 4 for p in sub.problems)
    assert all(p.source == "bad.xlsx" for p in sub.problems)
    assert {p.requirement for p in sub.problems if p.sheet == "services"} >= {"R-4.1"}
    assert _store_counts(registry) == {}


def test_persian_digits_and_letter_variants_are_normalized(
    registry: Registry, tmp_path: Path
) -> None:
    sheets = two_agencies()
    sheets["duties"][1][2] = "ثبت وقايع حياتي"  # Arabic yeh
    sheets["duties"][1][5] = "۱۴۰۳/۱۰/۰۸"  # Persian digits
    sub = read_submission(write_workbook(tmp_path / "fa.xlsx", sheets), registry)
    assert sub.problems == []
    registry.apply_checked(sub.changeset)
    duty = registry.store.describe([registry.iris.owned("duty", "REG", "D1")])[0]
    assert duty.props["title@fa"] == "ثبت وقایع حیاتی"
    assert duty.props["changedOn"] == "2024-12-28"


def test_persian_headers_load_like_english_ones(
    registry: Registry, tmp_path: Path
) -> None:
    from catalog.kinds import sheet_by_name

    sheets = two_agencies()
    persian = {
        name: [[sheet_by_name()[name].column(key).label_fa for key in rows[0]], *rows[1:]]
        for name, rows in sheets.items()
    }
    sub = read_submission(write_workbook(tmp_path / "fa-headers.xlsx", persian), registry)
    assert sub.problems == []
    english = read_submission(write_workbook(tmp_path / "en.xlsx", sheets), registry)
    assert sub.changeset.graph.isomorphic(english.changeset.graph)


def test_a_broken_turtle_file_is_a_problem_not_a_crash(registry: Registry,
                                                       tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text("@prefix gc: <https://w3id.org/govcat/ns#> .\n<a> gc:ref \"x ;\n",
                    encoding="utf-8")
    sub = read_submission(path, registry)
    assert len(sub.problems) == 1 and sub.problems[0].source == "broken.ttl"
    assert "cannot be read as RDF" in sub.problems[0].message_en
