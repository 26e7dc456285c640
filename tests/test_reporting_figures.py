"""Monitoring and consolidated figures of the 40-task, 12-unit, two-round world, against literals
computed by hand from the story in tests/test_reporting_world.py.

Round 1 (today 20/6/2022; due 06/6, grace to 08/6, lock 10/6):
  Phòng Một 04/6 on time, all 8 done (1.1 = 96, 5.1 = 97), approved;
  Phòng Hai 06/6 on time, 2.3 and 6.3 in progress (due 31/3: overdue), rest done (90, 100), approved;
  Phòng Ba 07/6 within grace, 3.4 and 7.4 not started, rest done (95, 95), approved;
  Phòng Bốn extended to 09/6, sent 09/6 (on time), 4.5 and 8.5 not applicable, rest done (80, 99), approved;
  Xã Một–Ba 01/6 on time, all 16 done (x.1 = 98, x.2 = 2), approved; Xã Bốn the same with 90 and 1;
  Xã Năm 03/6, returned for 1.1, sent again 08/6: on time, awaiting approval;
  Xã Sáu 10/6 late, x.1 in progress at 50, x.2 done at 3, approved;
  Xã Bảy a draft only; Xã Tám nothing.
Round 2 (today 20/12/2022; Xã Tám merged away on 30/6, so 11 units):
  departments and Xã Một–Năm on time 01/12, all done except Phòng Ba's 3.4/7.4 in progress;
  Xã Bảy 09/12 late; Xã Sáu nothing.
"""

import datetime as dt
from decimal import Decimal

import pytest

from chiso.reporting.consolidation import consolidate
from chiso.reporting.models import ReportState, ReportVersion, TaskStatus
from chiso.reporting.monitoring import round_monitoring
from chiso.reporting.status import Light, Timeliness
from tests.test_reporting_world import build_world, play_round_1, play_round_2

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


R1_DAY = dt.date(2022, 6, 20)
R2_DAY = dt.date(2022, 12, 20)


@pytest.fixture
def played(world):
    play_round_1(world)
    play_round_2(world)
    return world


def test_round_1_completeness_and_timeliness(played):
    m = round_monitoring(played.rounds[0], R1_DAY)
    t = m.totals
    assert (t.expected, t.submitted, t.on_time, t.grace, t.late, t.missing, t.pending) == (
        12,
        10,
        8,
        1,
        1,
        2,
        0,
    )
    assert (t.approved, t.awaiting_approval, t.returned, t.drafts) == (9, 1, 0, 1)
    assert (t.completeness_pct, t.on_time_pct) == (83.3, 66.7)
    by_unit = {r.unit.name: r for r in m.units}
    assert by_unit["Phòng Ba"].timeliness == Timeliness.GRACE
    assert by_unit["Phòng Bốn"].timeliness == Timeliness.ON_TIME and by_unit["Phòng Bốn"].extended
    assert by_unit["Xã Năm"].timeliness == Timeliness.ON_TIME  # judged by the first submission
    assert by_unit["Xã Sáu"].timeliness == Timeliness.LATE
    assert {n for n, r in by_unit.items() if r.timeliness == Timeliness.MISSING} == {"Xã Bảy", "Xã Tám"}


def test_round_1_progress_by_unit_dimension_and_lights(played):
    m = round_monitoring(played.rounds[0], R1_DAY)
    c = m.counts
    assert (c.done, c.in_progress, c.not_started, c.overdue, c.not_applicable, c.no_data) == (
        98,
        8,
        2,
        2,
        2,
        48,
    )
    assert c.total == 160
    by_unit = {r.unit.name: r for r in m.units}
    assert [
        (n, by_unit[n].counts.done, by_unit[n].counts.overdue)
        for n in ("Phòng Một", "Phòng Hai", "Phòng Ba", "Phòng Bốn")
    ] == [
        ("Phòng Một", 8, 0),
        ("Phòng Hai", 6, 2),
        ("Phòng Ba", 6, 0),
        ("Phòng Bốn", 6, 0),
    ]
    assert by_unit["Phòng Bốn"].counts.done_pct == 100.0  # 6 of the 6 that apply
    assert by_unit["Xã Sáu"].counts.done_pct == 50.0
    assert by_unit["Xã Năm"].counts.no_data == 16  # sent, not approved: does not roll up
    lights = {n: r.light for n, r in by_unit.items()}
    assert lights == {
        "Phòng Một": Light.GREEN,
        "Phòng Hai": Light.RED,  # overdue tasks
        "Phòng Ba": Light.YELLOW,  # late within grace
        "Phòng Bốn": Light.GREEN,
        "Xã Một": Light.GREEN,
        "Xã Hai": Light.GREEN,
        "Xã Ba": Light.GREEN,
        "Xã Bốn": Light.GREEN,
        "Xã Năm": Light.GREEN,
        "Xã Sáu": Light.YELLOW,  # late
        "Xã Bảy": Light.RED,  # missing
        "Xã Tám": Light.RED,
    }
    assert [r.unit.name for r in m.chase] == ["Phòng Hai", "Xã Bảy", "Xã Tám", "Phòng Ba", "Xã Sáu"]
    dims = {d.code: d.counts for d in m.dimensions}
    assert len(dims) == 8
    assert [
        (
            dims[k].done,
            dims[k].in_progress,
            dims[k].overdue,
            dims[k].not_started,
            dims[k].not_applicable,
            dims[k].no_data,
        )
        for k in "12345678"
    ] == [
        (13, 1, 0, 0, 0, 6),
        (12, 1, 1, 0, 0, 6),
        (12, 1, 0, 1, 0, 6),
        (12, 1, 0, 0, 1, 6),
        (13, 1, 0, 0, 0, 6),
        (12, 1, 1, 0, 0, 6),
        (12, 1, 0, 1, 0, 6),
        (12, 1, 0, 0, 1, 6),
    ]
    assert dims["4"].done_pct == 63.2  # 12 of 19 that apply
    overdue = sorted((o.unit.name, o.task.number) for o in m.overdue)
    assert overdue == [("Phòng Hai", "2.3"), ("Phòng Hai", "6.3")]


def test_round_2_expects_only_units_that_exist(played):
    m = round_monitoring(played.rounds[1], R2_DAY)
    t = m.totals
    assert (t.expected, t.submitted, t.on_time, t.late, t.missing, t.approved) == (11, 10, 9, 1, 1, 10)
    assert "Xã Tám" not in {r.unit.name for r in m.units}
    assert (t.completeness_pct, t.on_time_pct) == (90.9, 81.8)
    c = m.counts
    assert (c.total, c.done, c.in_progress, c.overdue, c.no_data) == (144, 126, 2, 0, 16)


def test_rates_never_exceed_100_percent_when_a_unit_ends_after_reporting(played):
    """Xã Tám reports in round 2 before its end is recorded: once it ends, it is not counted."""
    from chiso.reporting import services

    rnd = played.rounds[1]
    tam = played.unit("Xã Tám")
    tam.valid_to = None
    tam.save()
    report = services.open_report(
        played.officer("Xã Tám"), rnd, tam, now=dt.datetime(2022, 11, 20, tzinfo=dt.UTC)
    )
    assert report.progress.count() == 16
    tam.valid_to = dt.date(2022, 6, 30)
    tam.save()
    m = round_monitoring(rnd, R2_DAY)
    assert m.totals.expected == 11
    assert m.totals.completeness_pct <= 100


def test_round_1_consolidation_figures(played):
    c = consolidate(played.rounds[0], R1_DAY)
    assert (c.expected, len(c.approved_units), c.submitted) == (12, 9, 10)
    assert [u.unit.name for u in c.never_submitted] == ["Xã Bảy", "Xã Tám"]
    assert [u.unit.name for u in c.awaiting] == ["Xã Năm"]
    assert (c.done, c.applicable) == (98, 158)
    lines = {t.task.number: t for t in c.tasks}
    t11 = lines["1.1"]
    assert len(t11.expected_units) == 9
    assert t11.done_label == "5/9"
    assert sorted(t11.values) == [
        Decimal("50"),
        Decimal("90"),
        Decimal("96"),
        Decimal("98"),
        Decimal("98"),
        Decimal("98"),
    ]
    assert (t11.value_sum, t11.value_mean, t11.value) == (Decimal("530"), Decimal("88.33"), Decimal("88.33"))
    assert (t11.met, t11.measured) == (4, 6)
    assert sorted(u.name for u in t11.not_reported) == ["Xã Bảy", "Xã Năm", "Xã Tám"]
    t12 = lines["1.2"]
    assert (t12.done_label, t12.value, t12.met, t12.measured) == ("5/8", Decimal("10"), 5, 5)
    assert lines["4.5"].done_label == "0/0"  # not applicable for its only unit
    assert lines["2.3"].status_counts[TaskStatus.IN_PROGRESS] == 1
    dims = {d.code: d for d in c.dimensions}
    assert [(dims[k].done, dims[k].applicable) for k in "12345678"] == [
        (13, 20),
        (12, 20),
        (12, 20),
        (12, 19),
        (13, 20),
        (12, 20),
        (12, 20),
        (12, 19),
    ]
    # Every figure traces back to approved reports.
    approved_ids = set(
        played.rounds[0].reports.filter(state=ReportState.APPROVED).values_list("id", flat=True)
    )
    assert set(c.source_report_ids) == approved_ids and len(approved_ids) == 9
    assert set(t11.source_report_ids) <= approved_ids
    from chiso.reporting.models import TaskProgress

    rows = TaskProgress.objects.filter(pk__in=t11.source_progress_ids)
    assert sum(r.achieved_value for r in rows) == Decimal("530")
    assert {r.task_id for r in rows} == {played.tasks["1.1"].pk}


def test_versions_are_kept_for_every_submission(played):
    report = played.rounds[0].reports.get(unit__name="Xã Năm")
    versions = list(ReportVersion.objects.filter(report=report))
    assert [v.number for v in versions] == [1, 2]
    first = {t["task_id"]: t for t in versions[0].data["tasks"]}
    second = {t["task_id"]: t for t in versions[1].data["tasks"]}
    task = played.tasks["1.1"].pk
    assert first[task]["work_done"] == "Đã hoàn thành nhiệm vụ 1.1."
    assert second[task]["work_done"] == "Đã bổ sung minh chứng."
    assert [e.action for e in report.events.all()] == ["create", "submit", "return", "submit"]
