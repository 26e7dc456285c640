"""Analytics of a unit's index results: where it stands, how it moved, where it is weak.

Rules (each one a leader's question, answered the same way on every page, export and the API):

* **Which result.** For a unit, framework and year, the unit's own published result (source
  official, then appraisal); when it has none, its derived result (a unit formed by a merger,
  see `chiso.scores.derived`), always labelled as such.
* **Cohort.** A result is compared with the published results (official or appraisal, never
  derived, self-assessed or surveyed) of the same framework and year for units of the same
  level: the provinces for PAPI. "National mean" is the cohort's plain mean of each criterion,
  "best" the cohort's highest value.
* **Rank.** The rank published with the score where there is one; otherwise the competition
  rank in the cohort (1 + the number of units with a higher value; equal values share a rank),
  among the units that have a value. A derived result is placed among the year's published
  values of the other units (its predecessors left out) and marked `rank_estimated`.
  `rank_change` is previous rank − rank: positive means the unit moved up.
* **Group.** PAPI's four groups split the ranked units into quartiles: rank r of n is in the
  first group k (1 best … 4 poor) with r ≤ ⌈k·n/4⌉. The group published with a score wins.
* **Previous.** The unit's result for the latest earlier year that has one (normally last year);
  criteria are compared by code.
* **Flags.** `falling` (value lower than the previous), `rising` (higher), `lowest_group` (group
  4), `below_mean` (lower than the cohort mean).

All figures of one call come from a handful of queries (the unit's sets, the cohorts of the years
shown), whatever the number of criteria or years.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chiso.frameworks.models import Criterion, CriterionLevel, Framework, FrameworkVersion
from chiso.scores import regions
from chiso.scores.derived import DERIVED_LABEL
from chiso.scores.models import GROUP_ORDER, Group, Score, ScoreSet, ScoreSetComponent, Source
from chiso.units.models import Unit

FALLING, RISING, LOWEST_GROUP, BELOW_MEAN = "falling", "rising", "lowest_group", "below_mean"
FLAGS = (FALLING, RISING, LOWEST_GROUP, BELOW_MEAN)
# Lazy: translated in the language of each request, not once at import.
FLAG_LABELS = {
    FALLING: gettext_lazy("Giảm điểm"),
    RISING: gettext_lazy("Tăng điểm"),
    LOWEST_GROUP: gettext_lazy("Nhóm thấp nhất"),
    BELOW_MEAN: gettext_lazy("Dưới trung bình cả nước"),
}
PUBLISHED_SOURCES = (Source.OFFICIAL, Source.APPRAISAL)
RESULT_SOURCES = (Source.OFFICIAL, Source.APPRAISAL, Source.DERIVED)
TOTAL = ""
PLACES = Decimal("0.0001")


@dataclass
class Best:
    unit_id: int
    unit_name: str
    score: Decimal


@dataclass
class CriterionResult:
    code: str
    name: str
    level: str
    score: Decimal | None = None
    previous: Decimal | None = None
    change: Decimal | None = None
    rank: int | None = None
    ranked: int | None = None
    previous_rank: int | None = None
    rank_change: int | None = None
    rank_estimated: bool = False
    group: str = ""
    group_label: str = ""
    national_mean: Decimal | None = None
    best: Best | None = None
    flags: list[str] = field(default_factory=list)
    max_points: Decimal | None = None

    @property
    def flag_labels(self) -> list[str]:
        return [str(FLAG_LABELS[flag]) for flag in self.flags]


@dataclass
class SeriesPoint:
    year: int
    value: Decimal | None
    national_mean: Decimal | None
    best: Decimal | None
    rank: int | None
    derived: bool


@dataclass
class Peer:
    unit_id: int
    unit_name: str
    total: Decimal | None
    rank: int | None
    group: str
    same_region: bool
    same_group: bool


@dataclass
class UnitResults:
    unit: Unit
    framework: Framework
    version: FrameworkVersion
    year: int
    source: str
    derived: bool
    derived_label: str
    method: str
    components: list[tuple[Unit, Decimal]]
    publication: str
    previous_year: int | None
    years: list[int]
    total: CriterionResult
    dimensions: list[CriterionResult]
    subdimensions: list[CriterionResult]
    series: dict[str, list[SeriesPoint]]
    peers: list[Peer]
    region: str

    @property
    def criteria(self) -> list[CriterionResult]:
        return [self.total, *self.dimensions, *self.subdimensions]


# --- cohorts -----------------------------------------------------------------------------------


@dataclass
class Cohort:
    """The published results of one framework, year and level: values per criterion code."""

    values: dict[str, dict[int, Decimal]]  # code → unit id → value
    published_rank: dict[
        tuple[str, int], tuple[int | None, int | None, str]
    ]  # (code, unit) → rank, ranked, group
    names: dict[int, str]

    def mean(self, code: str) -> Decimal | None:
        values = list(self.values.get(code, {}).values())
        if not values:
            return None
        return (sum(values, Decimal(0)) / len(values)).quantize(PLACES, rounding=ROUND_HALF_UP)

    def best(self, code: str) -> Best | None:
        values = self.values.get(code, {})
        if not values:
            return None
        unit_id = max(values, key=lambda uid: (values[uid], -uid))
        return Best(unit_id, self.names[unit_id], values[unit_id])

    def place(self, code: str, value: Decimal, leave_out: frozenset[int] = frozenset()) -> tuple[int, int]:
        """(competition rank, number ranked) of `value` among the cohort, `leave_out` excepted."""
        others = [v for uid, v in self.values.get(code, {}).items() if uid not in leave_out]
        return 1 + sum(1 for v in others if v > value), len(others) + 1

    def rank_of(self, code: str, unit_id: int) -> tuple[int | None, int | None, str]:
        """(rank, ranked, group) of a cohort member: as published, else computed."""
        rank, ranked, group = self.published_rank.get((code, unit_id), (None, None, ""))
        values = self.values.get(code, {})
        if rank is None and unit_id in values:
            value = values[unit_id]
            rank, ranked = 1 + sum(1 for v in values.values() if v > value), len(values)
        if not group and rank and ranked:
            group = quartile_group(rank, ranked)
        return rank, ranked, group


def code_of(score: Score) -> str:
    """The criterion code of a score ("" for the total)."""
    return score.criterion.code if score.criterion is not None else TOTAL


def quartile_group(rank: int, ranked: int) -> str:
    """PAPI's four groups by rank: the first k with rank ≤ ⌈k·n/4⌉."""
    for k, group in enumerate(GROUP_ORDER, start=1):
        if rank <= math.ceil(k * ranked / 4):
            return group
    return Group.POOR


def _level_of(unit: Unit) -> str | None:
    return unit.level


def load_cohorts(framework: Framework, years: set[int], level: str | None) -> dict[int, Cohort]:
    """The cohorts of `framework` for `years` at `level` (two queries; scores read as plain rows)."""
    sets = (
        ScoreSet.objects.filter(version__framework=framework, year__in=years, source__in=PUBLISHED_SOURCES)
        .select_related("unit", "unit__parent")
        .order_by("year", "source", "id")
    )
    cohorts: dict[int, Cohort] = {year: Cohort(defaultdict(dict), {}, {}) for year in years}
    members: dict[int, tuple[int, int]] = {}  # set id → (year, unit id)
    seen: set[tuple[int, int]] = set()
    for score_set in sets:
        if level is not None and _level_of(score_set.unit) != level:
            continue
        if (score_set.year, score_set.unit_id) in seen:  # official before appraisal
            continue
        seen.add((score_set.year, score_set.unit_id))
        members[score_set.pk] = (score_set.year, score_set.unit_id)
        cohorts[score_set.year].names[score_set.unit_id] = score_set.unit.name
    rows = Score.objects.filter(score_set_id__in=list(members)).values_list(
        "score_set_id", "criterion__code", "value", "rank", "ranked", "group"
    )
    for set_id, code, value, rank, ranked, group in rows:
        year, unit_id = members[set_id]
        cohort = cohorts[year]
        key = code if code is not None else TOTAL
        cohort.values[key][unit_id] = value
        if rank or group:
            cohort.published_rank[(key, unit_id)] = (rank, ranked, group)
    return cohorts


# --- one unit ----------------------------------------------------------------------------------


def _unit_sets(unit: Unit, framework: Framework) -> dict[int, ScoreSet]:
    """The unit's result per year: official, then appraisal, then derived."""
    priority: dict[str, int] = {str(source): i for i, source in enumerate(RESULT_SOURCES)}
    sets = (
        ScoreSet.objects.filter(unit=unit, version__framework=framework, source__in=RESULT_SOURCES)
        .select_related("version", "unit")
        .prefetch_related(
            Prefetch("scores", queryset=Score.objects.select_related("criterion")),
            Prefetch("components", queryset=ScoreSetComponent.objects.select_related("component__unit")),
        )
    )
    chosen: dict[int, ScoreSet] = {}
    for score_set in sets:
        current = chosen.get(score_set.year)
        if current is None or priority[score_set.source] < priority[current.source]:
            chosen[score_set.year] = score_set
    return chosen


def _values(score_set: ScoreSet) -> dict[str, Decimal]:
    return {code_of(s): s.value for s in score_set.scores.all()}


def _published_rank(score_set: ScoreSet) -> dict[str, tuple[int | None, int | None, str]]:
    return {code_of(s): (s.rank, s.ranked, s.group) for s in score_set.scores.all() if s.rank or s.group}


def _standing(
    score_set: ScoreSet, code: str, value: Decimal | None, cohort: Cohort | None
) -> tuple[int | None, int | None, str, bool]:
    """(rank, ranked, group, estimated) of one value of a unit's set."""
    if value is None or cohort is None:
        return None, None, "", False
    published = _published_rank(score_set).get(code)
    if published and published[0]:
        rank, ranked, group = published
        return rank, ranked, group or (quartile_group(rank, ranked) if rank and ranked else ""), False
    if score_set.source == Source.DERIVED:
        leave_out = frozenset(link.component.unit_id for link in score_set.components.all())
        rank, ranked = cohort.place(code, value, leave_out)
        return rank, ranked, quartile_group(rank, ranked), True
    rank, ranked, group = cohort.rank_of(code, score_set.unit_id)
    return rank, ranked, group, False


def _criterion_result(
    code: str,
    name: str,
    level: str,
    max_points: Decimal | None,
    current: ScoreSet,
    previous: ScoreSet | None,
    cohorts: dict[int, Cohort],
) -> CriterionResult:
    value = _values(current).get(code)
    result = CriterionResult(code=code, name=name, level=level, score=value, max_points=max_points)
    cohort = cohorts.get(current.year)
    result.rank, result.ranked, result.group, result.rank_estimated = _standing(current, code, value, cohort)
    result.group_label = str(Group(result.group).label) if result.group else ""
    if cohort is not None:
        result.national_mean = cohort.mean(code)
        result.best = cohort.best(code)
    if previous is not None:
        result.previous = _values(previous).get(code)
        prev_rank, *_rest = _standing(previous, code, result.previous, cohorts.get(previous.year))
        result.previous_rank = prev_rank
        if value is not None and result.previous is not None:
            result.change = value - result.previous
        if result.rank and prev_rank:
            result.rank_change = prev_rank - result.rank
    if result.change is not None and result.change < 0:
        result.flags.append(FALLING)
    if result.change is not None and result.change > 0:
        result.flags.append(RISING)
    if result.group == Group.POOR:
        result.flags.append(LOWEST_GROUP)
    if value is not None and result.national_mean is not None and value < result.national_mean:
        result.flags.append(BELOW_MEAN)
    return result


def _series(code: str, sets: dict[int, ScoreSet], cohorts: dict[int, Cohort]) -> list[SeriesPoint]:
    points = []
    for year in sorted(sets):
        score_set = sets[year]
        cohort = cohorts.get(year)
        value = _values(score_set).get(code)
        rank = _standing(score_set, code, value, cohort)[0]
        best = cohort.best(code) if cohort else None
        points.append(
            SeriesPoint(
                year=year,
                value=value,
                national_mean=cohort.mean(code) if cohort else None,
                best=best.score if best else None,
                rank=rank,
                derived=score_set.source == Source.DERIVED,
            )
        )
    return points


def _peers(
    unit: Unit, year: int, total: CriterionResult, cohort: Cohort | None, region: str, leave_out
) -> list[Peer]:
    if cohort is None:
        return []
    peers = []
    for unit_id, name in sorted(cohort.names.items(), key=lambda item: item[1]):
        if unit_id == unit.pk or unit_id in leave_out:
            continue
        rank, _ranked, group = cohort.rank_of(TOTAL, unit_id)
        same_region = bool(region) and regions.region_of_id(unit_id) == region
        same_group = bool(total.group) and group == total.group
        if same_region or same_group:
            peers.append(
                Peer(
                    unit_id,
                    name,
                    cohort.values.get(TOTAL, {}).get(unit_id),
                    rank,
                    group,
                    same_region,
                    same_group,
                )
            )
    peers.sort(key=lambda p: (p.rank is None, p.rank or 0, p.unit_name))
    return peers


def unit_results(unit: Unit, framework: Framework, year: int | None = None) -> UnitResults | None:
    """The analytics of `unit` in `framework` for `year` (default: the latest with a result)."""
    sets = _unit_sets(unit, framework)
    if not sets:
        return None
    year = year if year is not None else max(sets)
    current = sets.get(year)
    if current is None:
        return None
    earlier = [y for y in sets if y < year]
    previous = sets[max(earlier)] if earlier else None
    shown = {y: s for y, s in sets.items() if y <= year}
    cohorts = load_cohorts(framework, set(shown), _level_of(unit))
    criteria = list(
        Criterion.objects.filter(
            version=current.version, level__in=[CriterionLevel.DIMENSION, CriterionLevel.SUBDIMENSION]
        ).order_by("position", "id")
    )
    dimensions = [c for c in criteria if c.level == CriterionLevel.DIMENSION]
    total_max = sum((c.max_points for c in dimensions if c.max_points), Decimal(0)) or None
    total = _criterion_result(TOTAL, _("Tổng điểm"), "total", total_max, current, previous, cohorts)
    values = _values(current)
    dimension_results = [
        _criterion_result(c.code, c.name_vi, c.level, c.max_points, current, previous, cohorts)
        for c in dimensions
    ]
    sub_results = [
        _criterion_result(c.code, c.name_vi, c.level, c.max_points, current, previous, cohorts)
        for c in criteria
        if c.level == CriterionLevel.SUBDIMENSION and c.code in values
    ]
    components = [(link.component.unit, link.weight) for link in current.components.all()]
    leave_out = frozenset(u.pk for u, _w in components)
    region = regions.region_of(unit)
    series = {TOTAL: _series(TOTAL, shown, cohorts)}
    for c in dimensions:
        series[c.code] = _series(c.code, shown, cohorts)
    return UnitResults(
        unit=unit,
        framework=framework,
        version=current.version,
        year=year,
        source=current.source,
        derived=current.source == Source.DERIVED,
        derived_label=str(DERIVED_LABEL) if current.source == Source.DERIVED else "",
        method=current.method,
        components=components,
        publication=current.publication,
        previous_year=previous.year if previous else None,
        years=sorted(sets),
        total=total,
        dimensions=dimension_results,
        subdimensions=sub_results,
        series=series,
        peers=_peers(unit, year, total, cohorts.get(year), region, leave_out),
        region=region,
    )


def frameworks_with_results(unit: Unit) -> list[Framework]:
    ids = ScoreSet.objects.filter(unit=unit, source__in=RESULT_SOURCES).values("version__framework_id")
    return list(Framework.objects.filter(pk__in=ids).order_by("code"))


def results_unit_for(unit: Unit, framework: Framework) -> Unit | None:
    """The nearest unit up the tree from `unit` (itself first) that has results in `framework`."""
    node: Unit | None = unit
    while node is not None:
        if ScoreSet.objects.filter(
            unit=node, version__framework=framework, source__in=RESULT_SOURCES
        ).exists():
            return node
        node = node.parent
    return None


# --- JSON (the `chiso scores` command and the API) ------------------------------------------------


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def results_json(results: UnitResults) -> dict:
    previous = None
    if results.previous_year is not None:
        previous = {
            "year": results.previous_year,
            "total": _number(results.total.previous),
            "rank": results.total.previous_rank,
        }
    return {
        "unit": {"name": results.unit.name, "code": results.unit.code},
        "framework": results.framework.code,
        "year": results.year,
        "source": results.source,
        "derived": results.derived,
        "derived_label": results.derived_label or None,
        "method": results.method or None,
        "components": [{"unit": u.name, "code": u.code, "weight": float(w)} for u, w in results.components],
        "total": _number(results.total.score),
        "rank": results.total.rank,
        "ranked": results.total.ranked,
        "rank_estimated": results.total.rank_estimated,
        "group": results.total.group or None,
        "national_mean": _number(results.total.national_mean),
        "previous": previous,
        "dimensions": [
            {
                "code": d.code,
                "name": d.name,
                "score": _number(d.score),
                "previous": _number(d.previous),
                "change": _number(d.change),
                "rank": d.rank,
                "group": d.group or None,
                "national_mean": _number(d.national_mean),
                "best": {"unit": d.best.unit_name, "score": _number(d.best.score)} if d.best else None,
                "flags": d.flags,
            }
            for d in results.dimensions
        ],
    }
