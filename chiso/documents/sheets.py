"""Spreadsheet tables for imports: .xlsx and .csv files → rows of cells, and headers read by meaning.

Used by every import of tabular data (scores, criteria sets, measures):

* `read_sheets(data, filename)` gives each sheet's non-empty rows with the row number the
  spreadsheet shows (1-based, blank rows counted), cells as text, int, float, date or None.
  A .csv is one sheet; its encoding is UTF-8 (with or without BOM), UTF-16 with BOM or
  Windows-1258; its delimiter (semicolon, comma, tab) is the one whose header row names the most
  of the import's columns when they are given, else the sniffed one. An .xlsx is checked before it
  is opened (member count, unpacked size, compression ratio, no DTD), and read in read-only mode
  (formulas give their cached results); a number cell formatted as a percentage is a
  `PercentCell` (shows 96,2%, holds 0.962).
* `find_header(sheets, columns)` picks the sheet and row (among the first fifteen: titles may
  stand above the header) whose cells name the most known columns. A header cell names a column
  by its stable key in parentheses ("Mã đơn vị (unit_code)"), by the key alone, or by one of its
  Vietnamese or English names, compared folded (lower case, accents stripped) and without
  punctuation; column order is free. A `loose` column is also named by a cell holding one of its
  names (longer than three letters) among other words ("Tỷ lệ đúng hạn (%)" → "tỷ lệ").
* `read_rows` / `read_records` give every row below the header by column key, as the cells are
  (a `percent` column reads a percentage cell as the number it shows: 96.2) or as form text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _

from chiso.core.text import fold
from chiso.documents.errors import CorruptDocument, DocumentImportError, UnsupportedFormat, ZipBomb
from chiso.documents.limits import DEFAULT_LIMITS, Limits
from chiso.documents.readers.text import decode

Cell = str | int | float | Decimal | dt.date | None
MAX_ROWS = 100_000
HEADER_SCAN = 15
DELIMITERS = (";", ",", "\t")
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)
_KEY = re.compile(r"\(([a-z][a-z0-9_]*)\)\s*$")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class RowError:
    """A rejected row of an import: the row number the spreadsheet shows (None: the whole file)."""

    row: int | None
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "message": self.message}

    def __str__(self) -> str:
        return _("Dòng %(n)s: %(m)s") % {"n": self.row, "m": self.message} if self.row else self.message


class PercentCell(float):
    """A number cell an .xlsx formats as a percentage: the float it holds (0.962 for 96,2%)."""

    def shown(self) -> Decimal:
        """The number the spreadsheet shows: 0.962 → 96.2."""
        return (Decimal(str(float(self))) * 100).normalize()


@dataclass
class Sheet:
    name: str
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)


@dataclass(frozen=True)
class ColumnSpec:
    """A column an import understands: its key, the header chiso writes, other names people use."""

    key: str
    title: str
    aliases: Sequence[str] = ()
    required: bool = False
    loose: bool = False  # also named by a header holding one of its names among other words
    percent: bool = False  # a percentage cell reads as the number it shows (0.962 → 96.2)


@dataclass
class Header:
    sheet: Sheet
    row_number: int
    columns: dict[str, int]  # key → index of the cell
    unknown: list[str]

    def data_rows(self) -> list[tuple[int, list[Cell]]]:
        return [(number, cells) for number, cells in self.sheet.rows if number > self.row_number]

    def record(self, cells: list[Cell]) -> dict[str, Cell]:
        """The cells of one row by column key (missing cells as None)."""
        return {key: cells[index] if index < len(cells) else None for key, index in self.columns.items()}


def _blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_zip(data: bytes, limits: Limits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # a damaged central directory raises more than BadZipFile
        raise CorruptDocument(_("Tệp Excel bị hỏng hoặc không phải tệp .xlsx hợp lệ.")) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_members:
            raise ZipBomb(_("Tệp .xlsx có quá nhiều thành phần; có thể là tệp nén độc hại."))
        total = sum(info.file_size for info in infos)
        for info in infos:
            if info.file_size > 1024 * 1024 and info.file_size > limits.max_ratio * max(
                info.compress_size, 1
            ):
                raise ZipBomb(_("Tệp .xlsx có tỷ lệ nén bất thường; tệp bị từ chối."))
        if total > limits.max_unzipped:
            raise ZipBomb(_("Tệp .xlsx giải nén ra quá lớn; tệp bị từ chối."))
        names = {info.filename for info in infos}
        if "xl/workbook.xml" not in names:
            raise UnsupportedFormat(_("Tệp nén không phải bảng tính Excel (.xlsx)."))
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                with archive.open(info) as part:
                    if _DTD.search(part.read(64 * 1024)):
                        raise CorruptDocument(
                            _("Tệp Excel chứa khai báo XML không được phép; tệp bị từ chối vì lý do an toàn.")
                        )


def _xlsx_cell(cell) -> Cell:
    value = cell.value
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in (cell.number_format or ""):
        return PercentCell(value)
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    return value


def _read_xlsx(data: bytes, limits: Limits) -> list[Sheet]:
    from openpyxl import load_workbook

    _check_zip(data, limits)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of error on damaged files
        raise CorruptDocument(_("Không đọc được tệp Excel: tệp bị hỏng hoặc sai định dạng.")) from exc
    sheets = []
    count = 0
    try:
        for worksheet in book.worksheets:
            sheet = Sheet(worksheet.title)
            for number, row in enumerate(worksheet.iter_rows(), start=1):
                cells = [_xlsx_cell(c) for c in row]
                while cells and _blank(cells[-1]):
                    cells.pop()
                if cells:
                    count += 1
                    if count > MAX_ROWS:
                        raise DocumentImportError(
                            _("Tệp có quá nhiều dòng (tối đa %(n)s dòng).") % {"n": f"{MAX_ROWS:,}"},
                            code="too_large",
                        )
                    sheet.rows.append((number, cells))
            sheets.append(sheet)
    finally:
        book.close()
    return sheets


def _delimiter(text: str, columns: Sequence[ColumnSpec]) -> str:
    """The sniffed delimiter, unless another one makes a header row name more of the columns."""
    try:
        sniffed = csv.Sniffer().sniff(text[:8192], delimiters=",;\t").delimiter
    except csv.Error:
        sniffed = ","
    if not columns:
        return sniffed
    best, best_score = sniffed, 0
    for delimiter in (sniffed, *(d for d in DELIMITERS if d != sniffed)):
        sheet = Sheet("csv")
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for number, values in enumerate(reader, start=1):
            if number > HEADER_SCAN:
                break
            sheet.rows.append((number, [v.strip() or None for v in values]))
        header = find_header([sheet], columns)
        if header is not None and len(header.columns) > best_score:
            best, best_score = delimiter, len(header.columns)
    return best


def _read_csv(data: bytes, limits: Limits, columns: Sequence[ColumnSpec] = ()) -> list[Sheet]:
    if len(data) > limits.max_text_bytes:
        raise DocumentImportError(_("Tệp .csv quá lớn."), code="too_large")
    text = decode(data)
    sheet = Sheet("csv")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text, columns))
    for number, values in enumerate(reader, start=1):
        cells: list[Cell] = [v.strip() or None for v in values]
        while cells and _blank(cells[-1]):
            cells.pop()
        if cells:
            if len(sheet.rows) >= MAX_ROWS:
                raise DocumentImportError(
                    _("Tệp có quá nhiều dòng (tối đa %(n)s dòng).") % {"n": f"{MAX_ROWS:,}"}, code="too_large"
                )
            sheet.rows.append((number, cells))
    return [sheet]


def read_sheets(
    data: bytes, filename: str = "", limits: Limits = DEFAULT_LIMITS, columns: Sequence[ColumnSpec] = ()
) -> list[Sheet]:
    """The sheets of an .xlsx or .csv file (told by content; the name breaks ties); `columns`: the
    import's, to choose a .csv's delimiter by its header."""
    if not data or not data.strip():
        raise DocumentImportError(_("Tệp rỗng, không có dữ liệu."), code="empty")
    if len(data) > limits.max_bytes:
        raise DocumentImportError(_("Tệp quá lớn."), code="too_large")
    extension = os.path.splitext(filename or "")[1].lower()
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, limits)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnsupportedFormat(_("Định dạng Excel cũ (.xls) chưa được hỗ trợ: hãy lưu lại dưới dạng .xlsx."))
    if extension in (".xlsx", ".xlsm"):
        raise CorruptDocument(_("Tệp “%(name)s” không phải tệp Excel hợp lệ.") % {"name": filename})
    if extension not in ("", ".csv", ".txt", ".tsv"):
        raise UnsupportedFormat(
            _("Định dạng tệp “%(ext)s” không được hỗ trợ; hãy dùng .xlsx hoặc .csv.") % {"ext": extension}
        )
    return _read_csv(data, limits, columns)


def _words(text: str) -> str:
    return " ".join(_NOT_WORD.split(fold(text))).strip()


def column_key(header: Cell, columns: Sequence[ColumnSpec]) -> str | None:
    """The key of the column a header cell names, or None."""
    if _blank(header):
        return None
    text = str(header).strip()
    match = _KEY.search(text.lower())
    keys = {spec.key: spec for spec in columns}
    if match and match.group(1) in keys:
        return match.group(1)
    folded = _words(text)
    bare = _words(_KEY.sub("", text.lower()))
    for spec in columns:
        if folded in _names(spec) or bare in _names(spec):
            return spec.key
    for spec in columns:
        if spec.loose and any(len(name) > 3 and f" {name} " in f" {folded} " for name in _names(spec)):
            return spec.key
    return None


def _names(spec: ColumnSpec) -> list[str]:
    """The folded names of a column: its key, its title (with and without the key), its aliases."""
    names = [_words(spec.key.replace("_", " ")), _words(spec.title), _words(_KEY.sub("", spec.title))]
    return names + [_words(alias) for alias in spec.aliases]


def find_header(sheets: Sequence[Sheet], columns: Sequence[ColumnSpec]) -> Header | None:
    """The sheet and row naming the most known columns (at least one required column), or None."""
    best: Header | None = None
    best_score = 0
    required = {spec.key for spec in columns if spec.required}
    for sheet in sheets:
        for number, cells in sheet.rows[:HEADER_SCAN]:
            found: dict[str, int] = {}
            unknown = []
            for index, cell in enumerate(cells):
                key = column_key(cell, columns)
                if key is not None and key not in found:
                    found[key] = index
                elif not _blank(cell):
                    unknown.append(str(cell))
            score = len(found)
            if score > best_score and (not required or required & found.keys()):
                best, best_score = Header(sheet, number, found, unknown), score
    return best


def missing_columns(header: Header, columns: Sequence[ColumnSpec]) -> list[ColumnSpec]:
    return [spec for spec in columns if spec.required and spec.key not in header.columns]


def read_rows(
    data: bytes, filename: str, columns: Sequence[ColumnSpec], any_of: Sequence[Sequence[str]] = ()
) -> tuple[list[tuple[int, dict[str, Cell]]], list[RowError]]:
    """(row number, {column key: cell}) for every row below the header, or the file's errors:
    unreadable, no header, required columns missing (`any_of`: groups of keys of which one is
    enough, such as a unit's code or name). A `percent` column's percentage cells are read as the
    numbers they show (Decimal)."""
    try:
        sheets = read_sheets(data, filename, columns=columns)
    except DocumentImportError as exc:
        return [], [RowError(None, exc.message)]
    header = find_header(sheets, columns)
    if header is None:
        return [], [RowError(None, _("Không tìm thấy dòng tiêu đề cột; hãy dùng tệp mẫu của chiso."))]
    titles = {spec.key: spec.title for spec in columns}
    missing = [
        _(" hoặc ").join(titles[key] for key in group)
        for group in any_of
        if not any(key in header.columns for key in group)
    ]
    missing += [spec.title for spec in missing_columns(header, columns)]
    if missing:
        return [], [RowError(header.row_number, _("Thiếu cột: %(cols)s.") % {"cols": "; ".join(missing)})]
    percent = {spec.key for spec in columns if spec.percent}
    rows = []
    for number, cells in header.data_rows():
        record = header.record(cells)
        for key in percent:
            value = record.get(key)
            if isinstance(value, PercentCell):
                record[key] = value.shown()
        rows.append((number, record))
    return rows, []


def read_records(
    data: bytes, filename: str, columns: Sequence[ColumnSpec], any_of: Sequence[Sequence[str]] = ()
) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    """`read_rows` with every cell as the text a form field reads (`cell_text`)."""
    rows, errors = read_rows(data, filename, columns, any_of)
    return [
        (number, {key: cell_text(value) for key, value in record.items()}) for number, record in rows
    ], errors


def cell_text(value: Cell) -> str:
    """A cell as the text a form field reads: numbers without float noise (2.0 → "2", 0.1+0.2 → "0.3")."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(value, ".12g")
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def row_messages(form) -> list[str]:
    """The reasons a row's form refused it: field errors named by their column label (with the cell
    as written), then the errors of the row as a whole."""
    messages: list[str] = []
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS:
            continue
        label = form.fields[name].label if name in form.fields else name
        raw = str(form.data.get(name) or "").strip()
        prefix = f"{label} “{raw}”" if raw else str(label)
        messages.extend(f"{prefix}: {error}" for error in errors)
    messages.extend(str(error) for error in form.non_field_errors())
    return messages
