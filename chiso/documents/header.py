"""The plan's header (issuer, number and symbol, place and date, title, period), the documents it
implements and replaces, and the deadlines its text sets.

All of it is read from paragraphs by what they say, not where they sit: the "Số:" line may come
first or after the issuer block, the issuer block may be missing (then the issuer is read from
the appendix's "Kèm theo Kế hoạch số … của UBND xã …", the signature "TM. ỦY BAN NHÂN DÂN XÃ",
the title and the body), and a draft may leave blanks ("Số:   /KH-UBND", "ngày   tháng 3 năm 2022").
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from chiso.core.text import fold
from chiso.core.timeframes import find_dates, make_date, parse_timeframe
from chiso.documents.textutil import is_upper_text, one_line

DOC_TYPES = (
    "Kế hoạch",
    "Quyết định",
    "Chỉ thị",
    "Nghị quyết",
    "Công văn",
    "Thông báo",
    "Hướng dẫn",
    "Chương trình",
    "Văn bản",
    "Đề án",
    "Nghị định",
    "Thông tư",
    "Công điện",
    "Báo cáo",
    "Luật",
    "Pháp lệnh",
)
_TYPE_ALT = "|".join(sorted((re.escape(t) for t in DOC_TYPES), key=len, reverse=True))
REFERENCE = re.compile(
    r"(?P<kind>" + _TYPE_ALT + r")\s+(?:số\s*[:.]?\s*)?(?P<number>\d{1,5}[a-zA-Z]?)?\s*/\s*"
    r"(?P<symbol>(?:\d{4}/)?[A-ZĐ][A-ZĐa-zđ0-9]*(?:\s?[\-–&]\s?[A-ZĐ0-9][A-ZĐa-zđ0-9]*)*)",
    re.IGNORECASE,
)
_MOTTO = re.compile(
    r"c[oộ]ng\s+h[oòóô]a\s+x[aã]\s+h[oộ]i\s+ch[uủ]\s+ngh[iĩ]a\s+vi[eệ]t\s+nam|đ[oộ]c\s+l[aậ]p\s*[-–—]\s*t[uự]\s+do\s*[-–—]\s*h[aạ]nh\s+ph[uú]c",
    re.IGNORECASE,
)
_NUMBER_LINE = re.compile(
    r"^\s*Số\s*[:.]?\s*(?P<number>\d{1,5}[a-zA-Z]?)?\s*(?:/\s*(?P<symbol>[A-ZĐ0-9][A-ZĐa-zđ0-9\-–&.]*[A-ZĐa-zđ0-9]))?",
    re.IGNORECASE,
)
_PLACE_DATE = re.compile(
    r"(?P<place>[A-ZĐÀ-Ỹ][^\d,;:()]{1,40}?)\s*,\s*ngày\s*(?P<day>\d{1,2})?\s*(?:tháng|/)\s*(?P<month>\d{1,2})?\s*(?:năm|/)\s*(?P<year>\d{4})",
    re.IGNORECASE,
)
_LEVELS = r"tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn|đặc khu"
_NAME = r"[A-ZĐÀ-Ỹ][a-zà-ỹđ]*(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]*){0,3}"
_LEVEL_NAME = re.compile(r"(?<![\wÀ-ỹ])(?P<level>" + _LEVELS + r")\s+(?P<name>" + _NAME + r")(?![\wÀ-ỹ])")
_BODY_START = re.compile(
    r"^(thuc hien|can cu|de |nham|trien khai|theo |tren co so|xet |kinh gui|thuc hien chi dao|uy ban nhan dan|ubnd)"
)
_SECTION = re.compile(r"^\s*(?:[IVX]{1,5}|\d{1,2}|[A-Z])\s*[.)]\s+\S")


@dataclass
class DocumentReference:
    kind: str
    number: str | None
    symbol: str | None
    issued_on: dt.date | None
    issuer: str | None
    text: str

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "number": self.number,
            "symbol": self.symbol,
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
            "issuer": self.issuer,
        }


@dataclass
class PlanDeadline:
    what: str  # "lower_plan", "report", "data_cutoff", "other"
    due: dt.date | None
    text: str
    period: str | None = None  # "half_year", "year", "quarter", "nine_months", "interim", "final"
    start: dt.date | None = None
    end: dt.date | None = None
    working_days: int | None = None  # "15 ngày làm việc sau …"
    to: str | None = None
    by: str | None = None

    def as_dict(self) -> dict:
        data: dict = {"what": self.what, "due": self.due.isoformat() if self.due else None, "text": self.text}
        if self.period:
            data["period"] = self.period
        if self.start or self.end:
            data["start"] = self.start.isoformat() if self.start else None
            data["end"] = self.end.isoformat() if self.end else None
        if self.working_days is not None:
            data["working_days"] = self.working_days
        if self.to:
            data["to"] = self.to
        if self.by:
            data["by"] = self.by
        return data


@dataclass
class PlanHeader:
    issuer: str | None = None
    issuer_parent: str | None = None
    issuer_level: str | None = None  # "tỉnh", "huyện", "xã" … when known
    issuer_name: str | None = None  # the division's name without its level ("Vị Xuyên")
    number: str | None = None
    symbol: str | None = None
    place: str | None = None
    issued_on: dt.date | None = None
    issued_partial: dict | None = None
    doc_type: str | None = None
    title: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    implements: list[DocumentReference] = field(default_factory=list)
    supersedes: list[DocumentReference] = field(default_factory=list)
    deadlines: list[PlanDeadline] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    body_start: int = 0  # index of the first body paragraph

    @property
    def year(self) -> int | None:
        if self.period_start:
            return self.period_start.year
        if self.issued_on:
            return self.issued_on.year
        if self.issued_partial and self.issued_partial.get("year"):
            return self.issued_partial["year"]
        return None

    def found_anything(self) -> bool:
        return any([self.number, self.symbol, self.issued_on, self.title, self.issuer])


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def parse_reference(text: str, match: re.Match, year: int | None = None) -> DocumentReference:
    """A document reference and what follows it: ", ngày 24/5/2021 của UBND tỉnh về …"."""
    kind = match.group("kind")
    kind = next((t for t in DOC_TYPES if fold(t) == fold(kind)), kind)
    symbol = re.sub(r"\s+", "", match.group("symbol") or "") or None
    tail = text[match.end() : match.end() + 220]
    issued_on = None
    date_match = re.match(
        r"\s*,?\s*(?:ban hành\s*)?(?:ngày\s*)?(?P<date>\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}|\d{1,2}\s*tháng\s*\d{1,2}\s*năm\s*\d{4})",
        tail,
        re.IGNORECASE,
    )
    consumed = 0
    if date_match:
        raw = date_match.group("date")
        dates = find_dates(fold("ngay " + raw), year)
        if dates and dates[0].date:
            issued_on = dates[0].date
        consumed = date_match.end()
    issuer = None
    issuer_match = re.match(
        r"\s*,?\s*(?:của|do)\s+(?P<issuer>.+?)(?=\s+(?:về|v/v|V/v|ban hành|triển khai|thực hiện|nhằm|để|tại|đã)\b|[,;.():“\"]|$)",
        tail[consumed:],
    )
    if issuer_match:
        issuer = one_line(issuer_match.group("issuer")).strip() or None
        if issuer and len(issuer) > 80:
            issuer = None
    return DocumentReference(
        kind=kind,
        number=match.group("number"),
        symbol=symbol,
        issued_on=issued_on,
        issuer=issuer,
        text=one_line(
            text[match.start() : match.end() + consumed + (issuer_match.end() if issuer_match else 0)]
        ),
    )


def find_references(text: str, year: int | None = None) -> list[DocumentReference]:
    return [parse_reference(text, match, year) for match in REFERENCE.finditer(text)]


def parse_header(paragraphs: list[str]) -> PlanHeader:
    """Read the header from the document's paragraphs (plain strings, in order)."""
    header = PlanHeader()
    first = paragraphs[:60]
    number_index = None
    date_index = None
    for index, raw in enumerate(first):
        text = _MOTTO.sub(" ", raw)
        text = re.sub(r"[-_–—]{3,}", " ", text)
        text = one_line(text)
        if number_index is None:
            match = re.search(r"(?:^|\s)(Số\s*[:.]?\s*(?:\d{1,5}[a-zA-Z]?)?\s*/\s*[A-ZĐ0-9]|Số\s*:)", text)
            if match and (match.start() < 80 or index < 6):
                number_match = _NUMBER_LINE.match(text[match.start() :].lstrip())
                if number_match:
                    number_index = index
                    header.number = number_match.group("number")
                    symbol = number_match.group("symbol")
                    header.symbol = re.sub(r"\s+", "", symbol) if symbol else None
                    before = text[: match.start()].strip()
                    if before and is_upper_text(before):
                        header.issuer = before  # "PHÒNG NỘI VỤ Số: 12/KH-PNV" on one line
        if date_index is None:
            # The place and date may share the line with "Số: 12/KH-UBND" (a two-column header).
            dated = re.sub(r"^\s*Số\s*[:.]?\s*[\w/\-–&.]*\s*(?:/\s*[\w\-–&.]+)?", " ", text, count=1)
            match = _PLACE_DATE.search(dated)
            if match and index < 40:
                date_index = index
                place = one_line(match.group("place"))
                header.place = place.strip(" .,-–") or None
                day, month, year = match.group("day"), match.group("month"), int(match.group("year"))
                header.issued_on = make_date(year, int(month) if month else None, int(day) if day else None)
                if header.issued_on is None:
                    header.issued_partial = {
                        k: v for k, v in (("month", int(month) if month else None), ("year", year)) if v
                    }
                    header.warnings.append(
                        _("Ngày ban hành để trống hoặc không hợp lệ (“%(t)s”): chỉ biết %(known)s.")
                        % {"t": one_line(match.group(0)), "known": _known(header.issued_partial)}
                    )
        if number_index is not None and date_index is not None:
            break

    if header.number is None and number_index is not None:
        header.warnings.append(
            _("Số văn bản để trống (bản dự thảo?): chỉ có ký hiệu “%(s)s”.") % {"s": header.symbol or ""}
        )
    if number_index is None:
        header.warnings.append(_("Không tìm thấy dòng “Số: …/…” của văn bản."))
    if date_index is None:
        header.warnings.append(_("Không tìm thấy địa danh và ngày ban hành (“…, ngày … tháng … năm …”)."))

    # The issuer block: capitals before the number line (the national motto removed).
    if not header.issuer:
        block = []
        for raw in first[: (number_index if number_index is not None else 0)]:
            text = one_line(re.sub(r"[-_–—]{3,}", " ", _MOTTO.sub(" ", raw)))
            if text and is_upper_text(text) and len(text) < 120:
                block.append(text)
        if block:
            header.issuer, header.issuer_parent = _split_issuer_block(block)

    # Type and title.
    start = max(i for i in (number_index, date_index, -1) if i is not None) + 1
    type_index = None
    for index in range(start, min(len(paragraphs), start + 12)):
        text = one_line(paragraphs[index])
        folded = fold(text)
        for doc_type in ("Kế hoạch", "Chương trình", "Quyết định", "Báo cáo", "Đề án", "Chỉ thị", "Công văn"):
            key = fold(doc_type)
            if folded == key or (folded.startswith(key + " ") and is_upper_text(text[: len(doc_type)])):
                type_index = index
                header.doc_type = doc_type
                rest = text[len(doc_type) :].strip(" :")
                title_parts = [rest] if rest else []
                break
        if type_index is not None:
            break
    body_start = start
    if type_index is not None:
        index = type_index + 1
        while index < len(paragraphs) and len(title_parts) < 5:
            text = one_line(paragraphs[index])
            folded = fold(text)
            if not text:
                index += 1
                continue
            if (
                _BODY_START.match(folded)
                or _SECTION.match(text)
                or len(text) > 300
                or re.fullmatch(r"[-_–—. ]+", text)
            ):
                break
            if title_parts and text.endswith(".") and len(text) > 120:
                break
            # Plain text may run the title and the preamble together: "… năm 2021 Thực hiện Kế hoạch số …".
            cut = re.search(r"\s(?=(?:Thực hiện|Căn cứ|Triển khai|Nhằm|Để)\s)", text)
            if cut and cut.start() > 10 and len(text) > 120:
                title_parts.append(text[: cut.start()])
                paragraphs = list(paragraphs)
                paragraphs[index] = text[cut.start() + 1 :]
                break
            title_parts.append(text)
            index += 1
        body_start = index
        header.title = one_line(" ".join(title_parts)) or None
    if not header.title:
        header.warnings.append(_("Không tìm thấy tên (trích yếu) của kế hoạch."))
    header.body_start = body_start

    # Period: from the title ("năm 2021", "giai đoạn 2023-2025").
    if header.title:
        folded = fold(header.title)
        span = re.search(r"((?:19|20)\d{2})\s*(?:-|–|den)\s*((?:19|20)\d{2})", folded)
        if span and int(span.group(1)) <= int(span.group(2)):
            header.period_start = dt.date(int(span.group(1)), 1, 1)
            header.period_end = dt.date(int(span.group(2)), 12, 31)
        else:
            years = re.findall(r"\bnam\s+((?:19|20)\d{2})\b", folded) or re.findall(
                r"\b((?:19|20)\d{2})\b", folded
            )
            if years:
                year = int(years[-1])
                header.period_start, header.period_end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if header.period_start is None:
        header.warnings.append(_("Không xác định được kỳ của kế hoạch (năm hoặc giai đoạn) từ tên kế hoạch."))

    # Implemented documents: the preamble's "Thực hiện …", "Triển khai …", "Căn cứ Kế hoạch …".
    seen: set[tuple] = set()
    for text in paragraphs[body_start : body_start + 8]:
        if _SECTION.match(text):
            break
        folded = fold(text)
        if not re.match(
            r"^(thuc hien|trien khai|can cu|de trien khai|de thuc hien|thuc hien chi dao)", folded
        ):
            continue
        for clause in re.split(r";", text):
            references = find_references(clause, header.year)
            if not references:
                continue
            reference = references[0]
            if folded.startswith("can cu") and reference.kind not in (
                "Kế hoạch",
                "Chương trình",
                "Chỉ thị",
                "Công văn",
            ):
                continue
            key = (fold(reference.kind), reference.number, reference.symbol)
            if key not in seen and not _is_self(reference, header):
                seen.add(key)
                header.implements.append(reference)

    # Replaced documents: "Kế hoạch này thay thế Kế hoạch số 35/KH-UBND ngày 14/3/2021".
    for text in paragraphs:
        for trigger in re.finditer(r"(thay thế|bãi bỏ)\s", text, re.IGNORECASE):
            sentence = re.split(r"(?<=[.;])\s", text[trigger.end() :], maxsplit=1)[0]
            for reference in find_references(sentence, header.year):
                key = (fold(reference.kind), reference.number, reference.symbol)
                if ("supersedes",) + key not in seen and not _is_self(reference, header):
                    seen.add(("supersedes",) + key)
                    header.supersedes.append(reference)
    return header


def _known(partial: dict | None) -> str:
    if not partial:
        return "?"
    parts = []
    if partial.get("month"):
        parts.append(_("tháng %(m)s") % {"m": partial["month"]})
    if partial.get("year"):
        parts.append(_("năm %(y)s") % {"y": partial["year"]})
    return " ".join(parts)


def _is_self(reference: DocumentReference, header: PlanHeader) -> bool:
    return bool(header.number) and reference.number == header.number and reference.symbol == header.symbol


def _split_issuer_block(lines: list[str]) -> tuple[str, str | None]:
    """ "UBND HUYỆN VỊ XUYÊN / PHÒNG NỘI VỤ" → ("PHÒNG NỘI VỤ", "UBND HUYỆN VỊ XUYÊN");
    "ỦY BAN NHÂN DÂN / HUYỆN VỊ XUYÊN" → one body."""
    if len(lines) >= 2:
        last = fold(lines[-1])
        first = fold(" ".join(lines[:-1]))
        complete = re.search(
            r"(ubnd|uy ban nhan dan|so|bo)\s+(tinh|thanh pho|huyen|quan|thi xa|xa|phuong|thi tran)\s+\w",
            first,
        )
        if complete and re.match(r"^(so|phong|van phong|ban|trung tam|thanh tra|chi cuc|cuc|vu)\b", last):
            return lines[-1], " ".join(lines[:-1])
    return " ".join(lines), None


# --- the issuer, when no issuer block was printed ----------------------------------------------------


def infer_issuer(header: PlanHeader, paragraphs: list[str]) -> None:
    """Fill the issuer from the appendix line, the signature, the title and the body."""
    level_votes: Counter[str] = Counter()
    named: list[tuple[str, str, int]] = []  # (level, name, weight)
    body_kind = "UBND"
    if header.symbol and "-" in header.symbol:
        suffix = header.symbol.split("-", 1)[1]
        if fold(suffix) not in ("ubnd",):
            body_kind = suffix
    own = re.compile(
        r"kèm theo\s+(?:" + _TYPE_ALT + r")[^()]*?\bcủa\s+(?P<issuer>[^()]+?)\)?\s*$", re.IGNORECASE
    )
    for text in paragraphs:
        line = one_line(text)
        if line.startswith("(") or "kèm theo" in line.lower():
            match = own.search(line.rstrip(")") + ")")
            if match:
                issuer = match.group("issuer").strip(" )")
                level_name = _LEVEL_NAME.search(issuer)
                level = re.search(r"\b(" + _LEVELS + r")\b", issuer, re.IGNORECASE)
                if level_name:
                    named.append((level_name.group("level").lower(), level_name.group("name"), 5))
                    level_votes[level_name.group("level").lower()] += 5
                elif level:
                    level_votes[level.group(1).lower()] += 4
        folded = fold(line)
        if folded.startswith(("tm.", "tm ", "kt.", "tl.")):
            level = re.search(
                r"\b(tinh|huyen|xa|thi tran|phuong|quan|thi xa|thanh pho)\s*$",
                re.sub(r"\s*chu tich.*$", "", folded),
            )
            if level:
                level_votes[_unfold_level(level.group(1))] += 3
    if header.title:
        for match in _LEVEL_NAME.finditer(header.title):
            named.append((match.group("level").lower(), match.group("name"), 3))
    for text in paragraphs[header.body_start : header.body_start + 6]:
        match = re.search(
            r"(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+(?P<level>"
            + _LEVELS
            + r")(?:\s+(?P<name>"
            + _NAME
            + r"))?\s+(?:xây dựng|ban hành)",
            text,
            re.IGNORECASE,
        )
        if match:
            level_votes[match.group("level").lower()] += 2
            if match.group("name"):
                named.append((match.group("level").lower(), match.group("name"), 2))
    for text in paragraphs:
        for match in _LEVEL_NAME.finditer(text):
            named.append((match.group("level").lower(), match.group("name"), 0))
    level = level_votes.most_common(1)[0][0] if level_votes else None
    name = None
    scores: Counter[tuple[str, str]] = Counter()
    for item_level, item_name, weight in named:
        if level is None or item_level == level:
            bonus = 3 if header.place and fold(item_name) == fold(header.place) else 0
            scores[(item_level, item_name)] += weight + bonus + 0.1
    if scores:
        (best_level, best_name), score = scores.most_common(1)[0]
        if score >= 1 or (header.place and fold(best_name) == fold(header.place)):
            level = level or best_level
            name = best_name
    if name is None and level and header.place:
        name = header.place
    if level and name:
        header.issuer_level = level
        header.issuer_name = name
        if not header.issuer:
            header.issuer = f"{body_kind} {level} {name}"
            header.warnings.append(
                _("Văn bản không in tên cơ quan ban hành; suy ra là “%(i)s” từ nội dung.")
                % {"i": header.issuer}
            )
    elif not header.issuer:
        header.warnings.append(_("Không xác định được cơ quan ban hành."))


def _unfold_level(folded: str) -> str:
    return {
        "tinh": "tỉnh",
        "huyen": "huyện",
        "xa": "xã",
        "thi tran": "thị trấn",
        "phuong": "phường",
        "quan": "quận",
        "thi xa": "thị xã",
        "thanh pho": "thành phố",
    }.get(folded, folded)


def issuer_parts(issuer: str | None) -> tuple[str | None, str | None]:
    """("huyện", "Vị Xuyên") from "ỦY BAN NHÂN DÂN HUYỆN VỊ XUYÊN" or "UBND huyện Vị Xuyên"."""
    if not issuer:
        return None, None
    text = one_line(issuer)
    match = re.search(r"\b(" + _LEVELS + r")\s+(.+)$", text, re.IGNORECASE)
    if not match:
        return None, None
    name = match.group(2).strip()
    if is_upper_text(name):
        name = " ".join(word.capitalize() for word in name.lower().split())
    return match.group(1).lower(), name


# --- deadlines -------------------------------------------------------------------------------------------

_TRIGGER = re.compile(r"\b(truoc|cham nhat|han chot|khong qua|den het|trong thoi han|trong vong)\b")
_WINDOW = re.compile(
    r"\btu ngay\s+(\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{2,4})?)\s+den(?: het)?(?: ngay)?\s+(\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{2,4})?)"
)
_WORKING = re.compile(r"\b(\d{1,3})\s*ngay\s*(lam viec)?\s*(sau|ke tu)")


def _period(folded: str) -> str | None:
    if re.search(r"\b0?6 thang dau nam|\bsau thang\b|\bnua dau nam\b", folded):
        return "half_year"
    if re.search(r"\b0?9 thang\b", folded):
        return "nine_months"
    if re.search(r"\bquy\b", folded):
        return "quarter"
    if re.search(r"\bso ket\b", folded):
        return "interim"
    if re.search(r"\btong ket\b", folded):
        return "final"
    if re.search(r"\b(ca nam|bao cao nam|hang nam|nam \d{4}|cuoi nam)\b", folded):
        return "year"
    return None


def _what(folded: str) -> str:
    if re.search(r"\bbao cao\b|\bbao (ubnd|uy ban|so|phong|chu tich)\b|\bso ket\b|\btong ket\b", folded):
        return "report"
    if re.search(r"\bke hoach\b", folded) and re.search(r"\b(ban hanh|xay dung|gui|trinh)\b", folded):
        return "lower_plan"
    return "other"


def find_deadlines(paragraphs: list[str], year: int | None) -> list[PlanDeadline]:
    """Deadlines the plan's text sets: lower plans due, reports due and their data windows."""
    found: list[PlanDeadline] = []
    seen: set[tuple] = set()
    for text in paragraphs:
        folded_text = fold(text)
        if not (_TRIGGER.search(folded_text) or "tu ngay" in folded_text):
            continue
        by = None
        who = re.match(
            r"^\s*(?:\d{1,2}\.\s*)?(?P<unit>(?:Phòng|Văn phòng|Sở|Ban|Trung tâm|Thanh tra|Công an|UBND|Ủy ban)[^:]{2,60}):",
            text,
        )
        if who:
            by = one_line(who.group("unit"))
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-ZĐÀ-Ỹ])", text):
            context_what = None
            context_period = None
            for clause in re.split(r";", sentence):
                folded = fold(clause)
                what = _what(folded)
                if what == "other" and context_what:
                    what = context_what
                period = _period(folded) or (context_period if what == context_what else None)
                to = None
                to_match = re.search(
                    r"gửi(?:\s+về)?\s+(?P<to>[^:;,()]+?)(?=\s*[:;,()]|\s+trước|\s+chậm|$)",
                    clause,
                    re.IGNORECASE,
                )
                if to_match:
                    to = one_line(to_match.group("to"))[:80] or None
                for window in _WINDOW.finditer(folded):
                    start = _date_of(window.group(1), year)
                    end = _date_of(window.group(2), year)
                    if start and end:
                        key = ("data_cutoff", start, end, period)
                        if key not in seen:
                            seen.add(key)
                            found.append(
                                PlanDeadline(
                                    "data_cutoff", None, one_line(clause), period, start, end, to=None, by=by
                                )
                            )
                if what in ("report", "lower_plan"):
                    context_what = what
                if period:
                    context_period = period
                for trigger in _TRIGGER.finditer(folded):
                    tail = folded[trigger.start() : trigger.start() + 60]
                    working = _WORKING.search(tail)
                    if working and trigger.group(1) in ("cham nhat", "trong thoi han", "trong vong"):
                        key = (what, "working", int(working.group(1)))
                        if key not in seen:
                            seen.add(key)
                            found.append(
                                PlanDeadline(
                                    what,
                                    None,
                                    one_line(clause),
                                    period,
                                    working_days=int(working.group(1)) if working.group(2) else None,
                                    to=to,
                                    by=by,
                                )
                            )
                        continue
                    timeframe = parse_timeframe(clause[trigger.start() : trigger.start() + 40], year=year)
                    dates = find_dates(tail, year)
                    if not dates:
                        continue
                    due = timeframe.due or dates[0].date
                    if due is None:
                        continue
                    key = (what, due, period)
                    if key in seen:
                        continue
                    seen.add(key)
                    found.append(PlanDeadline(what, due, one_line(clause), period, to=to, by=by))
    return found


def _date_of(text: str, year: int | None) -> dt.date | None:
    dates = find_dates("ngay " + text, year)
    return dates[0].date if dates else None
