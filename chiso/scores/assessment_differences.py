"""The criteria tree an assessment scores, and the differences between self-assessed and appraised
points.

* The scorable criteria are the leaves of the version's tree; each needs published maximum points.
* A parent's maximum is its published one, else the sum of its children's; its points are the sum
  of its leaves' known points (None while none is known).
* A difference is appraised − self-assessed; an accepted criterion has the self points as
  appraised points and no reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from chiso.frameworks.catalog import tree_order
from chiso.frameworks.models import Criterion, FrameworkVersion
from chiso.scores.models import Assessment


def criteria_tree(version: FrameworkVersion) -> list[Criterion]:
    """The version's criteria, parents before children; each gets `depth` and `is_leaf`."""
    ordered = tree_order(list(Criterion.objects.filter(version=version)))
    parents = {c.parent_id for c in ordered if c.parent_id}
    for criterion in ordered:
        criterion.is_leaf = criterion.pk not in parents
    return ordered


def missing_max_points(version: FrameworkVersion) -> list[Criterion]:
    """The leaves without published maximum points (an admin must enter them first)."""
    return [c for c in criteria_tree(version) if c.is_leaf and c.max_points is None]


@dataclass
class DifferenceRow:
    criterion: Criterion
    depth: int
    is_leaf: bool
    max_points: Decimal | None
    self_points: Decimal | None
    appraised_points: Decimal | None
    difference: Decimal | None
    reason: str
    accepted: bool | None  # leaves: True accepted, False adjusted, None not yet appraised


@dataclass
class Differences:
    rows: list[DifferenceRow]
    max_total: Decimal
    self_total: Decimal | None
    appraised_total: Decimal | None
    difference: Decimal | None


def _add(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    if b is None:
        return a
    return b if a is None else a + b


def _minus(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else a - b


def differences(assessment: Assessment) -> Differences:
    """Per criterion (tree order): maximum, self, appraised, difference (appraised − self) and the
    adjustment's reason; and the totals.

    Parents sum their leaves' known points. While the appraisal is under way a parent's appraised
    points count its undecided leaves at their self points (what it becomes if they are accepted);
    a parent with no decided leaf has no appraised points."""
    items = {i.criterion_id: i for i in assessment.items.all()}
    tree = criteria_tree(assessment.version)
    # per criterion: maximum, self points, appraised-or-self points, whether any leaf is decided
    sums: dict[int, list] = {}
    for criterion in reversed(tree):  # children before parents
        item = items.get(criterion.pk)
        values: list
        if criterion.is_leaf:
            own = item.self_points if item else None
            appraised = item.appraised_points if item else None
            values = [
                criterion.max_points,
                own,
                appraised if appraised is not None else own,
                appraised is not None,
            ]
        else:
            values = sums.get(criterion.pk, [None, None, None, False])
            if criterion.max_points is not None:
                values[0] = criterion.max_points
        sums[criterion.pk] = values
        if criterion.parent_id:
            parent = sums.setdefault(criterion.parent_id, [None, None, None, False])
            for n in range(3):
                parent[n] = _add(parent[n], values[n])
            parent[3] = parent[3] or values[3]
    rows = []
    totals: list = [None, None, None, False]
    for criterion in tree:
        high, own, provisional, decided = sums[criterion.pk]
        appraised = provisional if decided else None
        item = items.get(criterion.pk) if criterion.is_leaf else None
        accepted = None
        if item is not None and item.appraised_points is not None:
            accepted = item.appraised_points == item.self_points and not item.appraisal_reason
        rows.append(
            DifferenceRow(
                criterion=criterion,
                depth=criterion.depth,
                is_leaf=criterion.is_leaf,
                max_points=high,
                self_points=own,
                appraised_points=appraised,
                difference=_minus(appraised, own),
                reason=item.appraisal_reason if item else "",
                accepted=accepted,
            )
        )
        if criterion.parent_id is None:
            totals = [
                _add(totals[0], high),
                _add(totals[1], own),
                _add(totals[2], provisional),
                totals[3] or decided,
            ]
    appraised_total = totals[2] if totals[3] else None
    return Differences(
        rows, totals[0] or Decimal(0), totals[1], appraised_total, _minus(appraised_total, totals[1])
    )
