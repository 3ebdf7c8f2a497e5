"""The vaccination API (issue 19 point 10): reads scoped per unit and per token, names masked
unless the viewer may read people, reads audited, writes through the services, denials change
nothing, and the OpenAPI schema documents it."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from core import services as core_services
from core.models import AuditLog, Person
from core.roles import Role
from tests.actors import SYSTEM
from tests.core.fixtures import first_ward, person_data
from tests.vaccination.conftest import give, make_lot, vaccine
from vaccination import services
from vaccination.models import AdverseEvent, Appointment, Dose, Screening, Session

pytestmark = pytest.mark.usefixtures("fresh_rate_limits")


@pytest.fixture
def own_site(dong_son, org):
    return services.site_create(
        actor=SYSTEM, name="Trạm Y tế Đông Tiến", unit=first_ward("405"), organization=org
    )


@pytest.fixture
def far_site(sam_son, other_org):
    return services.site_create(
        actor=SYSTEM, name="Trạm Y tế Bắc Sơn", unit=first_ward("382"), organization=other_org
    )


def session_at(site, capacity=5):
    return services.session_create(
        actor=SYSTEM, site=site, date=timezone.localdate(), vaccine=vaccine(), capacity=capacity
    )


def booked(session, **person):
    someone = core_services.person_create(actor=SYSTEM, data=person_data(**person))
    return services.appointment_book(actor=SYSTEM, session=session, person=someone)


def bearer(org, scopes):
    _token, raw = core_services.api_token_create(actor=SYSTEM, organization=org, name="HIS", scopes=scopes)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def snapshot():
    return (
        AuditLog.objects.exclude(action__endswith=".read").count(),
        Person.objects.count(),
        Appointment.objects.count(),
        Dose.objects.count(),
        Screening.objects.count(),
        AdverseEvent.objects.count(),
        list(Session.objects.values_list("booked", flat=True)),
    )


BOOKING = {
    "person": {"full_name": "trần thị bình", "date_of_birth": "1950-02-03", "phone": "0912000111"},
}


def test_reads_are_scoped_per_unit(client, make_user, dong_son, own_site, far_site):
    booked(session_at(own_site))
    booked(session_at(far_site), id_number="038085000002", phone="0912000002")
    client.force_login(make_user(Role.VACCINATION_STAFF, units=[dong_son]))
    assert [s["name"] for s in client.get("/api/v1/vaccination/sites/").json()["results"]] == [own_site.name]
    sessions = client.get("/api/v1/vaccination/sessions/").json()["results"]
    assert [s["site"] for s in sessions] == [own_site.pk]
    far = Session.objects.get(site=far_site)
    assert client.get(f"/api/v1/vaccination/sessions/{far.pk}/appointments/").status_code == 404


def test_reads_are_scoped_per_token_organization(org, own_site, far_site):
    own = booked(session_at(own_site))
    booked(session_at(far_site), id_number="038085000002", phone="0912000002")
    reader = bearer(org, ["vaccination:read"])
    assert [s["id"] for s in reader.get("/api/v1/vaccination/sites/").json()["results"]] == [own_site.pk]
    assert [s["site"] for s in reader.get("/api/v1/vaccination/sessions/").json()["results"]] == [own_site.pk]
    rows = reader.get(f"/api/v1/vaccination/sessions/{own.session_id}/appointments/").json()["results"]
    assert [r["code"] for r in rows] == [own.code]
    # Masked: the token may not read names in full.
    assert rows[0]["person"] == {"id": own.person_id, "full_name": "Nguyễn Văn ***", "birth_year": 1985}
    read = AuditLog.objects.get(action="person.read")
    assert read.reason == "vaccination.api.appointments" and read.target_id == str(own.person_id)
    assert read.details["actor"].startswith("token:") and read.details["organization"] == org.pk
    far = Session.objects.get(site=far_site)
    assert reader.get(f"/api/v1/vaccination/sessions/{far.pk}/appointments/").status_code == 404
    # With the people scope, names in full.
    people = bearer(org, ["vaccination:read", "vaccination.people:read"])
    rows = people.get(f"/api/v1/vaccination/sessions/{own.session_id}/appointments/").json()["results"]
    assert rows[0]["person"]["full_name"] == "Nguyễn Văn An"


def test_names_are_masked_for_officials_who_need_no_more(client, make_user, own_site, lot_at_own):
    appointment = booked(session_at(own_site))
    give(appointment.person, own_site, lot_at_own, session=appointment.session)
    client.force_login(make_user(Role.TASKFORCE_LEADER, province_wide=True))
    dose = client.get("/api/v1/vaccination/doses/").json()["results"][0]
    assert dose["person"]["full_name"] == "Nguyễn Văn ***" and dose["lot_number"] == "AZ001"
    client.force_login(make_user(Role.VACCINATION_STAFF, province_wide=True))
    assert (
        client.get("/api/v1/vaccination/doses/").json()["results"][0]["person"]["full_name"]
        == "Nguyễn Văn An"
    )
    assert AuditLog.objects.filter(action="person.read", reason="vaccination.api.doses").count() == 2


@pytest.fixture
def lot_at_own(own_site):
    return make_lot(site=own_site, quantity=20)


def test_booking_finds_or_creates_and_never_overwrites(org, own_site):
    session = session_at(own_site, capacity=2)
    existing = core_services.person_create(
        actor=SYSTEM,
        data=person_data(
            full_name="Trần Thị Bình",
            phone="0912000111",
            id_number="",
            date_of_birth=datetime.date(1950, 2, 3),
        ),
    )
    writer = bearer(org, ["vaccination.appointments:write"])
    url = f"/api/v1/vaccination/sessions/{session.pk}/appointments/"
    # The same person typed differently is found, not changed.
    response = writer.post(
        url, {"person": {**BOOKING["person"], "full_name": "TRAN THI BINH"}}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["person_id"] == existing.pk and response.json()["person_created"] is False
    existing.refresh_from_db()
    assert existing.full_name == "Trần Thị Bình"
    # A new person is created; the third finds no place.
    new = {
        "person": {"full_name": "Lê Văn Cường", "date_of_birth": "1948-01-01", "id_number": "038048000123"}
    }
    assert writer.post(url, new, format="json").json()["person_created"] is True
    before = snapshot()
    full = {"person": {"full_name": "Phạm Văn Dũng", "date_of_birth": "1947-05-05", "phone": "0912000333"}}
    response = writer.post(url, full, format="json")
    assert response.status_code == 400 and "hết chỗ" in response.json()["non_field_errors"][0]
    assert snapshot() == before  # the person of a refused booking is not created
    assert (
        AuditLog.objects.filter(action="appointment.book", details__actor__startswith="token:").count() == 2
    )
    # Invalid input names its field.
    bad = writer.post(url, {"person": {"full_name": "X", "date_of_birth": "1950-01-01"}}, format="json")
    assert bad.status_code == 400 and "phone" in bad.json()["person"]


def test_dose_and_aefi_through_the_services(org, own_site, lot_at_own):
    appointment = booked(session_at(own_site))
    writer = bearer(org, ["vaccination.doses:write", "vaccination:read"])
    body = {"appointment": appointment.code.lower(), "lot": lot_at_own.pk, "dose_number": 1}
    response = writer.post("/api/v1/vaccination/doses/", body, format="json")
    assert response.status_code == 201, response.json()
    dose = Dose.objects.get()
    assert dose.screening is not None
    assert dose.session_id == appointment.session_id and dose.screening.outcome == "eligible"
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.ATTENDED
    row = AuditLog.objects.get(action="dose.record")
    assert row.details["actor"].startswith("token:") and row.actor is None
    # An adverse event on that dose.
    onset = (dose.administered_at + datetime.timedelta(minutes=1)).isoformat()
    response = writer.post(
        f"/api/v1/vaccination/doses/{dose.pk}/aefi/",
        {"onset_at": onset, "symptoms": "Sốt 38,5 độ", "seriousness": "not_serious"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    events = writer.get("/api/v1/vaccination/aefi/").json()["results"]
    assert [e["dose"] for e in events] == [dose.pk] and "person" not in events[0]
    assert AuditLog.objects.filter(action="person.read", reason="vaccination.api.aefi").exists()


def test_a_screening_that_refuses_leaves_nothing(org, own_site, lot_at_own):
    from vaccination.models import ScreeningQuestion

    question = ScreeningQuestion.objects.filter(if_yes="contraindicated", is_active=True).first()
    assert question is not None
    appointment = booked(session_at(own_site))
    writer = bearer(org, ["vaccination.doses:write"])
    before = snapshot()
    body = {
        "appointment": appointment.code,
        "lot": lot_at_own.pk,
        "dose_number": 1,
        "screening_positive": [question.code],
    }
    response = writer.post("/api/v1/vaccination/doses/", body, format="json")
    assert response.status_code == 400 and "screening_positive" in response.json()
    assert snapshot() == before


def test_denials_change_nothing(org, other_org, own_site, far_site, lot_at_own, client, make_user):
    mine = booked(session_at(own_site))
    far = booked(session_at(far_site), id_number="038085000002", phone="0912000002")
    dose = give(mine.person, own_site, lot_at_own)
    reader = bearer(org, ["vaccination:read"])
    writer = bearer(org, ["vaccination.appointments:write", "vaccination.doses:write"])
    stranger = bearer(other_org, ["vaccination.doses:write"])
    leader = make_user(Role.TASKFORCE_LEADER, province_wide=True)
    before = snapshot()
    # Out of scope: 403.
    assert (
        reader.post(
            f"/api/v1/vaccination/sessions/{mine.session_id}/appointments/", BOOKING, format="json"
        ).status_code
        == 403
    )
    assert (
        reader.post(
            "/api/v1/vaccination/doses/",
            {"appointment": mine.code, "lot": lot_at_own.pk, "dose_number": 2},
            format="json",
        ).status_code
        == 403
    )
    # Another organization's session, booking or dose: 404.
    assert (
        writer.post(
            f"/api/v1/vaccination/sessions/{far.session_id}/appointments/", BOOKING, format="json"
        ).status_code
        == 404
    )
    assert (
        writer.post(
            "/api/v1/vaccination/doses/",
            {"appointment": far.code, "lot": lot_at_own.pk, "dose_number": 1},
            format="json",
        ).status_code
        == 404
    )
    onset = (dose.administered_at + datetime.timedelta(minutes=5)).isoformat()
    aefi = {"onset_at": onset, "symptoms": "Sốt", "seriousness": "not_serious"}
    assert stranger.post(f"/api/v1/vaccination/doses/{dose.pk}/aefi/", aefi, format="json").status_code == 404
    # No key, a read-only official.
    assert APIClient().get("/api/v1/vaccination/sites/").status_code == 401
    client.force_login(leader)
    assert (
        client.post(
            f"/api/v1/vaccination/sessions/{mine.session_id}/appointments/",
            BOOKING,
            content_type="application/json",
        ).status_code
        == 403
    )
    assert snapshot() == before, list(AuditLog.objects.order_by("-pk").values_list("action", "details")[:3])


def test_the_schema_documents_the_vaccination_api():
    schema = APIClient().get("/api/v1/schema/?format=json").json()
    paths = schema["paths"]
    for path, method in (
        ("/api/v1/vaccination/sites/", "get"),
        ("/api/v1/vaccination/sessions/", "get"),
        ("/api/v1/vaccination/sessions/{id}/appointments/", "get"),
        ("/api/v1/vaccination/sessions/{id}/appointments/", "post"),
        ("/api/v1/vaccination/doses/", "get"),
        ("/api/v1/vaccination/doses/", "post"),
        ("/api/v1/vaccination/doses/{id}/aefi/", "post"),
        ("/api/v1/vaccination/aefi/", "get"),
    ):
        assert method in paths.get(path, {}), path
        assert {"apiToken": []} in paths[path][method]["security"], path
