"""In Chromium: a commune officer reports on the commune's own tasks (grouped under the
province's), with a PDF as evidence; the province's coordinator approves, then drills from a
province task into the commune's child task and its evidence."""

import datetime as dt

import pytest

from chiso.core.workdays import next_working_day
from chiso.reporting.models import ReportState, UnitReport
from chiso.units.models import Role, Unit
from tests.conftest import make_user, sign_in
from tests.rollup_world import build_tree, province_round

pytestmark = [pytest.mark.browser]

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def test_commune_reports_on_its_own_tasks_and_the_province_drills_down(
    live_world, live_server, page, browser, tmp_path, settings
):
    from django.utils import timezone

    settings.MEDIA_ROOT = tmp_path / "media"
    today = timezone.localdate()
    province = Unit.objects.get(ref="vn:province:08")
    a = Unit.objects.get(parent=province, name="Xã Vị Xuyên")
    b = Unit.objects.filter(parent=province, kind="commune").exclude(pk=a.pk).order_by("code").first()
    tree = build_tree(
        province, a, b, today.year, max(dt.date(today.year, 1, 2), today - dt.timedelta(days=30))
    )
    rnd = province_round(tree, today, next_working_day(today + dt.timedelta(days=7)))
    make_user("bt.xa", a, Role.OFFICER, first_name="Công chức xã")
    make_user("bt.tinh", province, Role.COORDINATOR, first_name="Chuyên viên Sở Nội vụ")
    pdf = tmp_path / "bien-ban-mot-cua.pdf"
    pdf.write_bytes(PDF)

    # The officer opens the commune's report: its own tasks, under the province's.
    sign_in(page, live_server, "bt.xa")
    page.goto(f"{live_server.url}/reporting/rounds/{rnd.pk}/units/{a.pk}/report/")
    page.get_by_role("heading", name="Báo cáo của Xã Vị Xuyên").wait_for()
    assert "3/KH-UBND" in page.get_by_test_id("lower-plan").inner_text()
    table = page.get_by_test_id("report-tasks")
    assert table.locator("tr[data-upper-task='T1']").count() == 1
    assert table.locator("tr[data-own-tasks]").count() == 1
    numbers = table.locator("tr[data-task]").evaluate_all("rows => rows.map(r => r.dataset.task)")
    assert numbers == ["C1a", "C1b", "C2a", "C2b", "T3", "C4a", "C4b", "C5"]
    report = UnitReport.objects.get(round=rnd, unit=a)
    values = {"C1a": "97", "C1b": "93", "C2a": "1", "C2b": "1"}
    for progress in report.progress.select_related("task"):
        task = progress.task
        page.locator(f"select[name='task-{task.pk}-status']").select_option("done")
        if task.number in values:
            page.locator(f"input[name='task-{task.pk}-achieved_value']").fill(values[task.number])
        page.locator(f"textarea[name='task-{task.pk}-work_done']").fill(f"Xã đã hoàn thành {task.number}.")
    page.get_by_label("Kết quả đạt được", exact=True).fill("Xã đã thực hiện đầy đủ kế hoạch của xã.")
    page.get_by_role("button", name="Lưu nháp").click()
    page.get_by_text("Đã lưu bản nháp.").wait_for()
    c1a = tree.child_tasks["C1a"]
    progress = report.progress.get(task=c1a)
    row = page.locator(f"#task-{c1a.pk}")
    row.get_by_text("Thêm minh chứng").click()
    page.locator(f"#f-{progress.pk}").set_input_files(str(pdf))
    row.get_by_role("button", name="Tải lên").click()
    row.get_by_role("link", name="bien-ban-mot-cua.pdf").wait_for()
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.get_by_text("Đã gửi báo cáo.").wait_for()

    # The coordinator approves, then drills down from the province's task T1.
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15000)
    coordinator = context.new_page()
    sign_in(coordinator, live_server, "bt.tinh")
    coordinator.goto(f"{live_server.url}/reporting/reports/{report.pk}/")
    coordinator.get_by_role("button", name="Duyệt báo cáo").click()
    coordinator.get_by_text("Đã duyệt báo cáo của Xã Vị Xuyên.").wait_for()
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED
    coordinator.goto(f"{live_server.url}/reporting/rounds/{rnd.pk}/")
    unit_row = coordinator.locator("tr[data-unit='Xã Vị Xuyên']")
    assert unit_row.get_attribute("data-via-lower-plan") == "1" and "3/KH-UBND" in unit_row.inner_text()
    unit_row.get_by_role("link", name="Xã Vị Xuyên").click()
    coordinator.get_by_test_id("via-lower-plan").wait_for()
    coordinator.get_by_test_id("unit-tasks").get_by_role(
        "link", name="Giải quyết thủ tục hành chính đúng hạn"
    ).click()
    child = coordinator.locator("tr[data-child-task='C1a']")
    assert (
        "Hồ sơ tại Bộ phận Một cửa xã đúng hạn" in child.inner_text() and "Hoàn thành" in child.inner_text()
    )
    assert child.get_by_role("link", name="bien-ban-mot-cua.pdf").count() == 1
    child.get_by_role("link", name="Xem trong báo cáo").click()
    coordinator.locator(f"#task-{c1a.pk}").get_by_role("link", name="bien-ban-mot-cua.pdf").wait_for()
    context.close()
