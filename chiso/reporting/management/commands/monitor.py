"""chiso monitor "58/KH-UBND" --issuer "UBND tỉnh Tuyên Quang" --round 1 [--json]

The figures of the round's monitoring page (`chiso.reporting.monitoring.round_monitoring`): who
had to report, who sent on time or late, who has not; per unit its report's state, its
timeliness, whether it reports through its own implementing plan, and each task's effective
status with, through that plan, the child tasks' statuses.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from chiso.plans.lookup import PlanLookupError
from chiso.reporting.lookup import find_round
from chiso.reporting.monitoring import PAIR_LABELS, RoundMonitoring, round_monitoring

NOT_FOUND = 2


def task_name(task) -> str:
    """ "1.1 Tuyên truyền, phổ biến…" (at most 120 characters)."""
    text = " ".join(task.text.split())
    name = f"{task.number} {text}" if task.number else text
    return name if len(name) <= 120 else name[:119] + "…"


def monitoring_json(m: RoundMonitoring) -> dict:
    """The round's figures as `chiso monitor --json` prints them."""
    t = m.totals
    return {
        "plan": m.round.plan.number_symbol,
        "round": m.round.number,
        "expected": t.expected,
        "submitted": t.submitted,
        "on_time": t.on_time,
        "late": t.late + t.grace,
        "missing": t.missing,
        "units": [
            {
                "unit": row.unit.name,
                "state": row.state,
                "timeliness": row.timeliness,
                "via_lower_plan": row.via_lower_plan,
                "tasks": [
                    {
                        "task": task_name(node.task),
                        "status": node.status,
                        "children": [{"task": task_name(c), "status": s} for c, s in node.children],
                    }
                    for node in m.unit_tasks(row.unit.pk)
                ],
            }
            for row in m.units
        ],
    }


class Command(BaseCommand):
    help = "In số liệu theo dõi một kỳ báo cáo của kế hoạch (như trang Theo dõi), dạng bảng hoặc JSON."

    def add_arguments(self, parser):
        parser.add_argument("number_symbol", help="Số, ký hiệu kế hoạch, ví dụ 58/KH-UBND")
        parser.add_argument("--issuer", required=True, help="Cơ quan ban hành kế hoạch (tên hoặc mã)")
        parser.add_argument(
            "--round", type=int, required=True, dest="round_number", help="Kỳ báo cáo số (1, 2, …)"
        )
        parser.add_argument("--year", type=int, help="Năm của số kế hoạch, khi cùng số có ở nhiều năm")
        parser.add_argument("--json", action="store_true", dest="as_json", help="In dạng JSON")

    def handle(self, number_symbol, issuer, round_number, year=None, as_json=False, **options):
        try:
            rnd = find_round(number_symbol, issuer, round_number, year)
        except PlanLookupError as exc:
            raise CommandError(str(exc), returncode=NOT_FOUND) from exc
        plan = rnd.plan
        m = round_monitoring(rnd)
        data = monitoring_json(m)
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{rnd.title} — Kế hoạch {plan.number_symbol}")
        self.stdout.write(
            f"Phải báo cáo {data['expected']}; đã gửi {data['submitted']} (đúng hạn {data['on_time']}, "
            f"muộn {data['late']}); chưa gửi, quá hạn {data['missing']}."
        )
        for row in m.units:
            via = f" [theo KH {row.lower_plan_label}]" if row.via_lower_plan else ""
            self.stdout.write(f"- {row.unit.name}{via}: {row.state_label}, {row.timeliness_label}")
            for node in m.unit_tasks(row.unit.pk):
                self.stdout.write(f"    {task_name(node.task)}: {node.label}")
                for child, status in node.children:
                    self.stdout.write(f"      · {task_name(child)}: {PAIR_LABELS[status]}")
