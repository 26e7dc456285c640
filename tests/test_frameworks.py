"""Index frameworks: the reference loader, the catalog and criterion matching, the pages, the API
and the local-variant flow. Expected counts were checked by hand against
data/indices/papi_structure.csv and data/frameworks/other_frameworks.json."""

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from chiso.core.models import AuditEntry
from chiso.frameworks.catalog import catalog, clean_label, match_criterion, normalise_code, version_for
from chiso.frameworks.models import Criterion, CriterionLevel, Framework, FrameworkVersion, Verification
from chiso.frameworks.reference import load_frameworks
from chiso.units.models import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

DIM = CriterionLevel.DIMENSION
SUB = CriterionLevel.SUBDIMENSION


def papi(code: str) -> FrameworkVersion:
    return FrameworkVersion.objects.get(framework__code="PAPI", code=code)


def criterion(version: FrameworkVersion, code: str) -> Criterion:
    return Criterion.objects.get(version=version, code=code)


def counts(version: FrameworkVersion) -> tuple[int, int]:
    rows = Criterion.objects.filter(version=version)
    return rows.filter(level=DIM).count(), rows.filter(level=SUB).count()


# --- the loader -----------------------------------------------------------------------------


class TestPapiVersions:
    def test_three_structures_since_2018(self):
        versions = FrameworkVersion.objects.filter(framework__code="PAPI").order_by("year_from")
        assert [(v.code, v.year_from, v.year_to) for v in versions] == [
            ("2018", 2018, 2018),
            ("2019", 2019, 2020),
            ("2021", 2021, None),  # open-ended until a newer structure is entered
        ]
        assert [v.name for v in versions] == ["PAPI 2018", "PAPI 2019–2020", "PAPI từ 2021"]

    def test_2018_has_no_8_3_and_e_governance_sub_dimensions_worth_5(self):
        v = papi("2018")
        assert counts(v) == (8, 28)
        assert not Criterion.objects.filter(version=v, code="8.3").exists()
        assert criterion(v, "8.1").max_points == Decimal("5")
        assert criterion(v, "8.2").max_points == Decimal("5")
        assert criterion(v, "5.2").max_points == Decimal("2.5")

    def test_2019_2020_adds_8_3_and_keeps_5_2(self):
        v = papi("2019")
        assert counts(v) == (8, 29)
        assert criterion(v, "8.3").max_points == Decimal("3.33")
        assert criterion(v, "8.1").max_points == Decimal("3.33")
        assert criterion(v, "5.2").name_vi == "Thủ tục cấp phép xây dựng"
        # "2.5 / 3.33" without years takes the split of its sibling 5.1 (2.5 until 2020).
        assert criterion(v, "5.3").max_points == Decimal("2.5")
        assert criterion(v, "5.4").max_points == Decimal("2.5")

    def test_since_2021_5_2_dropped_and_administrative_procedures_worth_3_33(self):
        v = papi("2021")
        assert counts(v) == (8, 28)
        assert not Criterion.objects.filter(version=v, code="5.2").exists()
        for code in ("5.1", "5.3", "5.4"):
            assert criterion(v, code).max_points == Decimal("3.33")
        assert sorted(
            Criterion.objects.filter(version=v, parent__code="5").values_list("code", flat=True)
        ) == [
            "5.1",
            "5.3",
            "5.4",
        ]

    def test_tree_names_points_and_sources(self):
        v = papi("2021")
        d8 = criterion(v, "8")
        assert d8.name_vi == "Quản trị điện tử"
        assert d8.name_en == "E-Governance"
        assert d8.max_points == Decimal("10")
        assert d8.parent is None
        sub = criterion(v, "2.3")
        assert sub.parent.code == "2"
        assert sub.name_vi == "Công khai ngân sách cấp xã"
        assert sub.source == "papi.org.vn by-province pages"
        assert criterion(v, "1.2").name_en == "Opportunities for Participation (in Elections)"
        assert not Criterion.objects.filter(version__framework__code="PAPI", source="").exists()

    def test_unverified_wording_is_flagged_not_kept_in_the_name(self):
        c = criterion(papi("2021"), "8.3")
        assert c.name_vi == "Mức độ phản hồi của chính quyền qua kênh điện tử"
        assert c.verification == Verification.UNVERIFIED
        assert "NOT verified" in c.note
        assert criterion(papi("2021"), "2.4").verification == Verification.PARTLY  # "VI wording approximate"

    def test_version_note_says_what_changed(self):
        note = papi("2021").note
        assert "8 chỉ số nội dung, 28 nội dung thành phần" in note
        assert "bỏ 5.2" in note
        assert "5.1 (2,5 → 3,33)" in note


class TestOtherFrameworks:
    def test_par_index_fields_with_unknown_points(self):
        version = FrameworkVersion.objects.get(framework__code="PAR-INDEX")
        assert (version.year_from, version.year_to, version.verification) == (2024, None, Verification.PARTLY)
        rows = Criterion.objects.filter(version=version)
        assert rows.count() == 8
        assert not rows.filter(max_points__isnull=False).exists()
        assert set(rows.values_list("verification", flat=True)) == {Verification.UNVERIFIED}
        assert rows.get(code="3").name_vi == "Cải cách thủ tục hành chính"
        assert "43 tiêu chí, 95 tiêu chí thành phần" in version.note

    def test_sipas_pci_ddci(self):
        sipas = {v.code: v for v in FrameworkVersion.objects.filter(framework__code="SIPAS")}
        assert (sipas["2017"].year_from, sipas["2017"].year_to) == (2017, 2021)
        assert Criterion.objects.filter(version=sipas["2017"]).count() == 5
        assert counts(sipas["2022"]) == (2, 14)
        pci = Criterion.objects.filter(version__framework__code="PCI")
        assert pci.count() == 10
        assert set(pci.values_list("max_points", flat=True)) == {Decimal("10")}
        assert not pci.filter(weight__isnull=False).exists()
        assert Criterion.objects.filter(version__framework__code="DDCI-DONG-THAP").count() == 9
        assert Framework.objects.get(code="DDCI-DONG-THAP").kind == Framework.Kind.DDCI

    def test_every_criterion_cites_a_source(self):
        assert not Criterion.objects.filter(version__framework__owner__isnull=True, source="").exists()


class TestReload:
    def test_second_run_creates_and_changes_nothing(self):
        before = (Framework.objects.count(), FrameworkVersion.objects.count(), Criterion.objects.count())
        audits = AuditEntry.objects.count()
        report = load_frameworks()
        assert report.created == {"framework": 0, "version": 0, "criterion": 0}
        assert report.updated == {"framework": 0, "version": 0, "criterion": 0}
        assert report.unchanged == {"framework": 5, "version": 8, "criterion": 157}
        assert (
            Framework.objects.count(),
            FrameworkVersion.objects.count(),
            Criterion.objects.count(),
        ) == before
        assert AuditEntry.objects.count() == audits

    def test_reload_repairs_a_changed_value_with_one_audited_update(self):
        c = criterion(papi("2021"), "7.2")
        Criterion.objects.filter(pk=c.pk).update(name_vi="Sai tên", max_points=Decimal("9"))
        report = load_frameworks()
        assert report.updated["criterion"] == 1
        c.refresh_from_db()
        assert (c.name_vi, c.max_points) == ("Chất lượng không khí", Decimal("3.33"))
        entry = AuditEntry.objects.filter(object_id=str(c.pk), note="load_frameworks").latest("id")
        assert entry.changes["name_vi"] == ["Sai tên", "Chất lượng không khí"]

    def test_points_entered_by_an_admin_survive_a_reload(self):
        c = Criterion.objects.get(version__framework__code="PAR-INDEX", code="1")
        Criterion.objects.filter(pk=c.pk).update(max_points=Decimal("13"))
        v2021 = papi("2021")
        FrameworkVersion.objects.filter(pk=v2021.pk).update(year_to=2025)  # a newer structure entered
        load_frameworks()
        c.refresh_from_db()
        v2021.refresh_from_db()
        assert c.max_points == Decimal("13")
        assert v2021.year_to == 2025

    def test_command_prints_a_summary(self, capsys):
        call_command("load_frameworks")
        assert "Tiêu chí: 0 tạo mới, 0 cập nhật, 157 không đổi" in capsys.readouterr().out


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A copy of the data files laid out like data/: frameworks/ and indices/papi_structure.csv."""
    shutil.copytree(settings.DATA_DIR / "frameworks", tmp_path / "frameworks")
    (tmp_path / "indices").mkdir()
    shutil.copy(settings.DATA_DIR / "indices" / "papi_structure.csv", tmp_path / "indices")
    return tmp_path / "frameworks"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


class TestMalformedFiles:
    def _snapshot(self):
        return (
            Criterion.objects.count(),
            AuditEntry.objects.count(),
            Criterion.objects.get(version=papi("2021"), code="1").name_vi,
        )

    def test_bad_year_in_the_csv_names_file_and_line(self, data_copy):
        csv_path = data_copy.parent / "indices" / "papi_structure.csv"
        _replace(
            csv_path,
            "Civic Knowledge,Tri thức công dân,2011-2024",
            "Civic Knowledge,Tri thức công dân,2011-20x4",
        )
        before = self._snapshot()
        with pytest.raises(CommandError) as exc:
            call_command("load_frameworks", dir=data_copy)
        assert "papi_structure.csv, dòng 3" in str(exc.value)
        assert "năm sử dụng “2011-20x4” không hợp lệ" in str(exc.value)
        assert self._snapshot() == before

    def test_a_bad_json_item_changes_nothing_even_when_the_csv_is_fine(self, data_copy):
        # A valid change in the CSV, and a criterion without a name in the JSON: nothing is written.
        csv_path = data_copy.parent / "indices" / "papi_structure.csv"
        _replace(csv_path, "Tham gia của người dân ở cấp cơ sở", "Tham gia của người dân (đổi tên)")
        json_path = data_copy / "other_frameworks.json"
        _replace(json_path, '"name_vi": "Cải cách chế độ công vụ", ', "")
        line = next(
            n
            for n, text in enumerate(json_path.read_text(encoding="utf-8").splitlines(), start=1)
            if '"code": "5", "level": "dimension", "max_points": null' in text
        )
        before = self._snapshot()
        with pytest.raises(CommandError) as exc:
            call_command("load_frameworks", dir=data_copy)
        assert f"other_frameworks.json, dòng {line}: thiếu trường “name_vi”" in str(exc.value)
        assert self._snapshot() == before

    def test_json_syntax_error_names_the_line(self, data_copy):
        json_path = data_copy / "other_frameworks.json"
        _replace(json_path, '"short_name": "SIPAS",', '"short_name": "SIPAS"')
        with pytest.raises(CommandError) as exc:
            call_command("load_frameworks", dir=data_copy)
        assert "other_frameworks.json, dòng" in str(exc.value)
        assert "JSON không hợp lệ" in str(exc.value)

    def test_unknown_key_is_refused(self, data_copy):
        json_path = data_copy / "other_frameworks.json"
        _replace(json_path, '"max_points": 10, "weight": null', '"max_point": 10, "weight": null')
        with pytest.raises(CommandError, match="trường không nhận biết: max_point"):
            call_command("load_frameworks", dir=data_copy)

    def test_several_scores_without_years_and_no_sibling_to_borrow_from(self, data_copy):
        csv_path = data_copy.parent / "indices" / "papi_structure.csv"
        _replace(csv_path, "2011-2024,2.5 (2011-2020) / 3.33 (2021-)", "2011-2024,2.5 / 3.33")
        with pytest.raises(CommandError) as exc:
            call_command("load_frameworks", dir=data_copy)
        assert "papi_structure.csv, dòng 22" in str(exc.value)  # 5.1's line; 5.3 borrowed from it
        assert "không ghi năm" in str(exc.value)


# --- catalog and matching -------------------------------------------------------------------


class TestCatalog:
    def test_version_applying_to_a_year(self):
        assert version_for("PAPI", 2018).code == "2018"
        assert version_for("papi", 2020).code == "2019"
        assert version_for("PAPI", 2030).code == "2021"
        assert version_for("PAPI", None).code == "2021"
        assert version_for("PAPI", 2017) is None
        assert version_for("PAR INDEX", 2024).framework.code == "PAR-INDEX"
        assert version_for("SIPAS", 2020).code == "2017"
        assert version_for("nonexistent", 2024) is None

    def test_entries(self):
        entries = catalog("PAPI", 2021)
        assert len(entries) == 36
        assert [e.code for e in entries[:3]] == ["1", "1.1", "1.2"]
        e83 = next(e for e in entries if e.code == "8.3")
        assert (e83.parent_code, e83.level, e83.max_points) == ("8", SUB, Decimal("3.33"))
        assert e83.folded == "muc do phan hoi cua chinh quyen qua kenh dien tu"
        assert "8.3" not in {e.code for e in catalog("PAPI", 2018)}
        assert catalog("PAPI", 2015) == []
        assert len(catalog("PAR_INDEX", 2025)) == 8

    def test_label_cleaning(self):
        assert normalise_code("D4") == "4"
        assert normalise_code("4.5.") == "4.5"
        assert clean_label("a) Tri thức công dân") == "tri thuc cong dan"
        assert clean_label("1.8. Nội dung “Quản trị điện tử”") == "quan tri dien tu"


class TestMatchCriterion:
    def test_names_as_a_district_plan_prints_them(self):
        v = papi("2021")
        # Vị Xuyên 2021 prints sub-dimensions in its own words, and numbers 4.4 as 4.5.
        assert match_criterion(v, "2.3", "Công khai thu, chi ngân sách cấp xã").code == "2.3"
        assert match_criterion(v, "3.2", "Giải đáp khiếu nại, tố cáo, khúc mắc của người dân").code == "3.2"
        assert match_criterion(v, "4.5", "Quyết tâm phòng chống tham nhũng của chính quyền").code == "4.4"
        assert match_criterion(v, "4.4", "Công bằng trong tuyển dụng vào khu vực công").code == "4.3"
        assert match_criterion(v, "7.1", "Nghiêm túc trong bảo vệ môi trường").code == "7.1"
        assert match_criterion(v, "8.3", "Phúc đáp của chính quyền qua cổng Thông tin điện tử").code == "8.3"
        assert match_criterion(v, "", "Cơ sở hạ tầng căn bản ( Giao thông )").code == "6.3"

    def test_a_commune_plan_with_its_own_dimension_2(self):
        v = papi("2021")
        # Nguyễn Trãi 2024 inserts "Việc thực hiện dân chủ…" as 2 and shifts PAPI 2..8 to 3..9.
        assert match_criterion(v, "2", "Việc thực hiện dân chủ trong hoạt động của cơ quan, đơn vị") is None
        assert match_criterion(v, "3", "Công khai, minh bạch trong việc ra quyết định").code == "2"
        assert match_criterion(v, "4", "Trách nhiệm giải trình với người dân").code == "3"
        assert (
            match_criterion(v, "", "d) Quyết tâm chống tham nhũng của chính quyền địa phương").code == "4.4"
        )
        assert match_criterion(v, "1.8", "Nội dung “Quản trị điện tử”").code == "8"

    def test_code_alone_and_dropped_sub_dimension(self):
        assert match_criterion(papi("2021"), "D8", None).code == "8"
        assert match_criterion(papi("2021"), "9.9", None) is None
        label = "Dịch vụ hành chính cấp phép xây dựng"
        assert match_criterion(papi("2021"), "5.2", label) is None  # dropped from 2021
        assert match_criterion(papi("2019"), "5.2", label).code == "5.2"

    def test_level_restricts_the_candidates(self):
        assert match_criterion(papi("2021"), "8", "Quản trị điện tử", level=DIM).code == "8"
        assert match_criterion(papi("2021"), "8", "Quản trị điện tử", level=SUB) is None


# --- pages ----------------------------------------------------------------------------------


@pytest.fixture
def custom_framework(tuyen_quang):
    framework = Framework.objects.create(
        code="TQ-CCHC",
        kind=Framework.Kind.CUSTOM,
        short_name="CCHC Tuyên Quang",
        name_vi="Bộ chỉ số CCHC sở, ngành",
        owner=tuyen_quang,
    )
    version = FrameworkVersion.objects.create(
        framework=framework, code="2025", name="CCHC 2025", year_from=2025
    )
    Criterion.objects.create(
        version=version, level=DIM, code="1", name_vi="Quản trị điện tử nội bộ", position=10
    )
    return framework


def login(client, user):
    client.force_login(user)
    return client


class TestPages:
    def test_list_shows_national_and_own_custom_frameworks(self, client, coordinator, custom_framework):
        response = login(client, coordinator).get(reverse("framework-list"))
        assert response.status_code == 200
        body = response.content.decode()
        for text in (
            "PAPI",
            "PAR INDEX",
            "SIPAS",
            "CCHC Tuyên Quang",
            "PAPI từ 2021",
            "Tạo bộ chỉ số tự xây dựng",
        ):
            assert text in body

    def test_outsider_gets_404_for_another_units_custom_framework(self, client, outsider, custom_framework):
        login(client, outsider)
        body = client.get(reverse("framework-list")).content.decode()
        assert "CCHC Tuyên Quang" not in body
        assert "Tạo bộ chỉ số tự xây dựng" not in body  # an officer coordinates nothing
        version = custom_framework.versions.get()
        assert client.get(reverse("framework-detail", args=[custom_framework.pk])).status_code == 404
        assert client.get(reverse("version-detail", args=[version.pk])).status_code == 404
        crit = version.criteria.get()
        assert client.get(reverse("criterion-edit", args=[crit.pk])).status_code == 404
        assert client.post(reverse("criterion-delete", args=[crit.pk])).status_code == 404
        assert (
            client.get(reverse("framework-list"), {"q": "quan tri dien tu noi bo"})
            .content.decode()
            .count("Quản trị điện tử nội bộ")
            == 0
        )

    def test_commune_officer_reads_the_provinces_framework_but_cannot_change_it(
        self, client, officer, custom_framework
    ):
        login(client, officer)
        version = custom_framework.versions.get()
        assert client.get(reverse("framework-detail", args=[custom_framework.pk])).status_code == 200
        assert client.get(reverse("version-detail", args=[version.pk])).status_code == 200
        assert client.get(reverse("criterion-create", args=[version.pk])).status_code == 403
        assert client.get(reverse("framework-create")).status_code == 403
        assert client.get(reverse("version-variant", args=[papi("2021").pk])).status_code == 403

    def test_version_page_shows_the_tree(self, client, officer):
        response = login(client, officer).get(reverse("version-detail", args=[papi("2018").pk]))
        body = response.content.decode()
        assert "Quản trị điện tử" in body and "Tri thức công dân" in body
        assert "8 chỉ số nội dung / lĩnh vực, 36 tiêu chí tất cả" in body
        assert "Sửa" not in body  # nobody but superusers edits a national version

    def test_search_without_accents(self, client, officer):
        login(client, officer)
        response = client.get(
            reverse("criterion-search"), {"q": "quan tri dien tu"}, headers={"HX-Request": "true"}
        )
        body = response.content.decode()
        assert "Quản trị điện tử" in body
        assert "<html" not in body  # the htmx fragment only
        assert "HX-Request" in response["Vary"]
        full = client.get(reverse("framework-list"), {"q": "QUAN TRI dien tu"}).content.decode()
        assert "Quản trị điện tử" in full and "<html" in full
        tree = client.get(
            reverse("version-detail", args=[papi("2021").pk]),
            {"q": "cong khai"},
            headers={"HX-Request": "true"},
        )
        text = tree.content.decode()
        assert "Công khai ngân sách cấp xã" in text and "Tri thức công dân" not in text

    def test_coordinator_creates_a_custom_framework(self, client, coordinator, tuyen_quang):
        login(client, coordinator)
        response = client.post(
            reverse("framework-create"),
            {
                "owner": tuyen_quang.pk,
                "short_name": "DDCI Tuyên Quang",
                "name_vi": "Chỉ số DDCI tỉnh Tuyên Quang",
            },
        )
        framework = Framework.objects.get(short_name="DDCI Tuyên Quang")
        assert response.status_code == 302
        assert (framework.kind, framework.owner) == (Framework.Kind.CUSTOM, tuyen_quang)
        assert framework.code == f"DDCI-TUYEN-QUANG-{tuyen_quang.pk}"
        assert AuditEntry.objects.filter(
            object_id=str(framework.pk), actor=coordinator, action="create"
        ).exists()
        response = client.post(
            reverse("version-create", args=[framework.pk]),
            {"code": "2025", "name": "DDCI 2025", "year_from": "2025", "year_to": "2024"},
        )
        assert "Năm kết thúc phải không nhỏ hơn năm bắt đầu." in response.content.decode()
        assert not framework.versions.exists()

    def test_owner_outside_the_coordinators_units_is_refused(self, client, coordinator):
        login(client, coordinator)
        cao_bang = Framework._meta.get_field("owner").related_model.objects.get(ref="vn:province:04")
        response = client.post(
            reverse("framework-create"), {"owner": cao_bang.pk, "short_name": "X", "name_vi": "X"}
        )
        assert response.status_code == 200
        assert "Bạn không điều phối đơn vị này." in response.content.decode()
        assert not Framework.objects.filter(short_name="X").exists()

    def test_superuser_enters_par_index_points_and_others_may_not(self, client, superuser, coordinator):
        field = Criterion.objects.get(version__framework__code="PAR-INDEX", code="1")
        url = reverse("criterion-edit", args=[field.pk])
        assert login(client, coordinator).post(url, {"max_points": "13"}).status_code == 403
        client.force_login(superuser)
        response = client.post(url, {"max_points": "abc"})
        assert "Vui lòng nhập một số" in response.content.decode()
        response = client.post(url, {"max_points": "13,5", "weight": ""})
        assert response.status_code == 302
        field.refresh_from_db()
        assert field.max_points == Decimal("13.5")
        entry = AuditEntry.objects.filter(object_id=str(field.pk), actor=superuser).latest("id")
        assert entry.changes == {"max_points": [None, "13.5"]}


class TestVariantFlow:
    def test_commune_plan_inserts_its_own_dimension(self, client, coordinator, tuyen_quang, officer):
        base = papi("2021")
        login(client, coordinator)
        response = client.post(
            reverse("version-variant", args=[base.pk]),
            {"owner": tuyen_quang.pk, "name": "PAPI Tuyên Quang 2025"},
        )
        variant = FrameworkVersion.objects.get(name="PAPI Tuyên Quang 2025")
        assert response.status_code == 302 and response["Location"] == reverse(
            "version-detail", args=[variant.pk]
        )
        assert (variant.based_on, variant.owner, variant.framework) == (base, tuyen_quang, base.framework)
        copies = Criterion.objects.filter(version=variant)
        assert copies.count() == 36
        assert not copies.filter(based_on__isnull=True).exists()
        assert copies.get(code="2.3").based_on == criterion(base, "2.3")
        assert copies.get(code="2.3").parent == copies.get(code="2")

        # A local dimension between 1 and 2, then a sub-dimension under it.
        url = reverse("criterion-create", args=[variant.pk])
        response = client.post(
            url, {"level": DIM, "code": "1", "name_vi": "Dân chủ trong cơ quan", "position": "15"}
        )
        assert "Mã “1” đã có trong phiên bản này." in response.content.decode()
        client.post(
            url,
            {
                "level": DIM,
                "code": "L",
                "name_vi": "Việc thực hiện dân chủ trong hoạt động của cơ quan, đơn vị",
                "position": "15",
                "max_points": "10",
            },
        )
        local = copies.get(code="L")
        response = client.post(
            url,
            {
                "parent": local.pk,
                "level": DIM,
                "code": "L.1",
                "name_vi": "Ban hành nội quy",
                "position": "10",
            },
        )
        assert "Cấp của tiêu chí phải thấp hơn cấp của tiêu chí cha" in response.content.decode()
        client.post(
            url,
            {
                "parent": local.pk,
                "level": SUB,
                "code": "L.1",
                "name_vi": "Ban hành nội quy, quy chế",
                "position": "10",
            },
        )
        assert copies.count() == 38

        # Renumber: the local dimension becomes 2, PAPI 2..8 become 3..9; links to PAPI stay.
        client.post(reverse("version-renumber", args=[variant.pk]))
        assert copies.get(pk=local.pk).code == "2"
        assert copies.get(name_vi="Ban hành nội quy, quy chế").code == "2.1"
        assert copies.get(code="9").based_on == criterion(base, "8")
        assert copies.get(code="3.3").based_on == criterion(base, "2.3")
        assert (
            match_criterion(variant, "2", "Việc thực hiện dân chủ trong hoạt động của cơ quan, đơn vị").pk
            == local.pk
        )

        # Edit points of its own variant; remove a dimension with its sub-dimensions.
        d9 = copies.get(code="9")
        client.post(
            reverse("criterion-edit", args=[d9.pk]),
            {"level": DIM, "code": "9", "name_vi": d9.name_vi, "position": d9.position, "max_points": "12"},
        )
        d9.refresh_from_db()
        assert d9.max_points == Decimal("12")
        client.post(reverse("criterion-delete", args=[copies.get(code="8").pk]))
        assert copies.count() == 38 - 4  # dimension 7 (Quản trị môi trường) with 3 sub-dimensions

        # The national version is untouched, the commune officer reads the variant but cannot edit it.
        assert counts(base) == (8, 28)
        assert criterion(base, "8").max_points == Decimal("10")
        client.force_login(officer)
        assert client.get(reverse("version-detail", args=[variant.pk])).status_code == 200
        assert client.post(reverse("version-renumber", args=[variant.pk])).status_code == 403
        assert AuditEntry.objects.filter(actor=coordinator, note="đánh số lại").count() >= 9


# --- API ------------------------------------------------------------------------------------


class TestApi:
    def test_read_filters(self, client, officer):
        login(client, officer)
        data = client.get(
            "/api/criteria/", {"framework": "PAPI", "year": 2021, "level": SUB, "limit": 100}
        ).json()
        assert data["count"] == 28
        data = client.get(
            "/api/criteria/", {"framework": "papi", "year": 2018, "q": "quan tri dien tu"}
        ).json()
        assert [row["code"] for row in data["results"]] == ["8"]
        versions = client.get("/api/framework-versions/", {"framework": "PAPI", "year": 2020}).json()
        assert [v["code"] for v in versions["results"]] == ["2019"]
        frameworks = client.get("/api/frameworks/", {"national": "true"}).json()
        assert frameworks["count"] == 5

    def test_outsider_gets_404_for_another_units_framework(self, client, outsider, custom_framework):
        login(client, outsider)
        version = custom_framework.versions.get()
        assert client.get(f"/api/frameworks/{custom_framework.pk}/").status_code == 404
        assert client.get(f"/api/framework-versions/{version.pk}/").status_code == 404
        crit = version.criteria.get()
        assert client.get(f"/api/criteria/{crit.pk}/").status_code == 404
        assert client.delete(f"/api/criteria/{crit.pk}/").status_code == 404
        assert client.get("/api/criteria/", {"framework": "TQ-CCHC"}).json()["count"] == 0

    def test_anonymous_is_refused(self, client):
        assert client.get("/api/frameworks/").status_code in (401, 403)

    def test_write_permissions(self, client, coordinator, superuser, custom_framework):
        version = custom_framework.versions.get()
        login(client, coordinator)
        response = client.post(
            "/api/criteria/",
            {
                "version": version.pk,
                "parent": version.criteria.get().pk,
                "level": SUB,
                "code": "1.1",
                "name_vi": "Cổng dịch vụ công",
            },
            content_type="application/json",
        )
        assert response.status_code == 201, response.json()
        national = Criterion.objects.get(version__framework__code="PAR-INDEX", code="2")
        response = client.patch(
            f"/api/criteria/{national.pk}/", {"max_points": "11"}, content_type="application/json"
        )
        assert response.status_code == 403
        client.force_login(superuser)
        response = client.patch(
            f"/api/criteria/{national.pk}/", {"max_points": "11"}, content_type="application/json"
        )
        assert response.status_code == 200 and response.json()["max_points"] == "11.00"
        response = client.patch(
            f"/api/criteria/{national.pk}/", {"name_vi": "Đổi tên"}, content_type="application/json"
        )
        assert response.status_code == 400
        national.refresh_from_db()
        assert national.name_vi.startswith("Cải cách thể chế")

    def test_variant_action(self, client, coordinator, tuyen_quang, outsider):
        base = papi("2021")
        login(client, coordinator)
        response = client.post(
            f"/api/framework-versions/{base.pk}/variant/",
            {"owner": tuyen_quang.pk, "name": "PAPI TQ"},
            content_type="application/json",
        )
        assert response.status_code == 201
        assert response.json()["based_on"] == base.pk
        assert Criterion.objects.filter(version_id=response.json()["id"]).count() == 36
        client.force_login(outsider)
        response = client.post(
            f"/api/framework-versions/{base.pk}/variant/",
            {"owner": tuyen_quang.pk, "name": "PAPI TQ 2"},
            content_type="application/json",
        )
        assert response.status_code == 404

    def test_page_url_names_are_not_taken_by_the_api(self):
        assert reverse("framework-list") == "/frameworks/"
        assert reverse("framework-api-list") == "/api/frameworks/"

    def test_schema_lists_the_endpoints(self, client, officer):
        login(client, officer)
        response = client.get("/api/schema/", {"format": "json"})
        assert response.status_code == 200
        paths = response.json()["paths"]
        assert "/api/criteria/" in paths and "/api/framework-versions/{id}/variant/" in paths


class TestAdmin:
    def test_admin_save_is_audited(self, client, superuser):
        login(client, superuser)
        c = Criterion.objects.get(version__framework__code="PCI", code="1")
        assert client.get(reverse("admin:frameworks_criterion_changelist")).status_code == 200
        assert (
            client.get(
                reverse("admin:frameworks_framework_change", args=[c.version.framework_id])
            ).status_code
            == 200
        )
        response = client.get(reverse("admin:frameworks_criterion_change", args=[c.pk]))
        assert response.status_code == 200
        form = response.context["adminform"].form
        data = {name: ("" if value is None else value) for name, value in form.initial.items()}
        data.update({"weight": "0.1", "version": c.version_id, "parent": "", "based_on": ""})
        response = client.post(reverse("admin:frameworks_criterion_change", args=[c.pk]), data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        entry = AuditEntry.objects.filter(object_id=str(c.pk), note="admin").latest("id")
        assert entry.changes["weight"] == [None, "0.1"]


def test_role_without_coordination_cannot_own(db, commune):
    leader = make_user("lanhdao", commune, Role.LEADER)
    from chiso.frameworks.services import coordinated_units

    assert not coordinated_units(leader).exists()


def test_source_links_escape_and_link_only_full_addresses():
    from chiso.frameworks.templatetags.framework_tags import source_links

    html = source_links("<b>papi.org.vn</b>; xem https://example.org/a?b=1, trang 2")
    assert "&lt;b&gt;papi.org.vn&lt;/b&gt;" in html
    assert '<a href="https://example.org/a?b=1" rel="noopener noreferrer" target="_blank">' in html
    assert html.endswith(", trang 2")


class TestQueryCounts:
    """List pages stay at a fixed number of queries however many frameworks and criteria exist."""

    def test_framework_list(self, client, coordinator, custom_framework, django_assert_max_num_queries):
        login(client, coordinator)
        client.get(reverse("framework-list"))  # warm the session
        with django_assert_max_num_queries(13):
            assert client.get(reverse("framework-list"), {"q": "cong khai"}).status_code == 200

    def test_version_detail(self, client, coordinator, django_assert_max_num_queries):
        login(client, coordinator)
        client.get(reverse("framework-list"))
        with django_assert_max_num_queries(13):
            assert client.get(reverse("version-detail", args=[papi("2019").pk])).status_code == 200

    def test_new_criterion_is_placed_after_its_siblings(self, client, coordinator, custom_framework):
        login(client, coordinator)
        version = custom_framework.versions.get()
        form = client.get(reverse("criterion-create", args=[version.pk])).context["form"]
        assert form.initial["position"] == 20
        parent = version.criteria.get()
        form = client.get(reverse("criterion-create", args=[version.pk]), {"parent": parent.pk}).context[
            "form"
        ]
        assert (form.initial["position"], form.initial["level"]) == (10, SUB)
