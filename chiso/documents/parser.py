"""The plan parser: a document → `ParsedPlan` (header, references, deadlines, tasks, warnings).

    parse_document(path_or_bytes, filename) -> ParsedPlan

reads the file (any supported format), extracts what it says (pure, format-independent), then
resolves what needs the database: the issuer's unit, lead and partner units against the unit
tree, and printed criteria against the framework catalogue. Everything is bounded by a deadline
and the limits of `chiso.documents.limits`; any failure is a `DocumentImportError` with a
Vietnamese message.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from chiso.core.text import fold
from chiso.core.timeframes import Timeframe, parse_timeframe
from chiso.documents.blocks import Document, Paragraph, Table
from chiso.documents.criteria import (
    FRAMEWORKS,
    CatalogEntry,
    detect_frameworks,
    load_catalog,
    match_criterion,
)
from chiso.documents.errors import DocumentImportError, NoTasksFound
from chiso.documents.header import PlanHeader, find_deadlines, infer_issuer, issuer_parts, parse_header
from chiso.documents.limits import DEFAULT_LIMITS, Deadline, Limits
from chiso.documents.readers import read_document
from chiso.documents.tasks import Label, RawTask, assemble_tables, tasks_from_prose, tasks_from_table
from chiso.documents.textutil import one_line
from chiso.documents.units import UnitIndex, UnitMatch, split_units, unit_kind


@dataclass
class ParsedTask:
    section: str | None
    framework: str | None
    criterion_code: str | None
    criterion_name: str | None
    dimension_code: str | None
    dimension_name: str | None
    description: str
    target: str
    output: str
    lead_units: list[str]
    partner_units: list[str]
    timeframe: Timeframe
    page: int | None
    line: int | None
    origin: str = "table"
    note: str = ""
    canonical_criterion: CatalogEntry | None = None
    canonical_score: float | None = None
    canonical_dimension: CatalogEntry | None = None
    lead_resolved: list[UnitMatch] = field(default_factory=list)
    partner_resolved: list[UnitMatch] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _criterion: Label | None = field(default=None, repr=False)
    _dimension: Label | None = field(default=None, repr=False)

    def as_dict(self) -> dict:
        timeframe = self.timeframe.as_dict()
        return {
            "section": self.section,
            "framework": self.framework,
            "criterion_code": self.criterion_code,
            "criterion_name": self.criterion_name,
            "canonical_criterion": (
                dict(self.canonical_criterion.as_dict(), score=self.canonical_score)
                if self.canonical_criterion
                else None
            ),
            "dimension": {"code": self.dimension_code, "name": self.dimension_name},
            "description": self.description,
            "target": self.target,
            "output": self.output,
            "note": self.note,
            "lead_units": self.lead_units,
            "partner_units": self.partner_units,
            "lead_resolved": [match.as_dict() for match in self.lead_resolved],
            "partner_resolved": [match.as_dict() for match in self.partner_resolved],
            "timeframe": timeframe,
            "source": {"page": self.page, "line": self.line, "from": self.origin},
        }


@dataclass
class ParsedPlan:
    header: PlanHeader
    tasks: list[ParsedTask]
    warnings: list[str]
    format: str = ""
    filename: str = ""
    pages: int | None = None
    seconds: float = 0.0
    issuer_unit: dict | None = None
    # Tables that hold no recognisable task columns: {"page", "line", "columns": [header texts]},
    # for a mapping step (which column is which) rather than a silent drop.
    unmapped_tables: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        header = self.header
        plan = {
            "issuer": header.issuer,
            "number": header.number,
            "symbol": header.symbol,
            "issued_on": header.issued_on.isoformat() if header.issued_on else None,
            "place": header.place,
            "title": header.title,
            "period_start": header.period_start.isoformat() if header.period_start else None,
            "period_end": header.period_end.isoformat() if header.period_end else None,
            "implements": [reference.as_dict() for reference in header.implements],
            "supersedes": [reference.as_dict() for reference in header.supersedes],
            "deadlines": [deadline.as_dict() for deadline in header.deadlines],
            "doc_type": header.doc_type,
            "issuer_parent": header.issuer_parent,
            "issuer_unit": self.issuer_unit,
            "issued_partial": header.issued_partial,
            "frameworks": sorted({task.framework for task in self.tasks if task.framework}),
        }
        return {
            "plan": plan,
            "tasks": [task.as_dict() for task in self.tasks],
            "warnings": list(self.warnings),
            "unmapped_tables": list(self.unmapped_tables),
            "document": {
                "filename": self.filename,
                "format": self.format,
                "pages": self.pages,
                "seconds": round(self.seconds, 3),
            },
        }


# --- extraction (no database) ---------------------------------------------------------------------------


def _flatten(document: Document, other_tables: set[int]) -> list[Paragraph]:
    """Paragraphs in reading order; tables that hold no tasks (the issuer/motto block, the
    signature) contribute their cells' lines as paragraphs."""
    out: list[Paragraph] = []
    for index, block in enumerate(document.blocks):
        if isinstance(block, Paragraph):
            out.append(block)
        elif isinstance(block, Table) and index in other_tables:
            for row in block.rows:
                for cell in row.cells:
                    if cell.hmerged or cell.vmerged:
                        continue
                    for line in cell.text.split("\n"):
                        if line.strip():
                            out.append(Paragraph(line.strip(), page=row.page, line=row.line))
    return out


def extract_plan(
    document: Document, deadline: Deadline, *, known_dimensions: list[str] | None = None
) -> ParsedPlan:
    warnings: list[str] = list(document.warnings)
    tables, other = assemble_tables(document.blocks, deadline, warnings)
    paragraphs = _flatten(document, set(other))
    texts = [paragraph.text for paragraph in paragraphs]
    header = parse_header(texts)
    infer_issuer(header, texts)
    warnings.extend(header.warnings)
    plan_frameworks = list(dict.fromkeys(detect_frameworks(header.title)))
    plan_framework = plan_frameworks[0] if len(plan_frameworks) == 1 else None

    raw: list[RawTask] = []
    for table in tables:
        raw.extend(tasks_from_table(table, deadline, warnings, plan_framework))
    table_count = len(raw)
    prose = tasks_from_prose(
        paragraphs[header.body_start :],
        include_sections=not raw,
        framework=plan_framework,
        known_dimensions=known_dimensions,
        deadline=deadline,
    )
    if raw:
        prose = [task for task in prose if task.lead or task.partner]
    elif prose:
        warnings.append(
            _("Không có bảng nhiệm vụ: các nhiệm vụ được lấy từ phần văn bản (mục “Nhiệm vụ, giải pháp”).")
        )
    raw.extend(prose)
    if tables and not table_count:
        warnings.append(_("Có bảng nhiệm vụ nhưng không đọc được dòng nhiệm vụ nào trong bảng."))

    unmapped = [_table_summary(document.blocks[index]) for index in other]
    unmapped = [table for table in unmapped if table is not None]
    for table in unmapped:
        where = _("trang %(p)s, ") % {"p": table["page"]} if table["page"] else ""
        warnings.append(
            _(
                "Bảng (%(w)sdòng %(n)s) có các cột %(c)s nhưng không nhận ra cột nhiệm vụ, đơn vị chủ trì hay thời gian: "
                "hãy cho biết cột nào là cột nào."
            )
            % {"w": where, "n": table["line"] or "?", "c": ", ".join(f"“{c}”" for c in table["columns"])}
        )
    header.deadlines = find_deadlines(texts[header.body_start :], header.year)
    tasks = [_finish(task, header, plan_framework) for task in raw]
    without_lead = []
    for task in tasks:
        where = _("trang %(p)s, ") % {"p": task.page} if task.page else ""
        label = task.criterion_code or (task.description[:40] + "…")
        for note in task.notes:
            warnings.append(
                _("Nhiệm vụ %(l)s (%(w)sdòng %(n)s): %(note)s")
                % {"l": label, "w": where, "n": task.line, "note": note}
            )
        if not task.lead_units:
            without_lead.append(str(task.line or "?"))
    if without_lead:
        warnings.append(
            _("%(n)s nhiệm vụ không ghi đơn vị chủ trì (dòng %(lines)s).")
            % {
                "n": len(without_lead),
                "lines": ", ".join(without_lead[:30]) + ("…" if len(without_lead) > 30 else ""),
            }
        )
    if plan_framework is None and len(plan_frameworks) > 1:
        warnings.append(
            _("Tên kế hoạch nêu nhiều bộ chỉ số (%(k)s); bộ chỉ số của từng nhiệm vụ lấy theo phụ lục.")
            % {"k": ", ".join(plan_frameworks)}
        )
    plan = ParsedPlan(header, tasks, warnings, document.format, document.filename, document.pages)
    plan.unmapped_tables = unmapped
    return plan


def _table_summary(table: Table) -> dict | None:
    """A table that looks like data (a short-celled first row over at least two more rows and
    three columns) but was not read as a task table: its first row's texts."""
    if not isinstance(table, Table) or len(table.rows) < 3:
        return None
    first = [cell.text.strip() for cell in table.rows[0].cells if not cell.hmerged]
    named = [text for text in first if text]
    if len(named) < 3 or any(len(text) > 80 for text in named):
        return None
    return {"page": table.page, "line": table.line, "columns": [one_line(text) for text in named]}


def _finish(task: RawTask, header: PlanHeader, plan_framework: str | None) -> ParsedTask:
    criterion = task.criterion
    dimension = task.dimension
    framework = task.framework or plan_framework
    if framework not in FRAMEWORKS:
        framework = None
    timeframe = parse_timeframe(task.time, year=header.year, issued_on=header.issued_on)
    notes = list(task.notes)
    return ParsedTask(
        section=(dimension.printed if dimension else None) or task.section,
        framework=framework,
        criterion_code=criterion.code if criterion else None,
        criterion_name=one_line(criterion.name) if criterion and criterion.name else None,
        dimension_code=dimension.code if dimension else None,
        dimension_name=one_line(dimension.name) if dimension else None,
        description=one_line(task.description),
        target=one_line(task.target),
        output=one_line(task.output),
        lead_units=split_units(task.lead),
        partner_units=split_units(task.partner),
        timeframe=Timeframe(
            one_line(timeframe.text),
            timeframe.kind,
            timeframe.start,
            timeframe.end,
            timeframe.due,
            timeframe.recurrence,
            timeframe.offset_days,
            timeframe.working_days,
            timeframe.partial,
        ),
        page=task.page,
        line=task.line,
        origin=task.origin,
        note=one_line(task.note),
        notes=notes,
        _criterion=criterion,
        _dimension=dimension,
    )


# --- resolution (database) ---------------------------------------------------------------------------------

LEVEL_KINDS = {
    "tỉnh": ["province"],
    "thành phố": ["city", "provincial_city"],
    "huyện": ["district"],
    "quận": ["urban_district"],
    "thị xã": ["town"],
    "xã": ["commune"],
    "phường": ["ward"],
    "thị trấn": ["township"],
    "đặc khu": ["special_zone"],
}


def find_issuer_unit(header: PlanHeader, warnings: list[str]):
    """The unit that issued the plan, from its level and name, the date and the parent plan's issuer."""
    from chiso.units.models import Unit

    level, name = header.issuer_level, header.issuer_name
    if not (level and name):
        level, name = issuer_parts(header.issuer)
    if header.issuer_parent and header.issuer:
        # A body under a division ("PHÒNG NỘI VỤ" under "UBND HUYỆN VỊ XUYÊN"): find the division,
        # then the body among its units.
        parent_level, parent_name = issuer_parts(header.issuer_parent)
        if parent_level and parent_name:
            parent_header = PlanHeader(
                issuer=header.issuer_parent,
                issuer_level=parent_level,
                issuer_name=parent_name,
                issued_on=header.issued_on,
            )
            parent_header.implements = header.implements
            division = find_issuer_unit(parent_header, warnings)
            if division is not None:
                match = UnitIndex.for_issuer(division, header.issued_on).match(header.issuer)
                if match.status == "matched":
                    return Unit.objects.get(pk=match.unit_id)
                warnings.append(
                    _("Không tìm thấy “%(b)s” trong các đơn vị của %(d)s.")
                    % {"b": header.issuer, "d": division.name}
                )
                return None
    if not (level and name):
        return None
    kinds = LEVEL_KINDS.get(level.lower())
    if not kinds:
        return None
    key = fold(name)
    candidates = [
        unit
        for unit in Unit.objects.filter(kind__in=kinds, search_key__contains=key).select_related("parent")
        if fold(
            re.sub(
                r"^(tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn|đặc khu)\s+",
                "",
                unit.name,
                flags=re.I,
            )
        )
        == key
    ]
    day = header.issued_on or (dt.date(header.year, 6, 30) if header.year else None)
    if day and len(candidates) > 1:
        valid = [unit for unit in candidates if unit.is_valid_on(day)]
        candidates = valid or candidates
    if len(candidates) > 1:
        hints = [fold(reference.issuer or "") for reference in header.implements]
        hinted = [
            unit
            for unit in candidates
            if unit.parent is not None
            and any(fold(re.sub(r"^\w+\s+", "", unit.parent.name)) in hint for hint in hints if hint)
        ]
        candidates = hinted or candidates
    if len(candidates) == 1:
        return candidates[0]
    if len(candidates) > 1:
        warnings.append(
            _(
                "Có %(n)s đơn vị cùng tên “%(name)s”; không tự chọn đơn vị ban hành, hãy chỉ định bằng --issuer."
            )
            % {"n": len(candidates), "name": f"{level} {name}"}
        )
    else:
        warnings.append(
            _("Không tìm thấy đơn vị ban hành “%(name)s” trong cây đơn vị.") % {"name": f"{level} {name}"}
        )
    return None


def resolve_plan(
    plan: ParsedPlan, issuer=None, *, catalogs: dict[str, list[CatalogEntry]] | None = None
) -> ParsedPlan:
    """Match units and criteria against the database (or the given catalogues)."""
    from chiso.units.models import Unit

    header = plan.header
    if issuer is not None and not isinstance(issuer, Unit):
        lookup = Unit.objects.filter(ref=str(issuer)).first()
        if lookup is None and str(issuer).isdigit():
            lookup = Unit.objects.filter(pk=int(issuer)).first()
        if lookup is None:
            raise DocumentImportError(
                _("Không tìm thấy đơn vị ban hành “%(u)s”.") % {"u": issuer}, code="issuer"
            )
        issuer = lookup
    if issuer is None:
        issuer = find_issuer_unit(header, plan.warnings)
    index = None
    if issuer is not None:
        plan.issuer_unit = {"id": issuer.pk, "ref": issuer.ref, "name": issuer.name}
        index = UnitIndex.for_issuer(issuer, header.issued_on)
    unmatched: set[str] = set()
    for task in plan.tasks:
        for names, target in (
            (task.lead_units, task.lead_resolved),
            (task.partner_units, task.partner_resolved),
        ):
            target.clear()
            for name in names:
                if index is not None:
                    match = index.match(name)
                else:
                    kind = unit_kind(name)
                    match = UnitMatch(
                        name,
                        kind,
                        "group" if kind == "group" else ("post" if kind == "post" else "unmatched"),
                    )
                if match.status in ("unmatched", "ambiguous"):
                    unmatched.add(name)
                target.append(match)
    if unmatched:
        plan.warnings.append(
            _("Các đơn vị không khớp (hoặc khớp nhiều) với cây đơn vị, cần chọn tay: %(u)s.")
            % {"u": "; ".join(sorted(unmatched)[:40])}
        )

    catalogs = dict(catalogs or {})
    year = header.year
    unmatched_criteria = 0
    dimension_cache: dict[int, CatalogEntry | None] = {}
    for task in plan.tasks:
        if not task.framework:
            continue
        if task.framework not in catalogs:
            catalogs[task.framework] = load_catalog(task.framework, year)
        catalog = catalogs[task.framework]
        if not catalog:
            continue
        dimension_match = None
        if task._dimension is not None:
            key = id(task._dimension)
            if key not in dimension_cache:
                found = match_criterion(
                    task._dimension.code, task._dimension.name, catalog, level="dimension"
                )
                dimension_cache[key] = found.entry if found else None
            dimension_match = dimension_cache[key]
        task.canonical_dimension = dimension_match
        criterion = task._criterion
        if criterion is None:
            continue
        if criterion is task._dimension:
            if dimension_match is not None:
                task.canonical_criterion = dimension_match
                task.canonical_score = 1.0
            else:
                unmatched_criteria += 1
            continue
        if task._dimension is not None and dimension_match is None:
            unmatched_criteria += 1  # a dimension of the plan's own: its sub-dimensions are its own too
            continue
        level = None if criterion.level == "dimension" else "subdimension"
        found = match_criterion(criterion.code, criterion.name, catalog, level=level, parent=dimension_match)
        if found is not None:
            task.canonical_criterion = found.entry
            task.canonical_score = found.score
        else:
            unmatched_criteria += 1
    loaded = [kind for kind, catalog in catalogs.items() if not catalog]
    if loaded:
        plan.warnings.append(
            _(
                "Chưa có danh mục tiêu chí của %(k)s trong hệ thống (chạy “chiso load_frameworks”); chưa đối chiếu tiêu chí."
            )
            % {"k": ", ".join(sorted(loaded))}
        )
    if unmatched_criteria:
        plan.warnings.append(
            _(
                "%(n)s nhiệm vụ có tiêu chí không khớp danh mục bộ chỉ số (nội dung riêng của kế hoạch hoặc tên khác)."
            )
            % {"n": unmatched_criteria}
        )
    return plan


def parse_document(
    source: str | os.PathLike | bytes,
    filename: str | None = None,
    *,
    issuer=None,
    limits: Limits = DEFAULT_LIMITS,
    resolve: bool = True,
) -> ParsedPlan:
    """Read and parse a plan. Raises DocumentImportError (NoTasksFound when nothing is a task)."""
    deadline = Deadline(limits.max_seconds)
    document = read_document(source, filename, limits, deadline)
    if not document.blocks:
        raise DocumentImportError(_("Tệp không có nội dung văn bản nào đọc được."), code="empty")
    plan = extract_plan(document, deadline)
    if not plan.tasks:
        if plan.unmapped_tables:
            tables = "; ".join(
                _("bảng ở dòng %(n)s: %(c)s") % {"n": table["line"] or "?", "c": ", ".join(table["columns"])}
                for table in plan.unmapped_tables[:10]
            )
            raise NoTasksFound(
                _(
                    "Không tìm thấy nhiệm vụ nào. Văn bản có %(k)s bảng nhưng không nhận ra cột nào là nhiệm vụ, "
                    "đơn vị chủ trì hay thời gian (%(t)s): hãy chỉ rõ cột nào là cột nào."
                )
                % {"k": len(plan.unmapped_tables), "t": tables},
                plan,
            )
        if plan.header.found_anything():
            message = _(
                "Không tìm thấy nhiệm vụ nào: văn bản không có bảng nhiệm vụ nhận dạng được (cần các cột "
                "như “Nhiệm vụ”, “Đơn vị chủ trì”, “Thời gian thực hiện”) và không có mục “Nhiệm vụ, giải pháp” "
                "liệt kê nhiệm vụ theo từng chỉ số."
            )
        else:
            message = _(
                "Tệp không phải là một kế hoạch nhận dạng được: không có số, ngày ban hành, tên kế hoạch, "
                "bảng nhiệm vụ hay mục “Nhiệm vụ, giải pháp”."
            )
        raise NoTasksFound(message, plan)
    if resolve:
        resolve_plan(plan, issuer)
    deadline.check()
    plan.seconds = deadline.elapsed
    return plan
