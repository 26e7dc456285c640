"""Plans and tasks: querysets, validation, issuing, revisions, concurrency, audit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chiso.core.models import AuditEntry
from chiso.plans import services
from chiso.plans.groups import expand_groups, standard_group
from chiso.plans.models import Plan, PlanState, Task, UnitGroup
from chiso.plans.targets import parse_target
from chiso.units.models import Role, Unit
from tests.conftest import make_user
from tests.test_plans_support import body, criterion, draft_plan, make_framework, ref, task_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def idx(db):
    """A small index: dimensions 1–3, each with sub-dimensions x.1 and x.2."""
    return make_framework()


def errors_of(exc: ValidationError) -> dict:
    return exc.value.message_dict


# --- querysets and scope ---------------------------------------------------------------------


def test_chainable_querysets(tuyen_quang, commune, idx):
    plan = draft_plan(tuyen_quang, idx, number_symbol="12/KH-UBND")
    services.add_task(None, plan, task_data(idx, "1.1", [commune]))
    issued = services.issue_plan(None, plan, version=plan.version, issued_on=dt.date(2026, 2, 1))
    draft_plan(commune, idx, title="Kế hoạch của xã", year_from=2025, year_to=2027)
    assert list(Plan.objects.for_unit(tuyen_quang).issued().in_year(2026)) == [issued]
    assert Plan.objects.for_unit(tuyen_quang).in_year(2025).count() == 0
    assert Plan.objects.for_unit(tuyen_quang, include_descendants=True).in_year(2026).count() == 2
    assert Plan.objects.in_year(2025).drafts().get().issuer == commune
    assert Plan.objects.addressing(idx.framework).count() == 2
    assert Plan.objects.addressing(idx).issued().get() == issued


def test_restrict_follows_unit_scope_and_history(
    tuyen_quang, vi_xuyen_old, commune, other_commune, coordinator, officer
):
    old_plan = draft_plan(vi_xuyen_old, year_from=2021, title="Kế hoạch huyện Vị Xuyên 2021")
    other = draft_plan(other_commune, title="Kế hoạch xã khác")
    mine = draft_plan(commune, title="Kế hoạch của xã")
    # The province coordinator sees the old district's plans (history of the merged province).
    assert set(Plan.objects.restrict(coordinator)) >= {old_plan, other, mine}
    assert set(Plan.objects.restrict(officer)) == {mine}
    assert set(Plan.objects.restrict(officer, "edit")) == {mine}
    assert not Plan.objects.restrict(officer, "coordinate").exists()
    outsider = make_user("cao_bang", Unit.objects.get(ref="vn:province:04"), Role.COORDINATOR)
    assert not Plan.objects.restrict(outsider).exists()


def test_unit_groups_expand_to_members_of_the_day(vi_xuyen_old, tuyen_quang):
    group = UnitGroup.objects.create(
        owner=vi_xuyen_old, name="UBND các xã, thị trấn", member_kinds="commune,township"
    )
    members = expand_groups([group], dt.date(2021, 5, 31))[group.pk]
    assert len(members) == 24
    assert {"Thị trấn Vị Xuyên", "Xã Đạo Đức"} <= {u.name for u in members}
    # After the 2025 reform the old communes no longer exist.
    assert expand_groups([group], dt.date(2025, 8, 1))[group.pk] == []
    current = standard_group(tuyen_quang, "communes")
    assert current.name.startswith("UBND các xã")
    assert len(current.expand()) > 50
    assert standard_group(tuyen_quang, "communes") == current


@pytest.mark.parametrize(
    ("text", "op", "value", "unit", "metric"),
    [
        (
            "Có ít nhất 95% kết quả giải quyết đúng hạn; có văn bản xin lỗi",
            ">=",
            "95",
            "%",
            "kết quả giải quyết đúng hạn",
        ),
        ("Tỷ lệ cử tri đi bầu đạt trên 99,5%", ">", "99.5", "%", "Tỷ lệ cử tri đi bầu"),
        ("Ít nhất 01 đợt/năm", ">=", "1", "đợt/năm", ""),
        ("Tối thiểu 30% cơ quan chuyên môn", ">=", "30", "%", "cơ quan chuyên môn"),
        ("Phản hồi trong 24 giờ", "<=", "24", "giờ", "Phản hồi"),
        ("Không có trường hợp phải chi thêm tiền", "=", "0", "", "trường hợp phải chi thêm tiền"),
    ],
)
def test_parse_target(text, op, value, unit, metric):
    target = parse_target(text)
    assert (target.op, target.value, target.unit, target.metric) == (op, Decimal(value), unit, metric)


def test_parse_target_without_figure():
    assert parse_target("Theo kế hoạch của huyện") is None
    assert parse_target("") is None


# --- creating and validating -----------------------------------------------------------------


def test_add_task_reads_target_and_timeframe(tuyen_quang, commune, idx):
    plan = draft_plan(tuyen_quang, idx)
    task = services.add_task(
        None,
        plan,
        task_data(idx, "2.1", [commune], target_text="≥ 95% hồ sơ đúng hạn", timeframe_text="Quý III/2026"),
    )
    assert (task.target_op, task.target_value, task.target_unit) == (">=", Decimal("95"), "%")
    assert task.timeframe_kind == "quarter"
    assert task.due_on == dt.date(2026, 9, 30)
    assert [a.unit for a in task.leads] == [commune]
    assert list(task.criteria.all()) == [criterion(idx, "2.1")]


def test_explicit_measurable_target_wins(tuyen_quang, commune, idx):
    plan = draft_plan(tuyen_quang, idx)
    task = services.add_task(
        None,
        plan,
        task_data(
            idx,
            "1.1",
            [commune],
            target_text="Hồ sơ đúng hạn",
            target_metric="on_time_dossiers",
            target_op=">=",
            target_value="95",
            target_unit="%",
        ),
    )
    assert task.measurable_label == "on_time_dossiers ≥ 95 %"


def test_unknown_unit_and_criterion_are_refused_naming_the_field(tuyen_quang, commune, idx):
    plan = draft_plan(tuyen_quang, idx)
    data = task_data(idx, "1.1", [commune])
    data["leads"] = ["unit:999999999"]
    data["criteria"] = [999999999]
    with pytest.raises(ValidationError) as exc:
        services.add_task(None, plan, data)
    errors = errors_of(exc)
    assert "Đơn vị chủ trì: không tìm thấy đơn vị “unit:999999999”." in errors["leads"]
    assert "Tiêu chí: không tìm thấy tiêu chí “999999999”." in errors["criteria"]
    assert not plan.tasks.exists()


def test_criterion_of_another_framework_is_refused(tuyen_quang, commune, idx):
    other = make_framework("OTHER")
    plan = draft_plan(tuyen_quang, idx)
    with pytest.raises(ValidationError) as exc:
        services.add_task(None, plan, task_data(other, "1.1", [commune]))
    assert "không thuộc bộ chỉ số của kế hoạch" in errors_of(exc)["criteria"][0]


def test_ended_unit_is_refused_for_a_current_plan(tuyen_quang, vi_xuyen_old, idx):
    plan = draft_plan(tuyen_quang, idx, year_from=2026)
    with pytest.raises(ValidationError) as exc:
        services.add_task(None, plan, task_data(idx, "1.1", [vi_xuyen_old]))
    assert "Huyện Vị Xuyên" in errors_of(exc)["leads"][0]
    assert "không còn hoặc chưa có hiệu lực" in errors_of(exc)["leads"][0]


def test_unit_outside_the_users_scope_is_unknown(tuyen_quang, commune, idx, coordinator):
    plan = draft_plan(tuyen_quang, idx, actor=coordinator)
    cao_bang = Unit.objects.get(ref="vn:province:04")
    with pytest.raises(ValidationError) as exc:
        services.add_task(coordinator, plan, task_data(idx, "1.1", [cao_bang]))
    assert errors_of(exc)["leads"] == [f"Đơn vị chủ trì: không tìm thấy đơn vị “unit:{cao_bang.pk}”."]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("due_on", "31/02/2026", "Hạn hoàn thành: ngày “31/02/2026” không tồn tại."),
        ("timeframe_text", "Trước ngày 30/02/2026", "Thời gian thực hiện: ngày “30/02/2026” không tồn tại."),
        ("due_on", "mai", "Hạn hoàn thành: “mai” không phải là ngày"),
    ],
)
def test_impossible_dates_are_refused(tuyen_quang, commune, idx, field, value, message):
    plan = draft_plan(tuyen_quang, idx)
    with pytest.raises(ValidationError) as exc:
        services.add_task(None, plan, task_data(idx, "1.1", [commune], **{field: value}))
    assert errors_of(exc)[field][0].startswith(message)
    assert not Task.objects.filter(plan=plan).exists()


def test_impossible_plan_date_is_refused(tuyen_quang, idx):
    with pytest.raises(ValidationError) as exc:
        draft_plan(tuyen_quang, idx, issued_on="29/02/2025")
    assert errors_of(exc)["issued_on"] == ["Ngày ban hành: ngày “29/02/2025” không tồn tại."]
    assert not Plan.objects.filter(issuer=tuyen_quang).exists()


def test_plan_required_fields_and_period(tuyen_quang):
    with pytest.raises(ValidationError) as exc:
        services.create_plan(None, tuyen_quang, {"title": "", "year_from": "2026", "year_to": "2025"})
    errors = errors_of(exc)
    assert errors["title"] == ["Trích yếu: không được để trống."]
    assert errors["year_to"] == ["Đến năm: phải không nhỏ hơn “Từ năm” (2026)."]


def test_duplicate_number_for_same_issuer_and_year_is_refused(tuyen_quang, commune, idx):
    first = draft_plan(tuyen_quang, idx, number_symbol="154/KH-UBND", issued_on="31/5/2026")
    with pytest.raises(ValidationError) as exc:
        draft_plan(tuyen_quang, idx, number_symbol="154/KH-UBND", issued_on="2/6/2026", title="Kế hoạch khác")
    assert errors_of(exc)["number_symbol"] == [
        f"Số, ký hiệu: số 154/KH-UBND năm 2026 của {tuyen_quang.name} đã dùng cho kế hoạch “{first.title}”."
    ]
    # Another year, or another issuer, may use the number.
    draft_plan(tuyen_quang, idx, number_symbol="154/KH-UBND", issued_on="3/1/2025", year_from=2025)
    draft_plan(commune, idx, number_symbol="154/KH-UBND", issued_on="31/5/2026")
    assert Plan.objects.filter(number="154").count() == 3


def test_bad_number_symbol(tuyen_quang):
    with pytest.raises(ValidationError) as exc:
        draft_plan(tuyen_quang, number_symbol="số một trăm")
    assert errors_of(exc)["number_symbol"][0].startswith("Số, ký hiệu: “số một trăm” không đúng dạng")


# --- issued plans are read-only --------------------------------------------------------------


@pytest.fixture
def issued(tuyen_quang, commune, idx):
    plan = draft_plan(tuyen_quang, idx, number_symbol="20/KH-UBND")
    services.add_task(None, plan, task_data(idx, "1.1", [commune]))
    return services.issue_plan(None, plan, version=plan.version, issued_on=dt.date(2026, 3, 1))


def test_issue_needs_a_number(tuyen_quang, commune, idx):
    plan = draft_plan(tuyen_quang, idx)
    services.add_task(None, plan, task_data(idx, "1.1", [commune]))
    with pytest.raises(ValidationError) as exc:
        services.issue_plan(None, plan, version=plan.version)
    assert errors_of(exc)["number_symbol"] == ["Số, ký hiệu: cần có số văn bản trước khi ban hành."]
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT


def test_edit_of_issued_plan_is_refused_naming_the_field(issued):
    with pytest.raises(ValidationError) as exc:
        services.update_plan(None, issued, {"title": "Tên mới", "version": issued.version}, partial=True)
    message = errors_of(exc)["title"][0]
    assert message.startswith("Trích yếu: kế hoạch 20/KH-UBND đã ban hành nên không sửa được")
    issued.refresh_from_db()
    assert issued.title == "Nâng cao Chỉ số PAPI năm 2026"


def test_task_edits_of_issued_plan_are_refused(issued, commune, idx):
    task = issued.tasks.get()
    with pytest.raises(ValidationError) as exc:
        services.update_task(None, task, {"text": "Sửa", "version": task.version}, partial=True)
    assert "Nhiệm vụ: kế hoạch 20/KH-UBND đã ban hành" in errors_of(exc)["text"][0]
    with pytest.raises(ValidationError):
        services.add_task(None, issued, task_data(idx, "1.2", [commune]))
    with pytest.raises(ValidationError):
        services.delete_task(None, task, task.version)
    with pytest.raises(ValidationError):
        services.move_task(None, task, "up")
    assert Task.objects.get(pk=task.pk).text == task.text


def test_revision_replaces_the_issued_plan_and_keeps_history(issued, idx):
    revision = services.create_revision(None, issued)
    assert revision.state == PlanState.DRAFT and revision.replaces == issued
    assert revision.tasks.count() == 1
    assert list(revision.tasks.get().criteria.all()) == list(issued.tasks.get().criteria.all())
    services.update_plan(None, revision, {"title": "Tên sửa đổi", "version": revision.version}, partial=True)
    revision.refresh_from_db()
    done = services.issue_plan(
        None, revision, version=revision.version, number_symbol="31/KH-UBND", issued_on=dt.date(2026, 4, 2)
    )
    issued.refresh_from_db()
    assert issued.state == PlanState.REPLACED and issued.closed_on == dt.date(2026, 4, 2)
    assert done.state == PlanState.ISSUED and done.title == "Tên sửa đổi"
    assert issued.title == "Nâng cao Chỉ số PAPI năm 2026"
    notes = list(AuditEntry.objects.filter(object_id=str(issued.pk)).values_list("note", flat=True))
    assert "Được thay thế bởi kế hoạch 31/KH-UBND" in notes


def test_close_plan(issued):
    closed = services.close_plan(None, issued, version=issued.version, closed_on=dt.date(2026, 12, 31))
    assert closed.state == PlanState.CLOSED
    with pytest.raises(ValidationError):
        services.create_revision(None, closed)


# --- concurrency -----------------------------------------------------------------------------


def test_second_save_of_the_same_task_is_refused(tuyen_quang, commune, idx):
    plan = draft_plan(tuyen_quang, idx)
    task = services.add_task(None, plan, task_data(idx, "1.1", [commune]))
    alice_copy = Task.objects.get(pk=task.pk)
    bob_copy = Task.objects.get(pk=task.pk)
    services.update_task(
        None, alice_copy, {"text": "Bản của Alice", "version": alice_copy.version}, partial=True
    )
    with pytest.raises(ValidationError) as exc:
        services.update_task(
            None, bob_copy, {"text": "Bản của Bob", "version": bob_copy.version}, partial=True
        )
    message = errors_of(exc)["version"][0]
    assert message.startswith("Nhiệm vụ đã được người khác sửa")
    assert "phiên bản 1" in message and "phiên bản 2" in message
    assert Task.objects.get(pk=task.pk).text == "Bản của Alice"


def test_stale_plan_save_is_refused(tuyen_quang, idx):
    plan = draft_plan(tuyen_quang, idx)
    services.update_plan(None, plan, {"place": "Hà Giang", "version": 1}, partial=True)
    with pytest.raises(ValidationError) as exc:
        services.update_plan(None, plan, {"place": "Tuyên Quang", "version": 1}, partial=True)
    assert errors_of(exc)["version"][0].startswith("Kế hoạch đã được người khác sửa")
    plan.refresh_from_db()
    assert plan.place == "Hà Giang" and plan.version == 2


def test_update_without_version_is_refused(tuyen_quang, commune, idx):
    plan = draft_plan(tuyen_quang, idx)
    task = services.add_task(None, plan, task_data(idx, "1.1", [commune]))
    with pytest.raises(ValidationError) as exc:
        services.update_task(None, task, {"text": "x"}, partial=True)
    assert "version" in errors_of(exc)


# --- nothing half-saved, permissions, audit --------------------------------------------------


def test_bad_plan_sections_leave_nothing_saved(tuyen_quang, idx):
    plan = draft_plan(tuyen_quang, idx, sections=[{"heading": "I. MỤC ĐÍCH", "body": "Nội dung", "depth": 1}])
    with pytest.raises(ValidationError) as exc:
        services.update_plan(
            None,
            plan,
            {
                "title": "Tên mới",
                "version": plan.version,
                "sections": [{"heading": "II", "body": "x", "depth": 7}],
                "deadlines": [{"label": "Báo cáo quý", "due_on": "31/4/2026"}],
            },
            partial=True,
        )
    errors = errors_of(exc)
    assert errors["sections"] == ["Nội dung, phần 1: cấp đề mục phải là 1, 2 hoặc 3."]
    assert errors["deadlines"] == ["Hạn báo cáo 1: ngày “31/4/2026” không tồn tại."]
    plan.refresh_from_db()
    assert plan.title == "Nâng cao Chỉ số PAPI năm 2026"
    assert [s.heading for s in plan.sections.all()] == ["I. MỤC ĐÍCH"]


def test_officer_cannot_write_another_units_plan(tuyen_quang, commune, other_commune, officer, idx):
    other = draft_plan(other_commune, idx)
    with pytest.raises(PermissionDenied):
        services.update_plan(officer, other, {"title": "x", "version": 1}, partial=True)
    with pytest.raises(PermissionDenied):
        services.create_plan(officer, other_commune, {"title": "x", "year_from": 2026})
    mine = services.create_plan(officer, commune, {"title": "Kế hoạch của xã", "year_from": 2026})
    assert mine.created_by == officer


def test_changes_are_audited(tuyen_quang, commune, other_commune, idx, coordinator):
    plan = draft_plan(tuyen_quang, idx, actor=coordinator)
    task = services.add_task(coordinator, plan, task_data(idx, "1.1", [commune]))
    services.update_task(
        coordinator,
        task,
        {"text": "Nhiệm vụ mới", "partners": [ref(other_commune)], "version": task.version},
        partial=True,
    )
    entries = AuditEntry.objects.filter(object_id=str(task.pk), actor=coordinator)
    changes = [e.changes for e in entries]
    assert any(c.get("text") == ["Nhiệm vụ cho 1.1", "Nhiệm vụ mới"] for c in changes)
    assert any(c.get("partners") == [[], [other_commune.name]] for c in changes)
    assert AuditEntry.objects.filter(object_id=str(plan.pk), action="create", actor=coordinator).exists()


def test_reorder_copy_delete(tuyen_quang, commune, idx):
    plan = draft_plan(tuyen_quang, idx)
    a = services.add_task(None, plan, task_data(idx, "1.1", [commune], text="A"))
    b = services.add_task(None, plan, task_data(idx, "1.2", [commune], text="B"))
    c = services.add_task(None, plan, task_data(idx, "2.1", [commune], text="C"))
    services.move_task(None, c, "up")
    assert [t.text for t in plan.tasks.all()] == ["A", "C", "B"]
    services.move_task(None, a, "up")  # already first: nothing moves
    copy = services.copy_task(None, a)
    assert [t.text for t in plan.tasks.all()] == ["A", "A", "C", "B"]
    assert list(copy.criteria.all()) == [criterion(idx, "1.1")]
    assert [x.unit for x in copy.assignments.all()] == [commune]
    services.delete_task(None, b, b.version)
    assert [t.text for t in plan.tasks.all()] == ["A", "A", "C"]
    assert [t.position for t in plan.tasks.all()] == [1, 2, 3]
    added = services.add_task(None, plan, task_data(idx, "3.1", [commune], text="D"), after=a)
    assert [t.text for t in plan.tasks.all()] == ["A", "D", "A", "C"]
    assert added.position == 2


def test_body_helper_units_are_valid_assignees(tuyen_quang, idx):
    dept = body(tuyen_quang, "Sở Thử nghiệm")
    plan = draft_plan(tuyen_quang, idx)
    task = services.add_task(None, plan, task_data(idx, "1.1", [dept]))
    assert task.lead_display == "Sở Thử nghiệm"


def test_a_draft_may_hold_a_future_date_but_is_not_issued_in_the_future(tuyen_quang, commune, idx):
    future = dt.date.today() + dt.timedelta(days=10)
    plan = draft_plan(
        tuyen_quang,
        idx,
        number_symbol="8/KH-UBND",
        issued_on=future.strftime("%d/%m/%Y"),
        year_from=future.year,
    )
    services.add_task(None, plan, task_data(idx, "1.1", [commune]))
    with pytest.raises(ValidationError) as exc:
        services.issue_plan(None, plan, version=plan.version, issued_on=future)
    assert errors_of(exc)["issued_on"][0].startswith("Ngày ban hành: không được sau hôm nay")
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT
