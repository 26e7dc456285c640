"""Tasks, from appendix tables whatever their columns, and from prose.

Tables: columns are mapped by the meaning of their headers (columns.py). Tables split across
pages are joined again: a table whose header repeats the previous task table's header, or a
headerless table right after one, continues it; a header repeated inside a table is skipped.
Each row is then one of:
- a group row naming a dimension ("1 | Tham gia của người dân ở cấp cơ sở", the rest empty), or a
  framework ("A. CHỈ SỐ PAR INDEX");
- a task row (it has a task, a target, a unit or a time), under the current dimension and
  sub-dimension; several task rows may follow one sub-dimension, and a row that leaves the units
  empty takes them from the task above (a cell merged over both rows in the original);
- a row continuing the previous one: cut by a page break (first row after the break, no number,
  no units and time, or text that goes on in lower case), or a cell that continues in the next row.
A row whose cells slid one column (an empty cell lost or added in conversion) is put back when
that makes every cell fit its column.

Prose: in a "Nhiệm vụ, giải pháp" section, tasks are the items under each dimension heading
("1. Nội dung “Tham gia của người dân ở cấp cơ sở”"): numbered items, bullets, and their bodies.
Items followed by labelled lines ("- Đơn vị chủ trì: …", "- Đơn vị phối hợp: …", "- Thời gian: …",
units listed on the lines below the label) are tasks wherever they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from chiso.core.text import fold
from chiso.core.timeframes import parse_timeframe
from chiso.documents import columns as C
from chiso.documents.blocks import Paragraph, Row, Table
from chiso.documents.criteria import KNOWN_DIMENSIONS, detect_framework, detect_frameworks, name_score
from chiso.documents.layout import BULLET, MARKER
from chiso.documents.limits import Deadline
from chiso.documents.textutil import is_upper_text, one_line, starts_lower
from chiso.documents.units import looks_like_units

LABEL_ROLES = (C.NUMBER, C.DIMENSION, C.SUBDIMENSION, C.CRITERION)
CONTENT_ROLES = (C.TASK, C.TARGET, C.OUTPUT, C.LEAD, C.PARTNER, C.UNITS, C.TIME)


@dataclass
class Label:
    """A dimension or sub-dimension as printed; its name grows when a page break cut it."""

    code: str | None
    name: str
    level: str  # "dimension" or "subdimension"
    parent: Label | None = None

    @property
    def printed(self) -> str:
        name = one_line(self.name)
        return f"{self.code}. {name}" if self.code and name else (name or self.code or "")


@dataclass
class RawTask:
    description: str
    dimension: Label | None = None
    subdimension: Label | None = None
    target: str = ""
    output: str = ""
    lead: str = ""
    partner: str = ""
    time: str = ""
    note: str = ""  # the "Ghi chú" cell
    framework: str | None = None
    section: str | None = None  # the appendix or section heading the task is under
    page: int | None = None
    line: int | None = None
    origin: str = "table"
    notes: list[str] = field(default_factory=list)

    @property
    def criterion(self) -> Label | None:
        return self.subdimension or self.dimension


# --- small readers of cell text --------------------------------------------------------------------

_ROW_NUMBER = re.compile(
    r"^\s*(?P<code>(?:[IVXLC]{1,5}|\d{1,2}(?:\.\d{1,2}){0,3}(?:\.[a-zđ])?|[a-zđA-ZĐ]))\s*[.)]?\s*$"
)
_LEADING_MARK = re.compile(r"^\s*(?P<code>\d{1,2}(?:\.\d{1,2}){0,3}|[a-zđ]|[IVX]{1,5})\s*[.)]\s+")


def row_number(text: str) -> str | None:
    """ "1.1", "2", "a", "II" from a TT cell; None when the cell is not a row number."""
    match = _ROW_NUMBER.match(text or "")
    if not match:
        return None
    return match.group("code")


_CRITERION_MARK = re.compile(
    r"^\s*(?:(?P<word>tiêu chí thành phần|tiêu chí|tc|chỉ số thành phần|chỉ số nội dung|chỉ số|nội dung thành phần"
    r"|lĩnh vực|nội dung)\s*)?(?P<code>\d{1,2}(?:\.\d{1,3}){0,3}(?:\.[a-zđ](?![\wà-ỹ]))?(?!\d)|[a-zđ](?=[.)])|[IVX]{1,5}(?=[.)]))"
    r"(?:(?:\s*[.):\-–]\s*|\s+)(?=\S)|\s*$)",
    re.I,
)


def criterion_marker(text: str) -> tuple[str | None, str, str | None]:
    """ "Tiêu chí 1.3: Chất lượng bầu cử" → ("1.3", "Chất lượng bầu cử", "tiêu chí"); "TC 2.1. …",
    "1.3.2 …", "Lĩnh vực 2: …", "a) …" alike; (None, text, None) when no code leads the text."""
    match = _CRITERION_MARK.match(text or "")
    if not match:
        return None, (text or "").strip(), None
    code = match.group("code")
    word = match.group("word")
    rest = text[match.end() :].strip() or text.strip()
    if not word and re.fullmatch(r"\d{1,2}", code) and not re.match(r"^\s*\d{1,2}\s*[.):\-–]", text):
        return None, text.strip(), None  # "100 hồ sơ …", a figure rather than a code
    return code, rest, fold(word) if word else None


def is_top_level(code: str | None) -> bool:
    return bool(code) and "." not in (code or "")


def split_marker(text: str) -> tuple[str | None, str]:
    """ "a) Tri thức công dân" → ("a", "Tri thức công dân")."""
    match = _LEADING_MARK.match(text or "")
    if not match:
        return None, text.strip()
    return match.group("code"), text[match.end() :].strip()


def strip_bullet(text: str) -> str:
    return BULLET.sub("", text, count=1).strip() if BULLET.match(text or "") else (text or "").strip()


def _first_word_upper(text: str) -> bool:
    """Starts a sentence: a capitalised ordinary word ("Thực hiện"), not an acronym ("MTTQ huyện")."""
    stripped = text.strip().lstrip("\"'“(")
    if not stripped:
        return False
    word = stripped.split()[0]
    letters = [ch for ch in word if ch.isalpha()]
    return bool(letters) and letters[0].isupper() and not all(ch.isupper() for ch in letters[:3])


def _complete(text: str) -> bool:
    return bool(re.search(r"[.;:!?)]\s*$", text.strip()))


def _join(before: str, after: str) -> str:
    if not before:
        return after
    if not after:
        return before
    if MARKER.match(after) and not starts_lower(strip_bullet(after)):
        return before + "\n" + after
    if re.search(r"\S[-–/]$", before):
        return before + after
    return before + " " + after


# --- fitness of a cell for a column (to put slid rows back) ---------------------------------------------


def _fits(role: str | None, text: str) -> float:
    if not text or not role:
        return 0.0
    if role == C.TIME:
        return (
            1.0
            if parse_timeframe(text).kind != "unknown"
            else (0.0 if looks_like_units(text) < 0.5 else -0.5)
        )
    if role in (C.LEAD, C.PARTNER, C.UNITS):
        score = looks_like_units(text)
        if score >= 0.5:
            return 1.0
        if re.search(r"\d\s*%", text):
            return -0.5
        return 0.0
    if role == C.TARGET:
        if re.search(r"\d\s*%|\b\d+\b", text):
            return 0.8
        return -0.3 if looks_like_units(text) >= 0.5 else 0.0
    if role == C.OUTPUT:
        return (
            0.5
            if re.match(
                r"^(quyet dinh|ke hoach|bao cao|cong van|van ban|thong bao|huong dan|bien ban|danh sach)",
                fold(text),
            )
            else 0.0
        )
    return 0.0


def repair_row(texts: list[str], roles: list[str | None]) -> tuple[list[str], bool]:
    """Put back a row whose cells slid by one column after the task column."""
    ncols = len(roles)
    try:
        first = roles.index(C.TASK) + 1
    except ValueError:
        first = 1
    texts = list(texts)
    changed = False
    if len(texts) > ncols:
        # An extra cell: drop the empty cell whose removal fits best.
        while len(texts) > ncols:
            options = [k for k in range(first, len(texts)) if not texts[k].strip()]
            if not options:
                texts = texts[: ncols - 1] + ["; ".join(t for t in texts[ncols - 1 :] if t)]
                break
            best = max(options, key=lambda k: _total(texts[:k] + texts[k + 1 :], roles))
            texts = texts[:best] + texts[best + 1 :]
            changed = True
    texts = texts + [""] * (ncols - len(texts))
    current = _total(texts, roles)
    best_texts, best_score = texts, current
    for k in range(first, ncols):
        if texts[k].strip():
            continue
        shifted = texts[:k] + texts[k + 1 :] + [""]
        score = _total(shifted, roles)
        if score > best_score + 0.99:
            best_texts, best_score = shifted, score
    if best_texts is not texts:
        changed = True
    return best_texts, changed


def _total(texts: list[str], roles: list[str | None]) -> float:
    return sum(_fits(role, text) for role, text in zip(roles, texts, strict=False))


# --- logical tables --------------------------------------------------------------------------------------


@dataclass
class TaskTable:
    roles: dict[int, str]
    header_texts: list[str]
    rows: list[Row]
    context: str  # the text just before the table (appendix title), for the framework
    page: int | None
    line: int | None


def _heading(context: list[str]) -> str:
    """The heading just above a table: from its "Phụ lục" line on, else the heading-like lines
    (short, in capitals or not ending a sentence) among the last few."""
    for index in range(len(context) - 1, -1, -1):
        if re.match(r"^(phu luc|bieu|bang)\b", fold(context[index])):
            return " ".join(context[index:])
    headings = [
        text
        for text in context[-3:]
        if len(text) <= 200 and (is_upper_text(text) or not re.search(r"[.;:]\s*$", text))
    ]
    return " ".join(headings)


def _header_rows(table: Table) -> tuple[int, int, list[str], dict[int, str]] | None:
    """Where the header starts, where it ends, its text per column, and the column roles.

    The header may take one to three rows, cells merged across ("Phân công thực hiện" over
    "Cơ quan chủ trì | Cơ quan phối hợp", "Thời gian" over "Bắt đầu | Hoàn thành") or down; each
    column's name is the text of its rows joined. It starts at the first of the table's first rows
    from which such a joined header reads as a task table's.
    """
    scored = []
    for index, row in enumerate(table.rows[:3]):
        texts = [cell.text if not cell.vmerged else "" for cell in row.cells]
        scored.append((index, C.header_score(texts)))
    candidates = [index for index, score in scored if score >= 2]
    best = max(scored, key=lambda item: item[1], default=None)
    if best is not None and best[1] >= 3 and best[0] not in candidates:
        candidates.append(best[0])
    for start in candidates:
        found = _header_from(table, start)
        if found is not None:
            return found
    return None


def _header_from(table: Table, start: int) -> tuple[int, int, list[str], dict[int, str]] | None:
    width = max(len(row.cells) for row in table.rows)
    combined = [""] * width
    used = start + 1
    for row in table.rows[start : start + 3]:
        texts = [cell.text for cell in row.cells]
        if row is not table.rows[start]:
            numeric = [t for t in texts if t.strip()]
            if numeric and all(re.fullmatch(r"\(?\d{1,2}\)?", t.strip()) for t in numeric):
                used += 1  # a row of column numbers (1) (2) (3)
                break
            if C.header_score(texts) == 0 or any(row_number(t) for t in texts[:1] if t.strip()):
                break
            own = [
                cell.text for cell in row.cells if not (cell.vmerged or cell.hmerged) and cell.text.strip()
            ]
            if not row.header and not all(
                len(t) <= 45 and C.role_of(t) and not criterion_marker(t)[0] for t in own
            ):
                break  # a first row of data (a dimension row), not more header
            used += 1
        for k, cell in enumerate(row.cells):
            text = cell.text.strip()
            if text and fold(text) not in fold(combined[k]):
                combined[k] = (combined[k] + " " + text).strip()
    if C.header_score(combined) < 3:
        return None
    roles = C.map_header(combined)
    if not C.is_task_header(roles):
        return None
    return start, used, combined, roles


def _same_header(texts: list[str], header: list[str]) -> bool:
    """A header repeated on a new page (possibly cut at the page's end)."""
    if not texts or not any(t.strip() for t in texts):
        return False
    pairs = [(fold(a), fold(b)) for a, b in zip(texts, header, strict=False) if a.strip()]
    if len(pairs) < max(2, sum(1 for h in header if h.strip()) // 2):
        return False
    return all(b.startswith(a) or a == b for a, b in pairs)


def _completes_header(texts: list[str], header: list[str], cut: list[str]) -> bool:
    """The rest of a header that a page break cut ("Nội dung thành" … "phần")."""
    pairs = [
        (fold(c + " " + a), fold(a), fold(h))
        for a, h, c in zip(texts, header, cut, strict=False)
        if a.strip()
    ]
    return bool(pairs) and all(
        h == joined or h.startswith(joined) or h.endswith(" " + own) for joined, own, h in pairs
    )


def assemble_tables(
    blocks: list, deadline: Deadline, warnings: list[str]
) -> tuple[list[TaskTable], list[int]]:
    """Logical task tables, and the indexes of tables that are not task tables."""
    result: list[TaskTable] = []
    other: list[int] = []
    current: TaskTable | None = None
    context: list[str] = []
    gap = 0  # paragraphs since the current task table
    for index, block in enumerate(blocks):
        deadline.check()
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if text:
                context.append(text)
                context = context[-8:]
                gap += 1
                if current is not None and (
                    re.match(r"^(phu luc|phần|phan|[IVX]+\.)", fold(text)) or detect_frameworks(text)
                ):
                    current = None  # a new appendix or section ends the table
            continue
        header = _header_rows(block)
        if header is not None:
            start, used, texts, roles = header
            if (
                current is not None
                and gap <= 2
                and (roles == current.roles or _same_header(texts, current.header_texts))
            ):
                # The same table on a new page: its repeated (perhaps cut) header is skipped row by row.
                if block.rows:
                    block.rows[0].after_break = True
                current.rows.extend(block.rows)
            else:
                if start and current is not None and gap <= 2:
                    # Rows above a new header finish the previous table.
                    block.rows[0].after_break = True
                    current.rows.extend(block.rows[:start])
                current = TaskTable(
                    roles, texts, list(block.rows[used:]), _heading(context), block.page, block.line
                )
                result.append(current)
            context = []
            gap = 0
            continue
        width = max(len(row.cells) for row in block.rows)
        if (
            current is not None
            and (gap == 0 or block.continues)
            and abs(width - len(current.header_texts)) <= 1
        ):
            if block.rows:
                block.rows[0].after_break = True
            current.rows.extend(block.rows)
            context = []
            gap = 0
            continue
        other.append(index)
        current = None if gap > 2 else current
    return result, other


# --- rows → tasks -------------------------------------------------------------------------------------------


def tasks_from_table(
    table: TaskTable, deadline: Deadline, warnings: list[str], fallback_framework: str | None
) -> list[RawTask]:
    ncols = len(table.header_texts)
    roles = [table.roles.get(k) for k in range(ncols)]
    framework = (
        detect_framework(_section_title(table.context))
        or detect_framework(table.context)
        or fallback_framework
    )
    section = _section_title(table.context)
    tasks: list[RawTask] = []
    dimension: Label | None = None
    subdimension: Label | None = None
    last: RawTask | None = None
    cut_header: list[str] | None = None

    for row in table.rows:
        deadline.check()
        raw = [("" if cell.hmerged else cell.text) for cell in row.cells]
        own = [cell.own_text for cell in row.cells]
        if not any(t.strip() for t in raw):
            continue
        # A header repeated inside the table, or the rest of one a page break cut.
        if _same_header(raw, table.header_texts):
            cut_header = raw
            continue
        if cut_header is not None and _completes_header(raw, table.header_texts, cut_header):
            cut_header = [(c + " " + a).strip() for c, a in zip(cut_header, raw, strict=False)]
            continue
        after_header = cut_header is not None
        cut_header = None
        numbers_row = [t for t in raw if t.strip()]
        if (
            numbers_row
            and all(re.fullmatch(r"\(?\d{1,2}\)?", t.strip()) for t in numbers_row)
            and len(numbers_row) >= 3
        ):
            continue
        f = _row_fields(raw, own, roles)
        repaired = False
        if not (
            last is not None
            and not f["number"]
            and _is_continuation(row.after_break or after_header, *_continuation_args(f), last)
        ):
            texts, repaired = repair_row(raw, roles)
            if repaired:
                f = _row_fields(texts, texts, roles)
        number_text, number, description = f["number_text"], f["number"], f["description"]
        dim_text, sub_text, crit_text = f["dim_text"], f["sub_text"], f["crit_text"]
        lead, partner, time, target, output = f["lead"], f["partner"], f["time"], f["target"], f["output"]
        content = any([description, lead, partner, time, target, output])
        broke = row.after_break or after_header

        # 1. A row continuing the one above.
        if (
            last is not None
            and not number
            and _is_continuation(
                broke, description, lead, partner, time, target, output, dim_text, sub_text, crit_text, last
            )
        ):
            last.description = _join(
                last.description, strip_bullet(description) if not last.description else description
            )
            last.target = _join(last.target, target)
            last.output = _join(last.output, output)
            last.lead = _join(last.lead, lead)
            last.partner = _join(last.partner, partner)
            last.time = _join(last.time, time)
            if dim_text and last.dimension is not None:
                last.dimension.name = _join(last.dimension.name, dim_text)
            if sub_text and last.subdimension is not None:
                last.subdimension.name = _join(last.subdimension.name, sub_text)
            if crit_text and last.criterion is not None:
                last.criterion.name = _join(last.criterion.name, crit_text)
            continue

        # 2. A group row naming a dimension (or a framework): no target, output, partner or time, and
        # a label that reads as a heading. Its lead cell, if any, is the heading's own (never a task's).
        has_task_column = C.TASK in roles
        label_cells = dim_text or crit_text or sub_text
        if not any([partner, time, target, output]):
            if description and not label_cells:
                if (not lead and (_spans_row(row, roles) or _reads_as_heading(description))) or (
                    lead and _group_heading(description, number, roles)
                ):
                    dim_text, description, content = description, "", False
            elif (
                label_cells
                and not description
                and lead
                and (has_task_column or _group_heading(label_cells, number, roles))
            ):
                content = False
        if not content:
            label = dim_text or crit_text or sub_text or (number_text if number is None else "")
            if not label:
                continue
            named = detect_framework(label)
            if named and (not number or len(label) > 40 or is_upper_text(label)):
                framework = named
                section = one_line(label)
                dimension = subdimension = None
                continue
            marked, marked_name, word = criterion_marker(label)
            top_number = bool(number) and is_top_level(number) and not re.fullmatch(r"[a-zđ]", number or "")
            if (
                sub_text
                and not dim_text
                and not crit_text
                and not (marked and "." in marked and number is None)
                and not top_number
            ):
                code, name = split_marker(sub_text)
                subdimension = Label(_compose(dimension, code or number), name, "subdimension", dimension)
                continue
            if (
                number is None
                and marked
                and ("." in marked or word in ("tieu chi", "tc", "tieu chi thanh phan"))
            ):
                if "." in marked:
                    dimension = _owner(marked, dimension, warnings)
                subdimension = Label(marked, marked_name, "subdimension", dimension)
                continue
            if number and not is_top_level(number):
                dimension = _owner(number, dimension, warnings)
                subdimension = Label(number, label, "subdimension", dimension)
                continue
            if _nested(number, dimension) and not word:
                subdimension = Label(_compose(dimension, number), label, "subdimension", dimension)
                continue
            code, name = dimension_name(label)
            if code is None and marked and word:
                code, name = marked, marked_name
            dimension = Label(
                number or code, name if not number else dimension_name("1. " + label)[1], "dimension"
            )
            subdimension = None
            continue

        # 3. A task row, perhaps opening a dimension or sub-dimension. A code printed with the
        # criterion ("1.3. …", "Tiêu chí 1.3: …", "TC 1.3 …") is the criterion's, whatever the TT
        # column holds (a running number).
        if dim_text:
            code, name = split_marker(dim_text)
            dimension = Label(number if is_top_level(number) else code, name, "dimension")
            subdimension = None
        own_code, own_name, own_word = criterion_marker(crit_text or sub_text)
        printed = (
            bool(own_code)
            and not re.fullmatch(r"[IVX]+|[a-zđ]", own_code or "")
            and ("." in (own_code or "") or bool(own_word) or (bool(number) and number != own_code))
        )
        if printed and (crit_text or sub_text):
            if "." in own_code:
                dimension = _owner(own_code, dimension, warnings)
            subdimension = Label(own_code, own_name, "subdimension", dimension)
        elif sub_text:
            code, name = split_marker(sub_text)
            code = code or (number if number and not is_top_level(number) else None)
            subdimension = Label(_compose(dimension, code), name, "subdimension", dimension)
        if printed:
            pass
        elif crit_text:
            if _nested(number, dimension):
                subdimension = Label(_compose(dimension, number), crit_text, "subdimension", dimension)
            elif number and is_top_level(number) and C.SUBDIMENSION not in roles:
                dimension = Label(number, crit_text, "dimension")
                subdimension = None
            elif number:
                dimension = _owner(number, dimension, warnings)
                subdimension = Label(number, crit_text, "subdimension", dimension)
            elif subdimension is not None:
                subdimension = Label(subdimension.code, crit_text, "subdimension", dimension)
            else:
                code, name = split_marker(crit_text)
                subdimension = Label(code, name, "subdimension", dimension)
        elif number and not is_top_level(number) and not sub_text:
            dimension = _owner(number, dimension, warnings)
            subdimension = Label(number, "", "subdimension", dimension)
        if not has_task_column and not description:
            # An appendix listing the index's criteria: each criterion row is the task.
            criterion = subdimension or dimension
            description = (criterion.name if criterion else "") or crit_text or sub_text or dim_text

        task = RawTask(
            description=strip_bullet(description),
            dimension=dimension,
            subdimension=subdimension,
            target=target,
            output=output,
            lead=lead,
            partner=partner,
            time=time,
            note=f.get("note", ""),
            framework=framework,
            section=section,
            page=row.page,
            line=row.line,
        )
        if (
            not lead
            and last is not None
            and last.criterion is task.criterion
            and (not number or (task.criterion is not None and task.criterion.code != number))
            and last.lead
        ):
            # The unit cells were merged over this row and the one above.
            task.lead = last.lead
            task.partner = task.partner or last.partner
            if not time:
                task.time = last.time
            task.notes.append(_("đơn vị chủ trì lấy theo dòng trên (ô gộp)"))
        if repaired:
            task.notes.append(_("các ô của dòng bị lệch cột, đã đặt lại"))
        tasks.append(task)
        last = task
    return tasks


def _owner(number: str, dimension: Label | None, warnings: list[str]) -> Label | None:
    """The dimension a numbered sub-dimension ("5.2") belongs to; a stand-in when the table lost
    the dimension's own row (the "5" row of "5.2" is missing)."""
    prefix = number.split(".")[0]
    if dimension is not None and (dimension.code or "") == prefix:
        return dimension
    if dimension is None or (dimension.code and dimension.code != prefix):
        warnings.append(
            _("Bảng không có dòng chỉ số nội dung “%(d)s” trước tiêu chí %(n)s; tên chỉ số được để trống.")
            % {"d": prefix, "n": number}
        )
        return Label(prefix, "", "dimension")
    return dimension


def _spans_row(row: Row, roles: list[str | None]) -> bool:
    """The task cell is merged over the cells to its right (a heading row)."""
    try:
        start = roles.index(C.TASK)
    except ValueError:
        return False
    rest = row.cells[start + 1 :]
    return bool(rest) and all(cell.hmerged for cell in rest)


def _group_heading(text: str, number: str | None, roles: list[str | None]) -> bool:
    """A row label that names a field or dimension even when the row carries a lead unit:
    "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "Lĩnh vực 2: …", "Chỉ số nội dung 3: …", an index's title,
    or a top-level number beside a name in a table that has a criterion column."""
    text = text.strip()
    if not text or len(text) > 200:
        return False
    code, rest, word = criterion_marker(text)
    if word in ("linh vuc", "chi so noi dung", "chi so thanh phan", "chi so"):
        return True
    if detect_framework(text) and (is_upper_text(text) or len(text) > 30):
        return True
    if (number and re.fullmatch(r"[IVXLC]+|[A-ZĐ]", number)) or (code and re.fullmatch(r"[IVX]+", code)):
        return True
    if is_upper_text(rest) and len(rest) > 8:
        return True
    has_criterion_column = any(r in (C.CRITERION, C.SUBDIMENSION, C.DIMENSION) for r in roles)
    return bool(has_criterion_column and number and number.isdigit() and not code and C.TASK not in roles)


def _reads_as_heading(text: str) -> bool:
    """A dimension heading: in capitals, quoted, "Chỉ số nội dung …", or a known dimension name."""
    text = text.strip()
    if len(text) > 150 or re.search(r"[.;]$", text):
        return False
    code, _name, word = criterion_marker(text)
    if code and (
        "." in code or word in ("tieu chi", "tc", "tieu chi thanh phan", "linh vuc", "chi so noi dung")
    ):
        return True  # "1.3. Chất lượng bầu cử", "Tiêu chí 1.3: …", "TC 2.1 …"
    _, rest = split_marker(text)
    if is_upper_text(rest):
        return True
    if re.match(r"^(chỉ số nội dung|chỉ số thành phần|nội dung|lĩnh vực|tiêu chí)\b", rest, re.I) and (
        _QUOTED.search(rest) or ":" in rest
    ):
        return True
    return any(name_score(rest, name) >= 0.8 and name_score(name, rest) >= 0.8 for name in KNOWN_DIMENSIONS)


def _row_fields(texts: list[str], own: list[str], roles: list[str | None]) -> dict:
    """The text of each role in a row; labels (number, dimension, criterion) only from cells of their own."""
    values: dict[str, str] = {}
    own_values: dict[str, str] = {}
    for k, role in enumerate(roles):
        if role is None or k >= len(texts):
            continue
        text = texts[k].strip()
        if text:
            values[role] = (values[role] + "; " + text) if role in values else text
        own_text = (own[k] if k < len(own) else "").strip()
        if own_text:
            own_values[role] = (own_values[role] + "; " + own_text) if role in own_values else own_text
    number_text = own_values.get(C.NUMBER, "")
    number = row_number(number_text)
    description = values.get(C.TASK, "")
    if number_text and number is None and not description and len(number_text.split()) >= 3:
        description = number_text  # the task written in the number column
        number_text = ""
    return {
        "number_text": number_text,
        "number": number,
        "description": description,
        "dim_text": own_values.get(C.DIMENSION, ""),
        "sub_text": own_values.get(C.SUBDIMENSION, ""),
        "crit_text": own_values.get(C.CRITERION, ""),
        "lead": values.get(C.LEAD, "") or values.get(C.UNITS, ""),
        "partner": values.get(C.PARTNER, ""),
        "time": values.get(C.TIME, "") or values.get(C.START, ""),
        "note": values.get(C.NOTE, ""),
        "target": values.get(C.TARGET, ""),
        "output": values.get(C.OUTPUT, ""),
    }


def _continuation_args(f: dict) -> tuple:
    return (
        f["description"],
        f["lead"],
        f["partner"],
        f["time"],
        f["target"],
        f["output"],
        f["dim_text"],
        f["sub_text"],
        f["crit_text"],
    )


def _nested(number: str | None, dimension: Label | None) -> bool:
    """An arabic number under a roman or lettered dimension ("I" … "1", "2") is a sub-dimension."""
    return bool(
        number
        and number.isdigit()
        and dimension is not None
        and dimension.code
        and re.fullmatch(r"[IVXLC]+|[A-ZĐ]", dimension.code)
    )


def _compose(dimension: Label | None, code: str | None) -> str | None:
    if not code:
        return None
    if (
        (re.fullmatch(r"[a-zđ]", code) or (code.isdigit() and _nested(code, dimension)))
        and dimension
        and dimension.code
    ):
        return f"{dimension.code}.{code}"
    return code


def _is_continuation(
    broke, description, lead, partner, time, target, output, dim_text, sub_text, crit_text, last
) -> bool:
    texts = [
        t for t in (description, lead, partner, time, target, output, dim_text, sub_text, crit_text) if t
    ]
    if not texts:
        return False
    if sub_text and (split_marker(sub_text)[0] or _first_word_upper(sub_text)):
        return False
    if dim_text and _first_word_upper(dim_text) and not starts_lower(dim_text):
        return False
    lower = sum(1 for t in texts if starts_lower(t) or re.match(r"^[,;:.)]", t.strip()))
    if broke:
        if not lead and not partner and not time:
            return not (_first_word_upper(description) and _complete(last.description) and (target or output))
        return lower >= max(1, (len(texts) + 1) // 2)
    if not lead and not partner and not time and not target and not output:
        code, _name, word = criterion_marker(description)
        if code and ("." in code or word):
            return False  # a criterion's own row
        return bool(description) and (
            starts_lower(description)
            or not _first_word_upper(strip_bullet(description))
            and not BULLET.match(description)
        )
    return lower == len(texts)


def _section_title(context: str) -> str | None:
    if not context:
        return None
    match = re.search(r"(PHỤ LỤC|Phụ lục)[^\n]*", context)
    text = context[match.start() :] if match else context
    text = re.split(r"\s*\((?:Kèm theo|kèm theo|Ban hành kèm)", text)[0]
    return one_line(text)[:300] or None


# --- prose -------------------------------------------------------------------------------------------------

_LABELS = [
    (
        "lead",
        re.compile(
            r"(?:đơn vị|cơ quan|bộ phận)?\s*(?:chủ trì|phụ trách|chịu trách nhiệm chính|chịu trách nhiệm)(?:\s*(?:thực hiện|theo dõi))?\s*:"
            r"|(?:đơn vị|cơ quan|bộ phận)\s*thực hiện\s*:",
            re.I,
        ),
    ),
    ("partner", re.compile(r"(?:đơn vị|cơ quan|bộ phận)?\s*phối hợp(?:\s*thực hiện)?\s*:", re.I)),
    ("time", re.compile(r"(?:thời gian|thời hạn|tiến độ)(?:\s*(?:thực hiện|hoàn thành))?\s*:", re.I)),
    ("target", re.compile(r"(?:chỉ tiêu|mục tiêu)\s*:", re.I)),
    ("output", re.compile(r"(?:sản phẩm|kết quả)(?:\s*(?:đầu ra|dự kiến))?\s*:", re.I)),
]
_ANY_LABEL = re.compile(
    r"(?:^|(?<=\s)|(?<=[.;]))(?:[-–+•]\s*)?(?:(?:đơn vị|cơ quan|bộ phận)\s*)?(?:chủ trì|phụ trách|chịu trách nhiệm|phối hợp|thời gian|thời hạn|tiến độ|chỉ tiêu|sản phẩm|kết quả|(?<=đơn vị )thực hiện|(?<=cơ quan )thực hiện)"
    r"(?:\s*(?:thực hiện|hoàn thành|theo dõi|đầu ra|dự kiến))?\s*:",
    re.I,
)
_QUOTED = re.compile(r"[“\"']([^”\"']{3,150})[”\"']")


def _labels_in(text: str) -> list[tuple[str, str, int]]:
    """(role, value, start) for every "Label: value" in a paragraph."""
    found = []
    matches = list(_ANY_LABEL.finditer(text))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        label = match.group(0)
        role = next((name for name, pattern in _LABELS if pattern.search(label)), None)
        if role:
            value = text[match.end() : end].strip(" .;-–")
            found.append((role, value, match.start()))
    return found


def _marker_level(text: str) -> float | None:
    match = MARKER.match(text)
    if not match:
        return None
    mark = match.group(0).strip()
    if re.fullmatch(r"[IVXLC]+[.)]", mark):
        return 0
    if re.fullmatch(r"\d{1,2}(?:\.\d{1,2})*[.)]?", mark):
        return 1 + mark.rstrip(".)").count(".")
    if re.fullmatch(r"\(\s*\d+\s*\)", mark):
        return 6
    if re.fullmatch(r"[a-zđ][.)]|\(\s*[a-zđ]\s*\)", mark):
        return 5
    return 9  # bullets


def dimension_name(text: str) -> tuple[str | None, str]:
    """("1", "Tham gia của người dân ở cấp cơ sở") from "1. Nội dung “Tham gia …”"."""
    code, rest = split_marker(text)
    if code is None:
        match = MARKER.match(text)
        rest = text[match.end() :].strip() if match else text
    inner, inner_rest, word = criterion_marker(re.sub(r"^đối với\s+", "", rest, flags=re.I))
    if inner and word:
        code, rest = inner, inner_rest  # "a) Lĩnh vực 1: …", "Chỉ số nội dung 3: …"
    quoted = _QUOTED.search(rest)
    if quoted:
        return code, quoted.group(1).strip()
    rest = re.sub(r"^(đối với\s+)?(nội dung|chỉ số nội dung|lĩnh vực)\s*[:\-–]?\s*", "", rest, flags=re.I)
    return code, rest.strip(" :.")


def _is_strong_heading(text: str, known: list[str]) -> bool:
    if _marker_level(text) is None or _marker_level(text) == 9 or len(text) > 170:
        return False
    _, rest = split_marker(text)
    if _QUOTED.search(text) and re.search(r"\b(nội dung|chỉ số|lĩnh vực|tiêu chí)\b", text, re.I):
        return True
    if re.match(r"^(đối với\s+)?(nội dung|chỉ số nội dung|lĩnh vực)\b", rest, re.I) and not _complete(rest):
        return True
    if not _complete(rest) and len(rest) < 120:
        return any(name_score(rest, name) >= 0.75 and name_score(name, rest) >= 0.5 for name in known)
    return False


def tasks_from_prose(
    paragraphs: list[Paragraph],
    *,
    include_sections: bool,
    framework: str | None,
    known_dimensions: list[str] | None,
    deadline: Deadline,
) -> list[RawTask]:
    """Tasks from prose: items under dimension headings in the task sections (when
    `include_sections`), and anywhere, items followed by "Đơn vị chủ trì:" lines."""
    known = list(known_dimensions or []) + KNOWN_DIMENSIONS
    tasks: list[RawTask] = []
    in_tasks_section = False
    section_title: str | None = None
    section_framework = framework
    dimension: Label | None = None
    dimension_level: float | None = None
    current: RawTask | None = None  # the item the next lines belong to
    current_is_title = False
    pending_label: str | None = None  # a label whose units follow on the next lines
    labelled_items: list[RawTask] = []

    def close_item():
        nonlocal current, current_is_title, pending_label
        current = None
        current_is_title = False
        pending_label = None

    for paragraph in paragraphs:
        deadline.check()
        text = paragraph.text.strip()
        if not text:
            continue
        folded = fold(text)
        level = _marker_level(text)

        # Top-level sections ("II. NHIỆM VỤ, GIẢI PHÁP").
        if level == 0 or (
            is_upper_text(text)
            and len(text) < 120
            and level is None
            and not folded.startswith(("tm", "kt", "noi nhan"))
        ):
            close_item()
            heading = re.sub(r"^[IVXLC]+[.)]\s*", "", text)
            hfold = fold(heading)
            in_tasks_section = (
                bool(
                    re.search(r"\bnhiem vu\b|\bgiai phap\b", hfold)
                    or hfold.strip() in ("noi dung", "noi dung thuc hien", "noi dung chu yeu")
                )
                and "to chuc thuc hien" not in hfold
            )
            if level == 0 or detect_framework(heading):
                section_title = one_line(text)
                section_framework = detect_framework(heading) or framework
                dimension = None
                dimension_level = None
            continue
        if folded.startswith(("noi nhan", "tm. ", "tm ", "kt. ", "phu luc")):
            in_tasks_section = False
            close_item()
            continue

        if level is not None and level != 9 and _index_section(text):
            # "1.2. Đối với Chỉ số PAPI": the tasks below are about that index.
            close_item()
            section_title = one_line(text)
            section_framework = detect_frameworks(text)[0]
            dimension = None
            dimension_level = None
            in_tasks_section = True
            continue

        labels = _labels_in(text)
        only_labels = bool(labels) and labels[0][2] <= 3
        if only_labels and current is not None:
            for role, value, _start in labels:
                _set_field(current, role, value)
                pending_label = role if not value else None
            if current not in labelled_items:
                labelled_items.append(current)
            continue
        if (
            pending_label
            and current is not None
            and (BULLET.match(text) or looks_like_units(text) >= 0.5)
            and len(text) < 200
        ):
            _set_field(current, pending_label, strip_bullet(text))
            continue
        pending_label = None

        # Headings of dimensions.
        if (
            level is not None
            and level != 9
            and (in_tasks_section or labels)
            and _is_strong_heading(text, known)
        ):
            close_item()
            code, name = dimension_name(text)
            dimension = Label(code, name, "dimension")
            dimension_level = level
            continue
        if (
            dimension is not None
            and level is not None
            and level != 9
            and dimension_level is not None
            and level <= dimension_level
            and not labels
            and not (_complete(text) and len(text) > 60)
        ):
            # A heading at the dimensions' level that names no dimension ends them.
            close_item()
            dimension = None
            dimension_level = None

        # Paragraph continuing the current item.
        if current is not None and level is None and (starts_lower(text) or re.match(r"^[,;:)]", text)):
            current.description = _join(current.description, text)
            continue
        if current is not None and level is None and current_is_title:
            current.description = current.description + " " + text
            current_is_title = False
            continue
        if re.fullmatch(r"\(.*\)\s*[.;]?", text, flags=re.S):
            continue  # "(Có Phụ lục kèm theo)", "(Nhiệm vụ … tại Phụ lục kèm theo)."

        inline = _labels_in(text)
        eligible = (in_tasks_section and dimension is not None) or inline
        if not eligible:
            close_item()
            current = RawTask(
                description=strip_bullet(_strip_marker(text)),
                origin="prose",
                page=paragraph.page,
                line=paragraph.line,
            )
            current.framework = section_framework
            current.section = section_title
            current.dimension = dimension
            current_is_title = not _complete(text) and len(text) < 120
            continue
        description = text[: inline[0][2]].strip(" -–;") if inline else text
        task = RawTask(
            description=strip_bullet(_strip_marker(description)),
            dimension=dimension,
            framework=section_framework,
            section=section_title,
            page=paragraph.page,
            line=paragraph.line,
            origin="prose",
        )
        for role, value, _start in inline:
            _set_field(task, role, value)
        if in_tasks_section and dimension is not None:
            tasks.append(task)
        else:
            labelled_items.append(task)
        current = task
        current_is_title = not _complete(text) and len(text) < 120 and not inline

    for task in labelled_items:
        if task not in tasks and (task.lead or task.partner):
            tasks.append(task)
    tasks.sort(key=lambda t: t.line or 0)
    return tasks


def _index_section(text: str) -> bool:
    """A numbered heading naming an index: "1.1. Đối với Chỉ số CCHC và SIPAS", "2. Chỉ số PAPI"."""
    _, rest = split_marker(text)
    if len(rest) > 160 or re.search(r"[.;!?]\s*$", rest):
        return False
    if not detect_frameworks(rest):
        return False
    return bool(
        re.match(
            r"^(đối với|về|nhiệm vụ|giải pháp|nâng cao|cải thiện)?\s*(các\s+)?(bộ\s+)?chỉ số\b", rest, re.I
        )
    )


def _strip_marker(text: str) -> str:
    match = MARKER.match(text)
    return text[match.end() :].strip() if match and not BULLET.match(text) else text


def _set_field(task: RawTask, role: str, value: str) -> None:
    value = value.strip()
    if not value:
        return
    current = getattr(task, role)
    setattr(task, role, (current + "\n" + value) if current else value)
