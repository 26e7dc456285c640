"""The consolidated report as an official document (Decree 30 layout, .docx) and as a workbook (.xlsx).

Both are built from one `Consolidation`; the tables are the same in both files, and the workbook
keeps the ids of the unit reports and task progress rows every figure comes from.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.translation import gettext as _

from chiso.core.text import fold
from chiso.core.vndates import short_date
from chiso.documents.model import (
    Appendix,
    Chart,
    Column,
    OfficialDocument,
    Row,
    Section,
    Table,
    format_number,
)
from chiso.plans.export import issuer_labels
from chiso.plans.models import authority_name
from chiso.reporting.consolidation import Consolidation, DimensionBlock, TaskLine
from chiso.reporting.models import TaskStatus
from chiso.reporting.status import Timeliness, percent

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
# Above this many unit-task rows the .docx leaves the per-unit detail to the .xlsx (a printed
# appendix of thousands of rows helps nobody, and Word takes minutes to lay it out).
DOCX_DETAIL_LIMIT = 2000


def _pct(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"))


def _num(value: Decimal | None):
    if value is None:
        return None
    return value.normalize() if value == value.to_integral() else value


def _date(day) -> str:
    return f"{day.day}/{day.month}/{day.year}" if day else ""


def plan_reference(c: Consolidation) -> str:
    plan = c.plan
    parts = [_("Kế hoạch số %(ns)s") % {"ns": plan.number_symbol}]
    if plan.issued_on:
        parts.append(_("ngày %(d)s") % {"d": _date(plan.issued_on)})
    parts.append(_("của %(a)s") % {"a": authority_name(plan.issuer)})
    return " ".join(parts)


def value_text(line: TaskLine) -> str:
    """ "Trung bình 96,5 % (chỉ tiêu ≥ 95 %); 25/28 đơn vị đạt" or ""."""
    from chiso.documents.model import format_number

    if line.value is None:
        return ""
    kind = _("Trung bình") if line.is_share else _("Tổng")
    unit = line.task.target_unit.strip()
    unit = unit if unit == "%" else f" {unit}" if unit else ""
    text = f"{kind} {format_number(line.value)}{unit}"
    if line.task.has_measurable_target:
        text += _("; %(met)d/%(n)d đơn vị đạt chỉ tiêu") % {"met": line.met, "n": line.measured}
    return text


def task_sentence(line: TaskLine) -> str:
    task = line.task
    head = f"- {task.number}. " if task.number else "- "
    text = task.text.replace("\n", " ").strip()
    if len(text) > 220:
        text = text[:217].rstrip() + "…"
    parts = [
        _("%(done)s đơn vị hoàn thành") % {"done": line.done_label},
    ]
    in_progress = line.status_counts[TaskStatus.IN_PROGRESS]
    if in_progress:
        parts.append(_("%(n)d đang thực hiện") % {"n": in_progress})
    overdue = line.status_counts[TaskStatus.OVERDUE]
    if overdue:
        parts.append(_("%(n)d quá hạn") % {"n": overdue})
    if line.not_reported:
        parts.append(_("%(n)d chưa có báo cáo được duyệt") % {"n": len(line.not_reported)})
    values = value_text(line)
    if values:
        parts.append(values)
    measured = evaluation_text(line)
    if measured:
        parts.append(measured)
    return f"{head}{text}: " + "; ".join(parts) + "."


def evaluation_text(line: TaskLine) -> str:
    """ "theo số liệu hệ thống: 5/6 đơn vị đạt; 1 chưa có số liệu", or "" when the target names no
    measure or no unit has a figure yet."""
    if line.evaluation is None or not (line.evaluation.met or line.evaluation.not_met):
        return ""
    return _("theo số liệu hệ thống: %(e)s") % {"e": line.evaluation.label}


def dimension_chart(c: Consolidation) -> Chart | None:
    if not c.dimensions:
        return None
    categories = [f"{d.code}. {d.name}" if d.code else d.name for d in c.dimensions]
    series = [
        (_("Hoàn thành"), [d.status_total(TaskStatus.DONE) for d in c.dimensions]),
        (_("Đang thực hiện"), [d.status_total(TaskStatus.IN_PROGRESS) for d in c.dimensions]),
        (_("Chưa thực hiện"), [d.status_total(TaskStatus.NOT_STARTED) for d in c.dimensions]),
        (_("Quá hạn"), [d.status_total(TaskStatus.OVERDUE) for d in c.dimensions]),
        (_("Chưa có báo cáo"), [d.not_reported for d in c.dimensions]),
    ]
    return Chart(
        title=_("Tình hình thực hiện nhiệm vụ theo chỉ số nội dung (lượt đơn vị – nhiệm vụ)"),
        kind="stacked_bar",
        categories=categories,
        series=series,
        value_label=_("lượt"),
    )


def dimension_table(c: Consolidation) -> Table:
    columns = [
        Column("TT", 1.0, "center"),
        Column(_("Chỉ số nội dung"), 6.0),
        Column(_("Số nhiệm vụ"), 1.8, "center"),
        Column(_("Lượt giao"), 1.8, "center"),
        Column(_("Hoàn thành"), 2.0, "center"),
        Column(_("Quá hạn"), 1.8, "center"),
        Column(_("Chưa có báo cáo"), 2.0, "center"),
        Column(_("Tỷ lệ hoàn thành (%)"), 2.2, "center", decimals=1),
    ]
    rows = [
        Row(
            [
                d.code or str(i),
                d.name,
                len(d.tasks),
                d.assigned,
                d.done,
                d.status_total(TaskStatus.OVERDUE),
                d.not_reported,
                _pct(d.done_pct),
            ]
        )
        for i, d in enumerate(c.dimensions, start=1)
    ]
    rows.append(
        Row(
            [
                "",
                _("Tổng cộng"),
                sum(len(d.tasks) for d in c.dimensions),
                sum(d.assigned for d in c.dimensions),
                c.done,
                sum(d.status_total(TaskStatus.OVERDUE) for d in c.dimensions),
                sum(d.not_reported for d in c.dimensions),
                _pct(percent(c.done, c.applicable)),
            ],
            kind="total",
        )
    )
    return Table(columns, rows)


def _group_row(block: DimensionBlock) -> Row:
    return Row([block.code, block.name], kind="group")


def task_table(c: Consolidation) -> Table:
    columns = [
        Column("TT", 1.2, "center"),
        Column(_("Nhiệm vụ"), 7.0, "justify"),
        Column(_("Chỉ tiêu"), 3.2),
        Column(_("Số đơn vị được giao"), 1.8, "center"),
        Column(_("Hoàn thành"), 2.0, "center"),
        Column(_("Đang thực hiện"), 1.8, "center"),
        Column(_("Quá hạn"), 1.6, "center"),
        Column(_("Tỷ lệ hoàn thành (%)"), 1.8, "center", decimals=1),
        Column(_("Giá trị đạt được"), 3.0),
        Column(_("Theo số liệu hệ thống"), 2.6),
        Column(_("Đơn vị chưa có báo cáo được duyệt"), 4.0),
    ]
    rows: list[Row] = []
    for block in c.dimensions:
        rows.append(_group_row(block))
        for line in block.tasks:
            rows.append(
                Row(
                    [
                        line.task.number,
                        line.task.text,
                        line.task.target_text,
                        len(line.expected_units),
                        line.done_label,
                        line.status_counts[TaskStatus.IN_PROGRESS],
                        line.status_counts[TaskStatus.OVERDUE],
                        _pct(line.done_pct),
                        value_text(line),
                        line.evaluation.label if line.evaluation else "",
                        "; ".join(u.name for u in line.not_reported),
                    ]
                )
            )
    return Table(columns, rows)


def unit_table(c: Consolidation) -> Table:
    columns = [
        Column("TT", 1.0, "center"),
        Column(_("Đơn vị"), 6.0),
        Column(_("Trạng thái báo cáo"), 2.6, "center"),
        Column(_("Ngày gửi"), 2.4, "center"),
        Column(_("Thời hạn"), 3.2, "center"),
        Column(_("Số nhiệm vụ"), 1.8, "center"),
        Column(_("Hoàn thành"), 2.0, "center"),
        Column(_("Quá hạn"), 1.8, "center"),
        Column(_("Tỷ lệ hoàn thành (%)"), 2.2, "center", decimals=1),
    ]
    rows = []
    for i, u in enumerate(c.units, start=1):
        rows.append(
            Row(
                [
                    i,
                    u.unit.name,
                    u.state_label,
                    short_date(u.first_submitted_at.date()) if u.first_submitted_at else "",
                    u.timeliness_label,
                    u.tasks,
                    u.done if u.approved else None,
                    u.overdue if u.approved else None,
                    _pct(u.done_pct) if u.approved else None,
                ]
            )
        )
    return Table(columns, rows)


def detail_table(c: Consolidation, with_ids: bool = False) -> Table:
    columns = [
        Column("TT", 1.2, "center"),
        Column(_("Đơn vị"), 4.5),
        Column(_("Tình trạng"), 2.6, "center"),
        Column(_("Giá trị đạt được"), 2.2, "right"),
        Column(_("Nội dung đã thực hiện"), 8.0, "justify"),
        Column(_("Số minh chứng"), 1.8, "center"),
    ]
    if with_ids:
        columns += [Column(_("Mã báo cáo"), 1.8, "center"), Column(_("Mã tiến độ"), 1.8, "center")]
    columns.append(Column(_("Theo số liệu hệ thống"), 2.6))
    rows: list[Row] = []
    for block in c.dimensions:
        rows.append(_group_row(block))
        for line in block.tasks:
            rows.append(Row([line.task.number, line.task.text.replace("\n", " ")[:300]], kind="group"))
            for i, e in enumerate(line.entries, start=1):
                cells = [
                    i,
                    e.unit.name,
                    e.status_label,
                    _num(e.achieved_value),
                    e.work_done,
                    e.evidence_count,
                ]
                if with_ids:
                    cells += [e.report_id, e.progress_id]
                cells.append(_evaluation_cell(e.evaluation))
                rows.append(Row(cells))
    return Table(columns, rows)


def _evaluation_cell(evaluation) -> str:
    """ "Đạt: 96,2 (01/01–31/03/2026)", "Chưa có số liệu", or "" for a task without a measure."""
    if evaluation is None or not evaluation.evaluated:
        return ""
    if evaluation.value is None:
        return evaluation.label
    return f"{evaluation.label}: {format_number(_num(evaluation.value))} ({evaluation.period_label})"


def _narrative(c: Consolidation, field: str) -> list[str]:
    lines = []
    for u in c.approved_units:
        text = " ".join(getattr(u, field).split())
        if text:
            lines.append(f"- {u.unit.name}: {text}")
    return lines or [_("- Chưa có nội dung từ báo cáo được duyệt của các đơn vị.")]


def report_title(c: Consolidation) -> str:
    return _("Kết quả thực hiện %(ref)s\n(%(round)s)") % {"ref": plan_reference(c), "round": c.round.title}


def consolidated_document(c: Consolidation) -> OfficialDocument:
    rnd, plan = c.round, c.plan
    issuer, parent = issuer_labels(plan)
    authority = authority_name(plan.issuer)
    preamble = [
        _(
            "Thực hiện %(ref)s; trên cơ sở báo cáo của các cơ quan, đơn vị (số liệu từ ngày %(a)s đến ngày %(b)s), "
            "%(auth)s báo cáo kết quả thực hiện như sau:"
        )
        % {
            "ref": plan_reference(c),
            "a": _date(rnd.period_start),
            "b": _date(rnd.period_end),
            "auth": authority,
        }
    ]
    missing = c.never_submitted
    awaiting = c.awaiting
    situation = [
        _(
            "Tổng số đơn vị phải báo cáo: %(n)d; đã gửi báo cáo: %(s)d (đúng hạn: %(on)d; muộn: %(late)d); "
            "chưa gửi: %(m)d; báo cáo đã được duyệt và tổng hợp: %(a)d."
        )
        % {
            "n": c.expected,
            "s": c.submitted,
            "on": c.count(Timeliness.ON_TIME),
            "late": c.count(Timeliness.LATE) + c.count(Timeliness.GRACE),
            "m": len(missing),
            "a": len(c.approved_units),
        }
    ]
    if missing:
        situation.append(
            _("Các đơn vị chưa gửi báo cáo: %(u)s.") % {"u": "; ".join(u.unit.name for u in missing)}
        )
    if awaiting:
        situation.append(
            _("Các đơn vị đã gửi nhưng báo cáo chưa được duyệt (chưa tổng hợp): %(u)s.")
            % {"u": "; ".join(u.unit.name for u in awaiting)}
        )
    chart = dimension_chart(c)
    overview: list = [
        _("Kết quả chung: %(d)d/%(n)d lượt nhiệm vụ hoàn thành (%(p)s%%).")
        % {"d": c.done, "n": c.applicable, "p": str(_pct(percent(c.done, c.applicable))).replace(".", ",")},
        dimension_table(c),
    ]
    if chart is not None:
        overview.append(chart)
    dimension_sections = [
        Section(
            f"{i}. {d.name}" if d.name else f"{i}.",
            [
                _("%(d)s lượt đơn vị hoàn thành trên %(n)d lượt được giao (%(p)s%%).")
                % {"d": d.done, "n": d.applicable, "p": str(_pct(d.done_pct)).replace(".", ",")},
                *[task_sentence(line) for line in d.tasks],
            ],
        )
        for i, d in enumerate(c.dimensions, start=1)
    ]
    subtitle = _("(Kèm theo Báo cáo kết quả thực hiện %(ref)s – %(round)s)") % {
        "ref": plan_reference(c),
        "round": rnd.title,
    }
    appendices = [
        Appendix(_("PHỤ LỤC I\nKẾT QUẢ THỰC HIỆN TỪNG NHIỆM VỤ"), subtitle, task_table(c)),
        Appendix(_("PHỤ LỤC II\nTÌNH HÌNH BÁO CÁO CỦA CÁC CƠ QUAN, ĐƠN VỊ"), subtitle, unit_table(c)),
    ]
    entries = sum(len(t.entries) for t in c.tasks)
    if entries <= DOCX_DETAIL_LIMIT:
        appendices.append(
            Appendix(_("PHỤ LỤC III\nKẾT QUẢ DO TỪNG ĐƠN VỊ BÁO CÁO"), subtitle, detail_table(c))
        )
    else:
        overview.append(
            _(
                "Kết quả do từng đơn vị báo cáo đối với từng nhiệm vụ (%(n)s dòng) được tổng hợp tại tệp Excel "
                "kèm theo (trang “Chi tiết”)."
            )
            % {"n": f"{entries:,}".replace(",", ".")}
        )
    sections = [
        Section(_("I. TÌNH HÌNH BÁO CÁO CỦA CÁC CƠ QUAN, ĐƠN VỊ"), situation),
        Section(_("II. KẾT QUẢ THỰC HIỆN THEO CHỈ SỐ NỘI DUNG"), overview, dimension_sections),
        Section(_("III. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN"), _narrative(c, "shortcomings")),
        Section(_("IV. ĐỀ XUẤT, KIẾN NGHỊ"), _narrative(c, "proposals")),
    ]
    symbol = "BC-" + plan.symbol.split("-", 1)[1] if "-" in plan.symbol else "BC"
    return OfficialDocument(
        issuer=issuer,
        issuer_parent=parent,
        number_symbol=f"/{symbol}",
        place=plan.place,
        issued_on=None,
        doc_type="BÁO CÁO",
        title=report_title(c),
        preamble=preamble,
        sections=sections,
        recipients=[_("Thường trực %(a)s") % {"a": authority}, _("Lưu: VT")],
        signer_authority=plan.signer_authority,
        signer_title=plan.signer_title,
        signer_name="",
        appendices=appendices,
    )


def summary_table(c: Consolidation) -> Table:
    columns = [Column(_("Chỉ tiêu theo dõi"), 9.0), Column(_("Số liệu"), 3.0, "right")]
    rows = [
        Row([_("Số đơn vị phải báo cáo"), c.expected]),
        Row([_("Đã gửi báo cáo"), c.submitted]),
        Row([_("Gửi đúng hạn"), c.count(Timeliness.ON_TIME)]),
        Row([_("Gửi muộn"), c.count(Timeliness.LATE) + c.count(Timeliness.GRACE)]),
        Row([_("Chưa gửi"), len(c.never_submitted)]),
        Row([_("Báo cáo đã duyệt (được tổng hợp)"), len(c.approved_units)]),
        Row([_("Lượt nhiệm vụ được giao (trừ không phát sinh)"), c.applicable]),
        Row([_("Lượt nhiệm vụ hoàn thành"), c.done]),
        Row([_("Tỷ lệ hoàn thành (%)"), _pct(percent(c.done, c.applicable))]),
        Row([_("Mã các báo cáo được tổng hợp"), ", ".join(str(i) for i in c.source_report_ids)]),
    ]
    return Table(columns, rows)


def write_consolidated_docx(c: Consolidation, out) -> None:
    from chiso.documents.docx_writer import write_docx

    write_docx(consolidated_document(c), out)


def workbook_sheets(c: Consolidation) -> list:
    head = [
        report_title(c).replace("\n", " "),
        _("Số liệu từ ngày %(a)s đến ngày %(b)s")
        % {
            "a": _date(c.round.period_start),
            "b": _date(c.round.period_end),
        },
    ]
    return [
        (_("Tổng hợp"), head, summary_table(c)),
        (_("Theo chỉ số"), [*head, _("KẾT QUẢ THEO CHỈ SỐ NỘI DUNG")], dimension_table(c)),
        (_("Theo nhiệm vụ"), [*head, _("KẾT QUẢ THỰC HIỆN TỪNG NHIỆM VỤ")], task_table(c)),
        (_("Theo đơn vị"), [*head, _("TÌNH HÌNH BÁO CÁO CỦA CÁC CƠ QUAN, ĐƠN VỊ")], unit_table(c)),
        (_("Chi tiết"), [*head, _("KẾT QUẢ DO TỪNG ĐƠN VỊ BÁO CÁO")], detail_table(c, with_ids=True)),
    ]


def write_consolidated_xlsx(c: Consolidation, out) -> None:
    from chiso.documents.xlsx_writer import write_table_xlsx

    write_table_xlsx(workbook_sheets(c), out)


def export_bytes(c: Consolidation, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "docx":
        write_consolidated_docx(c, buffer)
    elif fmt == "xlsx":
        write_consolidated_xlsx(c, buffer)
    else:
        raise ValueError(fmt)
    return buffer.getvalue()


def file_name(c: Consolidation, fmt: str) -> str:
    """ "BC-154-KH-UBND-2021-ky-1.docx"."""
    plan = c.plan
    stem = f"BC-{plan.number}-{plan.symbol}-{plan.number_year}-ky-{c.round.number}"
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in fold(stem))
    return f"{safe}.{fmt}"
