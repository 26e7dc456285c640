"""Timeframes: every timeframe string the three sample plans print, with its kind and due date.

The strings were copied by hand from /work/shared/samples: the "Thời gian thực hiện" columns of
the Vị Xuyên 2021 and Nguyễn Trãi 2024 appendices, and the deadlines and reporting windows their
text and the Mộc Châu 2022 plan set. `year` is the plan's year, used when a string leaves it out.
"""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso.core.timeframes import KINDS, find_dates, parse_timeframe

D = dt.date

# (text as printed, plan year, kind, due)
VI_XUYEN_2021 = [
    ("Thường xuyên", 2021, "continuous", None),
    ("Trong năm 2021", 2021, "year", D(2021, 12, 31)),
    ("23/5/2021", 2021, "date", D(2021, 5, 23)),
    ("6 tháng cuối năm 2021", 2021, "half_year", D(2021, 12, 31)),
    ("Tháng 12 hàng năm", 2021, "yearly", D(2021, 12, 31)),
    ("Quý I đến Quý III năm 2021", 2021, "range", D(2021, 9, 30)),
    ("Quý III năm 2021", 2021, "quarter", D(2021, 9, 30)),
    ("Theo kế hoạch xây dựng Nông thôn mới", 2021, "unknown", None),
    ("", 2021, "unknown", None),  # 7.1–7.3 leave the cell empty
    # Deadlines in the text
    ("trước ngày 15/9/2021", 2021, "by_date", D(2021, 9, 15)),
    ("trước ngày 15/6/2021", 2021, "by_date", D(2021, 6, 15)),
]
MOC_CHAU_2022 = [
    ("chậm nhất là ngày 20/02/2022", 2022, "by_date", D(2022, 2, 20)),
    ("6 tháng đầu năm trước ngày 05/6", 2022, "by_date", D(2022, 6, 5)),
    ("cả năm trước 05/12/2022", 2022, "by_date", D(2022, 12, 5)),
    ("Báo cáo 6 tháng đầu năm 2022", 2022, "half_year", D(2022, 6, 30)),
    ("từ ngày 01/12/2021 đến ngày 31/5/2022", 2022, "range", D(2022, 5, 31)),
    ("từ ngày 01/12/2021 đến ngày 30/11/2022", 2022, "range", D(2022, 11, 30)),
    ("6 tháng đầu năm trước ngày 10/6", 2022, "by_date", D(2022, 6, 10)),
    ("cả năm trước 10/12/2022", 2022, "by_date", D(2022, 12, 10)),
    ("định kỳ 06 tháng/lần", 2022, "continuous", None),
]
NGUYEN_TRAI_2024 = [
    ("Khi có văn bản, Thông tư hướng dẫn mới của Trung ương", 2024, "event", None),
    ("Khi có văn bản chỉ đạo của Trung ương về bầu cử", 2024, "event", None),
    ("Khi có chủ trương, chính sách mới", 2024, "event", None),
    ("Quý II/2024", 2024, "quarter", D(2024, 6, 30)),
    ("Năm 2024", 2024, "year", D(2024, 12, 31)),
    ("Quý III/2024", 2024, "quarter", D(2024, 9, 30)),
    ("Khi thực hiện bầu Trưởng thôn", 2024, "event", None),
    ("Quý I/2024", 2024, "quarter", D(2024, 3, 31)),
    ("Thường xuyên", 2024, "continuous", None),
    ("Theo Kế hoạch", 2024, "unknown", None),
    ("Thường xuyên, định kỳ", 2024, "continuous", None),
    ("Thường xuyên (nếu có), định kỳ", 2024, "continuous", None),
    ("Hàng quý, 06 tháng, năm", 2024, "continuous", None),
    (
        "Thực hiện sau khi QHKHSDĐ được phê duyệt; - Việc công bố công khai thực hiện chậm nhất là 15 ngày "
        "kể từ ngày được cơ quan nhà nước có thẩm quyền quyết định, phê duyệt",
        2024,
        "event",
        None,
    ),
    ("Định kỳ theo quý", 2024, "continuous", None),
    ("trong thời gian 03 ngày làm việc", 2024, "event", None),
    # Deadlines in the text
    ("chậm nhất 15 ngày làm việc sau thời gian ban hành Kế hoạch", 2024, "event", None),
    ("6 tháng đầu năm trước ngày 05/7/2024", 2024, "by_date", D(2024, 7, 5)),
    ("từ ngày 01/01/2024 đến ngày 30/6/2024", 2024, "range", D(2024, 6, 30)),
    ("báo cáo năm trước 05/01/2025", 2024, "by_date", D(2025, 1, 5)),
    ("từ ngày 01/01/2024 đến ngày 31/12/2024", 2024, "range", D(2024, 12, 31)),
]
# The forms the issue names besides the samples' own.
ISSUE_EXAMPLES = [
    ("Trước ngày 15/6/2021", None, "by_date", D(2021, 6, 15)),
    ("Khi có cuộc bầu cử trưởng thôn", None, "event", None),
    ("Tháng 12 hằng năm", 2022, "yearly", D(2022, 12, 31)),
    ("Năm 2022", None, "year", D(2022, 12, 31)),
    ("Từ tháng 6 đến tháng 12/2022", None, "range", D(2022, 12, 31)),
    ("Trước ngày 15/6", 2021, "by_date", D(2021, 6, 15)),
    ("Quý II/2024\nQuý IV/2024", None, "range", D(2024, 12, 31)),
    ("Tháng 6-12/2022", None, "range", D(2022, 12, 31)),
    ("Từ tháng 6 - tháng 12/2022", None, "range", D(2022, 12, 31)),
    ("6/2022", None, "range", D(2022, 6, 30)),
    ("Quý 1/2024", None, "quarter", D(2024, 3, 31)),
    ("Hằng tháng", None, "continuous", None),
    ("Giai đoạn 2023-2025", None, "range", D(2025, 12, 31)),
]


@pytest.mark.parametrize(
    ("text", "year", "kind", "due"), VI_XUYEN_2021 + MOC_CHAU_2022 + NGUYEN_TRAI_2024 + ISSUE_EXAMPLES
)
def test_sample_timeframes(text, year, kind, due):
    timeframe = parse_timeframe(text, year=year)
    assert timeframe.kind == kind, text
    assert timeframe.due == due, text


def test_periods_have_their_bounds():
    quarter = parse_timeframe("Quý III/2024")
    assert (quarter.start, quarter.end) == (D(2024, 7, 1), D(2024, 9, 30))
    half = parse_timeframe("6 tháng cuối năm 2021")
    assert (half.start, half.end) == (D(2021, 7, 1), D(2021, 12, 31))
    span = parse_timeframe("Quý I đến Quý III năm 2021")
    assert (span.start, span.end) == (D(2021, 1, 1), D(2021, 9, 30))
    months = parse_timeframe("Từ tháng 6 đến tháng 12/2022")
    assert (months.start, months.end) == (D(2022, 6, 1), D(2022, 12, 31))
    window = parse_timeframe("từ ngày 01/12/2021 đến ngày 31/5/2022")
    assert (window.start, window.end) == (D(2021, 12, 1), D(2022, 5, 31))


def test_recurrences_and_offsets():
    assert parse_timeframe("Tháng 12 hàng năm").recurrence == "yearly"
    assert parse_timeframe("Tháng 12 hàng năm").due is None  # no year known
    assert parse_timeframe("Tháng 12 hàng năm").partial == {"month": 12}
    assert parse_timeframe("Hàng quý, 06 tháng, năm").recurrence == "quarterly,half_yearly,yearly"
    assert parse_timeframe("Định kỳ theo quý").recurrence == "quarterly"
    assert parse_timeframe("định kỳ 06 tháng/lần").recurrence == "half_yearly"
    assert parse_timeframe("Thường xuyên, định kỳ").recurrence == "periodic"
    working = parse_timeframe("chậm nhất 15 ngày làm việc sau thời gian ban hành Kế hoạch")
    assert (working.offset_days, working.working_days) == (15, True)
    later = parse_timeframe(
        "Thực hiện sau khi QHKHSDĐ được phê duyệt; - chậm nhất là 15 ngày kể từ ngày được phê duyệt"
    )
    assert (later.offset_days, later.working_days) == (15, False)


def test_missing_year_comes_from_the_issue_date_or_stays_partial():
    assert parse_timeframe("Trước ngày 15/6", issued_on=D(2021, 5, 31)).due == D(2021, 6, 15)
    unknown = parse_timeframe("Trước ngày 15/6")
    assert unknown.kind == "by_date"
    assert unknown.due is None
    assert unknown.partial == {"day": 15, "month": 6}
    assert parse_timeframe("Quý III").partial == {"quarter": 3}


def test_impossible_dates_are_not_invented():
    assert parse_timeframe("Trước ngày 31/2/2022").due is None
    assert parse_timeframe("45/13/2022").kind == "unknown"


def test_document_numbers_are_not_dates():
    dates = find_dates("thuc hien nghi dinh so 13/2018/nd-cp ngay 24/5/2021")
    assert [d.date for d in dates] == [D(2021, 5, 24)]


def test_as_dict_is_iso():
    data = parse_timeframe("Quý II/2024").as_dict()
    assert data == {
        "text": "Quý II/2024",
        "kind": "quarter",
        "start": "2024-04-01",
        "end": "2024-06-30",
        "due": "2024-06-30",
    }


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.one_of(st.none(), st.integers(1900, 2100)))
def test_any_text_gives_a_timeframe(text, year):
    timeframe = parse_timeframe(text, year=year)
    assert timeframe.kind in KINDS
    if timeframe.start and timeframe.end:
        assert timeframe.start <= timeframe.end


@settings(max_examples=200, deadline=None)
@given(st.dates(D(2000, 1, 1), D(2099, 12, 31)))
def test_any_written_date_reads_back(day):
    assert parse_timeframe(f"Trước ngày {day.day}/{day.month}/{day.year}").due == day
    assert parse_timeframe(f"ngày {day.day} tháng {day.month} năm {day.year}").due == day
