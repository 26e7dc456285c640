"""Gap analysis: does a plan put its tasks where the index results are weak?

For a plan and each framework it addresses:

* **Whose results.** The plan's issuer's, or (a body such as a Sở, a commune without its own
  score) those of the nearest unit above it that has results in the framework: a commune's plan
  implementing the province's PAPI plan weighs the province's dimensions.
* **Which year.** The latest results available before the plan's issue date (today for a draft):
  a set's `published_on`, or, where unknown, 1 May of the year after the survey year (PAPI is
  published around April).
* **Rows.** Each dimension of the plan's version, and each sub-dimension that has a score or a
  task; criteria are matched to the results by code. A task counts for a criterion when one of
  its criteria (in any version of the framework) has that code or a code below it ("1.2" counts
  for "1"). Lead units are the tasks' leads as the plan names them.
* **Progress.** From the plan's latest reporting round with reports: the share of the tasks'
  progress rows reported done, not-applicable rows left out; none without reports.
* **Order.** Weak criteria (falling, lowest group, or below the national mean) with at most
  `FEW_TASKS` tasks first, then weak criteria with more tasks, then the rest; within a priority,
  more flags first, then the lower score. Each row says why, in words.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from chiso.frameworks.models import Criterion, CriterionLevel, Framework
from chiso.plans.models import Plan, TaskAssignment
from chiso.reporting.models import ReportingRound, TaskProgress, TaskStatus
from chiso.scores.analytics import (
    BELOW_MEAN,
    FALLING,
    LOWEST_GROUP,
    RESULT_SOURCES,
    CriterionResult,
    UnitResults,
    unit_results,
)
from chiso.scores.models import ScoreSet
from chiso.units.models import Unit

FEW_TASKS = 1
WEAK_FLAGS = {FALLING, LOWEST_GROUP, BELOW_MEAN}


@dataclass
class GapRow:
    framework: str
    code: str
    name: str
    level: str
    score: Decimal | None
    change: Decimal | None
    rank: int | None
    group: str
    flags: list[str]
    tasks: int
    lead_units: list[str]
    progress_pct: Decimal | None
    priority: int
    reason: str
    national_mean: Decimal | None = None


@dataclass
class GapAnalysis:
    plan: Plan
    framework: Framework
    unit: Unit | None
    results: UnitResults | None
    scores_year: int | None
    derived: bool
    rows: list[GapRow] = field(default_factory=list)


def available_on(score_set: ScoreSet) -> dt.date:
    return score_set.published_on or dt.date(score_set.year + 1, 5, 1)


def _results_before(unit: Unit, framework: Framework, day: dt.date) -> tuple[Unit | None, int | None]:
    """The nearest unit up from `unit` with results available before `day`, and their year."""
    node: Unit | None = unit
    while node is not None:
        sets = ScoreSet.objects.filter(unit=node, version__framework=framework, source__in=RESULT_SOURCES)
        years = [s.year for s in sets if available_on(s) <= day]
        if years:
            return node, max(years)
        node = node.parent
    return None, None


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}".replace(".", ",")


def _reason(result: CriterionResult | None, tasks: int, previous_year: int | None) -> str:
    parts = []
    if result is not None:
        if FALLING in result.flags and result.change is not None:
            parts.append(
                _("giảm %(change)s điểm so với năm %(year)s")
                % {"change": _number(-result.change), "year": previous_year}
            )
        if LOWEST_GROUP in result.flags:
            parts.append(_("thuộc nhóm đạt điểm thấp nhất"))
        if BELOW_MEAN in result.flags:
            parts.append(_("dưới trung bình cả nước (%(mean)s)") % {"mean": _number(result.national_mean)})
    if tasks == 0:
        parts.append(_("kế hoạch chưa có nhiệm vụ nào"))
    elif tasks <= FEW_TASKS and parts:
        parts.append(_("kế hoạch chỉ có %(n)d nhiệm vụ") % {"n": tasks})
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] if text else ""


def _progress(plan: Plan, tasks_by_code: dict[str, set[int]]) -> dict[str, Decimal | None]:
    """code → % of the tasks' progress rows reported done in the latest round with reports."""
    latest = (
        ReportingRound.objects.filter(plan=plan, reports__isnull=False)
        .order_by("-period_end", "-number")
        .first()
    )
    if latest is None:
        return {}
    statuses: dict[int, list[str]] = defaultdict(list)
    for task_id, status in TaskProgress.objects.filter(report__round=latest).values_list("task_id", "status"):
        statuses[task_id].append(status)
    result: dict[str, Decimal | None] = {}
    for code, task_ids in tasks_by_code.items():
        rows = [s for t in task_ids for s in statuses.get(t, []) if s != TaskStatus.NOT_APPLICABLE]
        if rows:
            done = sum(1 for s in rows if s == TaskStatus.DONE)
            result[code] = (Decimal(100) * done / len(rows)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return result


def _tasks_by_code(plan: Plan, framework: Framework) -> tuple[dict[str, set[int]], dict[int, list[str]]]:
    tasks = plan.tasks.prefetch_related(
        Prefetch("criteria", queryset=Criterion.objects.filter(version__framework=framework)),
        Prefetch("assignments", queryset=TaskAssignment.objects.select_related("unit", "group")),
    )
    by_code: dict[str, set[int]] = defaultdict(set)
    leads: dict[int, list[str]] = {}
    for task in tasks:
        codes = {c.code for c in task.criteria.all()}
        for code in codes:
            parts = code.split(".")
            for depth in range(1, len(parts) + 1):
                by_code[".".join(parts[:depth])].add(task.pk)
        leads[task.pk] = [a.display for a in task.leads] or ([task.lead_text] if task.lead_text else [])
    return by_code, leads


def _analyse(
    plan: Plan, framework: Framework, version, day: dt.date, known: list[UnitResults]
) -> GapAnalysis:
    unit, year = _results_before(plan.issuer, framework, day)
    results = None
    if unit is not None:
        results = next(
            (r for r in known if r.unit.pk == unit.pk and r.framework.pk == framework.pk and r.year == year),
            None,
        ) or unit_results(unit, framework, year)
    analysis = GapAnalysis(plan, framework, unit, results, year, bool(results and results.derived))
    by_code, leads = _tasks_by_code(plan, framework)
    progress = _progress(plan, by_code)
    scored = {r.code: r for r in results.criteria} if results else {}
    criteria = Criterion.objects.filter(
        version=version, level__in=[CriterionLevel.DIMENSION, CriterionLevel.SUBDIMENSION]
    ).order_by("position", "id")
    for criterion in criteria:
        result = scored.get(criterion.code)
        task_ids = by_code.get(criterion.code, set())
        if criterion.level == CriterionLevel.SUBDIMENSION and result is None and not task_ids:
            continue
        flags = list(result.flags) if result else []
        weak = bool(WEAK_FLAGS & set(flags))
        priority = 0 if weak and len(task_ids) <= FEW_TASKS else 1 if weak else 2
        names = sorted({name for t in task_ids for name in leads.get(t, []) if name})
        analysis.rows.append(
            GapRow(
                framework=framework.code,
                code=criterion.code,
                name=criterion.name_vi,
                level=criterion.level,
                score=result.score if result else None,
                change=result.change if result else None,
                rank=result.rank if result else None,
                group=result.group if result else "",
                flags=flags,
                tasks=len(task_ids),
                lead_units=names,
                progress_pct=progress.get(criterion.code),
                priority=priority,
                reason=_reason(result, len(task_ids), results.previous_year if results else None),
                national_mean=result.national_mean if result else None,
            )
        )
    analysis.rows.sort(
        key=lambda r: (
            r.priority,
            -len(WEAK_FLAGS & set(r.flags)),
            r.score if r.score is not None else Decimal(99),
        )
    )
    return analysis


def gap_analysis(
    plan: Plan, today: dt.date | None = None, known: list[UnitResults] | None = None
) -> list[GapAnalysis]:
    """One analysis per framework the plan addresses (its versions, in order). `known`: results the
    caller already has (the leader's home), used instead of computing them again."""
    day = plan.issued_on or today or dt.date.today()
    analyses = []
    for version in plan.frameworks.select_related("framework").order_by("framework__code", "year_from"):
        analyses.append(_analyse(plan, version.framework, version, day, known or []))
    return analyses


def gap_json(analyses: list[GapAnalysis]) -> dict:
    """The JSON of `chiso gap_analysis` (the first framework's year and label at the top)."""
    first = analyses[0] if analyses else None
    plan = first.plan if first else None

    def number(value):
        return None if value is None else float(value)

    return {
        "plan": plan.number_symbol if plan else None,
        "scores_year": first.scores_year if first else None,
        "derived": first.derived if first else False,
        "results_unit": first.unit.name if first and first.unit else None,
        "criteria": [
            {
                "framework": row.framework,
                "code": row.code,
                "name": row.name,
                "score": number(row.score),
                "change": number(row.change),
                "flags": row.flags,
                "tasks": row.tasks,
                "lead_units": row.lead_units,
                "progress_pct": number(row.progress_pct),
                "reason": row.reason,
            }
            for analysis in analyses
            for row in analysis.rows
        ],
    }
