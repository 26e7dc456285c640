"""Reporting rounds: generated for a plan's period (Mộc Châu 2022 dates), validated, edited."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from chiso.reporting import services
from chiso.reporting.rounds import MOC_CHAU, Schedule, generate_rounds
from tests.test_reporting_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def d(text: str) -> dt.date:
    day, month, year = (int(x) for x in text.split("/"))
    return dt.date(year, month, day)


def test_moc_chau_2022_six_monthly_rounds():
    """IV.1.2: data 01/12/2021–31/5/2022 and 01/12/2021–30/11/2022; units by 05/6 and 05/12, the
    coordinator by 10/6 and 10/12 — carried to the next working day when they fall on a day off."""
    first, year = generate_rounds(2022, 2022, "six_monthly", MOC_CHAU)
    assert (first.title, first.period_start, first.period_end) == (
        "Báo cáo 6 tháng đầu năm 2022",
        d("01/12/2021"),
        d("31/05/2022"),
    )
    # 05/6/2022 is a Sunday: due Monday 06/6; the coordinator's 10/6 is a Friday.
    assert (first.due_on, first.coordinator_due_on, first.locks_on) == (
        d("06/06/2022"),
        d("10/06/2022"),
        d("10/06/2022"),
    )
    assert (year.period_start, year.period_end) == (d("01/12/2021"), d("30/11/2022"))
    # 05/12/2022 is a Monday; 10/12/2022 a Saturday → Monday 12/12.
    assert (year.due_on, year.coordinator_due_on) == (d("05/12/2022"), d("12/12/2022"))
    assert [r.number for r in (first, year)] == [1, 2]


def test_quarterly_rounds_are_cumulative_and_staggered_lowest_first():
    rounds = generate_rounds(2024, 2024, "quarterly", Schedule(unit_days=5, coordinator_days=3, upper_days=5))
    assert [r.title for r in rounds] == [
        "Báo cáo quý I năm 2024",
        "Báo cáo 6 tháng đầu năm 2024",
        "Báo cáo 9 tháng năm 2024",
        "Báo cáo năm 2024",
    ]
    assert {r.period_start for r in rounds} == {d("01/01/2024")}
    assert [r.period_end for r in rounds] == [
        d("31/03/2024"),
        d("30/06/2024"),
        d("30/09/2024"),
        d("31/12/2024"),
    ]
    for r in rounds:
        assert r.due_on < r.coordinator_due_on < r.upper_due_on
        assert r.opens_on <= r.period_end < r.due_on
    # 5/4/2024 is a Friday; 8/4 (+3) a Monday; 13/4 (+5) a Saturday → 15/4.
    assert (rounds[0].due_on, rounds[0].coordinator_due_on, rounds[0].upper_due_on) == (
        d("05/04/2024"),
        d("08/04/2024"),
        d("15/04/2024"),
    )


def test_due_date_after_tet_holiday_goes_to_the_next_working_day():
    # Yearly round of 2023 cut off on 31/1/2024 + 10 days = 10/2/2024, inside Tết Giáp Thìn (8–14/2).
    (r,) = generate_rounds(
        2024, 2024, "yearly", Schedule(year_start=(2, 1), unit_days=10, coordinator_days=1)
    )
    assert r.period_end == d("31/01/2024")
    assert r.due_on == d("15/02/2024")
    assert r.coordinator_due_on == d("16/02/2024")


def test_grace_period_in_working_days():
    (first, _year) = generate_rounds(
        2022, 2022, "six_monthly", Schedule(year_start=(12, 1), grace_working_days=2)
    )
    assert first.grace_until == d("08/06/2022")
    assert first.locks_on == d("10/06/2022")


def test_generated_rounds_saved_for_the_plan(world):
    first, second = world.rounds
    assert (first.number, second.number) == (1, 2)
    assert first.plan == world.plan
    assert first.grace_until == d("08/06/2022")


def test_round_edit_refuses_bad_dates_and_keeps_the_round(world):
    rnd = world.rounds[0]
    with pytest.raises(ValidationError) as exc:
        services.update_round(
            world.coordinator,
            rnd,
            {
                "version": rnd.version,
                "due_on": "05/06/2022",
                "coordinator_due_on": "03/06/2022",
                "period_end": "31/13/2022",
            },
        )
    errors = exc.value.message_dict
    assert "Chốt số liệu đến ngày: ngày “31/13/2022” không tồn tại." in errors["period_end"]
    assert any("là ngày nghỉ" in m and "06/06/2022" in m for m in errors["due_on"])
    assert any("phải sau hạn đơn vị gửi báo cáo" in m for m in errors["coordinator_due_on"])
    rnd.refresh_from_db()
    assert rnd.due_on == d("06/06/2022") and rnd.version == 1


def test_round_edit_with_stale_version_is_refused(world):
    rnd = world.rounds[0]
    services.update_round(world.coordinator, rnd, {"version": 1, "title": "Báo cáo sơ kết 6 tháng"})
    with pytest.raises(ValidationError) as exc:
        services.update_round(world.coordinator, rnd, {"version": 1, "title": "Khác"})
    assert "phiên bản 1" in exc.value.message_dict["version"][0]
    rnd.refresh_from_db()
    assert rnd.title == "Báo cáo sơ kết 6 tháng"


def test_only_the_coordinator_edits_rounds(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.update_round(world.officer("Xã Một"), world.rounds[0], {"version": 1, "title": "X"})
