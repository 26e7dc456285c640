"""Due-date rules as plans write them: every form, across Tết and 30/4–1/5; rounds from the issue date."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from chiso.core.workdays import WorkCalendar
from chiso.plans import services as plan_services
from chiso.reporting import services
from chiso.reporting.duerules import (
    DueRule,
    day_of_month,
    every_year,
    fixed,
    nominal_due,
    resolve_due,
    working_days_after_cutoff,
)
from chiso.reporting.models import ReportingRound
from chiso.reporting.rounds import Schedule, generate_for_plan, generate_rounds
from tests.test_plans_support import d, draft_plan, task_data

WORK = WorkCalendar()  # the statutory calendar, no admin rows


def due(rule, start: str, end: str) -> dt.date:
    return resolve_due(rule, d(start), d(end), WORK)


# --- each form, hand-computed -----------------------------------------------------------------


def test_fixed_date_carried_over_30_4_and_1_5():
    # 30/4 and 1/5/2025 are holidays and Friday 2/5 was swapped off (worked Saturday 26/4):
    # the next working day is Monday 5/5.
    assert due(fixed(d("30/04/2025")), "01/01/2025", "31/03/2025") == d("05/05/2025")
    assert due(fixed(d("15/04/2025")), "01/01/2025", "31/03/2025") == d("15/04/2025")


def test_working_days_after_the_cut_off_across_tet():
    # Cut-off Friday 24/1/2025; Tết break 27–31/1 (and the weekends): 3/2, 4/2, 5/2.
    assert due(working_days_after_cutoff(3), "01/01/2024", "24/01/2025") == d("05/02/2025")
    # Cut-off Wednesday 7/2/2024; Tết 8–14/2: the first working day after is Thursday 15/2.
    assert due(working_days_after_cutoff(1), "01/01/2024", "07/02/2024") == d("15/02/2024")


def test_working_days_after_the_cut_off_across_30_4_and_1_5():
    # Cut-off Monday 28/4/2025: 29/4 is the first; 30/4, 1/5, 2/5 off, the weekend, then Monday 5/5.
    assert due(working_days_after_cutoff(2), "01/01/2025", "28/04/2025") == d("05/05/2025")
    # 2024: off Monday 29/4 to Wednesday 1/5, Saturday 4/5 worked.
    # Cut-off Friday 26/4/2024: Thursday 2/5, Friday 3/5, then the worked Saturday 4/5, Monday 6/5.
    assert due(working_days_after_cutoff(1), "01/01/2024", "26/04/2024") == d("02/05/2024")
    assert due(working_days_after_cutoff(2), "01/01/2024", "26/04/2024") == d("03/05/2024")
    assert due(working_days_after_cutoff(3), "01/01/2024", "26/04/2024") == d("04/05/2024")
    assert due(working_days_after_cutoff(4), "01/01/2024", "26/04/2024") == d("06/05/2024")


def test_day_of_the_last_month_of_the_quarter():
    """ "ngày 10 của tháng cuối quý", with data windows 06/12 of the year before to 05/3, 05/6…"""
    rounds = generate_rounds(
        2025, 2025, "quarterly", Schedule(year_start=(12, 6), due_rule=day_of_month(10, 0)), calendar_=WORK
    )
    assert [(r.period_start, r.period_end, r.due_on) for r in rounds] == [
        (d("06/12/2024"), d("05/03/2025"), d("10/03/2025")),
        (d("06/12/2024"), d("05/06/2025"), d("10/06/2025")),
        (d("06/12/2024"), d("05/09/2025"), d("10/09/2025")),
        # 10/12/2025 is a Wednesday.
        (d("06/12/2024"), d("05/12/2025"), d("10/12/2025")),
    ]
    # The coordinator's date still follows the units' (5 days, carried to a working day).
    assert all(r.coordinator_due_on > r.due_on for r in rounds)


def test_day_of_the_first_month_of_the_next_quarter_with_a_15_12_window():
    """ "số liệu từ 15/12 năm trước đến 14/3", due "ngày 05 của tháng đầu quý sau"."""
    rounds = generate_rounds(
        2025, 2025, "quarterly", Schedule(year_start=(12, 15), due_rule=day_of_month(5, 1)), calendar_=WORK
    )
    first = rounds[0]
    assert (first.period_start, first.period_end) == (d("15/12/2024"), d("14/03/2025"))
    # 5/4/2025 is a Saturday, Monday 7/4 is Giỗ Tổ Hùng Vương: Tuesday 8/4.
    assert first.due_on == d("08/04/2025")
    assert [r.due_on for r in rounds[1:]] == [d("07/07/2025"), d("06/10/2025"), d("05/01/2026")]


def test_day_of_a_month_across_tet_and_past_the_month_end():
    # Cut-off 31/12/2024, "ngày 28 của tháng đầu quý sau" = 28/1/2025, in the Tết break → Monday 3/2.
    assert due(day_of_month(28, 1), "01/01/2024", "31/12/2024") == d("03/02/2025")
    # Day 31 of April is its last day, 30/4 (a holiday) → 5/5/2025.
    assert nominal_due(day_of_month(31, 1), d("31/03/2025"), WORK) == d("30/04/2025")
    assert due(day_of_month(31, 1), "01/01/2025", "31/03/2025") == d("05/05/2025")


def test_a_fixed_day_every_year():
    """ "20/12 hằng năm", data 15/12 of the year before to 14/12."""
    (year,) = generate_rounds(
        2025, 2025, "yearly", Schedule(year_start=(12, 15), due_rule=every_year(20, 12)), calendar_=WORK
    )
    assert (year.period_start, year.period_end) == (d("15/12/2024"), d("14/12/2025"))
    # 20/12/2025 is a Saturday: Monday 22/12.
    assert year.due_on == d("22/12/2025")
    assert every_year(20, 12).describe() == "trước ngày 20/12 hằng năm"
    assert day_of_month(5, 1).describe() == "trước ngày 05 của tháng đầu kỳ sau"


# --- refusals ---------------------------------------------------------------------------------


def test_a_rule_before_the_cut_off_starts_is_refused_naming_the_field():
    with pytest.raises(ValidationError) as exc:
        due(fixed(d("01/12/2024")), "15/12/2024", "14/03/2025")
    assert exc.value.message_dict == {
        "due_rule": [
            "Hạn gửi báo cáo “trước ngày 01/12/2024” (02/12/2024) rơi trước ngày bắt đầu chốt số liệu "
            "(15/12/2024)."
        ]
    }
    # Before the cut-off itself: the data is not closed yet.
    with pytest.raises(ValidationError) as exc:
        generate_rounds(
            2025,
            2025,
            "quarterly",
            Schedule(year_start=(12, 15), due_rule=day_of_month(10, 0)),
            calendar_=WORK,
        )
    assert exc.value.message_dict["due_rule"] == [
        "Kỳ “Báo cáo quý I năm 2025”: Hạn gửi báo cáo “trước ngày 10 của tháng cuối kỳ” (10/03/2025) rơi "
        "trước ngày chốt số liệu (14/03/2025)."
    ]


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "working_days", "days": 0},
        {"kind": "month_day", "day": 32},
        {"kind": "yearly", "day": 30, "month": 2},
        {"kind": "fixed"},
        {"kind": "weekly"},
    ],
)
def test_malformed_rules_are_refused_on_the_field(data):
    with pytest.raises(ValidationError) as exc:
        DueRule.from_dict(data)
    assert list(exc.value.message_dict) == ["due_rule"]


@given(
    rule=st.one_of(
        st.integers(1, 30).map(working_days_after_cutoff),
        st.builds(day_of_month, st.integers(1, 31), st.integers(1, 3)),
    ),
    end=st.dates(dt.date(2023, 1, 1), dt.date(2027, 12, 31)),
)
def test_resolved_dates_are_working_days_on_or_after_the_rule(rule, end):
    day = resolve_due(rule, end - dt.timedelta(days=90), end, WORK)
    assert WORK.is_working_day(day)
    assert day >= nominal_due(rule, end, WORK) > end
    assert DueRule.from_dict(rule.as_dict()) == rule


# --- from the issue date on -------------------------------------------------------------------


def issued_plan(issuer, unit, year_from: int, year_to: int, issued_on: str, number_symbol: str):
    plan = draft_plan(issuer, title="Nâng cao Chỉ số PAR INDEX", year_from=year_from)
    plan.year_to = year_to
    plan.save(update_fields=["year_to"])
    plan_services.add_task(None, plan, task_data(None, None, [unit]))
    plan.refresh_from_db()
    return plan_services.issue_plan(
        None, plan, version=plan.version, issued_on=d(issued_on), number_symbol=number_symbol
    )


@pytest.mark.django_db
def test_a_three_year_plan_issued_in_november_has_no_round_before_its_issue_date(tuyen_quang, commune):
    plan = issued_plan(tuyen_quang, commune, 2026, 2028, "20/11/2026", "215/KH-UBND")
    specs = generate_for_plan(plan, "quarterly")
    # 2026: only the yearly report (its cut-off 31/12 is after the issue date); 2027 and 2028: four each.
    assert [s.title for s in specs[:2]] == ["Báo cáo năm 2026", "Báo cáo quý I năm 2027"]
    assert len(specs) == 9
    first = specs[0]
    assert (first.period_start, first.opens_on, first.period_end) == (
        d("20/11/2026"),
        d("16/12/2026"),
        d("31/12/2026"),
    )
    services.create_rounds(None, plan, specs)
    issued = plan.issued_on
    for rnd in ReportingRound.objects.filter(plan=plan):
        assert min(rnd.period_start, rnd.opens_on, rnd.due_on) >= issued
    assert ReportingRound.objects.filter(plan=plan).count() == 9


@pytest.mark.django_db
def test_a_refused_rule_saves_no_round(tuyen_quang, commune):
    plan = issued_plan(tuyen_quang, commune, 2026, 2026, "02/01/2026", "3/KH-UBND")
    with pytest.raises(ValidationError) as exc:
        services.create_rounds(
            None, plan, generate_for_plan(plan, "quarterly", Schedule(due_rule=fixed(d("31/12/2025"))))
        )
    assert "due_rule" in exc.value.message_dict
    assert not ReportingRound.objects.filter(plan=plan).exists()


@pytest.mark.django_db
def test_the_rounds_page_generates_by_the_written_rule(client, tuyen_quang, commune, coordinator):
    from django.urls import reverse

    plan = issued_plan(tuyen_quang, commune, 2026, 2026, "05/01/2026", "4/KH-UBND")
    client.force_login(coordinator)
    url = reverse("reporting-plan-rounds", args=[plan.pk])
    data = {
        "generate": "1",
        "gen-kind": "quarterly",
        "gen-year_start": "12-15",
        "gen-unit_days": "5",
        "gen-coordinator_days": "5",
        "gen-grace_working_days": "0",
        "gen-due_rule": "month_day",
        "gen-due_number": "10",
        "gen-due_month_offset": "0",
    }
    # "ngày 10 của tháng cuối quý" with data to the 14th: refused on the field, nothing saved.
    page = client.post(url, data).content.decode()
    assert "rơi trước ngày chốt số liệu (14/03/2026)" in page
    assert not ReportingRound.objects.filter(plan=plan).exists()
    # "ngày 05 của tháng đầu quý sau".
    response = client.post(url, {**data, "gen-due_number": "5", "gen-due_month_offset": "1"})
    assert response.status_code == 302
    rounds = list(ReportingRound.objects.filter(plan=plan).order_by("number"))
    assert [(r.period_start, r.period_end, r.due_on) for r in rounds] == [
        # The data window of the first round starts on the issue date, not on 15/12/2025.
        (d("05/01/2026"), d("14/03/2026"), d("06/04/2026")),  # 5/4/2026 is a Sunday
        (d("05/01/2026"), d("14/06/2026"), d("06/07/2026")),  # 5/7/2026 is a Sunday
        (d("05/01/2026"), d("14/09/2026"), d("05/10/2026")),
        (d("05/01/2026"), d("14/12/2026"), d("05/01/2027")),
    ]
