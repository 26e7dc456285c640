"""The cascade: lower units get pre-filled drafts; the matrix and checks report what is missing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chiso.core.models import DayOff
from chiso.plans import services
from chiso.plans.cascade import assigned_units, cascade_plan
from chiso.plans.conformance import check_plan, lower_plans_matrix
from chiso.plans.groups import standard_group
from chiso.plans.models import Plan, PlanState, UnitGroup
from chiso.units.models import Unit
from chiso.units.reference import create_bodies
from tests.test_plans_support import criterion, draft_plan, make_framework, task_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def idx(db):
    """A small index: dimensions 1–3, each with sub-dimensions x.1 and x.2."""
    return make_framework()


ISSUED_ON = dt.date(2026, 2, 5)  # Thursday before Tết Bính Ngọ (16–20/2/2026 off)


@pytest.fixture
def world(tuyen_quang, commune, other_commune, idx):
    bodies = {u.name: u for u in create_bodies(tuyen_quang, "province_2025")} or {
        u.name: u for u in Unit.objects.filter(parent=tuyen_quang)
    }
    third = (
        Unit.objects.filter(parent=tuyen_quang, kind="commune")
        .exclude(pk__in=[commune.pk, other_commune.pk])
        .order_by("code")
        .first()
    )
    communes = [commune, other_commune, third]
    group = UnitGroup.objects.create(owner=tuyen_quang, name="UBND các xã thí điểm")
    group.members.set(communes)
    dept_a, dept_b = bodies["Sở Nội vụ"], bodies["Sở Tư pháp"]
    plan = draft_plan(
        tuyen_quang,
        idx,
        number_symbol="15/KH-UBND",
        title="Nâng cao Chỉ số hiệu quả quản trị và hành chính công tỉnh Tuyên Quang năm 2026",
        lower_plan_due_working_days=10,
        sections=[
            {
                "heading": "I. MỤC ĐÍCH, YÊU CẦU",
                "body": "Nâng cao chỉ số của tỉnh Tuyên Quang.",
                "depth": 1,
                "key": "purpose",
            },
            {
                "heading": "II. TỔ CHỨC THỰC HIỆN",
                "body": "Sở Nội vụ theo dõi.",
                "depth": 1,
                "key": "organisation",
            },
        ],
        deadlines=[{"label": "Báo cáo 6 tháng đầu năm", "due_on": "05/6/2026"}],
    )
    tasks = [
        services.add_task(None, plan, task_data(idx, "1.1", [dept_a], [group, dept_b], text="T1")),
        services.add_task(None, plan, task_data(idx, "2.1", [dept_b], [dept_a, group], text="T2")),
        services.add_task(None, plan, task_data(idx, "3.1", [dept_a], [dept_b, group], text="T3")),
        services.add_task(None, plan, task_data(idx, "3.2", [dept_b], [group], text="T4")),
    ]
    plan.refresh_from_db()
    plan = services.issue_plan(None, plan, version=plan.version, issued_on=ISSUED_ON)
    return {
        "plan": plan,
        "communes": communes,
        "dept_a": dept_a,
        "dept_b": dept_b,
        "tasks": tasks,
        "group": group,
    }


def test_deadline_counts_working_days_across_tet(world):
    plan = world["plan"]
    # 10 working days after Thu 5/2/2026: 6, 9–13/2, then Tết (16–20/2) and weekends do not count.
    assert plan.lower_plan_deadline() == dt.date(2026, 2, 26)


def test_admin_day_off_moves_the_deadline(world):
    DayOff.objects.create(date=dt.date(2026, 2, 23), name="Nghỉ bù Tết")
    assert world["plan"].lower_plan_deadline() == dt.date(2026, 2, 27)


def test_fixed_deadline_date(world):
    plan = services.set_lower_plan_deadline(
        None, world["plan"], version=world["plan"].version, due_on="20/02/2026"
    )
    assert plan.lower_plan_deadline() == dt.date(2026, 2, 20)
    with pytest.raises(ValidationError) as exc:
        services.set_lower_plan_deadline(None, plan, version=plan.version, due_on="01/02/2026")
    assert "không được trước ngày ban hành" in exc.value.message_dict["lower_plan_due_on"][0]


def test_assigned_units_expand_groups(world):
    assigned = assigned_units(world["plan"])
    assert set(assigned) == {u.pk for u in world["communes"]} | {world["dept_a"].pk, world["dept_b"].pk}
    t1, t2, t3, t4 = world["tasks"]
    assert assigned[world["dept_a"].pk].task_ids == [t1.pk, t2.pk, t3.pk]
    assert assigned[world["dept_a"].pk].lead_task_ids == {t1.pk, t3.pk}
    assert assigned[world["communes"][0].pk].task_ids == [t1.pk, t2.pk, t3.pk, t4.pk]


def test_each_assigned_unit_gets_a_prefilled_draft(world, tuyen_quang):
    plan = world["plan"]
    result = cascade_plan(None, plan)
    assert len(result.created) == 5
    by_issuer = {p.issuer_id: p for p in result.created}
    commune = world["communes"][0]
    draft = by_issuer[commune.pk]
    assert draft.state == PlanState.DRAFT and draft.upper_plan == plan
    assert draft.preamble.startswith(
        "Thực hiện Kế hoạch số 15/KH-UBND ngày 5/2/2026 của UBND tỉnh Tuyên Quang về nâng cao Chỉ số"
    )
    assert "UBND xã Vị Xuyên xây dựng Kế hoạch thực hiện" in draft.preamble
    assert draft.title == "Nâng cao Chỉ số hiệu quả quản trị và hành chính công xã Vị Xuyên năm 2026"
    assert draft.place == "Vị Xuyên"
    assert draft.signer_authority == "TM. ỦY BAN NHÂN DÂN" and draft.signer_title == "CHỦ TỊCH"
    assert [(d.label, d.due_on) for d in draft.deadlines.all()] == [
        ("Báo cáo 6 tháng đầu năm", dt.date(2026, 6, 5))
    ]
    sections = list(draft.sections.all())
    assert sections[0].body == "Nâng cao chỉ số của xã Vị Xuyên."
    assert sections[-1].key == "organisation"
    assert "Báo cáo 6 tháng đầu năm: gửi UBND tỉnh Tuyên Quang trước ngày 5/6/2026." in sections[-1].body
    children = list(draft.tasks.all())
    assert [c.parent_task_id for c in children] == [t.pk for t in world["tasks"]]
    assert [c.text for c in children] == ["T1", "T2", "T3", "T4"]
    assert [list(c.criteria.values_list("code", flat=True)) for c in children] == [
        ["1.1"],
        ["2.1"],
        ["3.1"],
        ["3.2"],
    ]
    assert all([a.unit for a in c.leads] == [commune] for c in children)
    dept_draft = by_issuer[world["dept_a"].pk]
    assert [c.text for c in dept_draft.tasks.all()] == ["T1", "T2", "T3"]
    assert dept_draft.signer_title == "GIÁM ĐỐC"
    assert dept_draft.title == plan.title  # a department's plan keeps the province's wording
    # Running the cascade again creates nothing new.
    again = cascade_plan(None, plan)
    assert again.created == [] and len(again.existing) == 5
    # Every task of the fresh draft is the province's word for word: marked, and flagged until the
    # commune changes it (drafts are also past the 2026 deadline; nothing else is wrong).
    assert all(task.to_concretise for task in draft.tasks.select_related("parent_task"))
    assert sorted(f.code for f in check_plan(draft)) == [
        *["copied"] * 4,
        "not_issued_overdue",
        *["parent_not_concretised"] * 4,
    ]
    concretise(draft)
    assert [f.code for f in check_plan(draft)] == ["not_issued_overdue"]
    assert not any(task.to_concretise for task in draft.tasks.select_related("parent_task"))


def concretise(draft: Plan) -> None:
    """The unit makes each copied task its own (its target for itself)."""
    for task in draft.tasks.order_by("position"):
        services.update_task(
            None,
            task,
            {"target_text": f"{task.target_text} tại {draft.issuer.name}", "version": task.version},
            partial=True,
        )


def test_cascade_needs_an_issued_plan_and_coordinate(world, tuyen_quang, idx, officer, coordinator):
    draft = draft_plan(tuyen_quang, idx)
    with pytest.raises(ValidationError):
        cascade_plan(None, draft)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        cascade_plan(officer, world["plan"])
    assert len(cascade_plan(coordinator, world["plan"]).created) == 5


def test_cascade_to_chosen_units_and_refuses_others(world, tuyen_quang):
    plan = world["plan"]
    result = cascade_plan(None, plan, [world["dept_a"].pk])
    assert [p.issuer for p in result.created] == [world["dept_a"]]
    stranger = Unit.objects.filter(parent=tuyen_quang, kind="ward").first()
    with pytest.raises(ValidationError) as exc:
        cascade_plan(None, plan, [stranger.pk])
    assert exc.value.message_dict["units"] == [
        f"Đơn vị “{stranger.name}” không được giao nhiệm vụ nào trong kế hoạch này."
    ]
    matrix = lower_plans_matrix(plan, today=dt.date(2026, 2, 10))
    assert {row.unit for row in matrix.without_plan} == {world["dept_b"], *world["communes"]}


def test_matrix_reports_exactly_the_three_problems(world, idx):
    plan = world["plan"]
    drafts = {p.issuer_id: p for p in cascade_plan(None, plan).created}
    for draft in drafts.values():
        concretise(draft)
    c1, c2, c3 = world["communes"]
    t1, t2, t3, t4 = world["tasks"]
    # Commune 1 serves T2 under a dimension-1 criterion: dimension 2 is no longer covered.
    child = drafts[c1.pk].tasks.get(parent_task=t2)
    services.update_task(
        None, child, {"criteria": [criterion(idx, "1.2").pk], "version": child.version}, partial=True
    )
    # Commune 2 drops the task for T4 (dimension 3 stays covered by T3).
    child = drafts[c2.pk].tasks.get(parent_task=t4)
    services.delete_task(None, child, child.version)
    issue_dates = {
        c1.pk: dt.date(2026, 2, 24),
        c2.pk: dt.date(2026, 2, 26),  # the deadline day itself
        c3.pk: dt.date(2026, 2, 12),
        world["dept_a"].pk: dt.date(2026, 3, 2),  # late: 27/2 and 2/3 are working days past 26/2
        world["dept_b"].pk: dt.date(2026, 2, 25),  # on time only because Tết does not count
    }
    for number, (unit_id, day) in enumerate(issue_dates.items(), start=1):
        draft = Plan.objects.get(pk=drafts[unit_id].pk)
        services.issue_plan(
            None, draft, version=draft.version, issued_on=day, number_symbol=f"{number}/{draft.symbol}"
        )

    matrix = lower_plans_matrix(plan)
    rows = {row.unit.pk: row for row in matrix.rows}
    assert matrix.deadline == dt.date(2026, 2, 26)
    assert len(rows) == 5 and matrix.without_plan == []
    assert {pk for pk, r in rows.items() if r.dimensions_ok is False} == {c1.pk}
    assert [f.message for f in rows[c1.pk].missing_dimensions] == [
        "Chưa có nhiệm vụ nào cho chỉ số nội dung “2 Chỉ số nội dung 2” (TESTIDX 2020–2030)."
    ]
    assert {pk for pk, r in rows.items() if r.tasks_ok is False} == {c2.pk}
    assert [f.task_id for f in rows[c2.pk].missing_parents] == [t4.pk]
    assert (
        rows[c2.pk]
        .missing_parents[0]
        .message.startswith("Chưa cụ thể hóa nhiệm vụ dòng 4 “T4” của Kế hoạch 15/KH-UBND")
    )
    assert {pk for pk, r in rows.items() if r.timeliness.on_time is False} == {world["dept_a"].pk}
    assert rows[world["dept_a"].pk].timeliness.late_days == 2
    assert [f.message for f in rows[world["dept_a"].pk].findings] == [
        "Ban hành ngày 02/03/2026, chậm 2 ngày làm việc so với hạn 26/02/2026."
    ]
    assert all(not r.task_findings for r in rows.values())
    assert {pk for pk, r in rows.items() if r.ok} == {c3.pk, world["dept_b"].pk}
    assert matrix.summary == {
        "units": 5,
        "issued": 5,
        "on_time": 4,
        "late": 1,
        "without_plan": 0,
        "dimensions_missing": 1,
        "tasks_missing": 1,
    }
    # The same findings on each lower plan's own page.
    assert [f.code for f in check_plan(Plan.objects.get(pk=drafts[c1.pk].pk))] == ["dimension_missing"]
    assert [f.code for f in check_plan(Plan.objects.get(pk=drafts[c2.pk].pk))] == ["parent_missing"]
    assert [f.code for f in check_plan(Plan.objects.get(pk=drafts[world["dept_a"].pk].pk))] == ["issued_late"]
    assert check_plan(Plan.objects.get(pk=drafts[c3.pk].pk)) == []


def test_matrix_queries_do_not_grow_with_units(world, tuyen_quang, idx):
    small = world["plan"]
    cascade_plan(None, small)
    # The same shape as the small plan (an explicit group), with every commune of the province.
    communes = UnitGroup.objects.create(owner=tuyen_quang, name="Tất cả các xã, phường")
    communes.members.set(standard_group(tuyen_quang, "communes").expand())
    big = draft_plan(tuyen_quang, idx, number_symbol="16/KH-UBND", lower_plan_due_working_days=15)
    for code in ("1.1", "2.1", "3.1"):
        services.add_task(None, big, task_data(idx, code, [communes], [world["dept_a"]]))
    big.refresh_from_db()
    big = services.issue_plan(None, big, version=big.version, issued_on=ISSUED_ON)
    result = cascade_plan(None, big)
    assert len(result.created) > 100

    def count(plan):
        plan = Plan.objects.get(pk=plan.pk)
        with CaptureQueriesContext(connection) as ctx:
            matrix = lower_plans_matrix(plan)
            [(r.findings, r.ok) for r in matrix.rows]
        return len(ctx.captured_queries), len(matrix.rows)

    small_queries, small_units = count(small)
    big_queries, big_units = count(big)
    assert small_units == 5 and big_units > 100
    assert big_queries == small_queries
