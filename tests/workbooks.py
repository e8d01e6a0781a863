"""Small workbooks in govcat's template format, built in tests (no binary fixtures)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook

from catalog.registry import Registry
from loaders.submission import read_submission

Sheets = dict[str, list[list[Any]]]


def write_workbook(path: Path, sheets: Sheets) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def two_agencies() -> Sheets:
    """Two agencies with a duty, a service, units, posts and employees each; valid."""
    return {
        "agencies": [
            ["code", "name_fa", "name_en", "kind", "province"],
            ["REG", "سازمان ثبت نمونه", "Sample Registry", "organization", "tehran"],
            ["TAXO", "سازمان مالیات نمونه", "Sample Tax", "organization", "isfahan"],
        ],
        "units": [
            ["id", "agency_code", "name_fa"],
            ["U-REG-1", "REG", "اداره کل ثبت"],
            ["U-TAX-1", "TAXO", "اداره کل مالیات"],
        ],
        "posts": [
            ["id", "unit_id", "title_fa", "agency_code"],
            ["P-REG-1", "U-REG-1", "کارشناس ثبت", "REG"],
            ["P-TAX-1", "U-TAX-1", "کارشناس مالیات", ""],
        ],
        "employees": [
            ["id", "post_id"],
            ["E-REG-1", "P-REG-1"],
            ["E-TAX-1", "P-TAX-1"],
        ],
        "duties": [
            ["agency_code", "ref", "title_fa", "legal_basis", "status", "changed_on"],
            ["REG", "D1", "ثبت وقایع حیاتی", "قانون ثبت احوال، ماده ۱", "draft", "1403/10/08"],
            ["TAXO", "D1", "وصول مالیات", "قانون مالیات‌های مستقیم، ماده ۱", "draft", ""],
        ],
        "services": [
            ["agency_code", "ref", "title_fa", "kind", "duties", "units", "posts", "employees",
             "delivery"],
            ["REG", "S1", "ثبت ولادت", "service", "D1", "U-REG-1", "", "E-REG-1", "electronic"],
            ["TAXO", "S1", "ثبت‌نام مالیاتی", "service", "D1", "", "P-TAX-1", "E-TAX-1",
             "smart"],
        ],
    }


def load_valid(registry: Registry, path: Path, sheets: Sheets) -> None:
    """Write `sheets` as a workbook at `path` and store it; it must hold no problem."""
    sub = read_submission(write_workbook(path, sheets), registry)
    assert sub.problems == [], sub.problems
    registry.apply_checked(sub.changeset)
