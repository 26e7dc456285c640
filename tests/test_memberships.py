"""Unit admins give people roles in their units; every change is audited."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from chiso.core.models import AuditEntry
from chiso.units.models import Membership, Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune_admin(commune):
    return make_user("qt.xa", commune, Role.ADMIN)


def test_admin_creates_an_account_in_their_commune(client, commune_admin, commune):
    client.force_login(commune_admin)
    response = client.post(
        reverse("unit-members", args=[commune.pk]),
        {
            "username": "cb.vanphong",
            "full_name": "Nguyễn Thị Hoa",
            "role": Role.OFFICER,
            "password": "Hoa-2026-xa",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="cb.vanphong")
    assert user.check_password("Hoa-2026-xa")
    membership = Membership.objects.get(user=user, unit=commune)
    assert AuditEntry.objects.filter(
        object_id=str(membership.pk), action="create", actor=commune_admin
    ).exists()


def test_new_account_without_name_or_password_is_refused_and_nothing_saved(client, commune_admin, commune):
    client.force_login(commune_admin)
    response = client.post(
        reverse("unit-members", args=[commune.pk]), {"username": "moi", "role": Role.OFFICER}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Nhập họ và tên để tạo tài khoản mới." in content
    assert "Nhập mật khẩu ban đầu để tạo tài khoản mới." in content
    assert not get_user_model().objects.filter(username="moi").exists()


def test_weak_password_and_duplicate_role_are_refused(client, commune_admin, commune, officer):
    client.force_login(commune_admin)
    weak = client.post(
        reverse("unit-members", args=[commune.pk]),
        {"username": "yeu", "full_name": "A", "role": Role.OFFICER, "password": "12345678"},
    )
    assert (
        "Mật khẩu" in weak.content.decode() and not get_user_model().objects.filter(username="yeu").exists()
    )
    duplicate = client.post(
        reverse("unit-members", args=[commune.pk]), {"username": "xa", "role": Role.OFFICER}
    )
    assert "đã có vai trò này" in duplicate.content.decode()


def test_officer_and_other_units_admin_cannot_manage_members(
    client, officer, commune, other_commune, commune_admin
):
    client.force_login(officer)
    assert client.get(reverse("unit-members", args=[commune.pk])).status_code == 404
    client.force_login(commune_admin)
    assert client.get(reverse("unit-members", args=[other_commune.pk])).status_code == 404


def test_admin_removes_a_membership(client, commune_admin, commune, officer):
    client.force_login(commune_admin)
    membership = Membership.objects.get(user=officer, unit=commune)
    response = client.post(reverse("unit-member-remove", args=[commune.pk, membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEntry.objects.filter(object_id=str(membership.pk), action="delete").exists()
