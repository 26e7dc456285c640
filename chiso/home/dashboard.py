"""The leader's home: where the unit stands, where it is weak, whether the plan aims there, and
who is late — one card per unit a leader, coordinator or admin acts for.

* **Whose results.** The unit's own, else those of the nearest unit above it with results
  (`results_unit_for`); PAPI first when the unit has several frameworks.
* **Weak dimensions.** Dimensions that fell, sit in the lowest group or below the national mean,
  the most flags first (`presentation.weak`), at most `WEAK_SHOWN`.
* **The current plan.** The unit's latest issued plan addressing the framework (issue date, then
  id); its gap analysis gives the tasks and progress per dimension beside the scores.
* **Late or behind.** The plan's latest round already open (opens on or before today): the units
  to chase (red, then yellow) from `round_monitoring`, at most `CHASE_SHOWN`.
Officers and viewers get no card (their home stays as it was).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from chiso.frameworks.models import Framework
from chiso.plans.models import Plan
from chiso.reporting.models import ReportingRound
from chiso.reporting.monitoring import RoundMonitoring, UnitRow, round_monitoring
from chiso.scores.analytics import (
    CriterionResult,
    UnitResults,
    frameworks_with_results,
    results_unit_for,
    unit_results,
)
from chiso.scores.gaps import GapAnalysis, GapRow, gap_analysis
from chiso.scores.presentation import weak
from chiso.units.models import Membership, Role, Unit

DASHBOARD_ROLES = (Role.LEADER, Role.COORDINATOR, Role.ADMIN)
PREFERRED = "PAPI"
WEAK_SHOWN = 5
CHASE_SHOWN = 8


@dataclass
class UnitDashboard:
    unit: Unit
    role: str
    results_unit: Unit | None = None
    framework: Framework | None = None
    frameworks: list[Framework] = field(default_factory=list)
    results: UnitResults | None = None
    weak: list[CriterionResult] = field(default_factory=list)
    plan: Plan | None = None
    gaps: GapAnalysis | None = None
    round: ReportingRound | None = None
    monitoring: RoundMonitoring | None = None

    @property
    def dimension_gaps(self) -> list[GapRow]:
        """The plan's gap rows of the dimensions, in the framework's order."""
        if self.gaps is None:
            return []
        rows = [r for r in self.gaps.rows if r.level == "dimension"]
        return sorted(rows, key=lambda r: [int(p) if p.isdigit() else p for p in r.code.split(".")])

    @property
    def chase(self) -> list[UnitRow]:
        return self.monitoring.chase[:CHASE_SHOWN] if self.monitoring else []

    @property
    def chase_total(self) -> int:
        return len(self.monitoring.chase) if self.monitoring else 0


def _framework_for(unit: Unit) -> tuple[Unit | None, Framework | None, list[Framework]]:
    for candidate in Framework.objects.filter(code=PREFERRED):
        node = results_unit_for(unit, candidate)
        if node is not None:
            return node, candidate, frameworks_with_results(node)
    frameworks = frameworks_with_results(unit)
    return (unit, frameworks[0], frameworks) if frameworks else (None, None, [])


def current_plan(unit: Unit, framework: Framework | None) -> Plan | None:
    plans = Plan.objects.for_unit(unit).issued()
    if framework is not None:
        plans = plans.addressing(framework)
    return plans.select_related("issuer", "upper_plan").order_by("-issued_on", "-pk").first()


def unit_dashboard(unit: Unit, role: str, today: dt.date) -> UnitDashboard:
    board = UnitDashboard(unit=unit, role=role)
    board.results_unit, board.framework, board.frameworks = _framework_for(unit)
    if board.framework is not None and board.results_unit is not None:
        board.results = unit_results(board.results_unit, board.framework)
        if board.results is not None:
            board.weak = [r for r in weak(board.results) if r.level == "dimension"][:WEAK_SHOWN]
    board.plan = current_plan(unit, board.framework)
    if board.plan is not None:
        board.gaps = next(
            (
                g
                for g in gap_analysis(board.plan, today, [board.results] if board.results else None)
                if g.framework == board.framework
            ),
            None,
        )
        board.round = (
            board.plan.reporting_rounds.filter(opens_on__lte=today).order_by("-opens_on", "-number").first()
        )
        if board.round is not None:
            board.monitoring = round_monitoring(board.round, today)
    return board


def dashboards(user, today: dt.date) -> list[UnitDashboard]:
    """One card per unit the user leads, coordinates or administers (each unit once)."""
    memberships = (
        Membership.objects.filter(user=user, role__in=DASHBOARD_ROLES).select_related("unit").order_by("id")
    )
    seen: set[int] = set()
    boards = []
    for membership in memberships:
        if membership.unit_id in seen:
            continue
        seen.add(membership.unit_id)
        boards.append(unit_dashboard(membership.unit, membership.role, today))
    return boards
