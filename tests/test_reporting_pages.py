"""Reporting pages: every page renders for the people who may see it and is 404 for others; the
report form saves, refuses bad input without losing it, submits; the coordinator returns and
approves; monitoring and consolidation run a fixed number of queries whatever the data size."""

import pytest
from django.test import Client
from django.urls import reverse

from chiso.reporting.models import ReportState, UnitReport
from chiso.reporting.synthetic import build_synthetic
from chiso.units.models import Membership, Role
from tests.test_reporting_world import build_world, live_round, play_round_1, quick_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    w = build_world()
    play_round_1(w)
    return w


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pages_render_for_the_coordinator(world):
    c = client_for(world.coordinator)
    rnd = world.rounds[0]
    unit = world.unit("Phòng Hai")
    report = rnd.reports.get(unit=unit)
    urls = [
        reverse("reporting-home"),
        reverse("reporting-notifications"),
        reverse("reporting-plan-rounds", args=[world.plan.pk]),
        reverse("reporting-round", args=[rnd.pk]),
        reverse("reporting-round", args=[rnd.pk]) + f"?area={world.district.pk}",
        reverse("reporting-round-edit", args=[rnd.pk]),
        reverse("reporting-round-unit", args=[rnd.pk, unit.pk]),
        reverse("reporting-round-task", args=[rnd.pk, world.tasks["2.3"].pk]),
        reverse("reporting-consolidation", args=[rnd.pk]),
        reverse("reporting-reminders", args=[rnd.pk]),
        reverse("reporting-report", args=[report.pk]),
        reverse("reporting-report-version", args=[report.pk, 1]),
        reverse("reporting-inspections"),
        reverse("reporting-initiatives") + "?year=2022",
    ]
    for url in urls:
        response = c.get(url)
        assert response.status_code == 200, url
    page = c.get(reverse("reporting-round", args=[rnd.pk])).content.decode()
    assert 'data-figure="expected">12<' in page and 'data-figure="missing">2<' in page
    assert 'data-unit="Xã Bảy" data-timeliness="missing"' in page
    unit_page = c.get(reverse("reporting-round-unit", args=[rnd.pk, unit.pk])).content.decode()
    assert "pair-overdue" in unit_page
    for fmt, magic in (("docx", b"PK"), ("xlsx", b"PK")):
        response = c.get(reverse("reporting-export", args=[rnd.pk, fmt]))
        assert response.status_code == 200 and response.content[:2] == magic
        assert "attachment; filename=" in response["Content-Disposition"]


def test_outsiders_get_404(world, outsider):
    rnd = world.rounds[0]
    report = rnd.reports.get(unit=world.unit("Phòng Một"))
    c = client_for(outsider)
    for url in [
        reverse("reporting-round", args=[rnd.pk]),
        reverse("reporting-round-unit", args=[rnd.pk, world.unit("Phòng Một").pk]),
        reverse("reporting-consolidation", args=[rnd.pk]),
        reverse("reporting-export", args=[rnd.pk, "docx"]),
        reverse("reporting-report", args=[report.pk]),
        reverse("reporting-round-unit-report", args=[rnd.pk, world.unit("Phòng Một").pk]),
        reverse("reporting-plan-rounds", args=[world.plan.pk]),
    ]:
        assert c.get(url).status_code == 404, url
    # An officer of one commune sees its own report, not the round's monitoring nor another unit's report.
    officer = client_for(world.officer("Xã Một"))
    assert (
        officer.get(
            reverse("reporting-report", args=[rnd.reports.get(unit=world.unit("Xã Một")).pk])
        ).status_code
        == 200
    )
    assert officer.get(reverse("reporting-report", args=[report.pk])).status_code == 404
    assert officer.get(reverse("reporting-round", args=[rnd.pk])).status_code == 404
    assert officer.get(reverse("reporting-round-edit", args=[rnd.pk])).status_code == 404
    # Anonymous users are sent to sign in; the public page needs no sign-in.
    anonymous = Client()
    assert anonymous.get(reverse("reporting-round", args=[rnd.pk])).status_code == 302
    assert anonymous.get(reverse("reporting-public-unit", args=[world.district.pk])).status_code == 200


@pytest.fixture
def live(db):
    from django.utils import timezone

    from chiso.reporting.services import delete_round

    w = build_world(year=timezone.localdate().year)
    for rnd in w.rounds:  # the generated rounds may or may not be open today: keep only the live one
        delete_round(None, rnd)
    w.live = live_round(w)
    return w


def form_data(report, **tasks) -> dict:
    data = {
        "version": report.version,
        "results": "Đã triển khai đầy đủ.",
        "shortcomings": "",
        "proposals": "",
    }
    for p in report.progress.select_related("task"):
        status, value, work = tasks.get(
            p.task.number, ("done", "98" if p.task.has_measurable_target else "", "Đã làm.")
        )
        data[f"task-{p.task_id}-status"] = status
        data[f"task-{p.task_id}-work_done"] = work
        if p.task.has_measurable_target:
            data[f"task-{p.task_id}-achieved_value"] = value
    return data


def test_report_form_round_trip(live):
    rnd = live.live
    unit = live.unit("Xã Một")
    officer = client_for(live.officer("Xã Một"))
    response = officer.get(reverse("reporting-round-unit-report", args=[rnd.pk, unit.pk]))
    report = UnitReport.objects.get(round=rnd, unit=unit)
    assert response.status_code == 302 and response["Location"] == reverse(
        "reporting-report", args=[report.pk]
    )
    url = reverse("reporting-report", args=[report.pk])
    t11 = live.tasks["1.1"].pk
    bad = form_data(report, **{"1.1": ("done", "chín lăm", "Đã làm.")})
    bad["action"] = "save"
    response = officer.post(url, bad)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nhiệm vụ 1.1 — Kết quả đạt được (số): “chín lăm” không phải là số" in page
    assert 'value="chín lăm"' in page  # what was typed is kept on the page
    report.refresh_from_db()
    assert report.version == 1 and report.results == ""
    good = form_data(report)
    good["action"] = "submit"
    response = officer.post(url, good)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert report.progress.get(task_id=t11).achieved_value == 98
    # A second post on the submitted report is refused; nothing changes.
    again = form_data(report, **{"1.1": ("done", "50", "Sửa lén.")})
    again["action"] = "save"
    response = officer.post(url, again)
    assert response.status_code == 400 and "nên không sửa được" in response.content.decode()
    assert report.progress.get(task_id=t11).achieved_value == 98

    coordinator = client_for(live.coordinator)
    response = coordinator.post(
        reverse("reporting-report-return", args=[report.pk]), {"reason": "", "tasks": [t11]}
    )
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED  # a return needs a reason
    coordinator.post(
        reverse("reporting-report-return", args=[report.pk]), {"reason": "Bổ sung minh chứng", "tasks": [t11]}
    )
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED
    page = officer.get(url).content.decode()
    assert "Bổ sung minh chứng" in page
    assert f'name="task-{live.tasks["1.2"].pk}-status"' not in page  # only the returned task is editable
    response = officer.post(
        url,
        {
            "version": report.version,
            f"task-{t11}-status": "done",
            f"task-{t11}-achieved_value": "99",
            f"task-{t11}-work_done": "Đã bổ sung.",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    coordinator.post(reverse("reporting-report-approve", args=[report.pk]))
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED
    assert [v.number for v in report.versions.all()] == [1, 2]


def test_evidence_upload_through_the_page(live, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    rnd = live.live
    unit = live.unit("Xã Hai")
    officer = client_for(live.officer("Xã Hai"))
    officer.get(reverse("reporting-round-unit-report", args=[rnd.pk, unit.pk]))
    report = UnitReport.objects.get(round=rnd, unit=unit)
    progress = report.progress.get(task=live.tasks["1.1"])
    url = reverse("reporting-evidence-add", args=[report.pk, progress.pk])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = officer.post(
        url,
        {"kind": "file", "file": SimpleUploadedFile("gia.pdf", b"\x89PNG\r\n\x1a\nxxxx")},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "không phải là PDF như phần mở rộng .pdf cho biết" in response.content.decode()
    response = officer.post(
        url,
        {"kind": "file", "file": SimpleUploadedFile("that.pdf", b"%PDF-1.4 ok")},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert "that.pdf" in body and "<html" not in body
    evidence = progress.evidence.get()
    download = officer.get(reverse("reporting-evidence-download", args=[evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 ok"
    assert download["Content-Type"] == "application/pdf"
    assert (
        client_for(live.officer("Xã Ba"))
        .get(reverse("reporting-evidence-download", args=[evidence.pk]))
        .status_code
        == 404
    )


def test_inbox_lists_what_is_due_nearest_first(live):
    officer = live.officer("Xã Một")
    response = client_for(officer).get(reverse("reporting-home"))
    page = response.content.decode()
    assert live.live.title in page and "Chưa lập báo cáo" in page


# +2 each for the measurable targets: the plan's measures, then the observations of the window
# (tests/test_measures.py pins the same count with observations for every unit); +2 each for the
# lower plans the units report on and their child tasks (tests/test_rollup.py pins the same count
# with lower plans).
MONITORING_QUERIES = 25
CONSOLIDATION_QUERIES = 24


@pytest.mark.parametrize(("communes", "departments", "tasks"), [(4, 2, 10), (30, 8, 60)])
def test_query_count_does_not_grow_with_units_or_tasks(
    db, django_assert_num_queries, communes, departments, tasks
):
    data = build_synthetic(communes=communes, departments=departments, tasks=tasks, tag=f"q{communes}")
    user = quick_user(f"coord{communes}", data.province, Role.COORDINATOR)
    assert Membership.objects.filter(user=user).exists()
    c = client_for(user)
    rnd = data.rounds[0]
    c.get(reverse("reporting-round", args=[rnd.pk]))  # warm caches (content types, calendar)
    with django_assert_num_queries(MONITORING_QUERIES):
        assert c.get(reverse("reporting-round", args=[rnd.pk])).status_code == 200
    with django_assert_num_queries(CONSOLIDATION_QUERIES):
        assert c.get(reverse("reporting-consolidation", args=[rnd.pk])).status_code == 200


def test_inbox_has_lower_plans_and_reports_nearest_first(live):
    from django.template import Context, Template
    from django.test import RequestFactory

    from chiso.plans import services as plan_services
    from chiso.plans.cascade import cascade_plan
    from chiso.reporting.inbox import inbox

    plan = live.plan
    plan_services.set_lower_plan_deadline(None, plan, version=plan.version, due_on=f"01/03/{plan.year_from}")
    cascade_plan(None, plan, [live.unit("Xã Một").pk])
    items = inbox(live.officer("Xã Một"))
    assert [i.kind for i in items] == ["lower_plan", "report"]  # 01/03 comes before the live round's due date
    assert items[0].title == "Kế hoạch thực hiện 12/KH-UBND" and items[0].state == "Dự thảo, chưa ban hành"
    assert inbox(live.coordinator) == []  # the district's own units do not report to it
    request = RequestFactory().get("/")
    request.user = live.officer("Xã Một")
    html = Template("{% load reporting_tags %}{% reporting_inbox %}").render(Context({"request": request}))
    assert "Kế hoạch thực hiện 12/KH-UBND" in html and live.live.title in html


def test_coordinator_sees_the_reminders_sent(live):
    from chiso.reporting.reminders import send_reminders

    result = send_reminders(days_before=10)
    assert result.notifications > 0
    page = (
        client_for(live.coordinator).get(reverse("reporting-reminders", args=[live.live.pk])).content.decode()
    )
    assert "cb5@example.org" in page and "Sắp đến hạn" in page
    assert (
        client_for(live.officer("Xã Một"))
        .get(reverse("reporting-reminders", args=[live.live.pk]))
        .status_code
        == 404
    )
    bell = client_for(live.officer("Xã Một")).get(reverse("reporting-notifications")).content.decode()
    assert "Nhắc gửi báo cáo" in bell
