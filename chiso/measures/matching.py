"""Which measure a task's measurable target names.

Rules (`measure_for_task`):

- a target whose metric is a measure's code (`on_time_dossiers`, as a user may correct it to)
  names that measure;
- otherwise the metric is compared, accent- and punctuation-insensitively (`chiso.core.text.fold`,
  words only), with every keyword of every measure (its name and the phrases of `keywords`): a
  keyword matches when its words appear in the metric as consecutive whole words. The longest
  matching keyword wins; when two measures tie on the longest keyword, nothing matches (the task
  is ambiguous and an officer enters its value by hand);
- when the metric matches nothing, the first clause of the target as written (up to ";", the
  clause `parse_target` read) is tried the same way: "có văn bản xin lỗi đối với 100% hồ sơ …
  trễ hạn" keeps its apology words there, not in the metric;
- a measure whose unit differs from the target's unit ("%" against "ngày") never matches.

Which measures a plan may use (`measures_for_plan`): the national ones and those owned by the
plan's issuer or a unit above it.
"""

from __future__ import annotations

from collections.abc import Iterable

from chiso.core.text import fold, fold_words
from chiso.measures.models import Measure
from chiso.units.models import Unit


def words_key(text: str | None) -> str:
    """ "Phản ánh, kiến nghị được giải quyết" → " phan anh kien nghi duoc giai quyet " (padded)."""
    words = fold_words(text)
    return f" {' '.join(words)} " if words else ""


def keyword_keys(measure: Measure) -> list[str]:
    """The padded word keys of the measure's name and keywords (cached on the instance)."""
    cached = measure.__dict__.get("_keyword_keys")
    if cached is None:
        lines = [measure.name, *measure.keywords.splitlines()]
        cached = sorted({key for key in map(words_key, lines) if key}, key=len, reverse=True)
        measure.__dict__["_keyword_keys"] = cached
    return cached


def _units_agree(task_unit: str, measure: Measure) -> bool:
    left, right = fold(task_unit).replace(" ", ""), fold(measure.unit_label).replace(" ", "")
    return not left or not right or left == right


def match_text(text: str, measures: Iterable[Measure]) -> Measure | None:
    """The measure whose longest keyword the text contains; None when none does or two tie."""
    key = words_key(text)
    if not key:
        return None
    best: Measure | None = None
    best_length = 0
    tie = False
    for measure in measures:
        length = next((len(k) for k in keyword_keys(measure) if k in key), 0)
        if length > best_length:
            best, best_length, tie = measure, length, False
        elif length and length == best_length and measure is not best:
            tie = True
    return None if tie else best


def measure_for_task(task, measures: Iterable[Measure]) -> Measure | None:
    """The measure the task's measurable target names, or None (see the module's rules)."""
    if not task.has_measurable_target:
        return None
    candidates = [m for m in measures if _units_agree(task.target_unit, m)]
    metric = (task.target_metric or "").strip()
    by_code = {m.code: m for m in candidates}
    if metric.lower() in by_code:
        return by_code[metric.lower()]
    found = match_text(metric, candidates)
    if found is None and task.target_text:
        found = match_text(task.target_text.split(";")[0], candidates)
    return found


def unit_chain(unit_id: int) -> set[int]:
    """The unit and every unit above it (one query per level: at most the depth of the tree)."""
    chain: set[int] = set()
    current: int | None = unit_id
    while current is not None and current not in chain:
        chain.add(current)
        current = Unit.objects.filter(pk=current).values_list("parent_id", flat=True).first()
    return chain


def measures_for_plan(plan) -> list[Measure]:
    """The measures a plan's tasks may name: national ones, and those of its issuer and units above.

    One query while no unit has measures of its own; then one more per level of the issuer's chain.
    """
    measures = list(Measure.objects.order_by("code"))
    if all(m.owner_id is None for m in measures):
        return measures
    chain = unit_chain(plan.issuer_id)
    return [m for m in measures if m.owner_id is None or m.owner_id in chain]
