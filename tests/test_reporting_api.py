"""The reporting API: rounds, reports, progress and monitoring figures with the pages' permissions."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from chiso.reporting.models import ReportState, UnitReport
from tests.test_reporting_world import build_world, live_round, play_round_1

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def played(db):
    world = build_world()
    play_round_1(world)
    return world


def test_rounds_and_figures(played, outsider):
    rnd = played.rounds[0]
    c = api(played.coordinator)
    listing = c.get("/api/reporting/rounds/", {"plan": played.plan.pk}).json()
    assert [r["number"] for r in listing["results"]] == [1, 2]
    m = c.get(f"/api/reporting/rounds/{rnd.pk}/monitoring/").json()
    assert {k: m["totals"][k] for k in ("expected", "submitted", "on_time", "grace", "late", "missing")} == {
        "expected": 12,
        "submitted": 10,
        "on_time": 8,
        "grace": 1,
        "late": 1,
        "missing": 2,
    }
    assert len(m["dimensions"]) == 8 and len(m["units"]) == 12
    cons = c.get(f"/api/reporting/rounds/{rnd.pk}/consolidation/").json()
    assert (cons["done"], cons["applicable"], len(cons["approved_reports"])) == (98, 158, 9)
    t11 = next(t for d in cons["dimensions"] for t in d["tasks"] if t["number"] == "1.1")
    assert (t11["assigned"], t11["done"], t11["value"], t11["met"], t11["measured"]) == (9, 5, "88.33", 4, 6)
    report = rnd.reports.get(unit=played.unit("Phòng Một"))
    detail = c.get(f"/api/reporting/reports/{report.pk}/").json()
    assert len(detail["progress"]) == 8 and detail["state"] == ReportState.APPROVED
    progress = c.get("/api/reporting/progress/", {"report": report.pk}).json()
    assert progress["count"] == 8
    # Outsiders see nothing; objects outside their scope are 404.
    o = api(outsider)
    assert o.get("/api/reporting/rounds/").json()["count"] == 0
    assert o.get(f"/api/reporting/rounds/{rnd.pk}/monitoring/").status_code == 404
    assert o.get(f"/api/reporting/reports/{report.pk}/").status_code == 404
    assert o.get("/api/reporting/progress/").json()["count"] == 0
    # An officer sees the reports of the unit, not the round's monitoring.
    officer = api(played.officer("Phòng Một"))
    assert officer.get(f"/api/reporting/reports/{report.pk}/").status_code == 200
    assert officer.get(f"/api/reporting/rounds/{rnd.pk}/monitoring/").status_code == 404
    assert (
        officer.get(
            f"/api/reporting/reports/{rnd.reports.get(unit=played.unit('Phòng Hai')).pk}/"
        ).status_code
        == 404
    )


def test_report_lifecycle_through_the_api(db):
    world = build_world(year=timezone.localdate().year)
    rnd = live_round(world)
    unit = world.unit("Xã Ba")
    officer = api(world.officer("Xã Ba"))
    response = officer.post("/api/reporting/reports/", {"round": rnd.pk, "unit": unit.pk}, format="json")
    assert response.status_code == 201
    report = response.json()
    t11 = world.tasks["1.1"].pk
    bad = officer.post(
        f"/api/reporting/reports/{report['id']}/save/",
        {"version": report["version"], "tasks": {str(t11): {"status": "done", "achieved_value": "abc"}}},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][f"task-{t11}-achieved_value"] == [
        "Nhiệm vụ 1.1 — Kết quả đạt được (số): “abc” không phải là số (ví dụ 95 hoặc 95,5)."
    ]
    tasks = {
        str(p["task"]): {
            "status": "done",
            "achieved_value": "97" if p["task_number"].endswith(".1") else "2",
            "work_done": "Đã làm.",
        }
        for p in report["progress"]
    }
    saved = officer.post(
        f"/api/reporting/reports/{report['id']}/save/",
        {"version": report["version"], "results": "Kết quả tốt.", "tasks": tasks},
        format="json",
    ).json()
    assert saved["version"] == 2
    stale = officer.post(
        f"/api/reporting/reports/{report['id']}/save/", {"version": 1, "results": "x"}, format="json"
    )
    assert stale.status_code == 400 and "đã được người khác lưu" in stale.json()["errors"]["version"][0]
    sent = officer.post(f"/api/reporting/reports/{report['id']}/submit/", {"version": 2}, format="json")
    assert sent.status_code == 200 and sent.json()["state"] == "submitted"
    assert (
        officer.post(f"/api/reporting/reports/{report['id']}/approve/", {}, format="json").status_code == 403
    )
    coordinator = api(world.coordinator)
    returned = coordinator.post(
        f"/api/reporting/reports/{report['id']}/return/",
        {"reason": "Thiếu số liệu", "tasks": [t11]},
        format="json",
    )
    assert returned.status_code == 200 and returned.json()["state"] == "returned"
    assert UnitReport.objects.get(pk=report["id"]).progress.get(task_id=t11).return_reason == "Thiếu số liệu"
