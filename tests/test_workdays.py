"""Working days: weekends, Vietnamese public holidays (Tết included), admin-entered days off and
compensating working Saturdays. Every expected date below was counted by hand on a calendar."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso.core.models import DayOff
from chiso.core.workdays import (
    WorkCalendar,
    add_working_days,
    holiday_name,
    is_working_day,
    load_calendar,
    next_working_day,
    statutory_working_day,
    working_days_between,
)

D = dt.date
PLAIN = WorkCalendar()  # the statutory calendar, no admin rows


class TestStatutoryCalendar:
    def test_tet_2024_break_thursday_8_to_wednesday_14_february(self):
        for day in range(8, 15):
            assert not PLAIN.is_working_day(D(2024, 2, day)), day
        assert PLAIN.is_working_day(D(2024, 2, 7))
        assert PLAIN.is_working_day(D(2024, 2, 15))
        assert holiday_name(D(2024, 2, 10)) == "Tết Nguyên Đán"

    def test_tet_2025_break_monday_27_to_friday_31_january(self):
        for day in range(27, 32):
            assert not PLAIN.is_working_day(D(2025, 1, day)), day
        assert PLAIN.is_working_day(D(2025, 1, 24))
        assert PLAIN.is_working_day(D(2025, 2, 3))

    def test_reunification_day_2025_with_saturday_26_april_worked(self):
        assert PLAIN.is_working_day(D(2025, 4, 26))  # Saturday worked back for Friday 2/5
        for day in (D(2025, 4, 30), D(2025, 5, 1), D(2025, 5, 2)):
            assert not PLAIN.is_working_day(day)
        assert not PLAIN.is_working_day(D(2025, 4, 27))  # an ordinary Sunday

    def test_national_day_2025_two_days(self):
        assert not PLAIN.is_working_day(D(2025, 9, 1))
        assert not PLAIN.is_working_day(D(2025, 9, 2))
        assert PLAIN.is_working_day(D(2025, 9, 3))

    def test_swap_straddling_new_year(self):
        # Monday 31/12/2018 off, worked back on Saturday 5/1/2019.
        assert not statutory_working_day(D(2018, 12, 31))
        assert statutory_working_day(D(2019, 1, 5))


class TestDeadlines:
    def test_15_working_days_after_a_plan_issued_before_tet_2024(self):
        # Monday 5/2/2024: Tue 6 and Wed 7 count, Thu 8 – Wed 14 is the Tết break, then 13 more.
        assert PLAIN.add_working_days(D(2024, 2, 5), 15) == D(2024, 3, 4)

    def test_15_working_days_after_a_plan_issued_before_tet_2025(self):
        # Wednesday 22/1/2025: Thu 23 and Fri 24 count, 25/1 – 2/2 is off, then 13 more.
        assert PLAIN.add_working_days(D(2025, 1, 22), 15) == D(2025, 2, 19)

    def test_around_30_april_1_may_2025(self):
        start = D(2025, 4, 23)  # Wednesday
        assert PLAIN.add_working_days(start, 5) == D(2025, 4, 29)  # Thu, Fri, Sat 26 (worked), Mon, Tue
        assert PLAIN.add_working_days(start, 10) == D(2025, 5, 9)  # 30/4 – 4/5 off
        assert PLAIN.add_working_days(start, 15) == D(2025, 5, 16)

    def test_around_30_april_2024_with_saturday_4_may_worked(self):
        # Friday 26/4/2024: Mon 29/4 (bridge), 30/4 and 1/5 off; Thu 2, Fri 3, Sat 4/5 (worked).
        assert PLAIN.add_working_days(D(2024, 4, 26), 3) == D(2024, 5, 4)

    def test_around_national_day_2025(self):
        # Friday 29/8/2025: weekend, Mon 1/9 and Tue 2/9 off, then Wed 3, Thu 4, Fri 5.
        assert PLAIN.add_working_days(D(2025, 8, 29), 3) == D(2025, 9, 5)

    def test_start_day_is_not_counted_even_when_it_is_a_holiday(self):
        assert PLAIN.add_working_days(D(2024, 2, 9), 1) == D(2024, 2, 15)
        assert PLAIN.add_working_days(D(2024, 2, 9), 0) == D(2024, 2, 9)

    def test_negative_count_is_refused(self):
        with pytest.raises(ValueError):
            PLAIN.add_working_days(D(2024, 2, 9), -1)

    def test_working_days_between(self):
        assert PLAIN.working_days_between(D(2024, 2, 5), D(2024, 3, 4)) == 15
        assert PLAIN.working_days_between(D(2024, 3, 4), D(2024, 2, 5)) == -15
        assert PLAIN.working_days_between(D(2025, 1, 24), D(2025, 2, 2)) == 0  # the whole Tết 2025 break
        assert PLAIN.working_days_between(D(2025, 1, 24), D(2025, 1, 24)) == 0

    def test_next_working_day(self):
        assert PLAIN.next_working_day(D(2025, 1, 25)) == D(2025, 2, 3)  # Saturday before Tết 2025
        assert PLAIN.next_working_day(D(2025, 2, 3)) == D(2025, 2, 3)
        assert PLAIN.next_working_day(D(2025, 2, 3), strict=True) == D(2025, 2, 4)
        assert PLAIN.next_working_day(D(2025, 4, 25), strict=True) == D(2025, 4, 26)  # worked Saturday


@pytest.mark.django_db
class TestAdminEnteredDays:
    def test_extra_day_off_and_working_saturday(self, django_assert_num_queries):
        # A hypothetical swap: Friday 3/1/2025 off, worked back on Saturday 11/1/2025.
        DayOff.objects.create(date=D(2025, 1, 3), kind=DayOff.Kind.DAY_OFF, name="Nghỉ bù")
        DayOff.objects.create(date=D(2025, 1, 11), kind=DayOff.Kind.WORKING_DAY, name="Làm bù")
        assert not is_working_day(D(2025, 1, 3))
        assert is_working_day(D(2025, 1, 11))
        # From Thursday 2/1/2025: Friday 3 is off, so the 1st is Monday 6 and the 6th Saturday 11.
        assert add_working_days(D(2025, 1, 2), 1) == D(2025, 1, 6)
        assert add_working_days(D(2025, 1, 2), 6) == D(2025, 1, 11)
        assert add_working_days(D(2025, 1, 2), 7) == D(2025, 1, 13)
        assert working_days_between(D(2025, 1, 2), D(2025, 1, 13)) == 7
        assert next_working_day(D(2025, 1, 3)) == D(2025, 1, 6)
        with django_assert_num_queries(1):
            add_working_days(D(2025, 1, 2), 200)

    def test_admin_row_beats_the_package(self):
        # Declaring a package holiday a working day (a correction) and a weekday off (a Tết bridge).
        DayOff.objects.create(date=D(2024, 2, 14), kind=DayOff.Kind.WORKING_DAY, name="Sửa lịch")
        DayOff.objects.create(date=D(2024, 2, 15), kind=DayOff.Kind.DAY_OFF, name="Nghỉ thêm")
        assert is_working_day(D(2024, 2, 14))
        assert not is_working_day(D(2024, 2, 15))
        assert add_working_days(D(2024, 2, 5), 3) == D(2024, 2, 14)

    def test_load_calendar_reads_the_window_only(self):
        DayOff.objects.create(date=D(2025, 1, 3), name="Nghỉ bù")
        DayOff.objects.create(date=D(2026, 1, 2), name="Nghỉ bù")
        calendar = load_calendar(D(2025, 1, 1), D(2025, 12, 31))
        assert dict(calendar.overrides) == {D(2025, 1, 3): False}


dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2045, 12, 31))
overrides = st.dictionaries(
    st.dates(min_value=D(2000, 1, 1), max_value=D(2046, 12, 31)), st.booleans(), max_size=30
)


@settings(max_examples=200, deadline=None)
@given(start=dates, n=st.integers(min_value=1, max_value=400), extra=overrides)
def test_property_deadline_is_a_working_day_n_working_days_later(start, n, extra):
    calendar = WorkCalendar(extra)
    deadline = calendar.add_working_days(start, n)
    assert deadline > start
    assert calendar.is_working_day(deadline)
    assert calendar.working_days_between(start, deadline) == n
    assert calendar.working_days_between(start, deadline - dt.timedelta(days=1)) == n - 1
