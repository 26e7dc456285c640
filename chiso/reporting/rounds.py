"""Reporting rounds of a plan: generated for its period, then edited by the coordinator.

Vietnamese reporting is cumulative from the start of the reporting year: "quý I", "6 tháng",
"9 tháng", "năm". Plans often shift the reporting year: Mộc Châu 2022 (IV.1.2) counts the data of
the six-month report from 01/12/2021 to 31/5/2022 and of the yearly report from 01/12/2021 to
30/11/2022; units report by 05/6 and 05/12, the coordinator to the chairman by 10/6 and 10/12.

`generate_rounds` gives those rounds for any year and kind. Due dates are staggered per level,
lowest first: units, then the coordinator, then the upper level; each is carried to the next
working day (Bộ luật Dân sự 2015, Điều 148) and each level's date is strictly after the level
below it.

The units' due date is `Schedule.unit_days` calendar days after the cut-off, or the plan's written
rule (`Schedule.due_rule`, chiso.reporting.duerules: a fixed date, N working days after the
cut-off, day D of a month relative to the period, a fixed day every year).

Rounds are generated from the plan's issue date onward, never before: a round whose cut-off is
before the issue date is not generated, and the first round's data window and entry window start
no earlier than the issue date (a three-year plan issued in November 2023 starts with the yearly
or fourth-quarter report of 2023, its data counted from the issue date).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from chiso.core.workdays import WorkCalendar, load_calendar
from chiso.reporting.duerules import DueRule, resolve_due
from chiso.reporting.models import RoundKind

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class RoundSpec:
    """A round before it is saved (what `generate_rounds` proposes)."""

    number: int
    kind: str
    title: str
    period_start: dt.date
    period_end: dt.date
    opens_on: dt.date
    due_on: dt.date
    grace_until: dt.date | None
    locks_on: dt.date
    coordinator_due_on: dt.date
    upper_due_on: dt.date | None

    def as_dict(self) -> dict:
        return {
            "number": self.number,
            "kind": self.kind,
            "title": self.title,
            "period_start": self.period_start,
            "period_end": self.period_end,
            "opens_on": self.opens_on,
            "due_on": self.due_on,
            "grace_until": self.grace_until,
            "locks_on": self.locks_on,
            "coordinator_due_on": self.coordinator_due_on,
            "upper_due_on": self.upper_due_on,
        }


@dataclass(frozen=True)
class Schedule:
    """How rounds are laid out.

    - `year_start`: (month, day) the reporting year starts on: (1, 1), or (12, 1) for a year
      that runs from 1 December of the previous year (Mộc Châu 2022).
    - `unit_days`, `coordinator_days`, `upper_days`: calendar days after the cut-off for the units,
      then after the units' due date for the coordinator, then after the coordinator's for the
      upper level (None: no upper-level date).
    - `grace_working_days`: working days after the units' due date still accepted as "late within
      grace" (0: no grace period).
    - `open_days_before`: the entry window opens this many days before the cut-off.
    - `due_rule`: the plan's written rule for the units' due date (replaces `unit_days`).
    """

    year_start: tuple[int, int] = (1, 1)
    unit_days: int = 5
    coordinator_days: int = 5
    upper_days: int | None = None
    grace_working_days: int = 0
    open_days_before: int = 15
    due_rule: DueRule | None = None


MOC_CHAU = Schedule(year_start=(12, 1), unit_days=5, coordinator_days=5)


def _shift_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reporting_year_start(year: int, schedule: Schedule) -> dt.date:
    """The first day of reporting year `year` ((12, 1) → 1 December of the year before)."""
    month, day = schedule.year_start
    if (month, day) == (1, 1):
        return dt.date(year, 1, 1)
    return dt.date(year - 1, month, day)


def _titles(kind: str, year: int) -> list[tuple[int, str]]:
    """(months covered, title) of the rounds of one year."""
    if kind == RoundKind.QUARTERLY:
        return [
            (3, _("Báo cáo quý I năm %(y)d") % {"y": year}),
            (6, _("Báo cáo 6 tháng đầu năm %(y)d") % {"y": year}),
            (9, _("Báo cáo 9 tháng năm %(y)d") % {"y": year}),
            (12, _("Báo cáo năm %(y)d") % {"y": year}),
        ]
    if kind == RoundKind.SIX_MONTHLY:
        return [
            (6, _("Báo cáo 6 tháng đầu năm %(y)d") % {"y": year}),
            (12, _("Báo cáo năm %(y)d") % {"y": year}),
        ]
    if kind == RoundKind.YEARLY:
        return [(12, _("Báo cáo năm %(y)d") % {"y": year})]
    raise ValueError(f"generate_rounds cannot lay out {kind!r} rounds; custom rounds are entered by hand")


def staggered_dates(
    period_end: dt.date,
    schedule: Schedule,
    work: WorkCalendar,
    period_start: dt.date | None = None,
    title: str = "",
) -> tuple[dt.date, dt.date | None, dt.date, dt.date | None]:
    """(units' due date, end of grace, coordinator's due date, upper level's due date) for a cut-off."""
    if schedule.due_rule is not None:
        due = resolve_due(schedule.due_rule, period_start or period_end, period_end, work, title)
        nominal_coordinator = due + dt.timedelta(days=schedule.coordinator_days)
    else:
        nominal_due = period_end + dt.timedelta(days=schedule.unit_days)
        nominal_coordinator = nominal_due + dt.timedelta(days=schedule.coordinator_days)
        due = work.next_working_day(nominal_due)
    grace = work.add_working_days(due, schedule.grace_working_days) if schedule.grace_working_days else None
    coordinator = work.next_working_day(nominal_coordinator)
    floor = grace or due
    if coordinator <= floor:
        coordinator = work.next_working_day(floor, strict=True)
    upper = None
    if schedule.upper_days is not None:
        upper = work.next_working_day(nominal_coordinator + dt.timedelta(days=schedule.upper_days))
        if upper <= coordinator:
            upper = work.next_working_day(coordinator, strict=True)
    return due, grace, coordinator, upper


def generate_rounds(
    year_from: int,
    year_to: int,
    kind: str,
    schedule: Schedule | None = None,
    first_number: int = 1,
    calendar_: WorkCalendar | None = None,
    not_before: dt.date | None = None,
) -> list[RoundSpec]:
    """The rounds of `kind` for the years `year_from`..`year_to` (a plain function, nothing saved).

    Each round's data window runs from the start of the reporting year to its cut-off
    (cumulative, as Vietnamese reports are); the lock date is the coordinator's due date.
    With `not_before` (the plan's issue date) no round has its cut-off before that day, and no
    window starts before it. A due rule refused for any round raises ValidationError (`due_rule`).
    """
    schedule = schedule or Schedule()
    if year_to < year_from:
        raise ValueError("year_to before year_from")
    work = calendar_ or load_calendar(reporting_year_start(year_from, schedule), dt.date(year_to + 1, 12, 31))
    specs: list[RoundSpec] = []
    number = first_number
    for year in range(year_from, year_to + 1):
        start = reporting_year_start(year, schedule)
        for months, title in _titles(kind, year):
            end = _shift_months(start, months) - ONE_DAY
            if not_before is not None and end < not_before:
                continue
            window_start = max(start, not_before) if not_before is not None else start
            due, grace, coordinator, upper = staggered_dates(end, schedule, work, window_start, title)
            opens_on = max(window_start, end - dt.timedelta(days=schedule.open_days_before))
            specs.append(
                RoundSpec(
                    number=number,
                    kind=kind,
                    title=title,
                    period_start=window_start,
                    period_end=end,
                    opens_on=min(opens_on, due),
                    due_on=due,
                    grace_until=grace,
                    locks_on=coordinator,
                    coordinator_due_on=coordinator,
                    upper_due_on=upper,
                )
            )
            number += 1
    return specs


def generate_for_plan(plan, kind: str, schedule: Schedule | None = None) -> list[RoundSpec]:
    """The rounds of `kind` for the plan's period from its issue date on, numbered after its existing rounds."""
    from django.db.models import Max

    top = plan.reporting_rounds.aggregate(top=Max("number"))["top"] or 0
    return generate_rounds(
        plan.year_from, plan.year_to, kind, schedule, first_number=top + 1, not_before=plan.issued_on
    )
