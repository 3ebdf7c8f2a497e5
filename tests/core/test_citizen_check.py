"""The citizen check (issue 18 point 7): a one-time code by SMS to the phone on record, hashed,
expiring, a few tries, rate-limited and failing closed, audited with ids only; the page and the
session flag scoped to one person and one purpose, for a limited time."""

import re
import time

import pytest
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.test import override_settings
from django.urls import include, path
from django.utils import timezone

from core import citizen_check as page
from core import ratelimit, services
from core.citizen_check import CitizenCheckView, citizen_verified
from core.models import AuditLog, CitizenCheck, OutboundMessage, Person
from core.services.citizen_check import Outcome, SendLimited, phone_hint
from tests.actors import SYSTEM, VISITOR
from tests.checkpoints.test_ratelimit import closed_port_url
from tests.core.fixtures import person_data

PURPOSE = "test.certificate"


class CheckPage(CitizenCheckView):
    purpose = PURPOSE

    def get_person(self):
        return get_object_or_404(Person, pk=self.kwargs["pk"])

    def get_success_url(self):
        return f"/done/{self.kwargs['pk']}/"


def done(request, pk, purpose=PURPOSE):
    person = get_object_or_404(Person, pk=pk)
    return HttpResponse("ok" if citizen_verified(request, person, purpose) else "no", status=200)


urlpatterns = [
    path("check/<int:pk>/", CheckPage.as_view()),
    path("done/<int:pk>/", done),
    path("done/<int:pk>/<str:purpose>/", done),
    path("", include("config.urls")),  # the page's layout links to the portal's pages
]

pytestmark = [pytest.mark.usefixtures("fresh_rate_limits"), pytest.mark.urls(__name__), pytest.mark.django_db]


@pytest.fixture
def person():
    return services.person_create(actor=SYSTEM, data=person_data(phone="0912 345 678"))


def sent_code() -> str:
    message = OutboundMessage.objects.filter(purpose="citizen_check").latest("id")
    found = re.search(r"\b(\d{6})\b", message.body)
    assert found is not None
    return found.group(1)


def start(person, **kw):
    return services.citizen_check_start(actor=VISITOR, person=person, purpose=PURPOSE, **kw)


def verify(person, code, **kw):
    return services.citizen_check_verify(actor=VISITOR, person=person, purpose=PURPOSE, code=code, **kw)


def test_the_code_goes_by_sms_to_the_phone_on_record_and_is_stored_hashed(
    person, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level("INFO", logger="core.notifications")
    with django_capture_on_commit_callbacks(execute=True):
        check = start(person)
    message = OutboundMessage.objects.get(purpose="citizen_check")
    assert message.channel == "sms" and message.recipient == "0912 345 678"
    assert message.status == OutboundMessage.Status.SENT  # the console backend printed it
    found = re.search(r"SMS to 0912 345 \*\*\*: .*?\b(\d{6})\b", caplog.text)
    assert found is not None
    code = found.group(1)
    # Once sent, the stored text no longer holds the code (the admin lists sent messages).
    assert code not in message.body and "Đã xoá nội dung sau khi gửi" in message.body
    assert code not in (check.code_hash, check.salt) and len(check.code_hash) == 64
    assert (check.expires_at - check.created_at).total_seconds() == 600
    rows = AuditLog.objects.filter(action__in=["citizen_check.start", "message.queue"]).order_by("id")
    assert [r.action for r in rows] == ["citizen_check.start", "message.queue"]
    assert rows[0].details == {"person": person.pk, "purpose": PURPOSE, "sent": True}
    assert "0912" not in str(rows[0].details) and code not in str(rows[0].details)


def test_right_code_verifies_once(person):
    start(person)
    assert verify(person, sent_code()) == Outcome.VERIFIED
    assert verify(person, sent_code()) == Outcome.EXPIRED  # used: no open code left
    row = AuditLog.objects.filter(action="citizen_check.verify").order_by("id")[0]
    assert row.details == {"person": person.pk, "purpose": PURPOSE, "outcome": "verified"}


def test_a_wrong_code_counts_and_too_many_close_the_code(person):
    start(person)
    code = sent_code()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    assert [verify(person, wrong) for _ in range(4)] == [Outcome.WRONG] * 4
    assert CitizenCheck.objects.get().attempts == 4  # kept although each answer was "wrong"
    assert verify(person, wrong) == Outcome.LOCKED
    assert verify(person, code) != Outcome.VERIFIED  # the right code is worth nothing now
    assert CitizenCheck.objects.get().closed_at is not None
    assert AuditLog.objects.filter(action="citizen_check.verify").count() == 6


def test_an_expired_code_is_refused(person):
    start(person)
    CitizenCheck.objects.update(expires_at=timezone.now())
    assert verify(person, sent_code()) == Outcome.EXPIRED


def test_a_new_code_replaces_the_old_and_codes_are_per_purpose(person):
    start(person)
    first = sent_code()
    start(person)
    second = sent_code()
    if first != second:
        assert verify(person, first) == Outcome.WRONG
    assert verify(person, second) == Outcome.VERIFIED
    start(person)
    code = sent_code()
    assert (
        services.citizen_check_verify(actor=VISITOR, person=person, purpose="other", code=code)
        == Outcome.EXPIRED
    )


@override_settings(CITIZEN_CHECK_SENDS_PER_PERSON=2)
def test_sends_are_limited_per_person(person):
    start(person, address="10.0.0.1")
    start(person, address="10.0.0.2")
    with pytest.raises(SendLimited):
        start(person, address="10.0.0.3")
    assert CitizenCheck.objects.count() == 2


@override_settings(CITIZEN_CHECK_SENDS_PER_ADDRESS=1)
def test_sends_are_limited_per_address(person):
    other = services.person_create(actor=SYSTEM, data=person_data(id_number="", phone="0900000002"))
    start(person, address="10.0.0.1")
    with pytest.raises(SendLimited):
        start(other, address="10.0.0.1")


@override_settings(CITIZEN_CHECK_VERIFIES_PER_ADDRESS=2)
def test_tries_are_limited_per_address(person):
    start(person)
    assert [verify(person, "000000", address="10.0.0.9") for _ in range(3)][-1] == Outcome.LIMITED
    assert CitizenCheck.objects.get().attempts <= 2


def test_the_check_fails_closed_when_the_store_is_down(person, client):
    with override_settings(RATE_LIMIT_REDIS_URL=closed_port_url()):
        try:
            with pytest.raises(ratelimit.LimiterUnavailable):
                start(person)
            with pytest.raises(ratelimit.LimiterUnavailable):
                verify(person, "123456", address="10.0.0.1")
            response = client.post(f"/check/{person.pk}/", {"send": "1"})
            assert response.status_code == 503 and response["Retry-After"]
        finally:
            ratelimit._store = None
    assert not CitizenCheck.objects.exists() and not OutboundMessage.objects.exists()


def test_the_page_sends_on_post_only_and_marks_the_session_for_that_person_and_purpose(person, client):
    url = f"/check/{person.pk}/"
    response = client.get(url)
    assert response.status_code == 200 and "09xx xxx 678" in response.content.decode()
    assert not OutboundMessage.objects.exists()  # a GET sends nothing
    response = client.post(url, {"send": "1"})
    assert response.status_code == 200 and 'name="code"' in response.content.decode()
    response = client.post(url, {"code": "12345x"})  # wrong (or malformed): said, nothing more
    assert "Mã không đúng" in response.content.decode()
    assert client.get(f"/done/{person.pk}/").content == b"no"
    response = client.post(url, {"code": sent_code()})
    assert response.status_code == 302 and response["Location"] == f"/done/{person.pk}/"
    assert client.get(f"/done/{person.pk}/").content == b"ok"
    assert client.get(f"/done/{person.pk}/other.purpose/").content == b"no"  # another purpose
    other = services.person_create(actor=SYSTEM, data=person_data(id_number="", phone="0900000002"))
    assert client.get(f"/done/{other.pk}/").content == b"no"  # another person
    assert client.get(url).status_code == 302  # already verified: straight on


def test_the_session_flag_expires(person, client, monkeypatch):
    client.post(f"/check/{person.pk}/", {"send": "1"})
    client.post(f"/check/{person.pk}/", {"code": sent_code()})
    assert client.get(f"/done/{person.pk}/").content == b"ok"
    later = time.time() + 15 * 60 + 1
    monkeypatch.setattr(page.time, "time", lambda: later)
    assert client.get(f"/done/{person.pk}/").content == b"no"


def test_a_wrong_code_on_the_page_says_so(person, client):
    client.post(f"/check/{person.pk}/", {"send": "1"})
    code = sent_code()
    response = client.post(f"/check/{person.pk}/", {"code": f"{(int(code) + 1) % 10**6:06d}"})
    assert response.status_code == 200
    assert "Mã không đúng. Vui lòng kiểm tra tin nhắn và nhập lại." in response.content.decode()


@override_settings(CITIZEN_CHECK_SENDS_PER_PERSON=1)
def test_the_page_answers_429_over_the_send_limit(person, client):
    client.post(f"/check/{person.pk}/", {"send": "1"})
    response = client.post(f"/check/{person.pk}/", {"send": "1"})
    assert response.status_code == 429
    assert "quá nhiều lần" in response.content.decode()


def test_a_person_without_a_phone_gets_the_same_flow_and_nothing_is_sent(client):
    nobody = services.person_create(actor=SYSTEM, data=person_data(id_number="", phone=""))
    assert phone_hint(nobody) == ""
    response = client.post(f"/check/{nobody.pk}/", {"send": "1"})
    assert response.status_code == 200 and 'name="code"' in response.content.decode()
    assert not OutboundMessage.objects.exists()
    assert CitizenCheck.objects.filter(person=nobody).count() == 1
    assert AuditLog.objects.get(action="citizen_check.start").details["sent"] is False
