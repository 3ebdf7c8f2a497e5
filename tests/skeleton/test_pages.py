"""Home page, language switch, officials' portal and the admin's branding."""

import pytest
from django.conf import settings


@pytest.mark.django_db
def test_home_is_vietnamese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Dành cho người dân" in html
    assert f"Tỉnh {settings.PROVINCE_NAME}" in html


@pytest.mark.django_db
def test_home_switches_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "For citizens" in html
    assert "Dành cho người dân" not in html
    assert f"{settings.PROVINCE_NAME} Province" in html


@pytest.mark.django_db
def test_portal_home_redirects_anonymous_users_to_login(client):
    response = client.get("/portal/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/portal/")
    login = client.get(response["Location"])
    assert login.status_code == 200
    assert "Đăng nhập cổng cán bộ" in login.content.decode()


@pytest.mark.django_db
def test_portal_home_renders_for_a_signed_in_official(client, django_user_model):
    user = django_user_model.objects.create_user(username="canbo", password="x", first_name="Lan")
    client.force_login(user)
    response = client.get("/portal/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trang làm việc của cán bộ" in html
    assert "Xin chào Lan." in html


@pytest.mark.django_db
def test_login_form_signs_in_and_lands_on_the_portal(client, django_user_model):
    django_user_model.objects.create_user(username="canbo", password="mat-khau-dai-123")
    response = client.post("/accounts/login/", {"username": "canbo", "password": "mat-khau-dai-123"})
    assert response.status_code == 302
    assert response["Location"] == "/portal/"


@pytest.mark.django_db
def test_admin_shows_the_province_branding(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert f"Tổ công nghệ phòng, chống dịch COVID-19 — {settings.PROVINCE_NAME}" in html
    assert "Quản trị cổng thông tin" in html


def test_browser_language_does_not_override_vietnamese(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert b'lang="vi"' in response.content
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert b'lang="en"' in client.get("/", HTTP_ACCEPT_LANGUAGE="vi").content
