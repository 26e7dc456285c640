"""The conformance rules one by one: coverage per framework, task completeness, timeliness."""

import datetime as dt

import pytest

from chiso.frameworks.models import Criterion, CriterionLevel
from chiso.plans import services
from chiso.plans.conformance import check_plan, check_timeliness, load_dimensions, load_facts, timeliness
from chiso.plans.export import task_tables
from chiso.plans.models import Plan
from tests.test_plans_support import body, criterion, draft_plan, make_framework, task_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def idx(db):
    return make_framework()


def codes(findings):
    return sorted(f.code for f in findings)


def test_a_complete_plan_has_no_findings(tuyen_quang, commune, idx):
    plan = draft_plan(tuyen_quang, idx)
    for code in ("1.1", "2.1", "3.1"):
        services.add_task(None, plan, task_data(idx, code, [commune]))
    assert check_plan(plan) == []


def test_each_missing_piece_is_reported_once(tuyen_quang, commune, idx):
    plan = draft_plan(tuyen_quang, idx)
    services.add_task(None, plan, task_data(idx, "1.1", [], text="Không có chủ trì"))
    services.add_task(
        None, plan, task_data(idx, "1.2", [commune], text="Không đo được", target_text="Theo kế hoạch")
    )
    services.add_task(
        None,
        plan,
        task_data(idx, "2.1", [commune], text="Có sản phẩm", target_text="", output="Báo cáo kết quả"),
    )
    services.add_task(
        None, plan, task_data(idx, "2.2", [commune], text="Không có hạn", timeframe_text="Theo kế hoạch")
    )
    services.add_task(
        None,
        plan,
        task_data(
            idx, "2.2", [commune], text="Khi có sự kiện", timeframe_text="Khi có cuộc bầu cử trưởng thôn"
        ),
    )
    findings = check_plan(plan)
    assert codes(findings) == ["dimension_missing", "no_due", "no_due", "no_lead", "no_measure"]
    by_code = {f.code: f for f in findings}
    assert by_code["dimension_missing"].message == (
        "Chưa có nhiệm vụ nào cho chỉ số nội dung “3 Chỉ số nội dung 3” (TESTIDX 2020–2030)."
    )
    assert by_code["no_lead"].message == "Nhiệm vụ dòng 1 “Không có chủ trì”: chưa có đơn vị chủ trì."
    assert by_code["no_measure"].message == (
        "Nhiệm vụ dòng 2 “Không đo được”: chưa có chỉ tiêu đo được hoặc kết quả, sản phẩm."
    )
    no_due = [f for f in findings if f.code == "no_due"]
    assert {plan.tasks.get(pk=f.task_id).text for f in no_due} == {"Không có hạn", "Khi có sự kiện"}


def test_yearly_task_with_a_due_date_passes(tuyen_quang, commune, idx):
    plan = draft_plan(tuyen_quang, idx)
    task = services.add_task(None, plan, task_data(idx, "1.1", [commune], timeframe_text="Tháng 12 hằng năm"))
    assert task.timeframe_kind == "yearly" and task.due_on == dt.date(2026, 12, 31)
    assert "no_due" not in codes(check_plan(plan))


def test_indicator_level_criteria_count_for_their_dimension(tuyen_quang, commune, idx):
    indicator = Criterion.objects.create(
        version=idx,
        parent=criterion(idx, "3.2"),
        level=CriterionLevel.INDICATOR,
        code="3.2.1",
        name_vi="Chỉ tiêu 3.2.1",
        position=99,
    )
    plan = draft_plan(tuyen_quang, idx)
    services.add_task(None, plan, task_data(idx, "1.1", [commune]))
    services.add_task(None, plan, task_data(idx, "2.1", [commune]))
    services.add_task(None, plan, {**task_data(idx, None, [commune]), "criteria": [indicator.pk]})
    assert check_plan(plan) == []
    index = load_dimensions([idx.pk])
    assert index.dimension_of[indicator.pk] == criterion(idx, "3").pk


def test_coverage_is_checked_for_each_framework_the_plan_addresses(tuyen_quang, commune, idx):
    other = make_framework("SIPASX", dimensions=2)
    plan = draft_plan(tuyen_quang, None, frameworks=[idx.pk, other.pk])
    for code in ("1.1", "2.1", "3.1"):
        services.add_task(None, plan, task_data(idx, code, [commune]))
    services.add_task(None, plan, task_data(other, "1.1", [commune]))
    findings = check_plan(plan)
    assert [f.message for f in findings] == [
        "Chưa có nhiệm vụ nào cho chỉ số nội dung “2 Chỉ số nội dung 2” (SIPASX 2020–2030)."
    ]
    # One appendix per index in the export.
    tables = task_tables(plan)
    assert [t.title.split("\n") for t in tables] == [
        ["PHỤ LỤC I", "NHIỆM VỤ THỰC HIỆN KẾ HOẠCH — SIPASX"],
        ["PHỤ LỤC II", "NHIỆM VỤ THỰC HIỆN KẾ HOẠCH — TESTIDX"],
    ]
    assert [len([r for r in t.table.rows if r.kind == "data"]) for t in tables] == [1, 3]


def test_timeliness():
    deadline = dt.date(2026, 2, 26)
    plan = Plan(state="issued", issued_on=dt.date(2026, 2, 26))
    assert timeliness(plan, deadline, dt.date(2026, 5, 1)).on_time is True
    late = timeliness(Plan(state="issued", issued_on=dt.date(2026, 3, 3)), deadline, dt.date(2026, 5, 1))
    assert (late.on_time, late.late_days) == (False, 3)
    assert (
        check_timeliness(late)[0].message
        == "Ban hành ngày 03/03/2026, chậm 3 ngày làm việc so với hạn 26/02/2026."
    )
    draft = Plan(state="draft")
    assert timeliness(draft, deadline, dt.date(2026, 2, 20)).on_time is None  # not yet due
    overdue = timeliness(draft, deadline, dt.date(2026, 3, 2))
    assert (overdue.on_time, overdue.late_days) == (False, 2)
    assert check_timeliness(overdue)[0].code == "not_issued_overdue"
    assert timeliness(draft, None, dt.date(2026, 3, 2)).on_time is None


def test_facts_load_in_constant_queries(tuyen_quang, commune, idx, django_assert_num_queries):
    plans = []
    for n in range(3):
        plan = draft_plan(tuyen_quang, idx, title=f"Kế hoạch {n}")
        for code in ("1.1", "2.1"):
            services.add_task(None, plan, task_data(idx, code, [commune]))
        plans.append(plan)
    with django_assert_num_queries(4):
        facts = load_facts(plans)
    assert [len(f.tasks) for f in facts.values()] == [2, 2, 2]
    assert all(t.has_lead and t.measurable for f in facts.values() for t in f.tasks)


# --- adapting the upper plan: copied tasks, populations the unit is not ------------------------


def commune_plan(commune, idx, upper=None, **fields):
    return draft_plan(
        commune,
        idx,
        title="Nâng cao Chỉ số PAPI xã Vị Xuyên năm 2026",
        place="Vị Xuyên",
        **({"upper_plan": upper.pk} if upper is not None else {}),
        **fields,
    )


def test_a_commune_target_about_communes_is_flagged(commune, idx):
    plan = commune_plan(commune, idx)
    for code in ("2.1", "3.1"):
        services.add_task(None, plan, task_data(idx, code, [commune]))
    task = services.add_task(
        None, plan, task_data(idx, "1.1", [commune], text="Công khai", target_text="100% xã, phường")
    )
    findings = check_plan(plan)
    assert [(f.code, f.task_id) for f in findings] == [("population", task.pk)]
    assert findings[0].message == (
        "Nhiệm vụ dòng 3 “Công khai”: chỉ tiêu “100% xã, phường” tính trên các xã, phường, thị trấn, "
        "không phải đơn vị của Xã Vị Xuyên; cần cụ thể hóa chỉ tiêu cho đơn vị."
    )
    # The commune's own villages are its population.
    services.update_task(
        None, task, {"target_text": "100% các thôn, tổ dân phố", "version": task.version}, partial=True
    )
    assert check_plan(plan) == []


def test_a_department_may_count_communes_only_on_tasks_assigned_to_them(tuyen_quang, commune, idx):
    department = body(tuyen_quang, "Sở Nội vụ thử nghiệm")
    plan = draft_plan(department, idx, title="Kế hoạch của Sở")
    services.add_task(None, plan, task_data(idx, "2.1", [department]))
    services.add_task(None, plan, task_data(idx, "3.1", [department]))
    shared = services.add_task(
        None,
        plan,
        task_data(
            idx, "1.1", [department], [commune], text="Hướng dẫn", target_text="100% các xã được hướng dẫn"
        ),
    )
    alone = services.add_task(
        None,
        plan,
        task_data(idx, "1.2", [department], text="Tự làm", target_text="100% các xã được hướng dẫn"),
    )
    own = services.add_task(
        None, plan, task_data(idx, "1.2", [department], text="Các sở", target_text="100% sở, ban, ngành")
    )
    assert [(f.code, f.task_id) for f in check_plan(plan)] == [
        ("population", alone.pk),
        ("population", own.pk),
    ]
    assert shared.pk not in {f.task_id for f in check_plan(plan)}


def test_copied_and_concretised_children(tuyen_quang, commune, idx):
    from chiso.plans.cascade import cascade_plan

    upper = draft_plan(tuyen_quang, idx, number_symbol="9/KH-UBND")
    parents = [
        services.add_task(None, upper, task_data(idx, code, [commune], text=f"Nhiệm vụ {code}"))
        for code in ("1.1", "2.1", "3.1")
    ]
    upper.refresh_from_db()
    upper = services.issue_plan(None, upper, version=upper.version, issued_on=dt.date(2026, 3, 2))
    (draft,) = cascade_plan(None, upper, [commune.pk]).created
    children = {c.parent_task_id: c for c in draft.tasks.all()}
    # Parent 1: the copy stays, a concretised child is added → only the copy is flagged.
    services.add_task(
        None,
        draft,
        {
            **task_data(
                idx, "1.1", [commune], text="Niêm yết tại 12 thôn", target_text="100% các thôn được niêm yết"
            ),
            "parent_task": parents[0].pk,
        },
    )
    # Parent 2: the target changed. Parent 3: untouched.
    child = children[parents[1].pk]
    services.update_task(
        None, child, {"target_text": "Ít nhất 98% hồ sơ của xã", "version": child.version}, partial=True
    )
    findings = [(f.code, f.task_id) for f in check_plan(draft, today=dt.date(2026, 3, 3))]
    assert sorted(findings) == sorted(
        [
            ("copied", children[parents[0].pk].pk),
            ("copied", children[parents[2].pk].pk),
            ("parent_not_concretised", parents[2].pk),
        ]
    )
    by_code = {f.code: f for f in check_plan(draft, today=dt.date(2026, 3, 3))}
    assert by_code["parent_not_concretised"].message == (
        "Chưa cụ thể hóa nhiệm vụ dòng 3 “Nhiệm vụ 3.1” của Kế hoạch 9/KH-UBND: nhiệm vụ và chỉ tiêu "
        "vẫn chép nguyên văn."
    )
    assert by_code["copied"].severity == "warning"
