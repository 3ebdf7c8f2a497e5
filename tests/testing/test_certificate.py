"""The result certificate: after the look-up and the citizen check, a PDF with a signed HC1:
test certificate that verifies; downloaded again without a new one; nothing without the check."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from certificates import selectors as certificate_selectors
from certificates.models import IssuedCertificate
from core.models import OutboundMessage
from testing import services
from testing.models import Sample
from tests.actors import SYSTEM
from tests.certificates.conftest import province_trusted  # noqa: F401  (fixture)
from tests.testing.conftest import received

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]
LOOKUP = reverse("testing:lookup")


@pytest.fixture
def resulted(site, lab):
    (sample,) = received(site, lab, ["TH-0001"])
    services.results_enter(
        actor=SYSTEM, lab=lab, rows=[services.ResultRow(code="TH-0001", outcome="negative", verified_by="x")]
    )
    return sample


def _code() -> str:
    message = OutboundMessage.objects.filter(purpose="citizen_check").latest("id")
    found = re.search(r"\b(\d{6})\b", message.body)
    assert found is not None
    return found.group(1)


def test_look_up_check_download_verify_and_download_again(client, resulted, province_trusted):  # noqa: F811
    check = reverse("testing:certificate-check", kwargs={"code": "TH-0001"})
    pdf_url = reverse("testing:certificate", kwargs={"code": "TH-0001"})
    assert client.get(check).status_code == 404  # no look-up in this browser yet
    page = client.post(LOOKUP, {"code": "TH-0001", "phone": "0912000001"})
    assert check in page.content.decode()
    assert client.get(pdf_url).status_code == 302  # not checked yet: sent to the check
    assert not IssuedCertificate.objects.exists()
    client.post(check, {"send": "1"})
    message = OutboundMessage.objects.get(purpose="citizen_check")
    assert message.recipient == "0912000001"
    done = client.post(check, {"code": _code()})
    assert done.status_code == 302 and done["Location"] == pdf_url
    pdf = client.get(pdf_url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    issued = IssuedCertificate.objects.get()
    assert issued.qr_text.startswith("HC1:") and Sample.objects.get().certificate_id == issued.pk
    result = certificate_selectors.certificate_verify(issued.qr_text)
    assert result.valid, result
    again = client.get(pdf_url)
    assert again.status_code == 200 and IssuedCertificate.objects.count() == 1


def test_another_sample_needs_its_own_look_up(client, resulted, site, lab):
    received(site, lab, ["TH-0002"], first=2)
    client.post(LOOKUP, {"code": "TH-0001", "phone": "0912000001"})
    assert client.get(reverse("testing:certificate-check", kwargs={"code": "TH-0002"})).status_code == 404
    assert client.get(reverse("testing:certificate", kwargs={"code": "TH-0002"})).status_code == 404


def test_a_wrong_code_gives_no_certificate(client, resulted):
    check = reverse("testing:certificate-check", kwargs={"code": "TH-0001"})
    client.post(LOOKUP, {"code": "TH-0001", "phone": "0912000001"})
    client.post(check, {"send": "1"})
    wrong = "000000" if _code() != "000000" else "111111"
    assert client.post(check, {"code": wrong}).status_code == 200
    assert client.get(reverse("testing:certificate", kwargs={"code": "TH-0001"})).status_code == 302
    assert not IssuedCertificate.objects.exists()


def test_a_forged_or_expired_look_up_cookie_opens_nothing(client, resulted):
    from django.core import signing

    from testing.views.public import LOOKED_UP_COOKIE, LOOKED_UP_SALT

    check = reverse("testing:certificate-check", kwargs={"code": "TH-0001"})
    client.cookies[LOOKED_UP_COOKIE] = signing.dumps([resulted.pk], salt="another.salt")
    assert client.get(check).status_code == 404  # not signed for this purpose
    client.cookies[LOOKED_UP_COOKIE] = signing.dumps([resulted.pk], salt=LOOKED_UP_SALT) + "x"
    assert client.get(check).status_code == 404  # tampered
    client.cookies[LOOKED_UP_COOKIE] = signing.dumps([resulted.pk], salt=LOOKED_UP_SALT)
    assert client.get(check).status_code == 200  # a genuine one opens the check
    with override_settings(TESTING_LOOKED_UP_HOURS=-1):  # older than allowed, whatever the clock
        assert client.get(check).status_code == 404  # expired


def test_a_look_up_writes_nothing_to_the_database(client, resulted, django_assert_num_queries):
    from django.contrib.sessions.models import Session

    with django_assert_num_queries(1):  # the sample with its person and result, in one query
        page = client.post(LOOKUP, {"code": "TH-0001", "phone": "0912000001"})
    assert page.status_code == 200 and 'id="result"' in page.content.decode()
    assert not Session.objects.exists()
    assert client.get(reverse("testing:certificate-check", kwargs={"code": "TH-0001"})).status_code == 200
