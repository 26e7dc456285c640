"""The demo reporting data on the Vị Xuyên 2021 plan: reports on time, late, returned, awaiting
approval and missing; idempotent."""

import datetime as dt

import pytest

from chiso.plans.demo import build_demo_plans
from chiso.reporting.demo import build_demo_reporting, demo_summary
from chiso.reporting.models import Initiative, Inspection, ReportingRound, UnitReport
from chiso.reporting.monitoring import round_monitoring

pytestmark = pytest.mark.django_db


def test_demo_reporting(db):
    build_demo_plans()
    rounds = build_demo_reporting()
    assert [r.title for r in rounds] == [
        "Báo cáo sơ kết kết quả thực hiện Kế hoạch năm 2021",
        "Báo cáo tổng kết năm 2021",
    ]
    m = round_monitoring(rounds[0], dt.date(2021, 9, 30))
    t = m.totals
    assert t.on_time >= 8 and t.grace == 1 and t.late == 2 and t.missing > 0
    assert (t.awaiting_approval, t.returned) == (1, 1)
    assert t.expected == len(m.units) and t.completeness_pct <= 100
    by_unit = {r.unit.name: r for r in m.units}
    assert by_unit["Xã Trung Thành"].extended and by_unit["Xã Trung Thành"].timeliness == "on_time"
    before = (
        ReportingRound.objects.count(),
        UnitReport.objects.count(),
        Initiative.objects.count(),
        Inspection.objects.count(),
    )
    summary = demo_summary(rounds)
    build_demo_reporting()
    assert (
        ReportingRound.objects.count(),
        UnitReport.objects.count(),
        Initiative.objects.count(),
        Inspection.objects.count(),
    ) == before
    assert demo_summary(rounds) == summary
    assert Inspection.objects.get().targets.count() > 0
