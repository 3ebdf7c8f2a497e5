"""A person's request for the data held about them and its deletion where the law allows (issue
15 point 11): found generically across apps, decrypted for the export, each request recorded and
audited; what must be kept is kept and the answer says why."""

import datetime
import json
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from checkpoints import services as checkpoint_services
from checkpoints.models import CheckIn
from core import services as core_services
from core.audit import audit_read
from core.models import AuditLog, DuplicateCandidate, Person
from core.roles import Role, personal_data_roles
from declarations.data import DeclarationData
from declarations.models import Declaration
from privacy import services
from privacy.models import SubjectRequest
from tests.actors import SYSTEM, VISITOR
from tests.checkpoints.audit_cases import _point
from tests.core.fixtures import person_data
from tests.testapp.models import Sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user, province):
    return make_user(Role.DATA_PROTECTION_OFFICER, province_wide=True)


@pytest.fixture
def held(dong_son, make_user):
    """A person with two check-ins (and their declarations), a merged duplicate, a suspected
    duplicate, and one read of their record by an epidemiologist."""
    person = core_services.person_create(actor=SYSTEM, data=person_data())
    point = _point({"dong_son": dong_son})
    for _visit in range(2):
        checkpoint_services.checkin_create(
            actor=VISITOR,
            checkpoint=point,
            entries=[(person, DeclarationData(person=person_data(), symptoms=["fever"]))],
            method="self",
            submission=uuid.uuid4(),
        )
        # Yesterday's visit, so that the second is a new one (not a repeat).
        yesterday = timezone.now() - datetime.timedelta(days=1)
        CheckIn.objects.filter(person=person).update(checked_in_at=yesterday, checked_out_at=yesterday)
    duplicate = core_services.person_create(
        actor=SYSTEM, data=person_data(id_number="", phone="0900000777", full_name="Nguyen Van An")
    )
    epi = make_user(Role.EPIDEMIOLOGIST, province_wide=True)
    core_services.person_merge(actor=epi, keep=person, duplicate=duplicate, reason="cùng người")
    other = core_services.person_create(actor=SYSTEM, data=person_data(id_number="", phone="0900000888"))
    DuplicateCandidate.objects.get_or_create(person=other, other=person, defaults={"reason": "t"})
    audit_read(actor=epi, target=Person, ids=[person.pk, other.pk], purpose="truy vết ca F0 số 3")
    return person


def _record(officer, person, kind="access", **kw):
    return services.subject_request_record(
        actor=officer,
        kind=kind,
        person=person,
        subject_name="Nguyễn Văn An",
        requester=kw.pop("requester", "self"),
        identity_check=kw.pop("identity_check", "chip_card"),
        **kw,
    )


def test_the_export_holds_everything_decrypted_and_each_download_is_logged(client, officer, held):
    Sample.objects.create(person=held, label="XN-9")  # an app the export does not name
    request = _record(officer, held)
    client.force_login(officer)
    response = client.get(reverse("privacy:request-export", kwargs={"pk": request.pk}))
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert data["person"]["id_number"] == "038085000001" and data["person"]["phone"] == "0912345678"
    assert "id_number_hash" not in data["person"]
    assert len(data["records"]["checkpoints.checkin"]) == 2
    declarations = data["records"]["declarations.declaration"]
    assert len(declarations) == 2 and declarations[0]["id_number"] == "038085000001"
    assert declarations[0]["symptoms"] == ["fever"]
    assert data["records"]["testapp.sample"][0]["label"] == "XN-9"
    assert data["merged"][0]["full_name"] == "Nguyen Van An"
    assert [r["purpose"] for r in data["reads"]] == ["truy vết ca F0 số 3"]
    page = client.get(reverse("privacy:request", kwargs={"pk": request.pk})).content.decode()
    assert "038085000001" in page and "truy vết ca F0 số 3" in page
    reads = AuditLog.objects.filter(action="person.read", actor=officer)
    assert reads.count() == 2
    assert all(r.reason.startswith(f"privacy: yêu cầu #{request.pk}") for r in reads)
    client.post(reverse("privacy:request-answer", kwargs={"pk": request.pk}))
    request.refresh_from_db()
    assert request.status == "done" and request.handled_by == officer
    assert request.outcome["exported"]["checkpoints.checkin"] == 2


def test_deletion_removes_what_has_a_retention_period_and_the_person(officer, held):
    other_checkins = CheckIn.objects.exclude(person=held).count()
    request = _record(officer, held, kind="erasure")
    plan = services.erasure_plan(held)
    assert plan["checkpoints.checkin"]["action"] == "delete"
    assert plan["declarations.declaration"]["action"] == "delete"
    services.subject_request_erase(actor=officer, request=request)
    assert not Person.objects.filter(pk=held.pk).exists()
    assert not Person._base_manager.filter(merged_into_id=held.pk).exists()
    assert not CheckIn.objects.filter(person_id=held.pk).exists()
    assert not Declaration.objects.filter(person_id=held.pk).exists()
    assert not DuplicateCandidate.objects.filter(other_id=held.pk).exists()
    assert CheckIn.objects.count() == other_checkins
    request.refresh_from_db()
    assert request.status == "done"
    assert request.outcome["core.person"] == {"action": "delete", "rows": 2}
    row = AuditLog.objects.get(action="subject_request.erase")
    assert row.actor == officer and row.details["outcome"]["checkpoints.checkin"] == ["delete", 2]
    # The audit log (a legal record) keeps the reads of the person: append-only.
    assert AuditLog.objects.filter(target_ids__icontains=f'"{held.pk}"').exists()
    with pytest.raises(ValidationError):
        services.subject_request_erase(actor=officer, request=request)  # done already


def test_records_kept_as_legal_records_stay_and_the_answer_says_why(client, officer, held):
    Sample.objects.create(person=held, label="XN-9")  # no retention rule: kept until one exists
    request = _record(officer, held, kind="erasure")
    client.force_login(officer)
    page = client.get(reverse("privacy:request", kwargs={"pk": request.pk})).content.decode()
    assert "Chưa có quy định lưu trữ cho loại dữ liệu này" in page
    client.post(reverse("privacy:request-erase", kwargs={"pk": request.pk}))
    kept = Person.objects.get(pk=held.pk)
    assert kept.full_name == "Nguyễn Văn An" and kept.id_number == "038085000001"
    assert kept.phone == "" and kept.phone_hash == "" and kept.address_line == ""
    assert Sample.objects.filter(person=kept).exists() and not CheckIn.objects.filter(person=kept).exists()
    request.refresh_from_db()
    assert request.outcome["testapp.sample"]["action"] == "keep"
    assert request.outcome["core.person"]["action"] == "anonymise"
    assert "testapp.sample" in request.outcome["core.person"]["basis"]
    answer = client.get(reverse("privacy:request", kwargs={"pk": request.pk})).content.decode()
    assert "Chưa có quy định lưu trữ" in answer


def test_an_access_request_cannot_delete(officer, held):
    request = _record(officer, held, kind="access")
    with pytest.raises(ValidationError):
        services.subject_request_erase(actor=officer, request=request)
    assert Person.objects.filter(pk=held.pk).exists()


def test_recording_through_the_page(client, officer, held):
    client.force_login(officer)
    url = reverse("privacy:requests")
    base = {
        "kind": "erasure",
        "subject_name": "Nguyễn Văn An",
        "id_number": "",
        "phone": "0912 345 678",
        "requester": "representative",
        "requester_name": "",
        "identity_check": "other",
        "identity_note": "",
    }
    response = client.post(url, base)
    assert response.status_code == 200 and not SubjectRequest.objects.exists()
    errors = response.context["form"].errors
    assert "requester_name" in errors and "identity_note" in errors
    response = client.post(
        url, {**base, "requester_name": "Trần Thị Bình", "identity_note": "giấy ủy quyền có công chứng"}
    )
    request = SubjectRequest.objects.get()
    assert response.status_code == 302 and request.person_ref == held.pk and request.status == "open"
    assert request.recorded_by == officer and request.requester_name == "Trần Thị Bình"
    row = AuditLog.objects.get(action="subject_request.record")
    assert row.details["identity_check"] == "other" and "Trần" not in json.dumps(row.details)
    client.post(url, {**base, "phone": "0999 000 111", "requester": "self", "identity_check": "id_seen"})
    assert SubjectRequest.objects.latest("id").status == "not_found"


def test_only_a_province_wide_officer_handles_requests(make_user, dong_son, held):
    scoped = make_user(Role.DATA_PROTECTION_OFFICER, units=[dong_son])
    with pytest.raises(PermissionDenied):
        _record(scoped, held)
    with pytest.raises(PermissionDenied):
        _record(make_user(Role.EPIDEMIOLOGIST, province_wide=True), held)


def test_the_officer_role_reads_personal_data_so_it_is_granted_by_someone_else():
    assert Role.DATA_PROTECTION_OFFICER in personal_data_roles()
