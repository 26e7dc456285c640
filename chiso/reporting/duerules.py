"""Due-date rules as plans write them, resolved to dates by plain functions.

A round's due date (for the units) is one of four forms:

- `FIXED`: a fixed date ("trước ngày 15/6/2024");
- `WORKING_DAYS`: N working days after the cut-off ("trong 05 ngày làm việc kể từ ngày chốt số
  liệu"); the cut-off day itself is not counted, Saturdays, Sundays, holidays and Tết are skipped
  (chiso.core.workdays, with the admins' DayOff rows);
- `MONTH_DAY`: day D of a month relative to the period. The month is counted from the month of the
  cut-off (the last day of the round's data window): offset 0 is "tháng cuối quý" (or "tháng cuối
  kỳ"), offset 1 "tháng đầu quý sau", -1 the month before the cut-off's. "ngày 10 của tháng cuối
  quý" is `MONTH_DAY(day=10, month_offset=0)`; "ngày 05 của tháng đầu quý sau" is
  `MONTH_DAY(day=5, month_offset=1)`. A day past the month's end is its last day (ngày 31 in
  tháng 4 → 30/4);
- `YEARLY`: a fixed day every year ("20/12 hằng năm"), taken in the year of the cut-off.

"Trước ngày D" is read as "by day D": the date itself. A fixed, monthly or yearly date that falls on
a day off is carried to the next working day (Bộ luật Dân sự 2015, Điều 148 khoản 5).

Cut-off windows ("số liệu từ ngày 15/12 năm trước đến ngày 14/3") are `Schedule.year_start` of
chiso.reporting.rounds: the reporting year starts on (12, 15) of the previous year, and each round's
window ends the day before the same day N months later (14/3, 14/6, 14/9, 14/12).

A rule is refused, with a message naming the field `due_rule`, when for some round it falls before
that round's data window starts, or before its cut-off (a report cannot be due before the data it
reports on is closed); nothing is saved then.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from chiso.core.vndates import short_date
from chiso.core.workdays import WorkCalendar
from chiso.plans.validation import parse_date

FIELD = "due_rule"


class DueKind(StrEnum):
    FIXED = "fixed"
    WORKING_DAYS = "working_days"
    MONTH_DAY = "month_day"
    YEARLY = "yearly"


@dataclass(frozen=True)
class DueRule:
    """One due-date rule. Only the fields of its kind are read."""

    kind: DueKind
    on: dt.date | None = None  # FIXED
    days: int = 0  # WORKING_DAYS
    day: int = 0  # MONTH_DAY, YEARLY
    month_offset: int = 0  # MONTH_DAY
    month: int = 0  # YEARLY

    def __post_init__(self) -> None:
        problem = None
        if self.kind == DueKind.FIXED and self.on is None:
            problem = _("cần ghi ngày cụ thể.")
        elif self.kind == DueKind.WORKING_DAYS and not 0 < self.days <= 60:
            problem = _("số ngày làm việc phải từ 1 đến 60.")
        elif self.kind in (DueKind.MONTH_DAY, DueKind.YEARLY) and not 1 <= self.day <= 31:
            problem = _("ngày phải từ 1 đến 31.")
        elif self.kind == DueKind.MONTH_DAY and not -2 <= self.month_offset <= 3:
            problem = _("tháng phải là tháng cuối kỳ, hoặc trước, sau đó tối đa 3 tháng.")
        elif self.kind == DueKind.YEARLY and not 1 <= self.month <= 12:
            problem = _("tháng phải từ 1 đến 12.")
        elif self.kind == DueKind.YEARLY and self.day > calendar.monthrange(2024, self.month)[1]:
            problem = _("ngày không có trong tháng %(m)d.") % {"m": self.month}
        if problem:
            raise ValidationError({FIELD: [_("Hạn gửi báo cáo: %(p)s") % {"p": problem}]})

    def describe(self) -> str:
        """The rule in the words plans use."""
        if self.kind == DueKind.FIXED:
            return _("trước ngày %(d)s") % {"d": short_date(self.on)}
        if self.kind == DueKind.WORKING_DAYS:
            return _("trong %(n)d ngày làm việc sau ngày chốt số liệu") % {"n": self.days}
        if self.kind == DueKind.YEARLY:
            return _("trước ngày %(d)02d/%(m)02d hằng năm") % {"d": self.day, "m": self.month}
        months = {
            -2: _("tháng thứ hai trước tháng cuối kỳ"),
            -1: _("tháng trước tháng cuối kỳ"),
            0: _("tháng cuối kỳ"),
            1: _("tháng đầu kỳ sau"),
            2: _("tháng thứ hai của kỳ sau"),
            3: _("tháng thứ ba của kỳ sau"),
        }
        return _("trước ngày %(d)02d của %(m)s") % {"d": self.day, "m": months[self.month_offset]}

    def as_dict(self) -> dict:
        data: dict = {"kind": str(self.kind)}
        if self.kind == DueKind.FIXED and self.on:
            data["on"] = self.on.isoformat()
        elif self.kind == DueKind.WORKING_DAYS:
            data["days"] = self.days
        elif self.kind == DueKind.MONTH_DAY:
            data |= {"day": self.day, "month_offset": self.month_offset}
        else:
            data |= {"day": self.day, "month": self.month}
        return data

    @classmethod
    def from_dict(cls, data: dict) -> DueRule:
        try:
            kind = DueKind(data.get("kind"))
        except ValueError:
            raise ValidationError({FIELD: [_("Hạn gửi báo cáo: loại quy định không hợp lệ.")]}) from None
        on = data.get("on")
        return cls(
            kind=kind,
            on=dt.date.fromisoformat(on) if isinstance(on, str) else on,
            days=int(data.get("days") or 0),
            day=int(data.get("day") or 0),
            month_offset=int(data.get("month_offset") or 0),
            month=int(data.get("month") or 0),
        )


def fixed(on: dt.date) -> DueRule:
    return DueRule(DueKind.FIXED, on=on)


def working_days_after_cutoff(days: int) -> DueRule:
    return DueRule(DueKind.WORKING_DAYS, days=days)


def day_of_month(day: int, month_offset: int = 0) -> DueRule:
    return DueRule(DueKind.MONTH_DAY, day=day, month_offset=month_offset)


def every_year(day: int, month: int) -> DueRule:
    return DueRule(DueKind.YEARLY, day=day, month=month)


def _day_in_month(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def nominal_due(rule: DueRule, period_end: dt.date, work: WorkCalendar) -> dt.date:
    """The date the rule names for a round whose data window ends on `period_end` (not yet carried)."""
    if rule.kind == DueKind.FIXED:
        assert rule.on is not None
        return rule.on
    if rule.kind == DueKind.WORKING_DAYS:
        return work.add_working_days(period_end, rule.days)
    if rule.kind == DueKind.YEARLY:
        return dt.date(period_end.year, rule.month, rule.day)
    index = period_end.month - 1 + rule.month_offset
    return _day_in_month(period_end.year + index // 12, index % 12 + 1, rule.day)


def resolve_due(
    rule: DueRule, period_start: dt.date, period_end: dt.date, work: WorkCalendar, title: str = ""
) -> dt.date:
    """The units' due date of one round: the rule's date carried to a working day, or refused."""
    due = work.next_working_day(nominal_due(rule, period_end, work))
    where = (_("Kỳ “%(t)s”: ") % {"t": title}) if title else ""
    if due < period_start:
        raise ValidationError(
            {
                FIELD: [
                    where
                    + _(
                        "Hạn gửi báo cáo “%(rule)s” (%(due)s) rơi trước ngày bắt đầu chốt số liệu (%(start)s)."
                    )
                    % {"rule": rule.describe(), "due": short_date(due), "start": short_date(period_start)}
                ]
            }
        )
    if due < period_end:
        raise ValidationError(
            {
                FIELD: [
                    where
                    + _("Hạn gửi báo cáo “%(rule)s” (%(due)s) rơi trước ngày chốt số liệu (%(end)s).")
                    % {"rule": rule.describe(), "due": short_date(due), "end": short_date(period_end)}
                ]
            }
        )
    return due


def _number(value, what: str) -> int:
    text = str(value if value is not None else "").strip()
    if not text.lstrip("-").isdigit():
        raise ValidationError({FIELD: [_("Hạn gửi báo cáo: cần ghi %(what)s (một số).") % {"what": what}]})
    return int(text)


def rule_from_input(data) -> DueRule | None:
    """The rule from a page's or the API's fields: `due_rule` (the kind, empty: none), `due_number`
    (N working days, or day D), `due_month_offset`, `due_month`, `due_on`. Refused on `due_rule`."""
    kind = str(data.get("due_rule") or "").strip()
    if not kind:
        return None
    if kind not in {k.value for k in DueKind}:
        raise ValidationError({FIELD: [_("Hạn gửi báo cáo: loại quy định không hợp lệ.")]})
    kind = DueKind(kind)
    if kind == DueKind.FIXED:
        try:
            on = parse_date(data.get("due_on"), _("Hạn gửi báo cáo"))
        except ValidationError as exc:
            raise ValidationError({FIELD: exc.messages}) from None
        return DueRule(kind, on=on)
    if kind == DueKind.WORKING_DAYS:
        return DueRule(kind, days=_number(data.get("due_number"), _("số ngày làm việc")))
    day = _number(data.get("due_number"), _("ngày trong tháng"))
    if kind == DueKind.MONTH_DAY:
        return DueRule(kind, day=day, month_offset=_number(data.get("due_month_offset") or 0, _("tháng")))
    return DueRule(kind, day=day, month=_number(data.get("due_month"), _("tháng")))
