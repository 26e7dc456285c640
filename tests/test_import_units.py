"""Unit names in plans: splitting a cell into units, groups and posts, matching to the tree."""

import pytest

from chiso.documents.units import Candidate, match_unit, split_units, unit_key, unit_kind


@pytest.mark.parametrize(
    ("text", "units"),
    [
        # The example: three entries, commas inside a unit name do not split it.
        (
            "Văn phòng HĐND và UBND, các phòng, ban, ngành; UBND cấp xã",
            ["Văn phòng HĐND và UBND", "các phòng, ban, ngành", "UBND cấp xã"],
        ),
        ("UBMT TQ huyện, UBND các xã, thị trấn", ["UBMT TQ huyện", "UBND các xã, thị trấn"]),
        (
            "Phòng Văn hóa-TT, Phòng Tài chính-KH, các đơn vị liên quan; UBND các xã, thị trấn",
            ["Phòng Văn hóa-TT", "Phòng Tài chính-KH", "các đơn vị liên quan", "UBND các xã, thị trấn"],
        ),
        ("Phòng Lao động, Thương binh và xã hội", ["Phòng Lao động, Thương binh và xã hội"]),
        ("Sở Văn hóa, Thể thao và Du lịch", ["Sở Văn hóa, Thể thao và Du lịch"]),
        (
            "Các ban, ngành xã; Các cơ quan, đơn vị có liên quan, các thôn",
            ["Các ban, ngành xã", "Các cơ quan, đơn vị có liên quan", "các thôn"],
        ),
        ("Bệnh viện ĐK và Trung tâm y tế huyện", ["Bệnh viện ĐK", "Trung tâm y tế huyện"]),
        ("Văn phòng HĐND và UBND", ["Văn phòng HĐND và UBND"]),
        ("Phòng Tài nguyên và Môi trường", ["Phòng Tài nguyên và Môi trường"]),
        (
            "Công chức VHXX (theo dõi Lao động, Thương binh và Xã)",
            ["Công chức VHXX (theo dõi Lao động, Thương binh và Xã)"],
        ),
        ("Các cơ sở khám, chữa bệnh trên địa bàn huyện", ["Các cơ sở khám, chữa bệnh trên địa bàn huyện"]),
        # Units on separate lines, with or without bullets; a name wrapped on two lines.
        ("- Phòng Nội vụ\n- Phòng Tư pháp;", ["Phòng Nội vụ", "Phòng Tư pháp"]),
        ("Phòng Nội vụ\nThanh tra huyện", ["Phòng Nội vụ", "Thanh tra huyện"]),
        ("Phòng Tài chính\n– KH", ["Phòng Tài chính – KH"]),
        ("", []),
        ("  ;  , ", []),
    ],
)
def test_split_units(text, units):
    assert split_units(text) == units


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("UBND các xã, thị trấn", "group"),
        ("các phòng, ban, ngành", "group"),
        ("UBND cấp xã", "group"),
        ("Các cơ quan, đơn vị có liên quan", "group"),
        ("Công an các xã, thị trấn", "group"),
        ("Công chức Tư pháp - Hộ tịch xã", "post"),
        ("Phòng Nội vụ", "unit"),
        ("UBND xã Nguyễn Trãi", "unit"),
    ],
)
def test_unit_kinds(name, kind):
    assert unit_kind(name) == kind


def test_unit_keys_expand_abbreviations():
    assert unit_key("Phòng TN&MT huyện") == unit_key("Phòng Tài nguyên và Môi trường")
    assert unit_key("Phòng LĐ-TB&XH") == unit_key("Phòng Lao động - Thương binh và Xã hội")
    assert unit_key("Phòng VH-TT") == unit_key("Phòng Văn hóa và Thông tin")
    assert unit_key("Phòng NN&PTNT") == unit_key("Phòng Nông nghiệp và Phát triển nông thôn")


def candidates():
    names = [
        ("Phòng Tài nguyên và Môi trường", "Phòng TN&MT", "Phòng TNMT"),
        ("Phòng Văn hóa và Thông tin", "Phòng VH-TT", ""),
        ("Phòng Lao động - Thương binh và Xã hội", "Phòng LĐ-TB&XH", ""),
        ("Phòng Tài chính - Kế hoạch", "Phòng TC-KH", ""),
        ("Phòng Nội vụ", "PNV", ""),
        ("Văn phòng HĐND và UBND", "", "Văn phòng HĐND-UBND"),
        ("Thanh tra huyện", "", ""),
        ("Xã Nguyễn Trãi", "", ""),
    ]
    out = []
    for index, (name, short, aliases) in enumerate(names, start=1):
        keys = tuple(dict.fromkeys(unit_key(n) for n in (name, short, *aliases.split(";")) if n))
        out.append(
            Candidate(index, f"test:{index}", name, "department", keys, is_division=name.startswith("Xã"))
        )
    return out


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("Phòng TN&MT", "Phòng Tài nguyên và Môi trường"),
        ("Phòng Tài nguyên & MT", "Phòng Tài nguyên và Môi trường"),
        ("Phòng Tài nguyên và Môi trường huyện", "Phòng Tài nguyên và Môi trường"),
        ("Phòng Văn hóa thông tin", "Phòng Văn hóa và Thông tin"),
        ("Phòng Văn hóa – TT", "Phòng Văn hóa và Thông tin"),
        ("Phòng VH-TT", "Phòng Văn hóa và Thông tin"),
        ("Phòng LĐ-TB&XH", "Phòng Lao động - Thương binh và Xã hội"),
        ("Phòng Lao động-Thương binh & XH", "Phòng Lao động - Thương binh và Xã hội"),
        ("Phòng Tài chính – KH", "Phòng Tài chính - Kế hoạch"),
        ("Văn phòng HU-HĐND-UBND huyện", "Văn phòng HĐND và UBND"),
        ("phòng nội vụ", "Phòng Nội vụ"),
        ("UBND xã Nguyễn Trãi", "Xã Nguyễn Trãi"),
    ],
)
def test_match_spelling_variants(printed, expected):
    match = match_unit(printed, candidates())
    assert match.status == "matched", match
    assert match.unit_name == expected
    assert match.text == printed  # the JSON keeps the name as printed


def test_unknown_units_are_flagged_not_guessed():
    assert match_unit("Bảo hiểm xã hội huyện", candidates()).status == "unmatched"
    assert match_unit("Phòng Y tế", candidates()).status == "unmatched"
    assert match_unit("Phòng", candidates()).status == "unmatched"
    group = match_unit("UBND các xã, thị trấn", candidates())
    assert (group.kind, group.status, group.unit_id) == ("group", "group", None)
    post = match_unit("Công chức Tư pháp Hộ tịch xã", candidates())
    assert post.status == "post"


def test_ambiguous_units_are_flagged():
    twins = [
        Candidate(1, "a", "Phòng Nội vụ", "department", (unit_key("Phòng Nội vụ"),)),
        Candidate(2, "b", "Phòng Nội vụ", "department", (unit_key("Phòng Nội vụ"),)),
    ]
    match = match_unit("Phòng Nội vụ", twins)
    assert match.status == "ambiguous"
    assert match.unit_id is None
