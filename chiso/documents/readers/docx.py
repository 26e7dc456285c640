"""Word (.docx) reader: paragraphs and real tables (merged cells, repeated header rows), in order.

Before python-docx opens the file, the zip is checked: number of parts, total and per-part
unpacked size and compression ratio (a zip bomb is refused before anything is inflated), and
every XML part is refused if it declares a DTD or entities (no entity expansion, no external
references). The body is then walked directly on the XML tree, which keeps large tables fast.

Word's automatic numbering ("I.", "1.", "a)" generated from numbering.xml) is rebuilt so the
parser sees the labels the reader saw on paper.
"""

from __future__ import annotations

import io
import re
import zipfile

from django.utils.translation import gettext as _

from chiso.documents.blocks import Cell, Document, Paragraph, Row, Table
from chiso.documents.errors import (
    CorruptDocument,
    DocumentTooLarge,
    EncryptedDocument,
    UnsupportedFormat,
    ZipBomb,
)
from chiso.documents.limits import Deadline, Limits
from chiso.documents.textutil import clean_line, unwrap_emphasis

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)


def check_zip(data: bytes, limits: Limits) -> None:
    """Refuse a zip that would inflate beyond the limits, or whose XML declares a DTD."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # a damaged central directory raises more than BadZipFile
        raise CorruptDocument(
            _("Tệp Word bị hỏng hoặc không phải tệp .docx hợp lệ (không đọc được cấu trúc nén).")
        ) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_members:
            raise ZipBomb(
                _("Tệp .docx có quá nhiều thành phần (%(n)s); có thể là tệp nén độc hại.") % {"n": len(infos)}
            )
        total = 0
        names = set()
        for info in infos:
            names.add(info.filename)
            total += info.file_size
            if info.file_size > limits.max_part:
                raise ZipBomb(
                    _("Một thành phần của tệp .docx giải nén ra quá lớn (%(mb)s MB); tệp bị từ chối.")
                    % {"mb": info.file_size // (1024 * 1024)}
                )
            if info.file_size > 1024 * 1024 and info.file_size > limits.max_ratio * max(
                info.compress_size, 1
            ):
                raise ZipBomb(
                    _("Tệp .docx có tỷ lệ nén bất thường (%(r)s lần); có thể là “bom nén”, tệp bị từ chối.")
                    % {"r": info.file_size // max(info.compress_size, 1)}
                )
        if total > limits.max_unzipped:
            raise ZipBomb(
                _("Tệp .docx giải nén ra quá lớn (%(mb)s MB, tối đa %(max)s MB); tệp bị từ chối.")
                % {"mb": total // (1024 * 1024), "max": limits.max_unzipped // (1024 * 1024)}
            )
        if "word/document.xml" not in names:
            if "xl/workbook.xml" in names:
                raise UnsupportedFormat(
                    _(
                        "Đây là tệp Excel, không phải văn bản Word: hãy tải lên kế hoạch dạng .docx, .pdf hoặc .md."
                    )
                )
            if "content.xml" in names:
                raise UnsupportedFormat(
                    _("Tệp OpenDocument (.odt) chưa được hỗ trợ: hãy lưu lại dưới dạng .docx.")
                )
            raise CorruptDocument(_("Tệp nén không chứa văn bản Word (thiếu word/document.xml)."))
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                try:
                    with archive.open(info) as part:
                        head = part.read(64 * 1024)
                except Exception as exc:  # zipfile and zlib raise many kinds of error on damaged data
                    raise CorruptDocument(
                        _("Tệp Word bị hỏng: không giải nén được phần %(name)s.") % {"name": info.filename}
                    ) from exc
                if _DTD.search(head):
                    raise CorruptDocument(
                        _(
                            "Tệp Word chứa khai báo XML không được phép (DOCTYPE/ENTITY); tệp bị từ chối vì lý do an toàn."
                        )
                    )


def _on(element, tag: str) -> bool:
    """A boolean run/paragraph property: present and not switched off."""
    node = element.find(tag)
    if node is None:
        return False
    return node.get(f"{W}val") not in ("0", "false", "off", "none")


# --- automatic numbering --------------------------------------------------------------------------


def _roman(number: int) -> str:
    values = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ]
    out = []
    for value, letters in values:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


_VN_LETTERS = "abcdđeghiklmnopqrstuvxy"


def _format_number(value: int, fmt: str) -> str:
    if fmt in ("decimal", "decimalZero"):
        return f"{value:02d}" if fmt == "decimalZero" else str(value)
    if fmt == "lowerLetter":
        return _letter(value)
    if fmt == "upperLetter":
        return _letter(value).upper()
    if fmt == "lowerRoman":
        return _roman(value).lower()
    if fmt == "upperRoman":
        return _roman(value)
    if fmt == "none":
        return ""
    return str(value)


def _letter(value: int) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz"
    value = max(value, 1)
    return alphabet[(value - 1) % 26] * (1 + (value - 1) // 26)


class Numbering:
    """Counters of Word's list numbering, advanced paragraph by paragraph."""

    def __init__(self, document):
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.num_to_abstract: dict[str, str] = {}
        self.overrides: dict[tuple[str, int], int] = {}
        self.counters: dict[str, list[int]] = {}
        self.style_numbering: dict[str, tuple[str, int]] = {}
        try:
            numbering = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError, ValueError):
            numbering = None
        if numbering is not None:
            for abstract in numbering.iter(f"{W}abstractNum"):
                abstract_id = abstract.get(f"{W}abstractNumId")
                for lvl in abstract.iter(f"{W}lvl"):
                    ilvl = int(lvl.get(f"{W}ilvl", "0") or 0)
                    fmt_node = lvl.find(f"{W}numFmt")
                    text_node = lvl.find(f"{W}lvlText")
                    start_node = lvl.find(f"{W}start")
                    fmt = fmt_node.get(f"{W}val") if fmt_node is not None else "decimal"
                    text = text_node.get(f"{W}val") if text_node is not None else ""
                    start = int(start_node.get(f"{W}val", "1") or 1) if start_node is not None else 1
                    self.levels[(abstract_id, ilvl)] = (fmt or "decimal", text or "", start)
            for num in numbering.iter(f"{W}num"):
                num_id = num.get(f"{W}numId")
                abstract = num.find(f"{W}abstractNumId")
                if abstract is not None:
                    self.num_to_abstract[num_id] = abstract.get(f"{W}val")
                for override in num.iter(f"{W}lvlOverride"):
                    start = override.find(f"{W}startOverride")
                    if start is not None:
                        self.overrides[(num_id, int(override.get(f"{W}ilvl", "0") or 0))] = int(
                            start.get(f"{W}val", "1") or 1
                        )
        try:
            styles = document.styles.element
        except (AttributeError, KeyError, ValueError, NotImplementedError):
            styles = None
        if styles is not None:
            for style in styles.iter(f"{W}style"):
                num_pr = style.find(f"{W}pPr/{W}numPr")
                if num_pr is not None:
                    num_id = num_pr.find(f"{W}numId")
                    ilvl = num_pr.find(f"{W}ilvl")
                    if num_id is not None:
                        self.style_numbering[style.get(f"{W}styleId")] = (
                            num_id.get(f"{W}val"),
                            int(ilvl.get(f"{W}val", "0") or 0) if ilvl is not None else 0,
                        )

    def label(self, paragraph) -> str:
        ppr = paragraph.find(f"{W}pPr")
        num_id = None
        ilvl = 0
        if ppr is not None:
            num_pr = ppr.find(f"{W}numPr")
            if num_pr is not None:
                id_node = num_pr.find(f"{W}numId")
                lvl_node = num_pr.find(f"{W}ilvl")
                num_id = id_node.get(f"{W}val") if id_node is not None else None
                ilvl = int(lvl_node.get(f"{W}val", "0") or 0) if lvl_node is not None else 0
            if num_id is None:
                style = ppr.find(f"{W}pStyle")
                if style is not None and style.get(f"{W}val") in self.style_numbering:
                    num_id, ilvl = self.style_numbering[style.get(f"{W}val")]
        if not num_id or num_id == "0" or num_id not in self.num_to_abstract:
            return ""
        abstract = self.num_to_abstract[num_id]
        if (abstract, ilvl) not in self.levels:
            return ""
        ilvl = min(max(ilvl, 0), 8)
        counters = self.counters.setdefault(num_id, [0] * 9)
        fmt, text, start = self.levels[(abstract, ilvl)]
        start = self.overrides.get((num_id, ilvl), start)
        counters[ilvl] = (counters[ilvl] + 1) if counters[ilvl] >= start else start
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0
        if fmt == "bullet":
            return "-"

        def substitute(match: re.Match) -> str:
            level = int(match.group(1)) - 1
            level_fmt = self.levels.get((abstract, level), ("decimal", "", 1))[0]
            level_start = self.levels.get((abstract, level), ("decimal", "", 1))[2]
            value = counters[level] if level <= ilvl and counters[level] else level_start
            return _format_number(value, fmt if level == ilvl else level_fmt)

        return re.sub(r"%(\d)", substitute, text).strip()


# --- body walk --------------------------------------------------------------------------------------


class _Walker:
    def __init__(self, document, limits: Limits, deadline: Deadline):
        self.document = document
        self.limits = limits
        self.deadline = deadline
        self.numbering = Numbering(document)
        self.blocks: list = []
        self.page = 1
        self.has_page_info = False
        self.ordinal = 0
        self.cells = 0

    def paragraph_text(self, p) -> tuple[str, bool]:
        """The text of a w:p (tabs and breaks kept) and whether it starts a new page."""
        parts: list[str] = []
        new_page = False
        has_fallback = p.find(f".//{MC}Fallback") is not None
        for node in p.iter(
            f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen", f"{W}lastRenderedPageBreak"
        ):
            if has_fallback and self._in_fallback(node):
                continue  # the same text is in mc:Choice
            tag = node.tag
            if tag == f"{W}t":
                if node.text:
                    parts.append(node.text)
            elif tag == f"{W}tab":
                parts.append("\t")
            elif tag == f"{W}br":
                if node.get(f"{W}type") == "page":
                    new_page = True
                else:
                    parts.append("\n")
            elif tag == f"{W}cr":
                parts.append("\n")
            elif tag == f"{W}noBreakHyphen":
                parts.append("-")
            elif tag == f"{W}lastRenderedPageBreak":
                new_page = True
        return "".join(parts), new_page

    def _in_fallback(self, node) -> bool:
        parent = node.getparent()
        while parent is not None:
            if parent.tag == f"{MC}Fallback":
                return True
            parent = parent.getparent()
        return False

    def walk(self, body) -> None:
        for child in body.iterchildren():
            self.deadline.check()
            tag = child.tag
            if tag == f"{W}p":
                self.add_paragraph(child)
            elif tag == f"{W}tbl":
                self.add_table(child)
            elif tag == f"{W}sdt":
                content = child.find(f"{W}sdtContent")
                if content is not None:
                    self.walk(content)
            elif tag in (f"{W}customXml", f"{W}smartTag"):
                self.walk(child)
            if len(self.blocks) > self.limits.max_blocks:
                raise DocumentTooLarge(_("Văn bản có quá nhiều đoạn và dòng bảng để xử lý."))

    def add_paragraph(self, p) -> None:
        text, new_page = self.paragraph_text(p)
        if new_page:
            self.has_page_info = True
            if text.strip() or any(b for b in self.blocks):
                self.page += 1
        label = self.numbering.label(p)
        text = clean_line(text)
        if label and text:
            text = f"{label} {text}"
        self.ordinal += 1
        if not text:
            return
        runs = [r for r in p.iter(f"{W}r") if "".join(t.text or "" for t in r.iter(f"{W}t")).strip()]
        bold = bool(runs) and all((rpr := r.find(f"{W}rPr")) is not None and _on(rpr, f"{W}b") for r in runs)
        italic = bool(runs) and all(
            (rpr := r.find(f"{W}rPr")) is not None and _on(rpr, f"{W}i") for r in runs
        )
        jc = p.find(f"{W}pPr/{W}jc")
        centered = jc is not None and jc.get(f"{W}val") == "center"
        self.blocks.append(
            Paragraph(
                unwrap_emphasis(text),
                page=self.page,
                line=self.ordinal,
                bold=bold,
                italic=italic,
                centered=centered,
            )
        )

    def cell_text(self, tc) -> str:
        lines: list[str] = []
        for child in tc.iterchildren():
            if child.tag == f"{W}p":
                text, new_page = self.paragraph_text(child)
                label = self.numbering.label(child)
                text = clean_line(text)
                if label:
                    # An automatically numbered "TT" cell holds only its number.
                    text = f"{label} {text}" if text else label
                if text:
                    lines.append(text)
            elif child.tag == f"{W}tbl":
                for tr in child.iter(f"{W}tr"):
                    row = [self.cell_text(inner) for inner in tr.iterchildren(f"{W}tc")]
                    joined = " | ".join(cell for cell in row if cell)
                    if joined:
                        lines.append(joined)
            elif child.tag == f"{W}sdt":
                content = child.find(f"{W}sdtContent")
                if content is not None:
                    lines.append(self.cell_text(content))
        return "\n".join(line for line in lines if line)

    def add_table(self, tbl) -> None:
        rows: list[Row] = []
        above: dict[int, str] = {}
        self.ordinal += 1
        table_line = self.ordinal
        for tr in tbl.iterchildren(f"{W}tr"):
            self.deadline.check()
            trpr = tr.find(f"{W}trPr")
            header = trpr is not None and _on(trpr, f"{W}tblHeader")
            cells: list[Cell] = []
            if trpr is not None and (before := trpr.find(f"{W}gridBefore")) is not None:
                cells.extend(Cell("") for _ in range(_int(before.get(f"{W}val"), 0, 60)))
            for tc in tr.iterchildren(f"{W}tc", f"{W}sdt"):
                if tc.tag == f"{W}sdt":
                    inner = tc.find(f"{W}sdtContent/{W}tc")
                    if inner is None:
                        continue
                    tc = inner
                tcpr = tc.find(f"{W}tcPr")
                span = 1
                vmerge = None
                if tcpr is not None:
                    if (grid := tcpr.find(f"{W}gridSpan")) is not None:
                        span = _int(grid.get(f"{W}val"), 1, 60)
                    if (vm := tcpr.find(f"{W}vMerge")) is not None:
                        vmerge = vm.get(f"{W}val") or "continue"
                column = len(cells)
                if vmerge == "continue":
                    text = above.get(column, "")
                    cells.append(Cell(text, vmerged=True))
                else:
                    text = self.cell_text(tc)
                    cells.append(Cell(text))
                    above[column] = text
                for extra in range(1, span):
                    cells.append(Cell(cells[column].text, hmerged=True, vmerged=cells[column].vmerged))
                    above[column + extra] = above.get(column, "")
            self.cells += len(cells)
            if self.cells > self.limits.max_cells:
                raise DocumentTooLarge(
                    _("Văn bản có quá nhiều ô bảng để xử lý (tối đa %(n)s).") % {"n": self.limits.max_cells}
                )
            self.ordinal += 1
            if any(cell.text for cell in cells):
                rows.append(Row(cells, page=self.page, line=self.ordinal, header=header))
            if tr.find(f".//{W}lastRenderedPageBreak") is not None:
                self.has_page_info = True
                self.page += 1
        if rows:
            self.blocks.append(Table(rows, page=rows[0].page, line=table_line))


def _int(value: str | None, default: int, maximum: int) -> int:
    try:
        number = int(value) if value is not None else default
    except ValueError:
        return default
    return min(max(number, 1 if default else 0), maximum)


def read_docx(data: bytes, limits: Limits, deadline: Deadline) -> Document:
    if data[:8] == OLE_MAGIC:
        if (
            "EncryptedPackage".encode("utf-16-le") in data[:65536]
            or b"E\x00n\x00c\x00r\x00y\x00p\x00t" in data
        ):
            raise EncryptedDocument(_("Tệp Word được bảo vệ bằng mật khẩu: hãy gỡ mật khẩu rồi tải lên lại."))
        raise UnsupportedFormat(
            _("Định dạng Word cũ (.doc) chưa được hỗ trợ: hãy mở và lưu lại dưới dạng .docx.")
        )
    check_zip(data, limits)
    import docx  # python-docx; imported here so text and PDF imports do not pay for it

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx and lxml raise many kinds of error on a damaged file
        raise CorruptDocument(
            _("Tệp Word bị hỏng hoặc không đúng định dạng .docx: %(err)s") % {"err": type(exc).__name__}
        ) from exc
    walker = _Walker(document, limits, deadline)
    try:
        body = document.element.body
    except AttributeError as exc:
        raise CorruptDocument(_("Tệp Word không có phần thân văn bản.")) from exc
    walker.walk(body)
    blocks = walker.blocks
    if not walker.has_page_info:
        for block in blocks:
            block.page = None
            if isinstance(block, Table):
                for row in block.rows:
                    row.page = None
    pages = walker.page if walker.has_page_info else None
    return Document(blocks, "docx", pages=pages)
