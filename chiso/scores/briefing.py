"""The leader's briefing on a unit's index results, a .docx in the Decree 30 layout.

A draft report (no number, no date) of the unit's authority: where the unit stands (total,
rank and its change, group, national mean) with the trend chart; each dimension against the
national mean and the best unit (table and chart); the criteria to weigh (falling, lowest group,
below the mean); the peers. Sub-dimensions and peers go in landscape appendices. A derived
result says so in the first paragraph, with its method, and in every table title. Charts are
drawn by `chiso.documents.docx_writer` (matplotlib).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from chiso.documents.docx_writer import docx_bytes
from chiso.documents.model import (
    Appendix,
    Chart,
    Column,
    OfficialDocument,
    Paragraph,
    Row,
    Run,
    Section,
    Table,
)
from chiso.plans.cascade import place_name
from chiso.plans.models import authority_name, lower_first
from chiso.scores.analytics import UnitResults
from chiso.scores.presentation import (
    criterion_label,
    derived_label,
    flag_labels,
    number,
    rank_phrase,
    signed,
    weak,
)
from chiso.scores.tables import peers_table, rounded, subdimensions_table, title_lines
from chiso.units.models import DIVISION_LEVEL, Unit


def issuer_labels(unit: Unit) -> tuple[str, str]:
    """(issuer, issuer parent) of a unit's document header, in capitals."""
    if unit.kind in DIVISION_LEVEL:
        return f"ỦY BAN NHÂN DÂN\n{unit.name.upper()}", ""
    parent = unit.parent
    parent_label = (
        f"UBND {parent.name.upper()}" if parent is not None and parent.kind in DIVISION_LEVEL else ""
    )
    return unit.name.upper(), parent_label


def _summary(results: UnitResults) -> str:
    total = results.total
    text = _("Năm %(year)d, %(unit)s đạt %(score)s điểm Chỉ số %(framework)s, %(rank)s") % {
        "year": results.year,
        "unit": lower_first(results.unit.name) if results.unit.kind in DIVISION_LEVEL else results.unit.name,
        "score": number(total.score),
        "framework": results.framework.code,
        "rank": rank_phrase(total, results.previous_year),
    }
    if total.group_label:
        text += "; " + total.group_label.lower()
    if total.change is not None:
        text += "; " + _("điểm tổng thay đổi %(change)s điểm so với năm %(year)d") % {
            "change": signed(total.change),
            "year": results.previous_year,
        }
    if total.national_mean is not None:
        text += "; " + _("trung bình cả nước %(mean)s điểm") % {"mean": number(total.national_mean)}
    if total.best is not None:
        text += "; " + _("cao nhất là %(unit)s với %(score)s điểm") % {
            "unit": total.best.unit_name,
            "score": number(total.best.score),
        }
    return text + "."


def _derived_paragraphs(results: UnitResults) -> list[Paragraph]:
    if not results.derived:
        return []
    parts = [Run(derived_label() + ". ", bold=True, italic=True)]
    if results.method:
        parts.append(Run(results.method, italic=True))
    if results.components:
        names = ", ".join(unit.name for unit, _weight in results.components)
        parts.append(Run(" " + _("Các đơn vị cũ: %(names)s.") % {"names": names}, italic=True))
    return [Paragraph(parts)]


def trend_chart(results: UnitResults) -> Chart | None:
    points = results.series.get("", [])
    if not points:
        return None
    name = results.unit.name + (f" ({derived_label().lower()})" if results.derived else "")
    return Chart(
        title=_("Điểm tổng Chỉ số %(framework)s qua các năm") % {"framework": results.framework.code},
        kind="bar",
        categories=[str(p.year) for p in points],
        series=[
            (name, [rounded(p.value) for p in points]),
            (_("Trung bình cả nước"), [rounded(p.national_mean) for p in points]),
            (_("Cao nhất cả nước"), [rounded(p.best) for p in points]),
        ],
        value_label=_("điểm"),
        orientation="vertical",
    )


def dimensions_chart(results: UnitResults) -> Chart | None:
    if not results.dimensions:
        return None
    return Chart(
        title=_("Các chỉ số nội dung năm %(year)d") % {"year": results.year},
        kind="bar",
        categories=[criterion_label(d) for d in results.dimensions],
        series=[
            (results.unit.name, [rounded(d.score) for d in results.dimensions]),
            (_("Trung bình cả nước"), [rounded(d.national_mean) for d in results.dimensions]),
            (_("Cao nhất cả nước"), [rounded(d.best.score) if d.best else None for d in results.dimensions]),
        ],
        value_label=_("điểm"),
    )


def _compact_table(results: UnitResults) -> Table:
    columns = [
        Column(_("Mã"), 1.0, "center"),
        Column(_("Chỉ số nội dung"), 6.2),
        Column(_("Điểm"), 1.7, "right", 2),
        Column(_("Thay đổi"), 1.7, "right", 2),
        Column(_("Thứ hạng"), 1.9, "center"),
        Column(_("Trung bình cả nước"), 1.9, "right", 2),
        Column(_("Cao nhất"), 1.9, "right", 2),
    ]
    rows = []
    for result, kind in [(results.total, "total"), *((d, "data") for d in results.dimensions)]:
        rank = f"{result.rank}/{result.ranked}" if result.rank and result.ranked else ""
        rows.append(
            Row(
                [
                    result.code,
                    result.name,
                    rounded(result.score),
                    rounded(result.change),
                    rank,
                    rounded(result.national_mean),
                    rounded(result.best.score) if result.best else None,
                ],
                kind,
            )
        )
    return Table(columns, rows)


def _weak_lines(results: UnitResults) -> list[str]:
    lines = []
    for result in weak(results):
        line = f"- {criterion_label(result)}: {number(result.score)} " + _("điểm")
        if result.change is not None:
            line += f" ({signed(result.change)})"
        line += "; " + ", ".join(label.lower() for label in flag_labels(result.flags) if label)
        lines.append(line + ".")
    return lines or [_("Không có chỉ số nội dung nào giảm điểm, thuộc nhóm thấp nhất hoặc dưới trung bình.")]


def briefing_document(results: UnitResults) -> OfficialDocument:
    issuer, parent = issuer_labels(results.unit)
    unit_words = results.unit.name
    dimension_lines = [
        f"- {criterion_label(d)}: {number(d.score)} "
        + _("điểm")
        + (f" ({signed(d.change)})" if d.change is not None else "")
        + (f", {rank_phrase(d, results.previous_year)}" if d.rank else "")
        + ("; " + _("đơn vị cao nhất") + f": {d.best.unit_name} ({number(d.best.score)})" if d.best else "")
        + "."
        for d in results.dimensions
    ]
    overview: list = [*_derived_paragraphs(results), _summary(results)]
    chart = trend_chart(results)
    if chart is not None:
        overview.append(chart)
    by_dimension: list = [_compact_table(results), *dimension_lines]
    chart = dimensions_chart(results)
    if chart is not None:
        by_dimension.append(chart)
    peers = [
        _("Các địa phương cùng vùng hoặc cùng nhóm: %(n)d đơn vị (chi tiết tại Phụ lục II).")
        % {"n": len(results.peers)}
    ]
    sections = [
        Section(_("I. KẾT QUẢ CHUNG"), overview),
        Section(_("II. KẾT QUẢ THEO CHỈ SỐ NỘI DUNG"), by_dimension),
        Section(_("III. CÁC CHỈ SỐ CẦN CHÚ TRỌNG"), _weak_lines(results)),
        Section(_("IV. SO SÁNH VỚI CÁC ĐỊA PHƯƠNG"), peers),
    ]
    subtitle = _("(Kèm theo Báo cáo kết quả Chỉ số %(framework)s năm %(year)d của %(unit)s)") % {
        "framework": results.framework.code,
        "year": results.year,
        "unit": unit_words,
    }
    appendices = [
        Appendix(
            _("PHỤ LỤC I\nKẾT QUẢ CÁC NỘI DUNG THÀNH PHẦN"),
            "\n".join([subtitle, *title_lines(results, _("Nội dung thành phần"))[1:]]),
            subdimensions_table(results) if results.subdimensions else None,
        ),
        Appendix(
            _("PHỤ LỤC II\nSO SÁNH VỚI CÁC ĐỊA PHƯƠNG CÙNG VÙNG, CÙNG NHÓM"),
            subtitle,
            peers_table(results),
        ),
    ]
    if not results.subdimensions:
        appendices = appendices[1:]
    preamble = []
    if results.publication:
        preamble.append(_("Căn cứ kết quả %(source)s;") % {"source": results.publication})
    preamble.append(
        _("%(unit)s báo cáo kết quả Chỉ số %(framework)s năm %(year)d như sau:")
        % {"unit": authority_name(results.unit), "framework": results.framework.code, "year": results.year}
    )
    return OfficialDocument(
        issuer=issuer,
        issuer_parent=parent,
        number_symbol="/BC-UBND" if results.unit.kind in DIVISION_LEVEL else "/BC",
        place=place_name(results.unit),
        issued_on=None,
        doc_type="BÁO CÁO",
        title=_("Kết quả Chỉ số %(framework)s năm %(year)d của %(unit)s")
        % {"framework": results.framework.code, "year": results.year, "unit": unit_words},
        preamble=preamble,
        sections=sections,
        recipients=[_("Thường trực %(a)s") % {"a": authority_name(results.unit)}, _("Lưu: VT")],
        signer_authority="",
        signer_title=_("NGƯỜI BÁO CÁO"),
        appendices=appendices,
    )


def briefing_docx(results: UnitResults) -> bytes:
    return docx_bytes(briefing_document(results))
