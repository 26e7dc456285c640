"""In Chromium: a coordinator writes a plan with three tasks, issues and cascades it; a commune
officer signs in and opens the pre-filled draft of their commune's implementing plan. Ticking 3 of
the assigned units creates exactly 3 drafts, after a confirmation naming them (desktop and 390 px)."""

import re

import pytest

from chiso.plans import services
from chiso.plans.models import Plan, PlanState
from chiso.units.models import Unit
from tests.conftest import make_user, sign_in
from tests.test_plans_support import d, draft_plan, make_framework, task_data

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}

pytestmark = [pytest.mark.browser]

TASKS = [
    (
        "Tuyên truyền Luật Tiếp cận thông tin đến các thôn",
        "1.1",
        "xa vi xuyen",
        "Xã Vị Xuyên",
        "100% các thôn",
        "Quý III/2026",
    ),
    (
        "Công khai danh sách hộ nghèo tại nhà văn hóa thôn",
        "2.1",
        "xa vi xuyen",
        "Xã Vị Xuyên",
        "100% các thôn",
        "Thường xuyên",
    ),
    (
        "Tiếp nhận, trả lời phản ánh trên Cổng thông tin",
        "3.2",
        "vi xuyen",
        "Xã Vị Xuyên",
        "Có ít nhất 95% phản ánh được trả lời đúng hạn",
        "Thường xuyên",
    ),
]


def pick(row, search_label: str, query: str, option: str) -> None:
    """Type in a picker's search box (accents optional) and click the option that comes back by htmx."""
    row.get_by_label(search_label).fill(query)
    button = row.locator("[data-pick-value]", has_text=option).first
    button.wait_for()
    button.click()


def test_coordinator_writes_issues_cascades_and_officer_opens_the_draft(
    live_world, live_server, browser, page
):
    province = Unit.objects.get(ref="vn:province:08")
    commune = Unit.objects.get(parent=province, name="Xã Vị Xuyên")
    make_framework("TESTIDX")
    make_user("demo.tinh", province, "coordinator", first_name="Chuyên viên Sở Nội vụ")
    make_user("demo.xa", commune, "officer", first_name="Công chức xã")

    # The coordinator writes a draft.
    sign_in(page, live_server, "demo.tinh")
    page.get_by_role("link", name="Kế hoạch", exact=True).click()
    page.get_by_role("link", name="Soạn kế hoạch mới").click()
    page.get_by_label("Trích yếu").fill(
        "Nâng cao Chỉ số hiệu quả quản trị và hành chính công tỉnh Tuyên Quang năm 2026"
    )
    page.get_by_label("TESTIDX 2020–2030").check()
    page.get_by_role("button", name="Tạo dự thảo").click()
    page.wait_for_url(re.compile(r"/plans/\d+/$"))
    assert page.get_by_test_id("plan-state").inner_text() == "Dự thảo"

    # Three tasks, each with a criterion and a lead unit picked by accent-insensitive search.
    for text, code, query, unit_name, target, timeframe in TASKS:
        page.get_by_test_id("add-task").click()
        row = page.locator("tr#task-new")
        row.wait_for()
        row.get_by_label("Nhiệm vụ *").fill(text)
        pick(row, "Tìm tiêu chí", f"noi dung thanh phan {code}", f"{code} Nội dung thành phần {code}")
        pick(row, "Tìm đơn vị chủ trì", query, unit_name)
        row.get_by_label("Chỉ tiêu (như văn bản)").fill(target)
        row.get_by_label("Thời gian thực hiện (như văn bản)").fill(timeframe)
        row.get_by_role("button", name="Lưu nhiệm vụ").click()
        page.locator("tr.task-row", has_text=text).wait_for()
    rows = page.locator("tr.task-row")
    assert rows.count() == 3
    assert page.get_by_test_id("task-total").inner_text() == "3 nhiệm vụ"
    # The conformance panel follows the table: all three dimensions are now covered.
    page.get_by_test_id("findings-ok").wait_for()
    assert "Xã Vị Xuyên" in rows.nth(0).locator(".task-leads").inner_text()
    assert "hạn 30/09/2026" in rows.nth(0).inner_text()
    assert "hồ sơ" not in rows.nth(2).inner_text() and "≥ 95" in rows.nth(2).inner_text()

    # Edit a row in place, cancel another edit, move a row up and back.
    first = rows.nth(0)
    first.get_by_role("link", name="Sửa").click()
    form_row = page.locator("tr.task-form-row")
    form_row.get_by_label("Chỉ tiêu (như văn bản)").fill("Tối thiểu 90% các thôn")
    form_row.get_by_label("Chỉ tiêu đo được: giá trị").fill("")
    form_row.get_by_label("Chỉ tiêu đo được: so sánh").select_option("")
    form_row.get_by_role("button", name="Lưu nhiệm vụ").click()
    page.locator("tr.task-row", has_text="Tối thiểu 90% các thôn").wait_for()
    assert "các thôn ≥ 90 %" in rows.nth(0).inner_text()
    rows.nth(1).get_by_role("link", name="Sửa").click()
    page.locator("tr.task-form-row").get_by_role("link", name="Hủy").click()
    page.locator("tr.task-form-row").wait_for(state="detached")
    rows.nth(1).get_by_role("button", name="Lên").click()
    page.locator("tr.task-row").first.filter(has_text=TASKS[1][0]).wait_for()
    page.locator("tr.task-row").first.get_by_role("button", name="Xuống").click()
    page.locator("tr.task-row").first.filter(has_text=TASKS[0][0]).wait_for()

    # Issue, with confirmation.
    page.get_by_role("link", name="Ban hành", exact=True).click()
    page.get_by_label("Số, ký hiệu").fill("21/KH-UBND")
    page.get_by_role("button", name="Xác nhận ban hành").click()
    page.wait_for_url(re.compile(r"/plans/\d+/$"))
    assert page.get_by_test_id("plan-state").inner_text() == "Đã ban hành"
    plan = Plan.objects.get(number="21", issuer=province)
    assert plan.state == PlanState.ISSUED and plan.tasks.count() == 3

    # Cascade to the assigned commune, 15 working days.
    page.get_by_role("link", name="Giao cho cấp dưới").click()
    page.get_by_label("hoặc số ngày làm việc sau ngày ban hành").fill("15")
    page.get_by_label("Xã Vị Xuyên").check()
    page.get_by_role("button", name="Giao kế hoạch").click()
    assert page.get_by_test_id("cascade-confirm-units").inner_text() == "Xã Vị Xuyên"
    page.get_by_role("button", name="Tạo 1 dự thảo").click()
    page.get_by_test_id("matrix").wait_for()
    assert "Xã Vị Xuyên" in page.get_by_test_id("matrix").inner_text()
    draft = Plan.objects.get(upper_plan=plan, issuer=commune)

    # The commune officer signs in and opens the pre-filled draft.
    officer_context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    officer_context.set_default_timeout(15000)
    officer_page = officer_context.new_page()
    try:
        sign_in(officer_page, live_server, "demo.xa")
        officer_page.get_by_role("link", name="Kế hoạch", exact=True).click()
        todo = officer_page.get_by_test_id("to-complete")
        assert "thực hiện Kế hoạch 21/KH-UBND của Tỉnh Tuyên Quang" in todo.inner_text()
        todo.get_by_role("link").first.click()
        officer_page.wait_for_url(f"{live_server.url}/plans/{draft.pk}/")
        assert officer_page.get_by_test_id("plan-state").inner_text() == "Dự thảo"
        assert "Thực hiện Kế hoạch số 21/KH-UBND" in officer_page.locator(".plan-text").inner_text()
        officer_rows = officer_page.locator("tr.task-row")
        assert officer_rows.count() == 3
        assert [officer_rows.nth(i).locator(".task-text").inner_text() for i in range(3)] == [
            t[0] for t in TASKS
        ]
        # Copied word for word from the province: each target is marked to be concretised.
        assert officer_page.get_by_test_id("to-concretise").count() == 3
        # The officer may fill the draft: the editor is there.
        assert officer_page.get_by_test_id("add-task").is_visible()
        # The province plan is readable, not editable.
        officer_page.goto(f"{live_server.url}/plans/{plan.pk}/")
        assert officer_page.get_by_test_id("plan-state").inner_text() == "Đã ban hành"
        assert officer_page.get_by_role("link", name="Giao cho cấp dưới").count() == 0
    finally:
        officer_context.close()


@pytest.fixture(params=sorted(SIZES))
def sized_page(request, page):
    page.set_viewport_size(SIZES[request.param])
    return page


def test_ticking_three_units_creates_exactly_three_drafts(live_world, live_server, sized_page):
    page = sized_page
    province = Unit.objects.get(ref="vn:province:08")
    communes = list(Unit.objects.filter(parent=province, kind="commune", valid_to=None).order_by("code")[:6])
    version = make_framework("TESTIDX")
    make_user("demo.tinh", province, "coordinator", first_name="Chuyên viên Sở Nội vụ")
    plan = draft_plan(province, version, number_symbol="30/KH-UBND")
    services.add_task(None, plan, task_data(version, "1.1", communes, text="Niêm yết công khai"))
    plan.refresh_from_db()
    plan = services.issue_plan(None, plan, version=plan.version, issued_on=d("02/03/2026"))

    sign_in(page, live_server, "demo.tinh")
    page.goto(f"{live_server.url}/plans/{plan.pk}/cascade/")
    boxes = page.locator("input.unit-box")
    assert boxes.count() == 6
    # Nothing is ticked, and the page says so.
    assert [boxes.nth(i).is_checked() for i in range(6)] == [False] * 6
    count = page.get_by_test_id("cascade-count")
    assert count.inner_text().startswith("Đã chọn 0 đơn vị: sẽ tạo 0 dự thảo")
    chosen = [communes[0], communes[2], communes[5]]
    for unit in chosen:
        page.get_by_label(unit.name, exact=True).check()
    assert count.inner_text().startswith("Đã chọn 3 đơn vị: sẽ tạo 3 dự thảo")
    # "All" ticks the six, unticking it leaves none; then the three again.
    page.get_by_label("Chọn tất cả").check()
    assert count.inner_text().startswith("Đã chọn 6 đơn vị")
    page.get_by_label("Chọn tất cả").uncheck()
    assert count.inner_text().startswith("Đã chọn 0 đơn vị")
    for unit in chosen:
        page.get_by_label(unit.name, exact=True).check()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.get_by_role("button", name="Giao kế hoạch").click()

    # The confirmation names the three units; nothing is created before it is confirmed.
    confirm = page.get_by_test_id("cascade-confirm")
    assert "Sẽ tạo 3 dự thảo kế hoạch thực hiện" in confirm.inner_text()
    assert page.get_by_test_id("cascade-confirm-units").locator("li").all_inner_texts() == [
        u.name for u in sorted(chosen, key=lambda u: u.name)
    ]
    assert not Plan.objects.filter(upper_plan=plan).exists()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.get_by_role("button", name="Tạo 3 dự thảo").click()
    page.get_by_test_id("matrix").wait_for()
    drafts = Plan.objects.filter(upper_plan=plan)
    assert sorted(drafts.values_list("issuer_id", flat=True)) == sorted(u.pk for u in chosen)
    message = page.locator(".alert-success").inner_text()
    assert message.startswith("Đã tạo 3 dự thảo kế hoạch thực hiện:")
    assert all(u.name in message for u in chosen)
