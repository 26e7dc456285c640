"""chiso export_plan "154/KH-UBND" --issuer "UBND huyện Vị Xuyên" --format docx --output FILE"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chiso.plans.export import plan_file_name, write_plan_docx, write_plan_xlsx
from chiso.plans.lookup import PlanLookupError, find_one_plan

NOT_FOUND = 2


class Command(BaseCommand):
    help = "Xuất một kế hoạch ra .docx (thể thức Nghị định 30/2020/NĐ-CP) hoặc bảng nhiệm vụ ra .xlsx."

    def add_arguments(self, parser):
        parser.add_argument("number_symbol", help="Số, ký hiệu, ví dụ 154/KH-UBND")
        parser.add_argument(
            "--issuer", required=True, help="Cơ quan ban hành (tên, ví dụ “UBND huyện Vị Xuyên”, hoặc mã)"
        )
        parser.add_argument("--format", choices=["docx", "xlsx"], default="docx", dest="fmt")
        parser.add_argument("--year", type=int, help="Năm của số văn bản, khi cùng số có ở nhiều năm")
        parser.add_argument(
            "--output", help="Tệp ghi ra (mặc định: tên theo số kế hoạch, trong thư mục hiện tại)"
        )

    def handle(self, number_symbol, issuer, fmt, year=None, output=None, **options):
        try:
            plan = find_one_plan(number_symbol, issuer, year)
        except PlanLookupError as exc:
            raise CommandError(str(exc), returncode=NOT_FOUND) from exc
        path = Path(output) if output else Path(plan_file_name(plan, fmt))
        try:
            with path.open("wb") as handle:
                (write_plan_docx if fmt == "docx" else write_plan_xlsx)(plan, handle)
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp {path}: {exc.strerror}.") from exc
        self.stdout.write(f"Đã xuất Kế hoạch {plan.number_symbol} của {plan.issuer.name} ra {path}")
