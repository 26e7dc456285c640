"""Builders of test documents for the import tests: Word files with real merged cells and
repeated header rows, PDFs through LibreOffice, zip bombs, encrypted and scanned files."""

import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

HEADER = [
    "TT",
    "Nội dung",
    "Nhiệm vụ",
    "Sản phẩm",
    "Cơ quan chủ trì",
    "Đơn vị phối hợp / thực hiện",
    "Thời gian",
]


def plan_paragraphs(
    document, title="Nâng cao Chỉ số cải cách hành chính (PAR INDEX) năm 2023", number="12", day="15/3/2023"
):
    document.add_paragraph("ỦY BAN NHÂN DÂN")
    document.add_paragraph("HUYỆN VỊ XUYÊN")
    document.add_paragraph(f"Số: {number}/KH-UBND")
    document.add_paragraph(
        f"Vị Xuyên, ngày {day.split('/')[0]} tháng {day.split('/')[1]} năm {day.split('/')[2]}"
    )
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph(title)
    document.add_paragraph(
        "Thực hiện Kế hoạch số 20/KH-UBND ngày 01/3/2023 của UBND tỉnh Hà Giang về nâng cao Chỉ số cải cách hành chính."
    )
    document.add_paragraph("I. MỤC ĐÍCH, YÊU CẦU")
    document.add_paragraph("Nâng cao chất lượng cải cách hành chính trên địa bàn huyện.")


def mark_header(row) -> None:
    """Make a table row a header row Word repeats on every page."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def add_table(document, header, rows, header_rows=1):
    table = document.add_table(rows=header_rows + len(rows), cols=len(header))
    table.style = "Table Grid"
    for k, text in enumerate(header):
        table.rows[0].cells[k].text = text
    for r in range(header_rows):
        mark_header(table.rows[r])
    for i, values in enumerate(rows, start=header_rows):
        for k, text in enumerate(values):
            if text is not None:
                table.rows[i].cells[k].text = text
    return table


def docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def new_document():
    return docx.Document()


def to_pdf(docx_data: bytes, timeout: int = 300) -> bytes:
    """Render a .docx with LibreOffice (skips the test where it is not installed)."""
    if not SOFFICE:
        pytest.skip("LibreOffice is not installed")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "plan.docx"
        source.write_bytes(docx_data)
        subprocess.run(
            [
                SOFFICE,
                "--headless",
                f"-env:UserInstallation=file://{folder}/profile",
                "--convert-to",
                "pdf",
                "--outdir",
                folder,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
        return (Path(folder) / "plan.pdf").read_bytes()


def zip_bomb(size_mb: int = 60) -> bytes:
    """A .docx-looking zip whose document.xml inflates from a few kB to `size_mb` MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        chunk = b"\0" * (1024 * 1024)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            for _ in range(size_mb):
                part.write(chunk)
    return buffer.getvalue()


def encrypted_office_file() -> bytes:
    """The shape of a password-protected .docx: an OLE container holding an EncryptedPackage stream."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    directory = "EncryptedPackage".encode("utf-16-le") + b"\0" * 64 + "EncryptionInfo".encode("utf-16-le")
    return header + directory + b"\0" * 4096


def encrypted_pdf() -> bytes:
    """A PDF that declares the standard security handler with a password the reader does not have."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <" + b"41" * 32 + b"> /U <" + b"42" * 32 + b"> /P -4 >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<01020304><01020304>] >>\n"
        % (len(objects) + 1)
    )
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def scanned_pdf() -> bytes:
    """A PDF of images only, as a scanner makes."""
    from PIL import Image, ImageDraw

    pages = []
    for number in range(2):
        image = Image.new("RGB", (620, 877), "white")
        ImageDraw.Draw(image).text((60, 60 + number), "KE HOACH (scanned)", fill="black")
        pages.append(image)
    buffer = io.BytesIO()
    pages[0].save(buffer, format="PDF", save_all=True, append_images=pages[1:])
    return buffer.getvalue()


def test_builders_make_readable_files():
    document = new_document()
    plan_paragraphs(document)
    add_table(
        document,
        HEADER,
        [["1", "Cải cách thể chế", "Rà soát văn bản", "Báo cáo", "Phòng Tư pháp", "", "Quý II/2023"]],
    )
    data = docx_bytes(document)
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    assert encrypted_pdf().startswith(b"%PDF-1.4")
    assert scanned_pdf().startswith(b"%PDF")
