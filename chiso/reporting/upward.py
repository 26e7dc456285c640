"""A lower plan's round feeds the unit's report upward (rule 4 of `chiso.reporting.rollup`).

A commune reporting to the province on its own plan L can run a round of L for its schools and
health stations that names the province's round as its upper round. The commune's report in the
province's round is then pre-filled from that round's approved reports: each of its task rows
still untouched (not started, nothing written) gets

- the status by the roll-up rule over the lower units' statuses (units without an approved
  report count as not started, so the task is not done until every unit has reported it done);
- the value, when the task has a measurable target and no value yet, summed or averaged as the
  task's unit says (the consolidation's value);
- what each lower unit did, one line per unit ("Trường Tiểu học A: …").

Rows the unit has touched are never overwritten, so running it again changes nothing; the unit
corrects and completes the pre-filled rows before sending.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from chiso.core import audit
from chiso.core.models import AuditEntry
from chiso.reporting.consolidation import consolidate
from chiso.reporting.models import ReportingRound, TaskProgress, TaskStatus, UnitReport
from chiso.reporting.rollup import NO_DATA, roll_up_status


def lower_round_of(report: UnitReport) -> ReportingRound | None:
    """The round of the report's lower plan that feeds the report's round, if any."""
    if not report.lower_plan_id:
        return None
    return (
        ReportingRound.objects.filter(plan_id=report.lower_plan_id, upper_round_id=report.round_id)
        .select_related("plan", "plan__issuer")
        .order_by("number")
        .first()
    )


def _untouched(progress: TaskProgress) -> bool:
    return progress.status == TaskStatus.NOT_STARTED and not progress.work_done.strip()


def prefill_from_lower_round(report: UnitReport, actor=None, today: dt.date | None = None) -> int:
    """Fill the report's untouched rows from its lower round's consolidation; how many were filled."""
    if not report.is_editable:
        return 0
    lower_round = lower_round_of(report)
    if lower_round is None:
        return 0
    rows = [p for p in report.progress.select_related("task") if _untouched(p)]
    if not rows:
        return 0
    lines = {line.task.pk: line for line in consolidate(lower_round, today).tasks}
    changed: list[TaskProgress] = []
    changes: dict[str, list] = {}
    for progress in rows:
        line = lines.get(progress.task_id)
        if line is None or not line.entries:
            continue
        status = roll_up_status([e.status for e in line.entries] + [None] * len(line.not_reported))
        if status == NO_DATA or status == TaskStatus.NOT_STARTED:
            continue
        progress.status = status
        if progress.task.has_measurable_target and progress.achieved_value is None:
            progress.achieved_value = line.value
        progress.work_done = "\n".join(f"{e.unit.name}: {e.work_done}" for e in line.entries if e.work_done)
        changed.append(progress)
        changes[str(progress.task.number or progress.task_id)] = [
            None,
            {
                "status": status,
                "value": str(progress.achieved_value) if progress.achieved_value is not None else None,
            },
        ]
    if not changed:
        return 0
    with transaction.atomic():
        TaskProgress.objects.bulk_update(changed, ["status", "achieved_value", "work_done", "updated_at"])
        audit.record(
            actor,
            report,
            AuditEntry.Action.UPDATE,
            changes,
            _("Điền sẵn từ báo cáo đã duyệt của các đơn vị cấp dưới (%(r)s)") % {"r": lower_round.title},
        )
    return len(changed)
