"""catalog.jalali: Solar Hijri parsing, formatting and deadline arithmetic."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import jdatetime
import pytest

from catalog.jalali import (
    DateError,
    add_days,
    add_months,
    days_in_month,
    is_leap_year,
    parse_date,
    to_jalali_str,
)


def _leap(year: int) -> bool:
    """The leap-year answer from jdatetime itself, not from a belief about the calendar."""
    return bool(jdatetime.date(year, 1, 1).isleap())


def j(text: str) -> date:
    return parse_date(text)


# ------------------------------------------------------------------------------ parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1403/10/08", date(2024, 12, 28)),  # the regulation's own date
        ("1403-10-08", date(2024, 12, 28)),
        ("۱۴۰۳/۱۰/۰۸", date(2024, 12, 28)),
        ("١٤٠٣/١٠/٠٨", date(2024, 12, 28)),
        (" 1403 / 10 / 08 ", date(2024, 12, 28)),
        ("1403/1/1", date(2024, 3, 20)),  # Nowruz 1403
        ("1403/01/01", date(2024, 3, 20)),
        ("1404/02/26", date(2025, 5, 16)),
        ("2025-12-28", date(2025, 12, 28)),
        ("2025/12/28", date(2025, 12, 28)),
        ("۲۰۲۵-۱۲-۲۸", date(2025, 12, 28)),
    ],
)
def test_parse_date_accepts_jalali_and_iso(text: str, expected: date) -> None:
    assert parse_date(text) == expected


def test_parse_date_passes_dates_through_and_drops_time() -> None:
    assert parse_date(date(2024, 12, 28)) == date(2024, 12, 28)
    result = parse_date(datetime(2024, 12, 28, 13, 45))
    assert result == date(2024, 12, 28)
    assert type(result) is date


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "1403/10",
        "08/10/1403",  # day first is ambiguous, so refused
        "1403/10-08",  # mixed separators
        "1403.10.08",
        "03/10/08",  # two-digit year
        "1403/10/08/1",
    ],
)
def test_malformed_dates_are_refused_in_both_languages(text: str) -> None:
    with pytest.raises(DateError) as info:
        parse_date(text)
    assert isinstance(info.value, ValueError)
    assert "YYYY" in info.value.message_en
    assert "تاریخ" in info.value.message_fa


@pytest.mark.parametrize(
    "text",
    ["1403/13/01", "1403/00/10", "1403/07/31", "1403/12/31", "1403/05/00", "0000/01/01"],
)
def test_impossible_jalali_dates_are_refused(text: str) -> None:
    with pytest.raises(DateError) as info:
        parse_date(text)
    assert info.value.message_en and info.value.message_fa
    assert text in str(info.value)


def test_impossible_gregorian_date_is_refused() -> None:
    with pytest.raises(DateError, match="2025-02-29"):
        parse_date("2025-02-29")


def test_day_error_names_the_month_length_in_persian() -> None:
    with pytest.raises(DateError) as info:
        parse_date("1403/07/31")
    assert "مهر" in info.value.message_fa
    assert "۳۰" in info.value.message_fa
    assert "30 days" in info.value.message_en


@pytest.mark.parametrize("year", [1399, 1402, 1403, 1404, 1407, 1408])
def test_esfand_30_exists_only_in_leap_years(year: int) -> None:
    assert is_leap_year(year) == _leap(year)
    assert days_in_month(year, 12) == (30 if _leap(year) else 29)
    if _leap(year):
        esfand_30 = parse_date(f"{year}/12/30")
        assert to_jalali_str(esfand_30 + timedelta(days=1)) == f"{year + 1}/01/01"
    else:
        with pytest.raises(DateError):
            parse_date(f"{year}/12/30")


def test_leap_years_exist_in_the_checked_range() -> None:
    # Guards the test above against a jdatetime that answered the same for every year.
    answers = {_leap(y) for y in range(1399, 1410)}
    assert answers == {True, False}


def test_month_lengths() -> None:
    assert [days_in_month(1404, m) for m in range(1, 12)] == [31] * 6 + [30] * 5


# --------------------------------------------------------------------------- to_jalali_str


def test_to_jalali_str() -> None:
    assert to_jalali_str(date(2024, 12, 28)) == "1403/10/08"
    assert to_jalali_str(date(2024, 3, 20)) == "1403/01/01"
    assert to_jalali_str(date(2024, 12, 28), persian_digits=True) == "۱۴۰۳/۱۰/۰۸"
    assert to_jalali_str(datetime(2024, 12, 28, 23, 59)) == "1403/10/08"


def test_round_trip_every_day_of_two_years() -> None:
    day = date(2024, 3, 1)
    while day < date(2026, 3, 31):
        text = to_jalali_str(day)
        assert parse_date(text) == day
        assert parse_date(to_jalali_str(day, persian_digits=True)) == day
        assert to_jalali_str(parse_date(text)) == text
        day += timedelta(days=1)


def test_date_before_the_calendar_is_refused() -> None:
    with pytest.raises(DateError):
        to_jalali_str(date(100, 1, 1))


# ------------------------------------------------------------------------------ add_months


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("1403/10/08", 1, "1403/11/08"),
        ("1403/06/31", 1, "1403/07/30"),  # Mehr has 30 days: clamp
        ("1403/01/31", 6, "1403/07/30"),
        ("1403/06/30", 1, "1403/07/30"),
        ("1403/07/30", 1, "1403/08/30"),
        ("1403/10/08", 3, "1404/01/08"),  # across the new year
        ("1403/10/08", 12, "1404/10/08"),
        ("1403/10/08", 24, "1405/10/08"),
        ("1403/10/08", 0, "1403/10/08"),
        ("1403/07/30", -1, "1403/06/30"),
        ("1403/01/15", -1, "1402/12/15"),
        ("1403/01/31", -13, "1401/12/29" if not _leap(1401) else "1401/12/30"),
    ],
)
def test_add_months(start: str, months: int, expected: str) -> None:
    assert to_jalali_str(add_months(j(start), months)) == expected


def test_add_months_clamps_to_esfand_by_leap_year() -> None:
    for year in (1403, 1404):
        last = "30" if _leap(year) else "29"
        assert to_jalali_str(add_months(j(f"{year}/11/30"), 1)) == f"{year}/12/{last}"
        assert to_jalali_str(add_months(j(f"{year}/06/31"), 6)) == f"{year}/12/{last}"


def test_add_months_from_leap_esfand_30() -> None:
    leap = next(y for y in range(1399, 1420) if _leap(y))
    expected_last = "30" if _leap(leap + 1) else "29"
    result = add_months(j(f"{leap}/12/30"), 12)
    assert to_jalali_str(result) == f"{leap + 1}/12/{expected_last}"


def test_add_months_outside_the_calendar_is_refused() -> None:
    with pytest.raises(DateError):
        add_months(j("1403/01/01"), -12 * 1403)


# -------------------------------------------------------------------------------- add_days


def test_add_days_ten_day_deadline() -> None:
    # duties are updated within 10 days of a change.
    assert to_jalali_str(add_days(j("1403/10/08"), 10)) == "1403/10/18"
    assert add_days(j("1403/10/08"), -8) == j("1403/09/30")


def test_add_days_across_esfand() -> None:
    expected = "1403/12/30" if _leap(1403) else "1404/01/01"
    assert to_jalali_str(add_days(j("1403/12/29"), 1)) == expected


def test_add_days_drops_time() -> None:
    assert add_days(datetime(2024, 12, 28, 10), 1) == date(2024, 12, 29)
