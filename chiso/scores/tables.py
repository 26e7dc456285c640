"""The tables of a unit's index results, as `chiso.documents.model.Table`s: one .xlsx per table
(or all in one workbook) and the same tables in the .docx briefing.

* Dimensions: code, name, score, change, rank (with its change), group, national mean, the best
  unit and its score, the flags in words.
* Sub-dimensions: the same, grouped under their dimension.
* Peers: the units of the same region or the same group in the year, by rank.
A derived result's tables carry the label "Số liệu quy đổi từ các đơn vị cũ" in their title lines.
Numbers stay numbers in the workbook (rounded to 4 decimals as published).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.text import slugify
from django.utils.translation import gettext as _

from chiso.documents.model import Column, Row, Table
from chiso.documents.xlsx_writer import SheetSpec, xlsx_bytes
from chiso.scores.analytics import CriterionResult, UnitResults
from chiso.scores.models import Group
from chiso.scores.presentation import derived_label, flag_labels, grouped_subdimensions

TABLES = ("dimensions", "subdimensions", "peers")


def rounded(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.0001"))


def _rank(result: CriterionResult) -> str:
    if result.rank is None:
        return ""
    text = f"{result.rank}/{result.ranked}" if result.ranked else str(result.rank)
    if result.rank_estimated:
        text += "*"
    return text


def _rank_change(result: CriterionResult) -> int | None:
    return result.rank_change


def criteria_columns(with_code_title: str) -> list[Column]:
    return [
        Column(_("Mã"), 1.2, "center"),
        Column(with_code_title, 6.5),
        Column(_("Điểm"), 1.8, "right", 2),
        Column(_("Thay đổi"), 1.8, "right", 2),
        Column(_("Thứ hạng"), 1.8, "center"),
        Column(_("Tăng (+) / giảm (−) bậc"), 1.8, "center"),
        Column(_("Nhóm"), 3.2),
        Column(_("Trung bình cả nước"), 1.8, "right", 2),
        Column(_("Đơn vị cao nhất"), 3.5),
        Column(_("Điểm cao nhất"), 1.8, "right", 2),
        Column(_("Cảnh báo"), 3.5),
    ]


def _criterion_row(result: CriterionResult, kind: str = "data") -> Row:
    return Row(
        [
            result.code,
            result.name,
            rounded(result.score),
            rounded(result.change),
            _rank(result),
            _rank_change(result),
            result.group_label,
            rounded(result.national_mean),
            result.best.unit_name if result.best else "",
            rounded(result.best.score) if result.best else None,
            "; ".join(flag_labels(result.flags)),
        ],
        kind,
    )


def dimensions_table(results: UnitResults) -> Table:
    rows = [_criterion_row(results.total, "total")]
    rows += [_criterion_row(d) for d in results.dimensions]
    return Table(criteria_columns(_("Chỉ số nội dung")), rows)


def subdimensions_table(results: UnitResults) -> Table:
    rows: list[Row] = []
    for dimension, subs in grouped_subdimensions(results):
        rows.append(Row([dimension.code, dimension.name], "group"))
        rows += [_criterion_row(s) for s in subs]
    return Table(criteria_columns(_("Nội dung thành phần")), rows)


def peers_table(results: UnitResults) -> Table:
    columns = [
        Column(_("Đơn vị"), 5.5),
        Column(_("Tổng điểm"), 2.0, "right", 2),
        Column(_("Thứ hạng"), 1.8, "center"),
        Column(_("Nhóm"), 3.5),
        Column(_("Cùng vùng"), 1.8, "center"),
        Column(_("Cùng nhóm"), 1.8, "center"),
    ]
    rows = [
        Row(
            [
                results.unit.name,
                rounded(results.total.score),
                _rank(results.total),
                results.total.group_label,
                "",
                "",
            ],
            "total",
        )
    ]
    for peer in results.peers:
        rows.append(
            Row(
                [
                    peer.unit_name,
                    rounded(peer.total),
                    str(peer.rank) if peer.rank else "",
                    str(Group(peer.group).label) if peer.group else "",
                    "✓" if peer.same_region else "",
                    "✓" if peer.same_group else "",
                ]
            )
        )
    return Table(columns, rows)


def title_lines(results: UnitResults, what: str) -> list[str]:
    lines = [
        _("%(what)s — Chỉ số %(framework)s năm %(year)d — %(unit)s")
        % {"what": what, "framework": results.framework.code, "year": results.year, "unit": results.unit.name}
    ]
    if results.derived:
        lines.append(derived_label() + (f": {results.method}" if results.method else ""))
    if results.total.rank_estimated:
        lines.append(
            _("(*) Thứ hạng ước tính: vị trí của số liệu quy đổi giữa các đơn vị được công bố năm đó.")
        )
    if results.publication:
        lines.append(_("Nguồn: %(source)s") % {"source": results.publication})
    return lines


def sheets(results: UnitResults, which: str = "all") -> list[SheetSpec]:
    """The sheets of one table (`which` in TABLES) or of all three."""
    specs = {
        "dimensions": (_("Chỉ số nội dung"), dimensions_table),
        "subdimensions": (_("Nội dung thành phần"), subdimensions_table),
        "peers": (_("So sánh"), peers_table),
    }
    chosen = TABLES if which == "all" else (which,)
    return [(specs[k][0], title_lines(results, specs[k][0]), specs[k][1](results)) for k in chosen]


def tables_xlsx(results: UnitResults, which: str = "all") -> bytes:
    return xlsx_bytes(sheets(results, which))


def filename(results: UnitResults, what: str, extension: str) -> str:
    code = results.unit.code or str(results.unit.pk)
    return f"chiso-{slugify(results.framework.code)}-{results.year}-{code}-{what}.{extension}"
