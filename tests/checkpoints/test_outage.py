"""Outages (issue 14, point 3): a database or Redis outage answers 503 with a message, Vietnamese
first, and Retry-After, for pages and the API; the visitor's form comes back ready to resend."""

import re
from html import unescape
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import RequestFactory, override_settings
from redis.exceptions import ConnectionError as RedisConnectionError
from rest_framework.test import APIClient

from checkpoints.models import CheckIn
from core.outage import server_error
from tests.checkpoints.test_api import payload
from tests.checkpoints.test_views import form_data, url

pytestmark = pytest.mark.django_db

DOWN = OperationalError("could not connect to server: Connection refused")


def test_api_outage_is_a_503_with_retry_after(checkpoint):
    with mock.patch("checkpoints.intake.visitor_submit", side_effect=DOWN):
        response = APIClient().post("/api/v1/checkins/", payload(checkpoint), format="json")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {"detail": "Hệ thống đang tạm gián đoạn. Vui lòng thử lại sau ít phút."}


def test_redis_outage_is_a_503_too(checkpoint):
    with mock.patch("core.ratelimit.allow_checkin", side_effect=RedisConnectionError("refused")):
        response = APIClient().post("/api/v1/checkins/", payload(checkpoint), format="json")
    assert response.status_code == 503 and "gián đoạn" in response.json()["detail"]


@pytest.mark.parametrize("debug", [False, True])
def test_visitor_page_keeps_what_was_typed_and_resends_in_one_tap(client, checkpoint, debug):
    data = form_data(full_name="Trần Thị <Hoa>", symptoms=["fever", "cough"])
    with override_settings(DEBUG=debug), mock.patch("checkpoints.intake.visitor_submit", side_effect=DOWN):
        response = client.post(url(checkpoint), data)
    assert response.status_code == 503 and response["Retry-After"] == "30"
    text = response.content.decode()
    assert "Hệ thống đang tạm gián đoạn" in text and "Traceback" not in text
    assert text.index("Hệ thống đang tạm gián đoạn") < text.index("briefly unavailable")
    assert 'value="Trần Thị &lt;Hoa&gt;"' in text and "Gửi lại" in text
    assert CheckIn.objects.count() == 0
    # The one tap: the form's hidden fields, posted back as they are.
    fields = [(unescape(n), unescape(v)) for n, v in re.findall(r'name="([^"]+)" value="([^"]*)"', text)]
    resend: dict[str, list[str]] = {}
    for name, value in fields:
        resend.setdefault(name, []).append(value)
    assert resend["symptoms"] == ["fever", "cough"]
    assert client.post(url(checkpoint), resend).status_code == 302
    assert CheckIn.objects.count() == 2 - 1  # the declarant (no members typed)


def test_english_visitors_get_english_first(client, checkpoint):
    client.cookies["django_language"] = "en"
    with mock.patch("checkpoints.intake.visitor_submit", side_effect=DOWN):
        response = client.post(url(checkpoint), form_data())
    assert response.status_code == 503
    assert "The service is temporarily unavailable" in response.content.decode()


def test_an_outage_outside_a_view_is_a_503_and_other_errors_stay_500():
    request = RequestFactory().get("/portal/")
    try:
        raise DOWN
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503 and response["Retry-After"] == "30"
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(request).status_code == 500
