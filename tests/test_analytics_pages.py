"""Index results pages, downloads and API: permissions, the derived label of a merged province,
and figures checked against the shipped reference file (data/indices/papi_provincial_scores_2018_2024.csv).

Hand-computed from that file (PAPI 2023, no population figures loaded, so the plain mean):
  Tuyên Quang (2025) = mean of Hà Giang 44.2479 and old Tuyên Quang 41.4939 = 42.8709;
  59 other provinces, 23 of them above 42.8709 → estimated rank 24/60; in 2022 it was
  (41.1470 + 43.1092) / 2 = 42.1281, 32 above → 33/60, so "tăng 9 bậc".
  Dimension 1: (5.2831 + 4.9680) / 2 = 5.12555 → 5.1256.
  Hà Giang's own 2023 total 44.2479, 10 provinces above it → 11/61.
"""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from chiso.frameworks.models import Framework
from chiso.scores.models import Score, ScoreSet, Source
from chiso.units.models import Role
from tests.conftest import make_user, unit

pytestmark = pytest.mark.django_db

PAPI = "?framework=PAPI&year=2023"


@pytest.fixture
def leader(tuyen_quang):
    return make_user("lanhdao", tuyen_quang, Role.LEADER, first_name="Phó Chủ tịch")


@pytest.fixture
def ha_giang(db):
    return unit("vn-pre2025:province:02")


def _page(client, unit_id, query=PAPI):
    return client.get(reverse("scores-unit", args=[unit_id]) + query)


def test_outsider_gets_404_on_pages_downloads_and_api(client, outsider, tuyen_quang):
    client.force_login(outsider)
    assert _page(client, tuyen_quang.pk).status_code == 404
    assert client.get(reverse("scores-unit-briefing", args=[tuyen_quang.pk]) + PAPI).status_code == 404
    assert client.get(reverse("scores-unit-tables", args=[tuyen_quang.pk, "all"]) + PAPI).status_code == 404
    api = client.get("/api/scores/results/", {"unit": tuyen_quang.pk, "framework": "PAPI", "year": 2023})
    assert api.status_code == 404


def test_anonymous_is_sent_to_sign_in(client, tuyen_quang):
    response = _page(client, tuyen_quang.pk)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/scores/results/", {"unit": tuyen_quang.pk}).status_code in (401, 403)


def test_merged_province_page_is_labelled_derived_with_predecessors_one_click_away(
    client, leader, tuyen_quang, ha_giang
):
    client.force_login(leader)
    response = _page(client, tuyen_quang.pk)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="derived-label"' in html and "Số liệu quy đổi từ các đơn vị cũ" in html
    assert "42,87" in html
    assert "Xếp thứ 24/60 (ước tính theo số liệu quy đổi), tăng 9 bậc so với năm 2022" in html
    link = reverse("scores-unit", args=[ha_giang.pk]) + "?framework=PAPI&amp;year=2023"
    assert link in html
    # One click: Hà Giang's own published series, without the derived label.
    own = client.get(reverse("scores-unit", args=[ha_giang.pk]), {"framework": "PAPI", "year": 2023})
    assert own.status_code == 200
    text = own.content.decode()
    assert "44,25" in text and "Xếp thứ 11/61" in text and 'data-testid="derived-label"' not in text


def test_page_lists_flags_in_vietnamese_and_the_charts_data(client, leader, tuyen_quang):
    client.force_login(leader)
    response = _page(client, tuyen_quang.pk)
    context = response.context
    dimension_1 = next(r for r in context["dimension_rows"] if r.code == "1")
    assert dimension_1.score == Decimal("5.1256")
    charts = context["charts"]
    assert charts["has_derived"] is True
    total = charts["trend"]["total"]
    assert total["years"][-1] == 2023 and total["derived"][-1] == pytest.approx(42.8709)
    assert all(value is None for value in total["unit"])  # never mixed with measured points
    html = response.content.decode()
    for label in ("Giảm điểm", "Tăng điểm", "Dưới trung bình cả nước"):
        assert label in html
    assert 'data-chart="trend"' in html and 'data-chart="radar"' in html


def test_year_and_framework_pickers_refuse_bad_input(client, leader, tuyen_quang):
    client.force_login(leader)
    assert _page(client, tuyen_quang.pk, "?framework=PAPI&year=abc").status_code == 404
    assert _page(client, tuyen_quang.pk, "?framework=NOPE").status_code == 404
    assert _page(client, tuyen_quang.pk, "?framework=PAPI&year=2031").status_code == 200


def test_tables_download_as_xlsx_with_the_figures(client, leader, tuyen_quang):
    client.force_login(leader)
    response = client.get(reverse("scores-unit-tables", args=[tuyen_quang.pk, "all"]) + PAPI)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Chỉ số nội dung", "Nội dung thành phần", "So sánh"]
    sheet = book["Chỉ số nội dung"]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any("Số liệu quy đổi từ các đơn vị cũ" in str(row[0]) for row in cells[:4])
    total_row = next(row for row in cells if row[1] == "Tổng điểm")
    assert Decimal(str(total_row[2])) == Decimal("42.8709") and total_row[4] == "24/60*" and total_row[5] == 9
    first = next(row for row in cells if row[0] == "1")
    assert Decimal(str(first[2])) == Decimal("5.1256")
    one = client.get(reverse("scores-unit-tables", args=[tuyen_quang.pk, "peers"]) + PAPI)
    assert load_workbook(io.BytesIO(one.content)).sheetnames == ["So sánh"]
    assert client.get(reverse("scores-unit-tables", args=[tuyen_quang.pk, "other"]) + PAPI).status_code == 404


def test_briefing_docx_carries_the_figures_the_derived_label_and_charts(client, leader, tuyen_quang):
    client.force_login(leader)
    response = client.get(reverse("scores-unit-briefing", args=[tuyen_quang.pk]) + PAPI)
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.docx"')
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "BÁO CÁO" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells
    assert "Số liệu quy đổi từ các đơn vị cũ" in text
    assert "Năm 2023, tỉnh Tuyên Quang đạt 42,87 điểm Chỉ số PAPI, xếp thứ 24/60" in text
    assert "tăng 9 bậc so với năm 2022" in text
    assert "Nơi nhận:" in cells and "5,13" in cells
    assert len(document.inline_shapes) == 2  # the trend and dimension charts


def test_api_results_match_the_page(client, leader, tuyen_quang):
    client.force_login(leader)
    data = client.get(
        "/api/scores/results/", {"unit": tuyen_quang.pk, "framework": "PAPI", "year": 2023}
    ).json()
    assert data["derived"] is True and data["derived_label"] == "số liệu quy đổi từ các đơn vị cũ"
    assert data["total"] == pytest.approx(42.8709) and (data["rank"], data["ranked"]) == (24, 60)
    assert data["previous"] == {"year": 2022, "total": pytest.approx(42.1281), "rank": 33}
    assert {c["code"] for c in data["components"]} == {"02", "08"}
    bad = client.get("/api/scores/results/", {"unit": "x"})
    assert bad.status_code == 400 and "unit" in bad.json()["errors"]


def test_api_score_sets_hide_unpublished_sets_outside_scope(client, leader, outsider, tuyen_quang):
    papi = Framework.objects.get(code="PAPI")
    version = papi.versions.order_by("-year_from").first()
    own = ScoreSet.objects.create(
        unit=tuyen_quang, version=version, year=2025, source=Source.SELF_ASSESSMENT, is_public=False
    )
    Score.objects.create(score_set=own, value=Decimal("40"))
    client.force_login(leader)
    mine = client.get("/api/scores/sets/", {"unit": tuyen_quang.pk, "source": "self_assessment"}).json()
    assert [s["id"] for s in mine["results"]] == [own.pk]
    client.force_login(outsider)
    theirs = client.get("/api/scores/sets/", {"unit": tuyen_quang.pk}).json()
    assert own.pk not in [s["id"] for s in theirs["results"]]
    assert {s["source"] for s in theirs["results"]} == {"derived"}  # published sets stay readable


def test_public_fragment_shows_published_results_only(client, tuyen_quang):
    response = client.get(reverse("scores-public-unit", args=[tuyen_quang.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Số liệu quy đổi từ các đơn vị cũ" in html and "Chỉ số PAPI năm 2024" in html
    # A unit whose only set is an unpublished self-assessment publishes nothing.
    commune = tuyen_quang.children.filter(kind="commune").order_by("code").first()
    version = Framework.objects.get(code="PAPI").versions.order_by("-year_from").first()
    draft = ScoreSet.objects.create(
        unit=commune, version=version, year=2024, source=Source.SELF_ASSESSMENT, is_public=False
    )
    Score.objects.create(score_set=draft, value=Decimal("40"))
    html = client.get(reverse("scores-public-unit", args=[commune.pk])).content.decode()
    assert "Chưa có kết quả chỉ số nào được công bố." in html


@pytest.fixture
def province_plan(db):
    from chiso.plans.demo import build_demo_province_plan
    from chiso.units.demo import build_demo_world

    world = build_demo_world()
    return build_demo_province_plan(), world


def test_plan_gaps_fragment_and_api(client, province_plan, outsider):
    plan, world = province_plan
    client.force_login(world["users"]["demo.tinh"])
    response = client.get(reverse("scores-plan-gaps", args=[plan.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and 'data-testid="gap-table"' in html
    assert "Số liệu quy đổi từ các đơn vị cũ" in html
    rows = [r for a in response.context["blocks"] for r in a["analysis"].rows]
    priorities = [r.priority for r in rows]
    assert priorities == sorted(priorities)  # weak criteria with few tasks first
    assert rows[0].reason
    api = client.get(f"/api/scores/plans/{plan.pk}/gaps/").json()
    assert api["plan"] == plan.number_symbol and api["derived"] is True
    detail = client.get(reverse("plan-detail", args=[plan.pk])).content.decode()
    assert reverse("scores-plan-gaps", args=[plan.pk]) in detail
    client.force_login(outsider)
    assert client.get(reverse("scores-plan-gaps", args=[plan.pk])).status_code == 404
    assert client.get(f"/api/scores/plans/{plan.pk}/gaps/").status_code == 404


def test_lower_draft_shows_the_dimensions_the_unit_should_weigh(client, province_plan):
    plan, world = province_plan
    lower = plan.lower_plans.filter(state="draft").first()
    client.force_login(world["users"]["demo.tinh"])
    html = client.get(reverse("scores-plan-gaps", args=[lower.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "Các chỉ số nội dung đơn vị cần chú trọng" in html
    compact = client.get(reverse("scores-plan-gaps", args=[lower.pk]), {"compact": "1"}).content.decode()
    assert 'data-testid="gap-compact"' in compact
    upper = client.get(reverse("plan-detail", args=[plan.pk])).content.decode()
    assert reverse("scores-plan-gaps", args=[lower.pk]) + "?compact=1" in upper  # the lower-plan matrix


def test_leader_home_shows_position_weak_dimensions_and_the_plan(client, province_plan):
    plan, world = province_plan
    client.force_login(world["users"]["demo.lanhdao"])
    home = client.get(reverse("home")).content.decode()
    assert reverse("home-dashboard") in home
    html = client.get(reverse("home-dashboard"), HTTP_HX_REQUEST="true").content.decode()
    assert "Chỉ số PAPI năm 2024 — Tỉnh Tuyên Quang" in html
    assert "Số liệu quy đổi từ các đơn vị cũ" in html
    assert 'data-testid="weak-dimensions"' in html and 'data-testid="dashboard-gaps"' in html
    assert plan.number_symbol in html


def test_officer_home_has_no_dashboard(client, officer):
    client.force_login(officer)
    home = client.get(reverse("home")).content.decode()
    assert reverse("home-dashboard") not in home
    assert client.get(reverse("home-dashboard")).context["boards"] == []
