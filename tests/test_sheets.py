"""Spreadsheet reading shared by the imports (chiso.documents.sheets): the header found by meaning
below title rows, the .csv delimiter chosen by the header, percentage cells, loose column names."""

import datetime as dt
import io
from decimal import Decimal

from openpyxl import Workbook

from chiso.documents.sheets import ColumnSpec, PercentCell, cell_text, read_records, read_rows

COLUMNS = [
    ColumnSpec("unit", "Mã đơn vị", ("đơn vị",), loose=True),
    ColumnSpec("value", "Giá trị", ("tỷ lệ",), required=True, loose=True, percent=True),
    ColumnSpec("ratio", "Trọng số"),
    ColumnSpec("skip", "Đơn vị tính"),
]


def test_csv_delimiter_is_the_one_whose_header_names_the_columns():
    # A title above the header, commas inside the values: a sniffer could take "," for the delimiter.
    text = "BÁO CÁO, SỐ LIỆU QUÝ I\nMã đơn vị;Giá trị;Đơn vị tính\n001;96,2;%\n002;1.234,5;%\n"
    rows, errors = read_records(text.encode(), "a.csv", COLUMNS)
    assert errors == []
    assert rows == [
        (3, {"unit": "001", "value": "96,2", "skip": "%"}),
        (4, {"unit": "002", "value": "1.234,5", "skip": "%"}),
    ]
    tabs, _ = read_records(b"Ma don vi\tGia tri\n7\t5\n", "b.csv", COLUMNS)
    assert tabs == [(2, {"unit": "7", "value": "5"})]


def test_loose_names_and_exact_names_first():
    text = "Đơn vị;Đơn vị tính;Tỷ lệ hồ sơ đúng hạn (%)\nXã A;%;95\n"
    rows, errors = read_records(text.encode("utf-8-sig"), "c.csv", COLUMNS)
    assert errors == [] and rows == [(2, {"unit": "Xã A", "skip": "%", "value": "95"})]
    # Without `loose`, a longer header names nothing: the column is missing.
    strict = [ColumnSpec("value", "Giá trị", ("tỷ lệ",), required=True)]
    _rows, errors = read_records(b"Ty le ho so dung han;x\n95;1\n", "d.csv", strict)
    assert [e.message for e in errors] == ["Không tìm thấy dòng tiêu đề cột; hãy dùng tệp mẫu của chiso."]


def test_percent_cells_in_percent_columns_only_and_title_rows_above_the_header():
    book = Workbook()
    sheet = book.active
    for _ in range(12):  # twelve title rows: the header is the 13th
        sheet.append(["Báo cáo"])
    sheet.append(["Mã đơn vị", "Giá trị", "Trọng số"])
    sheet.append(["001", 0.962, 0.25])
    sheet.append(["002", 12.345, dt.datetime(2026, 3, 31)])
    sheet["B14"].number_format = "0.0%"
    sheet["C14"].number_format = "0%"
    out = io.BytesIO()
    book.save(out)
    rows, errors = read_rows(out.getvalue(), "e.xlsx", COLUMNS)
    assert errors == []
    (n1, first), (n2, second) = rows
    assert (n1, first["value"], first["ratio"]) == (14, Decimal("96.2"), 0.25)
    assert isinstance(first["ratio"], PercentCell)  # not a percent column: the number held
    assert second["value"] == 12.345 and second["ratio"] == dt.date(2026, 3, 31)
    texts, _ = read_records(out.getvalue(), "e.xlsx", COLUMNS)
    assert [r for _n, r in texts] == [
        {"unit": "001", "value": "96.2", "ratio": "0.25"},
        {"unit": "002", "value": "12.345", "ratio": "2026-03-31"},
    ]


def test_cell_text():
    assert cell_text(Decimal("1E+2")) == "100" and cell_text(0.1 + 0.2) == "0.3"
    assert cell_text(PercentCell(0.5)) == "0.5" and cell_text(None) == ""
