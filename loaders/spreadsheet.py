"""Reading a workbook (one sheet per entity) or a folder of CSV files (one file per entity).

Headers may be the English keys or their Persian labels (loaders.schema). Unknown sheets and
columns are errors, not silently dropped: nothing a steward typed may be lost.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from catalog.changeset import Origin
from catalog.model import Record
from catalog.problems import Problem
from loaders.rows import RawRow, cell, to_records
from loaders.schema import SHEET_BY_NAME, SHEETS, Sheet, header_to_key, is_label_row
from loaders.template import README_TITLE

README_SHEETS = {"readme", "راهنما", README_TITLE.lower()}


@dataclass
class Parsed:
    """Records in load order (agencies first) and every problem found while reading."""

    records: list[tuple[Record, Origin]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0


def _problem(source: str, sheet: str | None, en: str, fa: str, **kw: Any) -> Problem:
    return Problem(message_en=en, message_fa=fa, source=source, sheet=sheet, **kw)


def _rows(source: str, spec: Sheet, table: Iterable[tuple[int, list[Any]]],
          problems: list[Problem]) -> Iterator[RawRow]:
    """Header first; then data rows, skipping a Persian label row and blank rows."""
    it = iter(table)
    try:
        _, header = next(it)
    except StopIteration:
        return
    keys: list[str | None] = []
    for h in header:
        text = cell(h)
        key = header_to_key(spec, str(text)) if text is not None else None
        if text is not None and key is None:
            problems.append(_problem(source, spec.name, f"unknown column {text!r}",
                                     f"ستون «{text}» در قالب govcat تعریف نشده است",
                                     row=1, column=str(text)))
        keys.append(key)
    for number, values in it:
        texts = [cell(v) for v in values]
        if all(v is None for v in texts) or is_label_row(spec, texts):
            continue
        data = {k: v for k, v in zip(keys, texts, strict=False) if k is not None}
        yield RawRow(Origin(source, spec.name, number), data)


def _spec(source: str, name: str, problems: list[Problem]) -> Sheet | None:
    spec = SHEET_BY_NAME.get(name.strip()) or SHEET_BY_NAME.get(name.strip().lower())
    if spec is None and name.strip().lower() not in README_SHEETS:
        problems.append(_problem(source, name, f"unknown sheet {name!r}",
                                 f"برگه «{name}» در قالب govcat تعریف نشده است"))
    return spec


def _collect(tables: dict[str, tuple[str, Iterable[tuple[int, list[Any]]]]], parsed: Parsed,
             ) -> Parsed:
    """Tables keyed by sheet key, each (source, rows); parsed in the contract's load order."""
    for spec in SHEETS:
        if spec.name not in tables:
            continue
        source, table = tables[spec.name]
        raws = list(_rows(source, spec, table, parsed.problems))
        parsed.rows += len(raws)
        records, problems = to_records(spec, raws)
        parsed.records += records
        parsed.problems += problems
    return parsed


def read_workbook(path: Path) -> Parsed:
    parsed = Parsed()
    source = path.name
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        tables: dict[str, tuple[str, Iterable[tuple[int, list[Any]]]]] = {}
        for ws in wb.worksheets:
            spec = _spec(source, ws.title, parsed.problems)
            if spec is not None:
                rows = [(i, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True), 1)]
                tables[spec.name] = (source, rows)
        return _collect(tables, parsed)
    finally:
        wb.close()


def read_csv_folder(path: Path) -> Parsed:
    parsed = Parsed()
    tables: dict[str, tuple[str, Iterable[tuple[int, list[Any]]]]] = {}
    for file in sorted(path.glob("*.csv")):
        spec = _spec(file.name, file.stem, parsed.problems)
        if spec is None:
            continue
        with file.open(encoding="utf-8-sig", newline="") as f:  # Excel writes a BOM
            rows = [(i, list(r)) for i, r in enumerate(csv.reader(f), 1)]
        tables[spec.name] = (file.name, rows)
    return _collect(tables, parsed)
