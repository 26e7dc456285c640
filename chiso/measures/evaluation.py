"""Evaluating a task's measurable target against the observations of a unit.

Rules:

- the task's measure is `measure_for_task` (see `chiso.measures.matching`); a task with no
  measurable target, or whose target names no measure, is not evaluated (`measure` is None,
  state "no data");
- the observation used for (task, unit) over a window [start, end] (a reporting round's data
  cut-off window) is the unit's observation of that measure whose period **ends inside the
  window** (start ≤ period_end ≤ end). When several do, the latest period end wins; on the same
  end, the longer period (the earlier start): "6 tháng đầu năm" beats "Quý II", both ending 30/6;
- the observed value is compared with the target's value by the target's operator (≥, >, =, ≤,
  <): met or not met; without an observation: no data. The value is never rounded first.

`evaluate_pairs` evaluates every (unit, task) pair of a round in two queries (measures, then
observations), whatever the number of units and tasks; `evaluate` is the same rule for one pair.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

from chiso.core.vndates import short_date
from chiso.measures.matching import measure_for_task, measures_for_plan
from chiso.measures.models import Measure, Observation

MET = "met"
NOT_MET = "not_met"
NO_DATA = "no_data"
STATES = (MET, NOT_MET, NO_DATA)
STATE_LABELS = {MET: pgettext_lazy("target", "Đạt"), NOT_MET: _l("Không đạt"), NO_DATA: _l("Chưa có số liệu")}
STATE_CSS = {MET: "success", NOT_MET: "danger", NO_DATA: "secondary"}

OPERATORS = {">=": operator.ge, ">": operator.gt, "=": operator.eq, "<=": operator.le, "<": operator.lt}


@dataclass(frozen=True)
class Evaluation:
    state: str
    value: Decimal | None
    observation: Observation | None
    measure: Measure | None

    @property
    def evaluated(self) -> bool:
        """Whether the task's target names a measure at all."""
        return self.measure is not None

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def css(self) -> str:
        return STATE_CSS[self.state]

    @property
    def period_label(self) -> str:
        """ "01/01–31/03/2026"."""
        return period_text(self.observation)


def period_text(observation: Observation | None) -> str:
    """An observation's period as pages show it: "01/01–31/03/2026" ("01/07/2025–30/06/2026" across years)."""
    if observation is None:
        return ""
    start, end = observation.period_start, observation.period_end
    head = start.strftime("%d/%m") if start.year == end.year else short_date(start)
    return f"{head}–{short_date(end)}"


NOT_EVALUATED = Evaluation(NO_DATA, None, None, None)


def compare(op: str, value: Decimal, target: Decimal) -> bool:
    return OPERATORS[op](value, target)


def judge(task, measure: Measure | None, observation: Observation | None) -> Evaluation:
    """The evaluation of a task given its measure and the observation chosen for it."""
    if measure is None:
        return NOT_EVALUATED
    if observation is None:
        return Evaluation(NO_DATA, None, None, measure)
    value = observation.value
    state = MET if compare(task.target_op, value, task.target_value) else NOT_MET
    return Evaluation(state, value, observation, measure)


def _order(o: Observation) -> tuple:
    return (o.period_end, -o.period_start.toordinal())


def pick(observations: Iterable[Observation]) -> Observation | None:
    """The observation the rule uses among those ending in the window (see the module's rules)."""
    return max(observations, key=_order, default=None)


def _plan_measures(tasks: list, measures: list[Measure] | None) -> list[Measure]:
    if measures is not None:
        return measures
    if not tasks:
        return []
    return measures_for_plan(tasks[0].plan)


def evaluate(task, unit, start: dt.date, end: dt.date, measures: list[Measure] | None = None) -> Evaluation:
    """The evaluation of one task for one unit over [start, end]."""
    measure = measure_for_task(task, _plan_measures([task], measures))
    if measure is None:
        return NOT_EVALUATED
    unit_id = unit if isinstance(unit, int) else unit.pk
    found = Observation.objects.filter(measure=measure, unit_id=unit_id).in_window(start, end)
    return judge(task, measure, pick(found))


def task_measures(tasks: Iterable, measures: list[Measure]) -> dict[int, Measure]:
    """{task id: measure} for the tasks whose target names one."""
    result = {}
    for task in tasks:
        measure = measure_for_task(task, measures)
        if measure is not None:
            result[task.pk] = measure
    return result


def evaluate_pairs(
    tasks: list,
    pairs: Iterable[tuple[int, int]],
    start: dt.date,
    end: dt.date,
    measures: list[Measure] | None = None,
) -> dict[tuple[int, int], Evaluation]:
    """{(unit id, task id): evaluation} for the (unit id, task id) pairs whose task names a measure.

    Two queries at most (the plan's measures unless given, then the observations in the window).
    """
    matched = task_measures(tasks, _plan_measures(tasks, measures))
    if not matched:
        return {}
    wanted = [(u, t) for u, t in pairs if t in matched]
    if not wanted:
        return {}
    unit_ids = {u for u, _t in wanted}
    best: dict[tuple[int, int], Observation] = {}
    rows = (
        Observation.objects.filter(measure_id__in={m.pk for m in matched.values()}, unit_id__in=unit_ids)
        .in_window(start, end)
        .only("id", "measure_id", "unit_id", "period_start", "period_end", "value", "source", "note")
        .order_by()
    )
    for o in rows:
        key = (o.unit_id, o.measure_id)
        if key not in best or _order(o) > _order(best[key]):
            best[key] = o
    tasks_by_id = {t.pk: t for t in tasks}
    return {(u, t): judge(tasks_by_id[t], matched[t], best.get((u, matched[t].pk))) for u, t in wanted}
