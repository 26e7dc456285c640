from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Nạp toàn bộ dữ liệu tham chiếu theo thứ tự: đơn vị hành chính, bộ chỉ số, số liệu đo lường, "
        "kết quả chỉ số (chạy lại không tạo trùng)."
    )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        for name in ("load_units", "load_frameworks", "load_measures", "load_scores"):
            if name in get_commands():
                call_command(name, verbosity=verbosity)
