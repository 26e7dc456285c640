"""Bad input never crashes or hangs the importer: it gives a plan or a DocumentImportError with a
Vietnamese message. Random bytes and text, truncated and corrupted samples, zip bombs, encrypted
and scanned files, files with nothing to import; time and page limits inside the library."""

import io
import re
import time
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chiso.documents.errors import (
    CorruptDocument,
    DocumentImportError,
    EncryptedDocument,
    NoTasksFound,
    NoTextLayer,
    ParseTimeout,
    UnsupportedFormat,
    ZipBomb,
)
from chiso.documents.limits import Limits
from chiso.documents.parser import ParsedPlan, parse_document
from tests.conftest import SAMPLES
from tests.test_import_support import (
    docx_bytes,
    encrypted_office_file,
    encrypted_pdf,
    new_document,
    plan_paragraphs,
    scanned_pdf,
    zip_bomb,
)

LIMITS = Limits(max_seconds=30)
VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.I)


def outcome(data: bytes, name: str, limits: Limits = LIMITS):
    """Parse and return the plan or the import error; anything else fails the test."""
    started = time.monotonic()
    try:
        result = parse_document(data, name, limits=limits, resolve=False)
    except DocumentImportError as exc:
        assert exc.message and VIETNAMESE.search(exc.message), exc.message
        assert "\n" not in exc.message.strip()
        result = exc
    assert time.monotonic() - started < limits.max_seconds + 5
    if isinstance(result, ParsedPlan):
        result.as_dict()  # serialisable
    return result


def sample(name: str) -> bytes:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"{name} is not in the samples folder")
    return path.read_bytes()


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(
    st.binary(max_size=4096),
    st.sampled_from(["plan.docx", "plan.pdf", "plan.md", "plan.txt", "plan", "plan.xlsx"]),
)
def test_random_bytes(data, name):
    outcome(data, name)


@FAST
@given(st.text(max_size=3000))
def test_random_text(text):
    outcome(text.encode("utf-8"), "plan.md")


@FAST
@given(
    st.lists(
        st.sampled_from(
            [
                "Số: 12/KH-UBND",
                "Hà Giang, ngày 5 tháng 6 năm 2023",
                "KẾ HOẠCH",
                "II. NHIỆM VỤ, GIẢI PHÁP",
                "1. Nội dung “Quản trị điện tử”",
                "- Đơn vị chủ trì: Phòng Nội vụ",
                "TT\tNhiệm vụ\tĐơn vị chủ trì\tThời gian",
                "1\tTuyên truyền\tPhòng Tư pháp\tQuý II/2023",
                "\t\t\t",
                "| TT | Nhiệm vụ | Chủ trì |",
                "TT",
                "Nhiệm vụ",
                "Đơn vị chủ trì",
                "Thời gian thực hiện",
                "",
                "(Kèm theo Kế hoạch số 12/KH-UBND ngày 5/6/2023 của UBND xã A)",
            ]
        ),
        max_size=60,
    )
)
def test_random_plan_like_text(lines):
    outcome("\n".join(lines).encode("utf-8"), "plan.txt")


@SLOW
@given(st.data())
def test_truncated_and_corrupted_docx(data):
    original = sample("vi-xuyen-2021-plan.docx")
    cut = data.draw(st.integers(0, len(original) - 1))
    outcome(original[:cut], "plan.docx")
    flipped = bytearray(original)
    for _ in range(data.draw(st.integers(1, 20))):
        position = data.draw(st.integers(0, len(flipped) - 1))
        flipped[position] ^= data.draw(st.integers(1, 255))
    outcome(bytes(flipped), "plan.docx")


@SLOW
@given(st.data())
def test_truncated_and_corrupted_pdf(data):
    original = sample("nguyen-trai-2024-plan.pdf")
    cut = data.draw(st.integers(0, len(original) - 1))
    outcome(original[:cut], "plan.pdf")
    flipped = bytearray(original)
    for _ in range(data.draw(st.integers(1, 20))):
        position = data.draw(st.integers(0, len(flipped) - 1))
        flipped[position] ^= data.draw(st.integers(1, 255))
    outcome(bytes(flipped), "plan.pdf")


def test_zip_bomb_disguised_as_docx_is_refused_before_inflating():
    bomb = zip_bomb(60)
    assert len(bomb) < 200_000
    started = time.monotonic()
    with pytest.raises(ZipBomb) as caught:
        parse_document(bomb, "ke-hoach.docx")
    assert time.monotonic() - started < 2
    assert "nén" in caught.value.message


def test_oversized_parts_are_refused():
    limits = Limits(max_unzipped=10 * 1024)
    data = docx_bytes(new_document())
    with pytest.raises(ZipBomb):
        parse_document(data, "plan.docx", limits=limits)


def test_xml_entities_are_refused():
    original = sample("vi-xuyen-2021-plan.docx")
    source = zipfile.ZipFile(io.BytesIO(original))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "word/document.xml":
                content = content.replace(
                    b"?>", b'?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>', 1
                )
            target.writestr(info, content)
    with pytest.raises(CorruptDocument) as caught:
        parse_document(buffer.getvalue(), "plan.docx")
    assert "DOCTYPE" in caught.value.message


def test_password_protected_files():
    with pytest.raises(EncryptedDocument) as word:
        parse_document(encrypted_office_file(), "ke-hoach.docx")
    assert "mật khẩu" in word.value.message
    with pytest.raises(EncryptedDocument) as pdf:
        parse_document(encrypted_pdf(), "ke-hoach.pdf")
    assert "mật khẩu" in pdf.value.message


def test_scanned_pdf_without_text():
    with pytest.raises(NoTextLayer) as caught:
        parse_document(scanned_pdf(), "scan.pdf")
    assert "OCR" in caught.value.message


def test_document_without_tasks_says_what_is_missing():
    document = new_document()
    plan_paragraphs(document)
    document.add_paragraph("III. TỔ CHỨC THỰC HIỆN")
    document.add_paragraph("Các cơ quan, đơn vị triển khai thực hiện kế hoạch này.")
    with pytest.raises(NoTasksFound) as caught:
        parse_document(docx_bytes(document), "plan.docx", resolve=False)
    assert "bảng nhiệm vụ" in caught.value.message
    assert caught.value.plan.header.number == "12"  # what was read is kept for the caller


def test_unsupported_and_empty_files():
    with pytest.raises(UnsupportedFormat):
        parse_document(b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "anh.png")
    with pytest.raises(UnsupportedFormat):
        parse_document(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096, "cu.doc")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(UnsupportedFormat) as excel:
        parse_document(buffer.getvalue(), "bang.docx")
    assert "Excel" in excel.value.message
    with pytest.raises(DocumentImportError) as empty:
        parse_document(b"   \n", "plan.md")
    assert empty.value.code == "empty"
    with pytest.raises(CorruptDocument):
        parse_document(b"not a pdf at all", "plan.pdf")


def test_time_limit_inside_the_library():
    data = sample("nguyen-trai-2024-plan.pdf")
    started = time.monotonic()
    with pytest.raises(ParseTimeout) as caught:
        parse_document(data, "plan.pdf", limits=Limits(max_seconds=0.2), resolve=False)
    assert time.monotonic() - started < 2
    assert "thời gian" in caught.value.message


def test_page_limit_reads_the_first_pages_and_says_so():
    plan = parse_document(
        sample("vi-xuyen-2021-plan.pdf"), "plan.pdf", limits=Limits(max_pages=12), resolve=False
    )
    assert plan.pages == 12
    assert any("chỉ đọc 12 trang đầu" in warning for warning in plan.warnings)
    assert 0 < len(plan.tasks) < 41


def test_file_size_limit():
    with pytest.raises(DocumentImportError) as caught:
        parse_document(b"x" * 2048, "plan.md", limits=Limits(max_bytes=1024))
    assert caught.value.code == "too_large"
