"""Spreadsheet rows to records: headers, required cells, enum labels, and every error at once.

A row whose faults are only in optional cells still becomes a record (without those cells), so
the SHACL check that follows judges the rest of the submission against it rather than
reporting a missing record the steward did register (the submission is refused either way).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from catalog.changeset import Origin
from catalog.iri_check import shown as _shown
from catalog.kinds import by_sheet
from catalog.model import IriError, Record, web_address
from catalog.problems import Problem
from catalog.sheets import Sheet

_FA_BY_TYPE = {
    "missing": "این ستون الزامی است و خالی مانده است",
    "string_pattern_mismatch": "قالب این مقدار درست نیست (فاصله، / ، : یا ; در شناسه مجاز نیست)",
    "string_too_long": "این مقدار بیش از حد بلند است",
    "int_parsing": "این مقدار باید یک عدد صحیح باشد",
    "greater_than_equal": "این عدد کوچک‌تر از حد مجاز است",
    "extra_forbidden": "این ستون در قالب govcat تعریف نشده است",
}


@dataclass(frozen=True)
class RawRow:
    origin: Origin
    values: dict[str, Any]


def cell(value: Any) -> Any:
    """A cell as the models expect it: text, a date, or None for empty."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date | bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def to_record(sheet: Sheet, raw: RawRow) -> tuple[Record | None, list[Problem]]:
    values = {k: v for k, v in raw.values.items() if v is not None}
    problems = _required(sheet, raw, values) + _web_addresses(sheet, raw, values)
    for col in sheet.columns:
        if col.allowed and col.key in values and isinstance(values[col.key], str):
            # A Persian label becomes its key; anything else is left for the model to refuse
            # with the list of allowed values.
            values[col.key] = col.enum_key(values[col.key]) or values[col.key]
    model = by_sheet()[sheet.name].record
    try:
        return model.model_validate(values), problems
    except ValidationError as exc:
        bad = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
        problems += [_problem(raw, e) for e in exc.errors() if not _is_missing_dup(e, problems)]
    required = {c.key for c in sheet.columns if c.required}
    if bad & required:
        return None, problems
    try:  # keep the rest of the row for the checks that follow (see module docstring)
        return model.model_validate({k: v for k, v in values.items() if k not in bad}), problems
    except ValidationError:
        return None, problems


def _required(sheet: Sheet, raw: RawRow, values: dict[str, Any]) -> list[Problem]:
    return [
        Problem(
            message_en=f"required value missing: {c.label_en}",
            message_fa=f"مقدار الزامی «{c.label_fa}» خالی است",
            source=raw.origin.source, sheet=raw.origin.sheet, row=raw.origin.row, column=c.key,
        )
        for c in sheet.columns if c.required and c.key not in values
    ]


def _web_addresses(sheet: Sheet, raw: RawRow, values: dict[str, Any]) -> list[Problem]:
    """Every cell of a `url` column, of any kind (GOVCAT_KINDS' too), is a web address by
    RFC 3987 (ADR 0025); a cell that is not is reported here and kept from the model."""
    found = []
    for col in sheet.columns:
        if col.kind != "url" or col.key not in values:
            continue
        try:
            web_address(values[col.key])
        except IriError as exc:
            del values[col.key]
            found.append(Problem(
                message_en=f"{col.label_en}: {exc.message_en}",
                message_fa=f"{col.label_fa}: {exc.message_fa}",
                source=raw.origin.source, sheet=raw.origin.sheet, row=raw.origin.row,
                column=col.key, requirement=exc.requirement, value=_shown(exc.value)))
    return found


def _is_missing_dup(error: Any, problems: list[Problem]) -> bool:
    loc = str(error["loc"][0]) if error["loc"] else None
    return error["type"] == "missing" and any(p.column == loc for p in problems)


def _problem(raw: RawRow, error: Any) -> Problem:
    column = str(error["loc"][0]) if error["loc"] else None
    cause = (error.get("ctx") or {}).get("error")
    fa = getattr(cause, "message_fa", None) or _FA_BY_TYPE.get(error["type"])
    en = getattr(cause, "message_en", None) or str(error["msg"]).removeprefix("Value error, ")
    value = error.get("input")
    return Problem(
        message_en=en, message_fa=fa or f"مقدار نادرست: {en}",
        source=raw.origin.source, sheet=raw.origin.sheet, row=raw.origin.row, column=column,
        requirement=getattr(cause, "requirement", None),
        value=None if value is None or isinstance(value, dict) else str(value)[:200],
    )


def to_records(
    sheet: Sheet, rows: Iterable[RawRow]
) -> tuple[list[tuple[Record, Origin]], list[Problem]]:
    records: list[tuple[Record, Origin]] = []
    problems: list[Problem] = []
    for raw in rows:
        record, found = to_record(sheet, raw)
        problems += found
        if record is not None:
            records.append((record, raw.origin))
    return records, problems
