"""Reminders: e-mail and in-app notifications to the officers of units whose report (or lower
plan) is due in a few days, due today, or late.

`send_reminders` is run every hour from cron (`chiso send_reminders`). Each reminder has a key
(what, which round or plan, which unit, which kind, which due date, which user, which channel);
the key is unique in `ReminderLog`, so a reminder is never sent twice, even by two runs at once.
The log row is written (and committed) before the e-mail goes out and removed if sending fails,
so a failed e-mail is tried again on the next run.

Rules: a unit that has not sent its report is reminded once when its due date (the round's, or
its extension) is at most `days_before` days away, once on the day, and once after it, as long
as it can still send (until its lock date). A unit whose implementing plan is still a draft is
reminded the same way about the upper plan's deadline for lower plans.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.core.vndates import short_date
from chiso.plans.models import Plan, PlanState
from chiso.reporting.expected import expected_for_round
from chiso.reporting.models import (
    Notification,
    ReminderKind,
    ReminderLog,
    ReportingRound,
    RoundExtension,
    UnitReport,
)
from chiso.reporting.status import unit_due, unit_lock
from chiso.units.models import Membership, Role, Unit

log = logging.getLogger(__name__)

DEFAULT_DAYS_BEFORE = 3
RECIPIENT_ROLES = [Role.OFFICER, Role.COORDINATOR, Role.ADMIN]


@dataclass(frozen=True)
class Due:
    """Something a unit must send, and how urgent it is."""

    subject: str  # ReminderLog.Subject
    kind: str  # ReminderKind
    unit: Unit
    due_on: dt.date
    title: str
    url: str
    round: ReportingRound | None = None
    plan: Plan | None = None

    def key(self, user_id: int, channel: str) -> str:
        what = f"r{self.round.pk}" if self.round is not None else f"p{self.plan.pk}"
        return f"{self.subject}:{what}:u{self.unit.pk}:{self.kind}:{self.due_on.isoformat()}:user{user_id}:{channel}"

    def message(self, today: dt.date) -> tuple[str, str]:
        days = (self.due_on - today).days
        if self.kind == ReminderKind.DUE_SOON:
            when = _("còn %(n)d ngày (hạn %(d)s)") % {"n": days, "d": short_date(self.due_on)}
        elif self.kind == ReminderKind.DUE_TODAY:
            when = _("hôm nay là hạn cuối (%(d)s)") % {"d": short_date(self.due_on)}
        else:
            when = _("đã quá hạn %(n)d ngày (hạn %(d)s)") % {"n": -days, "d": short_date(self.due_on)}
        if self.subject == ReminderLog.Subject.REPORT:
            subject = _("Nhắc gửi báo cáo: %(t)s — %(u)s") % {"t": self.title, "u": self.unit.name}
            body = _("%(u)s chưa gửi %(t)s: %(when)s.") % {
                "u": self.unit.name,
                "t": self.title.lower(),
                "when": when,
            }
        else:
            subject = _("Nhắc ban hành kế hoạch: %(t)s — %(u)s") % {"t": self.title, "u": self.unit.name}
            body = _("%(u)s chưa ban hành kế hoạch thực hiện %(t)s: %(when)s.") % {
                "u": self.unit.name,
                "t": self.title,
                "when": when,
            }
        return subject, body


def _kind(due_on: dt.date, today: dt.date, days_before: int) -> str | None:
    days = (due_on - today).days
    if days == 0:
        return ReminderKind.DUE_TODAY
    if 0 < days <= days_before:
        return ReminderKind.DUE_SOON
    if days < 0:
        return ReminderKind.LATE
    return None


def reports_due(today: dt.date, days_before: int = DEFAULT_DAYS_BEFORE, rounds=None) -> list[Due]:
    """Units that have not sent their report in a round that is due soon, today, or late but open
    (among `rounds`, a queryset of rounds, when given)."""
    rounds = (
        (ReportingRound.objects.all() if rounds is None else rounds)
        .filter(due_on__lte=today + dt.timedelta(days=days_before), opens_on__lte=today)
        .filter(Q(locks_on__gte=today) | Q(extensions__due_on__gte=today))
        .exclude(plan__state=PlanState.DRAFT)
        .select_related("plan", "plan__issuer")
        .distinct()
        .order_by("due_on", "pk")
    )
    dues: list[Due] = []
    for rnd in rounds:
        expectation = expected_for_round(rnd)
        sent = set(
            UnitReport.objects.filter(round=rnd, first_submitted_at__isnull=False).values_list(
                "unit_id", flat=True
            )
        )
        extensions = dict(RoundExtension.objects.filter(round=rnd).values_list("unit_id", "due_on"))
        for unit_id, entry in expectation.units.items():
            if unit_id in sent:
                continue
            extension = extensions.get(unit_id)
            if today > unit_lock(rnd, extension):
                continue
            due_on = unit_due(rnd, extension)
            kind = _kind(due_on, today, days_before)
            if kind is None:
                continue
            dues.append(
                Due(
                    subject=ReminderLog.Subject.REPORT,
                    kind=kind,
                    unit=entry.unit,
                    due_on=due_on,
                    title=rnd.title,
                    url=f"/reporting/rounds/{rnd.pk}/units/{unit_id}/report/",
                    round=rnd,
                    plan=rnd.plan,
                )
            )
    return dues


def lower_plans_due(today: dt.date, days_before: int = DEFAULT_DAYS_BEFORE) -> list[Due]:
    """Units whose implementing plan (cascaded from an issued upper plan) is still a draft near or past its deadline."""
    dues = []
    drafts = (
        Plan.objects.drafts()
        .filter(upper_plan__state=PlanState.ISSUED)
        .select_related("issuer", "upper_plan", "upper_plan__issuer")
        .order_by("pk")
    )
    for draft in drafts:
        deadline = draft.upper_plan.lower_plan_deadline()
        if deadline is None or (deadline - today).days < -60:
            continue
        kind = _kind(deadline, today, days_before)
        if kind is None:
            continue
        dues.append(
            Due(
                subject=ReminderLog.Subject.LOWER_PLAN,
                kind=kind,
                unit=draft.issuer,
                due_on=deadline,
                title=_("Kế hoạch %(ns)s") % {"ns": draft.upper_plan.number_symbol},
                url=f"/plans/{draft.pk}/",
                plan=draft,
            )
        )
    return dues


@dataclass
class SendResult:
    emails: int = 0
    notifications: int = 0
    already_sent: int = 0
    failed: int = 0
    dues: list[Due] = field(default_factory=list)


def site_url(path: str) -> str:
    base = getattr(settings, "CHISO_SITE_URL", "") or ""
    return f"{base.rstrip('/')}{path}" if base else path


def send_reminders(
    now: dt.datetime | None = None, days_before: int = DEFAULT_DAYS_BEFORE, dry_run: bool = False
) -> SendResult:
    """Send every reminder due at `now` that has not been sent before."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = SendResult()
    dues = reports_due(today, days_before) + lower_plans_due(today, days_before)
    result.dues = dues
    if not dues:
        return result
    members = _recipients(dues)
    planned = []
    for due in dues:
        for user in members.get(due.unit.pk, []):
            planned.append((due, user, ReminderLog.Channel.APP))
            if user.email:
                planned.append((due, user, ReminderLog.Channel.EMAIL))
    keys = [due.key(user.pk, channel) for due, user, channel in planned]
    done = set(ReminderLog.objects.filter(key__in=keys).values_list("key", flat=True))
    for (due, user, channel), key in zip(planned, keys, strict=True):
        if key in done:
            result.already_sent += 1
            continue
        if dry_run:
            result.emails += channel == ReminderLog.Channel.EMAIL
            result.notifications += channel == ReminderLog.Channel.APP
            continue
        _count(result, _deliver(due, user, channel, key, now, today))
    return result


def _recipients(dues: list[Due]) -> dict[int, list]:
    """The active officers, coordinators and admins of each unit of `dues`, by unit id."""
    members: dict[int, list] = {}
    for m in (
        Membership.objects.filter(
            unit_id__in={d.unit.pk for d in dues}, role__in=RECIPIENT_ROLES, user__is_active=True
        )
        .select_related("user")
        .order_by("user_id")
    ):
        users = members.setdefault(m.unit_id, [])
        if all(u.pk != m.user_id for u in users):
            users.append(m.user)
    return members


def _count(result: SendResult, outcome: str) -> None:
    if outcome == "app":
        result.notifications += 1
    elif outcome == "email":
        result.emails += 1
    elif outcome == "already":
        result.already_sent += 1
    else:
        result.failed += 1


def _deliver(due: Due, user, channel: str, key: str, now: dt.datetime, today: dt.date) -> str:
    """Log and send one reminder: "app", "email", "already" (the key was taken) or "failed"."""
    subject, body = due.message(today)
    try:
        with transaction.atomic():
            entry = ReminderLog.objects.create(
                key=key,
                subject=due.subject,
                kind=due.kind,
                channel=channel,
                round=due.round,
                plan=due.plan,
                unit=due.unit,
                user=user,
                recipient=user.email if channel == ReminderLog.Channel.EMAIL else user.get_username(),
                due_on=due.due_on,
                sent_at=now,
            )
            if channel == ReminderLog.Channel.APP:
                Notification.objects.create(user=user, title=subject[:300], body=body, url=due.url)
    except IntegrityError:
        return "already"  # another run sent it a moment ago
    if channel == ReminderLog.Channel.APP:
        return "app"
    try:
        EmailMessage(
            subject=subject,
            body=f"{body}\n\n" + _("Xem và gửi báo cáo tại") + f": {site_url(due.url)}\n\n-- chiso",
            to=[user.email],
        ).send()
    except Exception:
        log.exception("reminder e-mail to %s failed", user.email)
        ReminderLog.objects.filter(pk=entry.pk).delete()
        return "failed"
    return "email"


@dataclass
class RemindResult:
    """What a reminder sent by hand did, per unit: in-app notifications and e-mails sent."""

    sent: SendResult = field(default_factory=SendResult)
    without_email: list[Unit] = field(default_factory=list)
    without_recipient: list[Unit] = field(default_factory=list)


def remind_now(dues: list[Due], now: dt.datetime | None = None) -> RemindResult:
    """Remind these units at once (a coordinator's click), whatever was sent before.

    Each recipient gets an in-app notification, and an e-mail when they have an address; a unit
    with nobody to notify, or nobody with an e-mail address, is listed so the page can say so.
    The caller checks that the user coordinates each due's round."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = RemindResult()
    result.sent.dues = dues
    members = _recipients(dues)
    stamp = now.strftime("%Y%m%d%H%M%S%f")
    for due in dues:
        users = members.get(due.unit.pk, [])
        if not users:
            result.without_recipient.append(due.unit)
            continue
        if not any(u.email for u in users):
            result.without_email.append(due.unit)
        for user in users:
            channels = [ReminderLog.Channel.APP] + ([ReminderLog.Channel.EMAIL] if user.email else [])
            for channel in channels:
                key = f"manual:{stamp}:{due.key(user.pk, channel)}"[:200]
                _count(result.sent, _deliver(due, user, channel, key, now, today))
    return result
