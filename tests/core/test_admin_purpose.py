"""The admin asks the purpose of reading people once per session and writes it on every read
audit row (issue 15 point 9), through the store tracing uses (core.searches)."""

import pytest
from django.urls import reverse

from core import services
from core.models import AuditLog
from core.roles import Role
from tests.actors import SYSTEM
from tests.core.fixtures import first_ward, person_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(province):
    return services.person_create(actor=SYSTEM, data=person_data(address_unit=first_ward("405")))


def test_no_person_is_shown_or_logged_before_a_purpose_is_given(client, make_user, person):
    epi = make_user(Role.EPIDEMIOLOGIST, province_wide=True)
    client.force_login(epi)
    for url in (
        reverse("admin:core_person_changelist"),
        reverse("admin:core_person_change", args=[person.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "Mục đích xem dữ liệu cá nhân" in response.content.decode()
        assert person.full_name not in response.content.decode()
    assert not AuditLog.objects.filter(action="person.read").exists()


def test_the_purpose_given_is_written_on_every_read_and_asked_once(client, make_user, person):
    epi = make_user(Role.EPIDEMIOLOGIST, province_wide=True)
    client.force_login(epi)
    changelist = reverse("admin:core_person_changelist")
    response = client.post(
        reverse("admin:core_person_purpose"), {"purpose": "xác minh ca F0 số 12", "next": changelist}
    )
    assert response.status_code == 302 and response["Location"] == changelist
    assert person.full_name in client.get(changelist).content.decode()
    client.get(reverse("admin:core_person_change", args=[person.pk]))
    reads = AuditLog.objects.filter(action="person.read", actor=epi).order_by("id")
    assert [r.reason for r in reads] == ["admin: xác minh ca F0 số 12"] * 2
    assert [r.details["kind"] for r in reads] == ["admin.person.list", "admin.person.view"]
    # A new purpose applies from then on.
    client.post(reverse("admin:core_person_purpose"), {"purpose": "đối chiếu hồ sơ tiêm", "next": changelist})
    client.get(changelist)
    assert AuditLog.objects.filter(action="person.read").latest("id").reason == "admin: đối chiếu hồ sơ tiêm"


def test_an_empty_purpose_or_a_foreign_next_is_refused(client, make_user, person):
    epi = make_user(Role.EPIDEMIOLOGIST, province_wide=True)
    client.force_login(epi)
    url = reverse("admin:core_person_purpose")
    assert client.post(url, {"purpose": "  ", "next": "/admin/"}).status_code == 400
    response = client.post(url, {"purpose": "kiểm tra", "next": "https://evil.example/"})
    assert response["Location"] == reverse("admin:core_person_changelist")


def test_the_purpose_page_needs_the_right_to_view_people(client, make_user):
    client.force_login(make_user(Role.CHAIRMAN, province_wide=True))
    assert client.post(reverse("admin:core_person_purpose"), {"purpose": "x"}).status_code == 403
    assert client.get(reverse("admin:core_person_purpose")).status_code == 403
