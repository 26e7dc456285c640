"""The unit report's life: draft, submit, return (whole or single tasks, always with a reason),
resubmit, approve — and every kind of bad input refused with a Vietnamese message, nothing lost."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.reporting import services
from chiso.reporting.models import Evidence, ReportState, TaskStatus
from chiso.reporting.uploads import check_upload
from tests.test_reporting_world import all_done, at, build_world, fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def office_zip(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if kind == "docx":
            archive.writestr(
                "[Content_Types].xml",
                '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
            )
            archive.writestr("word/document.xml", "<w:document/>")
        elif kind == "xlsx":
            archive.writestr(
                "[Content_Types].xml",
                '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
            )
            archive.writestr("xl/workbook.xml", "<workbook/>")
        else:
            archive.writestr("readme.txt", "just a zip")
    return buffer.getvalue()


@pytest.fixture
def draft(world):
    unit = world.unit("Xã Một")
    return services.open_report(world.officer("Xã Một"), world.rounds[0], unit, now=at("20/05/2022"))


def messages(exc) -> str:
    return " ".join(exc.value.messages)


# --- uploads ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bien-ban.pdf", PDF),
        ("anh.png", PNG),
        ("anh.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20),
        ("bc.docx", office_zip("docx")),
        ("so-lieu.xlsx", office_zip("xlsx")),
        ("cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50),
    ],
)
def test_accepted_files(name, content):
    checked = check_upload(name, content)
    assert checked.size == len(content) and len(checked.sha256) == 64


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("gia.pdf", PNG, "nội dung tệp “gia.pdf” không phải là PDF"),
        ("gia.docx", office_zip("xlsx"), "không phải là Word (.docx)"),
        ("gia.xlsx", office_zip("zip"), "không phải là Excel (.xlsx)"),
        ("gia.png", PDF, "không phải là PNG"),
        ("hong.docx", b"PK\x03\x04 broken", "bị hỏng hoặc không an toàn"),
        ("virus.exe", b"MZ\x90\x00", "không thuộc loại được phép"),
        ("ghi-chu.txt", b"hello", "không thuộc loại được phép"),
        ("rong.pdf", b"", "rỗng"),
    ],
)
def test_refused_files(name, content, expected):
    with pytest.raises(ValidationError) as exc:
        check_upload(name, content)
    assert expected in messages(exc)


def test_too_large_upload_is_refused_and_nothing_is_stored(world, draft, settings):
    settings.CHISO_MAX_UPLOAD_MB = 1
    progress = draft.progress.first()
    big = SimpleUploadedFile("lon.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError) as exc:
        services.add_evidence(world.officer("Xã Một"), progress, {"kind": "file"}, big, now=at("20/05/2022"))
    assert (
        exc.value.message_dict["file"][0] == "Tệp: tệp “lon.pdf” dung lượng 1,1 MB, vượt quá giới hạn 1 MB."
    )
    assert not Evidence.objects.exists()


def test_evidence_file_document_and_link(world, draft, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    officer = world.officer("Xã Một")
    progress = draft.progress.first()
    evidence = services.add_evidence(
        officer,
        progress,
        {"kind": "file"},
        SimpleUploadedFile("../../bien ban.pdf", PDF),
        now=at("20/05/2022"),
    )
    assert (evidence.file_name, evidence.file_type, evidence.file_size) == ("bien ban.pdf", "pdf", len(PDF))
    assert (tmp_path / evidence.file.name).read_bytes() == PDF
    doc = services.add_evidence(
        officer,
        progress,
        {
            "kind": "document",
            "doc_number": "15/QĐ-UBND",
            "doc_date": "12/3/2022",
            "doc_issuer": "UBND xã Một",
        },
        now=at("20/05/2022"),
    )
    assert doc.doc_date == dt.date(2022, 3, 12)
    with pytest.raises(ValidationError) as exc:
        services.add_evidence(
            officer, progress, {"kind": "document", "doc_number": "", "doc_date": "30/2/2022"}
        )
    errors = exc.value.message_dict
    assert errors["doc_number"] == ["Số, ký hiệu văn bản: không được để trống."]
    assert errors["doc_date"] == ["Ngày văn bản: ngày “30/2/2022” không tồn tại."]
    with pytest.raises(ValidationError) as exc:
        services.add_evidence(officer, progress, {"kind": "link", "url": "javascript:alert(1)"})
    assert "không phải là địa chỉ http(s) hợp lệ" in exc.value.message_dict["url"][0]
    services.add_evidence(
        officer,
        progress,
        {"kind": "link", "url": "https://vixuyen.hagiang.gov.vn/tin/1"},
        now=at("20/05/2022"),
    )
    assert progress.evidence.count() == 3


# --- values, versions, read-only -------------------------------------------------------------


def test_value_that_is_not_a_number_is_refused_and_nothing_is_saved(world, draft):
    officer = world.officer("Xã Một")
    t11, t12 = world.tasks["1.1"].pk, world.tasks["1.2"].pk
    with pytest.raises(ValidationError) as exc:
        services.save_report(
            officer,
            draft,
            {
                "version": draft.version,
                "results": "Kết quả mới",
                "tasks": {
                    t11: {"status": "done", "achieved_value": "chín mươi lăm", "work_done": "x"},
                    t12: {"status": "done", "achieved_value": "3"},
                },
            },
            now=at("20/05/2022"),
        )
    assert exc.value.message_dict[f"task-{t11}-achieved_value"] == [
        "Nhiệm vụ 1.1 — Kết quả đạt được (số): “chín mươi lăm” không phải là số (ví dụ 95 hoặc 95,5)."
    ]
    draft.refresh_from_db()
    assert draft.results == "" and draft.version == 1
    assert set(draft.progress.values_list("status", flat=True)) == {TaskStatus.NOT_STARTED}


def test_vietnamese_numbers(world, draft):
    officer = world.officer("Xã Một")
    t11, t12 = world.tasks["1.1"].pk, world.tasks["1.2"].pk
    report = services.save_report(
        officer,
        draft,
        {"version": 1, "tasks": {t11: {"achieved_value": "95,5 %"}, t12: {"achieved_value": "1.200"}}},
        now=at("20/05/2022"),
    )
    values = dict(report.progress.values_list("task_id", "achieved_value"))
    assert (values[t11], values[t12]) == (Decimal("95.5"), Decimal("1200"))


def test_two_officers_do_not_overwrite_each_other(world):
    unit = world.unit("Phòng Một")
    first, second = world.officer("Phòng Một"), world.extra_officer
    report = services.open_report(first, world.rounds[0], unit, now=at("20/05/2022"))
    stale_copy = type(report).objects.get(pk=report.pk)
    services.save_report(
        first, report, {"version": 1, "results": "Bản của cán bộ thứ nhất"}, now=at("20/05/2022")
    )
    with pytest.raises(ValidationError) as exc:
        services.save_report(
            second, stale_copy, {"version": 1, "results": "Bản của cán bộ thứ hai"}, now=at("20/05/2022")
        )
    assert "đã được người khác lưu" in exc.value.message_dict["version"][0]
    report.refresh_from_db()
    assert report.results == "Bản của cán bộ thứ nhất" and report.version == 2


def test_submitted_report_is_read_only(world, draft):
    officer = world.officer("Xã Một")
    report = fill(world, draft, all_done(), at("20/05/2022"))
    report = services.submit_report(officer, report, report.version, now=at("01/06/2022"))
    with pytest.raises(ValidationError) as exc:
        services.save_report(
            officer, report, {"version": report.version, "results": "Sửa sau khi gửi"}, now=at("02/06/2022")
        )
    assert "Báo cáo đã gửi ngày 01/06/2022 nên không sửa được" in messages(exc)
    with pytest.raises(ValidationError):
        services.add_evidence(
            officer, report.progress.first(), {"kind": "link", "url": "https://a.vn"}, now=at("02/06/2022")
        )
    report.refresh_from_db()
    assert report.results == "Đã triển khai kế hoạch." and report.state == ReportState.SUBMITTED


def test_submission_after_the_round_is_closed_is_refused_and_the_draft_kept(world, draft):
    officer = world.officer("Xã Một")
    report = fill(world, draft, all_done(), at("20/05/2022"))
    with pytest.raises(ValidationError) as exc:
        services.submit_report(officer, report, report.version, now=at("11/06/2022"))
    assert "đã khóa sổ ngày 10/06/2022" in messages(exc)
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT and report.results == "Đã triển khai kế hoạch."
    assert report.progress.filter(status=TaskStatus.DONE).count() == 16
    # An extension reopens it for this unit only.
    services.grant_extension(
        world.coordinator,
        world.rounds[0],
        world.unit("Xã Một"),
        "14/06/2022",
        "Mất điện",
        now=at("11/06/2022"),
    )
    services.submit_report(officer, report, report.version, now=at("13/06/2022"))


def test_entry_before_the_window_opens_is_refused(world, draft):
    with pytest.raises(ValidationError) as exc:
        services.save_report(
            world.officer("Xã Một"), draft, {"version": 1, "results": "x"}, now=at("01/05/2022")
        )
    assert "mở nhập từ ngày 16/05/2022" in messages(exc)


def test_submission_needs_values_and_work_done(world, draft):
    officer = world.officer("Xã Một")
    t11 = world.tasks["1.1"].pk
    report = services.save_report(
        officer,
        draft,
        {"version": 1, "results": "Có", "tasks": {t11: {"status": "done"}}},
        now=at("20/05/2022"),
    )
    with pytest.raises(ValidationError) as exc:
        services.submit_report(officer, report, report.version, now=at("20/05/2022"))
    errors = exc.value.message_dict
    assert errors[f"task-{t11}-achieved_value"] == [
        "Nhiệm vụ 1.1 — Kết quả đạt được: cần nhập số liệu (chỉ tiêu: hồ sơ giải quyết đúng hạn ≥ 95 %)."
    ]
    assert errors[f"task-{t11}-work_done"] == [
        "Nhiệm vụ 1.1 — Nội dung đã thực hiện: cần nêu nội dung đã hoàn thành."
    ]
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT


def test_return_single_task_then_only_that_task_is_editable(world, draft):
    officer = world.officer("Xã Một")
    report = fill(world, draft, all_done(), at("20/05/2022"))
    report = services.submit_report(officer, report, report.version, now=at("01/06/2022"))
    t11, t12 = world.tasks["1.1"].pk, world.tasks["1.2"].pk
    with pytest.raises(ValidationError) as exc:
        services.return_report(world.coordinator, report, "   ", [t11])
    assert exc.value.message_dict["reason"] == ["Lý do trả lại: không được để trống."]
    with pytest.raises(PermissionDenied):
        services.return_report(officer, report, "Tự trả lại", [t11])
    report = services.return_report(
        world.coordinator, report, "Số liệu 1.1 chưa khớp", [t11], now=at("02/06/2022")
    )
    assert report.state == ReportState.RETURNED and not report.returned_whole
    with pytest.raises(ValidationError) as exc:
        services.save_report(
            officer,
            report,
            {"version": report.version, "results": "Khác", "tasks": {t12: {"achieved_value": "5"}}},
            now=at("03/06/2022"),
        )
    errors = exc.value.message_dict
    assert "chỉ bị trả lại một số nhiệm vụ" in errors["results"][0]
    assert errors[f"task-{t12}-status"] == ["Nhiệm vụ 1.2: nhiệm vụ này không bị trả lại nên không sửa được."]
    report = services.save_report(
        officer,
        report,
        {"version": report.version, "tasks": {t11: {"achieved_value": "99"}}},
        now=at("03/06/2022"),
    )
    # A returned report can be corrected and sent again even after the lock date.
    report = services.submit_report(officer, report, report.version, now=at("15/06/2022"))
    report = services.approve_report(world.coordinator, report, now=at("16/06/2022"))
    assert report.state == ReportState.APPROVED
    assert report.progress.get(task_id=t11).achieved_value == Decimal("99")
    # Officers of the unit were told about the return and the approval.
    titles = list(officer.notifications.values_list("title", flat=True))
    assert any(t.startswith("Báo cáo bị trả lại") for t in titles)
    assert any(t.startswith("Báo cáo đã được duyệt") for t in titles)


def test_officer_of_another_unit_cannot_write(world, draft):
    with pytest.raises(PermissionDenied):
        services.save_report(
            world.officer("Xã Hai"), draft, {"version": 1, "results": "x"}, now=at("20/05/2022")
        )


def test_unit_not_assigned_cannot_open_a_report(world):
    with pytest.raises(ValidationError) as exc:
        services.open_report(None, world.rounds[1], world.unit("Xã Tám"))
    assert "không phải báo cáo trong kỳ" in messages(exc)
