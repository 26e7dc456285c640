"""chiso load_demo: the demo world (Tuyên Quang), its plans, reports, figures and accounts.

It lives in the top app because it builds content of every app, in order: units and accounts,
plans, reporting rounds, the one-stop-shop figures of the demo units, and the index results
(loaded with the reference data; the demo province is a merged one, so its series is derived).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from chiso.core.actors import system_actor
from chiso.frameworks.models import Framework
from chiso.measures.demo import load_demo_observations
from chiso.plans.demo import build_demo_plans, build_demo_province_plan
from chiso.reporting.demo import build_demo_current_reporting, build_demo_reporting
from chiso.reporting.expected import expected_for_round
from chiso.scores.models import ScoreSet
from chiso.scores.reference import load_scores
from chiso.units.demo import ACCOUNTS, DEMO_COMMUNES, DEMO_PASSWORD, build_demo_world
from chiso.units.models import Role, Unit


class Command(BaseCommand):
    help = "Tạo dữ liệu trình diễn: tỉnh Tuyên Quang, các đơn vị, kế hoạch mẫu và tài khoản demo."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Chạy cả khi DEBUG tắt (không dùng trên máy thật)."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG đang tắt: không tạo dữ liệu demo trên hệ thống thật. Dùng --force nếu chắc chắn."
            )
        actor = system_actor()
        with transaction.atomic():
            world = build_demo_world(actor)
            build_demo_plans(actor)
            rounds = build_demo_reporting(actor)
            build_demo_province_plan(actor)
            current = build_demo_current_reporting(actor)
            all_rounds = [*rounds, *([current] if current else [])]
            for rnd in all_rounds:
                units = [expected.unit for expected in expected_for_round(rnd).units.values()]
                load_demo_observations(units, [rnd], actor)
            papi = Framework.objects.filter(code="PAPI", owner__isnull=True).first()
            if papi is not None and not ScoreSet.objects.filter(version__framework=papi).exists():
                load_scores(actor=actor)
        self.stdout.write(f"Dữ liệu demo: {world['province'].name}, {len(world['communes'])} xã/phường.")
        self.stdout.write(f"Tài khoản demo (mật khẩu {DEMO_PASSWORD}):")
        for account in ACCOUNTS:
            role = Role(account.role).label
            where = Unit.objects.get(ref=account.unit_ref).name if account.unit_ref else DEMO_COMMUNES[0]
            self.stdout.write(f"  {account.username:14} {account.full_name} — {role}, {where}")
