"""Write an `OfficialDocument` as .docx in the layout of Decree 30/2020/NĐ-CP (Phụ lục I).

Page: A4 portrait, margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman, black,
everywhere (the east-asian and complex-script slots too). Header: a borderless two-column table
with the issuing body (and a short rule) beside the national motto (ruled below), then "Số: …"
beside the place and date. Type and title centred in bold, body justified with a first-line
indent, the last paragraph ending "./.", then "Nơi nhận:" beside the signature block. Page
numbers are centred at the top from page 2. Each appendix starts a new section, A4 landscape by
default, with a bordered table whose header row repeats on every page; charts are drawn with
matplotlib (a data table is written instead when matplotlib is not installed).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import math
import os
from collections.abc import Iterable, Sequence
from typing import IO, Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run as DocxRun

from chiso.core.vndates import official_date

from .model import (
    Appendix,
    Block,
    Chart,
    Column,
    OfficialDocument,
    Paragraph,
    Row,
    Run,
    Section,
    Table,
    cell_text,
    clean_text,
    format_number,
    is_number,
    number_decimals,
    text_lines,
)

FONT = "Times New Roman"
BLACK = RGBColor(0, 0, 0)
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_SUB = "Độc lập - Tự do - Hạnh phúc"
DRAFT_DATE = "ngày     tháng     năm 20.."
END_MARK = "./."

# Page geometry in centimetres (Decree 30: top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm).
A4_SHORT, A4_LONG = 21.0, 29.7
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 2.0, 2.0, 3.0, 1.5
# Landscape pages are turned a quarter clockwise to be read, so the bound edge (the wide
# portrait left margin) is at their top and the portrait top/bottom margins at their sides.
LANDSCAPE_TOP, LANDSCAPE_BOTTOM, LANDSCAPE_LEFT, LANDSCAPE_RIGHT = 3.0, 1.5, 2.0, 2.0
HEADER_DISTANCE = 1.0
PORTRAIT_TEXT_WIDTH = A4_SHORT - MARGIN_LEFT - MARGIN_RIGHT

BODY_PT = 14
ISSUER_PT = 13
MOTTO_PT = 12
MOTTO_SUB_PT = 13
NUMBER_PT = 13
DATE_PT = 14
RECIPIENTS_HEAD_PT = 12
RECIPIENTS_PT = 11
TABLE_PT = 12
WIDE_TABLE_PT = 11
WIDE_TABLE_COLUMNS = 8
FIRST_LINE_INDENT = 1.27
CELL_MARGIN = 0.19  # Word's default left and right cell margin
HEADER_LEFT_CM, HEADER_RIGHT_CM = 7.1, 9.4  # the motto at 12 pt bold is 8.8 cm wide
RECIPIENTS_CM = 7.3
SIGNATURE_BLANK_LINES = 5

_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def write_docx(doc: OfficialDocument, out: str | os.PathLike[str] | IO[bytes]) -> None:
    """Write `doc` as a .docx file to a path or a binary file-like object."""
    _Writer(doc).build().save(out)


def docx_bytes(doc: OfficialDocument) -> bytes:
    """The .docx file of `doc` as bytes (for an HTTP response)."""
    buffer = io.BytesIO()
    write_docx(doc, buffer)
    return buffer.getvalue()


def date_line(place: str, issued_on: dt.date | None) -> str:
    """ "Vị Xuyên, ngày 31 tháng 5 năm 2021"; a draft without a date leaves the blanks to fill by hand."""
    date = official_date(issued_on) if issued_on else DRAFT_DATE
    return f"{place}, {date}" if place else date[:1].upper() + date[1:]


def number_line(number_symbol: str) -> str:
    """ "Số: 154/KH-UBND"; a draft's blank number ("/KH-UBND") keeps room to write it in."""
    symbol = number_symbol.strip()
    if not symbol or symbol.startswith("/"):
        return f"Số:{' ' * 8}{symbol}"
    return f"Số: {symbol}"


def with_end_mark(text: str) -> str:
    """End the last paragraph of a document with "./." (Decree 30), replacing a closing ".", ";" or ":"."""
    stripped = text.rstrip()
    if stripped.endswith(END_MARK):
        return stripped
    if stripped.endswith("."):
        return stripped + "/."
    return stripped.rstrip(";:,") + END_MARK


def recipient_lines(recipients: Sequence[str]) -> list[str]:
    """The "Nơi nhận" list as written: "- " before each line, ";" after each but the last, "." after it."""
    lines = []
    for raw in recipients:
        text = raw.strip()
        if not text:
            continue
        if not text.startswith(("-", "+")):
            text = f"- {text}"
        lines.append(text)
    for index, text in enumerate(lines):
        last = index == len(lines) - 1
        if not text.endswith((";", ".", ",", ":")):
            text += "." if last else ";"
        elif last and text.endswith((";", ",")):
            text = text[:-1] + "."
        lines[index] = text
    return lines


def fit_size(text: str, width_cm: float, sizes: Sequence[float], bold: bool = False) -> float:
    """The first of `sizes` at which every line of `text` fits `width_cm` (else the last, and it wraps)."""
    for size in sizes:
        if all(estimate_width_cm(line, size, bold) <= width_cm for line in text_lines(text)):
            return size
    return sizes[-1]


def estimate_width_cm(text: str, size_pt: float, bold: bool = False) -> float:
    """A rough width of `text` set in Times New Roman, enough to size the rules under headings."""
    em = 0.0
    for char in text:
        if char == " ":
            em += 0.25
        elif char.isupper():
            em += 0.72 if bold else 0.68
        elif char.isdigit():
            em += 0.5
        elif char.isalpha():
            em += 0.5 if bold else 0.45
        else:
            em += 0.33
    return em * size_pt * 2.54 / 72


# --- low-level helpers -------------------------------------------------------------------------


def _set_fonts(rpr: Any) -> None:
    """Times New Roman in every script slot of a run-properties element (no theme fonts)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


_FONTS_XML = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
_JC = {"left": "left", "center": "center", "right": "right", "justify": "both"}


@functools.cache
def _rpr_template(size: float, bold: bool, italic: bool) -> Any:
    """Run properties: Times New Roman in every slot, black, the size and emphasis (copied per run)."""
    half_points = int(round(size * 2))
    return parse_xml(
        f"<w:rPr {nsdecls('w')}>{_FONTS_XML}"
        f'<w:b w:val="{int(bold)}"/><w:i w:val="{int(italic)}"/><w:color w:val="000000"/>'
        f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>'
    )


@functools.cache
def _cell_ppr_template(align: str, before: float, after: float, keep_next: bool, size: float) -> Any:
    """Paragraph properties of a table cell line (copied per paragraph: tables can have thousands)."""
    half_points = int(round(size * 2))
    keep = "<w:keepNext/>" if keep_next else ""
    return parse_xml(
        f"<w:pPr {nsdecls('w')}>{keep}"
        f'<w:spacing w:before="{int(before * 20)}" w:after="{int(after * 20)}" w:line="240" w:lineRule="auto"/>'
        f'<w:jc w:val="{_JC[align]}"/>'
        f'<w:rPr>{_FONTS_XML}<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr></w:pPr>'
    )


def _run(paragraph: Any, text: str, size: float, bold: bool = False, italic: bool = False) -> Any:
    """Add a run in Times New Roman, black, `size` points."""
    element = paragraph._p.add_r()
    element.insert(0, copy.deepcopy(_rpr_template(size, bold, italic)))
    run = DocxRun(element, paragraph)
    if text:
        run.text = clean_text(text)
    return run


def _mark_size(paragraph: Any, size: float) -> None:
    """Size the paragraph mark too, so that an empty paragraph is as tall as its text would be."""
    ppr = paragraph._p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        anchor = next((child for child in ppr if child.tag in {qn("w:sectPr"), qn("w:pPrChange")}), None)
        if anchor is not None:
            anchor.addprevious(rpr)
        else:
            ppr.append(rpr)
    _set_fonts(rpr)
    for tag in ("w:sz", "w:szCs"):
        element = rpr.find(qn(tag))
        if element is None:
            element = OxmlElement(tag)
            rpr.append(element)
        element.set(qn("w:val"), str(int(round(size * 2))))


def _format(
    paragraph: Any,
    align: str = "left",
    before: float = 0,
    after: float = 0,
    first_line: float | None = None,
    keep_next: bool = False,
    line: float = 1.0,
) -> None:
    fmt = paragraph.paragraph_format
    fmt.alignment = _ALIGN[align]
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = line
    if first_line is not None:
        fmt.first_line_indent = Cm(first_line)
    if keep_next:
        fmt.keep_with_next = True


def _lines(paragraph: Any, text: str, size: float, bold: bool = False, italic: bool = False) -> None:
    """Write text whose lines ("\\n") are broken inside one paragraph."""
    for index, line in enumerate(text_lines(text)):
        run = _run(paragraph, "", size, bold, italic)
        if index:
            run.add_break()
        run.add_text(line)
    _mark_size(paragraph, size)


def _rule(paragraph: Any, container_cm: float, length_cm: float, before: float = 0) -> None:
    """Turn an empty paragraph into a centred horizontal rule `length_cm` long (a bottom border)."""
    length = min(max(length_cm, 1.0), container_cm)
    side = (container_cm - length) / 2
    fmt = paragraph.paragraph_format
    fmt.left_indent = Cm(side)
    fmt.right_indent = Cm(side)
    fmt.first_line_indent = Cm(0)
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(2)
    _mark_size(paragraph, 1)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr = paragraph._p.get_or_add_pPr()
    # pBdr comes before spacing, ind and jc in the schema's sequence.
    anchor = next((child for child in ppr if child.tag in {qn("w:spacing"), qn("w:ind"), qn("w:jc")}), None)
    if anchor is not None:
        anchor.addprevious(borders)
    else:
        ppr.append(borders)


def _table_props(table: Any, widths_cm: Sequence[float], borders: bool) -> None:
    """Fixed layout, given column widths, centred, with or without single black borders."""
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    width = tbl_pr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        tbl_pr.append(width)
    width.set(qn("w:w"), str(int(Cm(sum(widths_cm)).twips)))
    width.set(qn("w:type"), "dxa")
    layout = tbl_pr.find(qn("w:tblLayout"))
    if layout is None:
        layout = OxmlElement("w:tblLayout")
        tbl_pr.append(layout)
    layout.set(qn("w:type"), "fixed")
    edges = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        if borders:
            for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", "000000")):
                element.set(qn(key), value)
        else:
            element.set(qn("w:val"), "nil")
        edges.append(element)
    existing = tbl_pr.find(qn("w:tblBorders"))
    if existing is not None:
        tbl_pr.remove(existing)
    # tblBorders follows tblW/jc and precedes tblLayout in CT_TblPr's sequence.
    layout.addprevious(edges)
    for column, width_cm in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width_cm)
    for row in table.rows:
        for cell, width_cm in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width_cm)


def _row_flags(row: Any, header: bool = False, cant_split: bool = True) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    if cant_split:
        tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _clear(cell: Any) -> Any:
    """Leave a cell with one empty paragraph and return it."""
    paragraphs = cell._tc.findall(qn("w:p"))
    for extra in paragraphs[1:]:
        cell._tc.remove(extra)
    first = cell.paragraphs[0]
    for child in list(first._p):
        if child.tag != qn("w:pPr"):
            first._p.remove(child)
    return first


def _cell_lines(
    cell: Any,
    text: str,
    size: float,
    align: str,
    bold: bool = False,
    italic: bool = False,
    space: float = 2,
    keep_next: bool = False,
) -> None:
    """Fill a table cell, one paragraph per line of `text` (keep_next: keep the row with the next one)."""
    paragraph = _clear(cell)
    tc = cell._tc
    for index, line in enumerate(text_lines(text)):
        if index:
            paragraph = DocxParagraph(tc.add_p(), cell)
        p = paragraph._p
        if p.pPr is not None:
            p.remove(p.pPr)
        p.insert(
            0, copy.deepcopy(_cell_ppr_template(align, space if index == 0 else 0, space, keep_next, size))
        )
        if line:
            _run(paragraph, line, size, bold, italic)


def _page_field(paragraph: Any, size: float) -> None:
    """A PAGE field (begin / instruction / separate / result / end runs)."""
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        run = _run(paragraph, "", size)
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._element.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._element.append(instr)
        else:
            run.text = text


def _estimated_lines(text: str, width_cm: float, size: float) -> int:
    usable = max(width_cm - 2 * CELL_MARGIN, 0.5)
    chars_per_line = max(1, int(usable / (0.47 * size * 2.54 / 72)))
    return sum(max(1, math.ceil(len(line) / chars_per_line)) for line in text_lines(text))


# --- the writer --------------------------------------------------------------------------------


class _Writer:
    def __init__(self, doc: OfficialDocument) -> None:
        self.doc = doc
        self.document = Document()
        self.last_text: Any = None  # the last body paragraph written from text, for "./."

    def build(self) -> Any:
        self._styles()
        section = self.document.sections[0]
        self._page(section, landscape=False)
        section.different_first_page_header_footer = True
        self._page_number(section)
        self._properties()
        self._header()
        self._title()
        self._body()
        self._signature()
        for appendix in self.doc.appendices:
            self._appendix(appendix)
        return self.document

    # document-wide settings

    def _styles(self) -> None:
        styles_element = self.document.styles.element
        defaults = styles_element.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _set_fonts(rpr)
        for tag, value in (("w:sz", str(BODY_PT * 2)), ("w:szCs", str(BODY_PT * 2))):
            rpr.find(qn(tag)).set(qn("w:val"), value)
        lang = rpr.find(qn("w:lang"))
        lang.set(qn("w:val"), "vi-VN")
        color = OxmlElement("w:color")
        color.set(qn("w:val"), "000000")
        rpr.find(qn("w:sz")).addprevious(color)  # color precedes sz in CT_RPr's sequence
        spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), "240")
        for name in ("Normal", "Header", "Footer"):
            style = self.document.styles[name]
            style.font.name = FONT
            style.font.size = Pt(BODY_PT)
            style.font.color.rgb = BLACK
            _set_fonts(style.element.get_or_add_rPr())

    def _properties(self) -> None:
        props = self.document.core_properties
        props.title = " ".join(f"{self.doc.doc_type} {self.doc.title}".split())
        props.author = " ".join(self.doc.issuer.split())
        props.language = "vi-VN"
        props.subject = self.doc.number_symbol
        props.comments = ""
        props.keywords = ""
        props.last_modified_by = ""

    def _page(self, section: Any, landscape: bool) -> None:
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Cm(A4_LONG), Cm(A4_SHORT)
            margins = (LANDSCAPE_TOP, LANDSCAPE_BOTTOM, LANDSCAPE_LEFT, LANDSCAPE_RIGHT)
        else:
            section.orientation = WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = Cm(A4_SHORT), Cm(A4_LONG)
            margins = (MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT)
        section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = (
            Cm(m) for m in margins
        )
        section.header_distance = Cm(HEADER_DISTANCE)
        section.footer_distance = Cm(HEADER_DISTANCE)
        section.gutter = Cm(0)

    def _page_number(self, section: Any) -> None:
        """Page numbers centred at the top from page 2: the first page has its own, empty header."""
        paragraph = section.header.paragraphs[0]
        _format(paragraph, "center")
        _page_field(paragraph, BODY_PT)
        first = section.first_page_header.paragraphs[0]
        _mark_size(first, BODY_PT)

    @staticmethod
    def _text_width(section: Any) -> float:
        return Emu(section.page_width - section.left_margin - section.right_margin).cm

    # the header: issuing body | national motto; number | place and date

    def _header(self) -> None:
        doc = self.doc
        table = self.document.add_table(rows=2, cols=2)
        _table_props(table, (HEADER_LEFT_CM, HEADER_RIGHT_CM), borders=False)
        left_width = HEADER_LEFT_CM - 2 * CELL_MARGIN
        right_width = HEADER_RIGHT_CM - 2 * CELL_MARGIN

        left = table.cell(0, 0)
        paragraph = _clear(left)
        _format(paragraph, "center")
        if doc.issuer_parent.strip():
            parent = doc.issuer_parent.upper()
            _lines(paragraph, parent, fit_size(parent, left_width, (ISSUER_PT, ISSUER_PT - 1)))
            paragraph = left.add_paragraph()
            _format(paragraph, "center")
        issuer = doc.issuer.upper()
        issuer_pt = fit_size(issuer, left_width, (ISSUER_PT, ISSUER_PT - 1), bold=True)
        _lines(paragraph, issuer, issuer_pt, bold=True)
        longest = min(
            max(estimate_width_cm(line, issuer_pt, bold=True) for line in text_lines(issuer)), left_width
        )
        _rule(left.add_paragraph(), left_width, 0.4 * longest, before=2)

        right = table.cell(0, 1)
        paragraph = _clear(right)
        _format(paragraph, "center")
        _run(paragraph, MOTTO, MOTTO_PT, bold=True)
        paragraph = right.add_paragraph()
        _format(paragraph, "center")
        _run(paragraph, MOTTO_SUB, MOTTO_SUB_PT, bold=True)
        _rule(
            right.add_paragraph(),
            right_width,
            estimate_width_cm(MOTTO_SUB, MOTTO_SUB_PT, bold=True),
            before=2,
        )

        paragraph = _clear(table.cell(1, 0))
        _format(paragraph, "center", before=6)
        _run(paragraph, number_line(doc.number_symbol), NUMBER_PT)
        paragraph = _clear(table.cell(1, 1))
        _format(paragraph, "center", before=6)
        line = date_line(doc.place, doc.issued_on)
        _run(paragraph, line, fit_size(line, right_width, (DATE_PT, DATE_PT - 1)), italic=True)
        for row in table.rows:
            _row_flags(row)
            for cell in row.cells:
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP

    def _title(self) -> None:
        doc = self.doc
        paragraph = self.document.add_paragraph()
        _format(paragraph, "center", before=18, keep_next=True)
        _run(paragraph, doc.doc_type.upper(), BODY_PT, bold=True)
        if doc.title.strip():
            paragraph = self.document.add_paragraph()
            _format(paragraph, "center", keep_next=True)
            _lines(paragraph, doc.title, BODY_PT, bold=True)
        longest = max(text_lines(doc.title or doc.doc_type), key=len)
        text_width = PORTRAIT_TEXT_WIDTH
        rule_length = min(0.4 * estimate_width_cm(longest, BODY_PT, bold=True), 6.0)
        rule = self.document.add_paragraph()
        _rule(rule, text_width, rule_length, before=3)
        rule.paragraph_format.space_after = Pt(12)

    # the body

    def _body(self) -> None:
        self._blocks(self.doc.preamble, PORTRAIT_TEXT_WIDTH)
        for section in self.doc.sections:
            self._section(section, depth=0)
        if self.last_text is not None:
            runs = [run for run in self.last_text.runs if run.text]
            if runs:
                runs[-1].text = with_end_mark(runs[-1].text)
            # The signature never stands on a page of its own: the last paragraph goes with it.
            self.last_text.paragraph_format.keep_with_next = True

    def _section(self, section: Section, depth: int) -> None:
        if section.heading.strip():
            paragraph = self.document.add_paragraph()
            _format(paragraph, "justify", before=6, first_line=FIRST_LINE_INDENT, keep_next=True)
            bold = depth <= 2
            italic = depth >= 2
            _lines(paragraph, section.heading, BODY_PT, bold=bold, italic=italic)
        self._blocks(section.paragraphs, PORTRAIT_TEXT_WIDTH)
        for subsection in section.subsections:
            self._section(subsection, depth + 1)

    def _blocks(self, blocks: Iterable[Block], width_cm: float) -> None:
        for block in blocks:
            if isinstance(block, Table):
                self._table(block, width_cm)
                self.document.add_paragraph()  # Word needs a paragraph between a table and what follows
                _mark_size(self.document.paragraphs[-1], 6)
            elif isinstance(block, Chart):
                self._chart(block, width_cm, max_height_cm=12)
            else:
                self._paragraph(block if isinstance(block, Paragraph) else Paragraph([block]))

    def _paragraph(self, paragraph: Paragraph) -> None:
        written = self.document.add_paragraph()
        _format(
            written,
            paragraph.align,
            before=6,
            first_line=FIRST_LINE_INDENT if paragraph.indent else 0,
        )
        for run in paragraph.runs:
            assert isinstance(run, Run)
            for index, line in enumerate(text_lines(run.text)):
                element = _run(
                    written,
                    "",
                    BODY_PT,
                    bold=paragraph.bold or run.bold,
                    italic=paragraph.italic or run.italic,
                )
                if index:
                    element.add_break()
                element.add_text(line)
        _mark_size(written, BODY_PT)
        self.last_text = written

    # recipients and signature

    def _signature(self) -> None:
        doc = self.doc
        if not (doc.recipients or doc.signer_authority or doc.signer_title or doc.signer_name):
            return
        spacer = self.document.add_paragraph()
        _format(spacer, "left", keep_next=True)
        _mark_size(spacer, 6)
        table = self.document.add_table(rows=1, cols=2)
        right_cm = PORTRAIT_TEXT_WIDTH - RECIPIENTS_CM
        _table_props(table, (RECIPIENTS_CM, right_cm), borders=False)
        _row_flags(table.rows[0])
        left, right = table.rows[0].cells

        paragraph = _clear(left)
        if doc.recipients:
            _format(paragraph, "left", before=6)
            _run(paragraph, "Nơi nhận:", RECIPIENTS_HEAD_PT, bold=True, italic=True)
            for line in recipient_lines(doc.recipients):
                item = left.add_paragraph()
                _format(item, "left")
                _run(item, line, RECIPIENTS_PT)
                _mark_size(item, RECIPIENTS_PT)

        paragraph = _clear(right)
        _format(paragraph, "center", before=6)
        lines = [
            line
            for part in (doc.signer_authority, doc.signer_title)
            for line in text_lines(part)
            if line.strip()
        ]
        for index, line in enumerate(lines):
            if index:
                paragraph = right.add_paragraph()
                _format(paragraph, "center")
            _run(paragraph, line.upper(), BODY_PT, bold=True)
        for _ in range(SIGNATURE_BLANK_LINES):
            blank = right.add_paragraph()
            _format(blank, "center")
            _mark_size(blank, BODY_PT)
        if doc.signer_name.strip():
            paragraph = right.add_paragraph()
            _format(paragraph, "center", before=12)
            _run(paragraph, doc.signer_name.strip(), BODY_PT, bold=True)
        for cell in (left, right):
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP

    # appendices

    def _appendix(self, appendix: Appendix) -> None:
        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        self._page(section, landscape=appendix.landscape)
        section.different_first_page_header_footer = False
        width = self._text_width(section)
        height = Emu(section.page_height - section.top_margin - section.bottom_margin).cm

        self._shrink_section_break()
        paragraph = self.document.add_paragraph()
        _format(paragraph, "center", keep_next=True)
        _lines(paragraph, appendix.title, BODY_PT, bold=True)
        if appendix.subtitle.strip():
            paragraph = self.document.add_paragraph()
            _format(paragraph, "center", keep_next=True)
            _lines(paragraph, appendix.subtitle, BODY_PT, italic=True)
        longest = max(text_lines(appendix.subtitle or appendix.title), key=len)
        rule = self.document.add_paragraph()
        _rule(rule, width, min(0.4 * estimate_width_cm(longest, BODY_PT), 6.0), before=3)
        rule.paragraph_format.space_after = Pt(10)
        rule.paragraph_format.keep_with_next = True

        if appendix.table is not None:
            self._table(appendix.table, width, page_height_cm=height)
        for chart in appendix.charts:
            self._chart(chart, width, max_height_cm=height - 3)

    def _shrink_section_break(self) -> None:
        """Make the empty paragraph that carries the previous section's break 1 pt high.

        It ends the previous section (after the signature or the previous appendix), and at full
        height it could spill onto a page of its own.
        """
        body = self.document.element.body
        last = body[-2] if len(body) >= 2 else None  # body[-1] is the final sectPr
        if last is None or last.tag != qn("w:p"):
            return
        paragraph = DocxParagraph(last, self.document._body)
        fmt = paragraph.paragraph_format
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(1)
        _mark_size(paragraph, 1)

    # tables and charts

    def _table(self, table: Table, width_cm: float, page_height_cm: float = A4_LONG - 4) -> None:
        scale = min(1.0, width_cm / table.width_cm)
        widths = [column.width_cm * scale for column in table.columns]
        size = WIDE_TABLE_PT if len(table.columns) >= WIDE_TABLE_COLUMNS or scale < 0.9 else TABLE_PT
        written = self.document.add_table(rows=1, cols=len(widths))
        _table_props(written, widths, borders=True)

        header = written.rows[0]
        _row_flags(header, header=True)
        for cell, column in zip(header.cells, table.columns, strict=True):
            _cell_lines(cell, column.title, size, "center", bold=True)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER

        line_height_cm = size * 1.2 * 2.54 / 72
        for row in table.rows:
            written_row = written.add_row()
            self._table_row(written_row, row, table.columns, widths, size)
            tallest = max(
                _estimated_lines(cell_text(value), width, size)
                for value, width in zip(row.cells, widths, strict=False)
            )
            # A row taller than half a page may break, so that it does not leave a page half empty.
            _row_flags(written_row, cant_split=tallest * line_height_cm < page_height_cm / 2)

    @staticmethod
    def _table_row(
        written_row: Any, row: Row, columns: Sequence[Column], widths: Sequence[float], size: float
    ) -> None:
        cells = written_row.cells  # their widths come from the grid (add_row)
        if row.kind == "group":
            span_from = len(row.cells) - 1
            if span_from < len(cells) - 1:
                merged = cells[span_from].merge(cells[-1])
                merged.width = Cm(sum(widths[span_from:]))
                cells = [*cells[:span_from], merged]
            for index, (cell, value) in enumerate(zip(cells, row.cells, strict=True)):
                align = "left" if index == span_from else columns[index].align
                if align == "justify":
                    align = "left"
                # A group row names what follows: keep it on the page of its first row.
                _cell_lines(
                    cell, cell_text(value, columns[index].decimals), size, align, bold=True, keep_next=True
                )
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            return
        bold = row.kind == "total"
        for cell, value, column in zip(cells, row.cells, columns, strict=True):
            _cell_lines(cell, cell_text(value, column.decimals), size, column.align, bold=bold)
            cell.vertical_alignment = (
                WD_CELL_VERTICAL_ALIGNMENT.CENTER if is_number(value) else WD_CELL_VERTICAL_ALIGNMENT.TOP
            )

    def _chart(self, chart: Chart, width_cm: float, max_height_cm: float) -> None:
        caption = self.document.add_paragraph()
        _format(caption, "center", before=12, after=6, keep_next=True)
        _lines(caption, chart.title, 13, bold=True)
        chart_width = min(width_cm, 24.0)
        chart_height = chart_height_cm(chart, chart_width, max_height_cm)
        png = render_chart_png(chart, chart_width, chart_height)
        if png is None:
            self._table(chart_table(chart), width_cm)
            self.document.add_paragraph()
            return
        picture = self.document.add_paragraph()
        _format(picture, "center")
        picture.add_run().add_picture(io.BytesIO(png), width=Cm(chart_width), height=Cm(chart_height))


# --- charts ------------------------------------------------------------------------------------

_PALETTE = ("#1f4e79", "#c55a11", "#7f7f7f", "#bf9000", "#5b9bd5", "#548235", "#7030a0", "#843c0c")
_HATCHES = ("", "//", "..", "xx", "\\\\", "--", "++", "oo")


def _horizontal(chart: Chart) -> bool:
    if chart.orientation != "auto":
        return chart.orientation == "horizontal"
    return len(chart.categories) > 8 or max(len(category) for category in chart.categories) > 14


def chart_height_cm(chart: Chart, width_cm: float, max_height_cm: float) -> float:
    """The height given to a chart picture: taller for many horizontal bars, within the page."""
    if _horizontal(chart):
        bars = len(chart.categories) * (len(chart.series) if chart.kind == "bar" else 1)
        wanted = 3.0 + 0.55 * len(chart.categories) + 0.15 * bars
    else:
        wanted = width_cm * 0.5
    return max(6.0, min(wanted, max_height_cm))


def chart_table(chart: Chart) -> Table:
    """The data of a chart as a table: the fallback when charts cannot be drawn."""
    columns = [Column("Tiêu chí", 6.0)] + [Column(name, 3.0, "right") for name, _ in chart.series]
    rows = [
        Row([category, *(values[index] for _, values in chart.series)])
        for index, category in enumerate(chart.categories)
    ]
    return Table(columns, rows)


@functools.cache
def _font_charmap(path: str) -> frozenset[int]:
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(path).get_charmap())


def _chart_font(text: str) -> str:
    """The first serif family that has every character of `text` (Liberation Serif 1.x lacks
    Vietnamese); DejaVu Serif, shipped with matplotlib, always does."""
    from matplotlib import font_manager

    needed = {ord(char) for char in text if not char.isspace()}
    for family in (FONT, "Liberation Serif", "DejaVu Serif"):
        try:
            path = font_manager.findfont(
                font_manager.FontProperties(family=family), fallback_to_default=False
            )
        except ValueError:
            continue
        if needed <= _font_charmap(path):
            return family
    return "DejaVu Serif"


def render_chart_png(chart: Chart, width_cm: float, height_cm: float, dpi: int = 200) -> bytes | None:
    """Draw `chart` as a PNG with matplotlib (Agg, no global pyplot state); None without matplotlib."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        return None

    words = [
        chart.title,
        chart.value_label,
        *chart.categories,
        *(name for name, _ in chart.series),
        "0123456789.,-",
    ]
    family = _chart_font("".join(words))
    figure = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=dpi, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    horizontal = _horizontal(chart)
    positions = list(range(len(chart.categories)))
    count = len(chart.series)
    thickness = 0.8 / count if chart.kind == "bar" else 0.6
    bottoms = [0.0] * len(positions)
    labelled = len(positions) * count <= 60
    # Every label of a chart shows the same decimals (41.0 next to 39.5 reads "41,0", not "41").
    places = max(
        (number_decimals(v) for _, values in chart.series for v in values if v is not None), default=0
    )
    for index, (name, values) in enumerate(chart.series):
        numbers = [float(value) if value is not None else math.nan for value in values]
        if chart.kind == "bar":
            offset = (index - (count - 1) / 2) * thickness
            where = [position + offset for position in positions]
            base = None
        else:
            where = positions
            base = list(bottoms)
            bottoms = [b + (0.0 if math.isnan(n) else n) for b, n in zip(bottoms, numbers, strict=True)]
        style = {
            "color": _PALETTE[index % len(_PALETTE)],
            "hatch": _HATCHES[index // len(_PALETTE) % len(_HATCHES)],
            "edgecolor": "white",
            "linewidth": 0.5,
            "label": name,
        }
        if horizontal:
            bars = axes.barh(where, numbers, height=thickness, left=base, **style)
        else:
            bars = axes.bar(where, numbers, width=thickness, bottom=base, **style)
        if labelled:
            labels = [
                "" if math.isnan(n) or (chart.kind == "stacked_bar" and n == 0) else format_number(v, places)
                for n, v in zip(numbers, values, strict=True)
            ]  # type: ignore[arg-type]
            axes.bar_label(
                bars,
                labels=labels,
                label_type="edge" if chart.kind == "bar" else "center",
                fontsize=8,
                family=family,
                padding=2 if chart.kind == "bar" else 0,
                color="black" if chart.kind == "bar" else "white",
            )

    value_axis = axes.xaxis if horizontal else axes.yaxis
    value_axis.set_major_formatter(lambda value, _pos: format_number(round(value, 2)))
    if horizontal:
        axes.set_yticks(positions, list(chart.categories), fontsize=9, family=family)
        axes.invert_yaxis()
        axes.grid(axis="x", color="#d9d9d9", linewidth=0.6)
        if chart.value_label:
            axes.set_xlabel(chart.value_label, fontsize=10, family=family)
    else:
        axes.set_xticks(positions, list(chart.categories), fontsize=9, family=family)
        if len(chart.categories) > 5:
            for label in axes.get_xticklabels():
                label.set_rotation(30)
                label.set_horizontalalignment("right")
        axes.grid(axis="y", color="#d9d9d9", linewidth=0.6)
        if chart.value_label:
            axes.set_ylabel(chart.value_label, fontsize=10, family=family)
    axes.set_axisbelow(True)
    for spine in ("top", "right"):
        axes.spines[spine].set_visible(False)
    for label in axes.get_xticklabels() + axes.get_yticklabels():
        label.set_family(family)
        label.set_fontsize(9)
    axes.margins(x=0.08 if horizontal else 0.02, y=0.02 if horizontal else 0.08)
    if count > 1:
        figure.legend(
            loc="outside lower center", ncols=min(count, 4), prop={"family": family, "size": 9}, frameon=False
        )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, facecolor="white", metadata={"Software": None})
    return buffer.getvalue()
