import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core import services
from core.models import AuditLog, DuplicateCandidate, Person
from core.roles import Role
from tests.actors import SYSTEM, VISITOR
from tests.core.fixtures import person_data


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Nguyễn Văn An", "NGUYEN VAN AN"),
        ("Nguyễn Văn An", "  nguyễn   văn  an "),
        ("Đặng Thị Ánh", "dang thi anh"),
        ("Lê Hoài Văn", "Le Hoai Van"),
    ],
)
def test_name_key_ignores_diacritics_case_and_spaces(a, b):
    assert services.name_key(a) == services.name_key(b)


def test_name_key_keeps_different_names_apart():
    assert services.name_key("Nguyễn Văn An") != services.name_key("Nguyễn Văn Anh")


@pytest.mark.django_db
def test_same_id_number_is_the_same_person():
    person = services.person_create(actor=SYSTEM, data=person_data())
    found, created = services.person_resolve_for_visitor(
        data=person_data(full_name="NGUYEN VAN AN", phone="")
    )
    assert (found, created) == (person, False)


@pytest.mark.django_db
def test_phone_name_and_birth_date_match_when_name_typed_differently():
    person = services.person_create(actor=SYSTEM, data=person_data(id_number=""))
    # The personal QR gives the name upper-case without diacritics (Decision 1405/QĐ-BTTTT).
    found, created = services.person_resolve_for_visitor(
        data=person_data(id_number="", full_name="NGUYEN VAN AN", phone="+84 912 345 678")
    )
    assert (found, created) == (person, False)


@pytest.mark.django_db
def test_different_birth_date_is_a_new_person_flagged_as_suspected_duplicate():
    person = services.person_create(actor=SYSTEM, data=person_data(id_number=""))
    other, created = services.person_resolve_for_visitor(
        data=person_data(id_number="", date_of_birth=datetime.date(1986, 3, 12))
    )
    assert created and other != person
    assert DuplicateCandidate.objects.filter(person=other, other=person).exists()


@pytest.mark.django_db
def test_visitor_input_never_overwrites_an_existing_person():
    person = services.person_create(actor=SYSTEM, data=person_data())
    found, created = services.person_resolve_for_visitor(
        data=person_data(full_name="Kẻ Mạo Danh", phone="0999999999", address_line="Somewhere else")
    )
    assert not created and found.pk == person.pk
    person.refresh_from_db()
    assert person.full_name == "Nguyễn Văn An"
    assert person.phone == "0912345678"


@pytest.mark.django_db
def test_official_cannot_create_an_exact_duplicate():
    services.person_create(actor=SYSTEM, data=person_data())
    with pytest.raises(ValidationError):
        services.person_create(actor=SYSTEM, data=person_data(full_name="nguyen van an"))


@pytest.mark.django_db
def test_merge_moves_references_fills_blanks_and_is_audited(epidemiologist, dong_son):
    from tests.core.fixtures import first_ward

    ward = first_ward("405")
    keep = services.person_create(actor=SYSTEM, data=person_data(id_number="", address_unit=ward))
    dup, _ = services.person_resolve_for_visitor(
        data=person_data(phone="0987654321", date_of_birth=datetime.date(1985, 3, 12), address_unit=ward)
    )
    # A third record was merged into the duplicate earlier: it must now point at ``keep``.
    old = services.person_create(
        actor=SYSTEM, data=person_data(full_name="X Y", id_number="", phone="0900000000")
    )
    Person.objects.filter(pk=old.pk).update(merged_into=dup)
    before = AuditLog.objects.count()
    services.person_merge(actor=epidemiologist, keep=keep, duplicate=dup, reason="cùng CCCD")
    keep.refresh_from_db()
    dup.refresh_from_db()
    assert dup.merged_into == keep
    assert keep.id_number == "038085000001"  # blank filled from the duplicate
    assert dup.id_number == "" and dup.id_number_hash == ""
    assert Person.objects.get(pk=old.pk).merged_into == keep
    row = AuditLog.objects.get(action="person.merge")
    assert AuditLog.objects.count() == before + 1
    assert row.actor == epidemiologist and row.reason == "cùng CCCD"
    assert row.details["merged_person_id"] == dup.pk
    assert "038085000001" not in str(row.details)
    # The merged person no longer answers look-ups; the kept one does.
    found, created = services.person_resolve_for_visitor(data=person_data(full_name="Someone"))
    assert found == keep and not created


@pytest.mark.django_db
def test_merge_needs_the_right_role_and_a_reason(make_user, province):
    a = services.person_create(actor=SYSTEM, data=person_data())
    b = services.person_create(actor=SYSTEM, data=person_data(id_number="", phone="0900000001"))
    member = make_user(Role.TASKFORCE_MEMBER, province_wide=True)
    with pytest.raises(PermissionDenied):
        services.person_merge(actor=member, keep=a, duplicate=b, reason="x")
    with pytest.raises(ValidationError):
        services.person_merge(actor=SYSTEM, keep=a, duplicate=b, reason=" ")
    assert Person.objects.get(pk=b.pk).merged_into is None


@pytest.mark.django_db
def test_orphaned_visitors_are_deleted_when_their_retention_ends(province):
    import datetime as dt

    from django.utils import timezone

    from core.models import Person as P

    old = timezone.now() - dt.timedelta(days=30)
    orphan, _ = services.person_resolve_for_visitor(data=person_data(id_number="", phone="0900000101"))
    recent, _ = services.person_resolve_for_visitor(data=person_data(id_number="", phone="0900000102"))
    official = services.person_create(actor=SYSTEM, data=person_data(id_number="", phone="0900000103"))
    kept, _ = services.person_resolve_for_visitor(data=person_data(id_number="", phone="0900000104"))
    # Something still refers to ``kept``: a person merged into it (the same goes for a check-in).
    tomb = services.person_create(
        actor=SYSTEM, data=person_data(full_name="X", id_number="", phone="0900000105")
    )
    P.objects.filter(pk=tomb.pk).update(merged_into=kept)
    P.objects.filter(pk__in=[orphan.pk, official.pk, kept.pk]).update(created_at=old)
    assert services.persons_purge_orphans(actor=SYSTEM) == 1
    assert not P.objects.filter(pk=orphan.pk).exists()
    assert P.objects.filter(pk__in=[recent.pk, official.pk, kept.pk, tomb.pk]).count() == 4
    row = AuditLog.objects.get(action="person.purge")
    assert row.details["deleted"] == 1


@pytest.mark.django_db
def test_a_visitor_with_a_check_in_is_kept(province, dong_son):
    import datetime as dt
    import uuid

    from django.utils import timezone

    from checkpoints import intake
    from core.models import Organization
    from core.models import Person as P
    from declarations.data import DeclarationData
    from tests.checkpoints.conftest import make_checkpoint

    agency = Organization.objects.create(name="TTYT", kind="hospital", unit=dong_son)
    checkpoint = make_checkpoint(agency)
    rows = intake.submit(
        actor=VISITOR,
        checkpoint=checkpoint,
        declaration=DeclarationData(
            person=person_data(id_number="", phone="0900000201"), symptoms=[], exposures=[]
        ),
        members=[],
        method="self",
        submission=uuid.uuid4(),
        checked_in_at=None,
    )
    P.objects.filter(pk=rows[0].person_id).update(created_at=timezone.now() - dt.timedelta(days=60))
    assert services.persons_purge_orphans(actor=SYSTEM) == 0
    assert P.objects.filter(pk=rows[0].person_id).exists()
