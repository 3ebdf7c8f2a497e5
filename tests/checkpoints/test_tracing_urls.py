"""Issue 13 point 4: tracing keeps ID numbers, phone numbers and the purpose out of every URL."""

import datetime
import re
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog
from tests.checkpoints.conftest import at, visit

pytestmark = pytest.mark.django_db

SECRETS = ("038085000001", "0912000001", "0912000002", "Ca F0 số 12")


def _period() -> dict[str, str]:
    return {
        "start": (timezone.localtime() - datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "end": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "purpose": "Ca F0 số 12",
    }


def _urls(html: str) -> list[str]:
    return [unquote(u) for u in re.findall(r'(?:href|action|src)="([^"]*)"', html)]


def _assert_clean(urls: list[str]) -> None:
    for url in urls:
        assert not any(s in url or s.replace(" ", "+") in url for s in SECRETS), url


def test_tracing_flow_puts_no_identifier_in_any_url(client, checkpoint, epidemiologist):
    visit(checkpoint, at=at(5), id_number="038085000001", phone="0912000001")
    visit(checkpoint, at=at(5), id_number="038090000002", full_name="Lê Văn Bình", phone="0912000002")
    client.force_login(epidemiologist)
    for field, value in (("id_number", "038085000001"), ("phone", "0912000001")):
        posted = client.post(reverse("checkpoints:trace"), {field: value, **_period()})
        assert posted.status_code == 302
        _assert_clean([posted["Location"]])
        page = client.get(posted["Location"])
        text = page.content.decode()
        assert "Lê Văn Bình" in text and "0912000002" in text
        _assert_clean(_urls(text))
        exports = [u for u in _urls(text) if "format=" in u]
        assert len(exports) == 2 and all("?s=" in u for u in exports)


def test_candidate_choice_is_posted_and_stays_out_of_the_url(client, checkpoint, epidemiologist):
    # Two people share a phone number: the tracer picks one.
    visit(checkpoint, at=at(5), id_number="038085000001", phone="0912000001")
    visit(checkpoint, at=at(5), id_number="038090000009", full_name="Lê Thị Hai", phone="0912000001")
    client.force_login(epidemiologist)
    posted = client.post(reverse("checkpoints:trace"), {"phone": "0912000001", **_period()})
    page = client.get(posted["Location"]).content.decode()
    assert "Lê Thị Hai" in page and "Nguyễn Văn An" in page
    _assert_clean(_urls(page))
    assert 'name="person"' in page and "?person=" not in page and "&amp;person=" not in page
    token = posted["Location"].split("?s=", 1)[1]
    from core.models import Person

    chosen = Person.objects.get(full_name="Lê Thị Hai")
    picked = client.post(reverse("checkpoints:trace"), {"s": token, "person": chosen.pk})
    assert picked.status_code == 302 and picked["Location"] == posted["Location"]
    result = client.get(picked["Location"]).content.decode()
    assert "Ca bệnh: Lê Thị Hai" in result
    # A person who was not among the candidates cannot be slipped in.
    outsider = visit(
        checkpoint, at=at(5), id_number="038090000010", full_name="Trần Ngoại", phone="0912000010"
    )[0]
    client.post(reverse("checkpoints:trace"), {"s": token, "person": outsider.person_id})
    assert "Ca bệnh: Trần Ngoại" not in client.get(picked["Location"]).content.decode()


def test_search_terms_in_the_query_string_are_not_honoured(client, checkpoint, epidemiologist):
    visit(checkpoint, at=at(5), id_number="038085000001", phone="0912000001")
    visit(checkpoint, at=at(5), id_number="038090000002", full_name="Lê Văn Bình", phone="0912000002")
    client.force_login(epidemiologist)
    before = AuditLog.objects.count()
    query = {"id_number": "038085000001", **_period()}
    text = client.get(reverse("checkpoints:trace"), query).content.decode()
    assert "Lê Văn Bình" not in text and "0912000002" not in text
    export = client.get(reverse("checkpoints:trace-export"), {**query, "format": "csv"})
    assert export.status_code == 400 and "Lê Văn Bình" not in export.content.decode("utf-8", "replace")
    assert AuditLog.objects.filter(action="checkin.read").count() == 0 and AuditLog.objects.count() == before


def test_a_search_id_belongs_to_its_session(client, checkpoint, epidemiologist, make_user):
    from core.roles import Role

    visit(checkpoint, at=at(5), id_number="038085000001", phone="0912000001")
    visit(checkpoint, at=at(5), id_number="038090000002", full_name="Lê Văn Bình", phone="0912000002")
    client.force_login(epidemiologist)
    location = client.post(reverse("checkpoints:trace"), {"id_number": "038085000001", **_period()})[
        "Location"
    ]
    client.logout()
    client.force_login(make_user(Role.EPIDEMIOLOGIST, province_wide=True))
    assert "Lê Văn Bình" not in client.get(location).content.decode()
