"""Finding a unit as people write it: "Thanh Hóa", "Tỉnh Thanh Hóa", "UBND tỉnh Thanh Hóa",
"TP. Hồ Chí Minh" or "38".

A name is compared folded (no marks, lower case), without the authority prefix ("UBND", "Ủy ban
nhân dân") and, when the text gives none, without the type word ("tỉnh", "thành phố", "xã", …).
Only units that exist on the given day count (today by default): "Tuyên Quang" is the province
formed on 1 July 2025, and `on=date(2024, 1, 1)` finds the old one. Among the matches, in order:
the names written with the same marks win over those equal only when folded ("Thanh Hóa" is not
"Thạnh Hòa"); administrative divisions win over bodies; the highest level wins (a bare name, as
people write it, means the province: "Tuyên Quang" is the province, "xã Tuyên Quang" the commune).
More than one match left is an error that lists them.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

from chiso.core.text import fold, nfc
from chiso.units.models import Unit

_AUTHORITY = re.compile(r"^(ubnd|uy ban nhan dan)\s+")
_TYPE_WORDS = re.compile(r"^(tinh|thanh pho|huyen|quan|thi xa|xa|phuong|thi tran|dac khu)\s+")


class UnitLookupError(Exception):
    """No unit, or more than one, answers the text; the message says which, in Vietnamese."""


_LEVEL_ORDER = {"province": 0, "district": 1, "commune": 2, "village": 3}


# Abbreviated type words as offices write them: "TP. Hồ Chí Minh", "TX Sa Pa", "TT. Việt Quang".
_ABBREVIATIONS = [
    (re.compile(r"^tp\.?\s*", re.I), "thành phố "),
    (re.compile(r"^tx\.?\s*", re.I), "thị xã "),
    (re.compile(r"^tt\.?\s*", re.I), "thị trấn "),
]


_AUTHORITY_WORDS = re.compile(r"^(ubnd|ủy ban nhân dân|uỷ ban nhân dân|uy ban nhan dan)\s+", re.I)


def _expand(text: str) -> str:
    """`text` without the authority prefix and with an abbreviated type word written out."""
    text = _AUTHORITY_WORDS.sub("", nfc(text).strip())
    for pattern, words in _ABBREVIATIONS:
        if pattern.match(text):
            return pattern.sub(words, text, count=1)
    return text


def _exact(text: str) -> tuple[str, str]:
    """The keys of `_keys`, with marks kept (lower case, NFC)."""
    key = re.sub(r"^(ubnd|ủy ban nhân dân|uỷ ban nhân dân)\s+", "", _expand(text).lower().strip())
    return key, re.sub(r"^(tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn|đặc khu)\s+", "", key).strip()


def _best(candidates: list[tuple[bool, Unit]]) -> list[Unit]:
    """The matches that rank first: exact marks, then divisions, then the highest level."""
    if not candidates:
        return []

    def order(item: tuple[bool, Unit]) -> tuple[int, int, int]:
        exact, unit = item
        return (0 if exact else 1, 0 if unit.is_division else 1, _LEVEL_ORDER.get(unit.level or "", 9))

    first = min(order(item) for item in candidates)
    return [unit for item in candidates if order(item) == first for unit in [item[1]]]


def _keys(text: str) -> tuple[str, str]:
    """(the folded name without authority prefix, the same without its type word)."""
    key = _AUTHORITY.sub("", fold(_expand(text))).strip()
    return key, _TYPE_WORDS.sub("", key).strip()


def find_unit(text: str, on: dt.date | None = None) -> Unit:
    """The one unit existing on `on` named or coded `text`, or UnitLookupError."""
    raw = text.strip()
    day = on or dt.date.today()
    existing = Unit.objects.valid_on(day).select_related("parent")
    matches: list[tuple[bool, Unit]] = [(True, unit) for unit in existing.filter(code=raw)] if raw else []
    if not matches:
        key, bare = _keys(raw)
        exact_key, exact_bare = _exact(raw)
        typed = key != bare
        for unit in existing.search(bare):
            for name in [unit.name, unit.short_name, *unit.aliases.split(";")]:
                if not name.strip():
                    continue
                name_key, name_bare = _keys(name)
                if (typed and name_key == key) or (not typed and name_bare == bare):
                    exact_name, exact_name_bare = _exact(name)
                    exact = exact_name == exact_key if typed else exact_name_bare == exact_bare
                    matches.append((exact, unit))
                    break
    candidates = _best(matches)
    if not candidates:
        raise UnitLookupError(
            _("Không tìm thấy đơn vị “%(text)s” còn hiệu lực ngày %(day)s.")
            % {"text": raw, "day": day.strftime("%d/%m/%Y")}
        )
    if len(candidates) > 1:
        listing = "; ".join(
            f"{u.name} ({u.code or u.pk}{', ' + u.parent.name if u.parent_id else ''})"
            for u in candidates[:10]
        )
        raise UnitLookupError(
            _("Có %(count)d đơn vị khớp với “%(text)s”: %(listing)s. Hãy ghi mã đơn vị.")
            % {"count": len(candidates), "text": raw, "listing": listing}
        )
    return candidates[0]
