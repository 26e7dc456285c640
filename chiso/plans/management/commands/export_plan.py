"""chiso export_plan "154/KH-UBND" --issuer "UBND huyện Vị Xuyên" --format docx --output FILE"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from chiso.core.vndates import short_date
from chiso.plans.export import plan_file_name, write_plan_docx, write_plan_xlsx
from chiso.plans.lookup import find_plans

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
            plans = find_plans(number_symbol, issuer, year)
        except ValidationError as exc:
            raise CommandError(exc.messages[0], returncode=NOT_FOUND) from exc
        if not plans:
            raise CommandError(
                f"Không tìm thấy kế hoạch số {number_symbol} của “{issuer}”"
                + (f" năm {year}" if year else "")
                + ". Kiểm tra lại số, ký hiệu và tên hoặc mã cơ quan ban hành.",
                returncode=NOT_FOUND,
            )
        if len(plans) > 1:
            listing = "; ".join(
                f"{p.issuer.name} ({p.issuer.code or p.issuer.ref or p.issuer.pk}), ngày {short_date(p.issued_on) or 'chưa ban hành'}"
                for p in plans
            )
            raise CommandError(
                f"Có {len(plans)} kế hoạch số {number_symbol} khớp với “{issuer}”: {listing}. "
                "Hãy ghi rõ mã cơ quan ban hành hoặc thêm --year.",
                returncode=NOT_FOUND,
            )
        plan = plans[0]
        path = Path(output) if output else Path(plan_file_name(plan, fmt))
        try:
            with path.open("wb") as handle:
                (write_plan_docx if fmt == "docx" else write_plan_xlsx)(plan, handle)
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp {path}: {exc.strerror}.") from exc
        self.stdout.write(f"Đã xuất Kế hoạch {plan.number_symbol} của {plan.issuer.name} ra {path}")
