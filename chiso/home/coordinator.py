"""The coordinator's home: what waits for them today, read from the reporting rules.

* **Awaiting approval.** Submitted reports of rounds whose plan the user coordinates
  (`ReportingRound.objects.restrict(user, COORDINATE)`), the oldest submission first.
* **Flags.** A report is flagged (and left out of bulk approval) when it was sent again after a
  return, was first sent after its due date (`status.classify`: late or within the grace days), has
  a task whose figure differs from the system's, or has a task reported overdue. Unflagged reports
  may be approved together; each approval goes through `services.approve_report`.
* **Lower plans.** Implementing plans of the plans the user coordinates: issued in the last
  `RECENT_DAYS` days, or still a draft after the upper plan's deadline for lower plans.
* **Units to chase.** Units of those rounds whose report is due today or late and can still be
  sent (`reminders.reports_due`, limited to the user's rounds); a reminder goes out at once
  (`reminders.remind_now`).

`coordinator_home` runs a fixed number of queries for the reports and the lower plans; the chase
list costs a few queries per open round of the user's plans (as `reports_due` does).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from chiso.plans.models import Plan, PlanState
from chiso.reporting.models import (
    Notification,
    ReminderKind,
    ReportingRound,
    ReportState,
    RoundExtension,
    TaskStatus,
    UnitReport,
)
from chiso.reporting.reminders import Due, reports_due
from chiso.reporting.status import Timeliness, classify
from chiso.units.models import Membership, Role
from chiso.units.scope import COORDINATE

COORDINATOR_ROLES = (Role.COORDINATOR, Role.ADMIN)
RECENT_DAYS = 30
SHOWN = 50
CHASE_KINDS = (ReminderKind.DUE_TODAY, ReminderKind.LATE)


@dataclass
class Awaiting:
    """A submitted report waiting for the coordinator, with what deserves a closer look."""

    report: UnitReport
    flags: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


@dataclass
class LowerPlanRow:
    plan: Plan
    deadline: dt.date | None
    late: bool


@dataclass
class CoordinatorHome:
    awaiting: list[Awaiting]
    awaiting_total: int
    lower_plans: list[LowerPlanRow]
    chase: list[Due]

    @property
    def approvable(self) -> list[Awaiting]:
        return [a for a in self.awaiting if not a.flagged]

    @property
    def resubmissions(self) -> list[Awaiting]:
        return [a for a in self.awaiting if a.report.first_submitted_at != a.report.submitted_at]


def coordinates(user) -> bool:
    """Whether the home shows the coordinator's part (a coordinator or admin of some unit)."""
    return Membership.objects.filter(user=user, role__in=COORDINATOR_ROLES).exists()


def coordinated_rounds(user):
    return ReportingRound.objects.restrict(user, COORDINATE).exclude(plan__state=PlanState.DRAFT)


def awaiting_reports(user, today: dt.date, ids: list[int] | None = None) -> list[Awaiting]:
    """Submitted reports of the user's rounds, oldest first, each with its flags."""
    reports = (
        UnitReport.objects.filter(round__in=coordinated_rounds(user), state=ReportState.SUBMITTED)
        .select_related("round", "round__plan", "unit", "unit__parent")
        .annotate(
            corrected=Count(
                "progress",
                filter=Q(progress__measured_value__isnull=False)
                & (
                    ~Q(progress__achieved_value=F("progress__measured_value"))
                    | Q(progress__achieved_value=None)
                ),
            ),
            overdue=Count("progress", filter=Q(progress__status=TaskStatus.OVERDUE)),
        )
        .order_by("submitted_at", "pk")
    )
    if ids is not None:
        reports = reports.filter(pk__in=ids)
    rows = list(reports[:SHOWN] if ids is None else reports)
    extensions = {
        (e.round_id, e.unit_id): e.due_on
        for e in RoundExtension.objects.filter(
            round_id__in={r.round_id for r in rows}, unit_id__in={r.unit_id for r in rows}
        )
    }
    result = []
    for report in rows:
        flags = []
        if report.first_submitted_at != report.submitted_at:
            flags.append(_("Gửi lại sau khi bị trả lại"))
        timeliness = classify(
            report.round, report.first_submitted_at, extensions.get((report.round_id, report.unit_id)), today
        )
        if timeliness in (Timeliness.LATE, Timeliness.GRACE):
            flags.append(_("Gửi muộn"))
        if report.corrected:
            flags.append(_("Số liệu khác số liệu hệ thống"))
        if report.overdue:
            flags.append(_("Có nhiệm vụ quá hạn"))
        result.append(Awaiting(report, flags))
    return result


def lower_plans(user, today: dt.date) -> list[LowerPlanRow]:
    """Implementing plans of the user's plans: issued lately, or drafts past their deadline."""
    uppers = Plan.objects.restrict(user, COORDINATE).exclude(state=PlanState.DRAFT)
    plans = (
        Plan.objects.filter(upper_plan__in=uppers)
        .filter(
            Q(state=PlanState.ISSUED, issued_on__gte=today - dt.timedelta(days=RECENT_DAYS))
            | Q(state=PlanState.DRAFT)
        )
        .select_related("issuer", "upper_plan")
        .order_by("issuer__name", "pk")
    )
    rows = []
    for plan in plans:
        deadline = plan.upper_plan.lower_plan_deadline()
        late = plan.state == PlanState.DRAFT and deadline is not None and deadline < today
        if plan.state == PlanState.DRAFT and not late:
            continue
        rows.append(LowerPlanRow(plan, deadline, late))
        if len(rows) >= SHOWN:
            break
    return sorted(rows, key=lambda r: (not r.late, r.plan.issuer.name))


def units_to_chase(user, today: dt.date) -> list[Due]:
    """Units of the user's rounds whose report is due today or late and can still be sent."""
    dues = reports_due(today, rounds=coordinated_rounds(user))
    return sorted(
        (d for d in dues if d.kind in CHASE_KINDS), key=lambda d: (d.due_on, d.unit.name, d.round.pk)
    )


def coordinator_home(user, today: dt.date) -> CoordinatorHome:
    awaiting = awaiting_reports(user, today)
    total = (
        len(awaiting)
        if len(awaiting) < SHOWN
        else UnitReport.objects.filter(
            round__in=coordinated_rounds(user), state=ReportState.SUBMITTED
        ).count()
    )
    return CoordinatorHome(awaiting, total, lower_plans(user, today), units_to_chase(user, today))


def waiting_count(user) -> int:
    """What waits for the user, for the bell: unread notifications and reports to approve."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True).count()
    if not coordinates(user):
        return unread
    return (
        unread
        + UnitReport.objects.filter(round__in=coordinated_rounds(user), state=ReportState.SUBMITTED).count()
    )
