"""Accent-insensitive search over the whole unit tree."""

import pytest
from django.urls import reverse

from chiso.core.text import fold, fold_words, nfc
from chiso.units.models import Unit


def test_fold_strips_marks_and_handles_d_with_stroke():
    assert fold("Phòng Nội vụ") == "phong noi vu"
    assert fold("ĐỐNG ĐA") == "dong da"
    assert fold("Hoà  Bình\n") == fold("Hòa Bình") == "hoa binh"
    assert fold_words("Phòng TN&MT, xã Đồng Văn") == ["phong", "tn", "mt", "xa", "dong", "van"]


def test_nfc_composes_decomposed_input():
    decomposed = "Tuye\u0302\u0300n Quang"  # e + circumflex + grave, as some keyboards type it
    assert nfc(decomposed) == "Tuyền Quang"
    assert fold(decomposed) == "tuyen quang"


@pytest.mark.django_db
def test_search_without_accents_finds_units_with_accents(tuyen_quang):
    from chiso.units.reference import create_bodies

    create_bodies(tuyen_quang, "province_2025")
    assert Unit.objects.search("so noi vu").filter(parent=tuyen_quang, name="Sở Nội vụ").exists()
    assert Unit.objects.search("dong da").filter(name="Phường Đống Đa").exists()
    assert Unit.objects.search("ĐỐNG ĐA").filter(name="Phường Đống Đa").exists()
    # Words in any order, and a code.
    assert Unit.objects.search("xuyen vi").filter(name="Xã Vị Xuyên").exists()
    assert Unit.objects.search("00004").filter(name="Phường Ba Đình").exists()
    # An abbreviation kept as an alias.
    district = Unit.objects.get(ref="vn-pre2025:district:030")
    create_bodies(district, "district_pre2025")
    assert (
        Unit.objects.search("TN&MT").filter(parent=district, name="Phòng Tài nguyên và Môi trường").exists()
    )


@pytest.mark.django_db
def test_phong_noi_vu_search_on_the_page(client, coordinator, tuyen_quang, vi_xuyen_old):
    from chiso.units.reference import create_bodies

    create_bodies(vi_xuyen_old, "district_pre2025")
    client.force_login(coordinator)
    response = client.get(reverse("unit-list"), {"q": "phong noi vu", "ended": "1"})
    assert response.status_code == 200
    assert ">Phòng Nội vụ</a>" in response.content.decode()
    # htmx asks for the results fragment only.
    fragment = client.get(
        reverse("unit-list"), {"q": "phong noi vu", "ended": "1"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in fragment.content.decode() and ">Phòng Nội vụ</a>" in fragment.content.decode()
    assert "HX-Request" in fragment["Vary"]
