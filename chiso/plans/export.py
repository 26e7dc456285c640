"""A plan as an official document (Decree 30/2020/NĐ-CP) and its task table as a spreadsheet.

`plan_document(plan)` maps a plan onto the neutral `chiso.documents.model.OfficialDocument`; the
writers in `chiso.documents` render it. The task table has the same columns and rows in both
files: `task_tables(plan)` is the one source of both.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from chiso.documents.model import Appendix, Column, OfficialDocument, Row, Section, Table
from chiso.plans.models import Plan, Task, TaskAssignment, authority_name
from chiso.units.models import DIVISION_LEVEL

DEFAULT_APPENDIX_TITLE = "NHIỆM VỤ THỰC HIỆN KẾ HOẠCH"
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


@dataclass(frozen=True)
class TaskTable:
    """One appendix: its title lines, the columns and the rows (group rows name a dimension)."""

    title: str
    subtitle: str
    table: Table
    sheet_name: str


def tasks_for_export(plan: Plan) -> list[Task]:
    return list(
        plan.tasks.order_by("position", "id")
        .select_related("parent_task")
        .prefetch_related(
            "criteria",
            Prefetch("assignments", queryset=TaskAssignment.objects.select_related("unit", "group")),
        )
    )


def _criteria_label(task: Task) -> str:
    if task.criterion_label:
        return task.criterion_label
    return "\n".join(f"{c.code} {c.name_vi}".strip() for c in task.criteria.all())


def task_rows(tasks: list[Task], with_output: bool) -> list[Row]:
    """Rows as the appendix prints them: a group row when the group changes, then the task rows.

    A task that continues the row above (same criteria, no label of its own) leaves the criterion
    cell empty, as merged cells read in printed plans.
    """
    rows: list[Row] = []
    current_group: tuple[str, str] | None = None
    previous_criteria: set[int] | None = None
    for task in tasks:
        group = (task.group_code, task.group_title)
        if group != current_group:
            current_group = group
            previous_criteria = None
            if task.group_title:
                rows.append(Row([task.group_code, task.group_title], kind="group"))
        criteria = {c.pk for c in task.criteria.all()}
        label = task.criterion_label
        if not label and not (criteria and criteria == previous_criteria):
            label = _criteria_label(task)
        previous_criteria = criteria
        cells = [task.number, label, task.text, task.target_text]
        if with_output:
            cells.append(task.output)
        cells += [task.lead_display, task.partners_display, task.timeframe_text]
        rows.append(Row(cells))
    return rows


def task_columns(with_output: bool) -> list[Column]:
    columns = [
        Column("TT", 1.2, "center"),
        Column(_("Chỉ số nội dung/\nNội dung thành phần"), 3.6),
        Column(_("Nhiệm vụ"), 6.6 if not with_output else 5.6, "justify"),
        Column(_("Chỉ tiêu"), 3.4),
    ]
    if with_output:
        columns.append(Column(_("Kết quả, sản phẩm"), 2.8))
    columns += [
        Column(_("Đơn vị chủ trì"), 2.8),
        Column(_("Đơn vị phối hợp, thực hiện"), 3.4 if not with_output else 3.0),
        Column(_("Thời gian thực hiện"), 2.4, "center"),
    ]
    return columns


def _date(day) -> str:
    return f"{day.day}/{day.month}/{day.year}" if day else ""


def appendix_subtitle(plan: Plan) -> str:
    parts = [_("Kèm theo Kế hoạch số %(ns)s") % {"ns": plan.number_symbol or f"/{plan.symbol}"}]
    if plan.issued_on:
        parts.append(_("ngày %(d)s") % {"d": _date(plan.issued_on)})
    parts.append(_("của %(issuer)s") % {"issuer": authority_name(plan.issuer)})
    return "(" + " ".join(parts) + ")"


def task_tables(plan: Plan, tasks: list[Task] | None = None) -> list[TaskTable]:
    """The task appendices: one, or one per index when the plan addresses several frameworks."""
    tasks = tasks if tasks is not None else tasks_for_export(plan)
    with_output = any(t.output.strip() for t in tasks)
    versions = list(plan.frameworks.select_related("framework").order_by("framework__code", "year_from"))
    base_title = plan.appendix_title or DEFAULT_APPENDIX_TITLE
    subtitle = appendix_subtitle(plan)
    parts: list[tuple[str, list[Task]]] = []
    if len(versions) > 1:
        by_version: dict[int, list[Task]] = {v.pk: [] for v in versions}
        general: list[Task] = []
        for task in tasks:
            version_ids = [c.version_id for c in task.criteria.all() if c.version_id in by_version]
            (by_version[version_ids[0]] if version_ids else general).append(task)
        for version in versions:
            if by_version[version.pk]:
                parts.append((f"{base_title} — {version.framework.short_name}", by_version[version.pk]))
        if general:
            parts.append((f"{base_title} — " + _("Nhiệm vụ chung"), general))
    if not parts:
        parts = [(base_title, tasks)]
    tables = []
    for index, (title, part) in enumerate(parts):
        heading = _("PHỤ LỤC") if len(parts) == 1 else f"{_('PHỤ LỤC')} {ROMAN[index % len(ROMAN)]}"
        tables.append(
            TaskTable(
                title=f"{heading}\n{title}",
                subtitle=subtitle,
                table=Table(task_columns(with_output), task_rows(part, with_output)),
                sheet_name=_("Phụ lục") if len(parts) == 1 else f"{_('Phụ lục')} {ROMAN[index % len(ROMAN)]}",
            )
        )
    return tables


def issuer_labels(plan: Plan) -> tuple[str, str]:
    """(issuer, issuer parent) as the header prints them, in capitals."""
    unit = plan.issuer
    if plan.issuer_label:
        return plan.issuer_label, plan.issuer_parent_label
    if unit.kind in DIVISION_LEVEL:
        return f"ỦY BAN NHÂN DÂN\n{unit.name.upper()}", plan.issuer_parent_label
    parent = unit.parent
    parent_label = plan.issuer_parent_label or (
        f"UBND {parent.name.upper()}" if parent is not None and parent.kind in DIVISION_LEVEL else ""
    )
    return unit.name.upper(), parent_label


def _sections(plan: Plan) -> list[Section]:
    """Flat sections with depths → nested `Section`s."""
    roots: list[dict] = []
    stack: list[dict] = []
    for section in plan.sections.all():
        node = {
            "heading": section.heading,
            "paragraphs": section.paragraphs,
            "children": [],
            "depth": section.depth,
        }
        while stack and stack[-1]["depth"] >= section.depth:
            stack.pop()
        (stack[-1]["children"] if stack else roots).append(node)
        stack.append(node)

    def build(node: dict) -> Section:
        return Section(node["heading"], node["paragraphs"], [build(child) for child in node["children"]])

    return [build(node) for node in roots]


def plan_document(plan: Plan, tasks: list[Task] | None = None) -> OfficialDocument:
    issuer, parent = issuer_labels(plan)
    preamble = [line.strip() for line in plan.preamble.splitlines() if line.strip()]
    appendices = [
        Appendix(title=t.title, subtitle=t.subtitle, table=t.table) for t in task_tables(plan, tasks)
    ]
    return OfficialDocument(
        issuer=issuer,
        issuer_parent=parent,
        number_symbol=plan.number_symbol or f"/{plan.symbol}",
        place=plan.place,
        issued_on=plan.issued_on,
        doc_type="KẾ HOẠCH",
        title=plan.title,
        preamble=preamble,
        sections=_sections(plan),
        recipients=[
            line.strip().lstrip("-").strip() for line in plan.recipients.splitlines() if line.strip()
        ],
        signer_authority=plan.signer_authority,
        signer_title=plan.signer_title,
        signer_name=plan.signer_name,
        appendices=appendices if any(t.table.rows for t in appendices if t.table) else [],
    )


def write_plan_docx(plan: Plan, out: str | IO[bytes]) -> None:
    from chiso.documents.docx_writer import write_docx

    write_docx(plan_document(plan), out)


def write_plan_xlsx(plan: Plan, out: str | IO[bytes]) -> None:
    from chiso.documents.xlsx_writer import write_table_xlsx

    sheets = []
    for table in task_tables(plan):
        title_lines = [*table.title.split("\n"), table.subtitle]
        sheets.append((table.sheet_name, title_lines, table.table))
    write_table_xlsx(sheets, out)


def plan_file_name(plan: Plan, fmt: str) -> str:
    """ "KH-154-KH-UBND-2021.docx"; a draft: "KH-du-thao-<id>.docx"."""
    from chiso.core.text import fold

    stem = f"KH-{plan.number}-{plan.symbol}-{plan.number_year}" if plan.number else f"KH-du-thao-{plan.pk}"
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in fold(stem).upper())
    return f"{safe}.{fmt}"


def export_bytes(plan: Plan, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "docx":
        write_plan_docx(plan, buffer)
    elif fmt == "xlsx":
        write_plan_xlsx(plan, buffer)
    else:
        raise ValueError(fmt)
    return buffer.getvalue()
