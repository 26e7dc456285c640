"""In Chromium, on a desktop screen and at 390 px: the coordinator sees a submitted report on the
home page and approves it from there; a refused submit lists its reasons with links to the rows;
an htmx request answered 400 (or not answered at all) shows its message on the page."""

import json

import pytest
from django.utils import timezone

from chiso.reporting.models import ReportState, UnitReport
from chiso.units.models import Role
from tests.conftest import make_user, sign_in
from tests.test_home_coordinator import send
from tests.test_reporting_world import build_world, live_round

pytestmark = [pytest.mark.browser]

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=sorted(SIZES))
def sized_page(request, page):
    page.set_viewport_size(SIZES[request.param])
    return page


def test_coordinator_approves_a_submitted_report_from_home(live_world, live_server, sized_page):
    page = sized_page
    world = build_world(year=timezone.localdate().year)
    rnd = live_round(world)
    report = send(world, rnd, "Xã Một", timezone.now())
    make_user("bh.huyen", world.district, Role.COORDINATOR, first_name="Điều phối huyện")

    # A failing fragment (here the index figures) shows the server's message, not nothing.
    page.route(
        "**/home/dashboard/",
        lambda route: route.fulfill(
            status=400,
            content_type="application/json",
            body=json.dumps({"detail": "Không đọc được kết quả chỉ số của năm này."}),
        ),
    )
    sign_in(page, live_server, "bh.huyen")
    page.get_by_test_id("htmx-error").get_by_text("Không đọc được kết quả chỉ số của năm này.").wait_for()
    assert int(page.get_by_test_id("bell").inner_text().strip()) >= 1

    awaiting = page.get_by_test_id("awaiting")
    assert "Xã Một" in awaiting.inner_text()
    awaiting.get_by_role("button", name="Duyệt báo cáo của Xã Một").click()
    page.get_by_text("Đã duyệt 1 báo cáo.").wait_for()
    assert UnitReport.objects.get(pk=report.pk).state == ReportState.APPROVED
    page.get_by_text("Không có báo cáo nào chờ duyệt.").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_refused_submit_lists_its_reasons_with_links(live_world, live_server, sized_page):
    page = sized_page
    world = build_world(year=timezone.localdate().year)
    rnd = live_round(world)
    commune = world.unit("Xã Một")
    make_user("bh.xa", commune, Role.OFFICER, first_name="Cán bộ xã Một")
    sign_in(page, live_server, "bh.xa")
    page.goto(f"{live_server.url}/reporting/rounds/{rnd.pk}/units/{commune.pk}/report/")
    page.get_by_role("heading", name="Báo cáo của Xã Một").wait_for()
    progress = UnitReport.objects.get(round=rnd, unit=commune).progress.select_related("task").first()
    task = progress.task
    page.locator(f"select[name='task-{task.pk}-status']").select_option("done")
    page.get_by_role("button", name="Gửi báo cáo").click()

    errors = page.get_by_test_id("errors")
    errors.wait_for()
    assert "chưa gửi được báo cáo" in errors.inner_text()
    assert "Kết quả đạt được" in errors.locator("a[href='#results']").inner_text()
    link = errors.locator(f"a[href='#task-{task.pk}']").filter(has_text="Nội dung đã thực hiện")
    link.click()
    page.wait_for_function(f"location.hash === '#task-{task.pk}'")
    assert UnitReport.objects.get(round=rnd, unit=commune).state == ReportState.DRAFT

    # The network fails while a fragment is loading: the page says so.
    page.route("**/evidence/", lambda route: route.abort())
    row = page.locator(f"#task-{task.pk}")
    row.get_by_text("Thêm minh chứng").click()
    page.locator(f"#f-{progress.pk}").set_input_files(
        files=[{"name": "a.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}]
    )
    row.get_by_role("button", name="Tải lên").click()
    page.get_by_test_id("htmx-error").get_by_text("Không kết nối được với máy chủ", exact=False).wait_for()
