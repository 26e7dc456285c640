"""Signing in and out, passwords, and pages in Vietnamese."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_coordinator_signs_in_and_sees_the_province_home_page(client, coordinator, tuyen_quang):
    response = client.post(reverse("login"), {"username": "tinh", "password": DEMO_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    content = response.content.decode()
    assert '<html lang="vi">' in content
    assert "Tỉnh Tuyên Quang" in content and "Điều phối" in content


def test_wrong_password_gets_a_vietnamese_message_and_no_session(client, coordinator):
    response = client.post(reverse("login"), {"username": "tinh", "password": "sai-mat-khau"})
    assert response.status_code == 200
    assert "mật khẩu chính xác" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_wrong_passwords_lock_the_account_for_a_while(client, coordinator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "tinh", "password": "sai"})
    response = client.post(reverse("login"), {"username": "tinh", "password": DEMO_PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "tạm bị khóa" in response.content.decode()


def test_passwords_are_hashed_with_argon2(coordinator):
    assert get_user_model().objects.get(pk=coordinator.pk).password.startswith("argon2")


def test_logout_and_password_change(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "Mat-khau-moi-2026",
            "new_password2": "Mat-khau-moi-2026",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("Mat-khau-moi-2026")
    bad = client.post(
        reverse("password_change"), {"old_password": "sai", "new_password1": "x", "new_password2": "y"}
    )
    assert "Mật khẩu cũ không chính xác" in bad.content.decode()
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_missing_page_is_a_vietnamese_404_without_details(client, officer):
    client.force_login(officer)
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "Không tìm thấy trang" in content and "Traceback" not in content


def test_api_404_is_json(client, officer):
    client.force_login(officer)
    response = client.get("/api/units/999999999/")
    assert response.status_code == 404 and response.json()["detail"]


def test_user_without_membership_is_told_so(client):
    user = get_user_model().objects.create_user("moi", password=DEMO_PASSWORD)
    client.force_login(user)
    assert "chưa được gán vào đơn vị nào" in client.get(reverse("home")).content.decode()


def test_api_token_authentication_and_me(client, officer, commune):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=officer)
    response = client.get("/api/me/", headers={"Authorization": f"Token {token.key}"})
    assert response.status_code == 200
    assert response.json()["memberships"][0]["unit"] == commune.pk
    assert client.get("/api/me/", headers={"Authorization": "Token sai"}).status_code == 401


def test_openapi_schema_is_served(client, officer):
    client.force_login(officer)
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/units/" in response.content


def test_healthz_answers_without_sign_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"


def test_an_english_browser_still_gets_vietnamese(client, officer):
    client.force_login(officer)
    response = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="vi">' in response.content.decode()


def test_english_can_be_selected(client, officer):
    client.force_login(officer)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert '<html lang="en">' in response.content.decode()
