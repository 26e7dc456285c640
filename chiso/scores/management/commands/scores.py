import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from chiso.frameworks.models import Framework
from chiso.scores.analytics import results_json, unit_results
from chiso.units.lookup import UnitLookupError, find_unit


def _day(text: str) -> dt.date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CommandError(_("Ngày “%(text)s” không hợp lệ (dạng 31/12/2024 hoặc 2024-12-31).") % {"text": text})


class Command(BaseCommand):
    help = "In kết quả chỉ số của một đơn vị (thứ hạng, thay đổi, chỉ số nội dung yếu) dưới dạng JSON."

    def add_arguments(self, parser):
        parser.add_argument("unit", help="Tên (ví dụ “Thanh Hóa”, “Tỉnh Thanh Hóa”) hoặc mã đơn vị.")
        parser.add_argument("--framework", default="PAPI", help="Mã bộ chỉ số (mặc định PAPI).")
        parser.add_argument("--year", type=int, default=None, help="Năm đánh giá (mặc định năm gần nhất).")
        parser.add_argument(
            "--as-of", default=None, help="Tìm đơn vị còn hiệu lực vào ngày này (mặc định hôm nay)."
        )
        parser.add_argument("--json", action="store_true", help="In JSON (mặc định).")

    def handle(self, *args, **options):
        try:
            unit = find_unit(options["unit"], _day(options["as_of"]) if options["as_of"] else None)
        except UnitLookupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        framework = Framework.objects.filter(code__iexact=options["framework"], owner__isnull=True).first()
        if framework is None:
            raise CommandError(
                _("Không có bộ chỉ số “%(code)s”.") % {"code": options["framework"]}, returncode=2
            )
        results = unit_results(unit, framework, options["year"])
        if results is None:
            if options["year"]:
                message = _("%(unit)s chưa có kết quả %(framework)s năm %(year)d trong chiso.")
            else:
                message = _("%(unit)s chưa có kết quả %(framework)s trong chiso.")
            values = {"unit": unit.name, "framework": framework.short_name, "year": options["year"]}
            raise CommandError(message % values, returncode=2)
        self.stdout.write(json.dumps(results_json(results), ensure_ascii=False, indent=2))
