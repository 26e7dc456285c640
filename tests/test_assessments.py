"""Self-assessment and appraisal of points: a commune scores a small custom framework, the province
appraises it (two criteria adjusted with reasons, the rest accepted) and finalises it.

The framework (owned by Tuyên Quang, 2024–):
    1    Công tác chỉ đạo, điều hành        max 10 (published)
    1.1    Kế hoạch CCHC                      max 4
    1.2    Báo cáo CCHC                       max 6
    2    Thủ tục hành chính                 (no published max: 5 + 3 + 2 = 10)
    2.1    Công khai TTHC                     (no max: 5 + 3 = 8)
    2.1.1    Niêm yết                           max 5
    2.1.2    Cập nhật                           max 3
    2.2    Giải quyết đúng hạn                max 2
Self points: 1.1 = 3,5 · 1.2 = 6 · 2.1.1 = 4 · 2.1.2 = 2,5 · 2.2 = 2
    → 1 = 9,5 · 2.1 = 6,5 · 2 = 8,5 · total 18.
Appraisal: 1.2 adjusted to 5, 2.1.1 adjusted to 3,25; the others accepted
    → 1 = 8,5 · 2.1 = 5,75 · 2 = 7,75 · total 16,25; differences −1, −0,75, −1, −0,75, −0,75, −1,75.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.core.models import AuditEntry
from chiso.frameworks.models import Criterion, CriterionLevel, Framework, FrameworkVersion
from chiso.scores import assessments as svc
from chiso.scores.models import Assessment, AssessmentState, Score, ScoreSet, Source

D = Decimal
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def version(tuyen_quang) -> FrameworkVersion:
    return build_version(tuyen_quang)


def build_version(owner) -> FrameworkVersion:
    framework = Framework.objects.create(
        code="TQ-CCHC-XA",
        kind=Framework.Kind.CUSTOM,
        short_name="CCHC xã",
        name_vi="Chỉ số CCHC cấp xã",
        owner=owner,
    )
    version = FrameworkVersion.objects.create(
        framework=framework, code="2024", name="CCHC xã 2024", year_from=2024
    )

    def add(code, name, level, parent=None, max_points=None, position=0):
        return Criterion.objects.create(
            version=version,
            parent=parent,
            level=level,
            code=code,
            name_vi=name,
            max_points=max_points,
            position=position,
        )

    d1 = add("1", "Công tác chỉ đạo, điều hành", CriterionLevel.DIMENSION, max_points=D(10), position=10)
    add("1.1", "Kế hoạch CCHC", CriterionLevel.SUBDIMENSION, d1, D(4), 10)
    add("1.2", "Báo cáo CCHC", CriterionLevel.SUBDIMENSION, d1, D(6), 20)
    d2 = add("2", "Thủ tục hành chính", CriterionLevel.DIMENSION, position=20)
    s21 = add("2.1", "Công khai TTHC", CriterionLevel.SUBDIMENSION, d2, None, 10)
    add("2.1.1", "Niêm yết", CriterionLevel.INDICATOR, s21, D(5), 10)
    add("2.1.2", "Cập nhật", CriterionLevel.INDICATOR, s21, D(3), 20)
    add("2.2", "Giải quyết đúng hạn", CriterionLevel.SUBDIMENSION, d2, D(2), 30)
    return version


def crit(version, code) -> Criterion:
    return Criterion.objects.get(version=version, code=code)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def started(officer, commune, version) -> Assessment:
    return svc.start_assessment(officer, commune, version, 2024)


SELF = {"1.1": "3,5", "1.2": "6", "2.1.1": "4", "2.1.2": "2,5", "2.2": "2"}


def self_score(officer, assessment, version, points=SELF) -> Assessment:
    items = {
        crit(version, code).pk: {"points": value, "note": f"Giải trình {code}"}
        for code, value in points.items()
    }
    return svc.save_self(officer, assessment, {"version": assessment.version_number, "items": items})


def submitted(officer, assessment, version) -> Assessment:
    saved = self_score(officer, assessment, version)
    return svc.submit(officer, saved, saved.version_number)


def appraisal_input(version, assessment) -> dict:
    return {
        "version": assessment.version_number,
        "items": [
            {"criterion": crit(version, "1.1").pk, "decision": "accept"},
            {
                "criterion": crit(version, "1.2").pk,
                "decision": "adjust",
                "points": "5",
                "reason": "Báo cáo nộp muộn",
            },
            {
                "criterion": crit(version, "2.1.1").pk,
                "decision": "adjust",
                "points": "3,25",
                "reason": "Niêm yết thiếu 2 thủ tục",
            },
            {"criterion": crit(version, "2.1.2").pk, "decision": "accept"},
            {"criterion": crit(version, "2.2").pk, "decision": "accept"},
        ],
    }


def values(score_set: ScoreSet) -> dict[str, Decimal]:
    return {
        (s.criterion.code if s.criterion_id else "total"): s.value
        for s in score_set.scores.select_related("criterion")
    }


def messages_of(exc) -> str:
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


# --- the whole cycle --------------------------------------------------------------------------


def test_start_lists_the_leaves_and_the_province_appraises(started, tuyen_quang, version):
    assert started.appraiser == tuyen_quang
    assert started.state == AssessmentState.DRAFT
    codes = sorted(started.items.values_list("criterion__code", flat=True))
    assert codes == ["1.1", "1.2", "2.1.1", "2.1.2", "2.2"]


def test_self_assess_appraise_finalise_writes_both_sets_with_exact_values(
    started, officer, coordinator, version, commune
):
    assessment = submitted(officer, started, version)
    assert assessment.state == AssessmentState.SUBMITTED
    assessment = svc.appraise(coordinator, assessment, appraisal_input(version, assessment))
    final = svc.finalise(coordinator, assessment, assessment.version_number)

    assert final.state == AssessmentState.FINAL and final.appraised_by == coordinator
    own, appraised = final.self_set, final.appraised_set
    assert (own.source, own.is_public) == (Source.SELF_ASSESSMENT, False)
    assert (appraised.source, appraised.is_public) == (Source.APPRAISAL, True)
    assert (own.unit, own.version, own.year) == (commune, version, 2024)
    assert values(own) == {
        "1": D("9.5"),
        "1.1": D("3.5"),
        "1.2": D("6"),
        "2": D("8.5"),
        "2.1": D("6.5"),
        "2.1.1": D("4"),
        "2.1.2": D("2.5"),
        "2.2": D("2"),
        "total": D("18"),
    }
    assert values(appraised) == {
        "1": D("8.5"),
        "1.1": D("3.5"),
        "1.2": D("5"),
        "2": D("7.75"),
        "2.1": D("5.75"),
        "2.1.1": D("3.25"),
        "2.1.2": D("2.5"),
        "2.2": D("2"),
        "total": D("16.25"),
    }

    diff = svc.differences(final)
    table = {
        r.criterion.code: (r.max_points, r.self_points, r.appraised_points, r.difference, r.reason)
        for r in diff.rows
    }
    assert table == {
        "1": (D(10), D("9.5"), D("8.5"), D("-1"), ""),
        "1.1": (D(4), D("3.5"), D("3.5"), D(0), ""),
        "1.2": (D(6), D(6), D(5), D(-1), "Báo cáo nộp muộn"),
        "2": (D(10), D("8.5"), D("7.75"), D("-0.75"), ""),
        "2.1": (D(8), D("6.5"), D("5.75"), D("-0.75"), ""),
        "2.1.1": (D(5), D(4), D("3.25"), D("-0.75"), "Niêm yết thiếu 2 thủ tục"),
        "2.1.2": (D(3), D("2.5"), D("2.5"), D(0), ""),
        "2.2": (D(2), D(2), D(2), D(0), ""),
    }
    assert [r.criterion.code for r in diff.rows] == ["1", "1.1", "1.2", "2", "2.1", "2.1.1", "2.1.2", "2.2"]
    assert (diff.max_total, diff.self_total, diff.appraised_total, diff.difference) == (
        D(20),
        D(18),
        D("16.25"),
        D("-1.75"),
    )
    accepted = {r.criterion.code: r.accepted for r in diff.rows if r.is_leaf}
    assert accepted == {"1.1": True, "1.2": False, "2.1.1": False, "2.1.2": True, "2.2": True}
    assert AuditEntry.objects.filter(note="Hoàn tất thẩm định", object_id=str(final.pk)).exists()


# --- refusals ---------------------------------------------------------------------------------


def test_points_above_the_maximum_are_refused_naming_the_criterion(started, officer, version):
    with pytest.raises(ValidationError) as exc:
        self_score(officer, started, version, {"1.1": "4,5", "2.2": "1"})
    assert "Tiêu chí 1.1 “Kế hoạch CCHC”: điểm tự đánh giá 4,5 vượt quá điểm tối đa 4." in messages_of(exc)
    started.refresh_from_db()
    assert started.items.get(criterion__code="2.2").self_points is None  # all or nothing
    with pytest.raises(ValidationError) as exc:
        self_score(officer, started, version, {"1.2": "-1"})
    assert "Tiêu chí 1.2 “Báo cáo CCHC” — Điểm tự đánh giá: Không được nhỏ hơn 0." in messages_of(exc)


def test_submit_with_a_missing_leaf_lists_it(started, officer, version):
    saved = self_score(officer, started, version, {k: v for k, v in SELF.items() if k != "2.1.2"})
    with pytest.raises(ValidationError) as exc:
        svc.submit(officer, saved, saved.version_number)
    assert messages_of(exc) == "Chưa gửi được: còn 1 tiêu chí chưa chấm điểm: 2.1.2 Cập nhật."
    saved.refresh_from_db()
    assert saved.state == AssessmentState.DRAFT


def test_adjusting_without_a_reason_or_above_the_maximum_is_refused(started, officer, coordinator, version):
    assessment = submitted(officer, started, version)
    data = {
        "version": assessment.version_number,
        "items": {crit(version, "1.2").pk: {"decision": "adjust", "points": "5", "reason": "  "}},
    }
    with pytest.raises(ValidationError) as exc:
        svc.appraise(coordinator, assessment, data)
    assert messages_of(exc) == "Tiêu chí 1.2 “Báo cáo CCHC”: điều chỉnh điểm phải nêu lý do."
    data["items"] = {crit(version, "2.2").pk: {"decision": "adjust", "points": "2,5", "reason": "x"}}
    with pytest.raises(ValidationError) as exc:
        svc.appraise(coordinator, assessment, data)
    assert "Tiêu chí 2.2 “Giải quyết đúng hạn”: điểm thẩm định 2,5 vượt quá điểm tối đa 2." in messages_of(
        exc
    )
    with pytest.raises(ValidationError) as exc:
        svc.finalise(coordinator, assessment, assessment.version_number)
    assert messages_of(exc).startswith(
        "Chưa hoàn tất được: còn 5 tiêu chí chưa thẩm định: 1.1 Kế hoạch CCHC;"
    )


def test_a_stale_version_is_refused(started, officer, version):
    stale = started.version_number
    self_score(officer, started, version, {"1.1": "3"})
    with pytest.raises(ValidationError) as exc:
        svc.save_self(
            officer, started, {"version": stale, "items": {crit(version, "1.2").pk: {"points": "1"}}}
        )
    assert "bạn sửa từ phiên bản 1, hiện đã là phiên bản 2" in messages_of(exc)
    assert started.items.get(criterion__code="1.2").self_points is None


def test_the_submitter_does_not_appraise_and_the_officer_cannot(started, officer, coordinator, version):
    saved = self_score(coordinator, started, version)
    assessment = svc.submit(coordinator, saved, saved.version_number)
    assert not svc.can_appraise(coordinator, assessment)
    assert not svc.can_appraise(officer, assessment)
    with pytest.raises(PermissionDenied):
        svc.finalise(officer, assessment, assessment.version_number)


def test_a_version_without_max_points_cannot_be_started(officer, commune, superuser):
    par = FrameworkVersion.objects.filter(framework__kind=Framework.Kind.PAR_INDEX).first()
    assert par is not None and svc.missing_max_points(par)
    with pytest.raises(ValidationError) as exc:
        svc.start_assessment(superuser, commune, par, par.year_from or 2024)
    message = messages_of(exc)
    assert "chưa có điểm tối đa" in message
    assert (
        "Quản trị viên phải nhập điểm tối đa theo văn bản công bố trước; hệ thống không tự đặt điểm."
        in message
    )
    assert not Assessment.objects.exists()


def test_return_then_resubmit_clears_the_appraisal(started, officer, coordinator, version):
    assessment = submitted(officer, started, version)
    assessment = svc.appraise(coordinator, assessment, appraisal_input(version, assessment))
    with pytest.raises(ValidationError) as exc:
        svc.return_assessment(coordinator, assessment, " ", assessment.version_number)
    assert messages_of(exc) == "Lý do trả lại: không được để trống."
    returned = svc.return_assessment(
        coordinator, assessment, "Bổ sung minh chứng 1.2", assessment.version_number
    )
    assert returned.state == AssessmentState.RETURNED
    saved = self_score(officer, returned, version, {"1.2": "5,5"})
    again = svc.submit(officer, saved, saved.version_number)
    assert again.state == AssessmentState.SUBMITTED and again.return_reason == ""
    assert not again.items.filter(appraised_points__isnull=False).exists()


def test_finalising_never_overwrites_an_existing_set(started, officer, coordinator, version, commune):
    ScoreSet.objects.create(unit=commune, version=version, year=2024, source=Source.APPRAISAL)
    assessment = submitted(officer, started, version)
    assessment = svc.appraise(coordinator, assessment, appraisal_input(version, assessment))
    with pytest.raises(ValidationError) as exc:
        svc.finalise(coordinator, assessment, assessment.version_number)
    assert "không ghi đè" in messages_of(exc)
    assert not Score.objects.filter(score_set__version=version).exists()


def test_evidence_is_checked_by_content(started, officer, version, media):
    cid = crit(version, "1.1").pk
    fake = SimpleUploadedFile("bao-cao.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        svc.save_self(officer, started, {"version": 1, "items": {}}, {cid: fake})
    assert "không phải là PDF" in messages_of(exc)
    good = SimpleUploadedFile("Kế hoạch 12.pdf", PDF, content_type="application/pdf")
    saved = svc.save_self(officer, started, {"version": 1, "items": {}}, {cid: good})
    item = saved.items.get(criterion_id=cid)
    assert item.evidence.name.endswith("Kế hoạch 12.pdf") and item.evidence.read() == PDF


# --- pages and API ----------------------------------------------------------------------------


def test_pages_walk_the_cycle(client, started, officer, coordinator, version, media):
    client.force_login(officer)
    assert started.pk and client.get(reverse("assessment-list")).status_code == 200
    page = client.get(reverse("assessment-detail", args=[started.pk])).content.decode()
    assert "Bản tự đánh giá" in page and "2.1.1 Niêm yết" in page
    cid = crit(version, "1.1").pk
    row = client.post(
        reverse("assessment-item", args=[started.pk, cid]),
        {"version": 1, f"item-{cid}-points": "9", f"item-{cid}-note": ""},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "điểm tự đánh giá 9 vượt quá điểm tối đa 4" in row
    post = {"version": 1, "action": "submit"}
    for code, value in SELF.items():
        post[f"item-{crit(version, code).pk}-points"] = value
    response = client.post(reverse("assessment-detail", args=[started.pk]), post)
    assert response.status_code == 302
    started.refresh_from_db()
    assert started.state == AssessmentState.SUBMITTED

    client.force_login(coordinator)
    page = client.get(reverse("assessment-appraisal", args=[started.pk])).content.decode()
    assert "Thẩm định bản tự đánh giá" in page
    post = {"version": started.version_number, "action": "finalise"}
    for code in SELF:
        post[f"item-{crit(version, code).pk}-decision"] = "accept"
    c12 = crit(version, "1.2").pk
    post.update(
        {f"item-{c12}-decision": "adjust", f"item-{c12}-points": "5", f"item-{c12}-reason": "Nộp muộn"}
    )
    response = client.post(reverse("assessment-appraisal", args=[started.pk]), post)
    assert response.status_code == 302, response.content.decode()
    result = client.get(reverse("assessment-result", args=[started.pk])).content.decode()
    assert "Nộp muộn" in result and "17" in result  # 18 − 1


def test_start_page_links_to_the_points_form_when_max_points_are_missing(client, coordinator, commune):
    par = FrameworkVersion.objects.filter(framework__kind=Framework.Kind.PAR_INDEX).first()
    client.force_login(coordinator)
    response = client.post(
        reverse("assessment-start"), {"unit": commune.pk, "version": par.pk, "year": par.year_from or 2024}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "chưa có điểm tối đa" in body and reverse("version-detail", args=[par.pk]) in body


def test_outsider_gets_404_on_pages_and_api(client, started, outsider, version):
    client.force_login(outsider)
    for name in ("assessment-detail", "assessment-appraisal", "assessment-result"):
        assert client.get(reverse(name, args=[started.pk])).status_code == 404
    assert client.get(f"/api/scores/assessments/{started.pk}/").status_code == 404
    response = client.post(
        f"/api/scores/assessments/{started.pk}/submit/", {"version": 1}, content_type="application/json"
    )
    assert response.status_code == 404
    assert client.get("/api/scores/assessments/").json()["count"] == 0


def test_api_cycle_with_the_same_messages(client, officer, coordinator, commune, version):
    client.force_login(officer)
    response = client.post(
        "/api/scores/assessments/",
        {"unit": commune.pk, "version": version.pk, "year": 2024},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    items = [{"criterion": crit(version, code).pk, "points": value} for code, value in SELF.items()]
    items[0]["points"] = "5"
    response = client.put(
        f"/api/scores/assessments/{pk}/items/",
        {"version": 1, "items": items},
        content_type="application/json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors[f"item-{items[0]['criterion']}-points"] == [
        "Tiêu chí 1.1 “Kế hoạch CCHC”: điểm tự đánh giá 5 vượt quá điểm tối đa 4."
    ]
    items[0]["points"] = 3.5
    body = client.put(
        f"/api/scores/assessments/{pk}/items/",
        {"version": 1, "items": items},
        content_type="application/json",
    ).json()
    assert body["version_number"] == 2
    body = client.post(
        f"/api/scores/assessments/{pk}/submit/", {"version": 2}, content_type="application/json"
    ).json()
    assert body["state"] == "submitted"
    client.force_login(coordinator)
    data = appraisal_input(version, Assessment.objects.get(pk=pk))
    body = client.post(
        f"/api/scores/assessments/{pk}/appraise/", data, content_type="application/json"
    ).json()
    body = client.post(
        f"/api/scores/assessments/{pk}/finalise/",
        {"version": body["version_number"]},
        content_type="application/json",
    ).json()
    assert body["state"] == "final" and body["appraised_set"]
    diff = client.get(f"/api/scores/assessments/{pk}/differences/").json()
    assert (diff["self_total"], diff["appraised_total"], diff["difference"]) == ("18.00", "16.25", "-1.75")


# --- in Chromium, on a phone ------------------------------------------------------------------


@pytest.mark.browser
def test_phone_officer_saves_rows_by_htmx_and_submits(live_world, live_server, page, tmp_path, settings):
    from chiso.units.models import Role, Unit
    from tests.conftest import make_user, sign_in, unit

    settings.MEDIA_ROOT = tmp_path / "media"
    province = unit("vn:province:08")
    commune = Unit.objects.get(parent=province, name="Xã Vị Xuyên")
    make_user("bt.xa.cchc", commune, Role.OFFICER)
    framework_version = build_version(province)
    assessment = svc.start_assessment(None, commune, framework_version, 2024)
    pdf = tmp_path / "ke-hoach-cchc.pdf"
    pdf.write_bytes(PDF)

    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "bt.xa.cchc")
    page.goto(f"{live_server.url}/scores/assessments/{assessment.pk}/")
    first = crit(framework_version, "1.1").pk
    row = page.locator(f"#crit-{first}")
    row.get_by_label("Điểm tự đánh giá 1.1").fill("9")
    row.get_by_role("button", name="Lưu tiêu chí này").click()
    page.locator(f"#crit-{first}").get_by_text("vượt quá điểm tối đa 4").wait_for()
    row = page.locator(f"#crit-{first}")
    row.get_by_label("Điểm tự đánh giá 1.1").fill("3,5")
    row.locator("input[type=file]").set_input_files(str(pdf))
    row.get_by_role("button", name="Lưu tiêu chí này").click()
    page.get_by_test_id("summary").get_by_text("Đã chấm 1/5 tiêu chí").wait_for()
    page.locator(f"#crit-{first}").get_by_role("link", name="ke-hoach-cchc.pdf").wait_for()
    # a second row saved after the first uses the version the first one returned
    second = crit(framework_version, "1.2").pk
    page.get_by_label("Điểm tự đánh giá 1.2").fill("6")
    page.locator(f"#crit-{second}").get_by_role("button", name="Lưu tiêu chí này").click()
    page.get_by_test_id("summary").get_by_text("Đã chấm 2/5 tiêu chí").wait_for()
    dimension = page.locator(f"#crit-{crit(framework_version, '1').pk}")
    assert dimension.get_by_test_id("self-points").inner_text() == "9,5"  # the parent's sum follows
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    for code in ("2.1.1", "2.1.2", "2.2"):
        page.get_by_label(f"Điểm tự đánh giá {code}").fill(SELF[code])
    page.get_by_role("button", name="Lưu và gửi thẩm định").click()
    page.get_by_text("Đã gửi bản tự đánh giá cho Tỉnh Tuyên Quang.").wait_for()
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.SUBMITTED
    assert assessment.items.get(criterion_id=first).evidence.read() == PDF


def test_appraisal_row_by_htmx_returns_the_row_its_parents_and_the_new_version(
    client, started, officer, coordinator, version
):
    assessment = submitted(officer, started, version)
    client.force_login(coordinator)
    c12 = crit(version, "1.2").pk
    url = reverse("assessment-appraise-item", args=[assessment.pk, c12])
    post = {"version": assessment.version_number, f"item-{c12}-decision": "adjust", f"item-{c12}-points": "5"}
    body = client.post(url, post, HTTP_HX_REQUEST="true").content.decode()
    assert "Tiêu chí 1.2 “Báo cáo CCHC”: điều chỉnh điểm phải nêu lý do." in body
    post[f"item-{c12}-reason"] = "Báo cáo nộp muộn"
    body = client.post(url, post, HTTP_HX_REQUEST="true").content.decode()
    assert "Đã lưu" in body and "Đã điều chỉnh: 5" in body
    dimension = crit(version, "1").pk
    assert f'id="crit-{dimension}" data-code="1" hx-swap-oob="true"' in body and "9,5</span> → 8,5" in body
    assert f'value="{assessment.version_number + 1}" hx-swap-oob="true"' in body
    stale = client.post(url, post, HTTP_HX_REQUEST="true").content.decode()  # the old version again
    assert "bạn sửa từ phiên bản" in stale
