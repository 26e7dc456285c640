"""chiso send_reminders: run every hour from cron; a reminder is never sent twice."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from chiso.reporting.reminders import DEFAULT_DAYS_BEFORE, send_reminders


class Command(BaseCommand):
    help = "Gửi thư điện tử và thông báo nhắc hạn báo cáo, hạn ban hành kế hoạch (chạy hằng giờ bằng cron)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days-before",
            type=int,
            default=DEFAULT_DAYS_BEFORE,
            help="Nhắc trước hạn bao nhiêu ngày (mặc định 3)",
        )
        parser.add_argument("--dry-run", action="store_true", help="Chỉ đếm, không gửi")
        parser.add_argument("--today", help="Coi hôm nay là ngày này (YYYY-MM-DD), để chạy bù")

    def handle(self, days_before, dry_run, today=None, **options):
        if not 0 <= days_before <= 60:
            raise CommandError("--days-before phải từ 0 đến 60.")
        now = timezone.now()
        if today:
            try:
                day = dt.date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError(f"--today: “{today}” không phải ngày dạng YYYY-MM-DD.") from exc
            now = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 0)))
        result = send_reminders(now, days_before, dry_run)
        verb = "Sẽ gửi" if dry_run else "Đã gửi"
        self.stdout.write(
            f"{verb} {result.emails} thư, {result.notifications} thông báo; "
            f"{result.already_sent} nhắc việc đã gửi trước đó; {result.failed} thư lỗi."
        )
        if result.failed:
            raise CommandError(f"{result.failed} thư không gửi được; sẽ thử lại ở lần chạy sau.")
