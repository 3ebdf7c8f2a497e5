"""The citizen's look-up: no enumeration, rate-limited per code and per address."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from testing import services
from tests.actors import SYSTEM
from tests.testing.conftest import received

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]
URL = reverse("testing:lookup")


@pytest.fixture
def resulted(site, lab):
    (sample,) = received(site, lab, ["TH-0001"])  # person_n(1): phone 0912000001
    services.results_enter(
        actor=SYSTEM, lab=lab, rows=[services.ResultRow(code="TH-0001", outcome="negative", verified_by="x")]
    )
    return sample


def _text(response):
    return response.content.decode()


def test_the_right_code_and_phone_show_the_result(client, resulted):
    page = client.post(URL, {"code": "th-0001", "phone": "0912 000 001"})
    assert page.status_code == 200 and "Âm tính" in _text(page) and page["Cache-Control"] == "no-store"
    by_birth = client.post(URL, {"code": "TH-0001", "birth_date": "1985-03-12"})
    assert "Âm tính" in _text(by_birth)


def test_a_wrong_code_and_a_wrong_phone_get_the_same_answer(client, resulted):
    wrong_code = client.post(URL, {"code": "TH-0002", "phone": "0912000001"})
    wrong_phone = client.post(URL, {"code": "TH-0001", "phone": "0912000002"})
    assert wrong_code.status_code == wrong_phone.status_code == 200

    def same(response, *typed):
        text = re.sub(r'value="[A-Za-z0-9]{64}"', "", _text(response))  # the CSRF token differs
        for value in typed:  # what was typed is echoed back
            text = text.replace(value, "")
        return text

    assert same(wrong_code, "TH-0002", "0912000001") == same(wrong_phone, "TH-0001", "0912000002")
    assert "Âm tính" not in _text(wrong_phone)


@override_settings(TESTING_LOOKUP_PER_CODE=3, TESTING_LOOKUP_PER_IP=100)
def test_guesses_are_limited_per_code(client, resulted):
    for phone in ("0900000001", "0900000002", "0900000003"):
        assert client.post(URL, {"code": "TH-0001", "phone": phone}).status_code == 200
    blocked = client.post(URL, {"code": "TH-0001", "phone": "0912000001"})
    assert blocked.status_code == 429 and "Âm tính" not in _text(blocked)


@override_settings(TESTING_LOOKUP_PER_CODE=100, TESTING_LOOKUP_PER_IP=2)
def test_guesses_are_limited_per_address(client, resulted):
    for code in ("TH-1001", "TH-1002"):
        assert client.post(URL, {"code": code, "phone": "0900000001"}).status_code == 200
    assert client.post(URL, {"code": "TH-0001", "phone": "0912000001"}).status_code == 429


def test_a_look_up_that_cannot_be_counted_is_not_answered(client, resulted, monkeypatch):
    from core import ratelimit

    def down(*a, **k):
        raise ratelimit.LimiterUnavailable

    monkeypatch.setattr(ratelimit, "allow", down)
    page = client.post(URL, {"code": "TH-0001", "phone": "0912000001"})
    assert page.status_code == 503 and "Âm tính" not in _text(page)


def test_pending_and_rejected_samples_tell_the_citizen_what_to_do(client, site, lab):
    (sample,) = received(site, lab, ["TH-0005"])
    assert "Chưa có kết quả" in _text(client.post(URL, {"code": "TH-0005", "phone": "0912000001"}))
    services.sample_reject(actor=SYSTEM, sample=sample, reason="leaked")
    assert "lấy mẫu lại" in _text(client.post(URL, {"code": "TH-0005", "phone": "0912000001"}))


def test_the_result_is_sent_to_the_phone_on_record_only(client, resulted):
    from core.models import OutboundMessage

    page = client.post(
        URL, {"code": "TH-0001", "birth_date": "1985-03-12", "phone": "0999999999", "send": "1"}
    )
    assert page.status_code == 200 and "đuôi 001" in page.content.decode()
    message = OutboundMessage.objects.get(purpose="testing.result")
    assert message.recipient == "0912000001" and "TH-0001" in message.body and "Âm tính" in message.body
    client.post(URL, {"code": "TH-0001", "phone": "0912000009", "send": "1"})  # wrong phone: nothing
    assert OutboundMessage.objects.filter(purpose="testing.result").count() == 1
