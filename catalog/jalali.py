"""Solar Hijri (Jalali) dates: parsing, formatting and deadline arithmetic.

The regulation states its dates and deadlines in the Solar Hijri calendar ("within one month",
R-3.1, R-4.1, R-5.5; "within 10 days", R-3.3, R-19), and agencies type dates either way. Dates
are stored as Gregorian ``datetime.date`` and converted with jdatetime, which implements the
official calendar; nothing here hand-rolls calendar rules except the month lengths that follow
from jdatetime's own leap-year answer.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import jdatetime

from catalog.text import normalize_fa

__all__ = [
    "DateError",
    "JALALI_YEAR_LIMIT",
    "add_days",
    "add_months",
    "days_in_month",
    "is_leap_year",
    "parse_date",
    "to_jalali_str",
]

# A four-digit year below this is Solar Hijri (today ≈ 1404), at or above it Gregorian (≈ 2025).
# The two ranges cannot meet for any date an agency would record.
JALALI_YEAR_LIMIT = 1700

MONTHS_FA = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)  # fmt: skip

# Year first, then month and day, with one separator kind used throughout (\2 back-reference).
_DATE_RE = re.compile(r"^(\d{4})\s*([/-])\s*(\d{1,2})\s*\2\s*(\d{1,2})$")
_TO_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


class DateError(ValueError):
    """A date that cannot be parsed or does not exist, explained in English and in Persian."""

    def __init__(self, message_en: str, message_fa: str, value: object = None) -> None:
        super().__init__(f"{message_en} | {message_fa}")
        self.message_en = message_en
        self.message_fa = message_fa
        self.value = value


def _fa_digits(text: object) -> str:
    return str(text).translate(_TO_PERSIAN_DIGITS)


def is_leap_year(jalali_year: int) -> bool:
    """Whether a Solar Hijri year has 30 days in Esfand, as jdatetime computes it."""
    return bool(jdatetime.date(jalali_year, 1, 1).isleap())


def days_in_month(jalali_year: int, jalali_month: int) -> int:
    """Length of a Solar Hijri month: 31 for the first six, 30 for the next five, Esfand 29/30."""
    if jalali_month <= 6:
        return 31
    if jalali_month <= 11:
        return 30
    return 30 if is_leap_year(jalali_year) else 29


def _malformed(value: object) -> DateError:
    return DateError(
        f"Malformed date {value!r}: expected YYYY/MM/DD (Solar Hijri, e.g. 1403/10/08) "
        "or YYYY-MM-DD (ISO, e.g. 2025-12-28)",
        f"تاریخ «{value}» نامعتبر است: قالب درست سال/ماه/روز است، "
        "مانند ۱۴۰۳/۱۰/۰۸ (هجری شمسی) یا 2025-12-28 (میلادی)",
        value,
    )


def _jalali(year: int, month: int, day: int, raw: object) -> date:
    """Gregorian date of a Solar Hijri date, with a bilingual error naming what is wrong."""
    if not 1 <= year < JALALI_YEAR_LIMIT:
        raise DateError(
            f"Solar Hijri year {year} is out of range in {raw!r}",
            f"سال {_fa_digits(year)} در تاریخ «{raw}» خارج از محدوده است",
            raw,
        )
    if not 1 <= month <= 12:
        raise DateError(
            f"Month {month} does not exist in {raw!r}: Solar Hijri months are 1 to 12",
            f"ماه {_fa_digits(month)} در تاریخ «{raw}» وجود ندارد؛ ماه باید بین ۱ و ۱۲ باشد",
            raw,
        )
    length = days_in_month(year, month)
    if not 1 <= day <= length:
        raise DateError(
            f"Day {day} does not exist in {raw!r}: month {month} of {year} has {length} days",
            f"روز {_fa_digits(day)} در تاریخ «{raw}» وجود ندارد؛ "
            f"{MONTHS_FA[month - 1]} {_fa_digits(year)} {_fa_digits(length)} روز دارد",
            raw,
        )
    return _togregorian(jdatetime.date(year, month, day))


def _togregorian(j: jdatetime.date) -> date:
    # jdatetime ships no type hints; pin the type at this one boundary.
    result: date = j.togregorian()
    return result


def _gregorian(year: int, month: int, day: int, raw: object) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DateError(
            f"Gregorian date {raw!r} does not exist ({exc})",
            f"تاریخ میلادی «{raw}» وجود ندارد (ماه یا روز نادرست است)",
            raw,
        ) from exc


def parse_date(value: str | date | datetime) -> date:
    """A ``date`` from a Solar Hijri or ISO string, or from a date/datetime (e.g. an XLSX cell).

    Accepts ``1403/10/08``, ``1403-10-08``, ``2025-12-28``, ``2025/12/28``, in ASCII, Persian or
    Arabic-Indic digits. Years below 1700 are Solar Hijri. Raises DateError (a ValueError).
    """
    # datetime is a subclass of date, so it must be tested first to drop the time part.
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise _malformed(value)
    match = _DATE_RE.match(normalize_fa(value))
    if match is None:
        raise _malformed(value)
    year, month, day = (int(match.group(i)) for i in (1, 3, 4))
    if year < JALALI_YEAR_LIMIT:
        return _jalali(year, month, day, value)
    return _gregorian(year, month, day, value)


def _to_jdate(d: date) -> jdatetime.date:
    if isinstance(d, datetime):
        d = d.date()
    try:
        return jdatetime.date.fromgregorian(date=d)
    except ValueError as exc:
        raise DateError(
            f"Date {d.isoformat()} is outside the Solar Hijri calendar's range",
            f"تاریخ {d.isoformat()} خارج از محدوده تقویم هجری شمسی است",
            d,
        ) from exc


def to_jalali_str(d: date, persian_digits: bool = False) -> str:
    """``YYYY/MM/DD`` in the Solar Hijri calendar, zero-padded; Persian digits on request."""
    j = _to_jdate(d)
    text = f"{j.year:04d}/{j.month:02d}/{j.day:02d}"
    return _fa_digits(text) if persian_digits else text


def add_months(d: date, n: int) -> date:
    """``d`` plus ``n`` Solar Hijri months (n may be negative), clamped to the month's end.

    Deadlines such as "within one month" (R-3.1) are calendar months in the Solar Hijri
    calendar: 1403/06/31 + 1 month is 1403/07/30 because Mehr has only 30 days.
    """
    j = _to_jdate(d)
    year, month0 = divmod(j.year * 12 + (j.month - 1) + n, 12)
    if not 1 <= year <= jdatetime.MAXYEAR:
        raise DateError(
            f"Adding {n} months to {d.isoformat()} leaves the supported calendar range",
            f"افزودن {_fa_digits(n)} ماه به تاریخ {to_jalali_str(d, True)} "
            "از محدوده تقویم خارج می‌شود",
            d,
        )
    day = min(j.day, days_in_month(year, month0 + 1))
    return _togregorian(jdatetime.date(year, month0 + 1, day))


def add_days(d: date, n: int) -> date:
    """``d`` plus ``n`` days (R-3.3's "within 10 days").

    A day is the same length in both calendars, so this is plain date arithmetic; it exists so
    deadline code reads the same whichever unit the regulation uses.
    """
    if isinstance(d, datetime):
        d = d.date()
    return d + timedelta(days=n)
