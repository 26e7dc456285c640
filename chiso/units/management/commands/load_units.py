from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chiso.units.reference import ReferenceDataError, load_reference


class Command(BaseCommand):
    help = "Nạp danh mục đơn vị hành chính trước và sau 01/7/2025 (chạy lại không tạo trùng)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=None, help="Thư mục dữ liệu (mặc định data/units).")

    def handle(self, *args, **options):
        try:
            report = load_reference(options["dir"])
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] == 0:
            return
        for note in report.notes:
            self.stderr.write(note)
        self.stdout.write(
            f"Đơn vị: {report.created} tạo mới, {report.updated} cập nhật, {report.unchanged} không đổi; "
            f"thay đổi: {report.changes_created} tạo mới; liên kết kế thừa: {report.edges_created} tạo mới."
        )
