"""Derived series: results for units formed by a merger, computed from their predecessors.

The 34 provinces formed on 1 July 2025 have no published PAPI for 2018–2024; their leaders still
ask where they stand. For a unit that exists today and a year in which it has no published set,
the derived set is built from the published sets of that year of its predecessors (followed back
through the unit history until a unit with a set for that year):

* each criterion (and the total) is the mean of the predecessors' values, weighted by their
  population of that year when chiso has it for every one of them (`Population`), otherwise the
  plain mean; a criterion some predecessor lacks is left out (never filled);
* the set records its components and weights (`ScoreSetComponent`) and its method in words;
* it is labelled "số liệu quy đổi từ các đơn vị cũ" everywhere it is shown, has no published
  rank (analytics places it among the year's published values and says so), and is never used
  to compute means, ranks or groups of other units.

A unit with its own published set for a year gets no derived set for it (a stale one is removed).
`rebuild_all` is idempotent: a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chiso.core.audit import delete_audited, record_bulk_create, save_audited, update_audited
from chiso.frameworks.models import Framework
from chiso.scores.models import Population, Score, ScoreSet, ScoreSetComponent, Source
from chiso.units.models import Unit, UnitSuccession

DERIVED_LABEL = gettext_lazy("số liệu quy đổi từ các đơn vị cũ")
AUDIT_NOTE = "derive_scores"
PLACES = Decimal("0.0001")


@dataclass
class RebuildReport:
    created: int = 0
    updated: int = 0
    removed: int = 0
    notes: list[str] = field(default_factory=list)


def _history_edges() -> tuple[dict[int, list[tuple[int, bool]]], dict[int, list[int]]]:
    """predecessors[successor] = [(predecessor, partial)], successors[predecessor] = [successor]."""
    predecessors: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    successors: dict[int, list[int]] = defaultdict(list)
    for pred, succ, partial in UnitSuccession.objects.values_list(
        "predecessor_id", "successor_id", "partial"
    ):
        predecessors[succ].append((pred, partial))
        successors[pred].append(succ)
    return predecessors, successors


def _current_heirs(unit_ids: set[int], successors: dict[int, list[int]], current: set[int]) -> set[int]:
    """The units existing today that the given units went into, transitively."""
    heirs: set[int] = set()
    frontier = set(unit_ids)
    seen: set[int] = set()
    while frontier:
        unit_id = frontier.pop()
        seen.add(unit_id)
        for succ in successors.get(unit_id, []):
            if succ in current:
                heirs.add(succ)
            if succ not in seen:
                frontier.add(succ)
    return heirs


def _sources(
    unit_id: int, with_set: set[int], predecessors: dict[int, list[tuple[int, bool]]]
) -> tuple[list[int], bool]:
    """The nearest predecessors of `unit_id` that have a set (each path stops at the first one),
    and whether any edge on the way was partial."""
    found: list[int] = []
    partial_any = False
    frontier = [(unit_id, False)]
    seen = {unit_id}
    while frontier:
        current, partial = frontier.pop()
        for pred, edge_partial in predecessors.get(current, []):
            if pred in seen:
                continue
            seen.add(pred)
            if pred in with_set:
                found.append(pred)
                partial_any = partial_any or partial or edge_partial
            else:
                frontier.append((pred, partial or edge_partial))
    return sorted(found), partial_any


def _mean(values: list[Decimal], weights: list[Decimal]) -> Decimal:
    total_weight = sum(weights, Decimal(0))
    return (sum((v * w for v, w in zip(values, weights, strict=True)), Decimal(0)) / total_weight).quantize(
        PLACES, rounding=ROUND_HALF_UP
    )


def derive_values(components: list[ScoreSet], weights: list[Decimal]) -> dict[int | None, Decimal]:
    """criterion id (None: total) → the weighted mean, for the criteria every component has."""
    per_component = [{s.criterion_id: s.value for s in c.scores.all()} for c in components]
    common = set(per_component[0])
    for values in per_component[1:]:
        common &= set(values)
    return {key: _mean([values[key] for values in per_component], weights) for key in common}


def _weights(components: list[ScoreSet], year: int) -> tuple[list[Decimal], dict[int, int] | None]:
    populations = dict(
        Population.objects.filter(unit_id__in=[c.unit_id for c in components], year=year).values_list(
            "unit_id", "value"
        )
    )
    if len(populations) == len(components):
        return [Decimal(populations[c.unit_id]) for c in components], populations
    return [Decimal(1)] * len(components), None


def _method(components: list[ScoreSet], year: int, populations: dict[int, int] | None, partial: bool) -> str:
    names = ", ".join(c.unit.name for c in components)
    if populations:
        weights = "; ".join(
            f"{c.unit.name}: {populations[c.unit_id]:,}".replace(",", ".") for c in components
        )
        text = _("Trung bình có trọng số theo dân số năm %(year)d của các đơn vị cũ (%(weights)s).") % {
            "year": year,
            "weights": weights,
        }
    else:
        text = _(
            "Trung bình cộng điểm năm %(year)d của các đơn vị cũ: %(names)s (chưa có số dân để tính "
            "trọng số). Tiêu chí thiếu ở một đơn vị cũ thì không quy đổi."
        ) % {"year": year, "names": names}
    if partial:
        text += " " + _("Có đơn vị cũ chỉ nhập một phần vào đơn vị mới.")
    return text


@dataclass
class _NewSets:
    """Derived sets to create, written in bulk at the end of a rebuild."""

    sets: list[ScoreSet] = field(default_factory=list)
    links: list[tuple[ScoreSet, ScoreSetComponent]] = field(default_factory=list)
    scores: list[tuple[ScoreSet, Score]] = field(default_factory=list)

    def write(self, actor) -> None:
        ScoreSet.objects.bulk_create(self.sets)
        for owner, link in self.links:
            link.derived = owner
        for owner, score in self.scores:
            score.score_set = owner
        links = [link for _owner, link in self.links]
        scores = [score for _owner, score in self.scores]
        ScoreSetComponent.objects.bulk_create(links, batch_size=1000)
        Score.objects.bulk_create(scores, batch_size=1000)
        for objects in (self.sets, links, scores):
            record_bulk_create(actor, objects, AUDIT_NOTE)


def _sync(existing: dict, wanted: dict, field_name: str, make, actor) -> bool:
    """Make the rows `existing` (key → row) hold `wanted` (key → value of `field_name`): delete the
    rows not wanted, create the missing ones with `make(key)`, update the changed ones; audited."""
    changed = False
    for key, row in existing.items():
        if key not in wanted:
            delete_audited(row, actor, AUDIT_NOTE)
            changed = True
    for key, value in wanted.items():
        row = existing.get(key)
        if row is None or getattr(row, field_name) != value:
            row = row or make(key)
            setattr(row, field_name, value)
            save_audited(row, actor, AUDIT_NOTE)
            changed = True
    return changed


def _save_derived(
    unit_id: int,
    year: int,
    components: list[ScoreSet],
    partial: bool,
    existing_set: ScoreSet | None,
    pending: _NewSets,
    actor,
    report: RebuildReport,
) -> None:
    weights, populations = _weights(components, year)
    values = derive_values(components, weights)
    version = components[0].version
    wanted_fields = {
        "is_public": all(c.is_public for c in components),
        "method": _method(components, year, populations, partial),
        "publication": _("Quy đổi từ: %(names)s") % {"names": ", ".join(c.unit.name for c in components)},
    }
    if existing_set is None:
        new = ScoreSet(unit_id=unit_id, version=version, year=year, source=Source.DERIVED, **wanted_fields)
        pending.sets.append(new)
        pending.links.extend(
            (new, ScoreSetComponent(component_id=c.pk, weight=w))
            for c, w in zip(components, weights, strict=True)
        )
        pending.scores.extend((new, Score(criterion_id=key, value=value)) for key, value in values.items())
        report.created += 1
        return
    derived = existing_set
    changed = update_audited(derived, wanted_fields, actor, AUDIT_NOTE)
    links = {link.component_id: link for link in derived.components.all()}
    wanted_links = {c.pk: w for c, w in zip(components, weights, strict=True)}
    changed = (
        _sync(
            links,
            wanted_links,
            "weight",
            lambda key: ScoreSetComponent(derived=derived, component_id=key),
            actor,
        )
        or changed
    )
    scores = {s.criterion_id: s for s in derived.scores.all()}
    changed = (
        _sync(scores, values, "value", lambda key: Score(score_set=derived, criterion_id=key), actor)
        or changed
    )
    if changed:
        report.updated += 1


def rebuild_all(framework: Framework, actor, today: dt.date | None = None) -> RebuildReport:
    """Derived sets for every unit existing `today` with predecessors' published sets of `framework`."""
    report = RebuildReport()
    today = today or dt.date.today()
    official = list(
        ScoreSet.objects.filter(version__framework=framework, source=Source.OFFICIAL)
        .select_related("unit", "version")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.order_by("id")))
    )
    by_year: dict[int, dict[int, ScoreSet]] = defaultdict(dict)
    for score_set in official:
        by_year[score_set.year][score_set.unit_id] = score_set
    predecessors, successors = _history_edges()
    current = set(Unit.objects.valid_on(today).values_list("pk", flat=True))
    heirs = _current_heirs({s.unit_id for s in official}, successors, current)
    keep: set[tuple[int, int, int]] = set()
    current_sets = {
        (s.unit_id, s.year, s.version_id): s
        for s in ScoreSet.objects.filter(
            version__framework=framework, source=Source.DERIVED
        ).prefetch_related("components", "scores")
    }
    pending = _NewSets()
    for unit_id in sorted(heirs):
        for year, sets in sorted(by_year.items()):
            if unit_id in sets:
                continue
            sources, partial = _sources(unit_id, set(sets), predecessors)
            components = [sets[pred] for pred in sources]
            if not components or len({c.version_id for c in components}) != 1:
                continue
            key = (unit_id, year, components[0].version_id)
            _save_derived(unit_id, year, components, partial, current_sets.get(key), pending, actor, report)
            keep.add(key)
    for key, stale in current_sets.items():
        if key not in keep:
            delete_audited(stale, actor, AUDIT_NOTE)
            report.removed += 1
    pending.write(actor)
    return report
