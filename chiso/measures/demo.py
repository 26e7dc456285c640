"""Demo observations: plausible one-stop-shop figures for the demo units, for the demo to show
measurable targets met and not met on the first day.

`load_demo_observations(units, rounds, actor)` gives every unit, for every round, one value of
each standard measure over the round's data window (its period start to its period end, so the
round's evaluation uses it). Values are deterministic (from the unit, measure and period), so a
second run changes nothing; they go through the import's validation like any other file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from decimal import Decimal

from chiso.measures.imports import ImportResult, import_observations
from chiso.measures.models import Measure

# code → (lowest, highest) demo value, in %: most units meet the samples' targets, some do not.
RANGES = {
    "on_time_dossiers": (90, 100),
    "late_dossier_apologies": (85, 100),
    "portal_feedback_answered_24h": (88, 100),
    "portal_feedback_settled_7d": (85, 100),
    "satisfaction_rate": (84, 98),
    "online_service_use": (35, 85),
    "online_dossiers_full": (20, 70),
    "online_payment": (15, 60),
    "complaints_settled": (90, 100),
}
SOURCE = "Hệ thống thông tin giải quyết thủ tục hành chính (số liệu minh họa)"


def demo_value(unit_id: int, code: str, period_end, low: int, high: int) -> Decimal:
    digest = hashlib.sha256(f"{unit_id}:{code}:{period_end.isoformat()}".encode()).digest()
    tenths = int.from_bytes(digest[:4], "big") % ((high - low) * 10 + 1)
    return Decimal(low) + Decimal(tenths) / 10


def load_demo_observations(units: Iterable, rounds: Iterable, actor) -> ImportResult:
    """One observation per unit, standard measure and round window (idempotent)."""
    measures = list(Measure.objects.filter(code__in=RANGES, owner__isnull=True))
    rows = []
    for rnd in rounds:
        for unit in units:
            if not unit.is_valid_on(rnd.period_end):
                continue
            for m in measures:
                low, high = RANGES[m.code]
                rows.append(
                    {
                        "unit": unit.pk,
                        "measure": m.code,
                        "period_start": rnd.period_start,
                        "period_end": rnd.period_end,
                        "value": demo_value(unit.pk, m.code, rnd.period_end, low, high),
                        "source": SOURCE,
                    }
                )
    return import_observations(enumerate(rows, start=1), None, actor)
