"""How index results are put into words and chart data, the same on pages, exports and the home.

* Numbers are written the Vietnamese way ("42,15"); a change carries its sign ("+0,31", "−1,20").
* A rank reads "xếp thứ 13/61, tăng 2 bậc so với năm 2022"; a derived unit's rank is marked as an
  estimate (its place among the year's published values), never presented as published.
* A derived result always carries the label "Số liệu quy đổi từ các đơn vị cũ"; in charts the
  derived points are their own series, drawn dashed, never joined silently to measured ones.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from chiso.documents.model import format_number
from chiso.scores.analytics import FLAG_LABELS, TOTAL, CriterionResult, UnitResults
from chiso.scores.derived import DERIVED_LABEL

DECIMALS = 2


def number(value: Decimal | float | None, decimals: int = DECIMALS) -> str:
    """42.1534 → "42,15"; None → "—"."""
    if value is None:
        return "—"
    return format_number(Decimal(value), decimals)


def signed(value: Decimal | float | None, decimals: int = DECIMALS) -> str:
    """A change with its sign: "+0,31", "−1,20", "0,00"; None → "—"."""
    if value is None:
        return "—"
    text = format_number(abs(Decimal(value)), decimals)
    if value > 0:
        return "+" + text
    if value < 0:
        return "−" + text
    return text


def derived_label() -> str:
    return capfirst(str(DERIVED_LABEL))


def rank_change_phrase(result: CriterionResult, previous_year: int | None = None) -> str:
    """ "tăng 2 bậc", "giảm 3 bậc", "giữ nguyên thứ hạng" (with "so với năm …" when known)."""
    if result.rank_change is None:
        return ""
    if result.rank_change > 0:
        text = _("tăng %(n)d bậc") % {"n": result.rank_change}
    elif result.rank_change < 0:
        text = _("giảm %(n)d bậc") % {"n": -result.rank_change}
    else:
        text = _("giữ nguyên thứ hạng")
    if previous_year:
        text += " " + _("so với năm %(year)d") % {"year": previous_year}
    return text


def rank_phrase(result: CriterionResult, previous_year: int | None = None) -> str:
    """ "xếp thứ 13/61, tăng 2 bậc so với năm 2022" ("chưa xếp hạng" without a rank)."""
    if result.rank is None:
        return _("chưa xếp hạng")
    if result.ranked:
        text = _("xếp thứ %(rank)d/%(ranked)d") % {"rank": result.rank, "ranked": result.ranked}
    else:
        text = _("xếp thứ %(rank)d") % {"rank": result.rank}
    if result.rank_estimated:
        text += " " + _("(ước tính theo số liệu quy đổi)")
    change = rank_change_phrase(result, previous_year)
    return f"{text}, {change}" if change else text


def flag_labels(flags: list[str]) -> list[str]:
    return [str(FLAG_LABELS[flag]) for flag in flags if flag in FLAG_LABELS]


def criterion_label(result: CriterionResult) -> str:
    return f"{result.code}. {result.name}" if result.code else result.name


def weak(results: UnitResults) -> list[CriterionResult]:
    """Dimensions and sub-dimensions that fell, sit in the lowest group or below the mean,
    the most flags first, then the lowest score."""
    rows = [r for r in [*results.dimensions, *results.subdimensions] if set(r.flags) - {"rising"}]
    return sorted(rows, key=lambda r: (-len(set(r.flags) - {"rising"}), r.score or Decimal(0)))


def grouped_subdimensions(results: UnitResults) -> list[tuple[CriterionResult, list[CriterionResult]]]:
    """Each dimension that has scored sub-dimensions, with them (a sub-dimension "5.2" is under "5")."""
    groups = []
    for dimension in results.dimensions:
        subs = [s for s in results.subdimensions if s.code.split(".")[0] == dimension.code]
        if subs:
            groups.append((dimension, subs))
    return groups


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def chart_data(results: UnitResults) -> dict:
    """The data of the trend and radar charts (read by static/scores/charts.js)."""
    unit_name = results.unit.name
    trend = {}
    for code, points in results.series.items():
        if code == TOTAL:
            title = _("Tổng điểm")
        else:
            dimension = next((d for d in results.dimensions if d.code == code), None)
            title = criterion_label(dimension) if dimension else code
        trend[code or "total"] = {
            "title": title,
            "years": [p.year for p in points],
            "unit": [None if p.derived else _float(p.value) for p in points],
            "derived": [_float(p.value) if p.derived else None for p in points],
            "mean": [_float(p.national_mean) for p in points],
            "best": [_float(p.best) for p in points],
        }
    radar_max = []
    for d in results.dimensions:
        values = [v for v in (d.score, d.national_mean, d.best.score if d.best else None) if v is not None]
        top = d.max_points or (max(values) if values else Decimal(1))
        radar_max.append(float(top))
    has_derived = any(p.derived for points in results.series.values() for p in points)
    return {
        "labels": {
            "unit": unit_name,
            "derived": f"{unit_name} ({derived_label().lower()})",
            "mean": _("Trung bình cả nước"),
            "best": _("Cao nhất cả nước"),
            "year": _("Năm"),
            "score": _("Điểm"),
        },
        "has_derived": has_derived,
        "trend": trend,
        "radar": {
            "title": _("Các chỉ số nội dung năm %(year)d") % {"year": results.year},
            "indicators": [
                {"name": d.code, "full": criterion_label(d), "max": m}
                for d, m in zip(results.dimensions, radar_max, strict=True)
            ],
            "unit": [_float(d.score) for d in results.dimensions],
            "mean": [_float(d.national_mean) for d in results.dimensions],
            "best": [_float(d.best.score) if d.best else None for d in results.dimensions],
            "derived": results.derived,
        },
    }
