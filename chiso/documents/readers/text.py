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
from chiso.documents.layout import Line, build_paragraphs
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
        if len(cleaned) <= 60 and C.role_of(cleaned):
            flattened = _flattened_table(raw_lines, index, deadline)
            if flattened is not None:
                flush_lines()
                table, index = flattened
                blocks.append(table)
                blank = False
                continue
        for piece in cleaned.split("\n"):
            if piece.strip():
                lines.append(Line(piece, line=index + 1, blank_before=blank))
                blank = False
        index += 1
    flush_lines()
    return Document(blocks, "md")


# --- tables flattened one cell per line -------------------------------------------------------------

_NUMBER_CELL = re.compile(r"^(?:[IVXLC]{1,5}|\d{1,2}(?:\.\d{1,2}){0,3}|[a-zđA-ZĐ])[.)]?$")
_DOC_WORDS = re.compile(
    r"^(quyet dinh|ke hoach|bao cao|cong van|van ban|thong bao|huong dan|bien ban|danh sach|hinh anh|bai dang|chuong trinh|du thao|nghi quyet|to trinh)"
)
_STOP = re.compile(r"^(?:[IVX]{1,5}\.\s|noi nhan|tm\.|kt\.|phu luc)", re.I)


def _emission(text: str, role: str | None) -> float:
    """How well one line fits a column of `role` (log-score-like, higher is better)."""
    from chiso.core.timeframes import parse_timeframe
    from chiso.documents.units import looks_like_units

    folded = fold(text)
    if role == C.NUMBER:
        return 3.0 if _NUMBER_CELL.match(text.strip()) else -6.0
    if _NUMBER_CELL.match(text.strip()):
        return -3.0
    if role == C.TIME:
        return 2.5 if len(text) < 120 and parse_timeframe(text).kind != "unknown" else -1.5
    if role in (C.LEAD, C.PARTNER, C.UNITS):
        score = looks_like_units(text)
        return 2.0 * score if score >= 0.5 else -1.5
    if role == C.TARGET:
        return (
            1.5
            if re.search(r"\d\s*%|\b\d+\b", text)
            or re.search(r"\b(dat|toi thieu|it nhat|ty le|100)\b", folded)
            else 0.0
        )
    if role == C.OUTPUT:
        return 1.5 if _DOC_WORDS.match(folded) else 0.0
    if role == C.TASK:
        return 1.0 if len(text) >= 25 else 0.3
    marked = bool(re.match(r"^[a-zđ]\)\s", text))
    short = len(text) < 90 and not re.search(r"[.;:]$", text)
    if role == C.SUBDIMENSION:
        return 2.0 if marked else (0.2 if short else -0.5)
    if role == C.CRITERION:
        return 1.5 if marked else (0.8 if short else -0.5)
    if role == C.DIMENSION:
        return -0.5 if marked else (0.5 if short else -0.5)
    return -0.5


def rebuild_rows(lines: list[str], roles: list[str | None]) -> list[tuple[list[str], int]]:
    """Cells of a table copied one cell per line, each row with the index of its first line: the
    most likely placement of each line in a column (Viterbi over columns; a row ends when the
    column goes back)."""
    n, width = len(lines), len(roles)
    if not n or not width:
        return []
    emissions = [[_emission(line, role) for role in roles] for line in lines]
    minus = float("-inf")
    best = [[minus] * width for _ in range(n)]
    back: list[list[int]] = [[-1] * width for _ in range(n)]
    for c in range(width):
        best[0][c] = emissions[0][c] - 0.2 * c
    for i in range(1, n):
        for c in range(width):
            candidates = []
            for p in range(width):
                if best[i - 1][p] == minus:
                    continue
                if c > p:
                    move = -0.1 * (c - p - 1)  # cells left empty
                    if roles[p] == C.NUMBER and roles[c] in (C.DIMENSION, C.CRITERION):
                        move += 0.5  # a dimension's name follows its number
                elif c == p:
                    move = (
                        -0.6
                        if roles[c] in (C.TASK, C.TARGET, C.OUTPUT, C.DIMENSION, C.SUBDIMENSION, C.CRITERION)
                        else -3.0
                    )
                else:
                    move = -1.0 - 0.1 * c  # a new row, best started at its first columns
                candidates.append((best[i - 1][p] + move, p))
            score, previous = max(candidates)
            best[i][c] = score + emissions[i][c]
            back[i][c] = previous
    column = max(range(width), key=lambda c: best[n - 1][c])
    path = [column]
    for i in range(n - 1, 0, -1):
        column = back[i][column]
        path.append(column)
    path.reverse()
    rows: list[tuple[list[str], int]] = []
    current: list[str] = [""] * width
    first = 0
    previous_column = -1
    for index, (line, column) in enumerate(zip(lines, path, strict=False)):
        if column < previous_column or (column == previous_column and roles[column] in (C.NUMBER, C.TIME)):
            rows.append((current, first))
            current, first = [""] * width, index
        current[column] = (current[column] + " " + line).strip() if current[column] else line
        previous_column = column
    if any(current):
        rows.append((current, first))
    return rows


def _flattened_header(raw_lines: list[str], index: int) -> tuple[list[str], int] | None:
    """A header written one column name per line starting at `index`: (names, next index)."""
    names: list[str] = []
    j = index
    while j < len(raw_lines):
        text = clean_line(strip_markdown(strip_html(raw_lines[j])))
        if not text or len(text) > 60 or not C.role_of(text):
            break
        names.append(text)
        j += 1
    if len(names) < 3 or not C.is_task_header(C.map_header(names)):
        return None
    return names, j


def _flattened_table(raw_lines: list[str], index: int, deadline: Deadline) -> tuple[Table, int] | None:
    found = _flattened_header(raw_lines, index)
    if found is None:
        return None
    names, j = found
    roles = [C.map_header(names).get(k) for k in range(len(names))]
    body: list[str] = []
    numbers: list[int] = []
    while j < len(raw_lines):
        text = clean_line(strip_markdown(strip_html(raw_lines[j])))
        if text and _STOP.match(fold(text)) and not _NUMBER_CELL.match(text):
            break
        if text:
            again = _flattened_header(raw_lines, j)
            if again is not None and [fold(n) for n in again[0]] == [fold(n) for n in names]:
                j = again[1]  # the header repeated on the next page
                continue
            if not re.fullmatch(r"(?:trang\s*)?\d{1,3}", fold(text)) or _NUMBER_CELL.match(text):
                body.append(text)
                numbers.append(j + 1)
        j += 1
        if len(body) % 500 == 0:
            deadline.check()
    rows = [Row([Cell(name) for name in names], line=index + 1, header=True)]
    for cells, first in rebuild_rows(body, roles):
        rows.append(
            Row([Cell(cell) for cell in cells], line=numbers[first] if first < len(numbers) else None)
        )
    return Table(rows, line=index + 1), j
