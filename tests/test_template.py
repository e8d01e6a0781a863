"""loaders.template and the contract it is written from (catalog.sheets, catalog.kinds)."""

from __future__ import annotations

import re

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from catalog.kinds import sheet_by_name, sheet_for, sheets
from catalog.sheets import (
    CHAIN_LINKS,
    DATASETS,
    DUTIES,
    SERVICES,
    CellError,
    Sheet,
    header_to_key,
    is_label_row,
    split_list,
    split_ref,
)
from catalog.text import ZWNJ, normalize_fa
from loaders.template import FIRST_DATA_ROW, LISTS_TITLE, README_TITLE, write_template

LOAD_ORDER = [
    "agencies", "units", "posts", "employees", "duties", "services", "information_systems",
    "datasets", "data_flows", "chains", "chain_links", "improvement_plans", "plan_indicators",
    "plan_actions",
]  # fmt: skip
PERSIAN_LETTER = re.compile("[\u0621-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc]")


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Workbook:
    path = tmp_path_factory.mktemp("template") / "govcat.xlsx"
    write_template(path)
    return load_workbook(path)


def _row(ws: Worksheet, row: int) -> list[object]:
    return [c.value for c in ws[row]]


# ------------------------------------------------------------------------------- template


def test_readme_comes_first_then_every_sheet_in_load_order(workbook: Workbook) -> None:
    """The hidden sheet of long drop-down lists comes last (R-10.1's frequencies)."""
    assert workbook.sheetnames == [README_TITLE, *LOAD_ORDER, LISTS_TITLE]
    assert workbook[LISTS_TITLE].sheet_state == "hidden"
    assert sheet_for(README_TITLE) is None and sheet_for(LISTS_TITLE) is None  # loaders skip


@pytest.mark.parametrize("sheet", sheets(), ids=lambda s: s.name)
def test_row_1_holds_every_key(workbook: Workbook, sheet: Sheet) -> None:
    ws = workbook[sheet.name]
    assert _row(ws, 1) == list(sheet.keys)
    assert [header_to_key(sheet, v) for v in _row(ws, 1)] == list(sheet.keys)
    assert not is_label_row(sheet, _row(ws, 1))


@pytest.mark.parametrize("sheet", sheets(), ids=lambda s: s.name)
def test_row_2_is_a_recognized_label_row(workbook: Workbook, sheet: Sheet) -> None:
    ws = workbook[sheet.name]
    labels = _row(ws, 2)
    assert is_label_row(sheet, labels)
    assert [header_to_key(sheet, v) for v in labels] == list(sheet.keys)


@pytest.mark.parametrize("sheet", sheets(), ids=lambda s: s.name)
def test_no_data_rows_and_headers_frozen_rtl(workbook: Workbook, sheet: Sheet) -> None:
    ws = workbook[sheet.name]
    assert ws.max_row == FIRST_DATA_ROW - 1
    assert ws.freeze_panes == "A3"
    assert ws.sheet_view.rightToLeft is True


@pytest.mark.parametrize("sheet", sheets(), ids=lambda s: s.name)
def test_required_columns_are_marked_and_every_label_explained(
    workbook: Workbook, sheet: Sheet
) -> None:
    ws = workbook[sheet.name]
    for index, column in enumerate(sheet.columns, start=1):
        cell = ws.cell(2, index)
        assert str(cell.value).endswith("*") == column.required
        assert bool(cell.font.b) == column.required
        assert cell.comment is not None
        assert column.description_fa in cell.comment.text
        assert column.description_en in cell.comment.text
        if column.example:
            assert column.example in cell.comment.text
        for key, label in column.choices():
            assert key in cell.comment.text and label in cell.comment.text


def _validation_formula(ws: Worksheet, letter: str) -> str | None:
    for dv in ws.data_validations.dataValidation:
        if dv.type == "list" and f"{letter}{FIRST_DATA_ROW}" in dv.sqref:
            return str(dv.formula1)
    return None


def _offered(workbook: Workbook, formula: str) -> list[str]:
    """The values a list validation offers: inline ("a,b"), or a range of the lists sheet."""
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    sheet, _, cells = formula.partition("!")
    assert sheet.strip("'") == LISTS_TITLE, formula
    return [str(c.value) for row in workbook[LISTS_TITLE][cells.replace("$", "")]
            for c in row]


@pytest.mark.parametrize("sheet", sheets(), ids=lambda s: s.name)
def test_enum_columns_have_drop_downs(workbook: Workbook, sheet: Sheet) -> None:
    ws = workbook[sheet.name]
    for index, column in enumerate(sheet.columns, start=1):
        formula = _validation_formula(ws, get_column_letter(index))
        if not column.allowed:
            assert formula is None, column.key
            continue
        assert formula is not None, column.key
        offered = _offered(workbook, formula)
        assert set(offered) == set(column.allowed) | set(column.allowed_fa)
        assert all(column.parse_enum(value) in column.allowed for value in offered)


def test_readme_documents_rules_sheets_and_examples(workbook: Workbook) -> None:
    text = "\n".join(
        str(v) for row in workbook[README_TITLE].iter_rows(values_only=True) for v in row if v
    )
    for phrase in ("AGENCY_CODE:ref", "1403/10/08", "2025-12-28", ";", "؛", "ارجاع", "تاریخ"):
        assert phrase in text
    for sheet in sheets():
        assert sheet.label_fa in text and sheet.description_en in text
        for column in sheet.columns:
            assert column.description_fa in text
            if column.example:
                assert column.example in text


# --------------------------------------------------------------------------------- schema


def test_sheets_are_in_load_order_and_found_by_either_name() -> None:
    assert [s.name for s in sheets()] == LOAD_ORDER
    for sheet in sheets():
        assert sheet_by_name()[sheet.name] is sheet
        assert sheet_by_name()[sheet.label_fa] is sheet
        assert sheet_for(sheet.label_fa.replace(ZWNJ, " ")) is sheet
    assert sheet_for("Data Flows") is sheet_by_name()["data_flows"]
    assert sheet_for("no such sheet") is None


def test_references_point_backwards_in_load_order() -> None:
    position = {name: i for i, name in enumerate(LOAD_ORDER)}
    for sheet in sheets():
        for column in sheet.columns:
            if column.kind in ("ref", "ref_list"):
                assert column.target in position, (sheet.name, column.key)
                assert position[column.target] <= position[sheet.name], (sheet.name, column.key)


def test_labels_are_normalized_persian_and_unique() -> None:
    for sheet in sheets():
        assert PERSIAN_LETTER.search(sheet.label_fa)
        labels = [c.label_fa for c in sheet.columns]
        assert len(set(labels)) == len(labels), sheet.name
        for text in (sheet.label_fa, *labels, *(fa for c in sheet.columns for fa in c.allowed_fa)):
            assert normalize_fa(text) == text
            assert PERSIAN_LETTER.search(text), text


def test_required_columns_match_the_contract() -> None:
    required = {s.name: set(s.required_keys) for s in sheets()}
    assert required == {
        "agencies": {"code", "name_fa", "kind"},
        "units": {"id", "agency_code", "name_fa"},
        "posts": {"id", "unit_id", "title_fa"},
        "employees": {"id", "post_id"},
        "duties": {"agency_code", "ref", "title_fa", "legal_basis"},
        "services": {"agency_code", "ref", "title_fa", "kind", "duties"},
        "information_systems": {"agency_code", "ref", "name_fa"},
        "datasets": {"agency_code", "ref", "title_fa", "information_system"},
        "data_flows": {"from_system", "to_system", "dataset"},
        "chains": {"ref", "title_fa", "final_service"},
        "chain_links": {"chain_ref", "order", "service"},
        "improvement_plans": {"agency_code", "ref", "title_fa", "goals_fa", "service"},
        "plan_indicators": {"agency_code", "plan", "ref", "title_fa", "unit_fa", "baseline",
                            "target", "direction"},
        "plan_actions": {"agency_code", "plan", "ref", "title_fa", "start", "due",
                         "approaches"},
    }


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("title_fa", "title_fa"),
        ("TITLE_FA", "title_fa"),
        ("Title_Fa", "title_fa"),
        ("عنوان فارسی", "title_fa"),
        ("عنوان فارسی *", "title_fa"),
        ("  عنوان   فارسی*", "title_fa"),
        ("Title (Persian)", "title_fa"),
        ("پست‌های ارائه‌دهنده", "posts"),
        ("پست های ارائه دهنده", "posts"),
        ("پستهای ارائهدهنده", "posts"),
        ("سطح ارائه", "delivery"),
        ("Legacy ID", "legacy_id"),
        ("unknown", None),
        ("", None),
        (None, None),
    ],
)
def test_header_to_key(header: object, expected: str | None) -> None:
    assert header_to_key(SERVICES, header) == expected
    assert header_to_key(sheet_for("خدمات"), header) == expected


def test_is_label_row_rejects_data_and_empty_rows() -> None:
    assert not is_label_row(DUTIES, ["NOCR", "D-01", "ثبت ولادت", None, "قانون ثبت احوال"])
    assert not is_label_row(DUTIES, [None, "", "  "])
    assert is_label_row(DUTIES, ["کد دستگاه *", None, "عنوان فارسی"])
    assert is_label_row(DUTIES, ["Agency code", "Duty reference"])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("electronic", "electronic"),
        ("Electronic", "electronic"),
        ("الکترونیکی", "electronic"),
        ("in_person", "in_person"),
        ("In person", "in_person"),
        ("in-person", "in_person"),
        ("حضوری", "in_person"),
        (" هوشمند ", "smart"),
    ],
)
def test_parse_enum_accepts_keys_and_persian_labels(value: str, expected: str) -> None:
    assert SERVICES.column("delivery").parse_enum(value) == expected


def test_parse_enum_tolerates_spelling_variants() -> None:
    status = DUTIES.column("status")
    assert status.parse_enum("ارسال شده") == "submitted"
    assert status.parse_enum("ارسالشده") == "submitted"
    assert status.parse_enum("تاييدشده") == "approved"  # Arabic yeh, no hamza
    kind = sheet_by_name()["agencies"].column("kind")
    assert kind.parse_enum("موسسه یا نهاد عمومی") == "institution"


def test_parse_enum_refuses_other_values_in_both_languages() -> None:
    with pytest.raises(CellError) as info:
        SERVICES.column("kind").parse_enum("خدمات")
    assert isinstance(info.value, ValueError)
    assert "service" in info.value.message_en
    assert "خدمت" in info.value.message_fa and "استعلام" in info.value.message_fa
    assert SERVICES.column("kind").enum_key("خدمات") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("yes", True), ("بله", True), ("بلی", True), ("1", True), ("No", False), ("خیر", False)],
)
def test_parse_bool(value: str, expected: bool) -> None:
    assert DATASETS.column("personal_data").parse_bool(value) is expected


def test_split_list_accepts_both_semicolons() -> None:
    assert split_list("D-01; MOI:D-07 ;;") == ("D-01", "MOI:D-07")
    assert split_list("D-01؛D-02") == ("D-01", "D-02")
    assert split_list("قانون ثبت احوال، ماده ۱") == ("قانون ثبت احوال، ماده 1",)
    assert split_list("  ") == ()


def test_split_ref() -> None:
    assert split_ref("D-01") == (None, "D-01")
    assert split_ref(" MOI : D-۰۷ ") == ("MOI", "D-07")
    for bad in ("MOI:", ":D-07", "A:B:C", ""):
        with pytest.raises(CellError):
            split_ref(bad)


def test_columns_say_how_references_resolve() -> None:
    assert SERVICES.column("duties").ref_scope == "agency"
    assert SERVICES.column("units").ref_scope == "national"
    assert CHAIN_LINKS.column("service").ref_scope == "qualified"
    assert CHAIN_LINKS.column("depends_on").ref_scope == "chain"
    with pytest.raises(KeyError):
        SERVICES.column("nope")
