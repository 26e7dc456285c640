from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chiso.core.actors import system_actor
from chiso.measures.reference import MeasureDataError, load_measures


class Command(BaseCommand):
    help = "Nạp các số liệu đo lường chuẩn (data/measures/measures.json); chạy lại không tạo trùng."

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", type=Path, default=None, help="Tệp số liệu (mặc định data/measures/measures.json)."
        )

    def handle(self, *args, **options):
        try:
            report = load_measures(system_actor(), options["file"])
        except MeasureDataError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] > 0:
            self.stdout.write(report.summary())
