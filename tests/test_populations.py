"""Targets about a population the unit is not (chiso.plans.populations), in generated wordings."""

from hypothesis import given
from hypothesis import strategies as st

from chiso.plans.populations import (
    COMMUNES,
    DEPARTMENTS,
    DISTRICTS,
    HEALTH,
    NOUNS,
    OFFICES,
    PROVINCES,
    SCHOOLS,
    VILLAGES,
    inapplicable_populations,
    populations_in,
)
from chiso.units.models import UnitKind

QUANTIFIERS = ["100%", "100 %", "95%", "90,5%", "5/7", "các", "tất cả các", "toàn bộ", "mọi", "tất cả"]
FILLERS = ["", "các ", "số ", "UBND ", "Ủy ban nhân dân ", "đơn vị ", "cơ quan ", "các cơ quan "]
LEADS = ["", "Phấn đấu ", "Đạt ", "Có ít nhất ", "Chỉ tiêu: "]
TAILS = ["", " đạt chuẩn", ", phường công khai kết quả", " được kiểm tra", " trên địa bàn.", " (năm 2026)"]
# Nouns as they start a real target; "trường" alone, "bản", "phòng" may be followed by words that
# make them something else, so the tail is chosen among those that keep them a population.
NOUN_POPULATION = st.sampled_from(NOUNS)
COMMUNE_KINDS = [UnitKind.COMMUNE, UnitKind.WARD, UnitKind.TOWNSHIP, UnitKind.SPECIAL_ZONE]
DISTRICT_KINDS = [UnitKind.DISTRICT, UnitKind.URBAN_DISTRICT, UnitKind.TOWN, UnitKind.PROVINCIAL_CITY]
BODY_KINDS = [
    UnitKind.DEPARTMENT,
    UnitKind.OFFICE,
    UnitKind.SCHOOL,
    UnitKind.HEALTH,
    UnitKind.POLICE,
    UnitKind.FRONT,
    UnitKind.UTILITY,
]

# What each level may count (rule (a)), written out by hand.
MAY_COUNT = {
    "province": {DISTRICTS, COMMUNES, VILLAGES, SCHOOLS, HEALTH, DEPARTMENTS},
    "district": {COMMUNES, VILLAGES, SCHOOLS, HEALTH, OFFICES},
    "commune": {VILLAGES, SCHOOLS, HEALTH},
    "body": set(),
}
ALL = [PROVINCES, DISTRICTS, COMMUNES, VILLAGES, DEPARTMENTS, OFFICES, SCHOOLS, HEALTH]


def wording(lead, quantifier, filler, noun, tail) -> str:
    text = f"{lead}{quantifier} {filler}{noun}{tail}"
    return text[:1].upper() + text[1:] if lead == "" and quantifier[0].isalpha() else text


@given(
    st.sampled_from(LEADS),
    st.sampled_from(QUANTIFIERS),
    st.sampled_from(FILLERS),
    NOUN_POPULATION,
    st.sampled_from(TAILS),
)
def test_every_wording_of_a_population_is_found(lead, quantifier, filler, noun_population, tail):
    noun, population = noun_population
    text = wording(lead, quantifier, filler, noun, tail)
    found = populations_in(text)
    assert found[0] is population, text


@given(
    st.sampled_from(QUANTIFIERS),
    st.sampled_from(
        [
            "xã hội hóa",
            "phương án",
            "trường hợp",
            "bản kế hoạch",
            "phòng họp",
            "sở hữu trí tuệ",
            "hồ sơ",
            "thủ tục hành chính",
            "cơ sở dữ liệu",
            "dịch vụ công trực tuyến",
            "thông tin",
        ]
    ),
)
def test_words_that_only_look_like_a_population_are_not_one(quantifier, words):
    assert populations_in(f"{quantifier} {words} được xử lý đúng hạn") == []


def test_a_place_named_without_a_quantifier_is_not_a_population():
    assert populations_in("UBND xã Vị Xuyên tổ chức hội nghị") == []
    assert populations_in("Trường THCS Vị Xuyên") == []
    assert [p.key for p in populations_in("100% các thị xã, thành phố")] == ["districts"]
    assert [p.key for p in populations_in("100% UBND cấp xã; 90% các trường học")] == ["communes", "schools"]


def level_of(kind: str) -> str:
    if kind in (UnitKind.PROVINCE, UnitKind.CITY):
        return "province"
    if kind in DISTRICT_KINDS:
        return "district"
    if kind in COMMUNE_KINDS:
        return "commune"
    return "body"


@given(
    st.sampled_from([UnitKind.PROVINCE, *DISTRICT_KINDS, *COMMUNE_KINDS, *BODY_KINDS]),
    st.sampled_from(QUANTIFIERS),
    NOUN_POPULATION,
)
def test_a_population_is_inapplicable_unless_below_the_unit(kind, quantifier, noun_population):
    noun, population = noun_population
    text = f"{quantifier} {noun} hoàn thành"
    flagged = inapplicable_populations(text, kind, unit_id=1)
    assert (flagged == []) == (population in MAY_COUNT[level_of(kind)]), (kind, text)


@given(
    st.sampled_from([*COMMUNE_KINDS, *BODY_KINDS]),
    st.sampled_from(QUANTIFIERS),
    NOUN_POPULATION,
)
def test_a_task_assigned_to_the_population_may_count_it(kind, quantifier, noun_population):
    """Sở Nội vụ's "100% các xã" on a task it shares with the communes is legitimate."""
    noun, population = noun_population
    text = f"{quantifier} {noun} hoàn thành"
    member = sorted(population.kinds)[0]
    assert inapplicable_populations(text, kind, 1, [(2, member)]) == []
    assert inapplicable_populations(text, kind, 1, [(None, member)]) == []  # a group of them
    # Itself does not count: a commune assigned its own task is still one commune.
    if kind in population.kinds and population not in MAY_COUNT[level_of(kind)]:
        assert inapplicable_populations(text, kind, 1, [(1, kind)]) == [population]


def test_the_demo_wording():
    assert inapplicable_populations("100% xã, phường", UnitKind.COMMUNE, 1) == [COMMUNES]
    assert inapplicable_populations("100% các xã, phường", UnitKind.PROVINCE, 1) == []
    assert inapplicable_populations("100% các thôn, tổ dân phố", UnitKind.COMMUNE, 1) == []
    assert inapplicable_populations("100% các sở, ban, ngành", UnitKind.COMMUNE, 1) == [DEPARTMENTS]
    assert inapplicable_populations("Có ít nhất 95% hồ sơ giải quyết đúng hạn", UnitKind.COMMUNE, 1) == []
