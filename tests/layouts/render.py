"""One plan, one layout → a document: .docx (python-docx, real tables with merged cells), text
(tab-separated, `|` tables, one cell per line as copied from a PDF) and .pdf (the .docx through
LibreOffice, many files in one `soffice` call).

A table is laid out first as a grid of strings in which "<" marks a cell merged with the one to
its left and "^" one merged with the one above; each format renders that grid its own way.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tests.layouts.plans import FRAMEWORK_TITLES, Plan, PlanTask

LEFT, UP = "<", "^"
FORMATS = ("docx", "tsv", "pipe", "flat", "pdf")
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


@dataclass(frozen=True)
class Layout:
    fmt: str = "docx"
    mode: str = "appendix"  # "appendix" (one per index), "combined" (one table, index rows), "prose"
    depth: int = 1  # header rows
    code_column: str | None = "TT"
    task_column: str | None = "Nhiệm vụ"
    criterion_column: str = "Tiêu chí"
    criterion_style: str = "column"  # "column" or "row" (a criterion row above its tasks)
    criterion_text: str = "code"  # "code" ("1.3. …"), "tieu_chi" ("Tiêu chí 1.3: …"), "tc", "name"
    group_style: str = "roman"  # "roman", "linh_vuc", "chi_so", "arabic"
    group_span: bool = True
    group_lead: bool = False  # group rows carry a lead unit (never inherited)
    order: tuple[str, ...] = ("target", "output", "units", "time", "note")
    names: dict = field(default_factory=dict, hash=False, compare=False)
    split_time: bool = False  # "Thời gian" over "Bắt đầu | Hoàn thành"
    merge_leads: bool = False  # lead cells merged over the tasks of one criterion
    continuation: bool = False  # long task texts continued in the next row
    numbers_row: bool = False  # a row "(1) (2) (3)…" under the header
    repeat_header: int = 0  # text formats: the header repeated every n rows (a page)
    prose_labels: str = "next"  # "same" line or "next" line
    prose_marker: str = "(1)"

    @property
    def family(self) -> str:
        if self.mode == "prose":
            return f"prose/{self.fmt}"
        kind = "criteria-rows" if not self.task_column else "tasks"
        return f"{self.mode}-h{self.depth}-{kind}/{self.fmt}"


def _code_text(layout: Layout, code: str, name: str) -> str:
    style = layout.criterion_text
    if style == "tieu_chi":
        return f"Tiêu chí {code}: {name}"
    if style == "tc":
        return f"TC {code}. {name}"
    if style == "name" and layout.code_column:
        return name
    return f"{code}. {name}"


def _group_text(layout: Layout, framework: str, number: int, code: str, name: str) -> tuple[str, str]:
    """(code cell, text) of a dimension row."""
    style = layout.group_style
    if style == "roman":
        mark = ROMAN[number - 1]
        text = name.upper()
    elif style == "linh_vuc":
        mark, text = code, f"Lĩnh vực {code}: {name}"
    elif style == "chi_so":
        mark, text = (
            code,
            ("Chỉ số nội dung" if framework == "PAPI" else "Chỉ số thành phần") + f" {code}: {name}",
        )
    else:
        mark, text = code, name
    if layout.code_column:
        if style in ("linh_vuc", "chi_so"):
            return "", text
        return mark, text
    return "", f"{mark}. {text}" if style in ("roman", "arabic") else text


def columns(layout: Layout) -> list[tuple[str, str]]:
    """(role, leaf header name) in order."""
    n = layout.names
    out: list[tuple[str, str]] = []
    if layout.code_column:
        out.append(("code", layout.code_column))
    if layout.criterion_style == "column" or not layout.task_column:
        out.append(("criterion", layout.criterion_column))
    if layout.task_column:
        out.append(("task", layout.task_column))
    for part in layout.order:
        if part == "units":
            out.append(("lead", n.get("lead", "Đơn vị chủ trì")))
            out.append(("partner", n.get("partner", "Đơn vị phối hợp")))
        elif part == "time":
            if layout.split_time:
                out += [("start", "Bắt đầu"), ("end", "Hoàn thành")]
            else:
                out.append(("time", n.get("time", "Thời gian thực hiện")))
        else:
            out.append(
                (
                    part,
                    n.get(
                        part, {"target": "Chỉ tiêu", "output": "Kết quả/sản phẩm", "note": "Ghi chú"}[part]
                    ),
                )
            )
    return out


def header_grid(layout: Layout, cols: list[tuple[str, str]]) -> list[list[str]]:
    roles = [role for role, _ in cols]
    depth = layout.depth
    grid = [[UP] * len(cols) for _ in range(depth)]
    for k, (_, name) in enumerate(cols):
        grid[0][k] = name
    if depth == 1:
        return grid
    unit_group = layout.names.get("unit_group", "Phân công thực hiện")
    leaf = depth - 1
    for k, (role, name) in enumerate(cols):
        if role in ("lead", "partner", "start", "end"):
            grid[0][k] = UP
            grid[leaf][k] = name
    for k, role in enumerate(roles):
        if role == "lead":
            grid[leaf - 1][k], grid[leaf - 1][k + 1] = unit_group, LEFT
        if role == "start":
            grid[leaf - 1][k], grid[leaf - 1][k + 1] = "Thời gian", LEFT
    if depth == 3:
        block = [k for k, r in enumerate(roles) if r in ("lead", "partner", "start", "end", "time")]
        first = block[0]
        for k in block:
            if grid[0][k] != UP:  # a time column of one row: under the top group
                grid[1][k] = grid[0][k]
            grid[0][k] = LEFT
        grid[0][first] = "Tổ chức thực hiện"
    return grid


def _split(text: str) -> tuple[str, str]:
    words = text.split()
    cut = max(3, len(words) // 2)
    head, tail = " ".join(words[:cut]), " ".join(words[cut:])
    if not tail:
        return text, ""
    return head, tail[:1].lower() + tail[1:]


def body_grid(layout: Layout, plan: Plan, groups: list[tuple[str, list[PlanTask]]]) -> list[list[str]]:
    cols = columns(layout)
    roles = [role for role, _ in cols]
    width = len(cols)
    rows: list[list[str]] = []
    first_text = 1 if layout.code_column else 0

    def spanning(code: str, text: str, lead: str = "") -> list[str]:
        row = [""] * width
        if layout.code_column:
            row[0] = code
        row[first_text] = text
        if layout.group_span:
            for k in range(first_text + 1, width):
                row[k] = LEFT
        if lead and "lead" in roles:
            if layout.group_span:
                cut = roles.index("lead")
                for k in range(first_text + 1, width):
                    row[k] = "" if k >= cut else LEFT
                row[cut] = lead
            else:
                row[roles.index("lead")] = lead
        return row

    for index_number, (kind, tasks) in enumerate(groups, start=1):
        if layout.mode == "combined":
            letter = "ABCD"[index_number - 1]
            rows.append(
                spanning(
                    letter if layout.code_column else "",
                    (f"{letter}. " if not layout.code_column else "") + FRAMEWORK_TITLES[kind][0].upper(),
                )
            )
        dim_seen: list[str] = []
        criterion_seen: str | None = None
        for running, task in enumerate(tasks, start=1):
            c = task.criterion
            if c.dimension_code not in dim_seen:
                dim_seen.append(c.dimension_code)
                code, text = _group_text(layout, kind, len(dim_seen), c.dimension_code, c.dimension_name)
                rows.append(spanning(code, text, "Phòng Nội vụ" if layout.group_lead else ""))
                criterion_seen = None
            new_criterion = c.code != criterion_seen
            criterion_seen = c.code
            if layout.task_column and layout.criterion_style == "row" and new_criterion:
                if layout.code_column:
                    rows.append(spanning(c.code, c.name))
                else:
                    rows.append(spanning("", _code_text(layout, c.code, c.name)))
            row = [""] * width
            cont: list[str] | None = None
            for k, role in enumerate(roles):
                if role == "code":
                    if layout.task_column and layout.criterion_style == "row":
                        row[k] = ""
                    elif layout.criterion_text != "name" and layout.task_column:
                        row[k] = str(running)
                    else:
                        row[k] = c.code if new_criterion else UP
                elif role == "criterion":
                    row[k] = _code_text(layout, c.code, c.name) if new_criterion else UP
                elif role == "task":
                    text = task.description or ""
                    if layout.continuation and len(text.split()) >= 8 and running % 2:
                        head, tail = _split(text)
                        row[k] = head
                        cont = [""] * width
                        cont[k] = tail
                    else:
                        row[k] = text
                elif role == "lead":
                    row[k] = ", ".join(task.leads)
                elif role == "partner":
                    row[k] = "; ".join(task.partners)
                elif role in ("time", "end"):
                    row[k] = task.time
                elif role == "start":
                    row[k] = f"Tháng 1/{plan.year}"
                else:
                    row[k] = getattr(task, role)
            if layout.merge_leads and not new_criterion and rows and "lead" in roles:
                previous = next(r for r in reversed(rows) if r[roles.index("lead")] not in ("", LEFT))
                k = roles.index("lead")
                if previous[k] in (row[k], UP) and cont is None:
                    row[k] = UP
            rows.append(row)
            if cont is not None:
                rows.append(cont)
    return rows


def _merge_leads_consistent(plan: Plan, rng) -> None:
    """With merged lead cells, the tasks of one criterion share their lead (as the merge says)."""
    previous = None
    for task in plan.tasks:
        if previous is not None and previous.criterion == task.criterion:
            task.leads = list(previous.leads)
        previous = task


# --- the document around the tables --------------------------------------------------------------


def _front(plan: Plan) -> list[str]:
    titles = ", ".join(FRAMEWORK_TITLES[k][-1].replace("Chỉ số ", "") for k in plan.frameworks)
    y = plan.year
    return [
        "ỦY BAN NHÂN DÂN",
        "HUYỆN VỊ XUYÊN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 120/KH-UBND",
        f"Vị Xuyên, ngày 15 tháng 3 năm {y}",
        "KẾ HOẠCH",
        f"Nâng cao các chỉ số {titles} năm {y}",
        f"Thực hiện Kế hoạch số 45/KH-UBND ngày 20/02/{y} của UBND tỉnh Hà Giang; Ủy ban nhân dân huyện ban hành Kế hoạch như sau:",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "Nâng cao nhận thức, trách nhiệm của các cơ quan, đơn vị trong việc cải thiện các chỉ số.",
    ]


def _back() -> list[str]:
    return [
        "III. TỔ CHỨC THỰC HIỆN",
        "Các cơ quan, đơn vị căn cứ nhiệm vụ được giao tổ chức thực hiện nghiêm túc Kế hoạch này.",
        "Nơi nhận:",
        "- UBND tỉnh;",
        "- Lưu: VT.",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
    ]


def _appendix_title(plan: Plan, number: int, kinds: list[str], total: int) -> list[str]:
    head = f"PHỤ LỤC {ROMAN[number - 1]}" if total > 1 else "PHỤ LỤC"
    if len(kinds) == 1:
        title = f"NHIỆM VỤ NÂNG CAO {FRAMEWORK_TITLES[kinds[0]][0].upper()} NĂM {plan.year}"
    else:
        title = f"NHIỆM VỤ NÂNG CAO CÁC CHỈ SỐ NĂM {plan.year}"
    all_titles = ", ".join(FRAMEWORK_TITLES[k][-1].replace("Chỉ số ", "") for k in plan.frameworks)
    return [
        head,
        title,
        f"(Kèm theo Kế hoạch số 120/KH-UBND ngày 15/3/{plan.year} của UBND huyện Vị Xuyên về nâng cao các chỉ số {all_titles})",
    ]


def _prose(layout: Layout, plan: Plan) -> list[str]:
    out = ["II. NHIỆM VỤ, GIẢI PHÁP"]
    for number, (kind, tasks) in enumerate(plan.by_framework(), start=1):
        out.append(f"{number}. Đối với {FRAMEWORK_TITLES[kind][-1]}")
        dims: list[str] = []
        item = 0
        for task in tasks:
            c = task.criterion
            if c.dimension_code not in dims:
                dims.append(c.dimension_code)
                letter = "abcdeghiklmn"[len(dims) - 1]
                word = "Chỉ số nội dung" if kind == "PAPI" else "Lĩnh vực"
                out.append(f"{letter}) {word} {c.dimension_code}: {c.dimension_name}")
                item = 0
            item += 1
            mark = {"(1)": f"({item})", "1.": f"{number}.{len(dims)}.{item}.", "-": "-", "+": "+"}[
                layout.prose_marker
            ]
            text = (task.description or c.name).rstrip(".") + "."
            if layout.prose_labels == "same":
                parts = [f"{mark} {text} Đơn vị chủ trì: {', '.join(task.leads)}."]
                if task.partners:
                    parts.append(f"Đơn vị phối hợp: {'; '.join(task.partners)}.")
                parts.append(f"Thời gian thực hiện: {task.time}.")
                out.append(" ".join(parts))
            else:
                out.append(f"{mark} {text}")
                label = layout.names.get("prose_lead", "Đơn vị chủ trì")
                out.append(f"{'+' if layout.prose_marker == '-' else '-'} {label}:")
                out.append(", ".join(task.leads) + ".")
                if task.partners:
                    out.append(
                        f"{'+' if layout.prose_marker == '-' else '-'} {layout.names.get('prose_partner', 'Đơn vị phối hợp')}: {'; '.join(task.partners)}."
                    )
                out.append(f"{'+' if layout.prose_marker == '-' else '-'} Thời gian thực hiện: {task.time}.")
    return out


@dataclass
class Rendered:
    """The document as blocks: paragraphs (str) and tables (header rows count, grid)."""

    blocks: list


def blocks(layout: Layout, plan: Plan) -> list:
    out: list = list(_front(plan))
    if layout.mode == "prose":
        out += _prose(layout, plan)
        out += _back()
        return out
    out += ["II. NHIỆM VỤ, GIẢI PHÁP", "(Chi tiết tại các Phụ lục kèm theo)"]
    out += _back()
    cols = columns(layout)
    header = header_grid(layout, cols)
    if layout.numbers_row:
        header = header + [[f"({k + 1})" for k in range(len(cols))]]
    groups = plan.by_framework()
    tables = [groups] if layout.mode == "combined" else [[g] for g in groups]
    for number, group in enumerate(tables, start=1):
        out += _appendix_title(plan, number, [k for k, _ in group], len(tables))
        out.append((len(header), header + body_grid(layout, plan, group)))
    return out


# --- formats ----------------------------------------------------------------------------------------


def to_docx(items: list) -> bytes:
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    for item in items:
        if isinstance(item, str):
            document.add_paragraph(item)
            continue
        header_rows, grid = item
        width = len(grid[0])
        table = document.add_table(rows=len(grid), cols=width)
        table.style = "Table Grid"
        cells = table._cells  # row-major, taken once (table.cell() rebuilds the grid each call)
        merges = []
        for r, row in enumerate(grid):
            for k, text in enumerate(row):
                if text in (LEFT, UP):
                    continue
                right = k + 1
                while right < width and row[right] == LEFT:
                    right += 1
                down = r + 1
                while down < len(grid) and grid[down][k] == UP:
                    down += 1
                cells[r * width + k].text = text
                if right - 1 > k or down - 1 > r:
                    merges.append((cells[r * width + k], cells[(down - 1) * width + right - 1]))
        for origin, corner in merges:
            origin.merge(corner)
        for r in range(header_rows):
            flag = OxmlElement("w:tblHeader")
            flag.set(qn("w:val"), "true")
            table.rows[r]._tr.get_or_add_trPr().append(flag)
        document.add_paragraph("")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _text_grid(header_rows: int, grid: list[list[str]], repeat: int) -> list[list[str]]:
    plain = [["" if t in (LEFT, UP) else t for t in row] for row in grid]
    head, body = plain[:header_rows], plain[header_rows:]
    out = list(head)
    for index, row in enumerate(body):
        if repeat and index and index % repeat == 0:
            out += head
        out.append(row)
    return out


def to_text(items: list, style: str, repeat: int = 0) -> bytes:
    lines: list[str] = []
    for item in items:
        if isinstance(item, str):
            lines += [item, ""]
            continue
        header_rows, grid = item
        rows = _text_grid(header_rows, grid, repeat)
        if style == "tsv":
            lines += ["\t".join(row) for row in rows]
        elif style == "pipe":
            lines.append("| " + " | ".join(rows[0]) + " |")
            lines.append("|" + "---|" * len(rows[0]))
            lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
        else:  # one cell per line, as a PDF viewer copies a table
            for row in rows:
                lines += [cell for cell in row if cell.strip()]
        lines.append("")
    return "\n".join(lines).encode("utf-8")


def render(layout: Layout, plan: Plan) -> tuple[str, bytes]:
    """(file name, bytes); for "pdf" the .docx (see `to_pdf`)."""
    items = blocks(layout, plan)
    if layout.fmt in ("docx", "pdf"):
        return "plan.docx", to_docx(items)
    return ("plan.md" if layout.fmt == "pipe" else "plan.txt"), to_text(
        items, layout.fmt, layout.repeat_header
    )


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(documents: dict[str, bytes], cache: Path | None = None) -> dict[str, bytes]:
    """Many .docx (key → bytes) rendered to PDF in one LibreOffice call; cached by key."""
    binary = soffice()
    if binary is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    cache = cache or Path(tempfile.gettempdir()) / "chiso-layouts-pdf"
    cache.mkdir(parents=True, exist_ok=True)
    missing = {key: data for key, data in documents.items() if not (cache / f"{key}.pdf").exists()}
    if missing:
        with tempfile.TemporaryDirectory() as work, tempfile.TemporaryDirectory() as profile:
            paths = []
            for key, data in missing.items():
                path = Path(work) / f"{key}.docx"
                path.write_bytes(data)
                paths.append(str(path))
            subprocess.run(
                [
                    binary,
                    "--headless",
                    f"-env:UserInstallation=file://{profile}",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    work,
                    *paths,
                ],
                check=True,
                capture_output=True,
                timeout=600,
                env={**os.environ, "HOME": profile},
            )
            for key in missing:
                produced = Path(work) / f"{key}.pdf"
                if produced.exists():
                    shutil.copyfile(produced, cache / f"{key}.pdf")
    return {key: (cache / f"{key}.pdf").read_bytes() for key in documents if (cache / f"{key}.pdf").exists()}
