"""Finding a round as commands cite it: round N of plan "58/KH-UBND" of "UBND tỉnh Tuyên Quang"."""

from __future__ import annotations

from chiso.plans.lookup import PlanLookupError, find_one_plan
from chiso.reporting.models import ReportingRound


def find_round(number_symbol: str, issuer: str, number: int, year: int | None = None) -> ReportingRound:
    """Round `number` of the one plan cited, or PlanLookupError with a Vietnamese message."""
    plan = find_one_plan(number_symbol, issuer, year)
    rnd = plan.reporting_rounds.filter(number=number).select_related("plan", "plan__issuer").first()
    if rnd is None:
        numbers = (
            ", ".join(str(n) for n in plan.reporting_rounds.values_list("number", flat=True))
            or "chưa có kỳ nào"
        )
        raise PlanLookupError(
            f"Kế hoạch {plan.number_symbol} không có kỳ báo cáo số {number} (các kỳ: {numbers})."
        )
    return rnd
