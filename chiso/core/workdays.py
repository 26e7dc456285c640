"""Working days of Vietnamese government offices, for deadlines such as "15 ngày làm việc".

A day is a working day when it is Monday to Friday and not a public holiday, with two kinds of
exception:

* the `holidays` package (pinned) knows the statutory holidays, the lunar ones included (Tết
  Nguyên Đán, Giỗ Tổ Hùng Vương), the days off in lieu of holidays that fall on a weekend, and the
  day swaps it has been taught (a bridging Monday off, worked back on a Saturday). Version 0.109
  lists the announced Tết breaks of 2024 (8–14/2) and 2025 (27–31/1, "29 Tết" included) and the
  30/4 swaps of 2024 (off 29/4, worked Saturday 4/5) and 2025 (off 2/5, worked Saturday 26/4);
  for years it has not been taught it applies the Labour Code rule (Tết eve to the 4th day, moved
  off weekends), which the yearly announcement often extends;
* `chiso.core.models.DayOff` rows entered by admins override everything: the government announces
  the real Tết break and other swaps each year, sometimes after the package was released. A
  `day_off` row makes any day a day off; a `working_day` row makes any day (a compensating
  Saturday, or a day wrongly listed as a holiday) a working day.

Holiday sets are computed once per year and cached for the life of the process; each public
function reads the DayOff rows it needs in one query. Callers computing many deadlines at once
build one `WorkCalendar` with `load_calendar()` and pass it in, for no query at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import NamedTuple

import holidays

COUNTRY = "VN"
ONE_DAY = dt.timedelta(days=1)


class _Year(NamedTuple):
    days_off: Mapping[dt.date, str]  # holiday → its Vietnamese name
    worked: frozenset[dt.date]  # weekend days worked to compensate for a bridging day off


@lru_cache(maxsize=512)
def _statutory_year(year: int) -> _Year:
    """The holidays and worked weekend days of `year` as the `holidays` package knows them.

    A swap can straddle New Year (the day off on 31/12/2018 was worked back on 5/1/2019), so the
    neighbouring years are computed too and only the dates inside `year` are kept.
    """
    calendar = holidays.country_holidays(COUNTRY, years=[year - 1, year, year + 1])
    days_off = MappingProxyType({day: name for day, name in calendar.items() if day.year == year})
    worked = frozenset(day for day in calendar.weekend_workdays if day.year == year)
    return _Year(days_off, worked)


def statutory_working_day(day: dt.date) -> bool:
    """Whether `day` is a working day by the package alone (no admin-entered rows)."""
    year = _statutory_year(day.year)
    if day in year.worked:
        return True
    return day.weekday() < 5 and day not in year.days_off


def holiday_name(day: dt.date) -> str | None:
    """The Vietnamese name of the public holiday on `day`, if the package lists one."""
    return _statutory_year(day.year).days_off.get(day)


@dataclass(frozen=True)
class WorkCalendar:
    """The statutory calendar with admin overrides: {date: True for working, False for day off}."""

    overrides: Mapping[dt.date, bool] = field(default_factory=dict)

    def is_working_day(self, day: dt.date) -> bool:
        override = self.overrides.get(day)
        if override is not None:
            return override
        return statutory_working_day(day)

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The `n`-th working day after `start` (start itself is not counted); `start` when n == 0."""
        if n < 0:
            raise ValueError("n must not be negative")
        day = start
        remaining = n
        while remaining:
            day += ONE_DAY
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days after `a` up to and including `b`; negative when `b` is before `a`."""
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        day = a + ONE_DAY
        while day <= b:
            if self.is_working_day(day):
                count += 1
            day += ONE_DAY
        return count

    def next_working_day(self, day: dt.date, strict: bool = False) -> dt.date:
        """`day` itself when it is a working day (unless `strict`), otherwise the next working day.

        This is how a deadline that falls on a day off is carried over (Bộ luật Dân sự 2015,
        Điều 148 khoản 5: the period ends at the end of the next working day).
        """
        if strict:
            day += ONE_DAY
        while not self.is_working_day(day):
            day += ONE_DAY
        return day


def _as_date(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def load_calendar(start: dt.date | None = None, end: dt.date | None = None) -> WorkCalendar:
    """The calendar with the DayOff rows between `start` and `end` (inclusive; None = unbounded), one query."""
    from chiso.core.models import DayOff

    rows = DayOff.objects.all()
    if start is not None:
        rows = rows.filter(date__gte=_as_date(start))
    if end is not None:
        rows = rows.filter(date__lte=_as_date(end))
    return WorkCalendar(
        {day: kind == DayOff.Kind.WORKING_DAY for day, kind in rows.values_list("date", "kind")}
    )


def is_working_day(day: dt.date, calendar: WorkCalendar | None = None) -> bool:
    day = _as_date(day)
    if calendar is None:
        calendar = load_calendar(day, day)
    return calendar.is_working_day(day)


def add_working_days(start: dt.date, n: int, calendar: WorkCalendar | None = None) -> dt.date:
    """The deadline `n` working days after `start` ("trong 15 ngày làm việc kể từ ngày ban hành").

    The day of `start` is not counted: a plan issued on Friday 9/2/2024 (a Tết holiday) with
    n = 1 is due on Thursday 15/2/2024, the first working day after the break.
    """
    start = _as_date(start)
    if calendar is None:
        calendar = load_calendar(start + ONE_DAY, None)
    return calendar.add_working_days(start, n)


def working_days_between(a: dt.date, b: dt.date, calendar: WorkCalendar | None = None) -> int:
    """Working days after `a` up to and including `b` (how late a report is, in working days)."""
    a, b = _as_date(a), _as_date(b)
    if calendar is None:
        calendar = load_calendar(min(a, b), max(a, b))
    return calendar.working_days_between(a, b)


def next_working_day(day: dt.date, strict: bool = False, calendar: WorkCalendar | None = None) -> dt.date:
    """`day` when it is a working day (or the day after, with `strict`), else the next working day."""
    day = _as_date(day)
    if calendar is None:
        calendar = load_calendar(day, None)
    return calendar.next_working_day(day, strict=strict)
