"""Reminders on the yearly round of the test world: sent once each, to the right officers, by
e-mail and in the app; never again on later runs; new ones after an extension.

Round 2: due 05/12/2022, grace to 07/12, lock 12/12. 11 units expected (Xã Tám ended 30/6). Each
unit has one officer with e-mail; Phòng Một has a second officer without one.
"""

import datetime as dt

import pytest
from django.core.management import call_command

from chiso.reporting import services
from chiso.reporting.models import Notification, ReminderKind, ReminderLog
from chiso.reporting.reminders import send_reminders
from tests.test_reporting_world import DEPARTMENTS, TZ, all_done, at, build_world, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def run(day: str, hour: int = 8, days_before: int = 5):
    return send_reminders(at(day, hour), days_before=days_before)


def test_reminders_sent_once_each(world, mailoutbox):
    rnd = world.rounds[1]
    assert run("20/11/2022").dues == []  # 15 days before: nothing yet; round 1 is locked
    r = run("30/11/2022")  # 5 days before the due date
    assert (r.emails, r.notifications, r.already_sent) == (11, 12, 0)
    assert {d.kind for d in r.dues} == {ReminderKind.DUE_SOON} and len(r.dues) == 11
    assert len(mailoutbox) == 11
    message = next(m for m in mailoutbox if m.to == ["cb1@example.org"])
    assert message.subject == "Nhắc gửi báo cáo: Báo cáo năm 2022 — Phòng Một"
    assert "còn 5 ngày (hạn 05/12/2022)" in message.body
    again = run("30/11/2022", hour=9)
    assert (again.emails, again.notifications, again.already_sent) == (0, 0, 23)

    for name in DEPARTMENTS:
        submit(world, rnd, name, all_done("100"), "01/12/2022")
    for name in ("Xã Một", "Xã Hai", "Xã Ba", "Xã Bốn", "Xã Năm"):
        submit(world, rnd, name, all_done("99", "2"), "01/12/2022")

    r = run("05/12/2022", hour=10)
    assert sorted((d.unit.name, d.kind) for d in r.dues) == [
        ("Xã Bảy", ReminderKind.DUE_TODAY),
        ("Xã Sáu", ReminderKind.DUE_TODAY),
    ]
    assert (r.emails, r.notifications) == (2, 2)
    r = run("06/12/2022")
    assert [d.kind for d in r.dues] == [ReminderKind.LATE, ReminderKind.LATE]
    assert (r.emails, r.notifications) == (2, 2)
    assert "đã quá hạn 1 ngày (hạn 05/12/2022)" in mailoutbox[-1].body
    r = run("06/12/2022", hour=15)
    assert (r.emails, r.notifications, r.already_sent) == (0, 0, 4)

    services.grant_extension(
        world.coordinator, rnd, world.unit("Xã Sáu"), "14/12/2022", "Thiên tai", now=at("07/12/2022")
    )
    submit(world, rnd, "Xã Bảy", all_done("99", "2"), "09/12/2022")
    r = run("09/12/2022")  # Xã Bảy has sent; Xã Sáu's new due date is 5 days away: a new reminder
    assert [(d.unit.name, d.kind, d.due_on) for d in r.dues] == [
        ("Xã Sáu", ReminderKind.DUE_SOON, dt.date(2022, 12, 14))
    ]
    assert (r.emails, r.notifications) == (1, 1)
    r = run("12/12/2022", days_before=3)
    assert (r.emails, r.notifications, r.already_sent) == (0, 0, 2)  # that one went out on 09/12
    r = run("14/12/2022")
    assert (r.emails, r.notifications) == (1, 1)
    assert run("15/12/2022").dues == []  # past its extended lock date: nothing more to chase

    assert len(mailoutbox) == 11 + 2 + 2 + 1 + 1  # due soon, today, late; new date: soon, today
    assert ReminderLog.objects.count() == 35
    assert ReminderLog.objects.filter(channel="email").count() == 17
    sau = world.officer("Xã Sáu")
    assert Notification.objects.filter(user=sau).count() == 6  # five reminders and the extension
    # The second officer of Phòng Một has no e-mail: in-app only.
    assert (
        ReminderLog.objects.filter(user=world.extra_officer).values_list("channel", flat=True).get() == "app"
    )


def test_dry_run_and_command(world, mailoutbox, capsys):
    r = send_reminders(at("30/11/2022"), days_before=5, dry_run=True)
    assert (r.emails, r.notifications) == (11, 12)
    assert not ReminderLog.objects.exists() and mailoutbox == []
    call_command("send_reminders", "--today", "2022-12-05", "--days-before", "3")
    assert "Đã gửi 11 thư, 12 thông báo" in capsys.readouterr().out
    call_command("send_reminders", "--today", "2022-12-05")
    assert "Đã gửi 0 thư, 0 thông báo; 23 nhắc việc đã gửi trước đó" in capsys.readouterr().out


def test_failed_email_is_retried_next_run(world, mailoutbox, monkeypatch):
    from django.core.mail import EmailMessage

    original = EmailMessage.send
    calls = {"n": 0}

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("SMTP down")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", flaky)
    r = send_reminders(at("05/12/2022"), days_before=0)
    assert (r.emails, r.failed) == (10, 1)
    r = send_reminders(at("05/12/2022", 11), days_before=0)
    assert (r.emails, r.failed) == (1, 0)
    assert len(mailoutbox) == 11


def test_lower_plan_reminders(world, mailoutbox):
    """A unit whose implementing plan is still a draft is reminded of the upper plan's deadline."""
    from chiso.plans import services as plan_services
    from chiso.plans.cascade import cascade_plan

    plan = world.plan
    plan_services.set_lower_plan_deadline(None, plan, version=plan.version, due_on="01/03/2022")
    cascade_plan(None, plan, [world.unit("Xã Một").pk])
    r = send_reminders(dt.datetime(2022, 2, 27, 8, tzinfo=TZ), days_before=3)
    assert [(d.subject, d.unit.name, d.kind) for d in r.dues] == [
        ("lower_plan", "Xã Một", ReminderKind.DUE_SOON)
    ]
    assert mailoutbox[0].subject == "Nhắc ban hành kế hoạch: Kế hoạch 12/KH-UBND — Xã Một"
