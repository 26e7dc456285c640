"""What a unit publishes for citizens (công khai): its issued plans and progress by dimension.

Only published plans (never drafts) and figures from approved reports; no files, no narrative
text, no names of officers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from chiso.plans.models import Plan
from chiso.reporting.models import ReportingRound, ReportState, TaskProgress, TaskStatus, UnitReport
from chiso.reporting.monitoring import DimensionRow, round_monitoring, task_dimensions
from chiso.reporting.status import percent
from chiso.units.models import Unit


@dataclass
class DimensionProgress:
    code: str
    name: str
    done: int
    applicable: int

    @property
    def pct(self) -> float:
        return percent(self.done, self.applicable)


@dataclass
class PublishedRound:
    plan: Plan
    round: ReportingRound
    scope: str  # "own": the unit's own approved report; "all": the plan's units together
    dimensions: list[DimensionProgress] = field(default_factory=list)


@dataclass
class PublicPage:
    unit: Unit
    plans: list[Plan]
    rounds: list[PublishedRound]


def _from_rows(rows: list[DimensionRow]) -> list[DimensionProgress]:
    return [DimensionProgress(r.code, r.name, r.counts.done, r.counts.applicable) for r in rows]


def public_page(unit: Unit, today: dt.date | None = None) -> PublicPage:
    today = today or timezone.localdate()
    plans = list(Plan.objects.for_unit(unit).published().order_by("-year_from", "-issued_on", "-pk"))
    published: list[PublishedRound] = []
    # The plans the unit issued: the latest round already due, all its units together.
    for plan in plans:
        rnd = plan.reporting_rounds.filter(due_on__lt=today).order_by("-due_on").first()
        if rnd is not None:
            published.append(
                PublishedRound(plan, rnd, "all", _from_rows(round_monitoring(rnd, today).dimensions))
            )
    # The unit's own approved reports on upper plans: the latest per plan.
    seen: set[int] = set()
    reports = (
        UnitReport.objects.filter(unit=unit, state=ReportState.APPROVED)
        .exclude(round__plan__state="draft")
        .select_related("round", "round__plan", "round__plan__issuer")
        .order_by("-round__due_on")
    )
    for report in reports:
        plan = report.round.plan
        if plan.pk in seen:
            continue
        seen.add(plan.pk)
        tasks = list(plan.tasks.all())
        of_task, rows = task_dimensions(plan, tasks)
        by_key = {r.key: DimensionProgress(r.code, r.name, 0, 0) for r in rows}
        for task_id, status in TaskProgress.objects.filter(report=report).values_list("task_id", "status"):
            entry = by_key[of_task[task_id]]
            if status != TaskStatus.NOT_APPLICABLE:
                entry.applicable += 1
                entry.done += status == TaskStatus.DONE
        published.append(
            PublishedRound(plan, report.round, "own", [d for d in by_key.values() if d.applicable])
        )
    return PublicPage(unit, plans, published)
