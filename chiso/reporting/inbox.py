"""An officer's inbox: everything due from the units they act for, nearest deadline first.

- reports: rounds still open (or a report returned to them) in which one of their units is
  expected and has not sent its report;
- lower plans: implementing plans of their units still in draft, with the upper plan's deadline.

Only the units of the user's own memberships count (a district coordinator's inbox does not list
every commune's report; those are on the monitoring page).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from chiso.plans.models import Plan, PlanState
from chiso.reporting.expected import expected_for_round
from chiso.reporting.models import ReportingRound, ReportState, RoundExtension, UnitReport
from chiso.reporting.status import unit_due, unit_lock
from chiso.units.models import Membership, Role, Unit

WRITER_ROLES = [Role.OFFICER, Role.COORDINATOR, Role.ADMIN]


@dataclass
class InboxItem:
    kind: str  # "report" or "lower_plan"
    unit: Unit
    due_on: dt.date | None
    title: str
    url: str
    state: str  # what is left to do, in words
    round: ReportingRound | None = None
    report_id: int | None = None
    plan: Plan | None = None

    def days_left(self, today: dt.date) -> int | None:
        return (self.due_on - today).days if self.due_on else None


def writer_units(user) -> list[Unit]:
    ids = Membership.objects.filter(user=user, role__in=WRITER_ROLES).values_list("unit_id", flat=True)
    return list(Unit.objects.filter(pk__in=ids))


def _ancestor_ids(units: list[Unit]) -> set[int]:
    ids: set[int] = set()
    for unit in units:
        ids.update(unit.ancestors(include_self=True).values_list("pk", flat=True))
    return ids


def inbox(user, today: dt.date | None = None) -> list[InboxItem]:
    today = today or timezone.localdate()
    units = writer_units(user)
    if not units:
        return []
    unit_ids = {u.pk for u in units}
    ancestors = _ancestor_ids(units)
    plans = Plan.objects.exclude(state=PlanState.DRAFT).filter(
        Q(tasks__assignments__unit_id__in=unit_ids) | Q(tasks__assignments__group__owner_id__in=ancestors)
    )
    returned = UnitReport.objects.filter(unit_id__in=unit_ids, state=ReportState.RETURNED).values("round_id")
    rounds = (
        ReportingRound.objects.filter(plan__in=plans.values("pk"))
        .filter(
            Q(opens_on__lte=today + dt.timedelta(days=30), locks_on__gte=today)
            | Q(extensions__unit_id__in=unit_ids, extensions__due_on__gte=today)
            | Q(pk__in=returned)
        )
        .select_related("plan", "plan__issuer")
        .distinct()
    )
    items: list[InboxItem] = []
    for rnd in rounds:
        expectation = expected_for_round(rnd)
        mine = [uid for uid in unit_ids if uid in expectation.units]
        if not mine:
            continue
        reports = {r.unit_id: r for r in UnitReport.objects.filter(round=rnd, unit_id__in=mine)}
        extensions = dict(
            RoundExtension.objects.filter(round=rnd, unit_id__in=mine).values_list("unit_id", "due_on")
        )
        for unit_id in mine:
            report = reports.get(unit_id)
            if report is not None and report.state in (ReportState.SUBMITTED, ReportState.APPROVED):
                continue
            extension = extensions.get(unit_id)
            if (report is None or report.state != ReportState.RETURNED) and today > unit_lock(rnd, extension):
                continue
            if report is None:
                state = "Chưa lập báo cáo"
            elif report.state == ReportState.RETURNED:
                state = "Bị trả lại, cần sửa và gửi lại"
            else:
                state = "Đang soạn"
            items.append(
                InboxItem(
                    kind="report",
                    unit=expectation.units[unit_id].unit,
                    due_on=unit_due(rnd, extension),
                    title=f"{rnd.title} — {rnd.plan.number_symbol}",
                    url=f"/reporting/rounds/{rnd.pk}/units/{unit_id}/report/",
                    state=state,
                    round=rnd,
                    report_id=report.pk if report else None,
                    plan=rnd.plan,
                )
            )
    drafts = (
        Plan.objects.drafts()
        .filter(issuer_id__in=unit_ids, upper_plan__isnull=False)
        .select_related("issuer", "upper_plan")
    )
    for draft in drafts:
        items.append(
            InboxItem(
                kind="lower_plan",
                unit=draft.issuer,
                due_on=draft.upper_plan.lower_plan_deadline(),
                title=f"Kế hoạch thực hiện {draft.upper_plan.number_symbol}",
                url=f"/plans/{draft.pk}/",
                state="Dự thảo, chưa ban hành",
                plan=draft,
            )
        )
    return sorted(items, key=lambda i: (i.due_on is None, i.due_on or dt.date.max, i.unit.name))
