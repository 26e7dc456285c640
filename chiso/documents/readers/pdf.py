"""PDF reader (pdfplumber): ruled tables cell by cell, the rest as lines grouped into paragraphs.

Narrow table columns make LibreOffice and Word break long words inside a cell ("Thườn|g",
"III/202|4", "UBM|TTQ"). A line holding a single word that runs to the cell's right edge is joined
to the next line without a space when the joined word occurs elsewhere in the document, or when
the rest cannot be a syllable on its own (no vowel: "g", "TTQ") or continues a number.

Each page is closed after reading, the number of pages read is limited, and the deadline is
checked on every page, so a long or hostile file cannot hold the worker.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from chiso.documents.blocks import Cell, Document, Row, Table
from chiso.documents.errors import CorruptDocument, EncryptedDocument, NoTextLayer
from chiso.documents.layout import BULLET, Line, build_paragraphs, has_marker
from chiso.documents.limits import Deadline, Limits
from chiso.documents.textutil import clean_line, fold, unwrap_emphasis

VOWELS = set("aeiouy")
_PAGE_NUMBER = re.compile(r"^(?:-\s*)?(?:trang\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?(?:\s*-)?$", re.I)


@dataclass
class _CellLine:
    words: list[str]
    at_edge: bool  # a single word running to the right edge of the cell


@dataclass
class _PendingCell:
    lines: list[_CellLine] = field(default_factory=list)
    hmerged: bool = False
    vmerged: bool = False
    source: tuple[int, int] | None = None  # (row, col) a merged cell copies


def _has_vowel(fragment: str) -> bool:
    return any(ch in VOWELS for ch in fold(fragment))


def _token(word: str) -> str:
    return fold(word).strip(".,;:()\"'“”")


class _Vocabulary:
    def __init__(self):
        self.words: Counter[str] = Counter()

    def add(self, word: str) -> None:
        token = _token(word)
        if token:
            self.words[token] += 1

    def joins(self, left: str, right: str) -> bool:
        """Whether a word broken at the cell edge ("Thườn" + "g") is one word."""
        if not left or not right or BULLET.match(right) or has_marker(right + " "):
            return False
        if left[-1].isdigit() or left.endswith("/"):
            return right[0].isdigit()
        if right[0].isdigit() or left[-1] in ",.;:)%":
            return False
        if right[0].isupper():
            # Only an abbreviation broken in two ("UBM" + "TTQ") joins a capital.
            letters = [ch for ch in left if ch.isalpha()]
            rest = [ch for ch in right if ch.isalpha()]
            return len(letters) >= 2 and all(ch.isupper() for ch in letters + rest)
        joined = _token(left + right)
        if self.words.get(joined, 0) > 0:
            return True
        return not _has_vowel(right.rstrip(".,;:)")) and right[0].isalpha()


def _cell_text(cell: _PendingCell, vocabulary: _Vocabulary) -> str:
    out: list[str] = []
    for index, line in enumerate(cell.lines):
        words = list(line.words)
        if not words:
            continue
        text = " ".join(words)
        if not out:
            out.append(text)
            continue
        previous = cell.lines[index - 1]
        if previous.at_edge and previous.words and vocabulary.joins(previous.words[-1], words[0]):
            out[-1] = out[-1] + text
        elif _starts_item(text, out[-1]):
            out.append("\n" + text)
        elif re.search(r"\S[-–/]$", out[-1]):
            out[-1] = out[-1] + text  # "HU-" + "HĐND-UBND": broken after a hyphen
        else:
            out[-1] = out[-1] + " " + text
    return clean_line("".join(out))


def _starts_item(text: str, before: str) -> bool:
    """A cell line that starts a new item ("- Tham mưu…", "2. Kế hoạch…"), not a wrapped name ("– KH")."""
    if not (BULLET.match(text) or has_marker(text)):
        return False
    rest = re.sub(r"^\s*\S+\s*", "", text)
    ended = bool(re.search(r"[.:;!?]\s*$", before))
    if not rest or rest[0].islower():
        return ended
    if text.lstrip().startswith("–"):
        return ended
    return True


def _group_lines(words: list[dict], tolerance: float = 2.5) -> list[list[dict]]:
    lines: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"], 1), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - word["top"]) <= tolerance:
            lines[-1].append(word)
        else:
            lines.append([word])
    for line in lines:
        line.sort(key=lambda w: w["x0"])
    return lines


def _open(data: bytes):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        return pdfplumber.open(io.BytesIO(data))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise EncryptedDocument(
            _("Tệp PDF được bảo vệ bằng mật khẩu hoặc mã hóa: hãy gỡ bảo vệ rồi tải lên lại.")
        ) from exc
    except Exception as exc:  # pdfminer raises many kinds of error on a damaged file
        causes = [exc, *getattr(exc, "args", ()), exc.__cause__, exc.__context__]
        if any(isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError) for cause in causes) or any(
            word in str(exc).lower() for word in ("password", "encrypt")
        ):
            raise EncryptedDocument(
                _("Tệp PDF được bảo vệ bằng mật khẩu hoặc mã hóa: hãy gỡ bảo vệ rồi tải lên lại.")
            ) from exc
        raise CorruptDocument(
            _("Tệp PDF bị hỏng hoặc không đúng định dạng: không đọc được cấu trúc tệp.")
        ) from exc


def read_pdf(data: bytes, limits: Limits, deadline: Deadline) -> Document:
    # pdfminer logs every damaged object; the import reports the problem once, in Vietnamese.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    pdf = _open(data)
    warnings: list[str] = []
    vocabulary = _Vocabulary()
    # Per page: its lines outside tables, and its tables as pending cells (joined once the
    # vocabulary of the whole document is known).
    items: list[tuple[int, int, object]] = []
    pages_read = 0
    pages_without_text: list[int] = []
    pages_failed: list[int] = []
    total_chars = 0
    try:
        try:
            page_count = len(pdf.pages)
        except Exception as exc:
            raise CorruptDocument(_("Tệp PDF bị hỏng: không đọc được danh sách trang.")) from exc
        if page_count > limits.max_pages:
            warnings.append(
                _("Tệp có %(n)s trang; chỉ đọc %(max)s trang đầu.")
                % {"n": page_count, "max": limits.max_pages}
            )
        line_no = 0
        for number in range(1, min(page_count, limits.max_pages) + 1):
            deadline.check()
            try:
                page = pdf.pages[number - 1]
            except Exception:
                pages_failed.append(number)
                continue
            try:
                page_items, chars = _read_page(page, number, vocabulary, deadline)
            except (NoTextLayer, CorruptDocument):
                raise
            except Exception as exc:
                if type(exc).__name__ == "ParseTimeout":
                    raise
                pages_failed.append(number)
                page_items, chars = [], 0
            finally:
                with contextlib.suppress(Exception):
                    page.close()
            pages_read += 1
            total_chars += chars
            if chars == 0:
                pages_without_text.append(number)
            for item in page_items:
                line_no += 1
                items.append((number, line_no, item))
    finally:
        with contextlib.suppress(Exception):
            pdf.close()

    if pages_read and total_chars == 0:
        raise NoTextLayer(
            _(
                "Tệp PDF không có lớp chữ (có thể là bản quét hoặc ảnh chụp): cần nhận dạng ký tự (OCR) "
                "hoặc tải lên bản Word/PDF gốc."
            )
        )
    if not pages_read and pages_failed:
        raise CorruptDocument(_("Tệp PDF bị hỏng: không đọc được trang nào."))
    if pages_failed:
        warnings.append(_("Không đọc được các trang: %(p)s.") % {"p": ", ".join(map(str, pages_failed))})
    if pages_without_text and len(pages_without_text) < pages_read:
        warnings.append(
            _("Các trang không có chữ (ảnh quét?), bỏ qua: %(p)s.")
            % {"p": ", ".join(map(str, pages_without_text[:20]))}
        )

    blocks: list = []
    pending_lines: list[Line] = []
    previous_kind = None
    for page_number, line_no, item in items:
        deadline.check()
        if isinstance(item, Line):
            item.line = line_no
            pending_lines.append(item)
            previous_kind = "line"
            continue
        if pending_lines:
            blocks.extend(build_paragraphs(pending_lines))
            pending_lines = []
        table: _PendingTable = item  # type: ignore[assignment]
        rows: list[Row] = []
        for row_index, cells in enumerate(table.rows):
            built = []
            for cell in cells:
                text = _cell_text(cell, vocabulary)
                built.append(Cell(text, hmerged=cell.hmerged, vmerged=cell.vmerged))
            # Merged cells carry the text of the cell they copy.
            for col, cell in enumerate(cells):
                if cell.source is not None:
                    r, c = cell.source
                    if r == row_index:
                        built[col].text = built[c].text
                    elif 0 <= r < len(rows):
                        built[col].text = rows[r].cells[c].text if c < len(rows[r].cells) else ""
            rows.append(
                Row(built, page=page_number, line=line_no, after_break=row_index == 0 and table.at_top)
            )
        if rows:
            blocks.append(
                Table(
                    rows, page=page_number, line=line_no, continues=table.at_top and previous_kind == "table"
                )
            )
        previous_kind = "table"
    if pending_lines:
        blocks.extend(build_paragraphs(pending_lines))
    for block in blocks:
        if not isinstance(block, Table):
            block.text = unwrap_emphasis(block.text)
    return Document(blocks, "pdf", pages=pages_read, warnings=warnings)


@dataclass
class _PendingTable:
    rows: list[list[_PendingCell]]
    at_top: bool  # nothing but page furniture above it on its page


def _read_page(page, number: int, vocabulary: _Vocabulary, deadline: Deadline) -> tuple[list, int]:
    chars = len(page.chars)
    if chars == 0:
        return [], 0
    if chars > 300_000:
        raise CorruptDocument(_("Trang %(n)s có quá nhiều ký tự để xử lý.") % {"n": number})
    height = float(page.height or 842)
    words = page.extract_words(
        x_tolerance=1.5, y_tolerance=2.5, keep_blank_chars=False, extra_attrs=["fontname", "size"]
    )
    deadline.check()
    for word in words:
        vocabulary.add(word["text"])
    try:
        tables = page.find_tables()
    except Exception:
        tables = []
    deadline.check()

    placed: set[int] = set()
    page_items: list[tuple[float, object]] = []
    table_tops = []
    for table in tables:
        cells_by_row = [list(row.cells) for row in table.rows]
        if not cells_by_row:
            continue
        ncols = max(len(row) for row in cells_by_row)
        # Cell boxes of the whole table, to place each word in the cell that holds its centre.
        boxes: list[tuple[tuple[float, float, float, float], int, int]] = []
        for r, row in enumerate(cells_by_row):
            for c, box in enumerate(row):
                if box is not None:
                    boxes.append((box, r, c))
        pending = [[_PendingCell() for _ in range(ncols)] for _ in cells_by_row]
        words_in: dict[tuple[int, int], list[dict]] = {}
        x0, top, x1, bottom = table.bbox
        for index, word in enumerate(words):
            cx = (word["x0"] + word["x1"]) / 2
            cy = (word["top"] + word["bottom"]) / 2
            if not (x0 <= cx <= x1 and top <= cy <= bottom):
                continue
            for box, r, c in boxes:
                if box[0] <= cx <= box[2] and box[1] <= cy <= box[3]:
                    words_in.setdefault((r, c), []).append(word)
                    placed.add(index)
                    break
        for (r, c), cell_words in words_in.items():
            box = cells_by_row[r][c]
            pad = max(1.0, min(w["x0"] for w in cell_words) - box[0])
            edge = box[2] - pad
            for line in _group_lines(cell_words):
                size = float(line[-1].get("size") or 12)
                at_edge = len(line) == 1 and line[-1]["x1"] >= edge - 0.9 * size
                pending[r][c].lines.append(_CellLine([w["text"] for w in line], at_edge))
        # Cells covered by a merged cell (pdfplumber gives None) copy the cell that covers them.
        for r, row in enumerate(cells_by_row):
            for c in range(ncols):
                box = row[c] if c < len(row) else None
                if box is not None:
                    continue
                left = _covering(cells_by_row, r, c, horizontal=True)
                if left is not None:
                    pending[r][c] = _PendingCell(hmerged=True, source=left)
                    continue
                up = _covering(cells_by_row, r, c, horizontal=False)
                if up is not None:
                    pending[r][c] = _PendingCell(vmerged=True, source=up)
        furniture_above = [
            w
            for i, w in enumerate(words)
            if i not in placed and w["bottom"] <= top and not _is_furniture(w, height)
        ]
        at_top = not furniture_above
        table_tops.append((top, bottom))
        page_items.append((top, _PendingTable(pending, at_top)))

    loose = [w for i, w in enumerate(words) if i not in placed]
    for line in _group_lines(loose):
        text = clean_line(" ".join(w["text"] for w in line))
        top = min(w["top"] for w in line)
        bottom = max(w["bottom"] for w in line)
        if (top < 0.08 * height or bottom > 0.93 * height) and _PAGE_NUMBER.match(text):
            continue  # page number
        fonts = [str(w.get("fontname", "")) for w in line]
        page_items.append(
            (
                top,
                Line(
                    text,
                    page=number,
                    x0=min(w["x0"] for w in line),
                    x1=max(w["x1"] for w in line),
                    top=top,
                    bottom=bottom,
                    size=float(line[0].get("size") or 12),
                    bold=all("bold" in f.lower() for f in fonts),
                    first_width=line[0]["x1"] - line[0]["x0"],
                    italic=all("italic" in f.lower() or "oblique" in f.lower() for f in fonts),
                ),
            )
        )
    page_items.sort(key=lambda item: item[0])
    return [item for _, item in page_items], chars


def _covering(cells_by_row, r: int, c: int, horizontal: bool) -> tuple[int, int] | None:
    """The (row, col) of the cell whose box covers grid position (r, c) from the left or from above."""
    if horizontal:
        row = cells_by_row[r]
        for k in range(c - 1, -1, -1):
            box = row[k] if k < len(row) else None
            if box is not None:
                reference = _column_x(cells_by_row, c)
                if reference is not None and box[2] >= reference - 0.5:
                    return (r, k)
                return None
        return None
    for k in range(r - 1, -1, -1):
        row = cells_by_row[k]
        box = row[c] if c < len(row) else None
        if box is not None:
            reference = _row_y(cells_by_row, r)
            if reference is not None and box[3] >= reference - 0.5:
                return (k, c)
            return None
    return None


def _column_x(cells_by_row, c: int) -> float | None:
    for row in cells_by_row:
        if c < len(row) and row[c] is not None:
            return row[c][2]
    return None


def _row_y(cells_by_row, r: int) -> float | None:
    for box in cells_by_row[r]:
        if box is not None:
            return box[3]
    return None


def _is_furniture(word: dict, height: float) -> bool:
    return (word["top"] < 0.08 * height or word["bottom"] > 0.93 * height) and bool(
        _PAGE_NUMBER.match(word["text"])
    )
