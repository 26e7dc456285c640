"""The plans API: same scope as the pages (404 outside it), same validation, filters, actions."""

import datetime as dt

import pytest
from django.urls import reverse

from chiso.plans import services
from chiso.plans.models import Plan, PlanState, Task
from tests.test_plans_support import criterion, draft_plan, make_framework, ref, task_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def idx(db):
    return make_framework()


@pytest.fixture
def api(client):
    def call(user, method, url, data=None, **extra):
        client.force_login(user)
        return getattr(client, method)(url, data=data, content_type="application/json", **extra)

    return call


def test_officer_of_another_commune_gets_404(api, commune, other_commune, idx, officer):
    other = draft_plan(other_commune, idx, title="Kế hoạch xã khác")
    services.add_task(None, other, task_data(idx, "1.1", [other_commune]))
    task = other.tasks.get()
    assert api(officer, "get", f"/api/plans/{other.pk}/").status_code == 404
    assert api(officer, "patch", f"/api/plans/{other.pk}/", {"title": "x", "version": 1}).status_code == 404
    assert api(officer, "get", f"/api/tasks/{task.pk}/").status_code == 404
    assert api(officer, "get", f"/api/plans/{other.pk}/export/").status_code == 404
    listed = api(officer, "get", "/api/plans/").json()
    assert other.pk not in [p["id"] for p in listed["results"]]
    response = api(officer, "post", "/api/tasks/", {"plan": other.pk, "text": "x"})
    assert response.status_code == 400 and "plan" in response.json()["errors"]
    Plan.objects.get(pk=other.pk)  # untouched
    assert Task.objects.filter(plan=other).count() == 1


def test_create_plan_and_tasks_through_the_api(api, coordinator, tuyen_quang, commune, other_commune, idx):
    response = api(
        coordinator,
        "post",
        "/api/plans/",
        {
            "issuer": tuyen_quang.pk,
            "title": "Nâng cao Chỉ số PAPI năm 2026",
            "year_from": 2026,
            "frameworks": [idx.pk],
            "sections": [
                {"heading": "I. MỤC ĐÍCH, YÊU CẦU", "body": "Nâng cao.", "depth": 1, "key": "purpose"}
            ],
            "lower_plan_due_working_days": 15,
        },
    )
    assert response.status_code == 201, response.json()
    plan = response.json()
    assert plan["state"] == "draft" and plan["sections"][0]["heading"] == "I. MỤC ĐÍCH, YÊU CẦU"
    response = api(
        coordinator,
        "post",
        "/api/tasks/",
        {
            "plan": plan["id"],
            "text": "Công khai danh sách hộ nghèo",
            "criteria": [criterion(idx, "2.2").pk],
            "leads": [ref(commune)],
            "partners": [ref(other_commune)],
            "target_text": "Có ít nhất 95% hồ sơ đúng hạn",
            "timeframe_text": "Quý III/2026",
        },
    )
    assert response.status_code == 201, response.json()
    task = response.json()
    assert task["criteria_codes"] == ["2.2"]
    assert task["measurable_target"] == {"metric": "hồ sơ đúng hạn", "op": ">=", "value": "95", "unit": "%"}
    assert task["timeframe"]["kind"] == "quarter" and task["timeframe"]["due"] == "2026-09-30"
    assert [a["unit"] for a in task["leads"]] == [commune.pk]
    # PATCH with the version read; a second PATCH with the same version is refused.
    response = api(
        coordinator, "patch", f"/api/tasks/{task['id']}/", {"text": "Đã sửa", "version": task["version"]}
    )
    assert response.status_code == 200 and response.json()["text"] == "Đã sửa"
    response = api(
        coordinator, "patch", f"/api/tasks/{task['id']}/", {"text": "Cũ", "version": task["version"]}
    )
    assert response.status_code == 400
    assert response.json()["errors"]["version"][0].startswith("Nhiệm vụ đã được người khác sửa")
    # Issue, then the plan is read-only.
    current = api(coordinator, "get", f"/api/plans/{plan['id']}/").json()
    response = api(
        coordinator,
        "post",
        f"/api/plans/{plan['id']}/issue/",
        {"version": current["version"], "number_symbol": "9/KH-UBND", "issued_on": "05/02/2026"},
    )
    assert response.status_code == 200, response.json()
    issued = response.json()
    assert (
        issued["state"] == "issued" and issued["lower_plan_deadline"] == "2026-03-05"
    )  # 15 working days, Tết 16–20/2 not counted
    response = api(
        coordinator, "patch", f"/api/plans/{plan['id']}/", {"title": "Mới", "version": issued["version"]}
    )
    assert response.status_code == 400
    assert response.json()["errors"]["title"][0].startswith("Trích yếu: kế hoạch 9/KH-UBND đã ban hành")


def test_validation_errors_are_the_forms(api, coordinator, tuyen_quang, idx):
    plan = draft_plan(tuyen_quang, idx)
    response = api(
        coordinator,
        "post",
        "/api/tasks/",
        {
            "plan": plan.pk,
            "text": "",
            "leads": ["unit:999999999"],
            "due_on": "31/02/2026",
            "criteria": [999999999],
        },
    )
    errors = response.json()["errors"]
    assert response.status_code == 400
    assert errors["text"] == ["Nhiệm vụ: không được để trống."]
    assert errors["leads"] == ["Đơn vị chủ trì: không tìm thấy đơn vị “unit:999999999”."]
    assert errors["due_on"] == ["Hạn hoàn thành: ngày “31/02/2026” không tồn tại."]
    assert errors["criteria"] == ["Tiêu chí: không tìm thấy tiêu chí “999999999”."]
    draft_plan(tuyen_quang, idx, number_symbol="5/KH-UBND", issued_on="02/02/2026")
    response = api(
        coordinator,
        "post",
        "/api/plans/",
        {
            "issuer": tuyen_quang.pk,
            "title": "Khác",
            "year_from": 2026,
            "number_symbol": "5/KH-UBND",
            "issued_on": "03/02/2026",
        },
    )
    assert response.status_code == 400
    assert "đã dùng cho kế hoạch" in response.json()["errors"]["number_symbol"][0]


def test_filters(api, coordinator, tuyen_quang, commune, other_commune, idx):
    a = draft_plan(tuyen_quang, idx, title="Kế hoạch A")
    services.add_task(None, a, task_data(idx, "1.1", [commune]))
    b = draft_plan(other_commune, idx, title="Kế hoạch B", year_from=2027)
    services.add_task(None, b, task_data(idx, "2.1", [other_commune]))

    def ids(query):
        return {p["id"] for p in api(coordinator, "get", f"/api/plans/?{query}").json()["results"]}

    assert ids(f"unit={tuyen_quang.pk}") >= {a.pk, b.pk}  # sub-units included
    assert ids(f"issuer={other_commune.pk}") == {b.pk}
    assert ids("year=2027") == {b.pk}
    assert ids(f"lead_unit={commune.pk}") == {a.pk}
    assert ids(f"criterion={criterion(idx, '2.1').pk}") == {b.pk}
    assert ids(f"framework={idx.framework_id}") == {a.pk, b.pk}
    assert ids("state=issued") == set()
    tasks = api(coordinator, "get", f"/api/tasks/?lead_unit={other_commune.pk}").json()["results"]
    assert [t["plan"] for t in tasks] == [b.pk]


def test_cascade_and_matrix_through_the_api(
    api, coordinator, officer, tuyen_quang, commune, other_commune, idx
):
    plan = draft_plan(tuyen_quang, idx, number_symbol="3/KH-UBND", lower_plan_due_on="20/02/2026")
    services.add_task(None, plan, task_data(idx, "1.1", [commune], [other_commune]))
    plan.refresh_from_db()
    plan = services.issue_plan(None, plan, version=plan.version, issued_on=dt.date(2026, 2, 2))
    # Before the cascade the commune officer does not see the province plan at all.
    assert api(officer, "post", f"/api/plans/{plan.pk}/cascade/", {}).status_code == 404
    response = api(coordinator, "post", f"/api/plans/{plan.pk}/cascade/", {"units": [commune.pk]})
    assert response.status_code == 201 and [p["issuer"]["id"] for p in response.json()] == [commune.pk]
    # Then they read it (their plan implements it) but may not cascade it.
    assert api(officer, "get", f"/api/plans/{plan.pk}/").status_code == 200
    assert api(officer, "post", f"/api/plans/{plan.pk}/cascade/", {}).status_code == 403
    matrix = api(coordinator, "get", f"/api/plans/{plan.pk}/lower_plans/").json()
    by_unit = {row["unit"]["id"]: row for row in matrix["units"]}
    assert by_unit[commune.pk]["plan"] and by_unit[other_commune.pk]["plan"] is None
    assert matrix["summary"]["without_plan"] == 1
    # The commune officer finds the draft and may fill it.
    drafts = api(officer, "get", f"/api/plans/?upper_plan={plan.pk}&state=draft").json()["results"]
    assert [d["issuer"]["id"] for d in drafts] == [commune.pk]
    conformance = api(officer, "get", f"/api/plans/{drafts[0]['id']}/conformance/").json()
    assert "not_issued_overdue" in [f["code"] for f in conformance["findings"]]
    response = api(officer, "get", f"/api/plans/{plan.pk}/export/?as=xlsx")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')


def test_move_copy_delete_through_the_api(api, coordinator, tuyen_quang, commune, idx):
    plan = draft_plan(tuyen_quang, idx)
    first = services.add_task(None, plan, task_data(idx, "1.1", [commune], text="A"))
    second = services.add_task(None, plan, task_data(idx, "1.2", [commune], text="B"))
    assert api(coordinator, "post", f"/api/tasks/{second.pk}/move/", {"direction": "up"}).status_code == 200
    assert list(plan.tasks.values_list("text", flat=True)) == ["B", "A"]
    copy = api(coordinator, "post", f"/api/tasks/{first.pk}/copy/").json()
    assert copy["text"] == "A" and copy["position"] == 3
    assert (
        api(coordinator, "delete", f"/api/tasks/{copy['id']}/?version={copy['version']}").status_code == 204
    )
    assert plan.tasks.count() == 2
    assert api(coordinator, "delete", f"/api/plans/{plan.pk}/").status_code == 204
    assert not Plan.objects.filter(pk=plan.pk).exists()
    assert Plan.objects.filter(state=PlanState.DRAFT).count() == 0


def test_schema_lists_the_plan_endpoints(client, superuser):
    client.force_login(superuser)
    schema = client.get(reverse("api-schema")).content.decode()
    assert "/api/plans/{id}/lower_plans/" in schema and "/api/tasks/{id}/move/" in schema
