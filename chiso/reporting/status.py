"""Deadlines, timeliness and traffic lights: the rules, as plain functions.

Timeliness of a unit's report in a round is judged by its FIRST submission (a report returned for
corrections and sent again keeps its place), against the unit's due date: the round's, or the
extension the coordinator granted.

- on time (đúng hạn): first sent on or before the due date;
- late within grace (muộn trong thời gian ân hạn): after the due date, by the end of grace;
- late (muộn): after that;
- missing (chưa gửi, quá hạn): nothing sent and the due date has passed;
- pending (chưa đến hạn): nothing sent yet, the due date has not come.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Timeliness(models.TextChoices):
    ON_TIME = "on_time", _("Đúng hạn")
    GRACE = "grace", _("Muộn (trong thời gian ân hạn)")
    LATE = "late", _("Muộn")
    MISSING = "missing", _("Chưa gửi, quá hạn")
    PENDING = "pending", _("Chưa đến hạn")


class Light(models.TextChoices):
    GREEN = "green", _("Tốt")
    YELLOW = "yellow", _("Cần chú ý")
    RED = "red", _("Chậm, cần đôn đốc")
    GREY = "grey", _("Chưa đến hạn")


LIGHT_CSS = {
    Light.GREEN: "success",
    Light.YELLOW: "warning",
    Light.RED: "danger",
    Light.GREY: "secondary",
}


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def unit_due(rnd, extension_due: dt.date | None) -> dt.date:
    """The unit's due date: the round's, or a later one granted as an extension."""
    return max(rnd.due_on, extension_due) if extension_due else rnd.due_on


def unit_lock(rnd, extension_due: dt.date | None) -> dt.date:
    """The last day the unit can send: the round's lock date, pushed back by an extension."""
    return max(rnd.locks_on, extension_due) if extension_due else rnd.locks_on


def classify(
    rnd, first_submitted_at: dt.datetime | None, extension_due: dt.date | None, today: dt.date
) -> str:
    due = unit_due(rnd, extension_due)
    if first_submitted_at is not None:
        day = local_day(first_submitted_at)
        if day <= due:
            return Timeliness.ON_TIME
        if rnd.grace_until and day <= rnd.grace_until:
            return Timeliness.GRACE
        return Timeliness.LATE
    if today <= due:
        return Timeliness.PENDING
    return Timeliness.MISSING


@dataclass(frozen=True)
class LightRule:
    light: str
    reason: str


def unit_light(timeliness: str, overdue_tasks: int, returned: bool) -> tuple[str, list[str]]:
    """The traffic light of a unit in a round and the reasons for it.

    Red: the report is missing past its due date, or a task is overdue.
    Yellow: the report was late, or it was returned and not sent again.
    Grey: nothing due yet and nothing wrong. Green: otherwise.
    """
    reasons: list[str] = []
    light = Light.GREEN
    if timeliness == Timeliness.MISSING:
        light = Light.RED
        reasons.append(str(_("Chưa gửi báo cáo, đã quá hạn")))
    if overdue_tasks:
        light = Light.RED
        reasons.append(str(_("%(n)d nhiệm vụ quá hạn")) % {"n": overdue_tasks})
    if light != Light.RED:
        if timeliness in (Timeliness.LATE, Timeliness.GRACE):
            light = Light.YELLOW
            reasons.append(str(_("Gửi báo cáo muộn")))
        if returned:
            light = Light.YELLOW
            reasons.append(str(_("Báo cáo bị trả lại, chưa gửi lại")))
        if light == Light.GREEN and timeliness == Timeliness.PENDING:
            light = Light.GREY
    return light, reasons


def dimension_light(applicable: int, done: int, overdue: int) -> str:
    """Red with any overdue task, green when every applicable task is done, yellow in between."""
    if overdue:
        return Light.RED
    if applicable and done >= applicable:
        return Light.GREEN
    if not applicable:
        return Light.GREY
    return Light.YELLOW


def percent(part: int, whole: int) -> float:
    """A share in percent with one decimal; 0 when there is nothing to count; never above 100."""
    if not whole:
        return 0.0
    return round(min(part, whole) * 100.0 / whole, 1)
