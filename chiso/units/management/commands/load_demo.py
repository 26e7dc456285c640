from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from chiso.units.demo import ACCOUNTS, DEMO_PASSWORD, build_demo_world

# Each app that has demo content adds a `build_demo_*` function; they run in this order.
DEMO_BUILDERS = [
    ("chiso.plans.demo", "build_demo_plans"),
    ("chiso.reporting.demo", "build_demo_reporting"),
    ("chiso.plans.demo", "build_demo_province_plan"),
    ("chiso.reporting.demo", "build_demo_current_reporting"),
]


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
        with transaction.atomic():
            world = build_demo_world()
            for module_name, function_name in DEMO_BUILDERS:
                try:
                    module = import_module(module_name)
                except ModuleNotFoundError as exc:
                    if exc.name is None or not module_name.startswith(exc.name):
                        raise
                    continue
                getattr(module, function_name)()
        self.stdout.write(f"Dữ liệu demo: {world['province'].name}, {len(world['communes'])} xã/phường.")
        self.stdout.write(f"Tài khoản demo (mật khẩu {DEMO_PASSWORD}):")
        for account in ACCOUNTS:
            self.stdout.write(f"  {account.username:14} {account.full_name}")
