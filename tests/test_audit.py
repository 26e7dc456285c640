"""Every change to units and memberships is kept: who, when, what, before and after."""

import pytest
from django.urls import reverse

from chiso.core.audit import delete_audited, history, save_audited
from chiso.core.models import AuditEntry
from chiso.units.models import Membership, Role, Unit

pytestmark = pytest.mark.django_db


def test_create_update_delete_are_recorded_with_before_and_after(superuser, commune):
    village = Unit(name="Thôn Bản Mới", kind="village", parent=commune)
    save_audited(village, superuser)
    village.name = "Thôn Bản Mới Hai"
    save_audited(village, superuser)
    assert save_audited(village, superuser) is None  # nothing changed, nothing written
    pk = village.pk
    delete_audited(village, superuser)

    entries = list(AuditEntry.objects.filter(object_id=str(pk)).order_by("id"))
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert all(e.actor == superuser for e in entries)
    assert entries[0].changes["parent"] == [None, commune.pk]
    assert entries[1].changes == {"name": ["Thôn Bản Mới", "Thôn Bản Mới Hai"]}
    assert entries[2].changes["name"] == ["Thôn Bản Mới Hai", None]


def test_a_failed_change_leaves_no_audit_entry(superuser, commune):
    from django.db import IntegrityError, transaction

    count = AuditEntry.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        save_audited(Unit(name="Thôn A", kind="village", parent=commune, ref="x"), superuser)
        save_audited(Unit(name="Thôn B", kind="village", parent=commune, ref="x"), superuser)
    assert AuditEntry.objects.count() == count
    assert not Unit.objects.filter(name__in=["Thôn A", "Thôn B"]).exists()


def test_admin_site_changes_are_audited(client, superuser, commune):
    client.force_login(superuser)
    url = reverse("admin:units_unit_change", args=[commune.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update({"name": "Xã Vị Xuyên (sửa)", "parent": commune.parent_id, "memberships-TOTAL_FORMS": "0"})
    data.pop("ref", None)
    for key in ["valid_from", "valid_to"]:
        data[key] = data.get(key) or ""
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = history(commune).first()
    assert entry.actor == superuser and entry.changes["name"] == ["Xã Vị Xuyên", "Xã Vị Xuyên (sửa)"]


def test_membership_changes_are_audited_through_the_admin(client, superuser, commune, officer):
    client.force_login(superuser)
    membership = Membership.objects.get(user=officer)
    url = reverse("admin:units_membership_change", args=[membership.pk])
    response = client.post(
        url, {"user": officer.pk, "unit": commune.pk, "role": Role.LEADER, "title": "Chủ tịch"}
    )
    assert response.status_code == 302
    entry = history(membership).first()
    assert entry.changes["role"] == ["officer", "leader"]


def test_audit_log_page_is_for_admins_only(client, superuser, officer, commune):
    save_audited(Unit(name="Thôn Nhật Ký", kind="village", parent=commune), superuser)
    client.force_login(officer)
    assert client.get(reverse("audit-log")).status_code == 403
    client.force_login(superuser)
    page = client.get(reverse("audit-log"))
    assert page.status_code == 200 and "Thôn Nhật Ký" in page.content.decode()


def test_unit_admin_sees_the_history_of_their_units_only(client, commune, other_commune, superuser):
    from tests.conftest import make_user

    save_audited(Unit(name="Thôn Của Tôi", kind="village", parent=commune), superuser)
    save_audited(Unit(name="Thôn Nơi Khác", kind="village", parent=other_commune), superuser)
    admin = make_user("qt.xa", commune, Role.ADMIN)
    client.force_login(admin)
    content = client.get(reverse("audit-log")).content.decode()
    assert "Thôn Của Tôi" in content and "Thôn Nơi Khác" not in content


def test_file_fields_are_audited_by_their_stored_name():
    from chiso.core.audit import snapshot
    from chiso.reporting.models import Evidence

    values = snapshot(Evidence(file="reporting/evidence/2026/abc.pdf", file_name="QĐ 12.pdf"))
    assert values["file"] == "reporting/evidence/2026/abc.pdf" and values["file_name"] == "QĐ 12.pdf"
    assert snapshot(Evidence())["file"] is None


def test_unit_admins_find_the_audit_log_in_the_menu(client, commune):
    from tests.conftest import make_user

    client.force_login(make_user("qt.menu", commune, Role.ADMIN))
    assert reverse("audit-log") in client.get(reverse("home")).content.decode()
    client.force_login(make_user("cb.menu", commune, Role.OFFICER))
    assert reverse("audit-log") not in client.get(reverse("home")).content.decode()
