"""The permission rule: a user acts for their units' subtrees and the history those absorbed, nothing else."""

import pytest
from django.urls import reverse

from chiso.units.models import Unit
from chiso.units.scope import ADMINISTER, COORDINATE, EDIT, VIEW, can, unit_scope

pytestmark = pytest.mark.django_db


def test_province_coordinator_sees_the_old_provinces_and_districts_it_absorbed(
    coordinator, tuyen_quang, ha_giang_old, vi_xuyen_old, commune
):
    scope = unit_scope(coordinator, VIEW)
    assert tuyen_quang.pk in scope and commune.pk in scope
    assert ha_giang_old.pk in scope
    assert vi_xuyen_old.pk in scope
    old_commune = Unit.objects.get(ref="vn-pre2025:commune:00913")  # Thị trấn Vị Xuyên
    assert old_commune.pk in scope
    assert Unit.objects.get(ref="vn:province:04").pk not in scope  # Cao Bằng
    assert Unit.objects.get(ref="vn-pre2025:province:06").pk not in scope  # Bắc Kạn went to Thái Nguyên
    assert can(coordinator, COORDINATE, commune)
    assert not can(coordinator, ADMINISTER, commune)


def test_commune_officer_sees_only_their_commune_and_its_predecessors(
    officer, commune, other_commune, tuyen_quang
):
    scope = unit_scope(officer, VIEW)
    assert commune.pk in scope
    assert other_commune.pk not in scope
    assert tuyen_quang.pk not in scope
    predecessors = set(Unit.objects.filter(successions__successor=commune).values_list("pk", flat=True))
    assert predecessors and predecessors <= scope.ids
    assert can(officer, EDIT, commune) and not can(officer, COORDINATE, commune)


def test_anonymous_and_inactive_users_see_nothing(officer, commune):
    from django.contrib.auth.models import AnonymousUser

    assert commune.pk not in unit_scope(AnonymousUser())
    officer.is_active = False
    officer.save()
    officer.__dict__.pop("_chiso_scopes", None)
    assert commune.pk not in unit_scope(officer)


def test_officer_gets_404_for_another_communes_page(client, officer, commune, other_commune):
    client.force_login(officer)
    assert client.get(reverse("unit-detail", args=[commune.pk])).status_code == 200
    response = client.get(reverse("unit-detail", args=[other_commune.pk]))
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_officer_gets_404_for_another_commune_in_the_api(client, officer, commune, other_commune):
    client.force_login(officer)
    assert client.get(f"/api/units/{commune.pk}/").status_code == 200
    response = client.get(f"/api/units/{other_commune.pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy đối tượng hoặc bạn không có quyền xem."}
    ids = {row["id"] for row in client.get("/api/units/?limit=1000").json()["results"]}
    assert commune.pk in ids and other_commune.pk not in ids


def test_search_never_leaks_units_outside_the_scope(client, officer, other_commune):
    client.force_login(officer)
    response = client.get(reverse("unit-list"), {"q": other_commune.name})
    assert f">{other_commune.name}</a>" not in response.content.decode()
    assert "Không tìm thấy đơn vị nào." in response.content.decode()
    api = client.get("/api/units/", {"q": other_commune.name}).json()
    assert api["count"] == 0


def test_outsider_cannot_read_the_province(client, outsider, tuyen_quang):
    client.force_login(outsider)
    assert client.get(reverse("unit-detail", args=[tuyen_quang.pk])).status_code == 404
    assert client.get(f"/api/units/{tuyen_quang.pk}/").status_code == 404


def test_anonymous_user_is_sent_to_sign_in_and_api_refuses(client, commune):
    response = client.get(reverse("unit-detail", args=[commune.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    api = client.get(f"/api/units/{commune.pk}/")
    assert api.status_code in (401, 403)
    assert "detail" in api.json()


def test_officer_cannot_create_units_through_the_api(client, officer, commune):
    client.force_login(officer)
    response = client.post("/api/units/", {"name": "Thôn Mới", "kind": "village", "parent": commune.pk})
    assert response.status_code == 403
    assert not Unit.objects.filter(name="Thôn Mới").exists()


def test_unit_admin_creates_a_village_through_the_api_and_it_is_audited(client, commune):
    from chiso.core.models import AuditEntry
    from tests.conftest import make_user

    admin = make_user("admin.xa", commune, "admin")
    client.force_login(admin)
    response = client.post(
        "/api/units/",
        {"name": "Thôn Nậm Ngặt", "kind": "village", "parent": commune.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    village = Unit.objects.get(name="Thôn Nậm Ngặt")
    entry = AuditEntry.objects.get(object_id=str(village.pk), action="create")
    assert entry.actor == admin and entry.changes["name"] == [None, "Thôn Nậm Ngặt"]


def test_malformed_api_request_gets_a_json_error_and_changes_nothing(client, superuser, commune):
    client.force_login(superuser)
    count = Unit.objects.count()
    response = client.post("/api/units/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()
    response = client.post(
        "/api/units/", {"name": "", "kind": "không có", "parent": commune.pk}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Dữ liệu gửi lên không hợp lệ." and {"name", "kind"} <= set(body["errors"])
    assert Unit.objects.count() == count
