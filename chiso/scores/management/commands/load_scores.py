from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chiso.core.actors import system_actor
from chiso.frameworks.reference import ReferenceDataError
from chiso.scores.reference import load_scores


class Command(BaseCommand):
    help = "Nạp kết quả PAPI cấp tỉnh 2018–2024 và tính số liệu quy đổi cho các tỉnh mới (chạy lại không tạo trùng)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=None, help="Thư mục dữ liệu (mặc định data/indices).")

    def handle(self, *args, **options):
        try:
            report = load_scores(options["dir"], actor=system_actor())
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
        for note in report.notes:
            self.stderr.write(note)
        if options["verbosity"] > 0:
            self.stdout.write(report.summary())
