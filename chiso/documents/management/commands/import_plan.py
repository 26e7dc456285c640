"""`chiso import_plan PATH [--json]`: read a plan (.docx, .pdf, .md/.txt) and print what it holds.

Exit 0 with one JSON object (warnings included) or a Vietnamese summary; exit 2 with one line on
stderr when the file cannot be read or holds no plan.
"""

import json
import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from chiso.core.vndates import short_date
from chiso.documents.errors import DocumentImportError
from chiso.documents.limits import DEFAULT_LIMITS, Limits
from chiso.documents.parser import ParsedPlan, parse_document

WHAT = {
    "lower_plan": "Ban hành kế hoạch cấp dưới",
    "report": "Báo cáo",
    "data_cutoff": "Chốt số liệu",
    "other": "Thời hạn khác",
}
PERIOD = {
    "half_year": "6 tháng",
    "year": "năm",
    "quarter": "quý",
    "nine_months": "9 tháng",
    "interim": "sơ kết",
    "final": "tổng kết",
}


class Command(BaseCommand):
    help = "Đọc một kế hoạch (.docx, .pdf, .md, .txt) và in ra thông tin chung, văn bản liên quan, thời hạn và nhiệm vụ."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Tệp kế hoạch")
        parser.add_argument("--json", action="store_true", help="In một đối tượng JSON")
        parser.add_argument(
            "--issuer", help="Đơn vị ban hành (ref hoặc id) để đối chiếu đơn vị chủ trì, phối hợp"
        )
        parser.add_argument(
            "--no-resolve", action="store_true", help="Không đối chiếu đơn vị và tiêu chí với cơ sở dữ liệu"
        )
        parser.add_argument(
            "--timeout", type=float, default=DEFAULT_LIMITS.max_seconds, help="Giới hạn thời gian (giây)"
        )

    def handle(self, *args, **options):
        limits = Limits(max_seconds=max(1.0, options["timeout"]))
        try:
            plan = parse_document(
                options["path"],
                issuer=options.get("issuer"),
                limits=limits,
                resolve=not options["no_resolve"],
            )
        except DocumentImportError as exc:
            self.stderr.write(_("Lỗi: %(m)s") % {"m": " ".join(str(exc.message).split())})
            sys.exit(2)
        if options["json"]:
            self.stdout.write(json.dumps(plan.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(summary(plan))


def summary(plan: ParsedPlan) -> str:
    header = plan.header
    lines = []
    number = f"{header.number or '…'}/{header.symbol}" if header.symbol else (header.number or "…")
    lines.append(
        f"{header.doc_type or 'Kế hoạch'} số {number} ngày {short_date(header.issued_on) or '…'} — "
        f"{header.issuer or 'không rõ cơ quan ban hành'}" + (f" ({header.place})" if header.place else "")
    )
    if plan.issuer_unit:
        lines.append(
            f"Đơn vị ban hành trong hệ thống: {plan.issuer_unit['name']} [{plan.issuer_unit['ref']}]"
        )
    lines.append(f"Tên: {header.title or '—'}")
    if header.period_start:
        lines.append(f"Kỳ kế hoạch: {short_date(header.period_start)} – {short_date(header.period_end)}")
    for label, references in (("Thực hiện", header.implements), ("Thay thế", header.supersedes)):
        for reference in references:
            lines.append(
                f"{label}: {reference.kind} số {reference.number or '…'}/{reference.symbol or ''}"
                + (f" ngày {short_date(reference.issued_on)}" if reference.issued_on else "")
                + (f" của {reference.issuer}" if reference.issuer else "")
            )
    if header.deadlines:
        lines.append("Thời hạn:")
        for deadline in header.deadlines:
            what = WHAT.get(deadline.what, deadline.what)
            if deadline.period:
                what += f" {PERIOD.get(deadline.period, deadline.period)}"
            if deadline.what == "data_cutoff":
                when = f"từ {short_date(deadline.start)} đến {short_date(deadline.end)}"
            elif deadline.due:
                when = f"trước {short_date(deadline.due)}"
            elif deadline.working_days:
                when = f"trong {deadline.working_days} ngày làm việc"
            else:
                when = "—"
            lines.append(f"  - {what}: {when}")
    frameworks: dict[str, int] = {}
    for task in plan.tasks:
        frameworks[task.framework or "?"] = frameworks.get(task.framework or "?", 0) + 1
    matched = sum(1 for task in plan.tasks if task.canonical_criterion)
    leads = [match for task in plan.tasks for match in task.lead_resolved]
    lines.append(
        f"Nhiệm vụ: {len(plan.tasks)} ("
        + ", ".join(f"{k}: {v}" for k, v in sorted(frameworks.items()))
        + f"); khớp danh mục tiêu chí: {matched}; đơn vị chủ trì khớp cây đơn vị: "
        + f"{sum(1 for m in leads if m.status == 'matched')}/{len(leads)}"
    )
    for task in plan.tasks:
        code = f"[{task.criterion_code}] " if task.criterion_code else ""
        lead = ", ".join(task.lead_units) or "—"
        description = task.description if len(task.description) <= 90 else task.description[:89] + "…"
        lines.append(f"  {code}{description} — Chủ trì: {lead} — {task.timeframe.text or '—'}")
    if plan.warnings:
        lines.append(f"Cảnh báo ({len(plan.warnings)}):")
        lines.extend(f"  - {warning}" for warning in plan.warnings)
    return "\n".join(lines)
