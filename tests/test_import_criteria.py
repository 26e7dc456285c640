"""Which index a title names, and which catalogue criterion a printed criterion means (pure:
the catalogue is a list argument)."""

import pytest

from chiso.documents.criteria import (
    CatalogEntry,
    detect_framework,
    detect_frameworks,
    match_criterion,
    normal_code,
)


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("NHIỆM VỤ CẢI THIỆN, NÂNG CAO CHỈ SỐ NỘI DUNG VÀ TIÊU CHÍ THÀNH PHẦN CHỈ SỐ PAPI", "PAPI"),
        ("Nâng cao hiệu quả quản trị và hành chính công xã Nguyễn Trãi năm 2024", "PAPI"),
        ("Phụ lục I: Nâng cao Chỉ số cải cách hành chính (PAR INDEX) năm 2023", "PAR_INDEX"),
        ("Kế hoạch nâng cao Chỉ số CCHC", "PAR_INDEX"),
        (
            "Nâng cao Chỉ số hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính (SIPAS)",
            "SIPAS",
        ),
        ("Nâng cao Chỉ số năng lực cạnh tranh cấp tỉnh (PCI) năm 2023", "PCI"),
        ("Đánh giá năng lực cạnh tranh cấp sở, ban, ngành và địa phương (DDCI)", "DDCI"),
        ("Phụ lục kèm theo", None),
        ("Nâng cao các chỉ số PAR INDEX, SIPAS, PAPI", None),  # several: the appendices tell
    ],
)
def test_detect_framework(title, kind):
    assert detect_framework(title) == kind


def test_detect_frameworks_in_order():
    assert detect_frameworks("Nâng cao các chỉ số PAR INDEX, SIPAS, PAPI năm 2023") == [
        "PAR_INDEX",
        "SIPAS",
        "PAPI",
    ]


def papi() -> list[CatalogEntry]:
    rows = [
        ("1", "Tham gia của người dân ở cấp cơ sở", None),
        ("1.1", "Tri thức công dân", "1"),
        ("1.2", "Cơ hội tham gia", "1"),
        ("2", "Công khai, minh bạch trong việc ra quyết định ở địa phương", None),
        ("2.1", "Tiếp cận thông tin", "2"),
        ("2.2", "Công khai danh sách hộ nghèo", "2"),
        ("4", "Kiểm soát tham nhũng trong khu vực công", None),
        ("4.2", "Kiểm soát tham nhũng trong cung ứng dịch vụ công", "4"),
        ("4.3", "Công bằng trong tuyển dụng nhân lực vào khu vực công", "4"),
        ("8", "Quản trị điện tử", None),
        ("8.1", "Sử dụng cổng thông tin điện tử của chính quyền địa phương", "8"),
        ("8.3", "Mức độ phản hồi của chính quyền qua kênh điện tử", "8"),
    ]
    return [
        CatalogEntry("PAPI", code, name, "dimension" if parent is None else "subdimension", parent, index)
        for index, (code, name, parent) in enumerate(rows, start=1)
    ]


def dimension(code, name):
    match = match_criterion(code, name, papi(), level="dimension")
    return match.entry if match else None


def test_dimensions_by_name_whatever_their_printed_number():
    assert dimension("3", "Công khai, minh bạch trong việc ra quyết định").code == "2"
    assert dimension("1", "Tham gia của người dân").code == "1"
    assert (
        dimension("2", "Việc thực hiện dân chủ trong hoạt động của cơ quan, đơn vị") is None
    )  # the plan's own
    assert dimension("8", None).code == "8"  # only a code printed


def test_subdimensions_within_their_dimension():
    d4 = dimension("4", "Kiểm soát tham nhũng trong khu vực công")
    education = match_criterion(
        "4.3",
        "Kiểm soát tham nhũng trong cung ứng dịch vụ công Giáo dục tiểu học",
        papi(),
        level="subdimension",
        parent=d4,
    )
    assert education.entry.code == "4.2"  # by name, against the printed code
    hiring = match_criterion(
        "4.4", "Công bằng trong tuyển dụng vào khu vực công", papi(), level="subdimension", parent=d4
    )
    assert hiring.entry.code == "4.3"
    assert (
        match_criterion("4.6", "Việc giải quyết TTHC ở các cấp", papi(), level="subdimension", parent=d4)
        is None
    )
    d8 = dimension("8", "Quản trị điện tử")
    reply = match_criterion(
        "8.3", "Phúc đáp của chính quyền qua cổng Thông tin điện tử", papi(), level="subdimension", parent=d8
    )
    assert reply.entry.code == "8.3"  # a close name and the same place in the dimension
    d2 = dimension("3", "Công khai, minh bạch trong việc ra quyết định")
    lettered = match_criterion("3.a", "Tiếp cận thông tin", papi(), level="subdimension", parent=d2)
    assert lettered.entry.code == "2.1"


@pytest.mark.parametrize(
    ("printed", "normal"), [("D1", "1"), ("1.a", "1.1"), ("II", "2"), ("4.5.", "4.5"), ("PAPI-1.1", "1.1")]
)
def test_normal_code(printed, normal):
    assert normal_code(printed) == normal
