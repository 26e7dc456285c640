"""Dates as Vietnamese official documents write them."""

import datetime as dt


def official_date(day: dt.date) -> str:
    """ "ngày 05 tháng 01 năm 2020": the day padded, the month padded only for 1 and 2 (Decree 30)."""
    month = f"{day.month:02d}" if day.month in (1, 2) else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def short_date(day: dt.date | None) -> str:
    """dd/mm/yyyy, the form every page shows."""
    return day.strftime("%d/%m/%Y") if day else ""
