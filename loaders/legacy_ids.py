"""A file of legacy identifiers (R-4.2, ADR 0015): a UTF-8 CSV with the columns `record`
(`AGENCY:ref` or an IRI), `scheme` and `identifier`, or their Persian labels."""

from __future__ import annotations

import csv
from pathlib import Path

from catalog.changeset import Origin
from catalog.legacy import LegacyRow
from catalog.text import normalize_fa

COLUMNS = {"record": ("record", "رکورد", "خدمت"), "scheme": ("scheme", "طرح"),
           "identifier": ("identifier", "شناسه")}


def read_legacy_csv(path: Path) -> list[LegacyRow]:
    """The rows of the file; ValueError naming what is missing."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = [normalize_fa(h).strip().lower() for h in next(reader, [])]
        where = {key: next((i for i, h in enumerate(header) if h in names), None)
                 for key, names in COLUMNS.items()}
        missing = [k for k, i in where.items() if i is None]
        if missing:
            raise ValueError(f"missing column(s) {', '.join(missing)} (ستون‌های لازم نیامده)")
        rows = []
        for n, line in enumerate(reader, start=2):
            if not any(c.strip() for c in line):
                continue
            cells = {k: (line[i].strip() if i is not None and i < len(line) else "")
                     for k, i in where.items()}
            rows.append(LegacyRow(cells["record"], cells["scheme"], cells["identifier"],
                                  Origin(path.name, row=n)))
        return rows
