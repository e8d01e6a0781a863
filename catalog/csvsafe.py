"""CSV that is safe to open in a spreadsheet (ADR 0011): every CSV govcat writes (query answers,
the monitoring report, SPARQL results) goes through `writer`, so a cell a spreadsheet would run
as a formula is written as text instead.

OWASP's rule for CSV injection: a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
return gets a single quote in front, which Excel and LibreOffice read as "this is text" (and do
not show). The full-width forms of the four signs are treated alike, as some spreadsheets take
them for the ASCII ones. A cell that is just a number (`-5`, `+1.5e3`) is left alone: a
spreadsheet reads it as that number, never as a formula, and quoting it would change the data.
Text stays as stored; only its CSV rendering is neutralized.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, Protocol

__all__ = ["FORMULA_STARTS", "SafeWriter", "neutralize", "writer"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def neutralize(value: Any) -> Any:
    """A cell as a spreadsheet may safely read it: text that would start a formula gets a
    leading `'`; numbers, None and other values are returned as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) \
            and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


class _Writes(Protocol):
    def write(self, s: str, /) -> Any: ...


class SafeWriter:
    """csv.writer whose every cell (header included) goes through `neutralize`."""

    def __init__(self, out: _Writes, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([neutralize(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: _Writes, **options: Any) -> SafeWriter:
    """The one way govcat writes CSV: `csv.writer(out, **options)`, neutralized."""
    return SafeWriter(out, **options)
