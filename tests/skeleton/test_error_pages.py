"""The portal's own 400, 403, 404, 500 and 503 pages (issue 13, point 13), with DEBUG off.

403 and 404 follow the language the visitor chose (the switcher's cookie, as every page does);
500 and 503 are rendered without a request, context processors or database, in both languages.
"""

import copy

import pytest
from django.conf import settings as django_settings
from django.template.loader import render_to_string
from django.test import Client, override_settings

ERROR_URLS = "tests.skeleton.error_urls"

pytestmark = pytest.mark.usefixtures("debug_off")


@pytest.fixture
def debug_off(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = ERROR_URLS


def english(client: Client) -> Client:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.django_db
def test_404_is_the_portals_page_in_vietnamese(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Không tìm thấy trang" in html
    assert "tờ khai giấy" in html
    assert 'href="/"' in html
    assert "Tổ công nghệ phòng, chống dịch COVID-19" in html  # the site's header


@pytest.mark.django_db
def test_404_in_english_for_a_visitor_who_chose_english(client):
    html = english(client).get("/khong-co-trang-nay/").content.decode()
    assert '<html lang="en">' in html
    assert "Page not found" in html
    assert "Không tìm thấy trang" not in html


@pytest.mark.django_db
def test_403_for_a_signed_in_official_without_the_role(client, django_user_model):
    user = django_user_model.objects.create_user(username="khongvaitro", password="x")
    client.force_login(user)
    response = client.get("/taskforce/")
    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "Bạn không có quyền xem trang này" in html
    assert "người quản trị của cơ quan cấp quyền" in html
    assert 'href="/portal/"' in html


@pytest.mark.django_db
def test_403_in_english_shows_the_reason_and_the_login_to_a_visitor(client):
    response = english(client).get("/test-errors/out-of-scope/")
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "You do not have permission to view this page" in html
    assert "Cơ quan này nằm ngoài phạm vi của bạn." in html  # the reason given by the code
    assert 'href="/accounts/login/"' in html


@pytest.mark.django_db
def test_500_is_the_portals_page_in_both_languages(client):
    client.raise_request_exception = False
    response = client.get("/test-errors/crash/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Đã có lỗi ở máy chủ" in html
    assert "Something went wrong on the server" in html
    assert "/static/css/site.css" in html


def test_500_renders_when_context_processors_and_the_database_fail(settings):
    """No django_db mark: any database access would fail the test. The context processors
    raise too, as they would with the database down; the 500 page needs neither."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["context_processors"].append(f"{ERROR_URLS}.broken_context")
    settings.TEMPLATES = templates
    client = Client(raise_request_exception=False)
    response = client.get("/test-errors/crash/")
    assert response.status_code == 500
    assert "Đã có lỗi ở máy chủ" in response.content.decode()


def test_503_renders_without_a_request_in_both_languages():
    html = render_to_string("503.html")
    assert "Cổng thông tin tạm ngừng phục vụ" in html
    assert "The portal is temporarily unavailable" in html
    assert "tờ khai giấy" in html


@override_settings(CSRF_FAILURE_VIEW="django.views.csrf.csrf_failure")
def test_a_csrf_failure_explains_the_expired_form():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/i18n/setlang/", {"language": "en"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Biểu mẫu đã hết hạn" in html
    assert "cho phép cookie" in html


@pytest.mark.django_db
def test_400_is_the_portals_page_in_both_languages(client):
    """A query string with a NUL character (no page takes one; on PostgreSQL a look-up with it
    was a 500): the portal's 400 page, or the API's error body."""
    response = client.get("/xet-nghiem/", {"ma": "KQ\x00"})
    assert response.status_code == 400
    assert "400.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "Yêu cầu không hợp lệ" in html and "Không có gì được lưu" in html
    assert "Bad request" in english(client).get("/portal/certificates/", {"uvci": "\x00"}).content.decode()
    api = Client().get("/api/v1/public/units/", {"x\x00": "1"})
    assert api.status_code == 400 and api.json() == {"detail": "Yêu cầu không hợp lệ."}
