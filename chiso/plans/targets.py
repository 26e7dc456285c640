"""Reading a measurable form out of a target as plans write it.

"Có ít nhất 95% kết quả giải quyết đúng hạn" → (kết quả giải quyết đúng hạn, ≥, 95, %)
"Tỷ lệ cử tri đi bầu đạt trên 99,5%"        → (Tỷ lệ cử tri đi bầu, >, 99.5, %)
"Ít nhất 01 đợt/năm"                         → ("", ≥, 1, đợt/năm)
"Không có trường hợp phải chi thêm tiền…"    → (trường hợp phải chi thêm tiền…, =, 0, "")
"Theo kế hoạch của huyện"                    → None (not measurable as written)

Only the first figure is read; the text as written stays the reference and users can correct
the measurable form.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from chiso.core.text import fold, nfc


@dataclass(frozen=True)
class MeasurableTarget:
    metric: str
    op: str  # one of ">=", ">", "=", "<=", "<"
    value: Decimal
    unit: str


# A figure: "95", "99,5", "1.200", "01"; then "%" or a unit word ("đợt/năm", "ngày", "h").
_FIGURE = re.compile(r"(?<![\d/])(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?(?![\d/])\s*(%)?")
_UNIT_WORDS = {"h", "giờ", "ngày", "tháng", "lần", "đợt", "cuộc", "lớp", "buổi", "người", "hộ", "bài", "tin"}
# Folded qualifiers right before the figure, longest first.
_QUALIFIERS = [
    ("khong vuot qua", "<="),
    ("khong duoi", ">="),
    ("khong it hon", ">="),
    ("khong qua", "<="),
    ("it nhat", ">="),
    ("toi thieu", ">="),
    ("toi da", "<="),
    ("trong vong", "<="),
    ("trong", "<="),
    ("tren", ">"),
    ("hon", ">"),
    ("duoi", "<"),
]
_VERBS = ("phan dau dat", "phan dau", "dam bao", "dat", "co", "la")
_NOTHING = re.compile(r"^(khong co|khong de xay ra|khong phat sinh) ")
_EDGES = re.compile(r"^[\s:;,\-–]+|[\s:;,\-–.]+$")


def _strip(text: str) -> str:
    return _EDGES.sub("", text)


def _drop_suffix(text: str, words: tuple[str, ...] | list[str]) -> tuple[str, str]:
    """Remove the first of `words` (folded) that ends `text`; returns (rest, the word or "")."""
    folded = fold(text)
    for word in words:
        if folded == word or folded.endswith(" " + word):
            return text[: len(text) - len(word)].rstrip(), word
    return text, ""


def parse_target(text: str) -> MeasurableTarget | None:
    """The measurable form of a target, or None when the text states no figure."""
    text = nfc(text)
    if not text:
        return None
    first_clause = text.split(";")[0]
    folded = fold(first_clause)
    nothing = _NOTHING.match(folded)
    if nothing and not re.search(r"\d", folded):
        return MeasurableTarget(_strip(first_clause[nothing.end() :])[:200], "=", Decimal(0), "")
    match = _FIGURE.search(first_clause)
    if not match:
        return None
    try:
        value = Decimal(match.group(1).replace(".", "") + (f".{match.group(2)}" if match.group(2) else ""))
    except InvalidOperation:
        return None
    after = first_clause[match.end() :]
    unit = "%" if match.group(3) else ""
    if not unit:
        token = re.match(r"\s*([^\s,;()]+)", after)
        word = token.group(1) if token else ""
        if "/" in word or word.lower() in _UNIT_WORDS:
            unit = word
            after = after[token.end() :]
    before, qualifier = _drop_suffix(first_clause[: match.start()].rstrip(), [q for q, _op in _QUALIFIERS])
    op = dict(_QUALIFIERS)[qualifier] if qualifier else ">="
    before, _verb = _drop_suffix(before, _VERBS)
    metric = _strip(after) or _strip(before)
    return MeasurableTarget(metric[:200], op, value, unit[:40])
