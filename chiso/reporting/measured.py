"""Measurable targets in reporting: the system's figure beside what a unit reports.

Rules:

- a round evaluates each expected (unit, task) pair whose target names a measure over the round's
  data cut-off window [period_start, period_end] (`chiso.measures.evaluation`: met, not met, no
  data), in two queries whatever the size of the round;
- when a unit's report is opened (created, or shown again while it can be edited), every
  measurable task whose achieved value is still empty and was never filled from the system gets
  the evaluation's value: `achieved_value` and `measured_value` are set, `observation` names
  the observation used. A value the officer entered, or cleared after a pre-fill, is never
  overwritten;
- the officer may correct a pre-filled value; a value different from `measured_value` needs a
  note (`achieved_note`) saying why — checked by `services.save_report` with `correction_error`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from chiso.core import audit
from chiso.core.models import AuditEntry
from chiso.core.numbers import decimal_text
from chiso.measures.evaluation import MET, NO_DATA, NOT_MET, Evaluation, evaluate_pairs, period_text
from chiso.measures.matching import measures_for_plan
from chiso.measures.models import Observation
from chiso.reporting.models import ReportingRound, TaskProgress, UnitReport


@dataclass
class EvaluationCounts:
    """How many units meet a task's measurable target, by the system's figures."""

    met: int = 0
    not_met: int = 0
    no_data: int = 0
    units: list[tuple[int, Evaluation]] = field(default_factory=list)

    def add(self, unit_id: int, evaluation: Evaluation) -> None:
        setattr(self, evaluation.state, getattr(self, evaluation.state) + 1)
        self.units.append((unit_id, evaluation))

    @property
    def total(self) -> int:
        return self.met + self.not_met + self.no_data

    @property
    def state(self) -> str:
        """The task's state over its units: not met if any unit misses, met if all with data meet."""
        if self.not_met:
            return NOT_MET
        if self.met:
            return MET
        return NO_DATA

    @property
    def label(self) -> str:
        """ "5/6 đơn vị đạt; 1 chưa có số liệu"."""
        measured = self.met + self.not_met
        text = _("%(m)d/%(n)d đơn vị đạt") % {"m": self.met, "n": measured}
        if self.no_data:
            text += "; " + _("%(k)d chưa có số liệu") % {"k": self.no_data}
        return text


def round_evaluations(rnd: ReportingRound, tasks: list, pairs) -> dict[tuple[int, int], Evaluation]:
    """{(unit id, task id): evaluation} for the round's pairs whose task names a measure."""
    return evaluate_pairs(tasks, pairs, rnd.period_start, rnd.period_end, measures_for_plan(rnd.plan))


def by_task(evaluations: dict[tuple[int, int], Evaluation]) -> dict[int, EvaluationCounts]:
    counts: dict[int, EvaluationCounts] = {}
    for (unit_id, task_id), evaluation in evaluations.items():
        counts.setdefault(task_id, EvaluationCounts()).add(unit_id, evaluation)
    return counts


def state_counter(evaluations: dict[tuple[int, int], Evaluation]) -> Counter:
    return Counter(e.state for e in evaluations.values())


def prefill_report(report: UnitReport, actor=None) -> int:
    """Fill the empty measurable values of an editable report from the system (see the rules).

    Returns how many tasks were filled. A few queries, none per task.
    """
    if not report.is_editable:
        return 0
    rows = [
        p
        for p in report.progress.select_related("task", "task__plan")
        if p.task.has_measurable_target
        and p.achieved_value is None
        and p.measured_value is None
        and p.observation_id is None
    ]
    if not rows:
        return 0
    rnd = report.round
    tasks = [p.task for p in rows]
    evaluations = round_evaluations(rnd, tasks, [(report.unit_id, t.pk) for t in tasks])
    filled: list[TaskProgress] = []
    changes: dict[str, list] = {}
    for p in rows:
        evaluation = evaluations.get((report.unit_id, p.task_id))
        if evaluation is None or evaluation.value is None:
            continue
        p.achieved_value = p.measured_value = evaluation.value
        p.observation = evaluation.observation
        filled.append(p)
        changes[str(p.task.number or p.task_id)] = [None, str(evaluation.value)]
    if filled:
        with transaction.atomic():
            TaskProgress.objects.bulk_update(
                filled, ["achieved_value", "measured_value", "observation", "updated_at"]
            )
            audit.record(actor, report, AuditEntry.Action.UPDATE, changes, _("Điền sẵn số liệu từ hệ thống"))
    return len(filled)


def correction_error(progress: TaskProgress, value: Decimal | None, note: str) -> bool:
    """Whether a value differing from the system's figure lacks the note that explains it."""
    return progress.measured_value is not None and value != progress.measured_value and not note.strip()


def system_label(observation: Observation | None, value: Decimal | None, unit_label: str = "") -> str:
    """ "Số liệu từ hệ thống: 96,2% (01/01–31/03/2026; Hệ thống một cửa điện tử)"."""
    if value is None:
        return ""
    figure = decimal_text(value) + (
        unit_label if unit_label == "%" else f" {unit_label}" if unit_label else ""
    )
    if observation is None:
        return _("Số liệu từ hệ thống: %(v)s") % {"v": figure}
    where = period_text(observation)
    if observation.source:
        where += f"; {observation.source}"
    return _("Số liệu từ hệ thống: %(v)s (%(w)s)") % {"v": figure, "w": where}
