"""The home page and the first look at plans, for the demo's people."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    from chiso.plans.demo import build_demo_plans
    from chiso.units.demo import build_demo_world

    world = build_demo_world()
    build_demo_plans()
    return world


def test_province_coordinator_sees_inherited_plans_at_once(client, demo):
    client.force_login(demo["users"]["demo.tinh"])
    home = client.get(reverse("home")).content.decode()
    assert "Tỉnh Tuyên Quang" in home and "Việc đến hạn của đơn vị bạn" in home
    # The province has no plan of its own yet: the plan list shows the plans it inherited.
    plans = client.get(reverse("plan-list")).content.decode()
    assert "154/KH-UBND" in plans and "Huyện Vị Xuyên" in plans


def test_commune_officer_home_lists_what_is_due(client, demo):
    client.force_login(demo["users"]["demo.xa"])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Xã Vị Xuyên" in content and "Việc đến hạn của đơn vị bạn" in content


def test_home_query_count_does_not_grow_with_memberships(client, demo, django_assert_max_num_queries):
    client.force_login(demo["users"]["demo.tinh"])
    with django_assert_max_num_queries(25):
        client.get(reverse("home"))


def test_an_issued_plan_links_to_its_reporting_rounds(client, demo):
    from chiso.plans.models import Plan

    plan = Plan.objects.get(number="154", symbol="KH-UBND")
    client.force_login(demo["users"]["demo.tinh"])
    content = client.get(reverse("plan-detail", args=[plan.pk])).content.decode()
    assert reverse("reporting-plan-rounds", args=[plan.pk]) in content


def test_province_coordinator_follows_the_rounds_of_inherited_plans(client, demo):
    from chiso.reporting.demo import build_demo_reporting

    build_demo_reporting()
    client.force_login(demo["users"]["demo.tinh"])
    content = client.get(reverse("reporting-home")).content.decode()
    assert "Các kỳ báo cáo bạn theo dõi" in content and "154/KH-UBND" in content


def test_province_coordinator_home_lists_what_waits_in_few_queries(
    client, demo, django_assert_max_num_queries
):
    from chiso.reporting.demo import build_demo_reporting
    from chiso.reporting.models import ReportState, UnitReport

    build_demo_reporting()
    waiting = UnitReport.objects.filter(state=ReportState.SUBMITTED).count()
    assert waiting  # the demo leaves reports sent and not yet approved
    client.force_login(demo["users"]["demo.tinh"])
    with django_assert_max_num_queries(25):
        content = client.get(reverse("home")).content.decode()
    assert f"Báo cáo chờ duyệt ({waiting})" in content and "Đơn vị cần đôn đốc" in content
