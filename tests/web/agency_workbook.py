"""One agency's part of the demo workbook, as its steward would upload it: every sheet keeps
the rows of that agency only (sheets of no single agency keep their headers), plus a new duty,
with or without its legal basis (R-3.1)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from cli.main import DEMO_WORKBOOK

NEW_DUTY = "d-digital-certificates"
NEW_DUTY_FA = "صدور گواهی‌های الکترونیکی ثبت احوال"
LEGAL_BASIS = "قانون ثبت احوال، ماده ۱"


def agency_workbook(path: Path, agency: str, legal_basis: str | None) -> Path:
    """The demo workbook cut to `agency`, with NEW_DUTY added (its legal basis as given)."""
    wb = load_workbook(DEMO_WORKBOOK)
    for ws in wb.worksheets:
        header = [c.value for c in ws[1]]
        column = "code" if ws.title == "agencies" else "agency_code"
        at = header.index(column) if column in header else None
        for row in range(ws.max_row, 1, -1):
            if at is None or ws.cell(row, at + 1).value != agency:
                ws.delete_rows(row)
    duties = wb["duties"]
    header = [c.value for c in duties[1]]
    values = {"agency_code": agency, "ref": NEW_DUTY, "title_fa": NEW_DUTY_FA,
              "title_en": "Issuing electronic civil-registration certificates",
              "legal_basis": legal_basis, "status": "draft"}
    duties.append([values.get(h) for h in header])
    wb.save(path)
    return path


def new_duty_row(path: Path) -> int:
    """The row of NEW_DUTY in the workbook's duties sheet (header is row 1)."""
    ws = load_workbook(path, read_only=True)["duties"]
    for n, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if NEW_DUTY in row:
            return n
    raise AssertionError("the new duty is not in the workbook")
