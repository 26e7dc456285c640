"""In Chromium: an officer fills and sends a report with an uploaded PDF; the coordinator returns
it with a comment; the officer corrects and sends it again; the coordinator's monitoring page
shows it sent on time."""

import pytest

from chiso.reporting.models import ReportState, UnitReport
from chiso.units.models import Role
from tests.conftest import make_user, sign_in
from tests.test_reporting_world import build_world, live_round

pytestmark = [pytest.mark.browser]

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def test_officer_reports_coordinator_returns_officer_resubmits(
    live_world, live_server, page, browser, tmp_path, settings
):
    from django.utils import timezone

    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world(year=timezone.localdate().year)
    rnd = live_round(world)
    commune = world.unit("Xã Một")
    make_user("bt.xa", commune, Role.OFFICER, first_name="Cán bộ xã Một")
    make_user("bt.huyen", world.district, Role.COORDINATOR, first_name="Chuyên viên Phòng Nội vụ")
    t11, t12 = world.tasks["1.1"], world.tasks["1.2"]
    pdf = tmp_path / "bien-ban-hop-dan.pdf"
    pdf.write_bytes(PDF)

    # The officer finds the report in the inbox and fills it in.
    sign_in(page, live_server, "bt.xa")
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    page.get_by_role("link", name=rnd.title, exact=False).first.click()
    page.get_by_role("heading", name="Báo cáo của Xã Một").wait_for()
    report = UnitReport.objects.get(round=rnd, unit=commune)
    for progress in report.progress.select_related("task"):
        task = progress.task
        page.locator(f"select[name='task-{task.pk}-status']").select_option("done")
        if task.has_measurable_target:
            page.locator(f"input[name='task-{task.pk}-achieved_value']").fill(
                "97,5" if task.pk == t11.pk else "2"
            )
        page.locator(f"textarea[name='task-{task.pk}-work_done']").fill(
            f"Đã hoàn thành nhiệm vụ {task.number}."
        )
    page.get_by_label("Kết quả đạt được", exact=True).fill("Xã đã triển khai đầy đủ các nhiệm vụ được giao.")
    page.get_by_role("button", name="Lưu nháp").click()
    page.get_by_text("Đã lưu bản nháp.").wait_for()

    # Evidence: a PDF for task 1.1, uploaded by htmx without leaving the page.
    progress_11 = report.progress.get(task=t11)
    row = page.locator(f"#task-{t11.pk}")
    row.get_by_text("Thêm minh chứng").click()
    page.locator(f"#f-{progress_11.pk}").set_input_files(str(pdf))
    row.get_by_role("button", name="Tải lên").click()
    row.get_by_role("link", name="bien-ban-hop-dan.pdf").wait_for()

    page.get_by_role("button", name="Gửi báo cáo").click()
    page.get_by_text("Đã gửi báo cáo.").wait_for()
    assert page.get_by_test_id("report-state").inner_text() == "Đã gửi"
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert report.progress.get(task=t11).evidence.get().file_name == "bien-ban-hop-dan.pdf"

    # The coordinator returns task 1.1 with a comment.
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15000)
    coordinator = context.new_page()
    sign_in(coordinator, live_server, "bt.huyen")
    coordinator.goto(f"{live_server.url}/reporting/reports/{report.pk}/")
    coordinator.get_by_label(f"Trả lại nhiệm vụ {t11.number}").check()
    coordinator.get_by_label("Lý do trả lại").fill("Biên bản chưa có chữ ký, đề nghị bổ sung.")
    coordinator.get_by_role("button", name="Trả lại", exact=True).click()
    coordinator.get_by_text("Đã trả lại báo cáo cho Xã Một.").wait_for()
    assert coordinator.get_by_test_id("report-state").inner_text() == "Bị trả lại"

    # The officer sees the comment, corrects the returned task only, and sends again.
    page.reload()
    assert "Biên bản chưa có chữ ký" in page.get_by_test_id("return-reason").inner_text()
    assert page.locator(f"select[name='task-{t12.pk}-status']").count() == 0
    page.locator(f"textarea[name='task-{t11.pk}-work_done']").fill("Đã bổ sung biên bản có chữ ký.")
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.get_by_text("Đã gửi báo cáo.").wait_for()
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.versions.count() == 2

    # The coordinator's monitoring page shows the report sent on time.
    coordinator.goto(f"{live_server.url}/reporting/rounds/{rnd.pk}/")
    unit_row = coordinator.locator("tr[data-unit='Xã Một']")
    assert unit_row.get_attribute("data-timeliness") == "on_time"
    assert "Đúng hạn" in unit_row.locator("td.timeliness").inner_text()
    assert "Đã gửi" in unit_row.inner_text()
    context.close()
