"""The official unit lists: counts, history, idempotent reloads and bad files."""

import datetime as dt
import shutil

import pytest
from django.core.management import CommandError, call_command

from chiso.core.models import AuditEntry
from chiso.units.models import Unit, UnitChange, UnitKind, UnitSuccession
from chiso.units.reference import ReferenceDataError, default_dir, load_reference

COMMUNE_KINDS = [UnitKind.COMMUNE, UnitKind.WARD, UnitKind.SPECIAL_ZONE, UnitKind.TOWNSHIP]
PROVINCE_KINDS = [UnitKind.PROVINCE, UnitKind.CITY]


@pytest.mark.django_db
def test_current_units_are_the_34_provinces_and_3321_communes():
    current = Unit.objects.current()
    assert current.filter(kind__in=PROVINCE_KINDS).count() == 34
    assert current.filter(kind__in=COMMUNE_KINDS).count() == 3321
    assert current.filter(kind=UnitKind.CITY).count() == 9
    # Districts were abolished on 1 July 2025: none is current.
    assert not current.filter(kind__in=[UnitKind.DISTRICT, UnitKind.URBAN_DISTRICT, UnitKind.TOWN]).exists()


@pytest.mark.django_db
def test_pre_2025_units_are_kept_with_end_dates():
    ended = Unit.objects.filter(valid_to=dt.date(2025, 6, 30))
    assert ended.filter(ref__startswith="vn-pre2025:commune:").count() == 10051
    assert ended.filter(ref__startswith="vn-pre2025:district:").count() == 696
    # 63 old provinces: 52 ended, 11 continued as the same unit (e.g. Cao Bằng).
    assert ended.filter(kind__in=PROVINCE_KINDS).count() == 52
    cao_bang = Unit.objects.get(ref="vn:province:04")
    assert cao_bang.valid_to is None and cao_bang.valid_from is None
    assert (
        Unit.objects.filter(parent=cao_bang, valid_to=dt.date(2025, 6, 30)).count() > 0
    )  # its old districts
    assert Unit.objects.valid_on(dt.date(2024, 1, 1)).filter(kind__in=PROVINCE_KINDS).count() == 63
    assert Unit.objects.valid_on(dt.date(2025, 7, 1)).filter(kind__in=PROVINCE_KINDS).count() == 34


@pytest.mark.django_db
def test_a_code_names_a_unit_only_with_its_validity_period():
    # 00004 was Phường Trúc Bạch before 1/7/2025 and is Phường Ba Đình after.
    units = Unit.objects.filter(code="00004")
    assert sorted((u.name, u.valid_to) for u in units) == [
        ("Phường Ba Đình", None),
        ("Phường Trúc Bạch", dt.date(2025, 6, 30)),
    ]


@pytest.mark.django_db
def test_merger_history_links_old_provinces_and_communes_to_new_ones():
    tuyen_quang = Unit.objects.get(ref="vn:province:08")
    predecessors = set(
        UnitSuccession.objects.filter(successor=tuyen_quang).values_list("predecessor__name", flat=True)
    )
    assert predecessors == {"Tỉnh Hà Giang", "Tỉnh Tuyên Quang"}
    assert tuyen_quang.valid_from == dt.date(2025, 7, 1)
    # An old commune split between several new ones is marked partial on every edge.
    edges = UnitSuccession.objects.filter(predecessor__ref="vn-pre2025:commune:00019")
    assert edges.count() == 4 and all(edge.partial for edge in edges)


@pytest.mark.django_db
def test_2026_type_changes_are_changes_of_the_same_unit():
    for code in ["22", "24", "75"]:
        unit = Unit.objects.get(ref=f"vn:province:{code}")
        assert unit.kind == UnitKind.CITY
        change = UnitChange.objects.get(ref=f"vn2026:type-change:{code}")
        assert change.old_kind == UnitKind.PROVINCE and change.new_kind == UnitKind.CITY
        assert change.effective_year == 2026
        assert Unit.objects.filter(code=code, kind__in=PROVINCE_KINDS, valid_to__isnull=True).count() == 1
    # The old name stays searchable.
    assert Unit.objects.search("tinh quang ninh").filter(ref="vn:province:22").exists()


@pytest.mark.django_db
def test_reload_creates_nothing_and_changes_nothing():
    counts = (Unit.objects.count(), UnitChange.objects.count(), UnitSuccession.objects.count())
    audit_count = AuditEntry.objects.count()
    report = load_reference()
    assert (report.created, report.updated, report.changes_created, report.edges_created) == (0, 0, 0, 0)
    assert report.unchanged == 14154
    assert (Unit.objects.count(), UnitChange.objects.count(), UnitSuccession.objects.count()) == counts
    assert AuditEntry.objects.count() == audit_count


@pytest.mark.django_db
def test_reload_applies_a_corrected_name_and_audits_it(tmp_path):
    folder = tmp_path / "units"
    shutil.copytree(default_dir(), folder)
    path = folder / "communes_2025_3321.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Phường Ba Đình", "Phường Ba Đình Mới"), encoding="utf-8"
    )
    report = load_reference(folder)
    assert (report.created, report.updated) == (0, 1)
    unit = Unit.objects.get(ref="vn2025:commune:00004")
    assert unit.name == "Phường Ba Đình Mới"
    entry = AuditEntry.objects.filter(object_id=str(unit.pk), action="update").latest("id")
    assert entry.changes["name"] == ["Phường Ba Đình", "Phường Ba Đình Mới"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("file_name", "damage", "message"),
    [
        (
            "communes_2025_3321.csv",
            lambda text: text.replace("division_type", "loai", 1),
            "thiếu cột: division_type",
        ),
        (
            "communes_2025_3321.csv",
            lambda text: text.replace(",xã,", ",thôn ấp,", 1),
            "loại đơn vị “thôn ấp”",
        ),
        (
            "legacy_districts_696.csv",
            lambda text: text + "999,Huyện Lạ,huyện,huyen_la,99\n",
            "mã tỉnh không tồn tại",
        ),
        ("provinces_2025_34.csv", lambda text: text.encode("utf-16"), "không phải UTF-8"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message_and_changes_nothing(tmp_path, file_name, damage, message):
    folder = tmp_path / "units"
    shutil.copytree(default_dir(), folder)
    path = folder / file_name
    damaged = damage(path.read_text(encoding="utf-8"))
    if isinstance(damaged, bytes):
        path.write_bytes(damaged)
    else:
        path.write_text(damaged, encoding="utf-8")
    # Also change a name elsewhere: it must not be applied when the load is refused.
    other = folder / "legacy_provinces_63.csv"
    other.write_text(
        other.read_text(encoding="utf-8").replace("Tỉnh Hà Giang", "Tỉnh Hà Giang X"), encoding="utf-8"
    )
    with pytest.raises(ReferenceDataError, match=message):
        load_reference(folder)
    assert Unit.objects.filter(name="Tỉnh Hà Giang").exists()
    with pytest.raises(CommandError, match=message):
        call_command("load_units", dir=folder)


@pytest.mark.django_db
def test_a_fresh_load_builds_everything(django_db_blocker):
    from chiso.scores.models import ScoreSet

    ScoreSet.objects.all().delete()  # index results hold on to the units they are about
    UnitSuccession.objects.all().delete()
    UnitChange.objects.all().delete()
    Unit.objects.all().delete()
    report = load_reference()
    assert report.created == 14154
    assert report.changes_created == UnitChange.objects.count() > 3300
    assert report.edges_created == UnitSuccession.objects.count()
    assert report.notes  # the source's known gaps are reported, not hidden


@pytest.mark.django_db
def test_standard_bodies_are_created_from_the_template_once(tuyen_quang):
    from chiso.units.reference import create_bodies

    created = create_bodies(tuyen_quang, "province_2025")
    assert "Sở Nội vụ" in [u.name for u in created]
    assert create_bodies(tuyen_quang, "province_2025") == []
    so_noi_vu = Unit.objects.get(parent=tuyen_quang, name="Sở Nội vụ")
    assert so_noi_vu.kind == UnitKind.DEPARTMENT and so_noi_vu.level == "province"


@pytest.mark.django_db
def test_create_bodies_command(capsys):
    call_command("create_bodies", "vn:province:08", template="province_2025")
    assert "đã tạo 15 cơ quan" in capsys.readouterr().out
    call_command("create_bodies", "vn:province:08", template="province_2025")
    assert "đã tạo 0 cơ quan" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Không có mẫu"):
        call_command("create_bodies", "vn:province:08", template="khong-co")
    with pytest.raises(CommandError, match="Không tìm thấy đơn vị"):
        call_command("create_bodies", "Tỉnh Không Có", template="province_2025")
