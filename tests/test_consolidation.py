"""The consolidated report of round 1 exported as .docx (Decree 30) and .xlsx: every unit and
every dimension present, sums exact, ids kept; rendered to PDF by LibreOffice where installed;
and the `chiso consolidate` command."""

import datetime as dt
import io
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from chiso.reporting.consolidation import consolidate
from chiso.reporting.export import consolidated_document, export_bytes
from chiso.reporting.models import TaskProgress
from tests.test_reporting_world import COMMUNES, DEPARTMENTS, build_world, play_round_1

pytestmark = pytest.mark.django_db
TODAY = dt.date(2022, 6, 20)


@pytest.fixture
def result(db):
    world = build_world()
    play_round_1(world)
    return consolidate(world.rounds[0], TODAY)


def docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_docx_holds_every_unit_and_dimension(result):
    data = export_bytes(result, "docx")
    text = docx_text(data)
    assert "BÁO CÁO" in text and "Số:" in text
    assert "Kết quả thực hiện Kế hoạch số 12/KH-UBND ngày 15/2/2022 của UBND huyện Thử Nghiệm" in text
    assert "Tổng số đơn vị phải báo cáo: 12; đã gửi báo cáo: 10 (đúng hạn: 8; muộn: 2); chưa gửi: 2" in text
    assert "Các đơn vị chưa gửi báo cáo: Xã Bảy; Xã Tám." in text
    assert "Kết quả chung: 98/158 lượt nhiệm vụ hoàn thành (62,0%)." in text
    for name in DEPARTMENTS + COMMUNES:
        assert name in text
    for d in range(1, 9):
        assert f"Chỉ số nội dung {d}" in text
    assert (
        "5/9 đơn vị hoàn thành; 1 đang thực hiện; 3 chưa có báo cáo được duyệt; Trung bình 88,33%; 4/6 đơn vị đạt chỉ tiêu."
        in text
    )
    assert (
        "5/8 đơn vị hoàn thành; 3 chưa có báo cáo được duyệt; Tổng 10 đợt/năm; 5/5 đơn vị đạt chỉ tiêu."
        in text
    )
    assert "Hạn chế của Phòng Hai." in text and "Đề xuất của Xã Sáu." in text
    assert "Hạn chế của Xã Năm." not in text  # not approved: not consolidated
    doc = consolidated_document(result)
    assert [a.title.split("\n")[0] for a in doc.appendices] == ["PHỤ LỤC I", "PHỤ LỤC II", "PHỤ LỤC III"]


def test_xlsx_sums_and_ids(result):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(export_bytes(result, "xlsx")))
    assert book.sheetnames == ["Tổng hợp", "Theo chỉ số", "Theo nhiệm vụ", "Theo đơn vị", "Chi tiết"]

    def rows(name):
        sheet = book[name]
        header = next(
            i
            for i, row in enumerate(sheet.iter_rows(values_only=True), 1)
            if row[0] in ("TT", "Chỉ tiêu theo dõi")
        )
        return [row for row in sheet.iter_rows(min_row=header + 1, values_only=True)]

    summary = {row[0]: row[1] for row in rows("Tổng hợp")}
    assert summary["Số đơn vị phải báo cáo"] == 12
    assert summary["Lượt nhiệm vụ hoàn thành"] == 98
    assert summary["Tỷ lệ hoàn thành (%)"] == 62.0
    dims = [row for row in rows("Theo chỉ số") if row[0]]
    assert [row[1] for row in dims] == [f"Chỉ số nội dung {d}" for d in range(1, 9)]
    assert [row[4] for row in dims] == [13, 12, 12, 12, 13, 12, 12, 12]
    assert sum(row[4] for row in dims) == 98
    total = next(row for row in rows("Theo chỉ số") if row[1] == "Tổng cộng")
    assert (total[3], total[4]) == (160, 98)
    units = rows("Theo đơn vị")
    assert sorted(row[1] for row in units) == sorted(DEPARTMENTS + COMMUNES)
    detail = [row for row in rows("Chi tiết") if isinstance(row[6], int)]
    assert len(detail) == sum(len(t.entries) for t in result.tasks) == 112
    # Every detail row names the report and progress row it comes from; the values add up.
    ids = {row[7]: row for row in detail}
    progress = {p.pk: p for p in TaskProgress.objects.filter(pk__in=ids)}
    assert set(progress) == set(ids)
    assert all(progress[pid].report_id == row[6] for pid, row in ids.items())
    values_11 = [Decimal(str(row[3])) for row in detail if progress[row[7]].task.number == "1.1"]
    assert sum(values_11) == Decimal("530")


def _soffice():
    return shutil.which("soffice") or shutil.which("libreoffice")


def test_docx_renders_to_pdf(result, tmp_path):
    soffice = _soffice()
    if soffice is None:
        if os.environ.get("CHISO_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("LibreOffice (soffice) is required (CHISO_REQUIRE_LIBREOFFICE=1) but not on PATH")
        pytest.skip(
            "LibreOffice (soffice/libreoffice) is not installed: apt-get install libreoffice-writer-nogui"
        )
    import pdfplumber

    source = tmp_path / "bao-cao.docx"
    source.write_bytes(export_bytes(result, "docx"))
    outdir = tmp_path / "pdf"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(source),
        ],
        check=True,
        timeout=180,
        capture_output=True,
    )
    with pdfplumber.open(outdir / "bao-cao.pdf") as pdf:
        assert len(pdf.pages) > 0
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "PHỤ LỤC II" in text and "Xã Tám" in text


def test_consolidate_command(db, tmp_path, capsys):
    world = build_world()
    play_round_1(world)
    out = tmp_path / "bc.xlsx"
    call_command(
        "consolidate",
        "12/KH-UBND",
        "--issuer",
        "UBND huyện Thử Nghiệm",
        "--round",
        "1",
        "--format",
        "xlsx",
        "--output",
        str(out),
    )
    assert out.read_bytes()[:2] == b"PK"
    assert "(9/12 đơn vị có báo cáo được duyệt)" in capsys.readouterr().out
    with pytest.raises(CommandError) as exc:
        call_command(
            "consolidate",
            "12/KH-UBND",
            "--issuer",
            "UBND huyện Thử Nghiệm",
            "--round",
            "5",
            "--output",
            str(tmp_path / "x.docx"),
        )
    assert "không có kỳ báo cáo số 5 (các kỳ: 1, 2)" in str(exc.value)
    with pytest.raises(CommandError) as exc:
        call_command("consolidate", "99/KH-UBND", "--issuer", "UBND huyện Thử Nghiệm", "--round", "1")
    assert "Không tìm thấy kế hoạch số 99/KH-UBND" in str(exc.value)
    docx = tmp_path / "bc.docx"
    call_command(
        "consolidate", "12/KH-UBND", "--issuer", "Huyện Thử Nghiệm", "--round", "1", "--output", str(docx)
    )
    assert Path(docx).stat().st_size > 10000
