"""A province loads its own criteria set from a spreadsheet into a new version of its custom framework:
a valid file, each kind of bad row, nothing partial saved, the page and the API."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from rest_framework.test import APIClient

from chiso.core.models import AuditEntry
from chiso.frameworks import services
from chiso.frameworks.catalog import tree_order
from chiso.frameworks.criteria_upload import COLUMNS, upload_criteria
from chiso.frameworks.models import Criterion, Framework, FrameworkVersion

HEADER = ["Mã (code)", "Mã tiêu chí cha (parent_code)", "Tên tiêu chí (name)", "Điểm tối đa (max_points)"]
VALID = [
    ["1", "", "Công tác chỉ đạo, điều hành", "10"],
    ["1.1", "1", "Ban hành kế hoạch CCHC năm", "4"],
    ["1.1.1", "1.1", "Ban hành đúng thời hạn", "2,5"],
    ["1.2", "1", "Tuyên truyền CCHC", 6],
    ["2", "", "Thủ tục hành chính", "15"],
    ["2.1", "2", "Tỷ lệ hồ sơ đúng hạn", ""],
]


def xlsx(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["BỘ TIÊU CHÍ ĐÁNH GIÁ CCHC CÁC SỞ, NGÀNH"])  # a title above the header
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def framework(coordinator, tuyen_quang):
    return services.create_framework(
        coordinator, Framework(owner=tuyen_quang, short_name="CCHC sở", name_vi="Chỉ số CCHC các sở, ngành")
    )


def new_version(framework, code="2026") -> FrameworkVersion:
    return FrameworkVersion(framework=framework, code=code, name=f"Bộ tiêu chí {code}", year_from=2026)


def test_valid_file_creates_the_version_and_tree(coordinator, framework):
    result = upload_criteria(coordinator, new_version(framework), xlsx(VALID), "tieu-chi.xlsx")
    assert result.ok, result.errors
    assert result.count == 6
    version = FrameworkVersion.objects.get(framework=framework, code="2026")
    tree = tree_order(list(Criterion.objects.filter(version=version)))
    assert [(c.code, c.depth, c.level, c.max_points) for c in tree] == [
        ("1", 0, "dimension", Decimal("10")),
        ("1.1", 1, "subdimension", Decimal("4")),
        ("1.1.1", 2, "indicator", Decimal("2.5")),
        ("1.2", 1, "subdimension", Decimal("6")),
        ("2", 0, "dimension", Decimal("15")),
        ("2.1", 1, "subdimension", None),
    ]
    assert Criterion.objects.get(version=version, code="1.1.1").parent.code == "1.1"
    audited = AuditEntry.objects.filter(
        actor=coordinator, content_type__model__in=["criterion", "frameworkversion"]
    )
    assert audited.count() == 7


def test_csv_with_columns_in_another_order(coordinator, framework):
    data = "Tên;Điểm tối đa;Mã;Mã cha\nLĩnh vực A;10;A;\nTiêu chí A1;4,5;A1;A\n".encode()
    result = upload_criteria(coordinator, new_version(framework), data, "tieu-chi.csv")
    assert result.ok, result.errors
    assert Criterion.objects.get(version=result.version, code="A1").max_points == Decimal("4.5")


def test_each_kind_of_bad_row_is_rejected_and_nothing_saved(coordinator, framework):
    rows = [
        ["1", "", "Chỉ đạo, điều hành", "10"],  # 3: children 1.1 + 1.2 = 12 > 10
        ["1.1", "1", "Kế hoạch", "7"],  # 4
        ["1.2", "1", "Tuyên truyền", "5"],  # 5
        ["1.1", "1", "Kế hoạch (lặp)", "1"],  # 6: duplicate code
        ["3.1", "3", "Thiếu cha", "1"],  # 7: parent 3 is nowhere
        ["4", "5", "Vòng lặp A", "1"],  # 8: 4 → 5 → 4
        ["5", "4", "Vòng lặp B", "1"],  # 9
        ["6", "", "", "2"],  # 10: no name
        ["7", "", "Điểm chữ", "mười"],  # 11
        ["8", "", "Điểm âm", "-1"],  # 12
        ["1.1.1", "1.1", "Chỉ tiêu", "1"],  # valid
        ["1.1.1.1", "1.1.1", "Cấp thứ tư", "1"],  # 14: too deep
    ]
    before = (FrameworkVersion.objects.count(), Criterion.objects.count())
    result = upload_criteria(coordinator, new_version(framework), xlsx(rows), "sai.xlsx")
    by_row = {e.row: e.message for e in result.errors}
    assert by_row == {
        3: "Tổng điểm tối đa của các tiêu chí con (dòng 4, 5) là 12, lớn hơn 10 của tiêu chí này.",
        6: "Mã “1.1” trùng với dòng 4.",
        7: "Không có tiêu chí mã “3” (tiêu chí cha) trong tệp.",
        8: "Mã tiêu chí cha tạo thành vòng lặp: 4 → 5 → 4.",
        9: "Mã tiêu chí cha tạo thành vòng lặp: 5 → 4 → 5.",
        10: "Tên tiêu chí: Vui lòng nhập trường này.",
        11: "Điểm tối đa “mười”: Vui lòng nhập một số, ví dụ 2,5 hoặc 2.5.",
        12: "Điểm tối đa “-1”: Không được nhỏ hơn 0.",
        14: "Quá ba cấp: chỉ số nội dung → nội dung thành phần → chỉ tiêu (mã cha “1.1.1”).",
    }
    assert (FrameworkVersion.objects.count(), Criterion.objects.count()) == before


def test_a_self_parent_is_a_loop_and_missing_columns_are_named(coordinator, framework):
    result = upload_criteria(coordinator, new_version(framework), xlsx([["1", "1", "Tự trỏ", "1"]]), "a.xlsx")
    assert [(e.row, e.message) for e in result.errors] == [(3, "Mã tiêu chí cha tạo thành vòng lặp: 1 → 1.")]
    result = upload_criteria(coordinator, new_version(framework), xlsx([["1"]], header=["Mã"]), "a.xlsx")
    assert [(e.row, e.message) for e in result.errors] == [(2, "Thiếu cột: Tên tiêu chí (name).")]


def test_page_upload_template_and_permissions(client, coordinator, officer, outsider, framework):
    url = reverse("criteria-upload", args=[framework.pk])
    client.force_login(outsider)  # another province does not see the framework
    assert client.get(url).status_code == 404
    client.force_login(officer)  # a commune below reads the province's framework, cannot change it
    assert client.get(url).status_code == 403
    client.force_login(coordinator)
    assert client.get(url).status_code == 200
    template = load_workbook(io.BytesIO(client.get(reverse("criteria-template")).content))
    assert [c.value for c in template.worksheets[0][1]] == [spec.title for spec in COLUMNS]

    form = {"code": "2026", "name": "Bộ tiêu chí 2026", "year_from": "2026"}
    bad = SimpleUploadedFile("sai.xlsx", xlsx([["1", "9", "Thiếu cha", "1"]]))
    response = client.post(url, {**form, "file": bad})
    assert response.status_code == 400
    assert "Không có tiêu chí mã “9” (tiêu chí cha) trong tệp." in response.content.decode()
    assert not FrameworkVersion.objects.filter(framework=framework).exists()

    response = client.post(url, {**form, "file": SimpleUploadedFile("dung.xlsx", xlsx(VALID))})
    version = FrameworkVersion.objects.get(framework=framework, code="2026")
    assert response.status_code == 302 and response["Location"] == reverse(
        "version-detail", args=[version.pk]
    )
    assert version.criteria.count() == 6


def test_national_frameworks_are_refused(client, coordinator):
    papi = Framework.objects.get(code="PAPI")
    client.force_login(coordinator)
    assert client.get(reverse("criteria-upload", args=[papi.pk])).status_code == 403


def test_api_same_rules_and_messages(coordinator, outsider, framework):
    api = APIClient()
    url = "/api/criteria-uploads/"
    payload = {"framework": framework.pk, "code": "2026", "name": "Bộ tiêu chí 2026", "year_from": 2026}
    api.force_authenticate(outsider)
    response = api.post(
        url, {**payload, "file": SimpleUploadedFile("a.xlsx", xlsx(VALID))}, format="multipart"
    )
    assert response.status_code == 404

    api.force_authenticate(coordinator)
    bad = SimpleUploadedFile("a.xlsx", xlsx([["1", "", "A", "1"], ["1", "", "B", "1"]]))
    response = api.post(url, {**payload, "file": bad}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"row": 4, "message": "Mã “1” trùng với dòng 3."}]

    response = api.post(
        url, {**payload, "file": SimpleUploadedFile("a.xlsx", xlsx(VALID))}, format="multipart"
    )
    assert response.status_code == 201
    assert response.json()["criteria_count"] == 6 and response.json()["code"] == "2026"
    again = api.post(url, {**payload, "file": SimpleUploadedFile("a.xlsx", xlsx(VALID))}, format="multipart")
    assert again.status_code == 400 and "code" in again.json()["errors"]
