"""chiso import_measures FILE [--replace]: observations from a .csv/.xlsx; exit 2 with the rejected rows."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chiso.core.actors import system_actor
from chiso.measures.imports import TableError, import_file

REJECTED = 2


class Command(BaseCommand):
    help = (
        "Nhập số liệu đo lường (giá trị theo đơn vị và kỳ) từ tệp .csv hoặc .xlsx; "
        "có dòng bị từ chối thì không lưu dòng nào."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Tệp .csv hoặc .xlsx")
        parser.add_argument(
            "--replace", action="store_true", help="Thay thế giá trị đã có khi cùng đơn vị, số liệu và kỳ."
        )

    def handle(self, file: Path, replace: bool = False, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {file}: {exc.strerror}.", returncode=REJECTED) from exc
        try:
            result = import_file(file.name, data, None, system_actor(), replace=replace)
        except TableError as exc:
            raise CommandError(f"{file}: {exc}", returncode=REJECTED) from exc
        if not result.ok:
            for error in result.errors:
                self.stderr.write(error.message())
            raise CommandError(result.summary(), returncode=REJECTED)
        self.stdout.write(result.summary())
