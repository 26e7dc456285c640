"""Demo: two communes concretise and issue their plans implementing the province's plan.

Xã Vị Xuyên (demo.xa's commune) breaks the province's task on administrative procedures (5.1) into
two tasks of its own, makes the poor-household listing (2.1) concrete for its villages, and adds a
task of its own; Phường Hà Giang 1 breaks 5.1 down the same way. Both plans are issued a few
working days after the province's, so the communes' reports in the province's round are on their
own tasks (`chiso.reporting.rollup`). The other communes keep their drafts. Through the same
service functions users go through; running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from chiso.core.workdays import add_working_days
from chiso.plans import services
from chiso.plans.models import Plan, PlanState

# unit → (number of its plan, [(upper task number or None, [(number, task, target, timeframe)])])
LOWER_PLANS = {
    "Xã Vị Xuyên": (
        "05/KH-UBND",
        [
            (
                "5.1",
                [
                    (
                        "5.1.1",
                        "Giải quyết hồ sơ tại Trung tâm Phục vụ hành chính công xã đúng hạn; công khai tiến độ "
                        "giải quyết trên bảng điện tử tại trụ sở",
                        "≥ 95% hồ sơ đúng hạn",
                        "Thường xuyên",
                    ),
                    (
                        "5.1.2",
                        "Gửi thư xin lỗi người dân đối với hồ sơ trễ hạn, hẹn lại ngày trả kết quả",
                        "Thư xin lỗi đối với mọi hồ sơ trễ hạn",
                        "Thường xuyên",
                    ),
                ],
            ),
            (
                "2.1",
                [
                    (
                        "2.1.1",
                        "Niêm yết danh sách hộ nghèo, hộ cận nghèo tại trụ sở UBND xã và nhà văn hóa các thôn; "
                        "lập biên bản niêm yết có xác nhận của trưởng thôn",
                        "Tất cả các thôn của xã",
                        "Quý IV/{year}",
                    )
                ],
            ),
            (
                None,
                [
                    (
                        "9.1",
                        "Lập nhóm Zalo “Xã Vị Xuyên lắng nghe” tiếp nhận, trả lời phản ánh, kiến nghị của người "
                        "dân",
                        "Trả lời phản ánh trong 24 giờ",
                        "Thường xuyên",
                    )
                ],
            ),
        ],
    ),
    "Phường Hà Giang 1": (
        "12/KH-UBND",
        [
            (
                "5.1",
                [
                    (
                        "5.1.1",
                        "Giải quyết hồ sơ tại Trung tâm Phục vụ hành chính công phường đúng hạn",
                        "≥ 95% hồ sơ đúng hạn",
                        "Thường xuyên",
                    ),
                    (
                        "5.1.2",
                        "Gửi thư xin lỗi người dân đối với hồ sơ trễ hạn",
                        "Thư xin lỗi đối với mọi hồ sơ trễ hạn",
                        "Thường xuyên",
                    ),
                ],
            )
        ],
    ),
}


def lower_issue_date(upper: Plan, today: dt.date) -> dt.date:
    """Three working days after the upper plan, never after today."""
    return min(add_working_days(upper.issued_on, 3), today)


def _concretise(actor, upper: Plan, lower: Plan, spec: list) -> None:
    year = upper.year_from
    copies = {t.parent_task.number: t for t in lower.tasks.select_related("parent_task") if t.parent_task_id}
    uppers = {t.number: t for t in upper.tasks.all()}
    unit_ref = f"unit:{lower.issuer_id}"
    for upper_number, children in spec:
        after = None
        for number, text, target, timeframe in children:
            data = {
                "group_code": uppers[upper_number].group_code if upper_number else "9",
                "group_title": uppers[upper_number].group_title if upper_number else "Nhiệm vụ riêng của xã",
                "number": number,
                "text": text,
                "target_text": target,
                "timeframe_text": timeframe.format(year=year),
                "leads": [unit_ref],
                "parent_task": uppers[upper_number].pk if upper_number else "",
            }
            copy = copies.pop(upper_number, None) if upper_number and after is None else None
            if copy is not None:
                after = services.update_task(actor, copy, {**data, "version": copy.version}, partial=True)
            else:
                after = services.add_task(actor, lower, data, after=after)


@transaction.atomic
def issue_demo_lower_plans(actor, upper: Plan, today: dt.date) -> list[Plan]:
    """The demo communes' drafts of `upper` concretised and issued (drafts only; idempotent)."""
    issued = []
    drafts = {p.issuer.name: p for p in Plan.objects.filter(upper_plan=upper).select_related("issuer")}
    for name, (number_symbol, spec) in LOWER_PLANS.items():
        lower = drafts.get(name)
        if lower is None or lower.state != PlanState.DRAFT:
            continue
        _concretise(actor, upper, lower, spec)
        lower.refresh_from_db()
        issued.append(
            services.issue_plan(
                actor,
                lower,
                version=lower.version,
                issued_on=lower_issue_date(upper, today),
                number_symbol=number_symbol,
            )
        )
    return issued
