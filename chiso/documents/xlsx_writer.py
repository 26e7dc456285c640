"""Write `Table`s as an .xlsx workbook, one sheet per table, ready to print on A4 landscape.

Each sheet: title lines merged across the table's width, a blank row, the bold header row
(frozen, repeated on every printed page), then the rows: "group" rows merged from their last
cell to the last column in bold, "total" rows in bold, text wrapped, columns as wide as the
model says. Numbers (int, float, Decimal) stay numbers with a number format, so consolidated
reports can be summed in Excel; text stays text, even when it starts with "=".
"""

from __future__ import annotations

import functools
import io
import math
import os
import re
from collections.abc import Sequence
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from .model import Column, Row, Table, clean_text, is_number, number_decimals

FONT = "Times New Roman"
CELL_PT = 12
TITLE_PT = 13
LINE_HEIGHT_PT = 16.0  # a 12 pt Times New Roman line, with Excel's leading
CM_TO_WIDTH = 5.1  # Excel column width units (characters of the default font) per centimetre
MAX_SHEET_NAME = 31
MAX_ROW_HEIGHT = 409  # Excel's limit, in points
_FORBIDDEN_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HORIZONTAL = {"left": "left", "center": "center", "right": "right", "justify": "left"}

SheetSpec = tuple[str, Sequence[str], Table]
"""(sheet name, title lines, table)."""


def write_table_xlsx(tables: Sequence[SheetSpec], out: str | os.PathLike[str] | IO[bytes]) -> None:
    """Write each (sheet name, title lines, table) as a sheet of one workbook, to a path or binary file."""
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for index, (name, title_lines, table) in enumerate(tables, start=1):
        sheet = book.create_sheet(sheet_name(name, used, index))
        _write_sheet(sheet, [line for line in title_lines if line is not None], table)
    if not book.worksheets:
        book.create_sheet("Bảng 1")
    book.save(out)


def xlsx_bytes(tables: Sequence[SheetSpec]) -> bytes:
    """The workbook of `write_table_xlsx` as bytes (for an HTTP response)."""
    buffer = io.BytesIO()
    write_table_xlsx(tables, buffer)
    return buffer.getvalue()


def sheet_name(name: str, used: set[str], index: int) -> str:
    """A valid, unique sheet name: no []:*?/\\, at most 31 characters, " (2)" added on a clash."""
    base = " ".join(_FORBIDDEN_IN_SHEET_NAME.sub("", name).split()).strip("'")[:MAX_SHEET_NAME]
    base = base or f"Bảng {index}"
    candidate, number = base, 2
    while candidate.casefold() in used:
        suffix = f" ({number})"
        candidate = base[: MAX_SHEET_NAME - len(suffix)] + suffix
        number += 1
    used.add(candidate.casefold())
    return candidate


def number_format(value: Any, decimals: int | None) -> str:
    """ "#,##0" or "#,##0.00…" with the number of decimals the .docx writer shows too."""
    places = number_decimals(value, decimals)
    return "#,##0" + ("." + "0" * places if places else "")


def _text(value: str) -> str | None:
    cleaned = ILLEGAL_CHARACTERS_RE.sub("", clean_text(value))
    return cleaned if cleaned != "" else None


def _width_units(width_cm: float) -> float:
    return round(width_cm * CM_TO_WIDTH, 2)


def _lines_needed(text: str, width_cm: float, size: float = CELL_PT) -> int:
    chars_per_line = max(1, int(width_cm * CM_TO_WIDTH * 1.1 * 11 / size))
    return sum(max(1, math.ceil(len(line) / chars_per_line)) for line in text.split("\n"))


def _set(sheet: Worksheet, row: int, column: int, value: Any, decimals: int | None = None) -> Any:
    cell = sheet.cell(row=row, column=column)
    if is_number(value):
        cell.value = value
        cell.number_format = number_format(value, decimals)
    elif isinstance(value, str):
        cell.value = _text(value)
        if cell.value is not None:
            cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell


def _write_sheet(sheet: Worksheet, title_lines: Sequence[str], table: Table) -> None:
    columns = table.columns
    width = len(columns)
    last_letter = get_column_letter(width)
    total_cm = table.width_cm
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _width_units(column.width_cm)

    row_number = 0
    for line in title_lines:
        row_number += 1
        italic = line.strip().startswith("(")
        cell = _set(sheet, row_number, 1, line)
        cell.font = _font(TITLE_PT, bold=not italic, italic=italic)
        cell.alignment = _alignment("center", "center")
        if width > 1:
            sheet.merge_cells(f"A{row_number}:{last_letter}{row_number}")
        sheet.row_dimensions[row_number].height = _height(_lines_needed(line, total_cm, TITLE_PT), TITLE_PT)
    if title_lines:
        row_number += 1  # a blank row between the title and the table

    header = row_number + 1
    _header_row(sheet, header, columns)
    for offset, row in enumerate(table.rows, start=1):
        _body_row(sheet, header + offset, row, columns)

    sheet.freeze_panes = f"A{header + 1}"
    sheet.print_title_rows = f"{header}:{header}"
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    margins = sheet.page_margins
    margins.left = margins.right = margins.bottom = 0.6
    margins.top = 0.8
    margins.header = 0.4
    sheet.oddHeader.center.text = "&P"
    sheet.oddHeader.center.font = FONT
    sheet.oddHeader.center.size = CELL_PT


@functools.cache
def _font(size: float, bold: bool = False, italic: bool = False) -> Font:
    # One style object per combination: openpyxl hashes every new object it is given, which made
    # large sheets (thousands of rows) slow when each cell got fresh ones.
    return Font(name=FONT, size=size, bold=bold, italic=italic)


@functools.cache
def _alignment(horizontal: str, vertical: str) -> Alignment:
    return Alignment(horizontal=horizontal, vertical=vertical, wrap_text=True)


def _height(lines: int, size: float = CELL_PT) -> float:
    return min(MAX_ROW_HEIGHT, round(lines * LINE_HEIGHT_PT * size / CELL_PT + 4, 1))


def _header_row(sheet: Worksheet, number: int, columns: Sequence[Column]) -> None:
    lines = 1
    for index, column in enumerate(columns, start=1):
        cell = _set(sheet, number, index, column.title)
        cell.font = _font(CELL_PT, bold=True)
        cell.alignment = _alignment("center", "center")
        cell.border = _BORDER
        lines = max(lines, _lines_needed(column.title, column.width_cm))
    sheet.row_dimensions[number].height = _height(lines)


def _body_row(sheet: Worksheet, number: int, row: Row, columns: Sequence[Column]) -> None:
    width = len(columns)
    bold = row.kind in ("group", "total")
    span_from = len(row.cells) - 1 if row.kind == "group" else width
    lines = 1
    for index, column in enumerate(columns):
        value = row.cells[index] if index < len(row.cells) else None
        cell = _set(sheet, number, index + 1, value, column.decimals)
        cell.font = _font(CELL_PT, bold=bold)
        cell.border = _BORDER
        spanning = row.kind == "group" and index == span_from
        horizontal = "left" if spanning else _HORIZONTAL[column.align]
        vertical = "center" if row.kind == "group" or is_number(value) else "top"
        cell.alignment = _alignment(horizontal, vertical)
        if isinstance(value, str) and index <= span_from:
            available = sum(c.width_cm for c in columns[index:]) if spanning else column.width_cm
            lines = max(lines, _lines_needed(value, available))
    if row.kind == "group" and span_from < width - 1:
        sheet.merge_cells(start_row=number, start_column=span_from + 1, end_row=number, end_column=width)
    sheet.row_dimensions[number].height = _height(lines)
