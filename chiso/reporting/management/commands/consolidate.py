"""chiso consolidate "154/KH-UBND" --issuer "UBND huyện Vị Xuyên" --round 1 --format docx --output FILE"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chiso.plans.lookup import PlanLookupError
from chiso.reporting.consolidation import consolidate
from chiso.reporting.export import file_name, write_consolidated_docx, write_consolidated_xlsx
from chiso.reporting.lookup import find_round

NOT_FOUND = 2


class Command(BaseCommand):
    help = "Xuất báo cáo tổng hợp một kỳ báo cáo của kế hoạch ra .docx (Nghị định 30/2020/NĐ-CP) hoặc .xlsx."

    def add_arguments(self, parser):
        parser.add_argument("number_symbol", help="Số, ký hiệu kế hoạch, ví dụ 154/KH-UBND")
        parser.add_argument("--issuer", required=True, help="Cơ quan ban hành kế hoạch (tên hoặc mã)")
        parser.add_argument(
            "--round", type=int, required=True, dest="round_number", help="Kỳ báo cáo số (1, 2, …)"
        )
        parser.add_argument("--format", choices=["docx", "xlsx"], default="docx", dest="fmt")
        parser.add_argument("--year", type=int, help="Năm của số kế hoạch, khi cùng số có ở nhiều năm")
        parser.add_argument("--output", help="Tệp ghi ra (mặc định: tên theo số kế hoạch và kỳ)")

    def handle(self, number_symbol, issuer, round_number, fmt, year=None, output=None, **options):
        try:
            rnd = find_round(number_symbol, issuer, round_number, year)
        except PlanLookupError as exc:
            raise CommandError(str(exc), returncode=NOT_FOUND) from exc
        plan = rnd.plan
        result = consolidate(rnd)
        path = Path(output) if output else Path(file_name(result, fmt))
        try:
            with path.open("wb") as handle:
                (write_consolidated_docx if fmt == "docx" else write_consolidated_xlsx)(result, handle)
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp {path}: {exc.strerror}.") from exc
        self.stdout.write(
            f"Đã xuất báo cáo tổng hợp “{rnd.title}” của Kế hoạch {plan.number_symbol} "
            f"({len(result.approved_units)}/{result.expected} đơn vị có báo cáo được duyệt) ra {path}"
        )
