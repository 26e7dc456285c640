"""The region (one of the six socio-economic regions) of a province, for comparing peers.

`data/indices/provinces_63_with_2025_merger.csv` gives the region of each of the 63 provinces that
existed before 1 July 2025 (by their statistics code). A province formed in 2025 takes the region
most of its predecessors had (ties: the first by name); a district, commune or body takes the
region of the province above it. The map is built once per process from the reference units
(which change only when the reference data is reloaded).
"""

from __future__ import annotations

import csv
from collections import Counter
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from chiso.units.models import Unit, UnitSuccession

REGIONS_FILE = "provinces_63_with_2025_merger.csv"
PROVINCE_KINDS = ("province", "city")


@lru_cache(maxsize=1)
def _regions_by_old_code() -> dict[str, str]:
    path = Path(settings.BASE_DIR) / "data" / "indices" / REGIONS_FILE
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["gso_code_pre2025"]: row["region_vi_6"] for row in csv.DictReader(handle)}


@lru_cache(maxsize=1)
def _province_regions() -> dict[int, str]:
    by_code = _regions_by_old_code()
    provinces = list(Unit.objects.filter(kind__in=PROVINCE_KINDS).values("pk", "code", "name", "valid_from"))
    regions: dict[int, str] = {}
    for row in provinces:
        if row["valid_from"] is None and row["code"] in by_code:
            regions[row["pk"]] = by_code[row["code"]]
    predecessors: dict[int, list[int]] = {}
    for pred, succ in UnitSuccession.objects.filter(
        successor__kind__in=PROVINCE_KINDS, predecessor__kind__in=PROVINCE_KINDS
    ).values_list("predecessor_id", "successor_id"):
        predecessors.setdefault(succ, []).append(pred)
    names = {row["pk"]: row["name"] for row in provinces}
    for unit_id, preds in predecessors.items():
        if unit_id in regions:
            continue
        counts = Counter(regions[p] for p in sorted(preds, key=lambda p: names.get(p, "")) if p in regions)
        if counts:
            regions[unit_id] = counts.most_common(1)[0][0]
    return regions


def region_of_id(unit_id: int) -> str:
    """The region of a province-level unit by id ("" when unknown)."""
    return _province_regions().get(unit_id, "")


def region_of(unit: Unit) -> str:
    """The region of `unit` or of the province above it ("" when unknown)."""
    node: Unit | None = unit
    while node is not None:
        if node.kind in PROVINCE_KINDS:
            return region_of_id(node.pk)
        node = node.parent
    return ""
