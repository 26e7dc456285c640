"""In Chromium: a province coordinator uploads the Vị Xuyên plan (.docx), waits while it is read in
the background, takes the district as issuer, fixes a lead unit the parser could not match and
the title, saves, and lands on the draft plan with all its tasks."""

import re

import pytest

from chiso.documents.models import ImportJob, ImportStatus
from chiso.plans.models import Plan, PlanState
from chiso.units.models import Unit
from chiso.units.reference import create_bodies
from tests.conftest import SAMPLES, make_user, sign_in

pytestmark = [pytest.mark.browser]

SAMPLE = SAMPLES / "vi-xuyen-2021-plan.docx"


@pytest.mark.skipif(not SAMPLE.exists(), reason=f"the sample plans are not in {SAMPLES}")
def test_coordinator_imports_reviews_fixes_and_saves_a_draft(live_world, live_server, page):
    province = Unit.objects.get(ref="vn:province:08")
    district = Unit.objects.get(ref="vn-pre2025:district:030")
    create_bodies(district, "district_pre2025")
    labour = Unit.objects.get(parent=district, name="Phòng Lao động - Thương binh và Xã hội")
    make_user("demo.tinh", province, "coordinator", first_name="Chuyên viên Sở Nội vụ")

    sign_in(page, live_server, "demo.tinh")
    page.get_by_role("link", name="Nhập kế hoạch", exact=True).click()
    page.get_by_label("Tệp kế hoạch").set_input_files(str(SAMPLE))
    assert page.get_by_label("Đơn vị ban hành").input_value() == str(province.pk)  # their own by default
    page.get_by_role("button", name="Tải lên và đọc tệp").click()
    page.wait_for_url(re.compile(r"/imports/\d+/$"))

    # The file is read in the background; the page polls and turns into the review.
    page.get_by_test_id("import-tasks").wait_for(timeout=90_000)
    job = ImportJob.objects.get(owner__username="demo.tinh")
    assert job.status == ImportStatus.PARSED
    parsed = len(job.result["tasks"])
    assert page.locator("tr.import-row").count() == parsed
    assert page.get_by_test_id("header-number").inner_text() == "154/KH-UBND"

    # The document names Huyện Vị Xuyên, which the province coordinator may write for.
    page.get_by_role("button", name="Dùng Huyện Vị Xuyên làm đơn vị ban hành").click()
    page.get_by_test_id("detected-issuer").wait_for(state="detached")
    assert page.get_by_test_id("header-issuer").inner_text().startswith("Huyện Vị Xuyên")

    # A lead unit the tree does not hold is flagged; replace it by a body picked by search.
    row_number = next(
        t["row"] for t in job.review["tasks"] if any(e["text"] == "Bảo hiểm xã hội huyện" for e in t["leads"])
    )
    row = page.locator(f"tr#row-{row_number}")
    assert row.get_by_test_id("row-leads").locator("[data-status=unmatched]").count() == 1
    assert "chưa khớp đơn vị nào" in row.get_by_test_id("row-flags").inner_text()
    row.get_by_role("link", name=f"Sửa dòng {row_number}").click()
    form = page.locator(f"tr#row-{row_number}.import-form-row")
    form.wait_for()
    form.get_by_role("button", name="Bỏ Bảo hiểm xã hội huyện").click()
    form.get_by_label("Tìm đơn vị chủ trì").fill("lao dong thuong binh")
    form.locator("[data-pick-value]", has_text="Phòng Lao động - Thương binh và Xã hội").first.click()
    form.get_by_role("button", name="Lưu dòng này").click()
    fixed = page.locator(f"tr#row-{row_number}.import-row")
    fixed.wait_for()
    assert "Phòng Lao động - Thương binh và Xã hội" in fixed.get_by_test_id("row-leads").inner_text()
    assert fixed.get_by_test_id("row-leads").locator("[data-status=unmatched]").count() == 0

    # Fix the title in the header.
    page.get_by_test_id("edit-header").click()
    page.get_by_label("Trích yếu").fill("Cải thiện và nâng cao Chỉ số PAPI huyện Vị Xuyên năm 2021")
    page.get_by_role("button", name="Lưu thông tin chung").click()
    page.get_by_test_id("header-title").filter(has_text="Chỉ số PAPI huyện Vị Xuyên").wait_for()

    # Save: the draft plan opens with every task.
    page.get_by_test_id("save-plan").click()
    page.wait_for_url(re.compile(r"/plans/\d+/$"))
    assert page.get_by_test_id("plan-state").inner_text() == "Dự thảo"
    assert "Chỉ số PAPI huyện Vị Xuyên năm 2021" in page.locator("header").inner_text()
    assert page.locator("tr.task-row").count() == parsed
    plan = Plan.objects.get(import_jobs=job)
    assert plan.state == PlanState.DRAFT and plan.issuer == district
    assert plan.tasks.count() == parsed
    task = plan.tasks.get(position=row_number)
    assert [a.unit for a in task.leads] == [labour]
