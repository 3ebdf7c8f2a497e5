"""A submission id belongs to its checkpoint (issue 14, point 10): reusing another checkpoint's
submission id is a 409 that tells nothing about the stored rows, and writes nothing. On
PostgreSQL the visitor's check-in first tries the express statement (checkpoints/express.py),
so the same tests cover both paths there."""

import uuid

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from checkpoints import intake, services
from checkpoints.models import CheckIn
from core.models import AuditLog, Person
from declarations.data import DeclarationData
from tests.actors import VISITOR
from tests.checkpoints.conftest import make_checkpoint
from tests.checkpoints.test_api import payload
from tests.checkpoints.test_views import form_data, url
from tests.core.fixtures import first_ward, person_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def other(agency, operator):
    return make_checkpoint(agency, name="Chợ Đông Sơn", unit=first_ward("405"), operators=[operator])


def counts():
    return CheckIn.objects.count(), Person.objects.count(), AuditLog.objects.count()


def test_public_api_refuses_another_checkpoints_submission(checkpoint, other):
    api = APIClient()
    body = payload(checkpoint, members=[])
    assert api.post("/api/v1/checkins/", body, format="json").status_code == 201
    # The same visitor again (a returning person: the express path on PostgreSQL) and a stranger.
    for person in (body["person"], {"full_name": "Người Lạ", "birth_year": 1970, "phone": "0911111111"}):
        before = counts()
        reused = {**body, "checkpoint_token": other.qr_token, "person": person}
        response = api.post("/api/v1/checkins/", reused, format="json")
        assert response.status_code == 409
        text = response.content.decode()
        assert "Nguyễn" not in text and checkpoint.name not in text and str(checkpoint.pk) not in text
        assert set(response.json()) == {"detail"}
        assert counts() == before
    # The owner's retry is still idempotent.
    assert api.post("/api/v1/checkins/", body, format="json").status_code == 200


def test_service_path_refuses_it_too(checkpoint, other, operator):
    data = DeclarationData(person=person_data())
    submission = uuid.uuid4()
    intake.submit(actor=VISITOR, checkpoint=checkpoint, declaration=data, submission=submission)
    with pytest.raises(services.SubmissionConflict):
        intake.submit(
            actor=operator, checkpoint=other, declaration=data, submission=submission, method="staff"
        )
    with pytest.raises(services.SubmissionConflict):
        intake.visitor_submit(token=other.qr_token, declaration=data, submission=submission)
    # Raced in: the look-up saw nothing, the insert hit the stored submission.
    person = Person.objects.get()
    with pytest.raises(services.SubmissionConflict):
        services.checkin_create(
            actor=VISITOR, checkpoint=other, entries=[(person, data)], method="self", submission=submission
        )
    assert CheckIn.objects.filter(checkpoint=other).count() == 0


def test_staff_api_refuses_another_checkpoints_submission(checkpoint, other, operator):
    api = APIClient()
    submission = str(uuid.uuid4())
    api.post("/api/v1/checkins/", payload(checkpoint, submission=submission), format="json")
    api.force_authenticate(operator)
    response = api.post(
        f"/api/v1/checkpoints/{other.pk}/staff-checkins/",
        {
            "method": "paper",
            "submission": submission,
            "person": {"full_name": "Nguyễn Văn An", "birth_year": 1985, "phone": "0912345678"},
        },
        format="json",
    )
    assert response.status_code == 409 and set(response.json()) == {"detail"}
    assert CheckIn.objects.filter(checkpoint=other).count() == 0


def test_visitor_form_keeps_what_was_typed_and_gives_a_new_id(client, checkpoint, other):
    submission = str(uuid.uuid4())
    assert client.post(url(checkpoint), form_data(submission=submission)).status_code == 302
    response = client.post(url(other), form_data(submission=submission, address_line="Thôn 7"))
    assert response.status_code == 409
    text = response.content.decode()
    assert 'value="Thôn 7"' in text and submission not in text
    assert CheckIn.objects.filter(checkpoint=other).count() == 0
    # The confirmation page of the first checkpoint is not reachable through the other one.
    done = reverse("checkpoints:done", kwargs={"token": other.qr_token, "submission": submission})
    assert client.get(done).status_code == 404
