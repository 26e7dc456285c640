"""chiso gap_analysis "58/KH-UBND" --issuer "UBND tỉnh Tuyên Quang" --json"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from chiso.plans.lookup import PlanLookupError, find_one_plan
from chiso.scores.gaps import gap_analysis, gap_json


class Command(BaseCommand):
    help = "In phân tích khoảng trống: kết quả chỉ số yếu, giảm và số nhiệm vụ kế hoạch nhắm vào đó (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("number_symbol", help="Số, ký hiệu, ví dụ 58/KH-UBND")
        parser.add_argument(
            "--issuer", required=True, help="Cơ quan ban hành (tên, ví dụ “UBND tỉnh Tuyên Quang”, hoặc mã)"
        )
        parser.add_argument("--year", type=int, help="Năm của số văn bản, khi cùng số có ở nhiều năm")
        parser.add_argument("--json", action="store_true", help="In JSON (mặc định).")

    def handle(self, number_symbol, issuer, year=None, **options):
        try:
            plan = find_one_plan(number_symbol, issuer, year)
        except PlanLookupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        analyses = gap_analysis(plan)
        if not analyses:
            raise CommandError(
                _("Kế hoạch %(number)s chưa gắn với bộ chỉ số nào nên không phân tích được.")
                % {"number": plan.number_symbol},
                returncode=2,
            )
        self.stdout.write(json.dumps(gap_json(analyses), ensure_ascii=False, indent=2))
