"""`chiso import_scores FILE [--replace]`: import index results from .xlsx/.csv.

Exit 0 with a one-line summary; exit 2 with one line per rejected row on stderr ("Dòng N: …"),
nothing saved. `--template OUT.xlsx|OUT.csv [--framework PAPI --year 2024 --unit CODE …]` writes the
template instead (pre-filled with one row per unit × criterion when a framework and year are given).
The command acts as the system actor (`chiso.core.actors.system_actor`), for every unit.
"""

import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from chiso.core.actors import system_actor
from chiso.scores.import_forms import Lookups
from chiso.scores.imports import import_scores, template_csv, template_rows, template_xlsx


class Command(BaseCommand):
    help = "Nhập kết quả chỉ số từ tệp .xlsx hoặc .csv (hoặc tạo tệp mẫu với --template)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Tệp .xlsx hoặc .csv cần nhập")
        parser.add_argument("--replace", action="store_true", help="Thay thế kết quả đã có (ghi nhật ký)")
        parser.add_argument("--template", metavar="OUT", help="Ghi tệp mẫu (.xlsx hoặc .csv) rồi dừng")
        parser.add_argument("--framework", help="Bộ chỉ số để điền sẵn tệp mẫu, ví dụ PAPI")
        parser.add_argument("--year", type=int, help="Năm để điền sẵn tệp mẫu")
        parser.add_argument(
            "--unit", action="append", default=[], help="Mã đơn vị để điền sẵn (lặp lại được)"
        )

    def handle(self, *args, **options):
        if options["template"]:
            return self._template(options)
        if not options["file"]:
            raise CommandError(_("Hãy chỉ ra tệp cần nhập, hoặc --template để tạo tệp mẫu."))
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError:
            self.stderr.write(_("Không đọc được tệp “%(f)s”.") % {"f": path})
            sys.exit(2)
        result = import_scores(data, path.name, system_actor(), replace=options["replace"])
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            sys.exit(2)
        self.stdout.write(result.summary.text())

    def _template(self, options):
        out = Path(options["template"])
        version = units = None
        year = options["year"]
        if options["framework"] or year:
            if not (options["framework"] and year):
                raise CommandError(_("Cần cả --framework và --year để điền sẵn tệp mẫu."))
            lookups = Lookups(system_actor())
            try:
                framework = lookups.framework(options["framework"])
                version = lookups.version(framework, year, "")
                units = [lookups.unit(code, "", year) for code in options["unit"]]
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        rows = template_rows(version, year, units or [])
        data = template_csv(rows) if out.suffix.lower() == ".csv" else template_xlsx(rows)
        out.write_bytes(data)
        self.stdout.write(_("Đã ghi tệp mẫu %(f)s (%(n)d dòng).") % {"f": out, "n": len(rows)})
