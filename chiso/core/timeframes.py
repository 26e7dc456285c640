"""Timeframes as Vietnamese plans write them: "Thường xuyên", "Trước ngày 15/6/2021", "Quý III/2024",
"6 tháng cuối năm 2021", "Tháng 12 hằng năm", "Khi có cuộc bầu cử trưởng thôn", "Từ tháng 6 đến
tháng 12/2022"...

Pure functions, no models: `parse_timeframe(text, year=None, issued_on=None) -> Timeframe`. The text
is matched on its folded form (lower case, marks stripped, đ → d), so "Quý", "QUÝ" and "Quy" read
the same. A year missing from the text ("Trước ngày 15/6") comes from `year`, else from `issued_on`.

Kinds:
- continuous: "Thường xuyên", "Định kỳ", "Hằng quý" (with a recurrence)
- by_date: a deadline ("Trước ngày 15/6/2021", "Chậm nhất là ngày 20/02/2022")
- date: one day ("23/5/2021")
- quarter, half_year, year: one calendar period ("Quý III/2024", "6 tháng cuối năm 2021", "Năm 2022")
- range: from … to … ("Quý I đến Quý III năm 2021", "Từ tháng 6 đến tháng 12/2022"), or one month
- yearly: a recurring yearly moment ("Tháng 12 hằng năm")
- event: when something happens ("Khi có văn bản hướng dẫn", "15 ngày kể từ ngày được phê duyệt")
- unknown: nothing recognisable ("Theo kế hoạch"), or an empty cell
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

KINDS = (
    "continuous",
    "by_date",
    "date",
    "quarter",
    "half_year",
    "range",
    "yearly",
    "event",
    "year",
    "unknown",
)

_SPACES = re.compile(r"\s+")


def _fold(text: str) -> str:
    """Lower case, combining marks stripped, đ → d, whitespace collapsed (as chiso.core.text.fold)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()


def _clean(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


@dataclass(frozen=True)
class Timeframe:
    """A parsed timeframe. `due` is the day the work must be done by, when the text implies one."""

    text: str
    kind: str
    start: dt.date | None = None
    end: dt.date | None = None
    due: dt.date | None = None
    recurrence: str | None = (
        None  # "yearly", "half_yearly", "quarterly", "monthly", "periodic", or a list joined by ","
    )
    offset_days: int | None = None  # "15 ngày kể từ …": days after the event
    working_days: bool = False  # the offset counts working days
    partial: dict | None = None  # what is known of an incomplete date: {"day": 15, "month": 6}
    parts: tuple[Timeframe, ...] = field(default=(), compare=False)

    def as_dict(self) -> dict:
        data: dict = {
            "text": self.text,
            "kind": self.kind,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "due": self.due.isoformat() if self.due else None,
        }
        if self.recurrence:
            data["recurrence"] = self.recurrence
        if self.offset_days is not None:
            data["offset_days"] = self.offset_days
            data["working_days"] = self.working_days
        if self.partial:
            data["partial"] = dict(self.partial)
        return data


# --- dates -------------------------------------------------------------------------------------

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}

_YEAR = r"((?:19|20)\d{2})"
# 15/6/2021, 15-6-2021, 15.6.2021, 15/6 (year elsewhere), 15/06/21
_NUMERIC_DATE = re.compile(r"(?<![\d/])(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{4}|\d{2}))?(?![\d/])")
# ngày 31 tháng 5 năm 2021 (folded); day or month may be left blank in a draft
_LONG_DATE = re.compile(r"ngay\s*(\d{1,2})?\s*thang\s*(\d{1,2})?\s*(?:nam\s*(\d{4}))?")


def _year4(text: str | None) -> int | None:
    if not text:
        return None
    value = int(text)
    if len(text) == 2:
        value += 2000
    return value if 1900 <= value <= 2100 else None


def make_date(year: int | None, month: int | None, day: int | None) -> dt.date | None:
    """A date, or None when a part is missing or out of range (31/2)."""
    if not (year and month and day):
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    first = 3 * (quarter - 1) + 1
    return dt.date(year, first, 1), month_end(year, first + 2)


@dataclass(frozen=True)
class FoundDate:
    """A date found in text: where it is, and what is known of it."""

    start: int
    end: int
    day: int | None
    month: int | None
    year: int | None
    explicit_year: bool

    @property
    def date(self) -> dt.date | None:
        return make_date(self.year, self.month, self.day)


def find_dates(folded: str, year: int | None = None) -> list[FoundDate]:
    """Every date in a folded text, numeric ("15/6/2021", "05/6") or long ("ngày 31 tháng 5 năm 2021").

    A date without its year takes `year`. Numbers that are not dates (document numbers such as
    "13/2018/NĐ-CP", fractions such as "3/4 số xã") are left out where the form tells.
    """
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []
    for match in _LONG_DATE.finditer(folded):
        day, month, yr = match.group(1), match.group(2), match.group(3)
        if not (day or month or yr):
            continue
        if month and not 1 <= int(month) <= 12:
            continue
        explicit = yr is not None
        found.append(
            FoundDate(
                match.start(),
                match.end(),
                int(day) if day else None,
                int(month) if month else None,
                int(yr) if yr else year,
                explicit,
            )
        )
        taken.append(match.span())
    for match in _NUMERIC_DATE.finditer(folded):
        if any(a <= match.start() < b for a, b in taken):
            continue
        day, month = int(match.group(1)), int(match.group(2))
        yr_text = match.group(3)
        tail = folded[match.end() : match.end() + 2]
        if tail.startswith("/") or (yr_text is None and tail[:1].isalpha()):
            continue  # "13/2018/NĐ-CP" or "3/4 số"
        if not (1 <= day <= 31 and 1 <= month <= 12):
            continue
        yr = _year4(yr_text) if yr_text else None
        if yr_text and yr is None:
            continue
        before = folded[max(0, match.start() - 12) : match.start()]
        if (
            yr_text is None
            and folded[: match.start()].strip()
            and not re.search(r"(ngay|truoc|den|tu|nhat|la|hon|han|:|,|;|\()\s*$", before)
        ):
            continue  # a bare "3/4" is only a date after a word that introduces one
        found.append(FoundDate(match.start(), match.end(), day, month, yr or year, yr is not None))
    found.sort(key=lambda item: item.start)
    return found


# --- timeframe patterns (on folded text) ---------------------------------------------------------

_CONTINUOUS = re.compile(r"\b(thuong xuyen|lien tuc|hang ngay|hang tuan|dinh ky|suot (ca )?nam|ca nam hoc)\b")
_RECURRENCES = [
    (re.compile(r"\b(?:hang|moi) thang\b|(?<![0-9] )\bthang\s*/\s*lan\b|\b0?1 thang\s*/\s*lan\b"), "monthly"),
    (re.compile(r"\b(hang|moi) quy\b|\btheo quy\b|\bquy\s*/\s*lan\b"), "quarterly"),
    (
        re.compile(r"\b0?6 thang\s*(/\s*lan|mot lan)\b|\bnua nam\b|(hang|moi) 0?6 thang\b|,\s*0?6 thang\b"),
        "half_yearly",
    ),
    (re.compile(r"\b(hang|hang|moi) nam\b|\bnam\s*/\s*lan\b|,\s*nam\s*$"), "yearly"),
]
_EVENT = re.compile(
    r"^(khi|sau khi|ngay sau khi|truoc khi|ngay khi|trong vong|trong thoi gian)\b|\bkhi (co|thuc hien|phat sinh|duoc)\b"
    r"|\bke tu\b|\bsau khi\b|\btheo (yeu cau|chi dao)\b|\bdot xuat\b|\bkhi\b"
)
_BY_DATE = re.compile(r"\b(truoc|cham nhat|han chot|hoan thanh (truoc|trong)|xong truoc|khong qua|den het)\b")
_QUARTER = re.compile(r"\bquy\s*(iv|iii|ii|i|[1-4])\b(?:\s*(?:/|nam|-)\s*" + _YEAR + r")?")
_HALF = re.compile(r"\b0?6 thang\s*(dau|cuoi)(?:\s*nam)?(?:\s*/?\s*" + _YEAR + r")?")
_NINE = re.compile(r"\b0?9 thang\s*dau(?:\s*nam)?(?:\s*/?\s*" + _YEAR + r")?")
_MONTH = re.compile(r"\bthang\s*(\d{1,2})(?:\s*(?:/|nam|-)\s*" + _YEAR + r")?(?!\s*(?:/|-)\s*\d{1,2}\b)")
_MONTH_SPAN = re.compile(
    r"\bthang\s*(\d{1,2})\s*(?:-|–|den|toi)\s*(?:thang\s*)?(\d{1,2})\s*(?:/|nam|-)\s*" + _YEAR + r"\b"
)
_MONTH_YEAR = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*((?:19|20)\d{2})(?![\d/])")  # "6/2022"
_YEAR_ONLY = re.compile(r"\b(?:trong |ca |het |cuoi )?nam\s*" + _YEAR + r"\b")
_BARE_YEAR = re.compile(r"^" + _YEAR + r"$")
_YEAR_SPAN = re.compile(_YEAR + r"\s*(?:-|–|den)\s*" + _YEAR)
_OFFSET = re.compile(r"(\d{1,3})\s*ngay\s*(lam viec)?")
_FROM_TO = re.compile(r"\b(?:tu|bat dau tu)\b(.*?)\b(?:den|toi)\b(.*)$")
_TO_SEP = re.compile(r"\s(?:den|toi|-|–)\s")


def _split_parts(text: str) -> list[str]:
    """A cell may hold several lines or clauses: "Quý II/2024\nQuý IV/2024", "…; - Việc công bố …"."""
    pieces = re.split(r"\n|;|\s+-\s+(?=[A-ZĐÀ-Ỹa-zđà-ỹ])", text)
    parts = []
    for piece in pieces:
        piece = re.sub(r"^[\s\-–+•*]+", "", piece).strip(" .,")
        if piece:
            parts.append(piece)
    return parts


def _recurrence(folded: str) -> str | None:
    found = [name for pattern, name in _RECURRENCES if pattern.search(folded)]
    if not found:
        return None
    return ",".join(dict.fromkeys(found))


def _point(folded: str, year: int | None) -> tuple[dt.date | None, dt.date | None, dict | None]:
    """The first and last day of a single point or period in `folded` ("quý iii/2024", "tháng 6", "15/6/2021")."""
    if quarter := _QUARTER.search(folded):
        yr = _year4(quarter.group(2)) or year
        if yr:
            opening, closing = quarter_bounds(yr, ROMAN[quarter.group(1)])
            return opening, closing, None
        return None, None, {"quarter": ROMAN[quarter.group(1)]}
    found = find_dates(folded, year)
    if found:
        earliest = found[0]
        day = earliest.date
        if day:
            return day, day, None
        return None, None, {k: v for k, v in (("day", earliest.day), ("month", earliest.month)) if v}
    if month := _MONTH.search(folded) or _MONTH_YEAR.search(folded):
        number = int(month.group(1))
        yr = _year4(month.group(2)) or year
        if 1 <= number <= 12:
            if yr:
                return dt.date(yr, number, 1), month_end(yr, number), None
            return None, None, {"month": number}
    if yr_match := _YEAR_ONLY.search(folded) or _BARE_YEAR.search(folded.strip()):
        yr = int(yr_match.group(1))
        return dt.date(yr, 1, 1), dt.date(yr, 12, 31), None
    return None, None, None


def _year_in(folded: str) -> int | None:
    years = re.findall(r"(?<!\d)" + _YEAR + r"(?![\d/])", folded)
    return int(years[-1]) if years else None


def _parse_part(text: str, year: int | None, issued_on: dt.date | None) -> Timeframe:
    folded = _fold(text)
    folded = re.sub(r"\(\s*neu co\s*\)", "", folded).strip()
    # A year written at the end applies to the whole part ("Quý I đến Quý III năm 2021").
    own_year = _year_in(folded) or year

    # Event-driven: "Khi có …", "… kể từ ngày được phê duyệt", "Sau khi …".
    if _EVENT.search(folded) and not _BY_DATE.search(folded.split("ke tu")[0] if "ke tu" in folded else ""):
        offset = None
        working = False
        if (match := _OFFSET.search(folded)) and re.search(
            r"ke tu|sau|trong (?:thoi gian|vong|thoi han)", folded
        ):
            offset = int(match.group(1))
            working = bool(match.group(2))
        dates = [d.date for d in find_dates(folded, own_year) if d.date]
        if dates and _BY_DATE.search(folded):
            return Timeframe(text, "by_date", due=dates[-1])
        return Timeframe(text, "event", offset_days=offset, working_days=working)

    recurrence = _recurrence(folded)
    # "Tháng 12 hằng năm", "Quý IV hằng năm": a yearly moment.
    if recurrence == "yearly" and (_MONTH.search(folded) or _QUARTER.search(folded) or find_dates(folded)):
        start, end, partial = _point(folded.replace("hang nam", "").replace("moi nam", ""), own_year)
        return Timeframe(text, "yearly", start=start, end=end, due=end, recurrence="yearly", partial=partial)

    if recurrence == "yearly" and not _CONTINUOUS.search(folded):
        return Timeframe(text, "yearly", recurrence="yearly")
    if _CONTINUOUS.search(folded) or (recurrence and not _BY_DATE.search(folded)):
        return Timeframe(text, "continuous", recurrence=recurrence or _continuous_recurrence(folded))

    # A deadline: "Trước ngày 15/6/2021", "Chậm nhất là ngày 20/02/2022", "trước 05/12/2022".
    if _BY_DATE.search(folded):
        if (match := _OFFSET.search(folded)) and ("sau" in folded or "ke tu" in folded):
            return Timeframe(
                text, "event", offset_days=int(match.group(1)), working_days=bool(match.group(2))
            )
        trigger = _BY_DATE.search(folded)
        tail = folded[trigger.end() :] if trigger else folded
        start, end, partial = _point(tail, own_year)
        if end is None and partial is None:
            start, end, partial = _point(folded, own_year)
        if end is not None:
            return Timeframe(text, "by_date", due=end)
        return Timeframe(text, "by_date", partial=partial)

    # Months of one year: "Tháng 6-12/2022", "tháng 6 đến tháng 12 năm 2022".
    if span := _MONTH_SPAN.search(folded):
        first, last = int(span.group(1)), int(span.group(2))
        yr = _year4(span.group(3)) or own_year
        if yr and 1 <= first <= last <= 12:
            return Timeframe(
                text, "range", start=dt.date(yr, first, 1), end=month_end(yr, last), due=month_end(yr, last)
            )

    # A span: "Từ tháng 6 đến tháng 12/2022", "Quý I đến Quý III năm 2021", "từ ngày 01/12/2021 đến ngày 31/5/2022".
    span = _FROM_TO.search(folded)
    left, right = (span.group(1), span.group(2)) if span else (None, None)
    if left is None:
        pieces = _TO_SEP.split(folded, maxsplit=1)
        if len(pieces) == 2 and _point(pieces[0], own_year) != (None, None, None):
            left, right = pieces
    if left is not None and right is not None:
        right_year = _year_in(right) or own_year
        # The left end takes the right end's year when it has none ("tháng 6 đến tháng 12/2022").
        left_year = _year_in(left) or right_year
        start, _, _ = _point(left, left_year)
        _, end, _ = _point(right, right_year)
        if start and end and start <= end:
            return Timeframe(text, "range", start=start, end=end, due=end)
    if span := _YEAR_SPAN.search(folded):
        first, last = int(span.group(1)), int(span.group(2))
        if first <= last:
            return Timeframe(
                text,
                "range",
                start=dt.date(first, 1, 1),
                end=dt.date(last, 12, 31),
                due=dt.date(last, 12, 31),
            )

    if half := _HALF.search(folded):
        yr = _year4(half.group(2)) or own_year
        if yr:
            if half.group(1) == "dau":
                start, end = dt.date(yr, 1, 1), dt.date(yr, 6, 30)
            else:
                start, end = dt.date(yr, 7, 1), dt.date(yr, 12, 31)
            return Timeframe(text, "half_year", start=start, end=end, due=end)
        return Timeframe(text, "half_year", partial={"half": 1 if half.group(1) == "dau" else 2})
    if nine := _NINE.search(folded):
        yr = _year4(nine.group(1)) or own_year
        if yr:
            return Timeframe(
                text, "range", start=dt.date(yr, 1, 1), end=dt.date(yr, 9, 30), due=dt.date(yr, 9, 30)
            )

    if quarter := _QUARTER.search(folded):
        yr = _year4(quarter.group(2)) or own_year
        number = ROMAN[quarter.group(1)]
        if yr:
            start, end = quarter_bounds(yr, number)
            return Timeframe(text, "quarter", start=start, end=end, due=end)
        return Timeframe(text, "quarter", partial={"quarter": number})

    written = find_dates(folded, own_year)
    if written:
        when = written[0]
        if when.date and when.day is not None:
            return Timeframe(text, "date", start=when.date, end=when.date, due=when.date)
        if when.day is None and when.month and when.year:
            # "tháng 3 năm 2022" written as a long date without a day: the month.
            return Timeframe(
                text,
                "range",
                start=dt.date(when.year, when.month, 1),
                end=month_end(when.year, when.month),
                due=month_end(when.year, when.month),
            )
        partial = {k: v for k, v in (("day", when.day), ("month", when.month)) if v}
        return Timeframe(text, "date", partial=partial or None)

    if month := _MONTH.search(folded) or _MONTH_YEAR.search(folded):
        number = int(month.group(1))
        yr = _year4(month.group(2)) or own_year
        if 1 <= number <= 12:
            if yr:
                return Timeframe(
                    text,
                    "range",
                    start=dt.date(yr, number, 1),
                    end=month_end(yr, number),
                    due=month_end(yr, number),
                )
            return Timeframe(text, "range", partial={"month": number})

    if match := _YEAR_ONLY.search(folded) or _BARE_YEAR.search(folded):
        yr = int(match.group(1))
        return Timeframe(
            text, "year", start=dt.date(yr, 1, 1), end=dt.date(yr, 12, 31), due=dt.date(yr, 12, 31)
        )
    if re.search(r"\b(trong|ca|het) nam\b", folded) and own_year:
        return Timeframe(
            text,
            "year",
            start=dt.date(own_year, 1, 1),
            end=dt.date(own_year, 12, 31),
            due=dt.date(own_year, 12, 31),
        )
    return Timeframe(text, "unknown")


def _continuous_recurrence(folded: str) -> str | None:
    if "dinh ky" in folded:
        return "periodic"
    return None


def parse_timeframe(text: str | None, year: int | None = None, issued_on: dt.date | None = None) -> Timeframe:
    """Read a timeframe as written in a plan. Never raises; what is not understood is kind "unknown".

    `year` is the plan's year, used when the text leaves it out; `issued_on` gives it when `year`
    is not known.
    """
    raw = unicodedata.normalize("NFC", text or "")
    cleaned = _clean(raw)
    if not cleaned:
        return Timeframe("", "unknown")
    if year is None and issued_on is not None:
        year = issued_on.year
    pieces = _split_parts(raw)
    if len(pieces) <= 1:
        return _parse_part(cleaned, year, issued_on)
    whole = _parse_part(cleaned, year, issued_on)
    if whole.kind == "range" and whole.start and whole.end and "\n" not in raw.strip():
        return whole  # "Từ tháng 6 - tháng 12/2022": one span, not two parts
    parts = tuple(_parse_part(_clean(piece), year, issued_on) for piece in pieces)
    return _combine(cleaned, parts)


def _combine(text: str, parts: tuple[Timeframe, ...]) -> Timeframe:
    """One timeframe for a cell of several lines: the span of its dated parts, or its first known kind."""
    known = [part for part in parts if part.kind != "unknown"]
    if not known:
        return Timeframe(text, "unknown", parts=parts)
    if len(known) == 1:
        only = known[0]
        return Timeframe(
            text,
            only.kind,
            start=only.start,
            end=only.end,
            due=only.due,
            recurrence=only.recurrence,
            offset_days=only.offset_days,
            working_days=only.working_days,
            partial=only.partial,
            parts=parts,
        )
    dues = [part.due for part in known if part.due]
    kinds = {part.kind for part in known}
    recurrences = ",".join(
        dict.fromkeys(r for part in known if part.recurrence for r in part.recurrence.split(","))
    )
    first = known[0]
    if "continuous" in kinds or "yearly" in kinds:
        kind = "continuous" if "continuous" in kinds else "yearly"
        return Timeframe(
            text, kind, due=max(dues) if dues else None, recurrence=recurrences or None, parts=parts
        )
    if "event" in kinds:
        events = [part for part in known if part.kind == "event"]
        event = next((part for part in events if part.offset_days is not None), events[0])
        return Timeframe(
            text,
            "event",
            due=max(dues) if dues else None,
            offset_days=event.offset_days,
            working_days=event.working_days,
            parts=parts,
        )
    if len(kinds) == 1 and len(known) == 1:
        return first
    starts = [part.start for part in known if part.start]
    ends = [part.end for part in known if part.end]
    if kinds == {"by_date"}:
        return Timeframe(text, "by_date", due=max(dues) if dues else None, parts=parts)
    if starts and ends:
        return Timeframe(
            text, "range", start=min(starts), end=max(ends), due=max(dues) if dues else max(ends), parts=parts
        )
    return Timeframe(
        text,
        first.kind,
        start=first.start,
        end=first.end,
        due=max(dues) if dues else None,
        recurrence=first.recurrence,
        partial=first.partial,
        parts=parts,
    )
