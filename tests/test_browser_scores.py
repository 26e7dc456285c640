"""In Chromium: the leader of Tuyên Quang (a province formed in 2025, so its series is derived)
opens the home page and the analytics page, sees the charts drawn as SVG, downloads a chart as
PNG and SVG and the briefing as .docx; at desktop size and at 390 px width, with no horizontal
overflow and no error in the console (a CSP violation would be one)."""

import pytest
from django.core.management import call_command
from docx import Document

from chiso.scores.models import ScoreSet
from chiso.units.models import Role, Unit
from tests.conftest import make_user, sign_in

pytestmark = [pytest.mark.browser]

PROVINCE_REF = "vn:province:08"


def _drawn(page, testid: str) -> int:
    """The number of SVG shapes ECharts drew inside the first chart container `testid`."""
    chart = page.get_by_test_id(testid).first
    chart.locator("svg path").first.wait_for(state="attached")
    return chart.locator("svg path").count()


def _keep_error(errors: list[str], message) -> None:
    """Console errors, the browser's own request for /favicon.ico (which chiso has not) aside."""
    if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
        errors.append(f"{message.text} {message.location.get('url', '')}")


def _no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_leader_reads_home_and_analytics_and_downloads_the_briefing(live_world, live_server, page):
    if not ScoreSet.objects.exists():
        call_command("load_scores", verbosity=0)
    province = Unit.objects.get(ref=PROVINCE_REF)
    make_user("bt.lanhdao", province, Role.LEADER, first_name="Phó Chủ tịch UBND tỉnh")
    errors: list[str] = []
    page.on("console", lambda message: _keep_error(errors, message))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": 1366, "height": 900})

    # Home: position and trend in one screen, loaded after the page by htmx.
    sign_in(page, live_server, "bt.lanhdao")
    page.get_by_test_id("leader-dashboard").wait_for()
    assert "Số liệu quy đổi từ các đơn vị cũ" in page.get_by_test_id("derived-label").first.inner_text()
    assert _drawn(page, "trend-chart") > 0
    assert _no_horizontal_overflow(page)

    # The analytics page, one click away.
    page.get_by_test_id("analytics-link").first.click()
    page.wait_for_url("**/scores/units/**")
    assert "Số liệu quy đổi từ các đơn vị cũ" in page.get_by_test_id("derived-label").inner_text()
    assert _drawn(page, "trend-chart") > 0 and _drawn(page, "radar-chart") > 0
    legend = page.get_by_test_id("trend-chart").inner_text() + page.get_by_test_id("trend-chart").inner_html()
    assert "quy đổi" in legend  # the derived series is labelled in the chart itself
    assert _no_horizontal_overflow(page)

    with page.expect_download() as png:
        page.locator("[data-chart-download=png]").first.click()
    assert png.value.suggested_filename.endswith(".png")
    with open(png.value.path(), "rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
    with page.expect_download() as svg:
        page.locator("[data-chart-download=svg]").first.click()
    assert svg.value.suggested_filename.endswith(".svg")
    with open(svg.value.path(), "rb") as handle:
        assert b"<svg" in handle.read(2000)

    with page.expect_download() as briefing:
        page.get_by_test_id("briefing-link").click()
    assert briefing.value.suggested_filename.endswith(".docx")
    text = "\n".join(p.text for p in Document(briefing.value.path()).paragraphs)
    assert "Số liệu quy đổi từ các đơn vị cũ" in text and "Tuyên Quang" in text

    # A phone: the same page, charts drawn, nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert _drawn(page, "trend-chart") > 0 and _drawn(page, "radar-chart") > 0
    assert _no_horizontal_overflow(page)
    page.goto(f"{live_server.url}/")
    page.get_by_test_id("leader-dashboard").wait_for()
    assert _drawn(page, "trend-chart") > 0
    assert _no_horizontal_overflow(page)
    assert errors == []
