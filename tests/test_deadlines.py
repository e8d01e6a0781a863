"""Deadlines in the Solar Hijri calendar (R-3.1, R-3.3, R-4.1, R-5.5, R-6.1, R-7, R-11, R-18,
R-19), checked against jdatetime as an independent oracle: month lengths come from which dates
jdatetime accepts, not from catalog.jalali's own table, and every day of 1390–1420 is tried."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import jdatetime
import pytest

from catalog.access.principals import Role
from catalog.cycle.deadlines import (
    FIXED,
    DueState,
    due_after,
    due_for,
    emergency_due,
    next_monitoring,
    plan_year_end,
)
from catalog.cycle.engine import Cycle
from catalog.cycle.states import Actor
from catalog.jalali import parse_date, to_jalali_str
from catalog.registry import Registry
from tests.test_cycle import _load


def _last_day(year: int, month: int) -> int:
    """The month's length as jdatetime decides it: the largest day it accepts."""
    for day in (31, 30, 29):
        try:
            jdatetime.date(year, month, day)
            return day
        except ValueError:
            continue
    raise AssertionError((year, month))


def _oracle_add_months(j: jdatetime.date, n: int) -> date:
    year, month0 = divmod(j.year * 12 + j.month - 1 + n, 12)
    day = min(j.day, _last_day(year, month0 + 1))
    result: date = jdatetime.date(year, month0 + 1, day).togregorian()
    return result


def _every_day(first: int, last: int) -> list[jdatetime.date]:
    day, end = jdatetime.date(first, 1, 1), jdatetime.date(last, 12, _last_day(last, 12))
    out = []
    while day <= end:
        out.append(day)
        day += timedelta(days=1)
    return out


def test_month_deadlines_match_the_oracle_on_every_day_1390_to_1420() -> None:
    days = _every_day(1390, 1420)
    assert len(days) > 11_000
    for j in days:
        start = j.togregorian()
        for months in (1, 2, 6):
            assert due_after(start, months) == _oracle_add_months(j, months), (j, months)


def test_day_deadlines_match_the_oracle_on_every_day_1390_to_1420() -> None:
    for j in _every_day(1390, 1420):
        expected = (j + timedelta(days=10)).togregorian()  # jdatetime's own day arithmetic
        assert due_for("R-3.3", j.togregorian()) == expected, j
        assert due_for("R-19", j.togregorian()) == expected, j


def test_month_ends_and_leap_years_named_in_the_issue() -> None:
    assert jdatetime.date(1403, 1, 1).isleap() and not jdatetime.date(1404, 1, 1).isleap()
    # Shahrivar has 31 days, Mehr 30: one month after 1403/06/31 is 1403/07/30.
    assert _last_day(1403, 6) == 31 and _last_day(1403, 7) == 30
    assert to_jalali_str(due_for("R-3.1", parse_date("1403/06/31"))) == "1403/07/30"
    # 10 days after 1403/12/25 in the leap year 1403 crosses Esfand 30.
    assert to_jalali_str(due_for("R-3.3", parse_date("1403/12/25"))) == "1404/01/05"
    # One month after Bahman 30 is Esfand 30 in a leap year, Esfand 29 otherwise.
    assert to_jalali_str(due_for("R-4.1", parse_date("1403/11/30"))) == "1403/12/30"
    assert to_jalali_str(due_for("R-4.1", parse_date("1404/11/30"))) == "1404/12/29"
    # Two months after Mordad 31, six after Farvardin 31.
    assert to_jalali_str(due_for("R-6.1", parse_date("1403/05/31"))) == "1403/07/30"
    assert to_jalali_str(next_monitoring(parse_date("1404/01/31"))) == "1404/07/30"


def test_plan_year_end_is_the_last_day_of_esfand() -> None:
    for first in range(1395, 1415):
        end = plan_year_end(first, 2)
        j = jdatetime.date.fromgregorian(date=end)
        assert (j.year, j.month) == (first + 1, 12)
        after = j + timedelta(days=1)
        assert (after.year, after.month, after.day) == (first + 2, 1, 1)
    assert to_jalali_str(plan_year_end(1403, 2)) == "1404/12/29"  # R-11 for the 7th Plan


def test_emergency_requests_use_their_own_span() -> None:
    assert to_jalali_str(emergency_due(parse_date("1404/06/28"), 5)) == "1404/07/02"


def test_days_left_and_late() -> None:
    due = parse_date("1404/01/31")
    assert DueState(due, due).days_left == 0 and not DueState(due, due).overdue
    late = DueState(due, due + timedelta(days=1))
    assert late.overdue and late.days_left == -1 and "1 day(s) late" in late.describe()
    assert DueState(due, due - timedelta(days=3)).describe() == "1404/01/31 (3 day(s) left)"
    assert set(FIXED) == {"R-3.1", "R-3.3", "R-4.1", "R-5.5", "R-6.1", "R-18", "R-19"}


def test_open_deadlines_of_an_agency_from_the_stored_clocks(registry: Registry,
                                                            tmp_path: Path) -> None:
    _load(registry, tmp_path)
    started = datetime(2024, 9, 21, 12, tzinfo=UTC)  # 1403/06/31 in Tehran
    assert to_jalali_str(started.date()) == "1403/06/31"
    cycle = Cycle(registry.store, registry.iris, now=lambda: started)
    cycle.start("REG", 1, Actor("steward", Role.STEWARD, agency="REG"))
    [duty, structure] = cycle.deadlines(parse_date("1403/07/30"), "REG")
    assert (duty.step, duty.requirement, to_jalali_str(duty.state.due)) == (1, "R-3.1",
                                                                            "1403/07/30")
    assert duty.state.days_left == 0 and not duty.state.overdue
    assert (structure.step, to_jalali_str(structure.state.due)) == (6, "1404/12/29")
    [late, _] = cycle.deadlines(parse_date("1403/08/02"))
    assert (late.agency, late.state.days_left) == ("REG", -2)
    cycle.submit("REG", 1, Actor("steward", Role.STEWARD, agency="REG"))
    assert [d.step for d in cycle.deadlines(parse_date("1403/08/02"))] == [6]


@pytest.mark.parametrize("text", ["1403/12/30", "1404/12/29"])
def test_esfand_ends_are_valid_dates(text: str) -> None:
    j = jdatetime.date(*map(int, text.split("/")))
    assert to_jalali_str(parse_date(text)) == text and (j + timedelta(days=1)).day == 1
