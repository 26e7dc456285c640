"""The import template of observations (.xlsx): the columns `chiso.measures.imports` reads, with examples."""

from __future__ import annotations

from django.utils.translation import gettext as _

from chiso.core.numbers import decimal_text
from chiso.documents.model import Column, Row, Table
from chiso.documents.xlsx_writer import xlsx_bytes
from chiso.measures.models import Measure

HEADERS = (
    "Mã đơn vị",
    "Tên đơn vị",
    "Mã số liệu",
    "Kỳ số liệu",
    "Từ ngày",
    "Đến ngày",
    "Giá trị",
    "Nguồn",
    "Ghi chú",
)


def template_bytes(measures: list[Measure]) -> bytes:
    """Sheet 1: the table to fill (two example rows); sheet 2: the measures' codes and ranges."""
    columns = [
        Column(HEADERS[0], 2.2),
        Column(HEADERS[1], 5.0),
        Column(HEADERS[2], 5.0),
        Column(HEADERS[3], 4.0),
        Column(HEADERS[4], 2.6),
        Column(HEADERS[5], 2.6),
        Column(HEADERS[6], 2.0, "right"),
        Column(HEADERS[7], 5.0),
        Column(HEADERS[8], 5.0),
    ]
    examples = [
        Row(
            [
                "",
                "Xã Vị Xuyên",
                "on_time_dossiers",
                "Quý I/2026",
                "",
                "",
                96.2,
                "Hệ thống một cửa điện tử",
                "",
            ]
        ),
        Row(["", "Xã Vị Xuyên", "satisfaction_rate", "", "01/01/2026", "30/06/2026", 91.5, "Khảo sát", ""]),
    ]
    catalogue = Table(
        [
            Column(_("Mã số liệu"), 5.0),
            Column(_("Tên"), 10.0),
            Column(_("Đơn vị tính"), 2.0),
            Column(_("Khoảng giá trị"), 3.0),
        ],
        [
            Row(
                [
                    m.code,
                    m.name,
                    m.unit_label,
                    f"{decimal_text(m.min_value) if m.min_value is not None else '…'}–"
                    f"{decimal_text(m.max_value) if m.max_value is not None else '…'}",
                ]
            )
            for m in measures
        ],
    )
    notes = [
        _("MẪU NHẬP SỐ LIỆU ĐO LƯỜNG"),
        _(
            "Ghi mã hoặc tên đơn vị; mã hoặc tên số liệu (xem trang “Danh mục số liệu”); kỳ số liệu "
            "(Quý I/2026, 6 tháng đầu năm 2026, Năm 2025) hoặc từ ngày – đến ngày; giá trị là số (96,2)."
        ),
    ]
    return xlsx_bytes(
        [
            (_("Số liệu"), notes, Table(columns, examples)),
            (_("Danh mục số liệu"), [_("DANH MỤC SỐ LIỆU ĐO LƯỜNG")], catalogue),
        ]
    )
