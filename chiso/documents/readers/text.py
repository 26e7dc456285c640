"""Plain text and markdown reader.

Tables come in three forms: tab-separated lines (a conversion or a copy from Word), `|` markdown
tables, and tables flattened one cell per line as copied from a PDF. The last have lost their
grid: after a header of known column names, each line is placed in the next column whose kind
it fits (a row number, a unit name, a timeframe, a target with a figure …); a line that fits
only an earlier column starts a new row.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from chiso.documents import columns as C
from chiso.documents.blocks import Cell, Document, Row, Table
from chiso.documents.errors import CorruptDocument, DocumentTooLarge
from chiso.documents.layout import MARKER, Line, build_paragraphs
from chiso.documents.limits import Deadline, Limits
from chiso.documents.textutil import clean_line, fold, strip_html, strip_markdown

_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; Windows-1258 as a last resort."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise CorruptDocument(_("Tệp văn bản có mã UTF-16 bị hỏng.")) from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError as exc:
        raise CorruptDocument(
            _("Không đọc được bảng mã của tệp văn bản: hãy lưu lại với bảng mã UTF-8.")
        ) from exc
    return text


def looks_like_text(data: bytes) -> bool:
    """Text, not binary: decodable and with few control characters."""
    sample = data[:65536]
    if not sample:
        return True
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    try:
        text = decode(sample if len(data) <= 65536 else sample[: sample.rfind(b"\n") + 1 or len(sample)])
    except CorruptDocument:
        return False
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    return control <= max(2, len(text) // 200)


def _cells_from_tabs(line: str) -> list[str]:
    return [clean_line(strip_markdown(strip_html(cell))) for cell in line.split("\t")]


def _cells_from_pipes(line: str) -> list[str]:
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    cells = re.split(r"(?<!\\)\|", text)
    return [clean_line(strip_markdown(strip_html(cell.replace("\\|", "|")))) for cell in cells]


def _is_pipe_row(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith("|") and stripped.count("|") >= 2


def read_text(data: bytes, limits: Limits, deadline: Deadline) -> Document:
    if len(data) > limits.max_text_bytes:
        raise DocumentTooLarge(
            _("Tệp văn bản quá lớn (%(mb)s MB, tối đa %(max)s MB).")
            % {"mb": len(data) // (1024 * 1024), "max": limits.max_text_bytes // (1024 * 1024)}
        )
    text = decode(data)
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(raw_lines) > limits.max_blocks:
        raise DocumentTooLarge(_("Tệp văn bản có quá nhiều dòng để xử lý."))
    blocks: list = []
    lines: list[Line] = []
    blank = False
    index = 0
    total = len(raw_lines)

    def flush_lines() -> None:
        nonlocal lines
        if lines:
            blocks.extend(build_paragraphs(lines))
            lines = []

    while index < total:
        if index % 2000 == 0:
            deadline.check()
        raw = raw_lines[index]
        if "\t" in raw and raw.strip():
            flush_lines()
            rows = []
            start = index
            while index < total and "\t" in raw_lines[index] and raw_lines[index].strip():
                cells = _cells_from_tabs(raw_lines[index])
                rows.append(Row([Cell(c) for c in cells], line=index + 1))
                index += 1
            blocks.append(Table(rows, line=start + 1))
            blank = False
            continue
        if _is_pipe_row(raw):
            flush_lines()
            rows = []
            start = index
            while index < total and _is_pipe_row(raw_lines[index]):
                if not _PIPE_SEPARATOR.match(raw_lines[index]):
                    cells = _cells_from_pipes(raw_lines[index])
                    rows.append(Row([Cell(c) for c in cells], line=index + 1))
                index += 1
            if rows:
                blocks.append(Table(rows, line=start + 1))
            blank = False
            continue
        cleaned = clean_line(strip_markdown(strip_html(raw)))
        if not cleaned:
            blank = True
            index += 1
            continue
        for piece in cleaned.split("\n"):
            if piece.strip():
                lines.append(Line(piece, line=index + 1, blank_before=blank))
                blank = False
        index += 1
    flush_lines()
    blocks = _unflatten(blocks, deadline)
    return Document(blocks, "md")


# --- tables flattened one cell per line -------------------------------------------------------------

_NUMBER_CELL = re.compile(r"^(?:[IVXLC]{1,5}|\d{1,2}(?:\.\d{1,2}){0,3}|[a-zđA-ZĐ])[.)]?$")


def _kind_scores(text: str) -> dict[str, float]:
    """How well a line fits each kind of column (0 … 1)."""
    from chiso.documents.units import looks_like_units
    from chiso.plans.timeframes import parse_timeframe

    folded = fold(text)
    scores: dict[str, float] = {}
    if _NUMBER_CELL.match(text.strip()):
        scores[C.NUMBER] = 1.0
    if parse_timeframe(text).kind != "unknown" and len(text) < 120:
        scores[C.TIME] = 0.9
    unit_score = looks_like_units(text)
    if unit_score:
        scores[C.LEAD] = unit_score
        scores[C.PARTNER] = unit_score
    if re.search(r"\d\s*%|\b(100|ít nhất|tối thiểu|đạt|trên|dưới)\b", text.lower()) or re.search(
        r"\b(dat|toi thieu|it nhat|ty le)\b", folded
    ):
        scores[C.TARGET] = 0.6
    if re.match(
        r"^(quyet dinh|ke hoach|bao cao|cong van|van ban|thong bao|huong dan|bien ban|danh sach|hinh anh|bai dang|chuong trinh|du thao)",
        folded,
    ):
        scores[C.OUTPUT] = 0.7
    if re.match(r"^([a-zđ]\)|\d+(\.\d+)+\.?)\s", text) or len(text) < 60:
        scores[C.SUBDIMENSION] = 0.3
        scores[C.DIMENSION] = 0.3
        scores[C.CRITERION] = 0.3
    scores[C.TASK] = 0.35 if len(text) >= 40 else 0.2
    return scores


def _unflatten(blocks: list, deadline: Deadline) -> list:
    """Find headers written one cell per line and rebuild their tables."""
    from chiso.documents.blocks import Paragraph

    out: list = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if not isinstance(block, Paragraph) or len(block.text) > 60 or not C.role_of(block.text):
            out.append(block)
            i += 1
            continue
        # A run of short paragraphs each naming a column.
        j = i
        header: list[str] = []
        while (
            j < len(blocks)
            and isinstance(blocks[j], Paragraph)
            and len(blocks[j].text) <= 60
            and C.role_of(blocks[j].text)
        ):
            header.append(blocks[j].text)
            j += 1
        roles = C.map_header(header)
        if len(header) < 3 or not C.is_task_header(roles):
            out.append(block)
            i += 1
            continue
        deadline.check()
        order = [roles.get(k) for k in range(len(header))]
        rows = [Row([Cell(h) for h in header], line=blocks[i].line, header=True)]
        current: list[str] = [""] * len(header)
        column = -1
        k = j
        while k < len(blocks) and isinstance(blocks[k], Paragraph):
            text = blocks[k].text
            if MARKER.match(text) and re.match(r"^[IVX]+\.\s", text):
                break  # a section heading: the table is over
            if fold(text).startswith(("noi nhan", "tm.", "tm ")):
                break
            if C.map_header([text]) and C.role_of(text) and text == header[0] and column > 0:
                # a repeated header line (page break in the copy): skip the header run
                k += len(header)
                continue
            scores = _kind_scores(text)
            best_here = None
            for candidate in range(column, len(order)):
                if candidate < 0:
                    continue
                role = order[candidate]
                score = scores.get(role, 0.0) if role else 0.0
                if candidate == column:
                    score *= 0.9  # staying in the same column continues a multi-line cell
                if best_here is None or score > best_here[1] + 0.05:
                    best_here = (candidate, score)
            if best_here is None or best_here[1] < 0.25:
                # Nothing after the current column fits: start a new row.
                if any(current):
                    rows.append(Row([Cell(c) for c in current], line=blocks[k].line))
                current = [""] * len(header)
                first = 0
                best = max(range(len(order)), key=lambda c: scores.get(order[c], 0.0) if order[c] else 0.0)
                column = first if scores.get(order[first], 0.0) >= 0.5 else best
            else:
                column = best_here[0]
            current[column] = (current[column] + " " + text).strip() if current[column] else text
            k += 1
        if any(current):
            rows.append(Row([Cell(c) for c in current], line=blocks[k - 1].line if k > 0 else None))
        out.append(Table(rows, line=blocks[i].line))
        i = k
    return out
