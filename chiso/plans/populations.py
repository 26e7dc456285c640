"""Which population a target is about, and whether a unit's plan may set a target about it.

A target is about a population when it counts units of a kind: "100% các xã, phường", "90% số
trường học", "5/7 huyện", "tất cả các sở, ban, ngành", "100% UBND cấp xã". A quantifier (a
percentage, a fraction, "các", "tất cả", "toàn bộ", "mọi") is followed, after optional filler words
("các", "số", "UBND", "Ủy ban nhân dân", "đơn vị", "cơ quan", "cấp"), by a population noun. Nouns
are matched on the lower-cased Vietnamese text with its diacritics ("xã hội" and "phương án" are
not populations; "thị xã" is a district, not a commune; "cơ sở giáo dục" is schools, not "sở").

The populations, and the units they count:

- provinces ("tỉnh", "thành phố trực thuộc Trung ương");
- districts ("huyện", "quận", "thị xã", "thành phố", "cấp huyện");
- communes ("xã", "phường", "thị trấn", "đặc khu", "cấp xã");
- villages ("thôn", "bản", "xóm", "tổ dân phố", "khu dân cư");
- province departments ("sở", "sở, ban, ngành"), district offices ("phòng", "phòng, ban");
- schools ("trường", "trường học", "cơ sở giáo dục"), health stations ("trạm y tế", "cơ sở y tế").

The rule. A target of a task in the plan of unit U about population P is applicable when

(a) P lies below U: U is a division and P is divisions of a lower level (a district's "100% các
    xã", a commune's "100% các thôn"), or schools or health stations (they sit in every division),
    or the bodies of U's own level (a province's "các sở", a district's "các phòng");
(b) or the task is assigned (lead or partner) to a unit of P other than U, or to a group whose
    members are of P: a Sở Nội vụ plan's "100% các xã" on a task assigned to "UBND các xã" is
    legitimate, the same target on a task the Sở does alone is not.

Otherwise the target is about a population the unit is not — a commune's "100% các xã, phường"
(it is one commune), a school's "100% các trường", a commune's "100% các sở" — and conformance
flags it: the unit has to concretise the target for itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _l

from chiso.core.text import nfc
from chiso.units.models import DIVISION_LEVEL, Level, UnitKind


@dataclass(frozen=True, eq=False)
class Population:
    key: str
    label: object  # lazy Vietnamese label
    kinds: frozenset[str]


PROVINCES = Population("provinces", _l("các tỉnh"), frozenset({UnitKind.PROVINCE, UnitKind.CITY}))
DISTRICTS = Population(
    "districts",
    _l("các huyện"),
    frozenset({UnitKind.DISTRICT, UnitKind.URBAN_DISTRICT, UnitKind.TOWN, UnitKind.PROVINCIAL_CITY}),
)
COMMUNES = Population(
    "communes",
    _l("các xã, phường, thị trấn"),
    frozenset({UnitKind.COMMUNE, UnitKind.WARD, UnitKind.TOWNSHIP, UnitKind.SPECIAL_ZONE}),
)
VILLAGES = Population(
    "villages", _l("các thôn, tổ dân phố"), frozenset({UnitKind.VILLAGE, UnitKind.RESIDENTIAL_GROUP})
)
BODIES = frozenset(
    {
        UnitKind.DEPARTMENT,
        UnitKind.OFFICE,
        UnitKind.INSPECTORATE,
        UnitKind.SERVICE_CENTER,
        UnitKind.UTILITY,
    }
)
DEPARTMENTS = Population("departments", _l("các sở, ban, ngành"), BODIES)
OFFICES = Population("offices", _l("các phòng, ban"), BODIES)
SCHOOLS = Population("schools", _l("các trường học"), frozenset({UnitKind.SCHOOL}))
HEALTH = Population("health", _l("các cơ sở y tế"), frozenset({UnitKind.HEALTH}))

# Longest nouns first: "thị xã" before "xã", "cơ sở giáo dục" before "sở".
NOUNS: list[tuple[str, Population]] = [
    ("thành phố trực thuộc trung ương", PROVINCES),
    ("cơ sở giáo dục", SCHOOLS),
    ("cơ sở y tế", HEALTH),
    ("trạm y tế", HEALTH),
    ("trường học", SCHOOLS),
    ("trường", SCHOOLS),
    ("tổ dân phố", VILLAGES),
    ("khu dân cư", VILLAGES),
    ("thị trấn", COMMUNES),
    ("đặc khu", COMMUNES),
    ("thị xã", DISTRICTS),
    ("thành phố", DISTRICTS),
    ("cấp huyện", DISTRICTS),
    ("cấp xã", COMMUNES),
    ("huyện", DISTRICTS),
    ("quận", DISTRICTS),
    ("tỉnh", PROVINCES),
    ("phường", COMMUNES),
    ("xã", COMMUNES),
    ("thôn", VILLAGES),
    ("bản", VILLAGES),
    ("xóm", VILLAGES),
    ("sở", DEPARTMENTS),
    ("phòng", OFFICES),
]
# Words after a noun that make it something else: "xã hội", "phường hội", "bản kế hoạch",
# "phòng họp", "trường hợp", "thành phố" is fine, "sở hữu" is not a department.
NOT_AFTER = {
    "xã": ("hội",),
    "phường": ("hội",),
    "bản": ("kế", "sao", "đồ", "án", "chất", "tin", "báo", "cam", "thỏa", "ghi", "tự", "quyền"),
    "phòng": ("họp", "chống", "ngừa", "cháy", "làm", "một", "tiếp"),
    "trường": ("hợp", "độ", "phái", "đoạn"),
    "sở": ("hữu", "dĩ", "thích", "trường", "cứ", "tại"),
    "thôn": ("tin",),
}
QUANTIFIER = r"(?:\d+(?:[.,]\d+)?\s*%|\d+\s*/\s*\d+|tất cả|toàn bộ|các|mọi|100\s*%)"
FILLER = r"(?:(?:các|số|ubnd|ủy ban nhân dân|uỷ ban nhân dân|đơn vị|cơ quan|các cơ quan)\s+)*"
_NOUN_ALTERNATIVES = "|".join(re.escape(noun) for noun, _ in NOUNS)
PATTERN = re.compile(rf"(?<!\w){QUANTIFIER}\s+{FILLER}({_NOUN_ALTERNATIVES})(?!\w)(\s+\w+)?")
_BY_NOUN = dict(NOUNS)


def populations_in(text: str) -> list[Population]:
    """The populations a target's text counts, in order of appearance, each once."""
    found: list[Population] = []
    for match in PATTERN.finditer(nfc(text or "").lower()):
        noun, after = match.group(1), (match.group(2) or "").strip()
        if after and after in NOT_AFTER.get(noun, ()):
            continue
        population = _BY_NOUN[noun]
        if population not in found:
            found.append(population)
    return found


LEVEL_RANK = {Level.PROVINCE: 0, Level.DISTRICT: 1, Level.COMMUNE: 2, Level.VILLAGE: 3}
DIVISION_POPULATION_LEVEL = {
    PROVINCES.key: Level.PROVINCE,
    DISTRICTS.key: Level.DISTRICT,
    COMMUNES.key: Level.COMMUNE,
    VILLAGES.key: Level.VILLAGE,
}


def lies_below(population: Population, unit_kind: str) -> bool:
    """Rule (a): the population is made of units below a unit of `unit_kind`."""
    level = DIVISION_LEVEL.get(UnitKind(unit_kind)) if unit_kind in UnitKind.values else None
    if level is None:
        return False  # a body has no population of its own below it
    if population.key in DIVISION_POPULATION_LEVEL:
        return LEVEL_RANK[DIVISION_POPULATION_LEVEL[population.key]] > LEVEL_RANK[level]
    if population in (SCHOOLS, HEALTH):
        return level != Level.VILLAGE
    if population is DEPARTMENTS:
        return level == Level.PROVINCE
    if population is OFFICES:
        return level == Level.DISTRICT
    return False


def applicable(
    population: Population, unit_kind: str, unit_id: int, assigned: Iterable[tuple[int | None, str]]
):
    """Rules (a) and (b). `assigned`: (unit id or None for a group, kind) of the task's assignees."""
    if lies_below(population, unit_kind):
        return True
    return any(kind in population.kinds and pk != unit_id for pk, kind in assigned)


def inapplicable_populations(
    text: str, unit_kind: str, unit_id: int, assigned: Iterable[tuple[int | None, str]] = ()
) -> list[Population]:
    """The populations `text` counts that the plan of this unit may not set a target about."""
    assigned = list(assigned)
    return [p for p in populations_in(text) if not applicable(p, unit_kind, unit_id, assigned)]
