"""Due dates of the regulation, in the Solar Hijri calendar: pure functions, no store.

Months are calendar months of the Solar Hijri calendar with end-of-month clamping
(catalog.jalali.add_months: 1403/06/31 + 1 month = 1403/07/30); days are calendar days, since
the text says days, not working days (docs/architecture.md, "Deadlines"). A deadline falls due
at the end of its due date: it is late from the day after.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import jdatetime

from catalog.jalali import DateError, add_days, add_months, days_in_month, to_jalali_str
from catalog.text import normalize_fa

# Deadlines the text fixes, by requirement: (months, days, what in en, what in fa).
FIXED: dict[str, tuple[int, int, str, str]] = {
    "R-3.1": (1, 0, "register the agency's duties", "ثبت وظایف دستگاه"),
    "R-3.3": (0, 10, "update duties after a change", "به‌روزرسانی وظایف پس از تغییر"),
    "R-4.1": (1, 0, "redesign services and map them to duties",
              "بازطراحی خدمات و نگاشت آن‌ها به وظایف"),
    "R-5.5": (1, 0, "the provincial slice of the improvement plan",
              "بخش استانی برنامه بهبود"),
    "R-6.1": (2, 0, "identify inter-agency service chains",
              "شناسایی زنجیره‌های خدمات بین‌دستگاهی"),
    "R-18": (6, 0, "the six-monthly monitoring report", "گزارش پایش شش‌ماهه"),
    "R-19": (0, 10, "appoint the agency's representative", "تعیین نماینده دستگاه"),
}


# What each deadline asks, for requirements without a fixed span.
OTHER: dict[str, tuple[str, str]] = {
    "R-7": ("handle an emergency request referred by Foad 128",
            "رسیدگی به درخواست فوری ارجاعی سامانه فواد ۱۲۸"),
    "R-11": ("propose the reform of the organizational structure",
             "پیشنهاد اصلاح ساختار سازمانی"),
}


def what(requirement: str) -> tuple[str, str]:
    """(en, fa) of what a deadline asks."""
    if requirement in FIXED:
        return FIXED[requirement][2], FIXED[requirement][3]
    return OTHER[requirement]


def due_after(start: date, months: int = 0, days: int = 0) -> date:
    """`start` plus whole Solar Hijri months, then days."""
    return add_days(add_months(start, months), days)


def due_for(requirement: str, start: date) -> date:
    """The due date of one of the FIXED deadlines whose clock started on `start`."""
    months, days, _, _ = FIXED[requirement]
    return due_after(start, months, days)


def emergency_due(referred: date, days: int) -> date:
    """R-7: an emergency request from Foad 128 is due `days` after referral, as the
    Organization sets for each request."""
    return add_days(referred, days)


def next_monitoring(last_report: date) -> date:
    """R-18: the next deviation report is due at most six months after the last one."""
    return add_months(last_report, 6)


def step_due(months: int, days: int, plan_year: int, clock_start: date | None,
             plan_first_year: int) -> date | None:
    """A step's due date from its configured rule (config/cycle.toml): the end of the n-th
    plan year (R-11), or months and days after its clock started (R-3.1, R-4.1, R-6.1); None
    while the clock has not started."""
    if plan_year:
        return plan_year_end(plan_first_year, plan_year)
    if clock_start is None:
        return None
    return due_after(clock_start, months, days)


def plan_year_end(first_year: int, n: int) -> date:
    """R-11: the last day (end of Esfand) of the n-th year of a plan starting in `first_year`."""
    year = first_year + n - 1
    result: date = jdatetime.date(year, 12, days_in_month(year, 12)).togregorian()
    return result


@dataclass(frozen=True)
class DueState:
    due: date
    today: date

    @property
    def days_left(self) -> int:
        """Days until the due date (0 on the day itself); negative when late."""
        return (self.due - self.today).days

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    def describe(self) -> str:
        when = to_jalali_str(self.due)
        if self.overdue:
            return f"{when} ({-self.days_left} day(s) late)"
        return f"{when} ({self.days_left} day(s) left)"


_PERIOD_RE = re.compile(r"^(\d{4})\s*-\s*[Hh]\s*([12])$")


@dataclass(frozen=True)
class Period:
    """A half of a Solar Hijri year, the span of the six-monthly monitoring (R-18) and of the
    representative's periodic reports (R-19): `YYYY-H1` is months 1-6 (Farvardin to
    Shahrivar), `YYYY-H2` months 7-12 (Mehr to Esfand)."""

    year: int
    half: int

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD_RE.match(normalize_fa(text.strip()))
        if match is None or not 1300 <= int(match.group(1)) < 1700:
            raise DateError(
                f"Malformed period {text!r}: expected YYYY-H1 (months 1-6) or YYYY-H2 "
                "(months 7-12) of a Solar Hijri year, e.g. 1404-H1",
                f"دوره «{text}» نامعتبر است: قالب درست سال-H1 (شش ماه نخست) یا سال-H2 "
                "(شش ماه دوم) است، مانند 1404-H1", text)
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Period:
        """The period a date falls in."""
        j = jdatetime.date.fromgregorian(date=day)
        return cls(j.year, 1 if j.month <= 6 else 2)

    @property
    def label(self) -> str:
        return f"{self.year}-H{self.half}"

    @property
    def start(self) -> date:
        result: date = jdatetime.date(self.year, 1 if self.half == 1 else 7, 1).togregorian()
        return result

    @property
    def end(self) -> date:
        month = 6 if self.half == 1 else 12
        result: date = jdatetime.date(self.year, month,
                                      days_in_month(self.year, month)).togregorian()
        return result

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def __str__(self) -> str:
        return self.label
