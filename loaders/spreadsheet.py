"""Reading a workbook (one sheet per entity) or a folder of CSV files (one file per entity).

Headers may be the English keys or their Persian labels (catalog.sheets). Unknown sheets and
columns are errors, not silently dropped: nothing a steward typed may be lost.

A file that cannot be read is a problem of the submission, never a crash (ADR 0011). A workbook
is a zip of XML: before openpyxl opens it, its zip directory is checked (how many parts, what
they inflate to, how much more than they take: a zip bomb is refused unread, and Python's
zipfile never inflates a part past the size it declares) and no part may declare a DTD (no
entity expansion, "billion laughs", and no external entities). CSV files must be UTF-8.
Formulas are never evaluated: a cell gives the value the spreadsheet program saved with it.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

from openpyxl import load_workbook

from catalog.changeset import Origin
from catalog.kinds import sheet_by_name, sheets
from catalog.model import Record
from catalog.problems import Problem
from catalog.sheets import Sheet, header_to_key, is_label_row
from loaders.rows import RawRow, cell, to_records
from loaders.template import LISTS_TITLE, README_TITLE

README_SHEETS = {"readme", "راهنما", README_TITLE.lower(), LISTS_TITLE.lower()}

# What a workbook may be before anything in it is inflated. A workbook of 100,000 services is
# about 75 MiB inflated and its parts inflate 6-13 times (bench/RESULTS.md, robustness).
MAX_PARTS = 10_000
MAX_INFLATED = 256 * 2**20  # all parts together
MAX_RATIO = 100  # a part of more than RATIO_FLOOR bytes may inflate at most this many times
RATIO_FLOOR = 2**20
_EOCD = b"PK\x05\x06"  # the zip's end-of-directory record: entry count at offset 10


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
    first = True  # only the first row under the keys may be the label row
    for number, values in it:
        texts = [cell(v) for v in values]
        if all(v is None for v in texts):
            continue
        if first:
            first = False
            if is_label_row(spec, texts):
                continue
        data = {k: v for k, v in zip(keys, texts, strict=False) if k is not None}
        yield RawRow(Origin(source, spec.name, number), data)


def _spec(source: str, name: str, problems: list[Problem]) -> Sheet | None:
    spec = sheet_by_name().get(name.strip()) or sheet_by_name().get(name.strip().lower())
    if spec is None and name.strip().lower() not in README_SHEETS:
        problems.append(_problem(source, name, f"unknown sheet {name!r}",
                                 f"برگه «{name}» در قالب govcat تعریف نشده است"))
    return spec


def _collect(tables: dict[str, tuple[str, Iterable[tuple[int, list[Any]]]]], parsed: Parsed,
             ) -> Parsed:
    """Tables keyed by sheet key, each (source, rows); parsed in the contract's load order."""
    for spec in sheets():
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
    refused = unsafe_workbook(path)
    if refused is not None:
        parsed.problems.append(refused)
        return parsed
    tables: dict[str, tuple[str, Iterable[tuple[int, list[Any]]]]] = {}
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            for ws in wb.worksheets:
                spec = _spec(source, ws.title, parsed.problems)
                if spec is not None:
                    # Read-only mode trusts the sheet's <dimension>; a stale one (other
                    # programs write them) would silently cut rows and columns off.
                    ws.reset_dimensions()
                    rows = [(i, list(r))
                            for i, r in enumerate(ws.iter_rows(values_only=True), 1)]
                    tables[spec.name] = (source, rows)
        finally:
            wb.close()
    # openpyxl meets a damaged file with whatever its parsers raise (zip, XML, KeyError for a
    # missing part, ValueError, TypeError …): each means the same to the steward.
    except Exception as exc:
        parsed.problems.append(_problem(
            source, None, f"the file is not a readable .xlsx workbook (damaged, truncated or "
            f"another format; {type(exc).__name__}): save it again from the spreadsheet program",
            "پرونده کاربرگ xlsx خوانا نیست (آسیب‌دیده، ناقص یا در قالبی دیگر)؛ آن را دوباره از "
            "برنامه صفحه‌گسترده ذخیره کنید"))
        return parsed
    return _collect(tables, parsed)


def unsafe_workbook(path: Path) -> Problem | None:
    """Why a workbook may not be opened (a problem), or None: its zip directory holds too many
    parts, parts that inflate past the limits or with another method than deflate, encrypted
    parts, or an XML part declares a DTD. Nothing is inflated but each XML part's prolog."""
    source = path.name

    def refuse(en: str, fa: str) -> Problem:
        return _problem(source, None, en, fa)

    not_zip = refuse("the file is not an .xlsx workbook (not a zip archive)",
                     "پرونده کاربرگ xlsx نیست (بایگانی zip نیست)")
    try:
        declared = _declared_parts(path)
        if declared is None:
            return not_zip
        if declared > MAX_PARTS:
            return _too_many_parts(refuse)
        with zipfile.ZipFile(path) as z:
            return _unsafe_parts(z, refuse)
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError,
            zlib.error, NotImplementedError):
        return not_zip


_Refuse = Callable[[str, str], Problem]


def _declared_parts(path: Path) -> int | None:
    """How many parts the zip's end record declares, read from the file's tail; None when it
    has no end record (not a zip archive)."""
    with path.open("rb") as f:
        f.seek(0, 2)
        f.seek(max(0, f.tell() - 65_557))  # the end record and the longest zip comment
        tail = f.read()
    end = tail.rfind(_EOCD)
    if end < 0 or len(tail) < end + 12:
        return None
    return int.from_bytes(tail[end + 10:end + 12], "little")


def _too_many_parts(refuse: _Refuse) -> Problem:
    return refuse(f"the workbook has more than {MAX_PARTS:,} parts",
                  f"کاربرگ بیش از {MAX_PARTS:,} بخش دارد")


def _unsafe_parts(z: zipfile.ZipFile, refuse: _Refuse) -> Problem | None:
    """The zip directory's limits, then each part's, then each XML part's prolog."""
    parts = z.infolist()
    if len(parts) > MAX_PARTS:
        return _too_many_parts(refuse)
    inflated = sum(p.file_size for p in parts)
    if inflated > MAX_INFLATED:
        return refuse(
            f"the workbook would inflate to {inflated / 2**20:,.0f} MiB, more than "
            f"{MAX_INFLATED // 2**20} MiB: split it into several files",
            f"کاربرگ پس از گشودن {inflated / 2**20:,.0f} مگابایت می‌شود، بیش از "
            f"{MAX_INFLATED // 2**20} مگابایت؛ آن را به چند پرونده بخش کنید")
    for p in parts:
        found = _unsafe_part(p, refuse)
        if found is not None:
            return found
    for p in parts:
        if _declares_dtd(z, p):
            return refuse(
                f"part {p.filename!r} declares a DTD (entities); workbooks never do",
                f"بخش «{p.filename}» DTD (موجودیت XML) دارد؛ کاربرگ‌ها چنین ندارند")
    return None


def _unsafe_part(p: zipfile.ZipInfo, refuse: _Refuse) -> Problem | None:
    """An encrypted part, one compressed otherwise than .xlsx parts are, or a zip bomb."""
    if p.flag_bits & 0x41:  # encrypted, or "strong" encryption
        return refuse("the workbook is encrypted: save it without a password",
                      "کاربرگ رمزگذاری شده است؛ آن را بدون گذرواژه ذخیره کنید")
    if p.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return refuse(f"part {p.filename!r} is compressed in a way .xlsx files "
                      "never are", f"بخش «{p.filename}» به روشی فشرده شده که در "
                      "کاربرگ‌های xlsx به کار نمی‌رود")
    if p.file_size > RATIO_FLOOR and p.file_size > MAX_RATIO * p.compress_size:
        return refuse(
            f"part {p.filename!r} inflates {p.file_size // max(p.compress_size, 1):,}"
            f" times (a zip bomb?): more than {MAX_RATIO} times is refused",
            f"بخش «{p.filename}» بیش از {MAX_RATIO} برابر باز می‌شود (بمب zip؟)؛ "
            "پذیرفته نیست")
    return None


class _PrologEnd(Exception):
    pass


def _declares_dtd(z: zipfile.ZipFile, part: zipfile.ZipInfo) -> bool:
    """Whether an XML part declares a DTD: expat reads the part only up to its root element
    (a DTD can come only before it). A part that is not XML says no; openpyxl judges it."""
    found = []

    def doctype(*_: Any) -> None:
        found.append(True)
        raise _PrologEnd

    def root(*_: Any) -> None:
        raise _PrologEnd

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = root
    try:
        with z.open(part) as f:
            while chunk := f.read(65_536):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _PrologEnd:
        pass
    except (expat.ExpatError, zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError,
            NotImplementedError):
        pass  # not XML, or damaged: openpyxl refuses it, and it declares no DTD we could use
    return bool(found)


def read_csv_folder(path: Path) -> Parsed:
    parsed = Parsed()
    tables: dict[str, tuple[str, Iterable[tuple[int, list[Any]]]]] = {}
    for file in sorted(path.glob("*.csv")):
        spec = _spec(file.name, file.stem, parsed.problems)
        if spec is None:
            continue
        rows = _csv_rows(file, parsed.problems)
        if rows is not None:
            tables[spec.name] = (file.name, rows)
    return _collect(tables, parsed)


def _csv_rows(file: Path, problems: list[Problem]) -> list[tuple[int, list[Any]]] | None:
    """A CSV file's rows, or None with a problem: it must be UTF-8 (Excel's "CSV UTF-8"; a BOM
    is fine) and no cell may be larger than the csv module's limit (128 KiB)."""
    data = file.read_bytes()
    try:
        if b"\x00" in data:  # UTF-16 or UTF-32 without a BOM can pass for UTF-8 otherwise
            raise UnicodeDecodeError("utf-8", data, data.index(b"\x00"),
                                     data.index(b"\x00") + 1, "NUL byte")
        text = data.decode("utf-8-sig")  # Excel writes a BOM
    except UnicodeDecodeError as exc:
        was = ("UTF-32" if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"))
               else "UTF-16" if data.startswith((b"\xff\xfe", b"\xfe\xff"))
               else "UTF-16 or UTF-32" if b"\x00" in data
               else "another encoding, e.g. Windows-1256")
        problems.append(_problem(
            file.name, file.stem, f"the file is not UTF-8 text (it looks like {was}; byte "
            f"{exc.start}): save it as «CSV UTF-8»",
            "پرونده متن UTF-8 نیست؛ آن را با قالب «CSV UTF-8» ذخیره کنید"))
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return [(i, list(r)) for i, r in enumerate(reader, 1)]
    except csv.Error as exc:
        problems.append(_problem(
            file.name, file.stem, f"the file cannot be read as CSV: {exc}",
            "پرونده به‌صورت CSV خوانده نشد (خانه‌ای بسیار بزرگ یا نویسه‌ای نادرست)",
            row=reader.line_num))
        return None
