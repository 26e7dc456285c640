"""The coordinator's home: reports waiting for approval (oldest first, flagged ones apart),
approval from the home page, one or all late units reminded, the bell's count."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chiso.home.coordinator import awaiting_reports, coordinator_home, waiting_count
from chiso.reporting import services
from chiso.reporting.models import Notification, ReminderLog, ReportState, UnitReport
from tests.test_reporting_world import all_done, build_world, fill, live_round

pytestmark = pytest.mark.django_db


def send(world, rnd, name: str, when: dt.datetime) -> UnitReport:
    officer = world.officer(name)
    report = services.open_report(officer, rnd, world.unit(name), now=when)
    report = fill(world, report, all_done(), when)
    return services.submit_report(officer, report, report.version, now=when)


@pytest.fixture
def live():
    world = build_world(year=timezone.localdate().year)
    return world, live_round(world)


def test_submitted_reports_wait_oldest_first_and_are_approved_from_home(client, live):
    world, rnd = live
    now = timezone.now()
    later = send(world, rnd, "Xã Hai", now)
    older = send(world, rnd, "Xã Một", now - dt.timedelta(hours=3))
    rows = awaiting_reports(world.coordinator, timezone.localdate())
    assert [r.report.pk for r in rows] == [older.pk, later.pk]
    assert not any(r.flagged for r in rows)

    client.force_login(world.coordinator)
    home = client.get(reverse("home")).content.decode()
    assert "Báo cáo chờ duyệt (2)" in home and "Xã Một" in home
    response = client.post(
        reverse("home-approve"), {"reports": [f"{older.pk}:{older.version}", f"{later.pk}:{later.version}"]}
    )
    assert response.status_code == 302
    assert set(UnitReport.objects.values_list("state", flat=True)) == {ReportState.APPROVED}
    home = client.get(reverse("home")).content.decode()
    assert "Đã duyệt 2 báo cáo." in home and "Không có báo cáo nào chờ duyệt." in home


def test_a_resubmitted_report_is_flagged_and_left_out_of_bulk_approval(client, live):
    world, rnd = live
    report = send(world, rnd, "Xã Một", timezone.now())
    other = send(world, rnd, "Xã Hai", timezone.now())
    report = services.return_report(world.coordinator, report, "Thiếu biên bản.")
    report = services.submit_report(world.officer("Xã Một"), report, report.version)
    [flagged] = [r for r in awaiting_reports(world.coordinator, timezone.localdate()) if r.flagged]
    assert flagged.report.pk == report.pk and flagged.flags == ["Gửi lại sau khi bị trả lại"]

    client.force_login(world.coordinator)
    client.post(
        reverse("home-approve"), {"reports": [f"{report.pk}:{report.version}", f"{other.pk}:{other.version}"]}
    )
    report.refresh_from_db()
    other.refresh_from_db()
    assert (report.state, other.state) == (ReportState.SUBMITTED, ReportState.APPROVED)
    # Alone (its own button), the flagged report is approved.
    client.post(reverse("home-approve"), {"reports": f"{report.pk}:{report.version}"})
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED


def test_an_officer_cannot_approve_from_home(client, live):
    world, rnd = live
    report = send(world, rnd, "Xã Một", timezone.now())
    client.force_login(world.officer("Xã Hai"))
    client.post(reverse("home-approve"), {"reports": f"{report.pk}:{report.version}"})
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_late_units_are_listed_and_reminded_by_one_click(client):
    world = build_world(year=timezone.localdate().year)
    rnd = live_round(world)
    rnd.due_on = timezone.localdate() - dt.timedelta(days=1)
    rnd.save()
    send(world, rnd, "Xã Một", timezone.now())
    home = coordinator_home(world.coordinator, timezone.localdate())
    chased = {d.unit.name for d in home.chase}
    assert "Xã Hai" in chased and "Xã Một" not in chased

    xa_hai = world.unit("Xã Hai")
    officer = world.officer("Xã Hai")
    type(officer).objects.filter(memberships__unit=xa_hai).update(email="")  # nobody there has e-mail
    client.force_login(world.coordinator)
    client.post(reverse("home-remind"), {"due": f"{rnd.pk}:{xa_hai.pk}"})
    assert Notification.objects.filter(user=officer, url__contains=f"/units/{xa_hai.pk}/").exists()
    assert list(ReminderLog.objects.filter(unit=xa_hai).values_list("channel", flat=True)) == ["app"]
    # Nobody in Xã Hai has an e-mail address: the page says so instead of pretending to send.
    page = client.get(reverse("home")).content.decode()
    assert "Xã Hai: không ai trong đơn vị có địa chỉ thư điện tử" in page

    client.post(reverse("home-remind"), {"due": "all"})
    reminded = set(ReminderLog.objects.values_list("unit__name", flat=True))
    assert reminded == chased


def test_the_bell_counts_unread_notifications_and_reports_to_approve(client, live):
    world, rnd = live
    send(world, rnd, "Xã Một", timezone.now())
    # The coordinator got a notification of the submission, and has one report to approve.
    assert waiting_count(world.coordinator) == 2
    client.force_login(world.coordinator)
    page = client.get(reverse("home-bell")).content.decode()
    assert 'data-testid="bell"' in page and ">2</span>" in page
    client.post(reverse("reporting-notifications"))
    assert waiting_count(world.coordinator) == 1


def test_the_coordinator_home_runs_as_many_queries_for_one_report_as_for_five(client, live):
    world, rnd = live
    client.force_login(world.coordinator)
    send(world, rnd, "Xã Một", timezone.now())
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("home")).status_code == 200
    for name in ("Xã Hai", "Xã Ba", "Xã Bốn", "Xã Năm"):
        send(world, rnd, name, timezone.now())
    with CaptureQueriesContext(connection) as five:
        content = client.get(reverse("home")).content.decode()
    assert "Báo cáo chờ duyệt (5)" in content
    assert len(five) == len(one)
