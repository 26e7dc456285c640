"""In Chromium: sign in, search a unit without accents, open it."""

import pytest

from chiso.units.models import Unit
from chiso.units.reference import create_bodies
from tests.conftest import make_user, sign_in

pytestmark = [pytest.mark.browser]


def test_sign_in_search_a_unit_and_open_it(live_world, live_server, page):
    province = Unit.objects.get(ref="vn:province:08")
    create_bodies(Unit.objects.get(ref="vn-pre2025:district:030"), "district_pre2025")
    make_user("demo.tinh", province, "coordinator", first_name="Chuyên viên Sở Nội vụ")

    sign_in(page, live_server, "demo.tinh")
    assert page.get_by_role("heading", name="Tỉnh Tuyên Quang").is_visible()

    page.get_by_role("link", name="Đơn vị", exact=True).click()
    page.get_by_label("Cả đơn vị đã hết hiệu lực").check()
    page.get_by_placeholder("Tìm theo tên hoặc mã").fill("phong noi vu")
    link = page.get_by_role("link", name="Phòng Nội vụ")
    link.wait_for()  # results arrive by htmx while typing
    assert "phong+noi+vu" in page.url or "phong%20noi%20vu" in page.url
    link.click()
    assert page.get_by_role("heading", name="Phòng Nội vụ").is_visible()
    assert page.get_by_role(
        "link", name="Huyện Vị Xuyên"
    ).is_visible()  # the breadcrumb: old district, in scope
