from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chiso.frameworks.reference import ReferenceDataError, load_frameworks


class Command(BaseCommand):
    help = "Nạp các bộ chỉ số quốc gia (PAPI, PAR INDEX, SIPAS, PCI, DDCI mẫu); chạy lại không tạo trùng."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", type=Path, default=None, help="Thư mục dữ liệu bộ chỉ số (mặc định data/frameworks)."
        )

    def handle(self, *args, **options):
        try:
            report = load_frameworks(options["dir"])
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
        for note in report.notes:
            self.stderr.write(note)
        if options["verbosity"] > 0:
            self.stdout.write(report.summary())
