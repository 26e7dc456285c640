"""The public page of a unit (no sign-in): issued plans and progress by dimension from approved
reports only — never drafts, files, narrative or personal data."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from chiso.plans import services as plan_services
from chiso.reporting import services
from chiso.reporting.publication import public_page
from tests.test_reporting_world import at, build_world, play_round_1, play_round_2

pytestmark = pytest.mark.django_db


@pytest.fixture
def played(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    play_round_1(world)
    play_round_2(world)
    return world


def test_public_page_of_the_issuer_and_of_a_commune(played):
    plan_services.create_plan(
        None, played.district, {"title": "Dự thảo kế hoạch bí mật", "year_from": 2023, "place": "X"}
    )
    page = public_page(played.district, dt.date(2023, 1, 10))
    assert [p.number_symbol for p in page.plans] == ["12/KH-UBND"]
    (shown,) = page.rounds
    assert (shown.scope, shown.round.number) == ("all", 2)
    # Round 2: each dimension has 18 pairs; Xã Sáu never sent (2 without data); Phòng Ba has 3.4 in progress.
    assert [(d.code, d.done, d.applicable) for d in shown.dimensions][:3] == [
        ("1", 16, 18),
        ("2", 16, 18),
        ("3", 15, 18),
    ]
    commune = public_page(played.unit("Xã Một"), dt.date(2023, 1, 10))
    assert commune.plans == []
    (own,) = commune.rounds
    assert own.scope == "own" and [(d.done, d.applicable) for d in own.dimensions] == [(2, 2)] * 8


def test_public_page_has_no_drafts_files_or_people(played):
    plan_services.create_plan(
        None, played.district, {"title": "Dự thảo kế hoạch bí mật", "year_from": 2023, "place": "X"}
    )
    rnd = played.rounds[1]
    report = services.open_report(played.officer("Xã Sáu"), rnd, played.unit("Xã Sáu"), now=at("20/11/2022"))
    services.add_evidence(
        played.officer("Xã Sáu"),
        report.progress.first(),
        {"kind": "file"},
        SimpleUploadedFile("ho-so-ca-nhan.pdf", b"%PDF-1.4"),
        now=at("20/11/2022"),
    )
    played.coordinator.first_name = "Nguyễn Văn Điều Phối"
    played.coordinator.save()
    html = Client().get(reverse("reporting-public-unit", args=[played.district.pk])).content.decode()
    assert "Kế hoạch số 12/KH-UBND" in html and "Chỉ số nội dung 1" in html
    for secret in (
        "Dự thảo kế hoạch bí mật",
        "ho-so-ca-nhan.pdf",
        "Nguyễn Văn Điều Phối",
        "ndv",
        "Hạn chế của",
        "Đề xuất của",
        "@example.org",
    ):
        assert secret not in html, secret
