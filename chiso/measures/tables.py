"""Reading an observations table from a .csv or .xlsx file, its columns found by meaning.

The one-stop-shop systems export tables with a title above the header and their own column
names, so the header is the first of the first 15 rows in which a unit, a measure and a value
column are recognised. Column names are compared accent-insensitively with the names of
`COLUMNS` ("Mã đơn vị", "Đơn vị", "unit_code" all mean the unit). A CSV may be UTF-8 (with or
without BOM) or Windows-1258, separated by semicolons, commas or tabs. An Excel cell formatted as
a percentage (shows 96,2%, stores 0.962) is read as 96.2; a date cell as a date.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from chiso.core.text import fold_words

HEADER_SEARCH_ROWS = 15
MAX_ROWS = 20000

# Field → the column names that mean it (folded words), most specific first.
COLUMNS: dict[str, tuple[str, ...]] = {
    "unit": ("ma don vi", "don vi", "co quan", "dia phuong", "unit code", "unit"),
    "unit_name": ("ten don vi", "ten co quan", "unit name"),
    "measure": ("ma so lieu", "so lieu", "chi tieu", "ma chi tieu", "measure code", "measure"),
    "measure_name": ("ten so lieu", "ten chi tieu", "measure name"),
    "period_start": ("tu ngay", "ngay bat dau", "bat dau", "period start", "start"),
    "period_end": ("den ngay", "ngay ket thuc", "ket thuc", "period end", "end"),
    "period": ("ky so lieu", "ky bao cao", "ky", "thoi gian", "giai doan", "period"),
    "value": ("gia tri", "ty le", "ket qua", "value"),
    "source": ("nguon so lieu", "nguon", "source"),
    "note": ("ghi chu", "note"),
}
REQUIRED_COLUMNS = ("unit", "measure", "value")
IGNORED_COLUMNS = ("don vi tinh", "stt", "tt", "so thu tu")


class TableError(ValueError):
    """The file cannot be read as an observations table (the message is for the user)."""


@dataclass
class Table:
    columns: dict[str, int]  # field → column index
    rows: list[tuple[int, dict[str, object]]]  # (row number in the file, {field: cell})


def _key(text: object) -> str:
    return " ".join(fold_words(str(text))) if text is not None else ""


def column_field(name: object) -> str | None:
    """The field a column name means, or None: "Mã đơn vị" → "unit", "Giá trị (%)" → "value"."""
    key = _key(name)
    if not key or key in IGNORED_COLUMNS:
        return None
    for field, names in COLUMNS.items():
        if key in names:
            return field
    for field, names in COLUMNS.items():
        for alias in names:
            if f" {alias} " in f" {key} " and len(alias) > 3:
                return field
    return None


def _header(cells: list[object]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        field = column_field(cell)
        if field and field not in found:
            found[field] = index
    for field in ("unit", "measure"):  # a name column alone names the unit (the measure)
        if field not in found and f"{field}_name" in found:
            found[field] = found.pop(f"{field}_name")
    if all(f in found for f in REQUIRED_COLUMNS):
        return found
    return None


def _find_header(grid: list[tuple[int, list[object]]]) -> tuple[int, dict[str, int]]:
    for position, (_number, cells) in enumerate(grid[:HEADER_SEARCH_ROWS]):
        columns = _header(cells)
        if columns is not None:
            return position, columns
    raise TableError(
        _(
            "Không tìm thấy dòng tiêu đề: bảng cần có các cột đơn vị, số liệu (mã hoặc tên) và giá trị. "
            "Hãy dùng tệp mẫu."
        )
    )


def _from_grid(grid: list[tuple[int, list[object]]]) -> Table:
    position, columns = _find_header(grid)
    rows = []
    for number, cells in grid[position + 1 :]:
        values = {field: (cells[i] if i < len(cells) else None) for field, i in columns.items()}
        if all(v is None or str(v).strip() == "" for v in values.values()):
            continue
        rows.append((number, values))
    if len(rows) > MAX_ROWS:
        raise TableError(_("Tệp có quá %(n)d dòng số liệu; hãy chia thành nhiều tệp.") % {"n": MAX_ROWS})
    return Table(columns, rows)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(_("Không đọc được tệp CSV: hãy lưu tệp với bảng mã UTF-8."))


def read_csv(data: bytes) -> Table:
    """Tried with each separator (";", ",", tab): the one whose header names the most columns wins."""
    text = _decode(data)
    best: tuple[int, list] | None = None
    for delimiter in (";", ",", "\t"):
        grid = [
            (n, list(row))
            for n, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1)
        ]
        try:
            _position, columns = _find_header(grid)
        except TableError:
            continue
        if best is None or len(columns) > best[0]:
            best = (len(columns), grid)
    if best is None:
        _find_header([])  # raises the message
    return _from_grid(best[1])


def _cell(cell) -> object:
    value = cell.value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        number = Decimal(str(value))
        if "%" in (cell.number_format or ""):
            number = (number * 100).normalize()
        return number
    return value


def read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise TableError(_("Không đọc được tệp Excel (.xlsx): tệp hỏng hoặc không đúng định dạng.")) from exc
    try:
        sheet = book.worksheets[0]
        grid = []
        for number, row in enumerate(sheet.iter_rows(), start=1):
            grid.append((number, [_cell(c) for c in row]))
            if number > MAX_ROWS + HEADER_SEARCH_ROWS + 1:
                break
    finally:
        book.close()
    return _from_grid(grid)


def read_table(name: str, data: bytes) -> Table:
    """The observations table of an uploaded file, by its extension (.csv or .xlsx)."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        return read_xlsx(data)
    if lower.endswith(".csv"):
        return read_csv(data)
    raise TableError(_("Chỉ nhận tệp .csv hoặc .xlsx."))
