"""Importing index results from .xlsx/.csv: the template, every kind of bad row, nothing partial saved,
the command, the page and the API."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from rest_framework.test import APIClient

from chiso.core.actors import SYSTEM_USERNAME
from chiso.core.models import AuditEntry
from chiso.scores.imports import COLUMNS, import_scores
from chiso.scores.models import Score, ScoreSet
from chiso.units.models import Role
from tests.conftest import make_user

HEADER = [spec.title for spec in COLUMNS]


def xlsx(rows: list[list], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], header: list[str] = HEADER, delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def row(unit="08", framework="PAPI", year=2025, criterion="", value="", **extra) -> list:
    cells = {"unit_code": unit, "framework": framework, "year": year, "criterion": criterion, "value": value}
    cells.update(extra)
    return [cells.get(spec.key, "") for spec in COLUMNS]


def scores_of(ref: str, year: int, source: str = "official") -> dict:
    score_set = ScoreSet.objects.get(unit__ref=ref, year=year, source=source)
    return {
        (s.criterion.code if s.criterion else None): s for s in score_set.scores.select_related("criterion")
    }


# --- valid files ----------------------------------------------------------------------------


def test_valid_xlsx_saves_exactly_the_values(coordinator):
    data = xlsx(
        [
            row(value=42.5, rank=30, ranked=63, group="low_average", publication="Báo cáo PAPI 2023"),
            row(criterion="1", value="5,1234", group="Nhóm đạt điểm cao nhất"),
            row(criterion="1.1", value=1.25, ci_low="1,1", ci_high="1,4", note="số liệu gốc"),
            row(unit="02", value="40.0417", rank=45, ranked=63),
            row(unit="02", criterion="2"),  # nothing but the identity: skipped
        ]
    )
    result = import_scores(data, "ket-qua.xlsx", coordinator)
    assert result.ok, result.errors
    summary = result.summary
    assert (summary.rows, summary.skipped, summary.sets_created, summary.scores_created) == (4, 1, 2, 4)

    tuyen_quang = ScoreSet.objects.get(unit__ref="vn:province:08", year=2025)  # the unit at the year's end
    assert tuyen_quang.version.code == "2021" and tuyen_quang.source == "official"
    assert tuyen_quang.is_public and tuyen_quang.created_by == coordinator
    assert tuyen_quang.publication == "Báo cáo PAPI 2023"
    values = scores_of("vn:province:08", 2025)
    assert values[None].value == Decimal("42.5") and (values[None].rank, values[None].ranked) == (30, 63)
    assert values[None].group == "low_average"
    assert values["1"].value == Decimal("5.1234") and values["1"].group == "best"
    assert (values["1.1"].ci_low, values["1.1"].ci_high, values["1.1"].note) == (
        Decimal("1.1"),
        Decimal("1.4"),
        "số liệu gốc",
    )
    # Hà Giang existed until 30/6/2025: valid in 2025
    assert scores_of("vn-pre2025:province:02", 2025)[None].value == Decimal("40.0417")
    audited = AuditEntry.objects.filter(actor=coordinator, content_type__model__in=["score", "scoreset"])
    assert audited.count() == 6


def test_valid_csv_with_semicolons_decimal_commas_names_and_any_column_order(coordinator):
    header = ["Năm", "Điểm", "Tỉnh", "Bộ chỉ số", "Mã tiêu chí", "Nguồn"]
    data = csv_bytes(
        [
            ["2024", "43,7", "Tuyên Quang", "par index", "", "Tự đánh giá"],
            ["2024", "6,25", "Tỉnh Hà Giang", "PAPI", "D3", "self_assessment"],
        ],
        header=header,
        delimiter=";",
    )
    result = import_scores(data, "ket-qua.csv", coordinator)
    assert result.ok, result.errors
    par = ScoreSet.objects.get(
        unit__ref="vn-pre2025:province:08", year=2024, version__framework__code="PAR-INDEX"
    )
    assert par.version.framework.code == "PAR-INDEX" and par.source == "self_assessment"
    assert not par.is_public
    assert par.scores.get().value == Decimal("43.7")
    assert scores_of("vn-pre2025:province:02", 2024, "self_assessment")["3"].value == Decimal("6.25")


# --- bad rows -------------------------------------------------------------------------------


def test_each_kind_of_bad_row_is_rejected_with_its_reason_and_nothing_is_saved(coordinator):
    rows = [
        row(value=42),  # 2: valid
        row(unit="99999", value=40),  # 3
        row(unit="030", year=2026, value=5),  # 4: Huyện Vị Xuyên, abolished in 2025
        row(unit="", unit_name="Xã Vị Xuyên", year=2020, value=5),  # 5: a commune formed in 2025
        row(criterion="5.2", value=1),  # 6: dropped from PAPI in 2021
        row(criterion="1", value="10,5"),  # 7
        row(value=81),  # 8: the total is at most 8 × 10
        row(value=43),  # 9: duplicate of row 2
        row(criterion="2", value="khá"),  # 10
        row(year=2017, value=40),  # 11: before the first PAPI structure loaded
        row(unit="04", value=40),  # 12: Cao Bằng, outside Tuyên Quang's scope
        row(unit="02", value=40, rank=70, ranked=63),  # 13
        row(unit="02", criterion="1.1", value=-1),  # 14
    ]
    before = (ScoreSet.objects.count(), Score.objects.count())
    result = import_scores(xlsx(rows), "sai.xlsx", coordinator)
    by_row = {e.row: e.message for e in result.errors}
    assert sorted(by_row) == list(range(3, 15))
    assert by_row[3] == "Không tìm thấy đơn vị mã “99999”."
    assert by_row[4] == (
        "Đơn vị “Huyện Vị Xuyên” (mã 030) không có hiệu lực trong năm 2026 (hiệu lực đến 30/06/2025)."
    )
    assert by_row[5] == (
        "Đơn vị “Xã Vị Xuyên” (mã 00913) không có hiệu lực trong năm 2020 (hiệu lực từ 01/07/2025)."
    )
    assert by_row[6].startswith("Tiêu chí “5.2” không có trong") and "năm 2025" in by_row[6]
    assert by_row[7] == "Điểm 10,5 nằm ngoài khoảng 0–10 của tiêu chí 1."
    assert by_row[8] == "Điểm 81 nằm ngoài khoảng 0–80 của điểm tổng PAPI."
    assert by_row[9] == "Trùng với dòng 2 (cùng đơn vị, bộ chỉ số, năm, nguồn và tiêu chí)."
    assert by_row[10] == "Điểm “khá”: Vui lòng nhập một số, ví dụ 2,5 hoặc 2.5."
    assert by_row[11] == "Bộ chỉ số PAPI không có phiên bản áp dụng cho năm 2017."
    assert by_row[12] == "Bạn không có quyền nhập kết quả chỉ số cho đơn vị “Tỉnh Cao Bằng”."
    assert by_row[13] == "Thứ hạng 70 lớn hơn số đơn vị được xếp hạng 63."
    assert by_row[14] == "Điểm -1 âm: điểm của tiêu chí 1.1 không được âm."
    assert (ScoreSet.objects.count(), Score.objects.count()) == before


def test_the_published_reference_value_is_unchanged_a_different_one_refused(coordinator):
    same = import_scores(xlsx([row(year=2023, value="41,4939", rank=41, ranked=61)]), "a.xlsx", coordinator)
    assert same.ok and same.summary.scores_unchanged == 1 and same.summary.scores_created == 0
    different = import_scores(xlsx([row(year=2023, value=44)]), "a.xlsx", coordinator)
    assert [(e.row, e.message) for e in different.errors] == [
        (
            2,
            "Đã có kết quả khác trong hệ thống (Điểm 41,4939); đánh dấu “Thay thế kết quả đã có” "
            "nếu muốn ghi đè.",
        )
    ]
    assert scores_of("vn-pre2025:province:08", 2023)[None].value == Decimal("41.4939")


def test_codes_mean_the_unit_of_that_year(superuser):
    """00913 is Thị trấn Vị Xuyên until 30/6/2025 and Xã Vị Xuyên after; in 2025 the unit at year end."""
    data = xlsx([row(unit="00913", year=2020, value=50), row(unit="00913", year=2025, value=51)])
    assert import_scores(data, "x.xlsx", superuser).ok
    names = dict(ScoreSet.objects.filter(created_by=superuser).values_list("year", "unit__name"))
    assert names == {2020: "Thị trấn Vị Xuyên", 2025: "Xã Vị Xuyên"}


def test_missing_columns_and_unreadable_files_are_refused(coordinator):
    result = import_scores(csv_bytes([["08", "2023"]], header=["Mã đơn vị", "Năm"]), "a.csv", coordinator)
    assert [(e.row, e.message) for e in result.errors] == [
        (1, "Thiếu cột: Bộ chỉ số (framework); Điểm (value).")
    ]
    assert import_scores(b"PK\x03\x04broken", "a.xlsx", coordinator).errors[0].row is None


def test_a_different_stored_value_is_not_overwritten_without_replace(coordinator):
    assert import_scores(xlsx([row(value=42), row(criterion="1", value=5)]), "a.xlsx", coordinator).ok
    again = xlsx([row(value=42, rank=30), row(criterion="1", value="5,5")])
    refused = import_scores(again, "b.xlsx", coordinator)
    assert [e.row for e in refused.errors] == [3]
    assert "Điểm 5" in refused.errors[0].message and "Thay thế kết quả đã có" in refused.errors[0].message
    assert scores_of("vn:province:08", 2025)[None].rank is None  # row 2 (rank added) not saved either

    replaced = import_scores(again, "b.xlsx", coordinator, replace=True)
    assert replaced.ok and replaced.summary.scores_updated == 2
    values = scores_of("vn:province:08", 2025)
    assert values["1"].value == Decimal("5.5") and values[None].rank == 30
    change = AuditEntry.objects.filter(action="update", object_id=str(values["1"].pk)).get()
    assert change.changes["value"] == ["5.0000", "5.5"] and change.actor == coordinator


# --- command --------------------------------------------------------------------------------


def test_command_exit_codes_stderr_and_summary(db, tmp_path, capsys):
    before = ScoreSet.objects.count()
    bad = tmp_path / "sai.csv"
    bad.write_bytes(csv_bytes([row(value=42), row(unit="99999", value=40), row(criterion="1", value=11)]))
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_scores", str(bad))
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.splitlines() == [
        "Dòng 3: Không tìm thấy đơn vị mã “99999”.",
        "Dòng 4: Điểm 11 nằm ngoài khoảng 0–10 của tiêu chí 1.",
    ]
    assert ScoreSet.objects.count() == before

    good = tmp_path / "dung.csv"
    good.write_bytes(csv_bytes([row(value=42), row(unit="04", value=40)]))
    call_command("import_scores", str(good))
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("Đã nhập 2 dòng: 2 điểm mới")
    assert ScoreSet.objects.filter(created_by__username=SYSTEM_USERNAME).count() == 2


def test_command_template_round_trip(db, tmp_path, capsys):
    out = tmp_path / "mau.xlsx"
    call_command("import_scores", template=str(out), framework="PAPI", year=2025, unit=["08"])
    sheet = load_workbook(out).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert len(rows) == 1 + 1 + 8 + 28  # header, total, 8 dimensions, 28 sub-dimensions (2021 version)
    assert rows[1][:2] == ("08", "Tỉnh Tuyên Quang") and rows[2][5] == "1"
    book = load_workbook(out)
    book.worksheets[0].cell(row=2, column=HEADER.index("Điểm (value)") + 1, value=44.1)
    book.worksheets[0].cell(row=3, column=HEADER.index("Điểm (value)") + 1, value=5)
    book.save(out)
    capsys.readouterr()
    call_command("import_scores", str(out))
    summary = capsys.readouterr().out
    assert "Đã nhập 2 dòng" in summary and "35 dòng bỏ trống điểm" in summary
    assert {k: s.value for k, s in scores_of("vn:province:08", 2025).items()} == {
        None: Decimal("44.1"),
        "1": Decimal("5"),
    }


# --- page and API ---------------------------------------------------------------------------


def test_page_shows_rejected_rows_or_summary(client, coordinator, officer):
    client.force_login(officer)
    assert client.get(reverse("score-import")).status_code == 403
    client.force_login(coordinator)
    page = client.get(reverse("score-import"))
    assert page.status_code == 200 and "Tệp mẫu" in page.content.decode()
    template = client.get(reverse("score-import-xlsx"), {"framework": "PAPI", "year": "2023"})
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    assert len(list(load_workbook(io.BytesIO(template.content)).worksheets[0].iter_rows())) == 1 + 37
    assert (
        client.get(reverse("score-import-csv"))
        .content.decode("utf-8-sig")
        .startswith("Mã đơn vị (unit_code)")
    )

    before = ScoreSet.objects.count()
    bad = SimpleUploadedFile("sai.xlsx", xlsx([row(value=42), row(unit="99999", value=1)]))
    response = client.post(reverse("score-import"), {"file": bad})
    text = response.content.decode()
    assert response.status_code == 400 and "Không tìm thấy đơn vị mã “99999”." in text
    assert ScoreSet.objects.count() == before
    good = SimpleUploadedFile("dung.xlsx", xlsx([row(value=42)]))
    response = client.post(reverse("score-import"), {"file": good})
    assert response.status_code == 200 and "Đã nhập 1 dòng" in response.content.decode()


def test_api_201_400_and_permissions(coordinator, outsider):
    api = APIClient()
    url = "/api/scores/import/"
    assert api.post(url, {"file": SimpleUploadedFile("a.csv", csv_bytes([row(value=1)]))}).status_code in (
        401,
        403,
    )
    api.force_authenticate(outsider)
    response = api.post(url, {"file": SimpleUploadedFile("a.csv", csv_bytes([row(unit="04", value=1)]))})
    assert response.status_code == 403
    assert response.json() == {"detail": "Bạn không có quyền nhập kết quả chỉ số."}

    api.force_authenticate(coordinator)
    bad = SimpleUploadedFile("a.csv", csv_bytes([row(value=42), row(unit="04", value=1)]))
    response = api.post(url, {"file": bad}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 3, "message": "Bạn không có quyền nhập kết quả chỉ số cho đơn vị “Tỉnh Cao Bằng”."}
    ]
    good = SimpleUploadedFile("a.csv", csv_bytes([row(value=42), row(criterion="1", value="5,5")]))
    response = api.post(url, {"file": good}, format="multipart")
    assert response.status_code == 201
    assert response.json()["scores_created"] == 2 and response.json()["sets_created"] == 1
    assert scores_of("vn:province:08", 2025)["1"].value == Decimal("5.5")


def test_a_coordinator_of_a_commune_imports_only_for_it(commune):
    user = make_user("xa-dieu-phoi", commune, Role.COORDINATOR)
    data = xlsx([row(unit=commune.code, year=2025, value=40), row(value=40)])
    result = import_scores(data, "a.xlsx", user)
    assert [e.row for e in result.errors] == [3]
